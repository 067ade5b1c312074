"""Hold an exclusive lock on a SQLite file until told to let go, as another program might.

Usage: python lockholder.py DATABASE. Prints ``locked`` once it holds ``BEGIN EXCLUSIVE``,
then waits for a line on stdin (or its end) and rolls back.
"""

from __future__ import annotations

import sqlite3
import sys


def main(database: str) -> int:
    """Lock, say so, wait for stdin, release."""
    conn = sqlite3.connect(database, timeout=60, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    print("locked", flush=True)
    sys.stdin.readline()
    conn.execute("ROLLBACK")
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
