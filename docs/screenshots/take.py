"""Refresh the README's screenshots from the real window, filled the way a user fills it.

    xvfb-run -a .venv/bin/python docs/screenshots/take.py [--out DIR]

Everything happens in a temporary ``REGAL_DESKTOP_HOME`` with an in-memory keychain, so
no real data, setting or key is read or written, and nothing leaves this computer: the
contacts go to the built-in sandbox, and the "staging" account is a second sandbox
receiver this script starts on 127.0.0.1, which wants a key the keychain does not hold.
The "production" account is only configured, to be seen in Settings; it is never sent to
(the script's dialogs refuse every production confirmation and every key question).

In order, each step through the window's own parts (``build_main_window``):

1. the window opens ``tests/data/payloads/phones-and-emails.json`` (Regal's own example,
   with its unassigned numbers and one number too long) on first run: ``main-window.png``
   (1360x860); then ``window-1024x700.png`` and ``window-1920x1080.png``, the same
   contact with its first phone's consent in view on a laptop and a large monitor;
2. a lead's onboarding events, a CRM contact, a Segment identify (legacy shape) and an
   SMS opt-out after a STOP reply are sent from the editor to the built-in sandbox; the
   lead is opened from Contacts and its last name changed, with a reason:
   ``known-contact.png`` (the change marked against what Regal holds, the unchanged
   consent left out of the preview); Replace… on its number: ``replace.png``;
3. staging and production are added (as Settings would), two contacts are sent to
   staging, which refuses the key: ``outbox.png`` shows them held;
4. ``history.png``; ``directory.png`` (a search for "954 558" and that number's consent
   timeline); ``import.png`` (``tests/data/csv/bad-cells.csv`` on the check page, its
   columns guessed from the header); ``settings.png`` (the accounts);
5. two opt-outs sent to a second staging account (held: never accepted), one received
   three weeks ago and one two days ago: ``revocations.png`` (View > Revocations) lists
   the old one overdue first, then the others by when they were received;
6. Regal's own events for the lead (its consent echoed back, a START reply after the STOP)
   and an agent's opt-out of a number this desk never sent, imported with File > Import
   Regal events…: ``timeline-regal.png`` (the lead's SMS timeline, Regal's rows marked
   "Regal") and ``reconcile.png`` (View > Reconcile with Regal…, problems first).

``--out DIR`` writes the PNGs elsewhere (default: beside this script). It prints each
file written, what the window said in message boxes, and how long the run took (about
7 s). Look at every PNG before committing: layout, wording, nothing cut off.
"""

from __future__ import annotations

import argparse
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
SANDBOX_SENDS = (
    "onboarding-1-lead.json",
    "onboarding-2-phone.json",
    "onboarding-3-complete.json",
    "onboarding-4-account.json",
    "create-contact.json",
    "segment-legacy-identify.json",
)

MAIN_SIZE = (1360, 860)
#: A laptop screen and a large monitor: window-1024x700.png and window-1920x1080.png.
WINDOW_SIZES = ((1024, 700), (1920, 1080))
HISTORY_SIZE = (1250, 460)
DIRECTORY_SIZE = (1400, 620)  # the consent timeline's columns all show at this width
IMPORT_SIZE = (950, 680)
SETTINGS_SIZE = (760, 460)
REVOCATIONS_SIZE = (1250, 360)
RECONCILE_SIZE = (1250, 470)
#: What Regal reported (File > Import Regal events…): the lead's voice opt-in and its SMS
#: opt-out echoed back, then a START reply; an agent's opt-out of Rebecca's number.
REGAL_EVENTS = (
    ("contact.subscribed", "+19545582399", "voice", "regalvoice.api", "2000-08-20T13:12:28Z"),
    ("contact.unsubscribed", "+19545582399", "sms", "regalvoice.sms", "2026-11-25T14:03:51Z"),
    ("contact.subscribed", "+19545582399", "sms", "regalvoice.sms", "2026-11-26T15:20:00Z"),
    (
        "contact.unsubscribed",
        "+19545552399",
        "voice",
        "regalvoice.agent_desktop",
        "2026-11-26T16:05:00Z",
    ),
)
#: How tall the outbox dock is in outbox.png, so its rows show.
OUTBOX_DOCK_HEIGHT = 230

