"""JSON with comments: what it accepts, what it refuses, and where it says the problem is."""

from __future__ import annotations

from pathlib import Path

import pytest

from regal_desktop.domain.jsonc import PayloadSyntaxError, loads

PAYLOADS = Path(__file__).parent.parent / "data" / "payloads"


def syntax_error(text: str) -> PayloadSyntaxError:
    with pytest.raises(PayloadSyntaxError) as caught:
        loads(text, "draft.json")
    return caught.value


def test_plain_json_is_read() -> None:
    assert loads('{"userId": "123", "n": [1, 2.5, true, null]}') == {
        "userId": "123",
        "n": [1, 2.5, True, None],
    }


def test_line_and_block_comments_are_ignored() -> None:
    text = '// head\n{ /* inline */ "a": 1, // tail\n "b": /* multi\nline */ 2 }'
    assert loads(text) == {"a": 1, "b": 2}


def test_comment_markers_inside_strings_are_text() -> None:
    text = '{"url": "https://example.com/a", "glob": "/* not a comment */"}'
    assert loads(text) == {"url": "https://example.com/a", "glob": "/* not a comment */"}


def test_a_quote_inside_a_comment_does_not_open_a_string() -> None:
    assert loads('{"a": 1 /* say "hi */, "b": 2 // it\'s "fine\n}') == {"a": 1, "b": 2}


def test_the_reference_example_with_its_comments_is_read() -> None:
    body = loads((PAYLOADS / "phones-and-emails.json").read_text(encoding="utf-8"))
    assert list(body["traits"]["phones"]) == [
        "+11115555555",
        "+13335555555",
        "+12225555555",
        "+144455555555",
    ]


def test_comments_do_not_shift_line_and_column() -> None:
    text = '{\n  /* one\n     two */ "a": 1,\n  // three\n  "b": tru\n}'
    problem = syntax_error(text)
    assert (problem.line, problem.column) == (5, 8)


def test_unterminated_block_comment_is_reported_where_it_starts() -> None:
    problem = syntax_error('{\n  "a": 1 /* no end\n}')
    assert (problem.line, problem.column) == (2, 10)
    assert "never closed" in problem.message


def test_duplicate_key_is_refused_at_the_second_occurrence() -> None:
    problem = syntax_error('{"traits": {\n  "phones": {},\n  "phones": {"+19545582399": {}}\n}}')
    assert (problem.line, problem.column) == (3, 3)
    assert problem.message == 'the key "phones" appears twice in this object'


def test_duplicate_key_spelled_with_an_escape_is_still_a_duplicate() -> None:
    assert "twice" in syntax_error('{"a": 1, "\\u0061": 2}').message


def test_same_key_in_different_objects_is_fine() -> None:
    assert loads('[{"a": 1}, {"a": 2}, {"b": {"a": 3}}]') == [{"a": 1}, {"a": 2}, {"b": {"a": 3}}]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_json_numbers_are_refused(constant: str) -> None:
    problem = syntax_error(f'{{"age":\n  {constant}}}')
    assert (problem.line, problem.column) == (2, 3)
    assert constant in problem.message


def test_unpaired_surrogate_escape_is_refused_but_a_pair_is_read() -> None:
    assert "unpaired" in syntax_error('{"x": "ok", "y": "\\ud800"}').message
    assert loads('{"x": "\\ud83d\\ude00", "y": "\\\\ud800"}') == {"x": "😀", "y": "\\ud800"}


def test_error_text_names_source_line_and_column() -> None:
    problem = syntax_error('{"a": 1,}')
    assert isinstance(problem, ValueError)
    assert problem.source == "draft.json"
    assert str(problem) == f"draft.json:1:9: {problem.message}"
    assert "comma before a closing }" in problem.message


@pytest.mark.parametrize("text", ["", "   \n", "// only a comment\n"])
def test_empty_payload_says_so(text: str) -> None:
    assert syntax_error(text).message == "the payload is empty"


def test_byte_order_mark_is_skipped() -> None:
    assert loads('\ufeff{"a": 1}') == {"a": 1}


def test_absurd_nesting_and_huge_numbers_are_syntax_errors() -> None:
    assert "nested too deeply" in syntax_error("[" * 100_000).message
    problem = syntax_error('{"n":\n 1' + "0" * 5000 + "}")
    assert (problem.line, problem.column, problem.message) == (
        2,
        2,
        "this number has too many digits to be read",
    )
