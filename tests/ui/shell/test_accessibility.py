"""Every widget the keyboard can reach, in every window and dialog, has a name a screen
reader can say: its accessible name, its own text, or the label whose buddy it is."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from regal_desktop.sandbox.server import Sandbox
from regal_desktop.ui.history.request_detail import RequestDetailDialog
from tests.helpers.desk import Desk, send_body


def spoken_name(widget: QWidget) -> str:
    """What a screen reader says for ``widget``: Qt's accessible name (an explicit
    accessibleName, a button's text, a buddy label's text), else the buddy label's text."""
    interface = QAccessible.queryAccessibleInterface(widget)
    name = interface.text(QAccessible.Text.Name) if interface is not None else ""
    if name.strip():
        return name
    window = widget.window()
    buddies = [label for label in window.findChildren(QLabel) if label.buddy() is widget]
    return " ".join(label.text() for label in buddies).strip()


def part_of_another_input(widget: QWidget) -> bool:
    """A combo box's or a date box's own line edit, the list a combo box pops up, or a
    widget whose focus goes to another (a tab widget's bar): the input it serves is named."""
    parent = widget.parent()
    if isinstance(widget, QLineEdit) and isinstance(parent, (QComboBox, QAbstractSpinBox)):
        return True
    popup = widget.window().windowType() == Qt.WindowType.Popup
    return popup or widget.focusProxy() is not None


def unnamed(root: QWidget) -> list[str]:
    """The focusable widgets under ``root`` (shown or not) that have no name."""
    missing = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or part_of_another_input(widget):
            continue
        if not spoken_name(widget):
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def assert_named(root: QWidget, where: str = "") -> None:
    """Fail listing every focusable widget under ``root`` that has no name."""
    missing = unnamed(root)
    assert not missing, f"{where or root.objectName()}: " + ", ".join(missing)


def test_the_main_window_names_every_focusable_widget(desk: Desk) -> None:
    assert_named(desk.window)
    # The cell editors too: the number, the address and the label of a phone.
    form = desk.editor.form
    for table, column, name in ((form.phones, 0, "Number"), (form.emails, 0, "Address")):
        table.add_row()
        editor = QApplication.focusWidget()
        assert editor is not None and editor.parent() is table.view.viewport()
        assert spoken_name(editor) == name
        table.view.closePersistentEditor(table.model.index(0, column))


def test_the_send_to_box_is_named_by_its_label(desk: Desk) -> None:
    accounts = desk.parts.account_bar.accounts
    labels = [label for label in desk.window.findChildren(QLabel) if label.buddy() is accounts]
    assert [label.text().replace("&", "").strip() for label in labels] == ["Send to:"]
    assert accounts.accessibleName()


def test_the_review_tabs_are_named(desk: Desk) -> None:
    # The bar's own name: the name Qt derives from it is the current tab's text.
    assert desk.editor.review.tabs.tabBar().accessibleName() == "Review"


def test_settings_names_every_focusable_widget_of_every_tab(desk: Desk) -> None:
    dialog = desk.parts.open_settings()
    for tab in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(tab)
        assert_named(dialog, dialog.tabs.tabText(tab))
    dialog.reject()


def test_contacts_names_every_focusable_widget(desk: Desk) -> None:
    assert_named(desk.side.show_directory())


def test_the_import_wizard_names_every_focusable_widget_on_every_page(
    qtbot: QtBot, desk: Desk, tmp_path: Path
) -> None:
    path = tmp_path / "few.csv"
    path.write_text("Phone Number,SMS consent\n+19545582399,subscribed\n", encoding="utf-8")
    wizard = desk.side.show_import()
    assert_named(wizard)
    desk.dialogs.import_path = path
    qtbot.mouseClick(wizard.file_page.browse_button, Qt.MouseButton.LeftButton)
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    assert_named(wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.preview_page
    qtbot.waitUntil(wizard.preview_page.isComplete, timeout=10_000)
    assert_named(wizard)
    wizard.reject()


def test_history_and_a_request_detail_name_every_focusable_widget(
    qtbot: QtBot,
    open_desk: Callable[[], Desk],
    sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REGAL_ENDPOINT", sandbox.url)
    desk = open_desk()
    phone = {"isPrimary": True, "smsOptIn": {"subscribed": True}}
    send_body(qtbot, desk, {"userId": "a-1", "traits": {"phones": {"+19545582399": phone}}})
    view = desk.side.show_history()
    assert_named(view)
    view.table.doubleClicked.emit(view.model.index(0, 0))
    dialog = view.findChild(RequestDetailDialog, "requestDetailDialog")
    assert dialog is not None
    assert_named(dialog)
    dialog.reject()
