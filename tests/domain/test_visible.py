"""What a terminal or a table cell shows: escape sequences seen, never obeyed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from regal_desktop.domain.visible import visible


def test_escape_sequences_are_written_as_escapes() -> None:
    assert visible("\x1b[2J\x1b[31mred") == "\\x1b[2J\\x1b[31mred"
    assert visible("link \x1b]8;;https://evil.example\x07here") == (
        "link \\x1b]8;;https://evil.example\\x07here"
    )
    assert visible("bell\x07 nul\x00 del\x7f csi\x9b") == "bell\\x07 nul\\x00 del\\x7f csi\\x9b"
    assert visible("abc\u202edef\u2066") == "abc\\u202edef\\u2066"
    assert visible("a\rb\nc\td") == "a\\x0db\\x0ac\\x09d"


def test_ordinary_text_is_left_as_it_is() -> None:
    text = "Zoë 👩‍👩‍👧 \\x1b stays, – “quotes” 日本語"
    assert visible(text) == text


def test_lines_can_be_kept() -> None:
    assert visible("one\x1b\ntwo", keep_lines=True) == "one\\x1b\ntwo"


@given(st.text())
def test_nothing_a_terminal_obeys_is_left(text: str) -> None:
    shown = visible(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert not any(c in shown for c in "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2069")
