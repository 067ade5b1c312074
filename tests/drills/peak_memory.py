"""Run a command and report its peak resident memory: ``python peak_memory.py OUT CMD...``.

The drills start this small process, which starts the command: a child forked from the
test process itself would count the test process's own memory in its peak (``ru_maxrss``
is kept across ``exec``). Writes the peak in MB to OUT and exits with the command's code.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    out, *command = sys.argv[1:]
    code = subprocess.call(command)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    Path(out).write_text(str(peak), encoding="utf-8")
    sys.exit(code)