#: The staging receiver's key; the keychain holds an older one, so staging refuses it.
STAGING_KEY = "stg_7f3a9c2e51d84b06a2f1"
STALE_STAGING_KEY = "stg_0b81d4e6f2a97c35e0d8"
#: A made-up key, shown masked in Settings (••••4b3c); production is never sent to.
PRODUCTION_KEY = "rgl_live_5d0c8e2f9a7b14c64b3c"
#: The lead's number (the directory knows it after the sends), and what Replace… gets.
KNOWN_PHONE = "+19545582399"
REPLACEMENT = "(954) 555-0177"
#: The person at the desk, as the Operator columns show them (getpass reads LOGNAME).
OPERATOR = "mlopez"

#: An SMS opt-out after the lead's opt-in: the customer replied STOP.
STOP_REPLY = {
    "userId": "123",
    "traits": {
        "phones": {
            "+19545582399": {
                "smsOptIn": {
                    "subscribed": False,
                    "text": "Customer replied STOP to a marketing text.",
                    "timestamp": "2026-11-25T09:03:51-05:00",
                    "source": "sms keyword",
                }
            }
        }
    },
    "name": "SMS Opt-Out",
    "eventSource": "Support desk",
}


def _web_form_contact(
    user_id: str, first: str, last: str, phone: str, email: str
) -> dict[str, Any]:
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
                        "timestamp": "2026-11-24T16:42:10-05:00",
                        "source": "web form",
                    },
                }
            },
            "emails": {email: {"label": "Personal", "isPrimary": True}},
        },
    }


#: Sent to the staging account, which refuses the keychain's key: both end up held.
STAGING_CONTACTS = (
    _web_form_contact("cust-48213", "Rebecca", "Greene", "+13055550142", "rebecca@example.com"),
    _web_form_contact("cust-48377", "Tomás", "Ibarra", "+17865550188", "tomas.i@example.com"),
)


