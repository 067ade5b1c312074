"""The consent of one channel (voice, SMS or e-mail) of the selected phone or e-mail.

What is known (from the directory) and whether the draft changes it; No status /
Subscribed / Unsubscribed; for an opt-in the wording (the channel's templates by name, its
words in full); for an opt-out how and when it was received; IP, time (never filled
unasked: "Now" does it) and source. ``consent_panel.ConsentPanel`` shows one per channel.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
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
    QWidget,
)

from regal_desktop.domain.consent import CONSENT_WORDS, OPT_OUT_METHODS
from regal_desktop.domain.model import Channel, ConsentState
from regal_desktop.domain.normalise import TIMESTAMP_PLACEHOLDER
from regal_desktop.services.consent_texts import ConsentTemplate, for_channel, matching_template
from regal_desktop.ui.editor.consent_inputs import ReplacingLineEdit, WordsEdit
from regal_desktop.ui.editor.document import ContactDocument
from regal_desktop.ui.editor.draft import Consent
from regal_desktop.ui.editor.evidence import cached_wording_problem
from regal_desktop.ui.editor.known import KNOWN_SOURCE, known_words, same_consent
from regal_desktop.ui.editor.undo_keys import DocumentUndoKeys
from regal_desktop.ui.shell.style import indicator_style

#: The state buttons, in order: each state with its words.
_STATES = tuple(CONSENT_WORDS.items())

#: Audit fields of a consent that are single lines, with their labels.
_TEXT_FIELDS = (("ip", "IP address"), ("timestamp", "Time"), ("source", "Source"))

#: The first entry of the wording list: words typed, not a saved wording.
CUSTOM_WORDS = "Custom words"
#: The first entry of the opt-out methods: not said.
NO_METHOD = "Not recorded"

Target = tuple[Literal["phones", "emails"], int]


def changed_words(draft: Consent, known: Consent | None) -> str:
    """What the mark next to the known state says ("" when the draft sends what is known)."""
    baseline = known or Consent()
    if same_consent(draft, baseline):
        return ""
    if baseline.state is ConsentState.NO_STATUS:
        return "✎ New: not known before"
    return "✎ Changed from known"


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
        self.templates = for_channel(templates, channel)
        #: Every wording, to tell one written for another channel.
        self._all_templates = tuple(templates)
        self._target: Target | None = None
        self._showing = False
        prefix = channel.value
        self.setObjectName(f"{prefix}ConsentEditor")
        undo_keys = DocumentUndoKeys(self)

        self.known_label = QLabel("Known: nothing")
        self.known_label.setObjectName(f"{prefix}KnownLabel")
        self.known_label.setWordWrap(True)
        self.changed_label = QLabel()
        self.changed_label.setObjectName(f"{prefix}ChangedLabel")
        bold = QFont(self.changed_label.font())
        bold.setBold(True)
        self.changed_label.setFont(bold)
        self.changed_label.hide()
        known_row = QHBoxLayout()
        known_row.addWidget(self.known_label, 1)
        known_row.addWidget(self.changed_label)

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

        self.wording_combo = QComboBox()
        self.wording_combo.setObjectName(f"{prefix}WordingCombo")
        self.wording_combo.setAccessibleName(f"{channel.label} consent wording")
        self._fill_wordings()
        self.wording_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.wording_combo.setMinimumContentsLength(16)
        self.wording_combo.activated.connect(self._wording_chosen)

        self.text_edit = WordsEdit()
        self.text_edit.setObjectName(f"{prefix}TextEdit")
        self.text_edit.setAccessibleName(f"{channel.label} consent text")
        self.text_edit.setPlaceholderText("The exact words the person agreed to")
        self.text_edit.textChanged.connect(self._text_typed)
        self.text_edit.editingFinished.connect(document.end_typing)
        self.text_edit.installEventFilter(undo_keys)
        self.wording_warning = QLabel()
        self.wording_warning.setObjectName(f"{prefix}WordingWarning")
        self.wording_warning.setWordWrap(True)
        self.wording_warning.hide()

        self.method_combo = QComboBox()
        self.method_combo.setObjectName(f"{prefix}MethodCombo")
        self.method_combo.setAccessibleName(f"{channel.label} opt-out: how received")
        self.method_combo.addItem(NO_METHOD, "")
        for method, words in OPT_OUT_METHODS.items():
            self.method_combo.addItem(words, method)
        self.method_combo.activated.connect(self._method_chosen)

        self.line_edits: dict[str, QLineEdit] = {}
        for name, words in (*_TEXT_FIELDS, ("received_at", "Received at")):
            edit = ReplacingLineEdit() if name in ("timestamp", "received_at") else QLineEdit()
            edit.setObjectName(f"{prefix}{name.title().replace('_', '')}Edit")
            edit.setAccessibleName(f"{channel.label} consent {words.lower()}")
            edit.textEdited.connect(lambda text, name=name: self._set(**{name: text}))
            edit.editingFinished.connect(document.end_typing)
            self.line_edits[name] = edit
        self.line_edits["ip"].setPlaceholderText("e.g. 203.0.113.7")
        for name in ("timestamp", "received_at"):
            self.line_edits[name].setPlaceholderText(TIMESTAMP_PLACEHOLDER)
            self.line_edits[name].setToolTip(
                f"Type the time as {TIMESTAMP_PLACEHOLDER} (or …T14:02:00Z), or click Now"
            )
        self.line_edits["source"].setPlaceholderText("e.g. web form, call, import")
        self.now_button = self._now_button(prefix, "Now", "consent time", self._fill_now)
        self.received_now_button = self._now_button(
            f"{prefix}Received", "Now", "opt-out received time", self._fill_received_now
        )

        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow(known_row)  # the whole width: it says "Known: ..." itself
        self.form.addRow("State", states)
        self.form.addRow("Wording", self.wording_combo)
        self.form.addRow("Words", self.text_edit)
        self.form.addRow("", self.wording_warning)
        self.form.addRow("How received", self.method_combo)
        self._received_row = self._with_now(
            self.line_edits["received_at"], self.received_now_button
        )
        self.form.addRow("Received at", self._received_row)
        self.form.addRow("IP address", self.line_edits["ip"])
        self.form.addRow("Time", self._with_now(self.line_edits["timestamp"], self.now_button))
        self.form.addRow("Source", self.line_edits["source"])
        self._show_rows(Consent())

    def set_templates(self, templates: list[ConsentTemplate]) -> None:
        """Offer these wordings from now on (Settings saved new ones)."""
        self.templates = for_channel(templates, self.channel)
        self._all_templates = tuple(templates)
        self._fill_wordings()

    def _fill_wordings(self) -> None:
        self.wording_combo.clear()
        self.wording_combo.addItem(CUSTOM_WORDS)
        for template in self.templates:
            self.wording_combo.addItem(f"{template.name} (v{template.version})")
            self.wording_combo.setItemData(
                self.wording_combo.count() - 1, template.text, Qt.ItemDataRole.ToolTipRole
            )

    def _now_button(self, prefix: str, text: str, what: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(f"{prefix}NowButton")
        button.setAccessibleName(f"Set {self.channel.label} {what} to now")
        button.setToolTip("Fill in the current local time with its offset")
        button.clicked.connect(slot)
        return button

    @staticmethod
    def _with_now(edit: QLineEdit, button: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(button)
        return row

    def focus_chain(self) -> list[QWidget]:
        """The inputs in tab order (the state buttons count as one stop)."""
        edits = self.line_edits
        return [
            *self.state_buttons.buttons(),
            self.wording_combo,
            self.text_edit,
            self.method_combo,
            edits["received_at"],
            self.received_now_button,
            edits["ip"],
            edits["timestamp"],
            self.now_button,
            edits["source"],
        ]

    def show_consent(
        self, target: Target, consent: Consent, known: Consent | None, source: str = KNOWN_SOURCE
    ) -> None:
        """Show a consent beside the known one (None: the point is not known); only
        fields whose text differs are touched (keeps the cursor)."""
        self._target = target
        self._showing = True
        try:
            number = next(i for i, (state, _) in enumerate(_STATES) if state is consent.state)
            button = self.state_buttons.button(number)
            if not button.isChecked():
                button.setChecked(True)
            if self.text_edit.toPlainText() != consent.text:
                self.text_edit.setPlainText(consent.text)
            chosen = matching_template(consent.text, self.channel, self.templates)
            self.wording_combo.setCurrentIndex(
                self.templates.index(chosen) + 1 if chosen is not None else 0
            )
            self.method_combo.setCurrentIndex(max(0, self.method_combo.findData(consent.method)))
            for name, edit in self.line_edits.items():
                value = getattr(consent, name)
                if edit.text() != value:
                    edit.setText(value)
        finally:
            self._showing = False
        self._show_known(consent, known, source)
        self._show_rows(consent)

    def _show_known(self, consent: Consent, known: Consent | None, source: str) -> None:
        self.known_label.setText(known_words(known, source))
        mark = changed_words(consent, known)
        self.changed_label.setText(mark)
        self.changed_label.setVisible(bool(mark))
        self.setTitle(f"{self.channel.label}: changed" if mark else self.channel.label)
        self.setProperty("changed", bool(mark))

    def _show_rows(self, consent: Consent) -> None:
        opt_out = consent.state is ConsentState.UNSUBSCRIBED
        # An opt-out has its own words (how and when it was received); the consent text
        # is for the words agreed to, and stays in view while it holds any (it is sent).
        self.form.setRowVisible(self.wording_combo, not opt_out)
        self.form.setRowVisible(self.text_edit, not opt_out or bool(consent.text.strip()))
        self.form.setRowVisible(self.method_combo, opt_out)
        self.form.setRowVisible(self._received_row, opt_out)
        problem = (
            cached_wording_problem(consent.text, self.channel, self._all_templates)
            if consent.state is not ConsentState.NO_STATUS
            else None
        )
        self.wording_warning.setText(f"⚠ Wording: {problem}" if problem else "")
        self.form.setRowVisible(self.wording_warning, problem is not None)

    def focus_field(self, name: str) -> None:
        """Put the keyboard focus on ``subscribed``, ``text``, ``ip``, ``timestamp``..."""
        if name in self.line_edits:
            self.line_edits[name].setFocus()
        elif name == "text":
            self.text_edit.setFocus()
        elif name == "method":
            self.method_combo.setFocus()
        else:
            checked = self.state_buttons.checkedButton()
            if checked is not None:
                checked.setFocus()

    def _set(self, **changes: object) -> None:
        if self._target is not None and not self._showing:
            table, row = self._target
            self._document.set_consent(table, row, self.channel, **changes)

    def _state_clicked(self, number: int) -> None:
        self._document.end_typing()
        self._set(state=_STATES[number][0])

    def _wording_chosen(self, index: int) -> None:
        if index <= 0:
            return
        template = self.templates[index - 1]
        self._document.end_typing()
        self._set(text=template.text, template=template.name, template_version=template.version)
        self._document.end_typing()

    def _text_typed(self) -> None:
        if self._showing:
            return
        text = self.text_edit.toPlainText()
        chosen = matching_template(text, self.channel, self.templates)
        self._set(
            text=text,
            template=chosen.name if chosen else "",
            template_version=chosen.version if chosen else "",
        )

    def _method_chosen(self, index: int) -> None:
        self._document.end_typing()
        self._set(method=str(self.method_combo.itemData(index) or ""))

    def _fill_now(self) -> None:
        if self._target is not None:
            table, row = self._target
            self._document.fill_timestamp_now(table, row, self.channel)

    def _fill_received_now(self) -> None:
        if self._target is not None:
            table, row = self._target
            self._document.fill_received_now(table, row, self.channel)


__all__ = ["CUSTOM_WORDS", "NO_METHOD", "ChannelConsentEditor", "Target", "changed_words"]
