"""Payload files fuzzed through ``validate``'s code path: read, then check each payload.

Inputs are the reference examples in tests/data/payloads/, mutated: raw bytes, edited
text, JSON-ish tokens spliced in, and subtrees replaced by random JSON. The promise: the
only exception is ``PayloadFileError`` naming the file, and every finding has a path and
a message; a payload the checker passes turns into a body that is a JSON object.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from regal_desktop.domain.check import check
from regal_desktop.domain.jsonc import loads
from regal_desktop.services.payload_files import PayloadFileError, read_payloads

EXAMPLES = sorted((Path(__file__).parents[1] / "data" / "payloads").glob("*.json"))
TEXTS = [path.read_text("utf-8") for path in EXAMPLES]
#: The examples parsed (they may hold comments, which the product's reader allows).
BODIES = [loads(text, str(path)) for text, path in zip(TEXTS, EXAMPLES, strict=True)]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Fragments that stress a JSON(-with-comments) reader and the checker's vocabulary.
TOKENS = [
    "{", "}", "[", "]", ",", ":", '"', "\\", "//", "/*", "*/", "\n", "\x00", "\ufeff",
    "NaN", "Infinity", "-0", "1e999", "null", "true", '"isPrimary"', '"smsOptIn"',
    '"phones"', '"emails"', '"+19545582399"', '"jane@example.com"', '"subscribed"',
    '"2026-13-45T99:99:99Z"', "\ud83d\ude00", "\u202e",
]  # fmt: skip

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["+19545582399", "jane@example.com", "yes", "", "2024-05-01T00:00:00Z"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=10) | st.sampled_from(TOKENS[20:27]), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def edited_text(draw: st.DrawFn) -> str:
    """An example with a few characters inserted, deleted or replaced, or cut short."""
    text = draw(st.sampled_from(TEXTS))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        piece = draw(st.sampled_from(TOKENS) | st.text(max_size=3))
        action = draw(st.sampled_from(["insert", "delete", "replace", "cut"]))
        if action == "insert":
            text = text[:at] + piece + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 8)) :]
        elif action == "replace":
            text = text[:at] + piece + text[at + len(piece) :]
        else:
            text = text[:at]
    return text


def _replace_somewhere(value: Any, draw: st.DrawFn, new: Any) -> Any:
    """``value`` with one randomly chosen subtree (maybe itself) replaced by ``new``."""
    children = list(value.items()) if isinstance(value, dict) else []
    if not children or draw(st.integers(0, 3)) == 0:
        return new
    name, child = draw(st.sampled_from(children))
    return {**value, name: _replace_somewhere(child, draw, new)}


@st.composite
def grafted_json(draw: st.DrawFn) -> str:
    """An example whose subtree was swapped for random JSON (NaN and the like included)."""
    body = BODIES[draw(st.integers(0, len(BODIES) - 1))]
    for _ in range(draw(st.integers(1, 3))):
        body = _replace_somewhere(body, draw, draw(json_values))
    return json.dumps(body, ensure_ascii=draw(st.booleans()))


payload_texts = edited_text() | grafted_json() | st.text(max_size=200)


def _validate(data: bytes, suffix: str) -> None:
    """What ``regal-desktop validate FILE`` does with ``data``, asserting its promises."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"payload{suffix}"
        path.write_bytes(data)
        try:
            loaded = read_payloads(path)
        except PayloadFileError as exc:
            assert str(exc).startswith(str(path)), f"the message does not name the file: {exc}"
            event("file refused")
            return
    for payload in loaded:
        assert payload.source.startswith(str(path))
        checked = check(payload.raw, region="US")
        for finding in checked.findings:
            assert finding.path and finding.message, f"a finding without place or words: {finding}"
        if checked.sendable:
            assert isinstance(json.loads(checked.text), dict)
            event("a payload passed")
        else:
            assert checked.errors
            event("a payload had errors")


@FUZZ
@given(payload_texts)
def test_a_mutated_json_file_is_read_and_checked_without_crashing(text: str) -> None:
    _validate(text.encode("utf-8", errors="surrogatepass"), ".json")


@FUZZ
@given(st.lists(payload_texts.map(lambda t: t.replace("\n", " ")), min_size=1, max_size=5))
def test_a_mutated_json_lines_file_is_read_and_checked_without_crashing(lines: list[str]) -> None:
    _validate("\n".join(lines).encode("utf-8", errors="surrogatepass"), ".jsonl")


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([".json", ".jsonl"]))
def test_random_bytes_are_refused_with_the_file_name(data: bytes, suffix: str) -> None:
    _validate(data, suffix)
