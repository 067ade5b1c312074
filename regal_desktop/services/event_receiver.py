"""The receiver behind ``regal-desktop listen``: Regal's contact events over HTTP, each
stored durably before it is answered.

POSTs at ``/`` and ``/events`` take one event, an array of events, or a Segment batch
(``{"batch": [...]}``). Answers:

- 200 ``{"stored": N, "known": M, "rejected": [...]}`` once every good event of the body
  is committed (events already known count as taken). A body with some bad events: the
  good ones are stored and the answer is 200, listing each rejected event's index and
  reason (sending it again would not make them good);
- 400 with the reason when the body is not JSON, or when every event in it was bad;
- 401 without the shared secret: HTTP Basic auth with the secret as password (or as user
  name with no password), ``Authorization: <secret>`` or ``Authorization: Bearer
  <secret>``, or Segment's ``X-Signature`` (HMAC-SHA1 of the body, hex);
- 411 without a Content-Length, 413 for a body over the limit, 404 elsewhere, 405 for
  other methods, 503 when the database cannot be written (try again).

Commits are grouped: one writer thread takes what every connection has waiting and
commits it in one transaction (``synchronous=FULL``), then answers them all, so a burst
of single-event requests costs one disk flush per group, not per event. Standard library
``http.server``, one thread per keep-alive connection, as the sandbox.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import queue
import sqlite3
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal

from regal_desktop.domain.regal_events import EventError, RegalEvent, events_in, parse_event
from regal_desktop.sandbox.loopback import (
    LoopbackServer,
    QuietHandler,
    cannot_listen,
    serving_thread,
)
from regal_desktop.store import Location, Store, StoreError, open_store
from regal_desktop.store.db import transaction

PATHS = frozenset({"/", "/events"})
#: The largest body taken (Segment sends batches of at most 500 KB).
MAX_BODY = 4 * 2**20
#: How long a request waits for its commit before answering 503.
COMMIT_WAIT = 20.0
#: Events committed together at most (a burst is split into groups this size).
_GROUP = 2000


@dataclass(frozen=True)
class Note:
    """What the receiver did with one event: ``stored`` (new), ``known`` (stored before)
    or ``rejected`` (with ``reason``); ``peer`` is the sender's address."""

    outcome: Literal["stored", "known", "rejected"]
    peer: str
    event: RegalEvent | None = None
    reason: str | None = None


@dataclass
class _Job:
    events: list[RegalEvent]
    peer: str
    done: threading.Event = field(default_factory=threading.Event)
    new: list[bool] | None = None
    error: str | None = None


class _Writer:
    """The one thread that writes: commits every waiting job in one transaction."""

    def __init__(self, database: Location, on_note: Callable[[Note], None]) -> None:
        self.database = database
        self.on_note = on_note
        self.jobs: queue.Queue[_Job | None] = queue.Queue()
        self.ready = threading.Event()
        self.failure: str | None = None
        self.thread = threading.Thread(target=self._run, name="listen-writer", daemon=True)

    def start(self) -> None:
        """Open the database in the writer's thread; ``StoreError`` if it cannot."""
        self.thread.start()
        self.ready.wait()
        if self.failure is not None:
            raise StoreError(self.failure)

    def submit(self, job: _Job) -> None:
        """Queue ``job``; its ``done`` is set once it is committed or has failed."""
        self.jobs.put(job)

    def stop(self) -> None:
        """Commit what is waiting, then end the thread."""
        self.jobs.put(None)
        self.thread.join(timeout=30)

    def _run(self) -> None:
        try:
            store = open_store(self.database)
            # Answered 2xx means kept: flush the log to disk at every commit (PostgreSQL
            # does so already).
            if store.kind == "sqlite":
                store.conn.execute("PRAGMA synchronous=FULL")
        except (StoreError, sqlite3.Error) as exc:
            self.failure = str(exc)
            self.ready.set()
            return
        self.ready.set()
        with store:
            stopping = False
            while not stopping:
                jobs, stopping = self._group()
                if jobs:
                    self._commit(store, jobs)

    def _group(self) -> tuple[list[_Job], bool]:
        """The next job (waiting for one) and every other one already waiting."""
        first = self.jobs.get()
        if first is None:
            return [], True
        jobs, count = [first], len(first.events)
        while count < _GROUP:
            try:
                job = self.jobs.get_nowait()
            except queue.Empty:
                break
            if job is None:
                return jobs, True
            jobs.append(job)
            count += len(job.events)
        return jobs, False

    def _commit(self, store: Store, jobs: list[_Job]) -> None:
        try:
            with transaction(store.conn):  # one commit for the group; add_each joins it
                every = [event for job in jobs for event in job.events]
                flags = iter(store.events.add_each(every, "listen"))
                results = [[next(flags) for _ in job.events] for job in jobs]
        except (StoreError, sqlite3.Error) as exc:
            for job in jobs:
                job.error = f"the events could not be stored: {exc}"
                job.done.set()
            return
        for job, new in zip(jobs, results, strict=True):
            job.new = new
            job.done.set()
        for job, new in zip(jobs, results, strict=True):
            for event, is_new in zip(job.events, new, strict=True):
                self.on_note(Note("stored" if is_new else "known", job.peer, event))


