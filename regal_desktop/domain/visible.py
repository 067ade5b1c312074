"""Text as a terminal or a table cell may show it: control characters made visible.

A receiver's answer, a contact's name or a CSV cell can hold escape sequences
(``\\x1b[2J`` clears a terminal, ``\\x1b]8;;...`` plants a link, ``\\u202e`` turns the
rest of a line around). Printed raw they act instead of showing; ``visible`` writes them
as the escapes a programmer would type (``\\x1b``, ``\\u202e``), so what was received is
seen, not obeyed. Everything else, accents and emoji included, is left as it is.
"""

from __future__ import annotations

import re

#: C0 and C1 controls, DEL, the bidirectional overrides and isolates, the line and
#: paragraph separators: what a terminal or a text layout obeys instead of showing.
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, keep_lines: bool = False) -> str:
    """``text`` with every control character written as an escape (``\\x1b``).

    With ``keep_lines`` a line feed stays a line feed (a message of several lines);
    otherwise it too becomes ``\\n`` and the result is one line.
    """
    if keep_lines:
        return "\n".join(_HIDDEN.sub(_escape, line) for line in text.split("\n"))
    return _HIDDEN.sub(_escape, text)


__all__ = ["visible"]
