"""Requests a killed sender left ``sending`` are recovered by every ``outbox`` action, and
a request goes where it was queued to go (or is held, saying why)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from regal_desktop.cli import main
from regal_desktop.paths import app_paths
from regal_desktop.sandbox.server import Sandbox
from regal_desktop.store import open_store
from tests.helpers.store import opt_in_body, request


def dead_claimer() -> str:
    """The claimer name of a process that has ended (as a killed sender leaves it)."""
    code = "from regal_desktop.store.claimers import this_claimer; print(this_claimer())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def strand(endpoint: str, count: int, profile: str = "sandbox") -> list[int]:
    """Queue ``count`` requests for ``endpoint`` and leave them claimed by a dead sender."""
    database = app_paths().ensure().database
    with open_store(database) as store:
        items = [
            request(opt_in_body(f"+1954555{n:04d}"), profile=profile, endpoint=endpoint)
            for n in range(count)
        ]
        ids = store.outbox.enqueue(items)
        claimed = store.outbox.claim(profile, count, dead_claimer())
        assert [c.id for c in claimed] == ids
    return ids


def states() -> dict[int, str]:
    with open_store(app_paths().database) as store:
        return {row.id: row.state for row in store.history.search()}


def test_flush_wait_delivers_what_a_killed_sender_left_sending(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Sandbox().start() as sandbox:
        monkeypatch.setenv("REGAL_ENDPOINT", sandbox.url)
        ids = strand(sandbox.url, 3)

        assert main(["outbox", "flush", "--wait"]) == 0

        assert sandbox.accepted_count == 3
    assert "nothing queued" not in capsys.readouterr().out
    assert states() == dict.fromkeys(ids, "delivered")


def test_list_retry_and_drop_recover_a_dead_senders_requests_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ids = strand("sandbox", 2)

    assert main(["outbox", "list"]) == 0
    listing = capsys.readouterr().out
    assert " sending " not in listing and listing.count(" queued ") == 2

    with open_store(app_paths().database) as store:  # stranded again
        assert len(store.outbox.claim("sandbox", 2, dead_claimer())) == 2
    assert main(["outbox", "drop", str(ids[0])]) == 0, capsys.readouterr().err
    assert main(["outbox", "retry", str(ids[1])]) == 0, capsys.readouterr().err
    assert states() == {ids[0]: "dropped", ids[1]: "queued"}


def test_flush_wait_fails_while_a_request_of_the_account_is_left_unsettled(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sender that ends early (here: a request it may not send) must not read as done."""
    with Sandbox().start() as sandbox:
        monkeypatch.setenv("REGAL_ENDPOINT", sandbox.url)
        strand(sandbox.url, 1)
        with open_store(app_paths().database) as store:  # a second, held elsewhere
            [other] = store.outbox.enqueue([request(opt_in_body("+19545550999"), "sandbox")])

        assert main(["outbox", "flush", "--wait"]) == 1

    err = capsys.readouterr().err
    assert f"request {other}" in err and "endpoint" in err
    assert "Traceback" not in err


def test_a_request_queued_before_the_endpoint_changed_is_held_not_sent_elsewhere(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Sandbox(key="key-of-a-0123").start() as old, Sandbox(key="key-of-a-0123").start() as new:
        assert main(["profile", "add", "a", "--endpoint", old.url]) == 0
        monkeypatch.setenv("REGAL_API_KEY", "key-of-a-0123")
        with open_store(app_paths().database) as store:
            [first] = store.outbox.enqueue(
                [request(opt_in_body("+19545550001"), "a", endpoint=old.url)]
            )
        assert main(["profile", "add", "a", "--endpoint", new.url]) == 0
        said = capsys.readouterr().err
        assert f"1 request(s) of profile a were queued for {old.url}: they will be held" in said

        assert main(["outbox", "flush", "--wait", "--profile", "a"]) == 1

        err = capsys.readouterr().err
        assert new.received == [] and old.received == []
        assert f"request {first}" in err and old.url in err and new.url in err
        assert main(["outbox", "list"]) == 0
        assert " held " in capsys.readouterr().out

        assert main(["outbox", "retry", str(first)]) == 0
        assert new.url in capsys.readouterr().out
        assert main(["outbox", "flush", "--wait", "--profile", "a"]) == 0
        assert (len(old.received), new.accepted_count) == (0, 1)
    with open_store(app_paths().database) as store:
        row = store.outbox.get(first)
        assert row is not None and (row.state, row.endpoint) == ("delivered", new.url)
        [attempt] = store.history.attempts(first)
        assert attempt.endpoint == new.url
        [evidence] = store.history.evidence()
        assert evidence["endpoint"] == new.url


def test_the_environment_key_is_the_key_of_the_commands_account_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from regal_desktop.context import open_context

    assert main(["profile", "add", "a", "--endpoint", "https://a.example.com/events"]) == 0
    assert main(["profile", "add", "b", "--endpoint", "https://b.example.com/events"]) == 0
    assert main(["profile", "default", "a"]) == 0
    monkeypatch.setenv("REGAL_API_KEY", "key-of-a-0123")
    ctx = open_context()
    try:
        assert ctx.destination().key == "key-of-a-0123"
        assert ctx.destination("a").key == "key-of-a-0123"
        assert ctx.destination("b").key is None  # the window delivering b's queue
        ctx.account = "b"  # a command run with --profile b
        assert ctx.destination("b").key == "key-of-a-0123"
        assert ctx.destination("a").key is None
    finally:
        ctx.close()
