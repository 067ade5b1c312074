"""The window laid out on a laptop screen (1024×700) and a large monitor (1920×1080):
nothing cut, the consent of a phone readable at once, the buttons off the window's edge.
Each size is saved as a screenshot in the tests' artifacts (``REGAL_DESKTOP_ARTIFACTS``,
else the test's temporary folder) to be looked at."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QPushButton,
    QStyle,
    QStyleOptionComboBox,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from regal_desktop.domain.model import Channel
from regal_desktop.services.payload_files import read_payloads
from tests.helpers.desk import Desk, add_profile

PAYLOAD = Path(__file__).parents[2] / "data" / "payloads" / "phones-and-emails.json"


def artifacts(tmp_path: Path) -> Path:
    """Where screenshots go: ``REGAL_DESKTOP_ARTIFACTS`` if set, else ``tmp_path``."""
    folder = Path(os.environ.get("REGAL_DESKTOP_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cut_cells(view: QTableView) -> list[str]:
    """Header titles and cell texts wider than their column."""
    model, header, metrics = view.model(), view.horizontalHeader(), view.fontMetrics()
    cut = []
    for column in range(model.columnCount()):
        width = header.sectionSize(column) - 8  # the item's own padding
        title = str(model.headerData(column, Qt.Orientation.Horizontal))
        texts = [title] + [
            str(model.index(row, column).data() or "") for row in range(model.rowCount())
        ]
        cut += [f"{text!r} in {title}" for text in texts if metrics.horizontalAdvance(text) > width]
    return cut


def on_screen(widget: QWidget, window: QWidget) -> QRect:
    """``widget``'s rectangle in ``window``'s coordinates."""
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)])
def test_the_window_reads_on_a_laptop_and_a_large_monitor(
    qtbot: QtBot, open_desk: Callable[..., Desk], tmp_path: Path, size: tuple[int, int]
) -> None:
    add_profile("production", "https://events.regalvoice.com/events")
    desk = open_desk(read_payloads(PAYLOAD)[0].raw)
    window, form = desk.window, desk.editor.form
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().width() == size[0])
    qtbot.wait(50)

    # The consent of the selected phone: voice and SMS at once, within the form's view.
    form.ensureWidgetVisible(form.consent, 0, 0)
    qtbot.wait(20)
    viewport = on_screen(form.viewport(), window)
    for channel in (Channel.VOICE, Channel.SMS):
        box = form.consent.editors[channel]
        assert box.isVisible()
        assert viewport.contains(on_screen(box, window)), (channel, viewport, size)
        if size[0] >= 1920:
            assert box.width() >= 600  # the boxes grow with the window
    # An empty outbox takes one line, not a tenth of a laptop's screen.
    assert desk.parts.outbox_dock.height() <= 60

    # No header or cell cut in the phone and e-mail tables.
    for view in (form.phones.view, form.emails.view):
        assert cut_cells(view) == []

    # The account box shows its longest name whole.
    combo = window.findChild(QComboBox, "profileCombo")
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    longest = max(
        (combo.itemText(i) for i in range(combo.count())), key=combo.fontMetrics().horizontalAdvance
    )
    assert combo.fontMetrics().horizontalAdvance(longest) <= field.width(), longest

    # The review's buttons keep off the window's right edge.
    for name in ("sendButton", "copyCurlButton"):
        button = window.findChild(QPushButton, name)
        right = on_screen(button, window).right()
        assert window.width() - 1 - right >= 6, (name, right, window.width())

    window.grab().save(str(artifacts(tmp_path) / f"window-{size[0]}x{size[1]}.png"))
