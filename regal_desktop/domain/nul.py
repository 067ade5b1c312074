"""NUL characters in a payload: Regal's database cannot hold them and a terminal or a cell
would cut the text there, so each one is an error at the path the person wrote."""

from __future__ import annotations

from typing import Any

import orjson

from regal_desktop.domain.findings import Finding, error
from regal_desktop.domain.legacy import Parts

_NUL = "\x00"
_NUL_MESSAGE = "contains a NUL character (\\u0000); remove it"


def _has_nul(raw: Any) -> bool:
    """True when any text or key of ``raw`` holds a NUL (the quick test, no paths)."""
    try:
        # orjson writes a NUL as \u0000, ten times faster than walking the payload in
        # Python (this runs on every keystroke). A text holding a backslash and "u0000"
        # matches too; ``nul_findings`` then walks and finds nothing.
        return b"\\u0000" in orjson.dumps(raw)
    except (orjson.JSONEncodeError, TypeError):
        pass  # what orjson refuses (integers beyond 64 bits): walked instead
    stack = [raw]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _NUL in value:
                return True
        elif isinstance(value, dict):
            if any(isinstance(key, str) and _NUL in key for key in value):
                return True
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def nul_findings(raw: Any) -> list[Finding]:
    """An error at every text and key holding a NUL, in the order they are written.

    Regal stores text in a database that cannot hold a NUL, and a terminal or a cell
    would cut the text there: such a payload is refused where it is checked, at the path
    the person wrote (not the body's spelling of it).
    """
    if not _has_nul(raw):
        return []
    found: list[Finding] = []
    stack: list[tuple[Parts, Any]] = [((), raw)]
    while stack:
        parts, value = stack.pop()
        if parts and isinstance(parts[-1], str) and _NUL in parts[-1]:
            found.append(error(parts, f"the key {_NUL_MESSAGE}"))
        if isinstance(value, str) and _NUL in value:
            found.append(error(parts, _NUL_MESSAGE))
        elif isinstance(value, dict):
            stack.extend(((*parts, key), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*parts, i), item) for i, item in reversed(list(enumerate(value))))
    return found
