"""Who holds a request being sent, and whether that sender still runs.

A sender names itself ``host:pid@start`` when it claims requests, ``start`` being when its
process started (on Linux, from ``/proc``; elsewhere the name is ``host:pid``). A sender
that dies mid-send (SIGKILL, SIGTERM, a crash, a power cut) leaves its requests in
``sending``; ``Outbox.recover`` asks ``claimer_status`` which claimers are gone and puts
their requests back in the queue.

A pid can be used again by another program once its sender has ended: the start time
tells the two apart. Where it cannot (no start time known, or the claimer runs under
another host name: another desk of a shared store, or a second process sharing this
home under a different name), the claim's lease decides: a sender renews its claims
every ``HEARTBEAT`` seconds, and a claim nobody renewed for ``LEASE`` seconds counts as
dead. A claim whose lease is being renewed is never taken, whatever its host name.
"""

from __future__ import annotations

import os
import socket
import sys
from enum import Enum

#: A claim whose sender cannot be proved alive is dead once unrenewed this long (seconds):
#: how long the claims of a desk that died elsewhere wait before another desk sends them.
LEASE = 60.0
#: How often a sender renews the claims it holds (seconds).
HEARTBEAT = LEASE / 5


class Liveness(Enum):
    """What can be told about a claimer from this computer."""

    ALIVE = "alive"  # this host, the pid runs and started when the claimer did
    GONE = "gone"  # ended (or not a claimer name at all)
    UNSURE = "unsure"  # another host's, or the pid runs but may be another program now:
    # the lease decides


def _started(pid: int) -> str | None:
    """When ``pid`` started (clock ticks since boot, from ``/proc``), "Z" for a process that
    ended but was not yet waited for, None when that cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            text = stat.read()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces or parentheses.
    fields = text.rpartition(")")[2].split()
    if len(fields) < 20:
        return None
    return "Z" if fields[0] in ("Z", "X") else fields[19]  # fields 3 (state), 22 (start)


def this_claimer() -> str:
    """The claimer name of this process: ``host:pid@start`` (``host:pid`` if the start time
    cannot be read)."""
    pid = os.getpid()
    started = _started(pid)
    return f"{socket.gethostname()}:{pid}" + (f"@{started}" if started else "")


def _pid_alive(pid: int) -> bool:
    if sys.platform == "win32":
        # os.kill(pid, 0) would terminate the process on Windows; ask the kernel instead.
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it is just someone else's
    return True


def claimer_status(claimer: str) -> Liveness:
    """Whether the sender named ``claimer`` still runs. Another host's processes cannot
    be seen from here: unsure, so its lease decides (a host name is no proof of death:
    two processes sharing one home may run under different names)."""
    host, _, process = claimer.rpartition(":")
    pid, _, started = process.partition("@")
    if not host or not pid.isdigit():
        return Liveness.GONE
    if host != socket.gethostname():
        return Liveness.UNSURE
    now = _started(int(pid))
    if now == "Z" or not _pid_alive(int(pid)):
        return Liveness.GONE
    if started and now is not None:
        return Liveness.ALIVE if now == started else Liveness.GONE  # else: a pid used again
    return Liveness.UNSURE


def is_claim_dead(claimer: str, renewed: float | None, now: float) -> bool:
    """Whether a claim by ``claimer``, last renewed at ``renewed`` (unix time; None: never),
    is dead at ``now``: its sender is gone, or cannot be proved alive and let the lease
    run out (either way of the clock: one set back must not keep a lease for ever)."""
    status = claimer_status(claimer)
    expired = renewed is None or abs(now - renewed) > LEASE
    return status is Liveness.GONE or (status is Liveness.UNSURE and expired)


def is_claimer_alive(claimer: str) -> bool:
    """Whether the sender named ``claimer`` may still run: not provably gone."""
    return claimer_status(claimer) is not Liveness.GONE


__all__ = [
    "HEARTBEAT",
    "LEASE",
    "Liveness",
    "claimer_status",
    "is_claim_dead",
    "is_claimer_alive",
    "this_claimer",
]
