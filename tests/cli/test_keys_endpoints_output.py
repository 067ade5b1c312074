"""Keys and endpoints are checked where they are entered or read, and what the terminal
shows of an answer or a body is text, never an escape sequence it would obey."""

from __future__ import annotations

import io

import pytest

from regal_desktop.cli import main
from regal_desktop.delivery.keys import SERVICE
from regal_desktop.logs import log_file
from regal_desktop.paths import app_paths
from regal_desktop.store import AttemptResult, open_store
from regal_desktop.store.directory import Directory
from regal_desktop.store.outbox import Outcome
from tests.conftest import MemoryKeyring
from tests.helpers.store import opt_in_body, request

WRAPPED = "rk_live_0123456789\nabcdef0123456789"
PIECES = ["rk_live_0123456789", "abcdef0123456789", "0123456789\\nabcdef"]
REGAL = "https://events.regalvoice.com/events"


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got: {text!r}"
    assert "Traceback" not in text
    return lines[0]


def test_set_key_refuses_a_key_wrapped_over_two_lines(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
) -> None:
    assert main(["profile", "add", "prod", "--endpoint", REGAL]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(WRAPPED + "\n"))
    assert main(["profile", "set-key", "prod"]) == 2
    out, err = capsys.readouterr()
    line = one_line(out + err)
    assert "line break at character 19" in line and "nothing was stored" in line
    assert not any(piece in out + err for piece in PIECES)
    assert memory_keyring.secrets == {}


def test_set_key_trims_surrounding_white_space(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
) -> None:
    assert main(["profile", "add", "prod", "--endpoint", REGAL]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("  rk_live_0123456789abcdef \r\n\n"))
    assert main(["profile", "set-key", "prod"]) == 0
    assert memory_keyring.secrets == {(SERVICE, "prod"): "rk_live_0123456789abcdef"}


@pytest.mark.parametrize("profile", ["sandbox", "prod"])
def test_an_environment_key_with_a_line_break_queues_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, profile: str
) -> None:
    assert main(["profile", "add", "prod", "--endpoint", REGAL]) == 0
    capsys.readouterr()
    monkeypatch.setenv("REGAL_API_KEY", WRAPPED)
    body = app_paths().ensure().data / "one.json"
    body.write_text('{"userId": "env-key-1"}', "utf-8")
    assert main(["send", "--profile", profile, str(body)]) == 2
    out, err = capsys.readouterr()
    line = one_line(err)
    assert line.startswith("regal-desktop: REGAL_API_KEY contains a line break at character 19")
    assert not any(piece in out + err for piece in PIECES)
    with open_store(app_paths().database) as store:
        assert store.outbox.pending() == []


def test_profile_list_says_a_keychain_key_is_unusable(
    capsys: pytest.CaptureFixture[str], memory_keyring: MemoryKeyring
) -> None:
    assert main(["profile", "add", "prod", "--endpoint", REGAL]) == 0
    memory_keyring.set_password(SERVICE, "prod", WRAPPED)  # written by another tool
    capsys.readouterr()
    assert main(["profile", "list"]) == 0
    out = capsys.readouterr().out
    assert "key unusable" in out
    assert not any(piece in out for piece in PIECES)


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://events.regalvoice.com/events\nX-Injected: 1",
        "https://events.regalvoice.com/ev\r\nents",
        "https://events.regal\nvoice.com/events",
    ],
)
def test_profile_add_refuses_an_endpoint_with_a_line_break(
    capsys: pytest.CaptureFixture[str], endpoint: str
) -> None:
    assert main(["profile", "add", "prod", "--endpoint", endpoint]) == 2
    line = one_line(capsys.readouterr().err)
    assert "line break" in line and "one line" in line
    assert main(["profile", "list"]) == 0
    assert "prod" not in capsys.readouterr().out


def test_profile_add_warns_about_a_look_alike_production_host(
    capsys: pytest.CaptureFixture[str],
) -> None:
    look_alike = "https://\u0435vents.regalvoice.com/events"  # a Cyrillic е
    assert main(["profile", "add", "prod", "--endpoint", look_alike]) == 0
    out, err = capsys.readouterr()
    assert "profile prod saved (production)" in out
    warning = one_line(err)
    assert warning.startswith("regal-desktop: warning: ")
    assert "xn--vents-ywe.regalvoice.com" in warning and "U+0435" in warning
    assert main(["profile", "add", "proxy", "--endpoint", "https://proxy.example.com/e"]) == 0
    assert "proxy.example.com is not Regal's own host" in one_line(capsys.readouterr().err)
    assert main(["profile", "add", "regal", "--endpoint", REGAL]) == 0
    assert capsys.readouterr().err == ""


def test_outbox_and_history_lists_show_escape_sequences_as_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    profile = "evil\x1b[2J\x1b]0;owned\x07"  # an account name written into the database
    with open_store(app_paths().ensure().database) as store:
        [request_id] = store.outbox.enqueue([request(opt_in_body("+19545550001"), profile)])
        answer = "bad \x1b[31mred\x1b[0m \u202egnp.exe"
        store.outbox.record([AttemptResult(request_id, "t0", "t1", 400, answer, Outcome.REJECTED)])
    assert main(["outbox", "list"]) == 0
    assert main(["history", "list"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[31mred" in out and "\\u202egnp.exe" in out
    assert out.count("evil\\x1b[2J\\x1b]0;owned\\x07") == 2


def test_an_unexpected_error_quoting_a_key_is_shown_and_logged_without_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "rk_live_unexpected_0123456789"

    def broken(self: Directory, text: str, limit: int = 50) -> list[object]:
        raise ValueError(f"Illegal header value {key.encode()!r}")

    monkeypatch.setattr(Directory, "find", broken)
    monkeypatch.setattr("sys.stdin", io.StringIO(key + "\n"))  # read: remembered for scrubbing
    assert main(["profile", "add", "prod", "--endpoint", REGAL]) == 0
    assert main(["profile", "set-key", "prod"]) == 0
    assert main(["contacts", "find", "rebecca"]) == 1
    out, err = capsys.readouterr()
    line = one_line(err)
    assert "Something went wrong: Illegal header value b'[API key hidden]'" in line
    logged = log_file(app_paths()).read_text(encoding="utf-8")
    assert "Traceback" in logged and "[API key hidden]" in logged
    for text in (out, err, logged):
        assert key not in text and key[-8:] not in text
