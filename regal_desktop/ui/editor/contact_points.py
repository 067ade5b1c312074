"""Table models of a contact's phones and e-mails (number/address, label, primary, consent).

Edits go through the document's commands. A number is stored as typed; the table shows
the E.164 form the body will carry and puts any problem in the tooltip and an icon.
"""

from __future__ import annotations

from typing import Any, Literal

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QHeaderView, QStyle, QTableView

from regal_desktop.domain.consent import CONSENT_WORDS, format_point
from regal_desktop.domain.findings import Level
from regal_desktop.domain.model import EMAIL_CHANNELS, PHONE_CHANNELS, Channel
from regal_desktop.domain.normalise import normalise_email, normalise_phone
from regal_desktop.domain.profile import first_in_order
from regal_desktop.ui.editor.baseline import PointMark, known_points, point_key, point_mark
from regal_desktop.ui.editor.document import ContactDocument
from regal_desktop.ui.editor.draft import Consent
from regal_desktop.ui.editor.marks import changed_font, changed_icon
from regal_desktop.ui.editor.rows_model import DocumentRowsModel, is_checked
from regal_desktop.ui.shell.icons import level_icon

#: The role under which a row gives the key it has in the body (E.164 or address).
BODY_KEY_ROLE = Qt.ItemDataRole.UserRole + 1

#: Label suggestions offered when editing a label (any other text is allowed too).
LABEL_SUGGESTIONS = ("Mobile", "Home", "Work", "Landline", "Other")

POINT, LABEL, PRIMARY = 0, 1, 2


def consent_summary(consent: Consent) -> str:
    """How a consent reads in a table cell."""
    return CONSENT_WORDS[consent.state]


def consent_tooltip(channel: Channel, consent: Consent) -> str:
    """The audit fields of a consent, one per line, for a tooltip."""
    lines = [f"{channel.label}: {CONSENT_WORDS[consent.state]}"]
    for label, value in (
        ("Text", consent.text),
        ("IP", consent.ip),
        ("Time", consent.timestamp),
        ("Source", consent.source),
    ):
        if value.strip():
            lines.append(f"{label}: {value}")
    return "\n".join(lines)


#: As wide as the numbers the Number column should show whole (E.164, 15 digits).
_LONG_NUMBER = "+000000000000000"
#: A North American number being replaced, which the column shows whole too.
_RETIRED_NUMBER = "+10000000000 (retired)"


def fit_point_columns(view: QTableView) -> None:
    """Give the label, Primary and consent columns of a phone or e-mail table room for
    their longest words ("Unsubscribed"), so none is cut; the number or address takes
    the rest."""
    header = view.horizontalHeader()
    metrics = view.fontMetrics()
    # Qt's item padding: the focus frame's margin on each side, and a little air.
    margin = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) + 12
    model = view.model()
    for column in range(LABEL, model.columnCount()):
        title = str(model.headerData(column, Qt.Orientation.Horizontal))
        words = (title, *LABEL_SUGGESTIONS) if column == LABEL else (title, *CONSENT_WORDS.values())
        if column == PRIMARY:
            words = (title,)
        width = max(metrics.horizontalAdvance(word) for word in words) + margin
        if column == PRIMARY:
            width += view.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
        if column == LABEL:
            width = max(width, 110)  # room for a typed label such as "Other Work"
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, max(width, header.minimumSectionSize()))
    if getattr(model, "table", "") == "phones":
        # A number is short: on a wide window the room goes to the last column rather
        # than an 800 px Number column (an address is as long as it is, and stretches).
        icon = view.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        header.setSectionResizeMode(POINT, QHeaderView.ResizeMode.Interactive)
        widest = max(metrics.horizontalAdvance(t) for t in (_LONG_NUMBER, _RETIRED_NUMBER))
        header.resizeSection(POINT, widest + icon + margin)
        header.setStretchLastSection(True)


