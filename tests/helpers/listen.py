"""``regal-desktop listen`` in a process of its own, for the CLI tests and the kill drill."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "listen-test-secret-0123456789"


def start_listen(secret: str = SECRET) -> tuple[subprocess.Popen[str], str]:
    """``regal-desktop listen --port 0`` in a process of its own, and its URL."""
    env = {**os.environ, "REGAL_EVENTS_SECRET": secret, "PYTHONDONTWRITEBYTECODE": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "regal_desktop", "listen", "--port", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    first = process.stderr.readline()
    found = re.search(r"listening on (http://\S+/events)", first)
    if found is None:
        process.kill()
        raise AssertionError(f"listen did not start: {first}{process.stderr.read()}")
    return process, found.group(1)
