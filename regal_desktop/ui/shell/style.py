"""Colours with a meaning, chosen from the palette so they read on light and dark themes.

A dark red that reads on a light window is too dark on a dark one, so each colour has a
light-theme and a dark-theme shade (both above 4.5:1 contrast on their background), and
the palette's window colour picks between them. The production badge is white on its own
red and keeps its colour (see ``outbox/account_bar.py``).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QWidget

#: Errors and opt-outs: (on a light window, on a dark window).
_ERROR = ("#b3261e", "#ff8a80")
#: Opt-ins and other good news: (on a light window, on a dark window).
_GOOD = ("#1b5e20", "#81c784")


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether ``palette`` (else the application's) draws dark windows."""
    used = palette if palette is not None else QGuiApplication.palette()
    return used.color(QPalette.ColorRole.Window).lightness() < 128


def error_color(palette: QPalette | None = None) -> QColor:
    """The colour of an error (and of an opt-out) on ``palette``'s windows."""
    return QColor(_ERROR[is_dark(palette)])


def good_color(palette: QPalette | None = None) -> QColor:
    """The colour of an opt-in, the opposite of an error, on ``palette``'s windows."""
    return QColor(_GOOD[is_dark(palette)])


def contrast(first: QColor, second: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21; text wants 4.5, controls 3)."""

    def luminance(colour: QColor) -> float:
        channels = []
        for value in (colour.redF(), colour.greenF(), colour.blueF()):
            low = value <= 0.03928
            channels.append(value / 12.92 if low else ((value + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _blend(front: QColor, back: QColor, share: float) -> QColor:
    """``share`` of ``front`` over ``back``."""
    fronts = (front.redF(), front.greenF(), front.blueF())
    pairs = zip(fronts, (back.redF(), back.greenF(), back.blueF()), strict=True)
    return QColor.fromRgbF(*(f * share + b * (1 - share) for f, b in pairs))


def readable(colour: QColor, background: QColor, text: QColor) -> QColor:
    """``colour``, or the first mix of it with ``text`` that reads at 4.5:1 on
    ``background`` (a theme's link blue can be 2:1 on a dark base)."""
    for share in (0.0, 0.25, 0.5, 0.75):
        mixed = _blend(text, colour, share)
        if contrast(mixed, background) >= 4.5:
            return mixed
    return QColor(text)


#: The text roles and the background each is drawn on.
_TEXT_ON = (
    (QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
    (QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
    (QPalette.ColorRole.Text, QPalette.ColorRole.Base),
)


def readable_palette(palette: QPalette) -> QPalette | None:
    """``palette`` with disabled text dimmed where it equals enabled text (some dark
    desktop themes give both one colour, so a disabled button looks enabled); None when
    nothing needed changing."""
    disabled, active = QPalette.ColorGroup.Disabled, QPalette.ColorGroup.Active
    fixed = QPalette(palette)
    changed = False
    for text, background in _TEXT_ON:
        if palette.color(disabled, text) == palette.color(active, text):
            dim = _blend(palette.color(active, text), palette.color(disabled, background), 0.45)
            fixed.setColor(disabled, text, dim)
            changed = True
    return fixed if changed else None


class IndicatorStyle(QProxyStyle):
    """Draws radio and check indicators (the consent states, the tables' Primary boxes)
    from the palette's roles: an outline in the text colour on the base colour, a dot or
    a tick in the highlight colour. Fusion outlines them in a darker shade of the window,
    which vanishes on a dark window."""

    _DRAWN = (
        QStyle.PrimitiveElement.PE_IndicatorRadioButton,
        QStyle.PrimitiveElement.PE_IndicatorCheckBox,
        QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
    )

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element not in self._DRAWN:
            super().drawPrimitive(element, option, painter, widget)
            return
        round_ = element == QStyle.PrimitiveElement.PE_IndicatorRadioButton
        state = option.state
        palette: QPalette = option.palette
        enabled = bool(state & QStyle.StateFlag.State_Enabled)
        group = QPalette.ColorGroup.Active if enabled else QPalette.ColorGroup.Disabled
        text = palette.color(group, QPalette.ColorRole.WindowText)
        window = palette.color(group, QPalette.ColorRole.Window)
        side = min(option.rect.width(), option.rect.height())
        ring = QRectF(0, 0, side, side).adjusted(1.5, 1.5, -1.5, -1.5)
        ring.moveCenter(QRectF(option.rect).center())
        mark_role = QPalette.ColorRole.Highlight if enabled else QPalette.ColorRole.WindowText
        mark = _blend(palette.color(group, mark_role), window, 1.0 if enabled else 0.4)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(_blend(text, window, 0.75 if enabled else 0.4), 1.5))
        painter.setBrush(palette.color(group, QPalette.ColorRole.Base))
        if round_:
            painter.drawEllipse(ring)
        else:
            painter.drawRoundedRect(ring, 2, 2)
        if state & QStyle.StateFlag.State_On:
            inset = ring.width() * 0.27
            inner = ring.adjusted(inset, inset, -inset, -inset)
            if round_:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(mark)
                painter.drawEllipse(inner)
            else:
                painter.setPen(QPen(mark, 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPolyline(
                    [
                        QPointF(inner.left(), inner.center().y()),
                        QPointF(inner.left() + inner.width() * 0.4, inner.bottom()),
                        QPointF(inner.right(), inner.top()),
                    ]
                )
        painter.restore()


_indicator_style: list[IndicatorStyle] = []


def indicator_style() -> IndicatorStyle:
    """The one :class:`IndicatorStyle` of the application (widgets do not own a style)."""
    if not _indicator_style:
        style = IndicatorStyle()
        style.setParent(QCoreApplication.instance())
        _indicator_style.append(style)
    return _indicator_style[0]


def error_style(palette: QPalette | None = None) -> str:
    """A style sheet giving a label the error colour: ``color: #b3261e;``."""
    return f"color: {error_color(palette).name()};"


__all__ = [
    "IndicatorStyle",
    "contrast",
    "error_color",
    "error_style",
    "good_color",
    "indicator_style",
    "is_dark",
    "readable",
    "readable_palette",
]
