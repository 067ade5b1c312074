"""A contact too big for the form is refused at once with a message, never a frozen window
(100,000 phones took 53 s and 593 MB to open); ``regal-desktop validate`` still checks it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from regal_desktop.cli import main
from regal_desktop.ui.editor.draft import EDITOR_MAX_ROWS
from tests.helpers.desk import Desk


def phones(count: int) -> dict[str, Any]:
    return {f"+1305{number:07d}": {"label": "mobile"} for number in range(count)}


def test_a_file_with_more_phones_than_the_form_holds_is_refused_in_one_message(
    open_desk: Callable[..., Desk],
) -> None:
    big = {"userId": "big", "traits": {"phones": phones(100_000)}}
    desk = open_desk(big)
    assert desk.editor.document.draft.phones == ()
    assert desk.editor.path is None
    [message] = desk.dialogs.errors
    assert "100,000 phone numbers" in message
    assert f"{EDITOR_MAX_ROWS:,}" in message and "regal-desktop validate" in message
    assert "\n" not in message


def test_the_directory_and_the_history_cannot_open_one_either(
    open_desk: Callable[..., Desk],
) -> None:
    desk = open_desk()
    emails = {f"p{number}@example.com": {} for number in range(EDITOR_MAX_ROWS + 1)}
    desk.side.open_contact({"userId": "big", "traits": {"emails": emails}})
    assert desk.editor.document.draft.emails == ()
    assert f"{EDITOR_MAX_ROWS + 1:,} e-mail addresses" in desk.dialogs.errors[-1]
    traits = {f"trait{number}": "x" for number in range(EDITOR_MAX_ROWS + 1)}
    desk.side.open_body({"userId": "big", "traits": traits})
    assert desk.editor.document.draft.traits == ()
    assert f"{EDITOR_MAX_ROWS + 1:,} custom traits" in desk.dialogs.errors[-1]
    assert "Opened" not in desk.status()


def test_as_many_as_the_form_holds_open(open_desk: Callable[..., Desk]) -> None:
    desk = open_desk({"userId": "many", "traits": {"phones": phones(EDITOR_MAX_ROWS)}})
    assert len(desk.editor.document.draft.phones) == EDITOR_MAX_ROWS
    assert desk.dialogs.errors == []


def test_the_command_line_still_checks_a_contact_too_big_for_the_form(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"traits": {"phones": phones(EDITOR_MAX_ROWS + 1)}}), "utf-8")
    assert main(["validate", str(path)]) == 0


def test_a_json_lines_file_opens_its_first_payload_and_an_empty_one_says_so(
    open_desk: Callable[..., Desk], tmp_path: Path
) -> None:
    desk = open_desk()
    many = tmp_path / "many.jsonl"
    many.write_text('{"userId": "first"}\n{"userId": \n', encoding="utf-8")
    assert desk.editor.open_path(many)
    assert desk.editor.document.draft.user_id == "first"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    assert not desk.editor.open_path(empty)
    assert desk.dialogs.errors == [f"{empty}: has no payload."]
