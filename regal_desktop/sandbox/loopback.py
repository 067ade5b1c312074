"""What the sandbox receiver and ``regal-desktop listen`` share as HTTP servers: a
thread per keep-alive connection, connections that can be cut at shutdown, and quiet
handlers that answer JSON. Standard library ``http.server`` only."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class QuietHandler(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1 without logging; ``send_json`` writes one whole answer."""

    protocol_version = "HTTP/1.1"  # keep-alive, as Regal's endpoint
    disable_nagle_algorithm = True  # headers and body go out without a 40 ms stall
    timeout = 60  # an idle keep-alive connection is closed after a minute

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing: each server reports what it received in its own words."""

    def send_json(self, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
        """Answer ``status`` with the JSON ``data`` and any extra ``headers``; says
        ``Connection: close`` when the handler will close the connection after it."""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)


class LoopbackServer(ThreadingHTTPServer):
    """A threaded server (IPv4 or IPv6 by the host's form) that knows its open
    connections, so stopping can cut idle and hung ones, and takes a client hanging up as
    normal."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Cut every open connection so hung and idle handler threads end."""
        with self._connections_lock:
            open_now = list(self._connections)
        for connection in open_now:
            with contextlib.suppress(OSError):  # already closed by the other side
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a timeout, a dropped test) is normal; others are not."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


def cannot_listen(host: str, port: int, exc: OSError) -> OSError:
    """The error to raise when binding ``host``:``port`` failed, in one line."""
    return OSError(f"cannot listen on {host} port {port}: {exc.strerror or exc}")


def serving_thread(server: LoopbackServer, name: str) -> threading.Thread:
    """A started daemon thread serving ``server`` until it is shut down."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=name, daemon=True
    )
    thread.start()
    return thread


__all__ = ["LoopbackServer", "QuietHandler", "cannot_listen", "serving_thread"]
