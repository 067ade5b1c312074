"""Real loopback servers for the window tests: the sandbox, a slow one, a fussy Regal."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
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
