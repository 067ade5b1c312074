"""A receiver on this computer that answers as Regal's Custom Events API would, and as
Segment's HTTP Tracking API would at ``/v1/batch``, ``/v1/identify`` and ``/v1/track``
(``/v1`` optional) for a Segment account.

New users try everything against it without a key, and tests drive real HTTP through it,
with faults to inject: latency, 5xx, 429, dropped connections and requests that never get
an answer. Standard library only (``http.server``), one thread per keep-alive connection.
"""

from __future__ import annotations

import hmac
import json
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from regal_desktop.sandbox.loopback import (
    LoopbackServer,
    QuietHandler,
    cannot_listen,
    serving_thread,
)
from regal_desktop.sandbox.segment import SEGMENT_BASE, judge, segment_call

EVENTS_PATH = "/events"


@dataclass(frozen=True)
class Faults:
    """Misbehaviour to inject; each share is a probability between 0 and 1 per request.

    ``retry_after`` is sent as the ``Retry-After`` header with every 429 when set; several
    values are sent in turn, one per 429.
    """

    latency: float = 0.0
    error_rate: float = 0.0
    throttle_rate: float = 0.0
    drop_rate: float = 0.0
    hang: bool = False
    seed: int | None = None
    retry_after: str | tuple[str, ...] | None = None


@dataclass(frozen=True)
class Received:
    """One request that reached the receiver's Regal logic (faults are not recorded).

    ``at`` is ``time.monotonic()`` on arrival, ``wall`` the same moment as Unix time. The
    ``Authorization`` value is never kept, only whether it matched.
    """

    at: float
    wall: float
    body: str
    authorized: bool
    status: int
    path: str = EVENTS_PATH  # where it was posted: /events, or a Segment call's path


def _names_a_contact(body: dict[str, Any]) -> bool:
    """Regal needs at least one identifier: userId, a phone or an e-mail (either shape)."""
    traits = body.get("traits")
    traits = traits if isinstance(traits, dict) else {}
    return bool(
        body.get("userId")
        or any(traits.get(name) for name in ("phones", "emails", "phone", "email"))
    )


def _json(message: str) -> bytes:
    return json.dumps({"message": message}).encode("utf-8")


