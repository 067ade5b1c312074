"""A 200 MB JSON-lines file is read and checked as a stream: ``validate`` and ``send`` stay
within 150 MB of memory (a tiny file takes about 40 MB), where they used to take more than
2.3 GB and end in ``MemoryError``.

The file is generated in the test's folder; each command runs as a real subprocess and its
peak resident memory is read from ``os.wait4`` (that child alone).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from regal_desktop.sandbox import Sandbox

from .tools import ROOT, command, database, environment, states

pytestmark = pytest.mark.drill

#: The size of the big file, and the most memory a command may take to read it.
FILE_BYTES = 200 * 1024 * 1024
BOUND_MB = 150
KEY = "drill-key-that-the-receiver-wants"
PEAK_MEMORY = Path(__file__).with_name("peak_memory.py")


def _write_big(path: Path, *, bad_last: bool = False) -> int:
    """About FILE_BYTES of distinct contacts with their consent, one per line; returns how
    many. With ``bad_last`` the last line has an error (a number that cannot be one)."""
    text = "I agree to receive e-mails, calls and texts from Example Co. at any time. " * 24
    count = size = 0
    with path.open("w", encoding="utf-8") as stream:
        while size < FILE_BYTES:
            consent = {"subscribed": True, "timestamp": "2026-11-25T09:00:00Z", "text": text}
            body = {
                "userId": f"big-{count}",
                "traits": {"emails": {f"jane.{count}@example.com": {"emailOptIn": consent}}},
            }
            line = json.dumps(body) + "\n"
            stream.write(line)
            size += len(line)
            count += 1
        if bad_last:
            stream.write('{"userId": "bad", "traits": {"phones": {"12": {}}}}\n')
    return count


def _measured(args: list[str], endpoint: str | None = None, **env: str) -> tuple[int, str, int]:
    """Run the CLI; its exit code, standard error and peak resident memory (MB)."""
    folder = Path(os.environ["REGAL_DESKTOP_HOME"]).parent
    peak = folder / "peak.txt"
    result = subprocess.run(
        [sys.executable, str(PEAK_MEMORY), str(peak), *command(*args)],
        cwd=ROOT,
        # Byte-compiled as an installed application is (compiling every module from
        # source would add to the peak of each run).
        env={**environment(endpoint), "PYTHONDONTWRITEBYTECODE": "", **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=600,
        check=False,
    )
    return result.returncode, result.stderr, int(peak.read_text(encoding="utf-8"))


def test_a_200_mb_json_lines_file_is_checked_and_sent_within_150_mb(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny.jsonl"
    tiny.write_text('{"userId": "tiny"}\n', encoding="utf-8")
    code, said, tiny_mb = _measured(["validate", str(tiny)])
    assert code == 0, said

    big = tmp_path / "big.jsonl"
    count = _write_big(big, bad_last=True)
    code, said, validate_mb = _measured(["validate", str(big)])
    assert code == 1 and "Traceback" not in said, said[-2000:]
    assert validate_mb <= BOUND_MB, f"validate took {validate_mb} MB (tiny file: {tiny_mb} MB)"

    with Sandbox(key=KEY) as sandbox:
        code, said, refused_mb = _measured(["send", str(big)], sandbox.url, REGAL_API_KEY=KEY)
        assert code == 1 and said.endswith("some payloads have errors; nothing was queued\n")
        assert refused_mb <= BOUND_MB, f"send (refused) took {refused_mb} MB"
        assert not database().exists() or states(database()) == {}

        count = _write_big(big)
        # A wrong key: everything is queued, the first request is refused and held, and
        # the run stops (no need to deliver 100,000 requests to measure the memory).
        code, said, queued_mb = _measured(["send", str(big)], sandbox.url, REGAL_API_KEY="wrong")
        assert code == 1 and "Traceback" not in said, said[-2000:]
        assert f"queued {count} request(s)" in said
        assert queued_mb <= BOUND_MB, f"send (queued) took {queued_mb} MB"
    assert sum(states(database()).values()) == count
    print(
        f"DRILL big-jsonl-200MB: {count} payloads; peak memory: validate {validate_mb} MB, "
        f"send refused {refused_mb} MB, send queued {queued_mb} MB, tiny file {tiny_mb} MB "
        f"(bound {BOUND_MB} MB)"
    )
