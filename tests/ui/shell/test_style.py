"""The error colour reads on light and dark windows alike."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from regal_desktop.ui.shell.style import error_color, error_style, good_color, is_dark


def _palette(window: str) -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(window))
    return palette


def _contrast(first: QColor, second: QColor) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(colour: QColor) -> float:
        channels = []
        for value in (colour.redF(), colour.greenF(), colour.blueF()):
            low = value <= 0.03928
            channels.append(value / 12.92 if low else ((value + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_each_colour_reads_on_its_window(qapp: QApplication) -> None:
    for window in ("#ffffff", "#efefef", "#353535", "#1e1e1e"):
        palette = _palette(window)
        background = palette.color(QPalette.ColorRole.Window)
        assert _contrast(error_color(palette), background) >= 4.5, window
        assert _contrast(good_color(palette), background) >= 4.5, window


def test_the_shade_follows_the_palette(qapp: QApplication) -> None:
    light, dark = _palette("#f5f5f5"), _palette("#202020")
    assert not is_dark(light) and is_dark(dark)
    assert error_color(light) != error_color(dark)
    assert error_style(light) == f"color: {error_color(light).name()};"
    assert error_color() == error_color(qapp.palette())  # the application's by default