class _Handler(QuietHandler):
    server: _Server

    def _answer(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_json(status, payload, headers)

    def _path(self) -> str:
        return self.path.split("?", 1)[0]

    def do_GET(self) -> None:
        """Only POST is served at /events and Segment's paths."""
        if self._path() == EVENTS_PATH or segment_call(self._path()):
            self._answer(405, _json("Method Not Allowed"), {"Allow": "POST"})
        else:
            self._answer(404, _json("Not Found"))

    def do_POST(self) -> None:
        """Answer as Regal would, after any injected fault."""
        arrived, wall = time.monotonic(), time.time()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self._answer(400, _json("Content-Length is not a valid number"))
            return
        raw = self.rfile.read(length)
        path = self._path()
        call = segment_call(path)
        if path != EVENTS_PATH and call is None:
            self._answer(404, _json("Not Found"))
            return
        if self.server.inject_fault(self):
            return
        if call is not None:
            status, answer = self.server.judge_segment(call, raw, self.headers.get("Authorization"))
            body = raw.decode("utf-8", errors="replace")
            self.server.note(Received(arrived, wall, body, status != 401, status, path))
            self._answer(status, answer)
            return
        status, message = self.server.judge(raw, self.headers.get("Authorization"))
        body = raw.decode("utf-8", errors="replace")
        self.server.note(Received(arrived, wall, body, status != 401, status))
        self._answer(status, _json(message))


class _Server(LoopbackServer):
    # A sender opens its whole pool at once; the default backlog of 5 drops connects.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.stopping = threading.Event()
        super().__init__(address, _Handler)

    def inject_fault(self, handler: _Handler) -> bool:
        """Apply the sandbox's faults to one request; True when it was answered (or not)."""
        faults = self.sandbox.faults
        if faults.latency > 0:
            time.sleep(faults.latency)
        if faults.hang:
            self.stopping.wait()
            handler.close_connection = True
            return True
        roll = self.sandbox.roll()
        if roll < faults.drop_rate:
            handler.close_connection = True  # closed with no answer at all
            return True
        roll -= faults.drop_rate
        if roll < faults.throttle_rate:
            value = self.sandbox.next_retry_after()
            extra = {"Retry-After": value} if value else {}
            handler._answer(429, _json("Too Many Requests"), extra)
            return True
        roll -= faults.throttle_rate
        if roll < faults.error_rate:
            status = 500 if self.sandbox.roll() < 0.5 else 503
            handler._answer(status, _json("Internal Server Error"))
            return True
        return False

    def judge(self, raw: bytes, authorization: str | None) -> tuple[int, str]:
        """Regal's answer to a body: 200 ok, 401 for a wrong key, 400 with the reason."""
        key = self.sandbox.key
        if key is not None and not hmac.compare_digest(
            (authorization or "").encode("utf-8"), key.encode("utf-8")
        ):
            return 401, "Unauthorized"
        try:
            body = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            return 400, f"body is not UTF-8: {exc.reason} at byte {exc.start}"
        except json.JSONDecodeError as exc:
            return 400, f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        if not isinstance(body, dict):
            return 400, "body must be a JSON object"
        if not _names_a_contact(body):
            return 400, "body names no contact: send userId, traits.phones or traits.emails"
        return 200, "ok"

    def judge_segment(self, call: str, raw: bytes, authorization: str | None) -> tuple[int, bytes]:
        """Segment's answer to ``raw`` posted to ``call`` (``segment.judge``)."""
        return judge(self.sandbox.key, call, raw, authorization)

    def note(self, received: Received) -> None:
        self.sandbox._note(received)


class Sandbox:
    """A loopback receiver in a background thread; use as a context manager or start/stop."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        key: str | None = None,
        faults: Faults | None = None,
        on_request: Callable[[Received], None] | None = None,
        keep: int = 100_000,
    ) -> None:
        self.host = host
        self.port = port
        self.key = key
        self.faults = faults or Faults()
        self.on_request = on_request
        self._received: deque[Received] = deque(maxlen=keep)
        self._accepted = 0
        self._throttled = 0
        self._lock = threading.Lock()
        self._rng = random.Random(self.faults.seed)
        self._server: _Server | None = None
        self._serving = False
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"Sandbox({self.url if self._server else 'stopped'})"

    @property
    def url(self) -> str:
        """The endpoint to send to, e.g. ``http://127.0.0.1:8765/events``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{EVENTS_PATH}"

    @property
    def segment_url(self) -> str:
        """The endpoint for a Segment account, e.g. ``http://127.0.0.1:8765/v1``."""
        return self.url.removesuffix(EVENTS_PATH) + SEGMENT_BASE

    @property
    def received(self) -> list[Received]:
        """What arrived, oldest first (the most recent ``keep`` requests)."""
        with self._lock:
            return list(self._received)

    @property
    def accepted_count(self) -> int:
        """How many requests were answered 200 since the start."""
        with self._lock:
            return self._accepted

    def arrivals(self) -> list[float]:
        """Arrival times (``time.monotonic()``) of the accepted requests still kept."""
        return [item.at for item in self.received if item.status == 200]

    def next_retry_after(self) -> str | None:
        """The ``Retry-After`` value of the next 429 (``Faults.retry_after`` in turn)."""
        values = self.faults.retry_after
        if values is None or isinstance(values, str):
            return values
        with self._lock:
            self._throttled += 1
            return values[(self._throttled - 1) % len(values)] if values else None

    def roll(self) -> float:
        """A number in [0, 1) from the seeded generator shared by all connections."""
        with self._lock:
            return self._rng.random()

    def _note(self, received: Received) -> None:
        with self._lock:
            self._received.append(received)
            if received.status == 200:
                self._accepted += 1
        if self.on_request is not None:
            self.on_request(received)

    def bind(self) -> Sandbox:
        """Open the listening socket (the port is known after this) without serving."""
        if self._server is None:
            try:
                self._server = _Server((self.host, self.port), self)
            except OSError as exc:
                raise cannot_listen(self.host, self.port, exc) from exc
            self.port = int(self._server.server_address[1])
        return self

    def start(self) -> Sandbox:
        """Serve in a daemon thread (once, however often called); return self."""
        if self._thread is not None:
            return self
        server = self.bind()._server
        assert server is not None
        self._serving = True
        self._thread = serving_thread(server, f"sandbox:{self.port}")
        return self

    def serve(self) -> None:
        """Serve in this thread until ``stop()`` is called from another one."""
        server = self.bind()._server
        assert server is not None
        self._serving = True
        server.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        """Stop serving, release hung requests and close every connection."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping.set()
        if self._serving:
            # Returns at once if the loop already ended (e.g. Ctrl+C in serve()).
            server.shutdown()
            self._serving = False
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve_forever(
    port: int,
    key: str | None = None,
    faults: Faults | None = None,
    on_request: Callable[[Received], None] | None = None,
    host: str = "127.0.0.1",
) -> None:
    """Run a sandbox in this thread until interrupted (Ctrl+C), for the command line."""
    sandbox = Sandbox(host, port, key=key, faults=faults, on_request=on_request)
    try:
        sandbox.serve()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
