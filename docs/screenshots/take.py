"""Refresh the README's screenshots from the real window, filled the way a user would.

    xvfb-run -a .venv/bin/python docs/screenshots/take.py

Everything happens in a temporary ``REGAL_DESKTOP_HOME`` with an in-memory keychain, so
no real data, settings or key is read or written, and nothing leaves this computer: the
contacts go to the built-in sandbox, and the "staging" account is a second sandbox this
script starts on 127.0.0.1 that wants a key the keychain does not hold. The
"production" account is only configured (for Settings), never sent to: the script's
dialogs refuse every production confirmation.

What it does, in order, each step through the window's own parts (``build_main_window``):

1. sends a lead's onboarding events, a CRM contact, a Segment-style identify and an SMS
   opt-out (a "STOP" reply) to the built-in sandbox, then opens
   ``tests/data/payloads/phones-and-emails.json``: ``main-window.png`` (1360x860);
2. adds the staging and production accounts (as Settings would), sends two contacts to
   staging, which refuses the key: ``outbox.png`` shows them held;
3. ``history.png``, ``directory.png`` (a search for "954 558" and that number's consent
   timeline), ``import.png`` (``tests/data/csv/bad-cells.csv`` on the check page) and
   ``settings.png`` (the accounts).

``--out DIR`` writes the PNGs elsewhere (default: this folder). It prints each file
written and how long the run took.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent.parent
PAYLOADS = REPOSITORY / "tests" / "data" / "payloads"
CSV_SAMPLE = REPOSITORY / "tests" / "data" / "csv" / "bad-cells.csv"
OPENED = PAYLOADS / "phones-and-emails.json"

MAIN_SIZE = (1360, 860)
HISTORY_SIZE = (1250, 460)
DIRECTORY_SIZE = (1150, 620)
IMPORT_SIZE = (950, 680)
SETTINGS_SIZE = (760, 460)
#: How tall the outbox dock is in outbox.png, so its rows show.
OUTBOX_DOCK_HEIGHT = 230
#: The staging receiver's key; the keychain holds an older one, so staging refuses it.
STAGING_KEY = "stg_7f3a9c2e51d84b06a2f1"
STALE_STAGING_KEY = "stg_0b81d4e6f2a97c35e0d8"
#: A made-up key shown masked in Settings (••••4b3c); production is never sent to.
PRODUCTION_KEY = "rgl_live_5d0c8e2f9a7b14c64b3c"
#: The person at the desk, as the history's Operator column shows them.
OPERATOR = "mlopez"

_CONSENT_TIME = "2026-11-24T16:42:10-05:00"
_STOP_TIME = "2026-11-25T09:03:51-05:00"

#: An SMS opt-out after the lead's opt-in: the customer replied STOP.
STOP_REPLY = {
    "userId": "123",
    "traits": {
        "phones": {
            "+19545582399": {
                "smsOptIn": {
                    "subscribed": False,
                    "text": "Customer replied STOP to a marketing text.",
                    "timestamp": _STOP_TIME,
                    "source": "sms keyword",
                }
            }
        }
    },
    "name": "SMS Opt-Out",
    "eventSource": "Support desk",
}


def _staging_contact(user_id: str, first: str, last: str, phone: str, email: str) -> dict:
    return {
        "userId": user_id,
        "traits": {
            "firstName": first,
            "lastName": last,
            "phones": {
                phone: {
                    "label": "Mobile",
                    "isPrimary": True,
                    "smsOptIn": {
                        "subscribed": True,
                        "text": "Yes, text me appointment reminders and offers from Acme.",
                        "ip": "198.51.100.23",
                        "timestamp": _CONSENT_TIME,
                        "source": "web form",
                    },
                }
            },
            "emails": {email: {"label": "Personal", "isPrimary": True}},
        },
    }


#: Sent to the staging account, which refuses the keychain's key: both end up held.
STAGING_CONTACTS = [
    _staging_contact("cust-48213", "Rebecca", "Greene", "+13055550142", "rebecca@example.com"),
    _staging_contact("cust-48377", "Tomás", "Ibarra", "+17865550188", "tomas.i@example.com"),
]


def isolate(home: Path) -> None:
    """Point the application at ``home`` and an in-memory keychain, before it loads."""
    os.environ["REGAL_DESKTOP_HOME"] = str(home)
    for name in ("REGAL_API_KEY", "REGAL_ENDPOINT"):
        os.environ.pop(name, None)
    # getpass.getuser() reads these first: the history names this operator, not root.
    os.environ["LOGNAME"] = os.environ["USER"] = OPERATOR

    import keyring
    import keyring.backend
    import keyring.errors

    class MemoryKeyring(keyring.backend.KeyringBackend):
        """A keychain in a dict. Named like the Secret Service backend so Settings says
        what it says on a Linux desktop ("Keys are saved in Secret Service")."""

        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.secrets: dict[tuple[str, str], str] = {}

        @property
        def name(self) -> str:  # type: ignore[override]
            return "SecretService (in memory, for screenshots)"

        def get_password(self, service: str, username: str) -> str | None:
            return self.secrets.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.secrets[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if self.secrets.pop((service, username), None) is None:
                raise keyring.errors.PasswordDeleteError(username)

    keyring.set_keyring(MemoryKeyring())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PNGs")
    options = parser.parse_args(argv)
    started = time.monotonic()
    home = Path(tempfile.mkdtemp(prefix="regal-screenshots-"))
    try:
        isolate(home / "regal-home")
        return Shooter(options.out, home).run(started)
    finally:
        shutil.rmtree(home, ignore_errors=True)


class Shooter:
    """Builds the window, fills it through its own parts, and saves each screenshot."""

    def __init__(self, out: Path, scratch: Path) -> None:
        self.out, self.scratch = out, scratch
        self.problems: list[str] = []

    # -- waiting for the event loop ---------------------------------------------------------

    def settle(self, seconds: float = 0.3) -> None:
        """Let Qt lay out and paint for ``seconds``."""
        from PySide6.QtWidgets import QApplication

        end = time.monotonic() + seconds
        while time.monotonic() < end:
            QApplication.processEvents()
            time.sleep(0.01)

    def wait_until(self, done: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
        from PySide6.QtWidgets import QApplication

        end = time.monotonic() + timeout
        while not done():
            if time.monotonic() > end:
                raise TimeoutError(f"gave up waiting for {what}")
            QApplication.processEvents()
            time.sleep(0.01)

    def send(self, *bodies: dict[str, Any]) -> None:
        """Send each body from the editor, as Ctrl+Return does, one right after the other
        (a send during a delivery just queues), and wait until delivery has stopped."""
        desk = self.desk
        finished: list[object] = []
        desk.sending.finished.connect(finished.append)
        try:
            for body in bodies:
                desk.editor.show_payload(body, None)
                desk.editor.request_send()
            self.wait_until(lambda: bool(finished), "a delivery to finish")
            self.wait_until(lambda: not desk.sending.is_running(), "the sender to stop")
        finally:
            desk.sending.finished.disconnect(finished.append)
        self.settle(0.1)

    def save(self, widget: Any, name: str) -> None:
        self.settle()
        path = self.out / name
        if not widget.grab().save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        print(f"wrote {path.relative_to(REPOSITORY) if path.is_relative_to(REPOSITORY) else path}")

    # -- the story --------------------------------------------------------------------------

    def run(self, started: float) -> int:
        from PySide6.QtWidgets import QApplication

        from regal_desktop.sandbox.server import Sandbox
        from regal_desktop.ui.shell.build import build_main_window
        from regal_desktop.ui.shell.window import app_icon

        app = QApplication.instance() or QApplication(["regal-desktop"])
        app.setApplicationName("Regal Desktop")
        app.setWindowIcon(app_icon())
        self.out.mkdir(parents=True, exist_ok=True)
        with Sandbox(key=STAGING_KEY) as staging:
            # As `regal-desktop phones-and-emails.json` opens it.
            dialogs = ScriptDialogs(self.problems, CSV_SAMPLE)
            self.desk = build_main_window([str(OPENED)], dialogs=dialogs)
            try:
                window = self.desk.window
                window.resize(*MAIN_SIZE)
                window.show()
                self.settle(0.5)
                self.save(window, "main-window.png")
                self.sandbox_sends()
                self.outbox(staging.url)
                self.history()
                self.directory()
                self.import_wizard()
                self.settings()
            finally:
                self.desk.window.close()
                self.desk.sending.shutdown()
                self.desk.app.close()
                QApplication.processEvents()
        for problem in self.problems:
            print(f"note: the window said: {problem}")
        print(f"done in {time.monotonic() - started:.1f} s")
        return 0

    def sandbox_sends(self) -> None:
        """A lead's onboarding events, a CRM contact, a Segment identify and a STOP reply,
        each sent from the editor to the built-in sandbox."""
        for name in (
            "onboarding-1-lead.json",
            "onboarding-2-phone.json",
            "onboarding-3-complete.json",
            "onboarding-4-account.json",
            "create-contact.json",
            "segment-legacy-identify.json",
        ):
            self.send(_read_payload(PAYLOADS / name))
        self.send(STOP_REPLY)

    def outbox(self, staging_url: str) -> None:
        """Two contacts for staging, whose key is refused: held, with Regal's answer."""
        from regal_desktop.services.accounts import AccountProfile
        from regal_desktop.ui.shell.changes import What

        app = self.desk.app
        app.accounts.save(AccountProfile(name="staging", endpoint=staging_url, rate=50.0))
        app.accounts.save(AccountProfile(name="production"))
        app.keys.set("staging", STALE_STAGING_KEY)
        app.keys.set("production", PRODUCTION_KEY)
        self.desk.changes.notify(What.SETTINGS)
        self.desk.sending.set_account("staging")
        self.send(*STAGING_CONTACTS)
        window = self.desk.window
        from PySide6.QtCore import Qt

        window.resizeDocks(
            [self.desk.outbox_dock], [OUTBOX_DOCK_HEIGHT], Qt.Orientation.Vertical
        )
        self.desk.outbox.select(self.desk.outbox.model.row_at(0).id)
        self.settle(0.5)
        self.save(window, "outbox.png")

    def history(self) -> None:
        view = self.desk.side.show_history()
        view.resize(*HISTORY_SIZE)
        self.save(view, "history.png")
        view.close()

    def directory(self) -> None:
        view = self.desk.side.show_directory()
        view.resize(*DIRECTORY_SIZE)
        view.search_edit.setText("954 558")
        view.search()
        self.save(view, "directory.png")
        view.close()

    def import_wizard(self) -> None:
        """bad-cells.csv: its columns are named as the fields, so the mapping is guessed."""
        wizard = self.desk.side.show_import()
        wizard.resize(*IMPORT_SIZE)
        wizard.file_page.browse()
        wizard.next()  # the mapping page
        self.settle()
        wizard.next()  # the check page: reads and checks every row on a worker thread
        self.wait_until(wizard.preview_page.isComplete, "the import's check")
        self.save(wizard, "import.png")
        wizard.reject()

    def settings(self) -> None:
        dialog = self.desk.open_settings()
        dialog.resize(*SETTINGS_SIZE)
        names = [p.name for p in dialog.accounts.profiles]
        dialog.accounts.list.setCurrentRow(names.index("production"))
        self.save(dialog, "settings.png")
        dialog.reject()


