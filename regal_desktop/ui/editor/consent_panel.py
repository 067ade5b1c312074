"""The consent of the selected phone (voice, SMS) or e-mail address (e-mail).

Per channel: No status / Subscribed / Unsubscribed, the consent text (from the managed
templates, so the words recorded are the words shown), IP, timestamp with "Now", source.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from regal_desktop.domain.consent import CONSENT_WORDS
from regal_desktop.domain.model import EMAIL_CHANNELS, PHONE_CHANNELS, Channel
from regal_desktop.domain.normalise import format_phone, normalise_email, normalise_phone
from regal_desktop.services.consent_texts import ConsentTemplate
from regal_desktop.ui.editor.document import ContactDocument
from regal_desktop.ui.editor.draft import Consent, EmailRow, PhoneRow
from regal_desktop.ui.shell.style import indicator_style

#: The state buttons, in order: each state with its words.
_STATES = tuple(CONSENT_WORDS.items())

#: Audit fields of a consent that are single lines, with their labels.
_TEXT_FIELDS = (("ip", "IP address"), ("timestamp", "Time"), ("source", "Source"))


def _point_words(point: PhoneRow | EmailRow) -> str:
    """A number or address as people read it (as typed while it cannot be read)."""
    if isinstance(point, PhoneRow):
        e164 = normalise_phone(point.number).e164
        return format_phone(e164) if e164 else point.number.strip()
    return normalise_email(point.address)[0] or point.address.strip()


class ChannelConsentEditor(QGroupBox):
    """The consent of one channel of the selected phone or e-mail."""

    def __init__(
        self,
        document: ContactDocument,
        channel: Channel,
        templates: list[ConsentTemplate],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(channel.label, parent)
        self._document = document
        self.channel = channel
        self._target: tuple[Literal["phones", "emails"], int] | None = None
        prefix = channel.value
        self.setObjectName(f"{prefix}ConsentEditor")

        self.state_buttons = QButtonGroup(self)
        states = QHBoxLayout()
        states.setSpacing(12)
        for number, (state, words) in enumerate(_STATES):
            button = QRadioButton(words)
            button.setStyle(indicator_style())  # a ring that shows on dark windows too
            button.setObjectName(f"{prefix}{state.name.title().replace('_', '')}Button")
            button.setAccessibleName(f"{channel.label} consent: {words}")
            self.state_buttons.addButton(button, number)
            states.addWidget(button)
        states.addStretch()
        self.state_buttons.idClicked.connect(self._state_clicked)

        self.text_edit = QComboBox()
        self.text_edit.setEditable(True)
        self.text_edit.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.text_edit.setObjectName(f"{prefix}TextEdit")
        self.text_edit.setAccessibleName(f"{channel.label} consent text")
        self.text_edit.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.text_edit.setMinimumContentsLength(20)
        for template in templates:
            self.text_edit.addItem(template.text)
            self.text_edit.setItemData(
                self.text_edit.count() - 1, template.name, Qt.ItemDataRole.ToolTipRole
            )
        self.text_edit.setCurrentIndex(-1)
        line = self.text_edit.lineEdit()
        assert line is not None  # the combo is editable
        line.setPlaceholderText("The exact words the person agreed to")
        line.textEdited.connect(lambda text: self._set(text=text))
        line.editingFinished.connect(document.end_typing)
        self.text_edit.activated.connect(
            lambda index: self._set(text=self.text_edit.itemText(index))
        )

        self.line_edits: dict[str, QLineEdit] = {}
        for name, words in _TEXT_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"{prefix}{name.title()}Edit")
            edit.setAccessibleName(f"{channel.label} consent {words.lower()}")
            edit.textEdited.connect(lambda text, name=name: self._set(**{name: text}))
            edit.editingFinished.connect(document.end_typing)
            self.line_edits[name] = edit
        self.line_edits["ip"].setPlaceholderText("e.g. 203.0.113.7")
        self.line_edits["timestamp"].setPlaceholderText("YYYY-MM-DD HH:MM:SS +HH:MM")
        self.line_edits["source"].setPlaceholderText("e.g. web form, call, import")
        self.now_button = QPushButton("Now")
        self.now_button.setObjectName(f"{prefix}NowButton")
        self.now_button.setAccessibleName(f"Set {channel.label} consent time to now")
        self.now_button.setToolTip("Fill in the current local time with its offset")
        self.now_button.clicked.connect(self._fill_now)

        time_row = QHBoxLayout()
        time_row.addWidget(self.line_edits["timestamp"], 1)
        time_row.addWidget(self.now_button)
        form = QFormLayout(self)
        form.addRow("State", states)
        form.addRow("Text", self.text_edit)
        form.addRow("IP address", self.line_edits["ip"])
        form.addRow("Time", time_row)
        form.addRow("Source", self.line_edits["source"])

    def focus_chain(self) -> list[QWidget]:
        """The inputs in tab order (the state buttons count as one stop)."""
        edits = self.line_edits
        return [
            *self.state_buttons.buttons(),
            self.text_edit,
            edits["ip"],
            edits["timestamp"],
            self.now_button,
            edits["source"],
        ]

    def show_consent(
        self, target: tuple[Literal["phones", "emails"], int], consent: Consent
    ) -> None:
        """Show a consent; only fields whose text differs are touched (keeps the cursor)."""
        self._target = target
        number = next(i for i, (state, _) in enumerate(_STATES) if state is consent.state)
        button = self.state_buttons.button(number)
        if not button.isChecked():
            button.setChecked(True)
        if self.text_edit.currentText() != consent.text:
            self.text_edit.setCurrentText(consent.text)
        for name, edit in self.line_edits.items():
            value = getattr(consent, name)
            if edit.text() != value:
                edit.setText(value)

    def focus_field(self, name: str) -> None:
        """Put the keyboard focus on ``subscribed``, ``text``, ``ip``, ``timestamp``..."""
        if name in self.line_edits:
            self.line_edits[name].setFocus()
        elif name == "text":
            self.text_edit.setFocus()
        else:
            checked = self.state_buttons.checkedButton()
            if checked is not None:
                checked.setFocus()

    def _set(self, **changes: object) -> None:
        if self._target is not None:
            table, row = self._target
            self._document.set_consent(table, row, self.channel, **changes)

    def _state_clicked(self, number: int) -> None:
        self._document.end_typing()
        self._set(state=_STATES[number][0])

    def _fill_now(self) -> None:
        if self._target is not None:
            table, row = self._target
            self._document.fill_timestamp_now(table, row, self.channel)


class ConsentPanel(QWidget):
    """Consent editors for whichever phone or e-mail row is selected."""

    #: "Consent for +1 954-558-2399": what the panel's frame should be titled.
    titleChanged = Signal(str)

    def __init__(
        self,
        document: ContactDocument,
        templates: list[ConsentTemplate],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("consentPanel")
        self._document = document
        self._target: tuple[Literal["phones", "emails"], int] | None = None
        self.editors = {
            channel: ChannelConsentEditor(document, channel, templates)
            for channel in (*PHONE_CHANNELS, *EMAIL_CHANNELS)
        }
        phone_page, email_page = QWidget(), QWidget()
        phone_layout = QVBoxLayout(phone_page)
        email_layout = QVBoxLayout(email_page)
        for layout, channels in ((phone_layout, PHONE_CHANNELS), (email_layout, EMAIL_CHANNELS)):
            layout.setContentsMargins(0, 0, 0, 0)
            for channel in channels:
                layout.addWidget(self.editors[channel], 1)
        hint = QLabel("Select a phone or an e-mail address above to record its consent.")
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._pages = QStackedWidget()
        self._page_widgets: tuple[QWidget, ...] = (hint, phone_page, email_page)
        for page in self._page_widgets:
            self._pages.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._pages)
        document.changed.connect(self._refresh)
        self._refresh()

    def focus_chain(self, channels: tuple[Channel, ...] | None = None) -> list[QWidget]:
        """Every consent input of ``channels`` (else all: voice, SMS, e-mail), in tab order."""
        editors = self.editors.values() if channels is None else map(self.editors.get, channels)
        return [widget for editor in editors if editor for widget in editor.focus_chain()]

    @property
    def target(self) -> tuple[Literal["phones", "emails"], int] | None:
        """The phone or e-mail row being shown, if any."""
        return self._target

    def set_target(self, table: Literal["phones", "emails"] | None, row: int = -1) -> None:
        """Show the consent of ``row`` of ``table`` (None or a bad row shows the hint)."""
        valid = table is not None and 0 <= row < len(self._document.rows(table))
        self._target = (table, row) if valid and table is not None else None
        self._refresh()

    def _show_page(self, number: int) -> None:
        # A stack is as tall as its tallest page unless the hidden pages are told to
        # ignore their size: the one-line hint should not leave a screenful of space.
        for index, page in enumerate(self._page_widgets):
            policy = QSizePolicy.Policy.Preferred if index == number else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        self._pages.setCurrentIndex(number)
        # Let the form lay the stack out again (its width is the form's, not the page's).
        self._pages.updateGeometry()

    def _refresh(self) -> None:
        target = self._target
        if target is not None and target[1] >= len(self._document.rows(target[0])):
            target = self._target = None
        self._show_page(0 if target is None else 1 if target[0] == "phones" else 2)
        if target is None:
            self.titleChanged.emit("Consent")
            return
        table, row = target
        point = self._document.rows(table)[row]
        who = _point_words(point)
        self.titleChanged.emit(f"Consent for {who}" if who else "Consent for the new row")
        for channel in PHONE_CHANNELS if table == "phones" else EMAIL_CHANNELS:
            self.editors[channel].show_consent(target, self._document.consent(table, row, channel))
