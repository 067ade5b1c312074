"""The editor without a mouse: where the focus goes, what shows it, Space on a phone row,
and errors shown on the field they are about."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView, QWidget
from pytestqt.qtbot import QtBot

from regal_desktop.domain.model import Channel, ConsentState
from regal_desktop.ui.editor.contact_points import LABEL, POINT
from regal_desktop.ui.editor.editor import Editor
from regal_desktop.ui.editor.marks import MARKED
from regal_desktop.ui.editor.rows_editor import RowsEditor
from tests.helpers.desk import Desk

PHONES = {"+19545582399": {"isPrimary": True}, "+13055550142": {}}


def with_phones(editor: Editor) -> RowsEditor:
    editor.show_payload({"traits": {"phones": PHONES}}, None)
    return editor.form.phones


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def picture(view: QTableView) -> QImage:
    QApplication.processEvents()
    return view.grab().toImage()


def set_current(table: RowsEditor, row: int, column: int) -> None:
    table.view.selectionModel().setCurrentIndex(
        table.model.index(row, column),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


def cell_edge(view: QTableView, image: QImage, row: int, column: int) -> QColor:
    """The colour just inside the top edge of a cell, in the middle."""
    rect = view.visualRect(view.model().index(row, column))
    point = view.viewport().mapTo(view, QPoint(rect.center().x(), rect.top() + 1))
    return image.pixelColor(point)


def test_a_focused_table_and_its_current_cell_can_be_seen(qtbot: QtBot, editor: Editor) -> None:
    phones = with_phones(editor)
    view = phones.view
    highlight = view.palette().color(QPalette.ColorRole.Highlight)
    on_selection = view.palette().color(QPalette.ColorRole.HighlightedText)
    set_current(phones, 0, POINT)
    editor.form.edits["user_id"].setFocus()
    qtbot.waitUntil(lambda: not view.hasFocus())
    unfocused = picture(view)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    focused_image = picture(view)
    middle = view.height() // 2
    # The focused table is framed in the highlight colour; the unfocused one is not.
    assert focused_image.pixelColor(0, middle) == highlight
    assert unfocused.pixelColor(0, middle) != highlight
    # The current cell is framed in the selected row, and only it.
    assert cell_edge(view, focused_image, 0, POINT) == on_selection
    assert cell_edge(view, focused_image, 0, LABEL) != on_selection
    assert cell_edge(view, unfocused, 0, POINT) != on_selection
    set_current(phones, 0, LABEL)
    moved = picture(view)
    assert cell_edge(view, moved, 0, LABEL) == on_selection
    assert cell_edge(view, moved, 0, POINT) != on_selection


def test_space_on_any_cell_of_a_row_toggles_primary(qtbot: QtBot, editor: Editor) -> None:
    phones = with_phones(editor)
    view = phones.view
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    for column in (POINT, LABEL):
        set_current(phones, 1, column)
        qtbot.keyClick(view, Qt.Key.Key_Space)
        assert [row.primary for row in editor.document.draft.phones] == [False, True]
        qtbot.keyClick(view, Qt.Key.Key_Space)
        assert [row.primary for row in editor.document.draft.phones] == [False, False]
    # In an open cell editor, Space is a space.
    view.edit(phones.model.index(1, LABEL))
    cell = focused()
    assert cell is not None and cell.parent() is not view
    qtbot.keyClicks(cell, "My cell")
    qtbot.keyClick(cell, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.document.draft.phones[1].label == "My cell")
    assert [row.primary for row in editor.document.draft.phones] == [False, False]


def test_the_window_starts_in_user_id_and_new_contact_goes_back_there(
    qtbot: QtBot, desk: Desk
) -> None:
    user_id = desk.editor.form.edits["user_id"]
    qtbot.waitUntil(lambda: focused() is user_id)
    event_name = desk.editor.form.edits["event_name"]
    event_name.setFocus()
    qtbot.waitUntil(lambda: focused() is event_name)
    qtbot.keyClick(event_name, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: focused() is user_id)


def test_tab_from_a_phone_reaches_its_consent_before_the_e_mails(
    qtbot: QtBot, editor: Editor
) -> None:
    editor.show_payload(
        {"traits": {"phones": PHONES, "emails": {"jane@example.com": {"isPrimary": True}}}},
        None,
    )
    form = editor.form
    form.show_point(form.phones, 0)
    form.phones.view.setFocus()
    passed: list[QWidget] = []
    consent = form.consent.editors[Channel.VOICE]
    for _ in range(12):
        widget = focused()
        assert widget is not None
        if consent.isAncestorOf(widget):
            break
        passed.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    else:
        raise AssertionError(f"Tab never reached the voice consent: {passed}")
    assert form.emails.view not in passed
    assert not any(form.emails.isAncestorOf(widget) for widget in passed)


def test_the_scroll_area_is_no_tab_stop(editor: Editor) -> None:
    assert editor.form.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_consent_errors_are_marked_on_their_field_until_fixed(qtbot: QtBot, editor: Editor) -> None:
    phone = {"isPrimary": True, "smsOptIn": {"subscribed": True}}
    editor.show_payload({"traits": {"phones": {"+19545582399": phone}}}, None)
    editor.document.set_consent("phones", 0, Channel.SMS, ip="300.1.1.1", timestamp="yesterday")
    editor.refresh_review()
    ip = editor.findChild(QLineEdit, "smsIpEdit")
    time = editor.findChild(QLineEdit, "smsTimestampEdit")
    source = editor.findChild(QLineEdit, "smsSourceEdit")
    assert "300.1.1.1" in ip.toolTip() and ip.property(MARKED)
    assert "yesterday" in time.toolTip() and time.property(MARKED)
    assert "border" in ip.styleSheet()
    assert not source.property(MARKED) and not source.styleSheet()
    editor.document.set_consent("phones", 0, Channel.SMS, ip="203.0.113.7")
    editor.refresh_review()
    assert not ip.property(MARKED) and ip.toolTip() == "" and ip.styleSheet() == ""
    assert time.property(MARKED)
    assert editor.document.draft.phones[0].sms.state is ConsentState.SUBSCRIBED


def test_ctrl_return_with_errors_says_why_nothing_was_sent(qtbot: QtBot, desk: Desk) -> None:
    editor = desk.editor
    phone = {"isPrimary": True, "smsOptIn": {"subscribed": True, "timestamp": "yesterday"}}
    editor.show_payload({"traits": {"phones": {"+19545582399": phone}}}, None)
    sent: list[bool] = []
    editor.send_requested.connect(lambda: sent.append(True))
    user_id = editor.form.edits["user_id"]
    user_id.setFocus()
    qtbot.keyClick(user_id, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not sent
    assert desk.status().startswith("Not sent: 1 error: ")
    assert "yesterday" in desk.status()
