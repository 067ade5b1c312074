"""The window on a dark and a light desktop theme: text, errors and badges at 4.5:1 or
more, radio buttons that show, and disabled buttons that look disabled."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QTableView,
)
from pytestqt.qtbot import QtBot

from regal_desktop.ui.editor.contact_points import PRIMARY
from regal_desktop.ui.shell.style import contrast, error_color, good_color
from tests.helpers.desk import Desk

R = QPalette.ColorRole

#: A desktop's dark theme as some hand it to Qt: one colour per role, for every group
#: (so its disabled text is its enabled text).
DARK = {
    R.Window: "#2b2b2b",
    R.WindowText: "#e6e6e6",
    R.Base: "#1e1e1e",
    R.AlternateBase: "#262626",
    R.Text: "#e6e6e6",
    R.Button: "#353535",
    R.ButtonText: "#e6e6e6",
    R.Highlight: "#3d7be0",
    R.HighlightedText: "#ffffff",
    R.PlaceholderText: "#9a9a9a",
    R.ToolTipBase: "#353535",
    R.ToolTipText: "#e6e6e6",
    R.Link: "#0000ff",  # left at Qt's default blue, as some dark themes do
    R.LinkVisited: "#8b00ff",
}
LIGHT = {
    R.Window: "#efefef",
    R.WindowText: "#000000",
    R.Base: "#ffffff",
    R.AlternateBase: "#f7f7f7",
    R.Text: "#000000",
    R.Button: "#efefef",
    R.ButtonText: "#000000",
    R.Highlight: "#308cc6",
    R.HighlightedText: "#ffffff",
    R.PlaceholderText: "#767676",
    R.ToolTipBase: "#ffffdc",
    R.ToolTipText: "#000000",
    R.Link: "#0000ff",
    R.LinkVisited: "#ff00ff",
}


@pytest.fixture(params=["dark", "light"])
def themed(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    """The application's palette set to a dark or a light theme (put back afterwards)."""
    before = QPalette(qapp.palette())
    palette = QPalette()
    for role, colour in (DARK if request.param == "dark" else LIGHT).items():
        palette.setColor(role, QColor(colour))
    qapp.setPalette(palette)
    yield request.param
    qapp.setPalette(before)


def test_text_errors_and_badges_read_on_the_theme(
    themed: str, open_desk: Callable[..., Desk]
) -> None:
    desk = open_desk()
    palette = desk.window.palette()
    for text, background in ((R.WindowText, R.Window), (R.Text, R.Base), (R.ButtonText, R.Button)):
        assert contrast(palette.color(text), palette.color(background)) >= 4.5, (themed, text)
    for background in (R.Window, R.Base):
        assert contrast(error_color(palette), palette.color(background)) >= 4.5, themed
        assert contrast(good_color(palette), palette.color(background)) >= 4.5, themed
    preview = desk.editor.review.preview
    for kind, colour in preview.highlighter.colours().items():
        assert contrast(colour, preview.editor.palette().color(R.Base)) >= 4.5, (themed, kind)
    badge = desk.window.findChild(QLabel, "profileBadge")
    fill = re.search(r"background: (#[0-9a-fA-F]{6})", badge.styleSheet())
    assert fill is not None
    assert contrast(QColor("white"), QColor(fill.group(1))) >= 4.5


def test_disabled_buttons_look_disabled(themed: str, open_desk: Callable[..., Desk]) -> None:
    desk = open_desk()
    button = desk.window.findChild(QPushButton, "removePhoneButton")
    assert not button.isEnabled()
    palette, group = button.palette(), QPalette.ColorGroup
    enabled = contrast(palette.color(group.Active, R.ButtonText), palette.color(R.Button))
    disabled = contrast(palette.color(group.Disabled, R.ButtonText), palette.color(R.Button))
    assert disabled * 1.5 <= enabled, (themed, enabled, disabled)


def test_consent_radio_buttons_show_on_the_theme(
    qtbot: QtBot, themed: str, open_desk: Callable[..., Desk]
) -> None:
    desk = open_desk({"traits": {"phones": {"+19545582399": {"voiceOptIn": {"subscribed": True}}}}})
    form = desk.editor.form
    form.ensureWidgetVisible(form.consent)
    for name in ("voiceSubscribedButton", "voiceNoStatusButton"):
        button = desk.window.findChild(QRadioButton, name)
        qtbot.waitUntil(button.isVisible)
        image = button.grab().toImage()
        option_rect = button.style().subElementRect(
            QStyle.SubElement.SE_RadioButtonIndicator, _option(button), button
        )
        window = button.palette().color(R.Window)
        ratio = max(
            contrast(image.pixelColor(QPoint(x, y)), window)
            for x in range(option_rect.left(), option_rect.right())
            for y in range(option_rect.top(), option_rect.bottom())
        )
        # A control's edge wants 3:1 against what it sits on (WCAG 1.4.11).
        assert ratio >= 3, (themed, name, ratio)


def _option(button: QRadioButton) -> QStyleOptionButton:
    option = QStyleOptionButton()
    button.initStyleOption(option)
    return option


def test_primary_boxes_show_on_the_theme(
    qtbot: QtBot, themed: str, open_desk: Callable[..., Desk]
) -> None:
    phones = {"+19545582399": {"isPrimary": True}, "+13055550123": {}}
    desk = open_desk({"traits": {"phones": phones}})
    view = desk.editor.findChild(QTableView, "phonesView")
    qtbot.waitUntil(view.isVisible)
    view.clearSelection()
    cell = view.visualRect(view.model().index(1, PRIMARY)).adjusted(3, 3, -3, -3)
    image = view.viewport().grab().toImage()
    base = view.palette().color(R.Base)
    ratio = max(
        contrast(image.pixelColor(QPoint(x, y)), base)
        for x in range(cell.left(), cell.right())
        for y in range(cell.top(), cell.bottom())
    )
    # The unchecked box of a row that is not primary: its edge wants 3:1 (WCAG 1.4.11).
    assert ratio >= 3, (themed, ratio)
