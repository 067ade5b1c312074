"""The read-only JSON preview: byte for byte the body that will be sent.

Each keystroke changes a few characters of a body that can be 100 kB long (hundreds of
phones), so the preview replaces only the span that differs instead of the whole text:
Qt then re-lays-out and re-highlights a handful of lines.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable

from PySide6.QtCore import QEvent, QRegularExpression, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from regal_desktop.services.routes import PREVIEW_NOTE
from regal_desktop.ui.shell.style import readable

#: Shown in "Copy as curl" instead of the key, which never leaves the keychain this way.
KEY_PLACEHOLDER = "$REGAL_API_KEY"


class JsonHighlighter(QSyntaxHighlighter):
    """Colours keys, strings, numbers and literals using the palette's roles."""

    _TOKEN = QRegularExpression(
        r'"(?:[^"\\]|\\.)*"(?=\s*:)|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?'
        r"|\b(?:true|false|null)\b"
    )

    def __init__(self, document: QTextDocument, palette: QPalette) -> None:
        super().__init__(document)
        self._formats: dict[str, QTextCharFormat] = {}
        self.set_palette(palette)

    def set_palette(self, palette: QPalette) -> None:
        """Pick colours from the palette so light and dark themes both read well."""
        roles = {
            "key": QPalette.ColorRole.Link,
            "string": QPalette.ColorRole.Text,
            "number": QPalette.ColorRole.LinkVisited,
            "literal": QPalette.ColorRole.LinkVisited,
        }
        base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
        for kind, role in roles.items():
            text_format = QTextCharFormat()
            text_format.setForeground(readable(palette.color(role), base, text))
            if kind == "key":
                text_format.setFontWeight(QFont.Weight.DemiBold)
            self._formats[kind] = text_format
        self.rehighlight()

    def colours(self) -> dict[str, QColor]:
        """The colour of each kind of token ("key", "string", "number", "literal")."""
        return {kind: form.foreground().color() for kind, form in self._formats.items()}

    def highlightBlock(self, text: str) -> None:
        matches = self._TOKEN.globalMatch(text)
        while matches.hasNext():
            match = matches.next()
            token = match.captured(0)
            if token.startswith('"'):
                rest = text[match.capturedEnd(0) :].lstrip()
                kind = "key" if rest.startswith(":") else "string"
            elif token[0] in "-0123456789":
                kind = "number"
            else:
                kind = "literal"
            self.setFormat(match.capturedStart(0), match.capturedLength(0), self._formats[kind])


def _utf16_length(text: str) -> int:
    # QTextDocument positions count UTF-16 code units; Python counts code points.
    return len(text.encode("utf-16-le")) // 2


def _common_length(a: str, b: str, part: Callable[[str, int], str], limit: int = -1) -> int:
    """Length of the longest common prefix (or suffix, by ``part``) of two strings.

    A binary search over slice comparisons: each comparison runs at C speed, so a
    100 kB body costs about 17 of them rather than 100,000 Python steps.
    """
    low, high = 0, min(len(a), len(b)) if limit < 0 else limit
    while low < high:
        middle = (low + high + 1) // 2
        if part(a, middle) == part(b, middle):
            low = middle
        else:
            high = middle - 1
    return low


def curl_command(body_text: str, endpoint: str) -> str:
    """A shell command that sends ``body_text``, with the key left as an env variable."""
    return (
        f"curl -X POST {shlex.quote(endpoint)} \\\n"
        f'  -H "Authorization: {KEY_PLACEHOLDER}" \\\n'
        f"  -H 'Content-Type: application/json' \\\n"
        f"  --data-binary {shlex.quote(body_text)}"
    )


class JsonPreview(QWidget):
    """The preview pane: the body text, highlighted, with Copy and Copy as curl."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self.endpoint = "https://events.regalvoice.com/events"
        #: True while the text shown is a Segment account's calls (``set_route``).
        self.segment = False
        self.route_note = QLabel(f"{PREVIEW_NOTE}.")
        self.route_note.setObjectName("previewRouteNote")
        self.route_note.setWordWrap(True)
        self.route_note.hide()
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("jsonPreview")
        self.editor.setAccessibleName("Request body preview")
        self.editor.setReadOnly(True)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.document().setUndoRedoEnabled(False)
        self.highlighter = JsonHighlighter(self.editor.document(), self.palette())

        self.copy_button = QPushButton("Copy")
        self.copy_button.setObjectName("copyJsonButton")
        self.copy_button.setToolTip("Copy the request body")
        self.copy_button.clicked.connect(self.copy_body)
        self.copy_curl_button = QPushButton("Copy as curl")
        self.copy_curl_button.setObjectName("copyCurlButton")
        self.copy_curl_button.setToolTip(
            f"Copy a curl command that sends this body; the key is left as {KEY_PLACEHOLDER}"
        )
        self.copy_curl_button.clicked.connect(self.copy_curl)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.copy_curl_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.route_note)
        layout.addWidget(self.editor, 1)
        layout.addLayout(buttons)

    @property
    def text(self) -> str:
        """The body text shown (the exact text, not what the widget renders)."""
        return self._text

    def show_text(self, text: str) -> None:
        """Show a new body text, replacing only the part that changed."""
        old = self._text
        if text == old:
            return
        self._text = text
        start = _common_length(old, text, lambda s, n: s[:n])
        rest = min(len(old), len(text)) - start
        tail = _common_length(old[start:], text[start:], lambda s, n: s[len(s) - n :], rest)
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(_utf16_length(old[:start]))
        cursor.setPosition(_utf16_length(old[: len(old) - tail]), QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(text[start : len(text) - tail])

    def copy_body(self) -> None:
        """Put the body text on the clipboard."""
        QGuiApplication.clipboard().setText(self._text)

    def set_endpoint(self, endpoint: str | None) -> None:
        """Make "Copy as curl" target ``endpoint``, the selected account's; None (the
        built-in sandbox, which only listens inside this application) disables it."""
        self.endpoint = endpoint or ""
        self.copy_curl_button.setEnabled(bool(endpoint) and not self.segment)
        self.copy_curl_button.setToolTip(
            "Segment calls get their message ids and times when queued: there is no "
            "command to copy before then"
            if self.segment
            else f"Copy a curl command that sends this body to {endpoint}; the key is left "
            f"as {KEY_PLACEHOLDER}"
            if endpoint
            else "The built-in sandbox only answers inside Regal Desktop: choose an account "
            "with an endpoint to copy a curl command"
        )

    def set_route(self, segment: bool) -> None:
        """Say whether the text is a Segment account's calls (a note above them, and no
        curl command: their ids and times are set when queued) or Regal's body."""
        self.segment = segment
        self.route_note.setVisible(segment)
        what = "Segment calls" if segment else "request body"
        self.editor.setAccessibleName(f"{what[0].upper()}{what[1:]} preview")
        self.copy_button.setToolTip(f"Copy the {what}")
        self.set_endpoint(self.endpoint or None)

    def copy_curl(self) -> None:
        """Put a curl command for the body on the clipboard (never the real key)."""
        if self.endpoint:
            QGuiApplication.clipboard().setText(curl_command(self._text, self.endpoint))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.highlighter.set_palette(self.palette())
