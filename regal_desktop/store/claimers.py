"""Who holds a request being sent: a sender names itself ``host:pid`` when it claims one.

A sender that dies mid-send leaves its requests in ``sending``; ``Outbox.recover`` asks
``is_claimer_alive`` which claimers are gone and puts their requests back in the queue.
"""

from __future__ import annotations

import os
import socket
import sys


def this_claimer() -> str:
    """The claimer name of this process: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


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


def is_claimer_alive(claimer: str) -> bool:
    """Whether the ``host:pid`` sender still runs (other hosts count as gone)."""
    host, _, pid = claimer.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    return _pid_alive(int(pid))


__all__ = ["is_claimer_alive", "this_claimer"]