def _read_payload(path: Path) -> dict[str, Any]:
    """A payload file as the editor reads it (JSON with comments, legacy shape kept)."""
    from regal_desktop.services.payload_files import read_payloads

    return read_payloads(path)[0].raw


def ScriptDialogs(problems: list[str], csv_path: Path) -> Any:  # noqa: N802 - a class factory
    """The window's questions answered without a person: never confirm a production send,
    no key, no file but ``csv_path``; every message shown is kept in ``problems``."""
    from regal_desktop.ui.shell.dialogs import Dialogs, SaveChoice

    class _Dialogs(Dialogs):
        def show_error(self, parent: Any, title: str, message: str) -> None:
            problems.append(f"{title}: {message}")

        def show_warning(self, parent: Any, title: str, message: str) -> None:
            problems.append(f"{title}: {message}")

        def ask_save_changes(self, parent: Any, document_name: str) -> SaveChoice:
            return SaveChoice.DISCARD

        def ask_open_path(self, parent: Any, folder: Path) -> Path | None:
            return None

        def ask_save_path(self, parent: Any, suggested: Path) -> Path | None:
            return None

        def ask_restore_autosave(self, parent: Any, saved_at: str) -> bool:
            return False

        def confirm_send(self, parent: Any, confirmation: Any) -> bool:
            return False  # nothing is ever sent to a real account from here

        def ask_key(self, parent: Any, account: str, reason: str, can_save: bool) -> str | None:
            return None

        def ask_drop(self, parent: Any, request: Any) -> bool:
            return False

        def ask_export_path(self, parent: Any, suggested: Path) -> Path | None:
            return None

        def ask_import_path(self, parent: Any, folder: Path) -> Path | None:
            return csv_path

        def ask_rejected_path(self, parent: Any, suggested: Path) -> Path | None:
            return None

        def ask_mapping_name(self, parent: Any, suggested: str) -> str | None:
            return None

        def confirm_cancel_import(self, parent: Any, unsent: int) -> bool:
            return False

    return _Dialogs()


if __name__ == "__main__":
    sys.path.insert(0, str(REPOSITORY))
    raise SystemExit(main(sys.argv[1:]))
