"""In a store a team shares, who sits at a desk is that desk's own setting."""

from __future__ import annotations

import socket

import pytest

from regal_desktop.store import Location, open_store
from regal_desktop.store.settings import DEFAULT_REGION, OPERATOR_EMAIL, WELCOME_DISMISSED


def test_each_desk_keeps_its_operator_and_the_team_shares_its_defaults(
    store_location: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(socket, "gethostname", lambda: "desk-a")
    with open_store(store_location) as a:
        a.settings.write(OPERATOR_EMAIL, "ana@example.com")
        a.settings.write(WELCOME_DISMISSED, True)
        a.settings.write(DEFAULT_REGION, "GB")
    monkeypatch.setattr(socket, "gethostname", lambda: "desk-b")
    with open_store(store_location) as b:
        shared = isinstance(store_location, str)  # a postgresql:// URL
        # Another desk of the team: its own operator and banner, the team's region.
        assert b.settings.read(OPERATOR_EMAIL) == ("" if shared else "ana@example.com")
        assert b.settings.read(WELCOME_DISMISSED) is (not shared)
        assert b.settings.read(DEFAULT_REGION) == "GB"
        b.settings.write(OPERATOR_EMAIL, "bo@example.com")
    monkeypatch.setattr(socket, "gethostname", lambda: "desk-a")
    with open_store(store_location) as a:
        expected = "ana@example.com" if isinstance(store_location, str) else "bo@example.com"
        assert a.settings.read(OPERATOR_EMAIL) == expected
