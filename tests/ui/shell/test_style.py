"""The error colour reads on light and dark windows alike."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from regal_desktop.ui.shell.style import (
    contrast,
    error_color,
    error_style,
    good_color,
    is_dark,
)


def _palette(window: str) -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(window))
    return palette


def test_contrast_is_wcags_ratio() -> None:
    black, white = QColor("#000000"), QColor("#ffffff")
    assert contrast(black, white) == contrast(white, black) == 21.0
    assert contrast(white, white) == 1.0
    assert round(contrast(QColor("#767676"), white), 2) == 4.54  # WCAG's 4.5:1 grey


def test_each_colour_reads_on_its_window(qapp: QApplication) -> None:
    for window in ("#ffffff", "#efefef", "#353535", "#1e1e1e"):
        palette = _palette(window)
        background = palette.color(QPalette.ColorRole.Window)
        assert contrast(error_color(palette), background) >= 4.5, window
        assert contrast(good_color(palette), background) >= 4.5, window


def test_the_shade_follows_the_palette(qapp: QApplication) -> None:
    light, dark = _palette("#f5f5f5"), _palette("#202020")
    assert not is_dark(light) and is_dark(dark)
    assert error_color(light) != error_color(dark)
    assert error_style(light) == f"color: {error_color(light).name()};"
    assert error_color() == error_color(qapp.palette())  # the application's by default
