"""Where the output cannot go: ``outbox list | head`` (a pipe closed early) ends quietly as
Unix tools do; output to a full disk is one line, never a traceback."""

from __future__ import annotations

import json
import signal
import subprocess
from typing import Any

from regal_desktop.context import open_context
from regal_desktop.store import NewRequest
from tests.drills.tools import command, environment

#: What a shell shows for a program ended by SIGPIPE; the CLI exits with the same code.
CLOSED_PIPE = 128 + signal.SIGPIPE


def _with_consent(number: int) -> dict[str, Any]:
    phone = {"smsOptIn": {"subscribed": True, "text": "=1+1"}}
    return {"userId": f"u{number}", "traits": {"phones": {f"+1305{number:07d}": phone}}}


def _queue(count: int) -> None:
    ctx = open_context()
    try:
        ctx.store.outbox.enqueue(
            [
                NewRequest("sandbox", "sandbox", "me", json.dumps(_with_consent(n)))
                for n in range(count)
            ]
        )
    finally:
        ctx.close()


def test_a_pipe_closed_after_the_first_line_ends_quietly() -> None:
    _queue(3000)
    for args in (["outbox", "list"], ["history", "list"], ["history", "export", "-"]):
        child = subprocess.Popen(
            command(*args),
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert child.stdout is not None and child.stderr is not None
        assert child.stdout.readline()
        child.stdout.close()  # what head does after its lines
        errors = child.stderr.read().decode()
        child.stderr.close()
        assert child.wait(timeout=60) == CLOSED_PIPE, errors
        assert errors == "", errors


def test_output_to_a_full_disk_is_one_line() -> None:
    _queue(3000)
    for args in (["outbox", "list"], ["history", "export", "-"]):
        with open("/dev/full", "wb") as full:  # every write fails with ENOSPC
            result = subprocess.run(
                command(*args),
                env=environment(),
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                timeout=60,
                check=False,
            )
        assert result.returncode == 2, result.stderr
        assert result.stderr == (
            "regal-desktop: cannot write the output: No space left on device\n"
        ), args
