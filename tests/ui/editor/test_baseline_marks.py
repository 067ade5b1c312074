"""Marks against what Regal holds (the document's baseline): a changed field or row is
marked (dot, italics, "Known: ..." tooltip) and unmarked when typed back; a known contact
opened unchanged shows none; a blank contact shows no error before anything is typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from regal_desktop.ui.editor.contact_points import LABEL, POINT, PRIMARY
from regal_desktop.ui.editor.draft import TypedRow, ValueType
from regal_desktop.ui.editor.marks import CHANGED, CHANGED_SUFFIX
from tests.helpers.desk import Desk
from tests.helpers.known import MOBILE_SHOWN, open_known, retype


def last_name_label(desk: Desk) -> QLabel:
    edit = desk.window.findChild(QLineEdit, "lastNameEdit")
    return next(label for label in desk.window.findChildren(QLabel) if label.buddy() is edit)


def test_a_known_contact_opened_unchanged_shows_no_marks(qtbot: QtBot, desk: Desk) -> None:
    open_known(qtbot, desk)
    form = desk.editor.form

    assert form.changes.marked() == {}
    for rows in (form.phones, form.emails):
        assert [rows.model.mark(r) for r in range(rows.model.rowCount())] == [None] * (  # type: ignore[attr-defined]
            rows.model.rowCount()
        )
    # The preview says the consent it leaves out, and the body carries none.
    note = desk.window.findChild(QLabel, "leftOutNote")
    assert note.isVisible()
    assert f"SMS for {MOBILE_SHOWN}: unchanged, not sent" in note.text()
    assert "OptIn" not in desk.editor.checked.text


def test_a_changed_last_name_is_marked_until_typed_back(qtbot: QtBot, desk: Desk) -> None:
    open_known(qtbot, desk)
    edit = desk.window.findChild(QLineEdit, "lastNameEdit")
    dot = desk.window.findChild(QAction, "lastNameEditChanged")

    retype(qtbot, desk, "lastNameEdit", "Smyth")

    assert desk.editor.form.changes.marked() == {"last_name": "Known: Smith"}
    assert edit.property(CHANGED) == "Known: Smith"
    dot = desk.window.findChild(QAction, "lastNameEditChanged")
    assert dot is not None and dot.isVisible() and dot.toolTip() == "Known: Smith"
    label = last_name_label(desk)
    assert label.text().endswith(CHANGED_SUFFIX + ":") and label.font().italic()

    retype(qtbot, desk, "lastNameEdit", "Smith")

    assert desk.editor.form.changes.marked() == {}
    assert edit.property(CHANGED) is None
    assert not dot.isVisible()
    assert label.text() == "Last name:" and not label.font().italic()


def test_a_changed_label_and_a_new_phone_are_marked_on_their_rows(qtbot: QtBot, desk: Desk) -> None:
    open_known(qtbot, desk)
    model = desk.editor.form.phones.model
    model.setData(model.index(0, LABEL), "Work")
    row = desk.editor.document.add_row("phones")
    model.setData(model.index(row, POINT), "305 555 0199")
    desk.editor.refresh_review()

    changed = model.mark(0)  # type: ignore[attr-defined]
    assert changed is not None and changed.label == "Mobile"
    assert "Known: label Mobile" in model.index(0, LABEL).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, LABEL).data(Qt.ItemDataRole.FontRole).italic()
    assert model.index(0, PRIMARY).data(Qt.ItemDataRole.FontRole) is None  # unchanged cell
    assert model.index(0, POINT).data(Qt.ItemDataRole.DecorationRole) is not None
    new = model.mark(row)  # type: ignore[attr-defined]
    assert new is not None and new.new
    assert "New: Regal does not hold +1 305-555-0199" in model.index(row, POINT).data(
        Qt.ItemDataRole.ToolTipRole
    )
    # Typed back, the label's mark goes.
    model.setData(model.index(0, LABEL), "Mobile")
    assert model.mark(0) is None  # type: ignore[attr-defined]


def test_an_unknown_contact_has_no_marks(qtbot: QtBot, desk: Desk) -> None:
    desk.editor.show_payload({"userId": "nobody-1", "traits": {"lastName": "Doe"}}, None)
    assert desk.editor.document.baseline is None
    assert desk.editor.form.changes.marked() == {}


def test_a_blank_contact_shows_no_error_until_typed_or_sent(qtbot: QtBot, desk: Desk) -> None:
    editor = desk.editor
    status = desk.window.findChild(QLabel, "reviewStatus")
    send = desk.window.findChild(QPushButton, "sendButton")
    assert editor.review.findings.findings == ()
    assert editor.review.tabs.tabText(1) == "Findings"
    assert "New contact" in status.text() and "error" not in status.text()
    assert editor.form.marks.marked() == {}
    assert not send.isEnabled()  # nothing to send yet, and nothing said to be wrong

    # Ctrl+Return on the blank contact: now the findings say why nothing was sent.
    qtbot.keyClick(
        desk.window.findChild(QLineEdit, "userIdEdit"),
        Qt.Key.Key_Return,
        Qt.KeyboardModifier.ControlModifier,
    )
    assert len(editor.review.findings.findings) == 1
    assert "error" in status.text()
    assert desk.status().startswith("Not sent: 1 error")


def test_typing_into_a_new_contact_shows_its_findings(qtbot: QtBot, desk: Desk) -> None:
    desk.editor.new_contact()
    edit = desk.window.findChild(QLineEdit, "firstNameEdit")
    qtbot.keyClicks(edit, "Ana")
    qtbot.waitUntil(lambda: len(desk.editor.review.findings.findings) == 1)
    assert "error" in desk.window.findChild(QLabel, "reviewStatus").text()


def test_a_custom_trait_regal_does_not_hold_is_marked(qtbot: QtBot, desk: Desk) -> None:
    open_known(qtbot, desk)
    row = desk.editor.document.add_row("traits", TypedRow("plan", ValueType.TEXT, "gold"))
    model = desk.editor.form.traits.model
    assert model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole) == (
        "New: Regal does not hold the trait plan yet"
    )
    assert model.index(row, 2).data(Qt.ItemDataRole.FontRole).italic()
    assert model.index(row, 0).data(Qt.ItemDataRole.DecorationRole) is not None