def isolate(home: Path) -> None:
    """Point the application at ``home`` and an in-memory keychain, before it loads."""
    os.environ["REGAL_DESKTOP_HOME"] = str(home)
    for name in ("REGAL_API_KEY", "REGAL_ENDPOINT"):
        os.environ.pop(name, None)
    os.environ["LOGNAME"] = os.environ["USER"] = OPERATOR

    import keyring
    import keyring.backend
    import keyring.errors

    class MemoryKeyring(keyring.backend.KeyringBackend):
        """A keychain in a dict. Named like the Secret Service backend, so Settings says
        what it says on a Linux desktop ("Keys are saved in Secret Service")."""

        priority = 1

        def __init__(self) -> None:
            super().__init__()  # type: ignore[no-untyped-call]
            self.secrets: dict[tuple[str, str], str] = {}

        @property
        def name(self) -> str:
            return "SecretService (in memory, for screenshots)"

        def get_password(self, service: str, username: str) -> str | None:
            return self.secrets.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.secrets[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if self.secrets.pop((service, username), None) is None:
                raise keyring.errors.PasswordDeleteError(username)

    keyring.set_keyring(MemoryKeyring())


class Shooter:
    """Builds the window, fills it through its own parts, and saves each screenshot."""

    def __init__(self, out: Path) -> None:
        self.out = out
        #: What the window said in message boxes (answered by ScriptDialogs).
        self.messages: list[str] = []

    # -- the event loop -----------------------------------------------------------------

    def settle(self, seconds: float = 0.3) -> None:
        """Let Qt lay out and paint for ``seconds``."""
        from PySide6.QtWidgets import QApplication

        end = time.monotonic() + seconds
        while time.monotonic() < end:
            QApplication.processEvents()
            time.sleep(0.01)

    def wait_until(self, done: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
        """Run the event loop until ``done()``; TimeoutError naming ``what`` after timeout."""
        from PySide6.QtWidgets import QApplication

        end = time.monotonic() + timeout
        while not done():
            if time.monotonic() > end:
                raise TimeoutError(f"gave up waiting for {what}")
            QApplication.processEvents()
            time.sleep(0.01)

    def save(self, widget: Any, name: str) -> None:
        """``widget.grab()`` as ``name`` in the output folder."""
        self.settle()
        path = self.out / name
        if not widget.grab().save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        print(f"wrote {path}")

    # -- what a user does ---------------------------------------------------------------

    def send(self, *bodies: dict[str, Any]) -> None:
        """Load each body in the editor and send it (Ctrl+Return), one right after the
        other (a send during a delivery only queues), then wait until delivery stops."""
        sending, editor = self.desk.sending, self.desk.editor
        finished: list[object] = []
        sending.finished.connect(finished.append)
        try:
            for body in bodies:
                editor.show_payload(body, None)
                editor.request_send()
            self.wait_until(lambda: bool(finished), "a delivery to finish")
            self.wait_until(lambda: not sending.is_running(), "the sender to stop")
        finally:
            sending.finished.disconnect(finished.append)

    def click_first_phone(self) -> None:
        """Click the contact's first phone, as a user does to see its consent."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        view = self.desk.editor.form.phones.view
        rect = view.visualRect(view.model().index(0, 0))
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    # -- the screenshots ----------------------------------------------------------------

    def run(self) -> None:
        from PySide6.QtWidgets import QApplication

        from regal_desktop.sandbox.server import Sandbox
        from regal_desktop.ui.shell.build import build_main_window
        from regal_desktop.ui.shell.window import app_icon

        app = QApplication.instance() or QApplication(["regal-desktop"])
        assert isinstance(app, QApplication)
        app.setApplicationName("Regal Desktop")
        app.setWindowIcon(app_icon())
        self.out.mkdir(parents=True, exist_ok=True)
        dialogs = script_dialogs(self.messages, CSV_SAMPLE)
        with Sandbox(key=STAGING_KEY) as staging:
            # As `regal-desktop tests/data/payloads/phones-and-emails.json` in the clone.
            opened = str(OPENED.relative_to(REPOSITORY))
            self.desk = build_main_window([opened], dialogs=dialogs)
            try:
                self.main_window()
                self.window_sizes()
                self.sandbox_sends()
                self.known_contact()
                self.replace_flow()
                self.outbox(staging.url)
                self.history()
                self.directory()
                self.import_wizard()
                self.settings()
                self.revocations(staging.url)
                self.regal_events()
            finally:
                self.desk.window.close()
                self.desk.sending.shutdown()
                self.desk.app.close()
                QApplication.processEvents()

    def main_window(self) -> None:
        window = self.desk.window
        window.resize(*MAIN_SIZE)
        window.show()
        self.settle(0.5)
        self.save(window, "main-window.png")

    def window_sizes(self) -> None:
        """The same contact on a laptop screen and on a large monitor, its first phone's
        consent scrolled into view."""
        window, form = self.desk.window, self.desk.editor.form
        for width, height in WINDOW_SIZES:
            window.resize(width, height)
            self.settle(0.3)
            self.click_first_phone()
            form.ensureWidgetVisible(form.consent, 0, 0)
            self.settle(0.3)
            self.save(window, f"window-{width}x{height}.png")
        window.resize(*MAIN_SIZE)
        self.settle(0.3)

    def sandbox_sends(self) -> None:
        """Regal's onboarding examples, a CRM contact, a Segment identify, a STOP reply."""
        from regal_desktop.services.payload_files import read_payloads

        for name in SANDBOX_SENDS:
            self.send(read_payloads(PAYLOADS / name)[0].raw)
        self.send(STOP_REPLY)

    def known_contact(self) -> None:
        """The lead, opened from Contacts (the directory knows it from the sends above):
        its last name changed, a reason typed beside Send. The changed field is marked
        against what Regal holds, and the preview leaves the unchanged consent out."""
        from PySide6.QtWidgets import QLineEdit

        desk = self.desk
        profile = desk.app.store.directory.get(f"phone:{KNOWN_PHONE}")
        if profile is None:
            raise RuntimeError(f"the directory does not know {KNOWN_PHONE}")
        desk.side.open_contact(profile)
        desk.window.resize(*MAIN_SIZE)
        edit = desk.window.findChild(QLineEdit, "lastNameEdit")
        edit.setFocus()
        edit.selectAll()
        edit.insert("Ramirez-Diaz")
        desk.editor.review.reason.setText("Married name, confirmed on the phone")
        desk.editor.review.proof.setText("CALL-2026-1125-0412")
        desk.editor.refresh_review()
        desk.editor.form.verticalScrollBar().setValue(0)  # the contact and its phones
        self.settle(0.5)
        self.save(desk.window, "known-contact.png")

    def replace_flow(self) -> None:
        """Replace… on the number Regal holds: the new number added and made primary,
        the old one retired (unsubscribed on every channel), the status bar says so."""
        desk = self.desk
        desk.editor.form.phones.select_row(0)
        desk.editor.form.phones.replace_button.click()  # the dialogs answer REPLACEMENT
        desk.editor.refresh_review()
        form = desk.editor.form
        form.verticalScrollBar().setValue(0)
        form.ensureWidgetVisible(form.phones, 0, 0)
        self.settle(0.5)
        self.save(desk.window, "replace.png")

    def outbox(self, staging_url: str) -> None:
        """Two contacts for staging, whose key is refused: held, with the answer."""
        from PySide6.QtCore import Qt

        from regal_desktop.services.accounts import AccountProfile
        from regal_desktop.ui.shell.changes import What

        app, desk = self.desk.app, self.desk
        app.accounts.save(AccountProfile(name="staging", endpoint=staging_url, rate=50.0))
        app.accounts.save(AccountProfile(name="production"))
        app.keys.set("staging", STALE_STAGING_KEY)
        app.keys.set("production", PRODUCTION_KEY)
        desk.changes.notify(What.SETTINGS)
        desk.sending.set_account("staging")
        self.send(*STAGING_CONTACTS)
        held = [desk.outbox.model.row_at(n) for n in range(desk.outbox.model.rowCount())]
        if [row.state.value for row in held] != ["held", "held"]:
            raise RuntimeError(f"expected two held requests, the outbox shows {held}")
        desk.window.resizeDocks([desk.outbox_dock], [OUTBOX_DOCK_HEIGHT], Qt.Orientation.Vertical)
        desk.outbox.select(held[0].id)
        self.click_first_phone()
        self.settle(0.5)
        self.save(desk.window, "outbox.png")
        desk.sending.set_account("sandbox")  # the import goes to the sandbox

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
        wizard = self.desk.side.show_import()
        wizard.resize(*IMPORT_SIZE)
        wizard.file_page.browse()  # the dialogs answer with CSV_SAMPLE
        wizard.next()  # the mapping, guessed from the header
        self.settle()
        wizard.next()  # the check: every row read and checked on a worker thread
        self.wait_until(wizard.preview_page.isComplete, "the import's check of the rows")
        self.save(wizard, "import.png")
        wizard.reject()

    def settings(self) -> None:
        dialog = self.desk.open_settings()
        dialog.resize(*SETTINGS_SIZE)
        names = [profile.name for profile in dialog.accounts.profiles]
        dialog.accounts.list.setCurrentRow(names.index("production"))
        self.save(dialog, "settings.png")
        dialog.reject()

    def revocations(self, staging_url: str) -> None:
        """Opt-outs to a second staging account with a stale key (held, so never
        accepted): one three weeks old, overdue; View > Revocations."""
        from regal_desktop.services.accounts import AccountProfile
        from regal_desktop.ui.shell.changes import What

        desk, app = self.desk, self.desk.app
        app.accounts.save(AccountProfile(name="staging-2", endpoint=staging_url, rate=50.0))
        app.keys.set("staging-2", STALE_STAGING_KEY)
        desk.changes.notify(What.SETTINGS)
        desk.sending.set_account("staging-2")
        self.send(
            _opt_out("phones", "+13055550142", 21),
            _opt_out("emails", "tomas.i@example.com", 2),
        )
        desk.sending.set_account("sandbox")
        desk.side.revocations_action.trigger()  # View > Revocations…
        shown = desk.side.revocations
        if shown is None:
            raise RuntimeError("View > Revocations opened nothing")
        shown.resize(*REVOCATIONS_SIZE)
        self.save(shown, "revocations.png")
        shown.close()

    def regal_events(self) -> None:
        """File > Import Regal events… (the dialogs answer with a file of REGAL_EVENTS),
        the lead's SMS timeline with Regal's rows, then View > Reconcile with Regal…."""
        import json

        events = [
            {
                "type": "track",
                "messageId": f"evt-{number}",
                "event": name,
                "userId": "123",
                "properties": {"phone": phone, "channel": channel, "source": source},
                "timestamp": when,
            }
            for number, (name, phone, channel, source, when) in enumerate(REGAL_EVENTS)
        ]
        text = "".join(json.dumps(event) + "\n" for event in events)
        events_file().write_text(text, encoding="utf-8")
        desk = self.desk
        desk.side.regal.import_action.trigger()
        self.wait_until(lambda: desk.side.regal.worker is None, "the import of Regal's events")
        view = desk.side.show_directory()
        view.resize(*DIRECTORY_SIZE)
        view.search_edit.setText("954 558")
        view.search()
        timeline = view.timeline
        timeline.channel_combo.setCurrentIndex(timeline.channel_combo.findData("sms"))
        self.save(view, "timeline-regal.png")
        view.close()
        desk.side.regal.reconcile_action.trigger()  # View > Reconcile with Regal…
        shown = desk.side.regal.view
        if shown is None:
            raise RuntimeError("View > Reconcile with Regal opened nothing")
        self.wait_until(lambda: not shown.is_reading(), "the Reconcile view's lines")
        shown.resize(*RECONCILE_SIZE)
        self.save(shown, "reconcile.png")
        shown.close()


def events_file() -> Path:
    """Where the file of Regal's events is written, in the temporary home."""
    return Path(os.environ["REGAL_DESKTOP_HOME"]) / "regal-events.jsonl"


def _opt_out(kind: str, point: str, days_ago: int) -> dict[str, Any]:
    """An opt-out of every channel of ``point``, asked for ``days_ago`` days ago."""
    from datetime import datetime, timedelta

    when = (datetime.now().astimezone() - timedelta(days=days_ago)).replace(microsecond=0)
    channels = ("voice", "sms") if kind == "phones" else ("email",)
    off = {"subscribed": False, "timestamp": when.isoformat(), "source": "support call"}
    return {"traits": {kind: {point: {f"{channel}OptIn": off for channel in channels}}}}


def script_dialogs(messages: list[str], csv_path: Path) -> Any:
    """The window's questions answered without a person: no production send, no key, no
    file but ``csv_path`` to import; every message box's text is kept in ``messages``."""
    from regal_desktop.ui.shell.dialogs import Dialogs, SaveChoice

    class ScriptDialogs(Dialogs):
        def show_error(self, parent: Any, title: str, message: str) -> None:
            messages.append(f"{title}: {message}")

        def show_warning(self, parent: Any, title: str, message: str) -> None:
            messages.append(f"{title}: {message}")

        def ask_save_changes(self, parent: Any, document_name: str) -> SaveChoice:
            return SaveChoice.DISCARD

        def ask_open_path(self, parent: Any, folder: Path) -> Path | None:
            return None

        def ask_save_path(self, parent: Any, suggested: Path) -> Path | None:
            return None

        def ask_restore_autosave(self, parent: Any, saved_at: str) -> bool:
            return False

        def ask_replacement(self, parent: Any, what: str, old: str) -> str | None:
            return REPLACEMENT

        def confirm_restate(self, parent: Any, count: int) -> bool:
            return False

        def confirm_send(self, parent: Any, confirmation: Any) -> bool:
            return False  # nothing is ever sent to a real Regal account from here

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

        def ask_events_path(self, parent: Any, folder: Path) -> Path | None:
            return events_file()

        def ask_mapping_name(self, parent: Any, suggested: str) -> str | None:
            return None

        def confirm_cancel_import(self, parent: Any, unsent: int) -> bool:
            return False

    return ScriptDialogs()


def main(argv: list[str]) -> int:
    """Take every screenshot in a temporary home; 0 when all were written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PNGs")
    options = parser.parse_args(argv)
    out = options.out.resolve()
    started = time.monotonic()
    os.chdir(REPOSITORY)  # the status bar names the opened file as it would in the clone
    scratch = Path(tempfile.mkdtemp(prefix="regal-screenshots-"))
    try:
        isolate(scratch / "home")
        shooter = Shooter(out)
        shooter.run()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for message in shooter.messages:
        print(f"the window said: {message}")
    print(f"done in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
