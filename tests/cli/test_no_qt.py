"""The commands never load Qt: `cli` reaches `app` (and so PySide6) only to open a window.

The import contracts (`make lint`) keep Qt out of every module below `app` and let `cli`
reach it only through `app`; this checks that one way stays lazy.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PAYLOAD = Path(__file__).parent.parent / "data" / "payloads" / "create-contact.json"

PROBE = """
import sys
from regal_desktop.cli import main
code = main(["validate", sys.argv[1]])
print(sorted(name for name in sys.modules if name.split(".")[0] in ("PySide6", "shiboken6")))
sys.exit(code)
"""


def test_a_command_runs_without_importing_qt() -> None:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(PAYLOAD)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "[]"