def _answer_json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


class _Handler(QuietHandler):
    server: _Server

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        self.send_json(status, _answer_json(payload))

    def _refuse(self, status: int, message: str, *, close: bool = False) -> None:
        if close:
            self.close_connection = True
        self._answer(status, {"message": message})

    def do_GET(self) -> None:
        """Only POST is served."""
        self._not_post()

    do_PUT = do_DELETE = do_PATCH = do_GET

    def _not_post(self) -> None:
        if self.path.split("?", 1)[0] in PATHS:
            self.close_connection = True
            data = _answer_json({"message": "Method Not Allowed: POST events here"})
            self.send_json(405, data, {"Allow": "POST"})
        else:
            self._refuse(404, "Not Found: POST events to / or /events", close=True)

    def do_POST(self) -> None:
        """Take one event, an array or a Segment batch; answer once it is committed."""
        if self.path.split("?", 1)[0] not in PATHS:
            self._refuse(404, "Not Found: POST events to / or /events", close=True)
            return
        raw = self._body()
        if raw is None:
            return
        if not self.server.receiver.authorized(self.headers, raw):
            self._refuse(401, "Unauthorized: give the shared secret")
            return
        try:
            body = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            self._refuse(400, f"body is not UTF-8: {exc.reason} at byte {exc.start}")
            return
        except json.JSONDecodeError as exc:
            self._refuse(
                400, f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            )
            return
        self._take(body)

    def _body(self) -> bytes | None:
        """The request body, or None once an error was answered."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self._refuse(411, "Length Required: send a Content-Length", close=True)
            return None
        try:
            length = int(self.headers.get("Content-Length") or "")
        except ValueError:
            self._refuse(411, "Length Required: send a Content-Length", close=True)
            return None
        limit = self.server.receiver.max_body
        if length < 0 or length > limit:
            self._refuse(413, f"body too large: the limit is {limit} bytes", close=True)
            return None
        raw = self.rfile.read(length)
        encoding = (self.headers.get("Content-Encoding") or "identity").strip().lower()
        if encoding == "identity":
            return raw
        if encoding != "gzip":
            self._refuse(415, f"Content-Encoding {encoding!r} is not supported (use gzip)")
            return None
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            data = inflater.decompress(raw, limit + 1)
        except zlib.error as exc:
            self._refuse(400, f"body is not valid gzip: {exc}")
            return None
        if len(data) > limit:
            self._refuse(413, f"body too large: the limit is {limit} bytes", close=True)
            return None
        return data

    def _take(self, body: Any) -> None:
        peer = self.client_address[0]
        receiver = self.server.receiver
        good: list[RegalEvent] = []
        rejected: list[dict[str, Any]] = []
        items = events_in(body)
        for index, item in enumerate(items):
            try:
                good.append(parse_event(item, receiver.region))
            except EventError as exc:
                where = f"event {index}" if len(items) > 1 else "the event"
                rejected.append({"index": index, "reason": exc.reason})
                receiver.on_note(Note("rejected", peer, reason=f"{where}: {exc.reason}"))
        if rejected and not good:
            reasons = "; ".join(f"event {r['index']}: {r['reason']}" for r in rejected)
            message = rejected[0]["reason"] if len(items) == 1 else f"no event taken: {reasons}"
            self._answer(400, {"message": message, "rejected": rejected})
            return
        new: list[bool] = []
        if good:
            job = _Job(good, peer)
            receiver.writer.submit(job)
            if not job.done.wait(COMMIT_WAIT) or job.new is None:
                why = job.error or "the database did not answer in time"
                self._refuse(503, f"{why}; nothing was answered as stored, send again")
                return
            new = job.new
        stored = sum(new)
        self._answer(200, {"stored": stored, "known": len(new) - stored, "rejected": rejected})


class _Server(LoopbackServer):
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], receiver: EventReceiver) -> None:
        self.receiver = receiver
        super().__init__(address, _Handler)


def _matches(given: str, secret: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), secret.encode("utf-8"))


class EventReceiver:
    """Regal's events over HTTP into the database at ``database``."""

    def __init__(
        self,
        database: Location,
        secret: str,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        on_note: Callable[[Note], None] | None = None,
        max_body: int = MAX_BODY,
        region: str = "US",
    ) -> None:
        if not secret:
            raise ValueError("the receiver needs a shared secret")
        self.database = database
        self.secret = secret
        self.host = host
        self.port = port
        self.max_body = max_body
        self.region = region
        self._on_note = on_note
        self._notes_lock = threading.Lock()
        self.writer = _Writer(database, self.on_note)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Where to post, e.g. ``http://127.0.0.1:8788/events``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/events"

    def on_note(self, note: Note) -> None:
        """Pass ``note`` on, one at a time."""
        if self._on_note is not None:
            with self._notes_lock:
                self._on_note(note)

    def authorized(self, headers: Any, body: bytes) -> bool:
        """True when the request carries the shared secret (see the module's doc)."""
        signature = headers.get("X-Signature")
        if signature:
            digest = hmac.new(self.secret.encode("utf-8"), body, hashlib.sha1).hexdigest()
            if _matches(signature.strip().lower(), digest):
                return True
        given = (headers.get("Authorization") or "").strip()
        scheme, _, rest = given.partition(" ")
        if scheme.lower() == "basic" and rest:
            try:
                pair = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return False
            user, _, password = pair.partition(":")
            return _matches(password, self.secret) or (not password and _matches(user, self.secret))
        if scheme.lower() == "bearer" and rest:
            return _matches(rest.strip(), self.secret)
        return bool(given) and _matches(given, self.secret)

    def bind(self) -> EventReceiver:
        """Open the database and the listening socket (the port is known after this)."""
        if self._server is None:
            self.writer.start()
            try:
                self._server = _Server((self.host, self.port), self)
            except OSError as exc:
                self.writer.stop()
                raise cannot_listen(self.host, self.port, exc) from exc
            self.port = int(self._server.server_address[1])
        return self

    def start(self) -> EventReceiver:
        """Serve in a background thread; return self."""
        server = self.bind()._server
        assert server is not None
        if self._thread is None:
            self._thread = serving_thread(server, f"listen:{self.port}")
        return self

    def serve(self) -> None:
        """Serve in this thread until interrupted (KeyboardInterrupt) or ``stop()``."""
        server = self.bind()._server
        assert server is not None
        server.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        """Stop taking requests, commit what is waiting, close every connection."""
        server, self._server = self._server, None
        if server is None:
            return
        if self._thread is not None:
            server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        server.server_close()
        self.writer.stop()
        server.close_connections()

    def __enter__(self) -> EventReceiver:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


__all__ = ["MAX_BODY", "PATHS", "EventReceiver", "Note"]
