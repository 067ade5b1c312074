"""Who is at the desk: the name recorded with every request."""

from __future__ import annotations

import getpass


def operator_name(email: str | None = None) -> str:
    """The OS user name (``unknown`` if the system cannot say), plus `` <email>`` if given."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):
        # getuser raises when no login name is set in the environment and the uid has no
        # passwd entry (containers); the request must still be recorded.
        user = "unknown"
    return f"{user} <{email}>" if email else user


__all__ = ["operator_name"]
