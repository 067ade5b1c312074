"""JSON with comments, as people paste it from Regal's reference.

``loads`` accepts ``//`` and ``/* */`` comments outside strings and otherwise demands strict
JSON. It also refuses what ``json.loads`` lets through but would lose or corrupt data: a key
given twice in one object (the first value would silently vanish), ``NaN``/``Infinity``
(not JSON; no receiver could read them) and unpaired ``\\ud800``-style escapes (not
encodable as UTF-8, so not sendable). Every problem raises ``PayloadSyntaxError`` with the
1-based line and column in the text as written: comments are blanked, not removed, so
positions never shift.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

#: One scan finds strings (kept) and comments (blanked); whichever starts first wins, so
#: ``//`` inside a string is text and a quote inside a comment is comment.
_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*.*?\*/|/\*', re.DOTALL)
#: Tokens the slow path needs to find a duplicate key or a bad constant.
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]:,]|-?Infinity|NaN')
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")

#: Python's parser messages, said plainly.
_PLAIN = {
    "Expecting value": "expected a value (text, number, true, false, null, object or list)",
    "Expecting property name enclosed in double quotes": (
        "expected a key in double quotes (a comma before a closing } is not allowed)"
    ),
    "Expecting ',' delimiter": "expected a comma between two entries",
    "Expecting ':' delimiter": "expected a colon after the key",
    "Extra data": "unexpected text after the end of the payload",
}


class PayloadSyntaxError(ValueError):
    """The text is not a payload: says which source, line and column (1-based), and why."""

    def __init__(self, source: str, line: int, column: int, message: str) -> None:
        super().__init__(f"{source}:{line}:{column}: {message}")
        self.source = source
        self.line = line
        self.column = column
        self.message = message


class _LocateError(Exception):
    """Raised inside the fast parser when it meets something the slow scan must locate."""


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _blank_comments(text: str, source: str) -> str:
    def blank(match: re.Match[str]) -> str:
        token = match.group()
        if token.startswith('"'):
            return token
        if token == "/*":
            line, column = _position(text, match.start())
            raise PayloadSyntaxError(source, line, column, "this /* comment is never closed")
        # Keep line breaks so every later line and column stays where the user sees it.
        return re.sub(r"[^\r\n]", " ", token)

    return _STRING_OR_COMMENT.sub(blank, text) if "/" in text else text


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _LocateError
    return result


def _constant(name: str) -> Any:
    raise _LocateError


def _locate(text: str) -> tuple[int, str] | None:
    """Find the first duplicate key, bad constant or unsendable string, in text order."""
    # One set of keys per open container; lists get None.
    open_keys: list[set[str] | None] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ("{", "["):
            open_keys.append(set() if token == "{" else None)
        elif token in ("}", "]"):
            if open_keys:
                open_keys.pop()
        elif token.startswith('"'):
            value = json.loads(token)
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return match.start(), "this text has an unpaired \\ud800-style escape"
            keys = open_keys[-1] if open_keys else None
            if keys is not None and text[match.end() :].lstrip().startswith(":"):
                if value in keys:
                    return match.start(), f"the key {token} appears twice in this object"
                keys.add(value)
        elif token not in (":", ","):
            return match.start(), f"{token} is not allowed in JSON; write a number or null"
    return None


def loads(text: str, source: str = "<text>") -> Any:
    """Parse JSON with comments; raise ``PayloadSyntaxError`` for anything else."""
    # An editor never shows a byte-order mark, so columns are counted without it.
    text = text.removeprefix("\ufeff")
    blanked = _blank_comments(text, source)
    decoder = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant)
    try:
        value = decoder.decode(blanked)
        if _SURROGATE_ESCAPE.search(blanked) is None:
            return value
        problem = _locate(blanked)
        if problem is None:
            return value
        index, message = problem
    except json.JSONDecodeError as exc:
        if not blanked.strip():
            raise PayloadSyntaxError(source, 1, 1, "the payload is empty") from None
        message = _PLAIN.get(exc.msg, exc.msg[:1].lower() + exc.msg[1:])
        raise PayloadSyntaxError(source, exc.lineno, exc.colno, message) from None
    except _LocateError:
        # Only reached for a duplicate key or NaN/Infinity, so the slow scan finds it.
        index, message = _locate(blanked) or (0, "the payload cannot be read")
    except RecursionError:
        index, message = 0, "the payload is nested too deeply to read"
    except ValueError:
        # json raises a plain ValueError for integers longer than Python will convert.
        long_number = re.search(rf"\d{{{sys.get_int_max_str_digits() + 1}}}", blanked)
        index = long_number.start() if long_number else 0
        message = "this number has too many digits to be read"
    line, column = _position(blanked, index)
    raise PayloadSyntaxError(source, line, column, message)
