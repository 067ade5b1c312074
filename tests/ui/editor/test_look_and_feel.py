"""Small frictions of the editor: implied primary, the consent panel following the
selection, "Copy as curl" going where Send goes, and no Qt warnings on a label edit."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QPoint, QRect, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from regal_desktop.ui.editor.contact_points import LABEL, PRIMARY
from tests.helpers.desk import Desk, add_profile

PRODUCTION = "https://events.regalvoice.com/events"
STAGING = "https://staging.example.test/events"


@pytest.fixture
def qt_messages() -> Iterator[list[str]]:
    """Every message Qt prints while the test runs (pytest-qt's qtlog misses them here)."""
    messages: list[str] = []

    def keep(_kind: QtMsgType, _context: object, text: str) -> None:
        messages.append(text)

    previous = qInstallMessageHandler(keep)
    yield messages
    qInstallMessageHandler(previous)


def checked(desk: Desk, table: str, row: int) -> bool:
    view = getattr(desk.editor.form, table).view
    value = view.model().index(row, PRIMARY).data(Qt.ItemDataRole.CheckStateRole)
    return value == Qt.CheckState.Checked


def test_the_only_phone_shows_primary_checked(desk: Desk) -> None:
    desk.editor.show_payload(
        {"traits": {"phones": {"+19545582399": {}}, "emails": {"b@x.com": {}, "a@x.com": {}}}},
        None,
    )
    assert checked(desk, "phones", 0)
    # None marked: the first address as sent is the one Regal makes primary.
    assert not checked(desk, "emails", 0) and checked(desk, "emails", 1)
    model = desk.editor.form.emails.view.model()
    assert "None is marked" in model.index(1, PRIMARY).data(Qt.ItemDataRole.ToolTipRole)
    # Marking another moves it; a click on the implied one marks that one.
    model.setData(model.index(0, PRIMARY), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert checked(desk, "emails", 0) and not checked(desk, "emails", 1)
    assert desk.editor.document.draft.emails[0].primary


def test_clicking_the_implied_primary_marks_it(desk: Desk) -> None:
    desk.editor.show_payload({"traits": {"phones": {"+19545582399": {}}}}, None)
    model = desk.editor.form.phones.view.model()
    model.setData(model.index(0, PRIMARY), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert desk.editor.document.draft.phones[0].primary
    assert checked(desk, "phones", 0)


def test_copy_as_curl_targets_the_selected_account(
    qtbot: QtBot, open_desk: Callable[..., Desk]
) -> None:
    add_profile("main", PRODUCTION)
    add_profile("staging", STAGING)
    desk = open_desk({"userId": "u-1"})
    combo = desk.window.findChild(QComboBox, "profileCombo")
    curl = desk.window.findChild(QPushButton, "copyCurlButton")
    combo.setCurrentText("staging")
    curl.click()
    command = QGuiApplication.clipboard().text()
    assert STAGING in command and PRODUCTION not in command
    combo.setCurrentText("main")
    curl.click()
    assert PRODUCTION in QGuiApplication.clipboard().text()
    # The built-in sandbox only answers inside the application: nothing to copy.
    combo.setCurrentText("sandbox")
    assert not curl.isEnabled()
    assert "built-in sandbox" in curl.toolTip()


def test_label_edit_committed_with_enter_prints_no_qt_warning(
    qtbot: QtBot, desk: Desk, qt_messages: list[str]
) -> None:
    desk.editor.show_payload({"traits": {"phones": {"+19545582399": {"label": "Home"}}}}, None)
    view = desk.editor.form.phones.view
    index = view.model().index(0, LABEL)
    view.setFocus()
    view.setCurrentIndex(index)
    view.edit(index)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QComboBox))
    combo = QApplication.focusWidget()
    assert isinstance(combo, QComboBox)
    editor_text = combo.lineEdit()
    editor_text.selectAll()
    qtbot.keyClicks(editor_text, "Work")
    qtbot.keyClick(editor_text, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.editor.document.draft.phones[0].label == "Work")
    qtbot.wait(20)
    assert not [m for m in qt_messages if "commitData" in m]


def consent_shows(desk: Desk) -> tuple[str, int] | None:
    """The row the consent panel edits, checked against the row selected in its table."""
    form = desk.editor.form
    target = form.consent.target
    selected = {
        table: getattr(form, table).current_row()
        for table in ("phones", "emails")
        if getattr(form, table).current_row() >= 0
    }
    assert (None if target is None else {target[0]: target[1]}) == (selected or None)
    return target


def test_consent_follows_a_contact_opened_from_contacts(desk: Desk) -> None:
    desk.editor.show_payload({"traits": {"emails": {"a@x.com": {}, "b@x.com": {}}}}, None)
    desk.editor.form.show_point(desk.editor.form.emails, 1)
    profile = {
        "userId": "u-7",
        "traits": {
            "phones": {
                "+13055550142": {"isPrimary": False},
                "+19545582399": {"isPrimary": True, "smsOptIn": {"subscribed": True}},
            },
            "emails": {"c@x.com": {"isPrimary": True}},
        },
    }
    desk.side.open_contact(profile)
    assert consent_shows(desk) == ("phones", 1)
    assert "954" in desk.editor.form.findChild(QWidget, "consentGroup").title()


@pytest.mark.parametrize("removed", [0, 1, 2])
def test_consent_follows_the_selection_after_removing_an_email(desk: Desk, removed: int) -> None:
    body = {"traits": {"emails": {"a@x.com": {}, "b@x.com": {}, "c@x.com": {}}}}
    desk.editor.show_payload(body, None)
    emails = desk.editor.form.emails
    emails.select_row(removed)
    assert consent_shows(desk) == ("emails", removed)
    emails.remove_selected()
    left = consent_shows(desk)
    assert left == ("emails", min(removed, 1))
    title = desk.editor.form.findChild(QWidget, "consentGroup").title()
    assert emails.model.index(left[1], 0).data() in title


def test_send_shares_its_row_with_the_status_alone(qtbot: QtBot, desk: Desk) -> None:
    desk.window.resize(1024, 700)
    desk.editor.show_payload({"userId": "u-1", "traits": {"phones": {"+144455555555": {}}}}, None)
    review = desk.editor.review
    qtbot.waitUntil(lambda: "fix the errors" in review.status.text())

    def box(widget: QWidget) -> QRect:
        return QRect(widget.mapTo(review, QPoint(0, 0)), widget.size())

    send, status, restate = box(review.send_button), box(review.status), box(review.restate)
    # Restate consent is a choice for this send, under Reason and Proof; the status says
    # on one line, beside Send, why Send is greyed out.
    assert restate.bottom() < send.top() and restate.left() == box(review.proof).left()
    assert status.top() <= send.center().y() <= status.bottom()
    assert status.width() >= review.status.fontMetrics().horizontalAdvance(review.status.text())
