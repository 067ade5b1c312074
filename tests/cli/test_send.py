"""``regal-desktop send``, ``outbox`` and ``contacts`` against real loopback receivers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from regal_desktop.cli import main
from regal_desktop.sandbox.server import Sandbox

PAYLOADS = Path(__file__).parent.parent / "data" / "payloads"
ONBOARDING = [
    PAYLOADS / f"onboarding-{n}.json" for n in ("1-lead", "2-phone", "3-complete", "4-account")
]


def test_send_wait_to_the_sandbox_then_contact_shows_merged_profile(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for path in ONBOARDING:
        assert main(["send", "--wait", str(path)]) == 0
    capsys.readouterr()
    assert main(["contacts", "show", "(954) 558-2399"]) == 0
    profile = json.loads(capsys.readouterr().out)
    assert profile["userId"] == "123"
    phones = profile["traits"]["phones"]
    assert phones["+19545582399"]["isPrimary"] is True
    assert phones["+19545582399"]["label"] == "mobile"
    assert phones["+19545582399"]["smsOptIn"]["subscribed"] is True
    assert phones["+15155552355"] == {"label": "home", "isPrimary": False}
    assert profile["traits"]["address"]["city"] == "Cooper City"
    assert main(["contacts", "find", "954558"]) == 0
    assert "+19545582399" in capsys.readouterr().out


def test_payload_with_errors_queues_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.json"
    good.write_text('{"userId": "1"}')
    assert main(["send", "--wait", str(good), str(PAYLOADS / "phones-and-emails.json")]) == 1
    assert "nothing was queued" in capsys.readouterr().err
    assert main(["outbox", "list"]) == 0
    assert "the outbox is empty" in capsys.readouterr().out


def test_endpoint_over_plain_http_elsewhere_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGAL_ENDPOINT", "http://events.example.com/events")
    assert main(["send", str(PAYLOADS / "create-contact.json")]) == 2
    assert "https://" in capsys.readouterr().err


def test_wrong_key_holds_the_request_and_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Sandbox(key="right-key").start() as sandbox:
        monkeypatch.setenv("REGAL_ENDPOINT", sandbox.url)
        monkeypatch.setenv("REGAL_API_KEY", "wrong-key")
        assert main(["send", "--wait", str(PAYLOADS / "create-contact.json")]) == 1
        err = capsys.readouterr().err
        assert "401" in err and "wrong-key" not in err
        assert main(["outbox", "list"]) == 0
        listing = capsys.readouterr().out
        assert " held " in listing
        request_id = listing.splitlines()[1].split()[0]
        monkeypatch.setenv("REGAL_API_KEY", "right-key")
        assert main(["outbox", "retry", request_id]) == 0
        assert main(["outbox", "flush", "--wait"]) == 0
        assert sandbox.accepted_count == 1


class _Rejecting(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b'{"message":"traits.age: expected number"}'
        self.send_response(400)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def rejecting_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Rejecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/events"
    server.shutdown()
    server.server_close()


def test_rejected_payload_is_kept_with_regals_answer(
    rejecting_server: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGAL_ENDPOINT", rejecting_server)
    monkeypatch.setenv("REGAL_API_KEY", "k")
    assert main(["send", "--wait", str(PAYLOADS / "create-contact.json")]) == 1
    capsys.readouterr()
    assert main(["outbox", "list"]) == 0
    listing = capsys.readouterr().out
    assert "rejected" in listing and "400 " in listing and "expected number" in listing
    request_id = listing.splitlines()[1].split()[0]
    assert main(["outbox", "drop", request_id]) == 0
    capsys.readouterr()
    assert main(["outbox", "list"]) == 0
    assert "the outbox is empty" in capsys.readouterr().out


def test_profile_key_is_read_from_stdin_and_never_printed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    assert (
        main(["profile", "add", "prod", "--endpoint", "https://events.regalvoice.com/events"]) == 0
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("secret-key-1234\n"))
    assert main(["profile", "set-key", "prod"]) == 0
    assert main(["profile", "list"]) == 0
    out = capsys.readouterr().out
    assert "secret-key-1234" not in out
    assert "PRODUCTION" in out and "1234" in out


def test_no_display_prints_one_line_and_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    assert main([]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "xvfb-run" in err
