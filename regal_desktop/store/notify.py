"""Live views on the team store: every desk hears of the others' changes (PostgreSQL's
LISTEN/NOTIFY; a desk's own SQLite file has no other desks).

Triggers on the shared tables send ``NOTIFY regal_changes, '<part>'`` in the transaction
that writes (once per statement; the server delivers it when that transaction commits,
and folds repeats within one transaction): ``outbox`` for requests and their attempts,
``history`` for consent evidence, ``directory`` for contacts, ``events`` for Regal's
events, ``settings`` for the team's settings. ``Listener`` holds a connection of its own
in a thread, gathers what arrives for a moment and hands the set of parts to a callback
(no Qt here: the window turns it into its ``StoreChanges`` signal). A lost connection is
opened again, and everything is then reported changed (something may have been missed).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import psycopg

from regal_desktop.store.postgres import SCHEMES, describe_url

log = logging.getLogger(__name__)

#: The channel every desk listens on.
CHANNEL = "regal_changes"
#: Which part of the store each table's writes change.
PARTS = {
    "requests": "outbox",
    "attempts": "outbox",
    "consent_changes": "history",
    "contacts": "directory",
    "regal_events": "events",
    "settings": "settings",
}
#: Every part a notification may name.
EVERYTHING = frozenset(PARTS.values())
#: How long notifications are gathered before the callback is called, in seconds.
GATHER = 0.1
#: How long to wait before connecting again after the connection was lost, in seconds.
RECONNECT = 1.0
#: The advisory lock taken while the triggers are made (two desks starting at once).
_TRIGGER_LOCK = 0x52474D

#: Each statement's rows are in its transition table ``changed``: a statement that
#: changed nothing (a claim finding no work) tells nobody.
_FUNCTION = f"""
CREATE OR REPLACE FUNCTION regal_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed) THEN
        PERFORM pg_notify('{CHANNEL}', TG_ARGV[0]);
    END IF;
    RETURN NULL;
END
$$
"""
#: One trigger per event (PostgreSQL allows a transition table on one event only).
_EVENTS = {"insert": "NEW", "update": "NEW", "delete": "OLD"}


def _trigger_names() -> list[str]:
    return [f"regal_notify_{table}_{event}" for table in PARTS for event in _EVENTS]


def install_triggers(raw: psycopg.Connection[Any]) -> None:
    """Make the notifying triggers on the team database, once (they stay there)."""
    names = _trigger_names()
    found = raw.execute(
        "SELECT count(*) FROM pg_trigger WHERE tgname = ANY(%s)", (names,)
    ).fetchone()
    if found is not None and found[0] == len(names):
        return
    with raw.transaction():
        raw.execute("SELECT pg_advisory_xact_lock(%s)", (_TRIGGER_LOCK,))
        raw.execute(_FUNCTION.encode())
        for table, part in PARTS.items():
            for event, which in _EVENTS.items():
                raw.execute(
                    f"CREATE OR REPLACE TRIGGER regal_notify_{table}_{event} "
                    f"AFTER {event.upper()} ON {table} REFERENCING {which} TABLE AS changed "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION regal_notify('{part}')".encode()
                )


class Listener:
    """Listens for other desks' changes in a thread; ``changed(parts)`` is called from
    that thread with the set of parts that changed. ``stop`` ends it."""

    def __init__(self, url: str, password: str | None, changed: Callable[[set[str]], None]):
        self._url, self._password = url, password
        self._changed = changed
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="regal-live", daemon=True)

    def start(self, wait: float = 10.0) -> None:
        """Start listening; returns once the first LISTEN is in place (or ``wait`` passed)."""
        self._thread.start()
        self._ready.wait(wait)

    def stop(self) -> None:
        """Stop listening and close the connection (within ``GATHER`` seconds or so)."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(5)

    def _connect(self) -> psycopg.Connection[Any]:
        extra: dict[str, Any] = {"password": self._password} if self._password else {}
        raw = psycopg.connect(
            self._url, autocommit=True, connect_timeout=10, application_name="regal-live", **extra
        )
        try:
            install_triggers(raw)
        except psycopg.errors.InsufficientPrivilege as exc:
            # A role that may not make triggers still hears those its owner made.
            log.info("live updates: cannot make the triggers (%s); listening anyway", exc)
        raw.execute(f"LISTEN {CHANNEL}".encode())
        return raw

    def _run(self) -> None:
        first = True
        while not self._stop.is_set():
            try:
                with self._connect() as raw:
                    self._ready.set()
                    if not first:
                        self._changed(set(EVERYTHING))
                    first = False
                    self._listen(raw)
            except psycopg.Error as exc:
                log.info("live updates from %s paused: %s", describe_url(self._url), exc)
                self._ready.set()
                self._stop.wait(RECONNECT)

    def _listen(self, raw: psycopg.Connection[Any]) -> None:
        while not self._stop.is_set():
            parts = {note.payload for note in raw.notifies(timeout=0.5, stop_after=1)}
            if not parts:
                continue
            parts |= {note.payload for note in raw.notifies(timeout=GATHER)}
            self._changed(parts & EVERYTHING)


def listen_for_changes(
    location: object, password: str | None, changed: Callable[[set[str]], None]
) -> Listener | None:
    """A started ``Listener`` on the team database at ``location``; None for a SQLite file
    (nobody else writes there while the window is open but this desk's own processes)."""
    if not (isinstance(location, str) and location.startswith(SCHEMES)):
        return None
    listener = Listener(location, password, changed)
    listener.start()
    return listener


__all__ = ["CHANNEL", "EVERYTHING", "PARTS", "Listener", "install_triggers", "listen_for_changes"]
