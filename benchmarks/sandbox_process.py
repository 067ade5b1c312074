"""Run by bench_delivery as a separate process: a Sandbox with latency, so the receiver's
threads do not compete with the sender for the interpreter. Prints its URL, serves until
standard input closes, then writes the arrival times (JSON) to the file named in argv."""

from __future__ import annotations

import json
import sys

from regal_desktop.sandbox.server import Faults, Sandbox


def main(latency: float, out: str) -> None:
    """Serve until stdin closes; then save ``arrivals()``."""
    with Sandbox(faults=Faults(latency=latency)) as sandbox:
        print(sandbox.url, flush=True)
        sys.stdin.read()
        arrivals = sandbox.arrivals()
    with open(out, "w", encoding="utf-8") as stream:
        json.dump(arrivals, stream)


if __name__ == "__main__":
    main(float(sys.argv[1]), sys.argv[2])
