"""Real loopback servers for tests: the sandbox, a slow one, a fussy Regal, and Segment."""

from __future__ import annotations

import base64
import json
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from regal_desktop.sandbox.server import Faults, Sandbox


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A loopback receiver answering as Regal does."""
    with Sandbox() as receiver:
        yield receiver


@pytest.fixture
def slow_sandbox() -> Iterator[Sandbox]:
    """A loopback receiver that takes 20 ms per request, so a send can be paused."""
    with Sandbox(faults=Faults(latency=0.02)) as receiver:
        yield receiver


@dataclass
class FussyRegal:
    """A loopback server answering 400 to any body whose first name is "Bad"."""

    url: str
    bodies: list[bytes] = field(default_factory=list)


class _FussyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _FussyServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.record.bodies.append(body)
        bad = json.loads(body)["traits"].get("firstName") == "Bad"
        message = "traits.firstName: 'Bad' is not an allowed name" if bad else "ok"
        answer = json.dumps({"message": message}).encode()
        self.send_response(400 if bad else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


class _FussyServer(ThreadingHTTPServer):
    daemon_threads = True
    record: FussyRegal


@pytest.fixture
def fussy_regal() -> Iterator[FussyRegal]:
    """A real HTTP server on 127.0.0.1 that rejects first name "Bad" with 400."""
    server = _FussyServer(("127.0.0.1", 0), _FussyHandler)
    server.record = FussyRegal(f"http://127.0.0.1:{server.server_address[1]}/events")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server.record
    server.shutdown()
    server.server_close()
    thread.join(5)


@dataclass(frozen=True)
class SegmentPost:
    """One POST that reached the loopback Segment server, and what it answered."""

    path: str
    authorization: str | None
    body: dict[str, Any]
    status: int
    at: float  # time.monotonic() on arrival

    @property
    def message_ids(self) -> list[str]:
        """The messageIds of the batch, in order."""
        return [str(message["messageId"]) for message in self.body.get("batch", [])]


@dataclass
class SegmentServer:
    """A real loopback server playing Segment's HTTP Tracking API under ``url``.

    It records every POST (``posts``). ``answers`` is a script, used first to last: each
    entry is ``(status, body, headers)`` (e.g. ``(500, ...)`` once, ``(429, ...,
    {"Retry-After": "1"})``, a 400 with Segment's message); once it is used up every POST
    gets 200 ``{"success": true}``. With ``write_key``, a POST without HTTP Basic auth of
    that key (as user name, empty password) gets 401. ``latency`` delays every answer (a
    POST is recorded on arrival, before it).
    """

    url: str = ""
    write_key: str | None = None
    answers: list[tuple[int, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    latency: float = 0.0
    posts: list[SegmentPost] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        """Add one answer to the script."""
        with self.lock:
            self.answers.append((status, body, headers or {}))

    def delivered_ids(self) -> list[str]:
        """The messageIds of every batch answered 200, in order of arrival."""
        with self.lock:
            return [mid for post in self.posts if post.status == 200 for mid in post.message_ids]

    def batches(self) -> list[SegmentPost]:
        """Every POST so far, oldest first."""
        with self.lock:
            return list(self.posts)


class _SegmentHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _SegmentHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        arrived = time.monotonic()
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        record = self.server.record
        authorization = self.headers.get("Authorization")
        headers: dict[str, str] = {}
        with record.lock:
            expected = None
            if record.write_key is not None:
                token = base64.b64encode(f"{record.write_key}:".encode()).decode()
                expected = f"Basic {token}"
            if expected is not None and authorization != expected:
                status, answer = 401, {"success": False, "message": "Invalid write key"}
            elif record.answers:
                status, answer, headers = record.answers.pop(0)
            else:
                status, answer = 200, {"success": True}
            try:
                body = json.loads(raw)
            except ValueError:
                body = {"unreadable": raw.decode("utf-8", "replace")}
            record.posts.append(SegmentPost(self.path, authorization, body, status, arrived))
        if record.latency:
            time.sleep(record.latency)  # recorded on arrival: a sender may die meanwhile
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


class _SegmentHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 64
    record: SegmentServer


@pytest.fixture
def segment_server() -> Iterator[SegmentServer]:
    """A real HTTP server on 127.0.0.1 playing Segment (see ``SegmentServer``); its
    ``url`` is the API root (``http://127.0.0.1:PORT/v1``), posts go to ``/v1/batch``."""
    server = _SegmentHTTPServer(("127.0.0.1", 0), _SegmentHandler)
    server.record = SegmentServer(f"http://127.0.0.1:{server.server_address[1]}/v1")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server.record
    server.shutdown()
    server.server_close()
    thread.join(5)


@dataclass
class LimitedRegal:
    """A real loopback server that answers like Regal under its rate limit.

    Every POST is recorded on arrival (``arrivals``: ``time.monotonic()``, ``bodies``),
    then answered after ``latency`` seconds: 429 when it made more than ``limit`` arrivals
    in the sliding second ending with it, else 200. Any path is accepted (``url`` for a
    Regal account, ``segment_url`` for a Segment one).
    """

    url: str = ""
    limit: int = 300
    latency: float = 0.05
    arrivals: list[float] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    throttled: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def segment_url(self) -> str:
        """The API root for a Segment account (posts go to ``/v1/batch``)."""
        return self.url.removesuffix("/events") + "/v1"

    def count(self) -> int:
        """How many POSTs arrived so far."""
        with self.lock:
            return len(self.arrivals)

    def busiest_second(self) -> int:
        """The most arrivals in any sliding second (a closed interval of one second)."""
        with self.lock:
            times = sorted(self.arrivals)
        best, low = 0, 0
        for high, moment in enumerate(times):
            while times[low] < moment - 1.0:
                low += 1
            best = max(best, high - low + 1)
        return best


class _LimitedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _LimitedServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        arrived = time.monotonic()
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        record = self.server.record
        with record.lock:
            record.arrivals.append(arrived)
            record.bodies.append(raw)
            recent = sum(
                1 for moment in record.arrivals[-record.limit - 1 :] if moment >= arrived - 1.0
            )
            over = recent > record.limit
            record.throttled += over
        time.sleep(record.latency)
        answer = (
            b'{"message": "Too Many Requests"}' if over else b'{"message": "ok", "success": true}'
        )
        self.send_response(429 if over else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


class _LimitedServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    record: LimitedRegal

    def handle_error(self, request: object, client_address: object) -> None:
        """A sender killed mid-request (the drills do it) resets its connection: that is
        the drill, not a fault of the server, so it is not printed as one."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def limited_regal(limit: int = 300, latency: float = 0.05) -> Iterator[LimitedRegal]:
    """Serve a ``LimitedRegal`` on 127.0.0.1 for the ``with`` block."""
    server = _LimitedServer(("127.0.0.1", 0), _LimitedHandler)
    server.record = LimitedRegal(
        f"http://127.0.0.1:{server.server_address[1]}/events", limit, latency
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server.record
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
