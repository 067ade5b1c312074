"""The import wizard for a Segment account: each row the route cannot carry is rejected
with its line and why, the good rows are previewed as Segment calls and go to a real
loopback server playing Segment; production asks first, naming the route."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from regal_desktop.delivery.keys import KeyStore
from regal_desktop.domain.segment import SEGMENT_ENDPOINT
from regal_desktop.ui.csv_import.send import RunState
from regal_desktop.ui.csv_import.wizard import ImportWizard
from tests.helpers.desk import Desk
from tests.helpers.segment import add_segment
from tests.helpers.servers import SegmentServer, segment_server

__all__ = ["segment_server"]  # the fixture, for pytest

ROWS = (
    "userId,phone,phoneIsPrimary,smsOptIn,optInTimestamp,optInIp,optInText\n"
    "u-1,+19545582399,true,yes,2020-08-25T21:23:43Z,172.16.254.1,I agree\n"
    "u-2,+19545582398,true,yes,2020-08-25T21:23:43Z,,I agree\n"
    "u-3,+19545582397,true,yes,2020-08-25T21:23:43Z,172.16.254.1,I agree\n"
)


def preview_rows(qtbot: QtBot, desk: Desk, path: Path) -> ImportWizard:
    """Open the wizard on ``path`` (its columns are field names) and wait for the check."""
    wizard = desk.side.show_import()
    wizard.file_page.path_edit.setText(str(path))
    wizard.next()
    wizard.next()
    qtbot.waitUntil(wizard.preview_page.isComplete, timeout=10_000)
    return wizard


def test_rows_the_segment_route_cannot_carry_are_rejected_each_with_why(
    qtbot: QtBot,
    open_desk: Callable[[], Desk],
    segment_server: SegmentServer,
    tmp_path: Path,
) -> None:
    add_segment("seg", segment_server.url)
    path = tmp_path / "rows.csv"
    path.write_text(ROWS, encoding="utf-8")
    desk = open_desk()
    desk.controller.set_account("seg")

    wizard = preview_rows(qtbot, desk, path)

    preview = wizard.preview_page
    rejected = [
        (preview.rejected.index(row, 0).data(), preview.rejected.index(row, 1).data())
        for row in range(preview.rejected.rowCount())
    ]
    assert rejected == [
        (
            "3",
            "SMS opt-in for +1 954-558-2398 has no ip: Regal's Segment destination requires "
            "the IP address consent was given from when opting in from a server",
        )
    ]
    summary = preview.summary.text()
    assert "2 good" in summary and "1 rejected" in summary
    assert "Checked for account seg, a Segment account" in summary
    # The first rows as they will be sent: the Segment calls of each.
    first = preview.bodies.toPlainText().split("\n\n")[0]
    assert first.startswith("// line 2\n")
    (identify,) = json.loads(first.split("\n", 1)[1])["batch"]
    assert (identify["type"], identify["userId"]) == ("identify", "u-1")

    wizard.next()  # Send: the good rows only
    run = wizard.send_page.run
    assert run is not None and len(run.ids) == 2
    qtbot.waitUntil(lambda: run.state is RunState.DONE, timeout=10_000)
    sent = [m["userId"] for post in segment_server.batches() for m in post.body["batch"]]
    assert sorted(sent) == ["u-1", "u-3"]
    assert run.delivered == 2
    assert "1 row of the file rejected by the check" in wizard.send_page.rejected.text()


def test_a_production_segment_import_asks_first_naming_the_route(
    qtbot: QtBot, open_desk: Callable[[], Desk], tmp_path: Path
) -> None:
    add_segment("acme", SEGMENT_ENDPOINT)
    KeyStore().set("acme", "wk_acme_write_key")
    path = tmp_path / "rows.csv"
    path.write_text(ROWS, encoding="utf-8")
    desk = open_desk()
    desk.controller.set_account("acme")
    wizard = preview_rows(qtbot, desk, path)

    wizard.next()  # answered No

    (asked,) = desk.dialogs.confirmations
    assert asked.question == (
        f"Send this request through Segment to the PRODUCTION account “acme” ({SEGMENT_ENDPOINT})?"
    )
    assert asked.contact == "2 contacts from rows.csv"
    assert wizard.currentPage() is wizard.preview_page
    assert desk.parts.app.store.outbox.counts()["queued"] == 0
