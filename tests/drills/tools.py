"""What the drills share: payload files, the real CLI in a subprocess, and the tally.

Every drill counts what it sent against what a loopback receiver accepted and prints one
line, ``DRILL <name>: sent N, arrived N (distinct N), lost 0, duplicates D (bound B)``,
so a run of ``make drills`` reads as a table of results.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from regal_desktop.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]


def home() -> Path:
    """The application home the top-level conftest gave this test."""
    return Path(os.environ["REGAL_DESKTOP_HOME"])


def database() -> Path:
    """The SQLite file of this test's application home."""
    return home() / "data" / "regal-desktop.sqlite3"


def write_payloads(path: Path, count: int, *, tag: str = "drill", notes: int = 0) -> list[str]:
    """Write ``count`` distinct contacts as JSON lines; return their userIds in order.

    ``notes`` pads each body with a trait of that many characters (to fill a disk).
    """
    ids = [f"{tag}-{number}" for number in range(count)]
    with path.open("w", encoding="utf-8") as stream:
        for number, user_id in enumerate(ids):
            traits: dict[str, object] = {
                "firstName": "Zoë",
                "emails": {f"jane.{tag}.{number}@example.com": {"label": "Personal"}},
            }
            if notes:
                traits["notes"] = "n" * notes
            stream.write(json.dumps({"userId": user_id, "traits": traits}) + "\n")
    return ids


def command(*args: str) -> list[str]:
    """The installed ``regal-desktop`` script with ``args`` (``python -m`` if not installed)."""
    script = shutil.which("regal-desktop", path=str(Path(sys.executable).parent))
    return [script, *args] if script else [sys.executable, "-m", "regal_desktop", *args]


def environment(endpoint: str | None = None, **extra: str) -> dict[str, str]:
    """This test's environment for a CLI subprocess, sending to ``endpoint`` if given."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **extra}
    if endpoint is not None:
        env["REGAL_ENDPOINT"] = endpoint
    return env


def run_cli(
    args: Sequence[str],
    endpoint: str | None = None,
    *,
    timeout: float = 120,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI to completion in a subprocess, capturing its text output."""
    return subprocess.run(
        command(*args),
        cwd=ROOT,
        env=environment(endpoint),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=preexec_fn,
    )


def start_cli(
    args: Sequence[str], endpoint: str | None = None, *, errors: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start the real CLI in a subprocess and return at once.

    Its output is discarded, except its standard error when ``errors`` names a file for it.
    """
    with contextlib.ExitStack() as stack:
        stderr = stack.enter_context(errors.open("wb")) if errors else subprocess.DEVNULL
        return subprocess.Popen(
            command(*args),
            cwd=ROOT,
            env=environment(endpoint),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )


def assert_clean_failure(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """The CLI failed with one plain line naming ``words``, no traceback; return the line."""
    assert result.returncode != 0, f"the command should have failed: {result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line of explanation, got: {result.stderr}"
    for word in words:
        assert word in lines[0], f"{word!r} missing from: {lines[0]}"
    return lines[0]


def states(db_path: Path) -> dict[str, int]:
    """How many requests are in each state, read straight from the file."""
    with closing(sqlite3.connect(db_path, timeout=30)) as conn:
        rows = conn.execute("SELECT state, count(*) FROM requests GROUP BY state").fetchall()
    return {str(state): int(count) for state, count in rows}


def accepted_ids(sandbox: Sandbox) -> Counter[str]:
    """How often each userId was answered 200 by ``sandbox``."""
    return Counter(
        str(json.loads(item.body)["userId"]) for item in sandbox.received if item.status == 200
    )


@dataclass(frozen=True)
class Tally:
    """Sent against arrived, for one drill."""

    name: str
    sent: int
    arrived: int
    distinct: int
    lost: int
    duplicates: int
    bound: int

    def line(self) -> str:
        """The drill's one summary line."""
        return (
            f"DRILL {self.name}: sent {self.sent}, arrived {self.arrived} "
            f"(distinct {self.distinct}), lost {self.lost}, duplicates {self.duplicates} "
            f"(bound {self.bound})"
        )


def tally(name: str, sent: Sequence[str], sandbox: Sandbox, bound: int) -> Tally:
    """Count, print the summary line, and assert nothing was lost and duplicates <= bound."""
    arrived = accepted_ids(sandbox)
    expected = set(sent)
    strangers = set(arrived) - expected
    assert not strangers, f"the receiver accepted bodies nobody sent: {sorted(strangers)[:5]}"
    distinct = len(expected & set(arrived))
    total = sum(arrived.values())
    lost = len(expected) - distinct
    result = Tally(name, len(sent), total, distinct, lost, total - distinct, bound)
    print(result.line())
    assert result.lost == 0, f"{result.lost} payload(s) never arrived: {result.line()}"
    assert result.duplicates <= bound, result.line()
    return result
