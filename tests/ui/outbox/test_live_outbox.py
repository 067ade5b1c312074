"""Live views on the team store: a request queued at another desk appears in this
window's outbox, and leaves it when that desk has delivered it, without anyone refreshing
(LISTEN/NOTIFY on a real PostgreSQL cluster)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from regal_desktop.store import open_store
from tests.helpers.desk import Desk
from tests.helpers.postgres import postgres_server, postgres_url
from tests.helpers.store import deliver_all, opt_in_body, request

__all__ = ["postgres_server", "postgres_url"]  # fixtures


def _queued(desk: Desk) -> list[tuple[int, str]]:
    model = desk.parts.outbox.model
    return [(model.row_at(n).id, str(model.row_at(n).state)) for n in range(model.rowCount())]


def test_another_desks_request_appears_in_the_outbox(
    qtbot: QtBot,
    open_desk: Callable[..., Desk],
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REGAL_DESKTOP_DATABASE", postgres_url)
    desk_a = open_desk()
    assert _queued(desk_a) == []

    with open_store(postgres_url) as desk_b:
        [queued] = desk_b.outbox.enqueue([request(opt_in_body("+19545550101"), "elsewhere")])
        qtbot.waitUntil(lambda: [i for i, _ in _queued(desk_a)] == [queued], timeout=2000)
        deliver_all(desk_b, "elsewhere")

        qtbot.waitUntil(lambda: _queued(desk_a) == [], timeout=2000)  # delivered: gone
