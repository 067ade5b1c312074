"""Regal's events: ``events import`` of 100,000 events against parsing the same file alone,
and ``listen``'s sustained events per second on loopback against a trivial server.

The import runs the real command (``regal-desktop events import``) on a JSON lines file of
Segment track calls into a new database; the baseline reads the same file and
``json.loads`` every line. The receiver runs as ``regal-desktop listen`` in a process of
its own (storing, with a commit flushed to disk before each answer, printing a line per
event to /dev/null); the baseline is a trivial ``http.server`` in its own process that
answers 200 without storing. The same lean socket clients (eight threads, one
keep-alive connection each, one new event per request) load both for the same time.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.common import Result, best_of

EVENTS = 100_000
CLIENTS = 8
SECONDS = 5.0
SECRET = "benchmark-secret-0123456789abcdef"
ROOT = Path(__file__).resolve().parents[1]


def _event(number: int) -> dict[str, Any]:
    return {
        "type": "track",
        "event": "contact.unsubscribed" if number % 3 else "contact.subscribed",
        "userId": f"u{number}",
        "messageId": f"bench-{number}",
        "properties": {
            "phone": f"+1954{2000000 + number % 50_000:07d}",
            "channel": "SMS" if number % 2 else "voice",
            "source": "regalvoice.sms",
            "text": "STOP",
            "ip": "192.0.2.10",
            "timestamp": 1714572000 + number,
        },
        "timestamp": "2024-05-01T14:00:00.000Z",
    }


def write_events(path: Path, count: int) -> None:
    """``count`` distinct events as JSON lines."""
    with path.open("w", encoding="utf-8") as stream:
        for number in range(count):
            stream.write(json.dumps(_event(number)) + "\n")


def parse_alone(path: Path) -> int:
    """The baseline: read the file and ``json.loads`` every line."""
    with path.open(encoding="utf-8") as stream:
        return sum(1 for line in stream if json.loads(line))


@contextlib.contextmanager
def _home(folder: Path, **extra: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in ("REGAL_DESKTOP_HOME", *extra)}
    os.environ.update({"REGAL_DESKTOP_HOME": str(folder), **extra})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _import(path: Path, home: Path) -> None:
    from regal_desktop.cli import main

    with _home(home), contextlib.redirect_stdout(io.StringIO()):
        code = main(["events", "import", str(path)])
    if code != 0:
        raise RuntimeError(f"events import exited {code}")


def _import_results(folder: Path) -> list[Result]:
    path = folder / "events.jsonl"
    write_events(path, EVENTS)
    baseline = best_of(lambda: parse_alone(path), repeat=3)
    _import(path, folder / "warm")  # load the modules, compile the patterns
    homes = iter(range(100))
    elapsed = best_of(lambda: _import(path, folder / f"home{next(homes)}"), repeat=2)
    again = best_of(lambda: _import(path, folder / "home0"), repeat=1)
    return [
        Result(
            f"events import, {EVENTS:,} events (JSON lines)",
            EVENTS / elapsed,
            "events/s",
            "json.loads per line",
            EVENTS / baseline,
            note=f"{elapsed:.2f} s into a new database; again (all known): {again:.2f} s",
        )
    ]


def _serve(args: list[str], env: dict[str, str], url_on: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        args,
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL if url_on == "stderr" else subprocess.PIPE,
        stderr=subprocess.PIPE if url_on == "stderr" else subprocess.DEVNULL,
        text=True,
    )
    stream = process.stderr if url_on == "stderr" else process.stdout
    assert stream is not None
    line = stream.readline()
    if "http://" not in line:
        process.kill()
        raise RuntimeError(f"the server did not start: {line}")
    url = line[line.index("http://") :].split()[0]
    return process, url


def _request(host: str, port: int, body: bytes) -> bytes:
    head = (
        f"POST /events HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: {SECRET}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


def _status(stream: Any) -> int:
    """Read one answer from a socket file; its status."""
    status = int(stream.readline().split()[1])
    length = 0
    while (line := stream.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    stream.read(length)
    return status


def _load(url: str, clients: int) -> tuple[int, float]:
    """``clients`` keep-alive connections each posting one event per request (a new
    event each time) for ``SECONDS``: (answered 200, seconds). A lean socket client, so
    the figure is the server's and not the client's."""
    host, port = url.split("//")[1].split("/")[0].split(":")
    counts = [0] * clients
    stop = time.perf_counter() + SECONDS

    def client(index: int) -> None:
        number = index * 10_000_000
        with socket.create_connection((host, int(port))) as conn:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            stream = conn.makefile("rb")
            while time.perf_counter() < stop:
                conn.sendall(_request(host, int(port), json.dumps(_event(number)).encode()))
                number += 1
                if _status(stream) == 200:
                    counts[index] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts), time.perf_counter() - started


def _receiver_results(folder: Path) -> list[Result]:
    env = {
        **os.environ,
        "REGAL_DESKTOP_HOME": str(folder / "listen-home"),
        "REGAL_EVENTS_SECRET": SECRET,
    }
    listen, listen_url = _serve(
        [sys.executable, "-m", "regal_desktop", "listen", "--port", "0"], env, "stderr"
    )
    trivial, trivial_url = _serve(
        [sys.executable, "-m", "benchmarks.trivial_server"], dict(os.environ), "stdout"
    )
    results: list[Result] = []
    try:
        for clients in (CLIENTS, 4 * CLIENTS):
            base_count, base_time = _load(trivial_url, clients)
            count, elapsed = _load(listen_url, clients)
            results.append(
                Result(
                    f"listen: sustained events/s, {clients} clients",
                    count / elapsed,
                    "events/s",
                    "trivial http.server answering 200",
                    base_count / base_time,
                    note=f"{clients} keep-alive connections, one event per request, "
                    f"{SECONDS:.0f} s each; answered after a commit flushed to disk "
                    "(grouped across requests)",
                )
            )
    finally:
        for process in (listen, trivial):
            with contextlib.suppress(OSError):
                process.terminate()
            process.communicate(timeout=30)
    return results


def run() -> list[Result]:
    """The import and the receiver figures."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        return _import_results(folder) + _receiver_results(folder)


if __name__ == "__main__":
    for result in run():
        print(result)
