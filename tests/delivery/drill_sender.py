"""Send one profile's outbox from a separate process, for the SIGKILL drill.

Usage: python drill_sender.py DATABASE ENDPOINT WORKERS
"""

from __future__ import annotations

import sys
from pathlib import Path

from regal_desktop.delivery.sender import DeliveryTarget, Sender


def main(argv: list[str]) -> int:
    database, endpoint, workers = argv
    target = DeliveryTarget("sandbox", endpoint, None, workers=int(workers))
    summary = Sender(Path(database), target).run_sync()
    print(summary.message)
    return 0 if summary.remaining == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
