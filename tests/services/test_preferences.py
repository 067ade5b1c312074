"""Settings saved together, consent texts, and dropping an import's unsent rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from regal_desktop.services.consent_texts import (
    ConsentTemplate,
    consent_templates,
    load_consent_templates,
    save_consent_templates,
)
from regal_desktop.services.preferences import saving_together
from regal_desktop.services.sending import drop_unsent
from regal_desktop.store import AttemptResult, Outcome, Store, open_store
from regal_desktop.store.settings import DEFAULT_EVENT_SOURCE, DEFAULT_REGION
from regal_desktop.store.states import RequestState
from tests.helpers.store import opt_in_body, request

T0 = "2024-05-01T10:00:00.000Z"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "regal.sqlite3") as opened:
        yield opened


def test_settings_saved_together_are_all_kept(store: Store) -> None:
    with saving_together(store) as settings:
        settings.write(DEFAULT_REGION, "GB")
        settings.write(DEFAULT_EVENT_SOURCE, "crm")
    assert store.settings.read(DEFAULT_REGION) == "GB"
    assert store.settings.read(DEFAULT_EVENT_SOURCE) == "crm"


def test_a_failure_while_saving_together_keeps_none(store: Store) -> None:
    store.settings.write(DEFAULT_REGION, "GB")
    with (
        pytest.raises(ValueError, match="is not valid: it is empty"),
        saving_together(store) as settings,
    ):
        settings.write(DEFAULT_EVENT_SOURCE, "crm")
        settings.write(DEFAULT_REGION, "")
    assert store.settings.read(DEFAULT_EVENT_SOURCE) == ""
    assert store.settings.read(DEFAULT_REGION) == "GB"


def test_consent_texts_are_the_saved_ones_else_the_bundled_ones(store: Store) -> None:
    bundled = load_consent_templates()
    assert bundled and consent_templates(store.settings) == bundled
    saved = [ConsentTemplate("Survey texts", "I agree to survey texts.")]
    save_consent_templates(store.settings, saved)
    assert consent_templates(store.settings) == saved
    # A damaged list (hand-edited) is not half used: the bundled texts come back.
    store.settings.set("consent_templates", [{"name": "Survey texts"}])
    assert consent_templates(store.settings) == bundled


def test_a_templates_file_of_the_wrong_shape_is_named(tmp_path: Path) -> None:
    path = tmp_path / "templates.json"
    path.write_text(json.dumps([{"name": "Calls"}]), encoding="utf-8")
    with pytest.raises(ValueError, match=r"templates\.json: expected a JSON list of"):
        load_consent_templates(path)


def test_drop_unsent_drops_what_has_not_gone_out_in_one_go(store: Store) -> None:
    ids = store.outbox.enqueue([request(opt_in_body("+19545582399", "sms"))] * 4)
    claimed = store.outbox.claim("production", 2, "test:1")
    assert [c.id for c in claimed] == ids[:2]
    store.outbox.record(
        [
            AttemptResult(ids[0], T0, T0, 200, '{"message":"ok"}', Outcome.DELIVERED),
            AttemptResult(ids[1], T0, T0, 401, "no", Outcome.HELD),
        ]
    )
    store.outbox.drop(ids[3])

    assert drop_unsent(store, [*ids, 999]) == 2  # the held and the queued one

    states = [row.state for row in map(store.outbox.get, ids) if row is not None]
    assert states == [
        RequestState.DELIVERED,
        RequestState.DROPPED,
        RequestState.DROPPED,
        RequestState.DROPPED,
    ]
