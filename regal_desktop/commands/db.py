"""``regal-desktop db status``: which store this desk uses (the SQLite file or the team's
PostgreSQL database), its schema version and this application's, whether it can be
reached, and how much it holds. Exit 0 when reachable and current, 1 otherwise.

``regal-desktop db copy --to URL``: this desk's SQLite store into the team's database,
once (``store/copy.py``); exit 0 when done, 1 when the team database failed part way
(what was reported copied is there; running it again copies the rest)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from regal_desktop.commands.common import OK, PROBLEM, fail, run
from regal_desktop.delivery.keys import KeyStore, scrub
from regal_desktop.paths import DATABASE_VARIABLE, HomeError, app_paths, database_location
from regal_desktop.store.db import SCHEMA_VERSION, remember_password
from regal_desktop.store.status import StoreStatus, store_status

_KINDS = {"sqlite": "SQLite file on this desk", "postgresql": "PostgreSQL (the team's database)"}


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``db`` and its ``status``."""
    parser = subparsers.add_parser(
        "db",
        help="the store this desk uses: the SQLite file or the team's PostgreSQL database",
        description=f"The store: {DATABASE_VARIABLE} (a postgresql:// URL) or this desk's "
        "database setting names the team's PostgreSQL database; otherwise the SQLite file.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    status = actions.add_parser(
        "status",
        help="which store, its schema version, whether it is reachable (exit 0 when "
        "reachable and current, else 1)",
    )
    status.set_defaults(handler=run(_status))
    copy = actions.add_parser(
        "copy",
        help="copy this desk's SQLite history, directory, events, team settings and queued "
        "requests into the team's database, once (running it again copies nothing more)",
    )
    copy.add_argument("--to", required=True, metavar="URL", help="the team's postgresql:// URL")
    copy.add_argument(
        "--from",
        dest="source",
        metavar="FILE",
        help="the SQLite file to copy (default: this desk's)",
    )
    copy.set_defaults(handler=run(_copy))


def lines(found: StoreStatus) -> list[str]:
    """What ``db status`` prints for ``found`` (never a password)."""
    where = found.where + (f" as {found.user}" if found.user else "")
    version = "unknown" if found.version is None else str(found.version)
    out = [
        f"store:     {_KINDS.get(found.kind, found.kind)}",
        f"where:     {where}",
        f"reachable: {'yes' if found.reachable else 'no'}",
        f"schema:    {version} (this application: {SCHEMA_VERSION})",
    ]
    if found.counts:
        held = ", ".join(f"{count} {label}" for label, count in found.counts.items())
        out.append(f"holds:     {held}")
    if found.problem:
        out.append(f"problem:   {found.problem}")
    return out


def _status(options: argparse.Namespace) -> int:
    env = dict(os.environ)
    try:
        paths = app_paths(env)
    except HomeError as exc:
        raise fail(str(exc)) from None
    location = database_location(paths, env)
    password = None
    if isinstance(location, str):
        password = KeyStore().database_password(location)
        if password:
            remember_password(location, password)
    found = store_status(location)
    for line in lines(found):
        print(scrub(line, password, env.get("PGPASSWORD")))
    return OK if found.current else PROBLEM


def _copy(options: argparse.Namespace) -> int:
    from regal_desktop.store import StoreError, open_store
    from regal_desktop.store.copy import copy_store
    from regal_desktop.store.postgres import describe_url, is_postgres_url

    env = dict(os.environ)
    url: str = options.to
    if not is_postgres_url(url):
        raise fail(f"--to {url!r}: give the team database's postgresql:// URL")
    try:
        source_file = Path(options.source) if options.source else app_paths(env).database
    except HomeError as exc:
        raise fail(str(exc)) from None
    if not source_file.is_file():
        raise fail(f"{source_file}: no database there; nothing to copy")
    password = KeyStore().database_password(url)
    if password:
        remember_password(url, password)
    say = _printer(password, env.get("PGPASSWORD"))
    with open_store(source_file) as source, open_store(url) as target:
        say(f"copying {source_file} to {describe_url(url)}")
        try:
            report = copy_store(source.conn, target.conn, say)
        except StoreError as exc:
            raise fail(
                f"{exc} (what is reported above as copied is in the team database; "
                "run db copy again for the rest)",
                PROBLEM,
            ) from None
    say(f"done: {report.copied} copied" if report.copied else "done: nothing new to copy")
    return OK


def _printer(*secrets: str | None) -> Callable[[str], None]:
    def say(line: str) -> None:
        print(scrub(line, *secrets), flush=True)

    return say