class ContactPointModel(DocumentRowsModel):
    """The columns phones and e-mails share; subclasses say how to read the point itself.

    Rows that differ from what Regal holds (the document's baseline) carry a dot and
    italics, with what is known in the tooltip; a row being replaced reads "(retired)".
    """

    #: A number or address Regal holds was retyped: it cannot be renamed (the sentence).
    refused = Signal(str)

    table: Literal["phones", "emails"]
    channels: tuple[Channel, ...] = ()
    #: The row attribute holding the number or address, and the user's word for it.
    point_field: str
    what: str
    _implied_for: tuple[Any, ...] | None = None
    _implied: int | None = None

    def __init__(self, document: ContactDocument, parent: QObject | None = None) -> None:
        super().__init__(document, parent)
        self._marks: dict[int, PointMark | None] = {}
        self._marks_for: tuple[Any, ...] | None = None
        self._known: dict[str, Any] = {}
        self._changed_icon: QIcon | None = None
        document.baselineChanged.connect(self._baseline_changed)

    def _baseline_changed(self) -> None:
        self._marks_for = None
        if self._rows:
            last = self.index(len(self._rows) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def mark(self, row: int) -> PointMark | None:
        """How row ``row`` differs from what Regal holds (None: as held, or unknown)."""
        if self._marks_for is not self._rows:
            self._marks_for = self._rows
            self._marks = {}
            self._known = known_points(self.document.baseline, self.table)
        if row not in self._marks:
            self._marks[row] = point_mark(self._rows[row], self.table, self._known)
        return self._marks[row]

    def held(self, row: int) -> str | None:
        """The key of row ``row`` when Regal holds that number or address (else None)."""
        if self._marks_for is not self._rows:
            self.mark(row)
        key = point_key(self.point_text(self._rows[row]), self.table)
        return key if key in self._known else None

    def _icon(self) -> QIcon:
        if self._changed_icon is None:
            self._changed_icon = changed_icon(QApplication.palette())
        return self._changed_icon

    def point_text(self, row: Any) -> str:
        """What the user typed in the number/address column."""
        raise NotImplementedError

    def point_key(self, row: Any) -> str:
        """The key the row has in the raw payload: the number or address as typed."""
        return self.point_text(row).strip()

    def point_display(self, row: Any) -> str:
        """The number or address as it will be sent (as typed when it cannot be read)."""
        typed = self.point_text(row).strip()
        return self.point_check(typed)[0] or typed if typed else ""

    def point_check(self, typed: str) -> tuple[str | None, str | None, tuple[str, ...]]:
        """(normalised, error, warnings) for what the user typed; the warnings are risks
        only ("will be sent as +1…" is information: the cell shows the sent form, and
        its tooltip what was typed)."""
        raise NotImplementedError

    def implied_primary(self) -> int | None:
        """The row Regal makes primary when no row is marked (None when one is, or there
        are no rows): the only one, else the first by number or address as sent (the
        merge rules of ``domain/profile.py``), unless Regal already has a primary."""
        if self._implied_for is not self._rows:
            self._implied_for = self._rows
            self._implied = None
            if self._rows and not any(row.primary for row in self._rows):
                shown = [self.point_display(row) for row in self._rows]
                chosen = first_in_order(point for point in shown if point)
                self._implied = shown.index(chosen) if chosen is not None else 0
        return self._implied

    def _sync(self) -> None:
        before = self.implied_primary()
        super()._sync()
        after = self.implied_primary()
        if before != after:
            # Marking, unmarking or retyping a point can move the implied primary.
            for row in (before, after):
                if row is not None and row < len(self._rows):
                    index = self.index(row, PRIMARY)
                    self.dataChanged.emit(index, index)

    def row_for_key(self, key: str) -> int | None:
        """The row a finding's path names: by the key as typed, else as it will be sent."""
        for match in (self.point_key, self.point_display):
            for index, row in enumerate(self._rows):
                if match(row) == key:
                    return index
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.column() in (POINT, LABEL):
            return base | Qt.ItemFlag.ItemIsEditable
        if index.column() == PRIMARY:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == BODY_KEY_ROLE:
            return self.point_key(row)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.FontRole) or (
            column == POINT
            and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole)
        ):
            mark = self.mark(index.row())
            if mark is not None:
                return self._marked_data(index, mark, role)
        return self._plain_data(index, role)

    def _marked_data(
        self, index: QModelIndex | QPersistentModelIndex, mark: PointMark, role: int
    ) -> Any:
        """A cell of a row that differs from what Regal holds."""
        plain = self._plain_data(index, role)
        column = index.column()
        channel = self.channels[column - PRIMARY - 1] if column > PRIMARY else None
        changed = (
            mark.new
            or mark.retired
            or column == POINT
            or (column == LABEL and mark.label is not None)
            or (column == PRIMARY and mark.primary is not None)
            or channel in mark.changed_channels
        )
        if role == Qt.ItemDataRole.DisplayRole:  # the number or address
            return f"{plain} (retired)" if mark.retired else plain
        if role == Qt.ItemDataRole.DecorationRole:
            return plain if plain is not None else self._icon()
        if role == Qt.ItemDataRole.FontRole:
            if not changed:
                return None
            font = changed_font(QApplication.font())
            font.setStrikeOut(mark.retired and column == POINT)
            return font
        # The tooltip: what is known, for the cells that differ.
        lines = mark.lines()
        if not (mark.new or mark.retired) and column != POINT:
            wanted = {LABEL: "label", PRIMARY: "primary"}.get(column)
            words = channel.label if channel is not None else wanted
            lines = [line for line in lines if words and words in line]
        if not changed or not lines:
            return plain
        return "\n".join([*lines, *([plain] if plain else [])])

    def _plain_data(self, index: QModelIndex | QPersistentModelIndex, role: int) -> Any:
        row, column = self._rows[index.row()], index.column()
        if column == POINT:
            return self._point_data(self.point_text(row), role)
        if column == LABEL and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return row.label
        if column == PRIMARY:
            implied = not row.primary and index.row() == self.implied_primary()
            if role == Qt.ItemDataRole.CheckStateRole:
                on = row.primary or implied
                return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.ToolTipRole:
                note = (
                    "\nNone is marked, so Regal makes this one primary (unless it already "
                    "has a primary for this contact). Click to mark it."
                    if implied
                    else ""
                )
                return "Primary: journeys call, text and e-mail only the primary." + note
            return None
        if column > PRIMARY and column - PRIMARY - 1 < len(self.channels):
            channel = self.channels[column - PRIMARY - 1]
            consent: Consent = getattr(row, channel.value)
            if role == Qt.ItemDataRole.DisplayRole:
                return consent_summary(consent)
            if role == Qt.ItemDataRole.ToolTipRole:
                return consent_tooltip(channel, consent)
        return None

    def _point_data(self, typed: str, role: int) -> Any:
        if role == Qt.ItemDataRole.EditRole:
            return typed
        if not typed.strip():
            return "" if role == Qt.ItemDataRole.DisplayRole else None
        normalised, error, warnings = self.point_check(typed.strip())
        if role == Qt.ItemDataRole.DisplayRole:
            return normalised or typed
        if role == Qt.ItemDataRole.ToolTipRole:
            problems = [error] if error else list(warnings)
            typed_note = f"Typed as: {typed}" if normalised and normalised != typed else ""
            return "\n".join(p for p in (*problems, typed_note) if p) or None
        if role == Qt.ItemDataRole.DecorationRole and (error or warnings):
            # As the findings list marks them: an error, or a warning (a risk).
            return level_icon(Level.ERROR if error else Level.WARNING)
        return None

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if not index.isValid():
            return False
        row, column = index.row(), index.column()
        if column == PRIMARY and role == Qt.ItemDataRole.CheckStateRole:
            # A click on the implied primary marks it (it already shows checked).
            implied = row == self.implied_primary()
            self.document.set_primary(self.table, row, is_checked(value) or implied)
            return True
        if role != Qt.ItemDataRole.EditRole or column not in (POINT, LABEL):
            return False
        name = self.point_field if column == POINT else "label"
        if column == POINT:
            held = self.held(row)
            if held is not None and point_key(str(value), self.table) != held:
                self.refused.emit(
                    f"Regal cannot delete {format_point(held)}, so retyping it would add a "
                    f"second {self.what}; use Replace… to add the new one and retire this one."
                )
                return False
        self.document.update_row(self.table, row, **{name: str(value)})
        return True


class PhoneTableModel(ContactPointModel):
    """The phones of the contact: number, label, primary, voice and SMS consent."""

    table = "phones"
    channels = PHONE_CHANNELS
    headers = ("Number", "Label", "Primary", "Voice", "SMS")
    point_field = "number"
    what = "number"

    def point_text(self, row: Any) -> str:
        return str(row.number)

    def point_check(self, typed: str) -> tuple[str | None, str | None, tuple[str, ...]]:
        result = normalise_phone(typed)
        return result.e164, result.error, result.risks


class EmailTableModel(ContactPointModel):
    """The e-mail addresses of the contact: address, label, primary, e-mail consent."""

    table = "emails"
    channels = EMAIL_CHANNELS
    headers = ("Address", "Label", "Primary", "E-mail")
    point_field = "address"
    what = "address"

    def point_text(self, row: Any) -> str:
        return str(row.address)

    def point_check(self, typed: str) -> tuple[str | None, str | None, tuple[str, ...]]:
        normalised, error = normalise_email(typed)
        return normalised, error, ()
