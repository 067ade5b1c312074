"""The consent of the selected phone (voice, SMS) or e-mail address (e-mail): one
``consent_channel.ChannelConsentEditor`` per channel, on a page per kind of point, and
"Revert to known", which puts the point back.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from regal_desktop.domain.model import EMAIL_CHANNELS, PHONE_CHANNELS, Channel
from regal_desktop.domain.normalise import format_phone, normalise_email, normalise_phone
from regal_desktop.services.consent_texts import ConsentTemplate
from regal_desktop.ui.editor.consent_channel import ChannelConsentEditor, Target
from regal_desktop.ui.editor.document import ContactDocument
from regal_desktop.ui.editor.draft import EmailRow, PhoneRow


def _point_words(point: PhoneRow | EmailRow) -> str:
    """A number or address as people read it (as typed while it cannot be read)."""
    if isinstance(point, PhoneRow):
        e164 = normalise_phone(point.number).e164
        return format_phone(e164) if e164 else point.number.strip()
    return normalise_email(point.address)[0] or point.address.strip()


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
        #: Every consent wording staff pick from (the editors show their channel's).
        self.templates = list(templates)
        self._target: Target | None = None
        self.editors = {
            channel: ChannelConsentEditor(document, channel, templates)
            for channel in (*PHONE_CHANNELS, *EMAIL_CHANNELS)
        }
        #: "Revert to known" of the phone page and of the e-mail page.
        self.revert_buttons: dict[str, QPushButton] = {}
        phone_page, email_page = QWidget(), QWidget()
        pages = (("phones", phone_page, PHONE_CHANNELS), ("emails", email_page, EMAIL_CHANNELS))
        for table, page, channels in pages:
            layout = QVBoxLayout(page)
            layout.setContentsMargins(0, 0, 0, 0)
            button = QPushButton("Revert to known")
            button.setObjectName(f"revert{table.title()}ToKnownButton")
            button.setAccessibleName("Revert this number or address to the known consent")
            button.clicked.connect(self.revert_to_known)
            self.revert_buttons[table] = button
            bar = QHBoxLayout()
            bar.addStretch()
            bar.addWidget(button)
            layout.addLayout(bar)
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
        document.baselineChanged.connect(self._refresh)
        self._refresh()

    def focus_chain(self, channels: tuple[Channel, ...] | None = None) -> list[QWidget]:
        """Every consent input of ``channels`` (else all: voice, SMS, e-mail), in tab order."""
        editors = self.editors.values() if channels is None else map(self.editors.get, channels)
        chain = [widget for editor in editors if editor for widget in editor.focus_chain()]
        buttons = [
            button
            for table, button in self.revert_buttons.items()
            if channels is None
            or channels == (PHONE_CHANNELS if table == "phones" else EMAIL_CHANNELS)
        ]
        return [*buttons, *chain]

    @property
    def revert_button(self) -> QPushButton:
        """The "Revert to known" button of the point shown (the phones' when none is)."""
        return self.revert_buttons[
            "emails" if self._target and self._target[0] == "emails" else "phones"
        ]

    @property
    def target(self) -> Target | None:
        """The phone or e-mail row being shown, if any."""
        return self._target

    def set_target(self, table: Literal["phones", "emails"] | None, row: int = -1) -> None:
        """Show the consent of ``row`` of ``table`` (None or a bad row shows the hint)."""
        valid = table is not None and 0 <= row < len(self._document.rows(table))
        self._target = (table, row) if valid and table is not None else None
        self._refresh()

    def set_templates(self, templates: list[ConsentTemplate]) -> None:
        """Offer these wordings from now on (Settings saved new ones)."""
        self.templates = list(templates)
        for editor in self.editors.values():
            editor.set_templates(self.templates)
        self._refresh()

    def revert_to_known(self) -> None:
        """Put every channel of the point shown back to the known consent (one undo step)."""
        if self._target is not None:
            self._document.revert_to_known(*self._target)

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
        known = self._document.known_consents(table, row)
        for channel in PHONE_CHANNELS if table == "phones" else EMAIL_CHANNELS:
            self.editors[channel].show_consent(
                target,
                self._document.consent(table, row, channel),
                None if known is None else known[channel],
                self._document.known_source(table, row, channel),
            )
        self.revert_button.setEnabled(self._document.differs_from_known(table, row))
        self.revert_button.setToolTip(
            "Put every channel of this number or address back to what is known"
            if known is not None
            else "Nothing is known of this number or address yet"
        )
