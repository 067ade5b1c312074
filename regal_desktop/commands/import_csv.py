"""``regal-desktop import FILE.csv (--out OUT.jsonl | --send ...)``: bulk import from CSV."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from regal_desktop.commands.common import OK, PROBLEM, context, fail, run
from regal_desktop.commands.send import (
    add_delivery_options,
    add_restate_option,
    deliver_and_report,
    resolve,
)
from regal_desktop.context import AppContext
from regal_desktop.domain.column_names import guessed_target
from regal_desktop.domain.findings import quote
from regal_desktop.domain.import_rows import (
    FIELDS,
    IGNORE,
    REJECTED_COLUMNS,
    ColumnMapping,
    MappingError,
)
from regal_desktop.services.bulk_import import (
    HeaderError,
    ImportFileError,
    ImportPlan,
    load_mapping,
    peek_header,
    plan_file,
    save_mapping,
    write_jsonl,
    write_jsonl_to,
    write_rejected,
)
from regal_desktop.services.evidence import ExportError
from regal_desktop.services.known import known_lookup
from regal_desktop.services.routes import route_of
from regal_desktop.services.sending import queue

_MAPPING_HELP = (
    "use --map HEADER=FIELD (or HEADER=ignore, HEADER=trait:NAME); fields: " + ", ".join(FIELDS)
)


def add_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Register ``import``."""
    parser = subparsers.add_parser(
        "import",
        help="import contacts and consent changes from a CSV file",
        description="Read a CSV file (UTF-8, comma or semicolon) whose header names the "
        "fields (" + ", ".join(FIELDS) + "), check every row as a payload, and write the "
        "good rows as JSON lines (--out) or queue and send them (--send). Bad rows are "
        "reported as FILE:LINE: reason; sending to a Segment account (--profile), so is each "
        "row its route cannot carry. Exit 0 when every row was good, 1 when some were "
        "rejected (the good ones are still written or queued), 2 when the file cannot be read.",
    )
    parser.add_argument("file", metavar="FILE.csv")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help=f"read column HEADER as FIELD, {IGNORE} it, or send it as trait:NAME",
    )
    parser.add_argument(
        "--default",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="value for FIELD where a row leaves it empty (e.g. optInText=...)",
    )
    parser.add_argument("--mapping", metavar="NAME", help="start from a saved mapping")
    parser.add_argument(
        "--save-mapping", metavar="NAME", help="save the mapping used (with defaults) as NAME"
    )
    parser.add_argument(
        "--rejected", metavar="REJECTED.csv", help="write the rejected rows, with reasons"
    )
    parser.add_argument(
        "--warnings", action="store_true", help="list every warning, not only their count"
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", metavar="OUT.jsonl", help="write the bodies ('-': stdout)")
    target.add_argument("--send", action="store_true", help="queue the good rows and send them")
    add_delivery_options(parser)
    add_restate_option(parser)
    parser.set_defaults(handler=run(_import))


def _pairs(values: list[str], option: str, form: str) -> dict[str, str]:
    """``NAME=VALUE`` arguments as a dict (the first ``=`` separates them)."""
    pairs: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep:
            raise fail(f"{option} {value!r} needs the form {form}")
        pairs[name] = rest
    return pairs


def _mapping(ctx: AppContext, options: argparse.Namespace) -> ColumnMapping:
    try:
        base = load_mapping(ctx.store.settings, options.mapping) if options.mapping else None
        given = ColumnMapping(
            _pairs(options.map, "--map", "HEADER=FIELD"),
            _pairs(options.default, "--default", "FIELD=VALUE"),
        )
    except MappingError as exc:
        raise fail(str(exc)) from None
    return base.updated(given) if base else given


def _guessed(path: Path, mapping: ColumnMapping) -> ColumnMapping:
    """``mapping`` with every column it does not name at its common name's field
    (``domain.column_names``) or ignored; prints the ignored columns in one line."""
    header = peek_header(path)
    named = set(mapping.columns)
    columns = dict(mapping.columns)
    for name in header:
        if name in named or name.strip() in named or name.strip() in REJECTED_COLUMNS:
            continue
        columns[name] = guessed_target(name)
    ignored = [quote(n.strip()) for n in header if columns.get(n) == IGNORE and n.strip()]
    if ignored:
        print(f"{path}: ignored columns (not sent): {', '.join(ignored)}", file=sys.stderr)
    return ColumnMapping(columns, dict(mapping.defaults))


def _report(plan: ImportPlan, show_warnings: bool) -> None:
    """Rejected rows (and warnings if asked) on stderr, then the counts."""
    for notice in plan.notices:
        print(f"{plan.source}: {notice}", file=sys.stderr)
    for row in plan.rejected:
        print(f"{plan.source}:{row.line}: {row.reason}", file=sys.stderr)
    if show_warnings:
        for good in plan.good:
            for finding in good.warnings:
                print(f"{plan.source}:{good.line}: {finding}", file=sys.stderr)
    hint = " (--warnings lists them)" if plan.warnings and not show_warnings else ""
    print(f"{plan.source}: {plan.summary()}{hint}", file=sys.stderr)


def _import(options: argparse.Namespace) -> int:
    with context() as ctx:
        mapping = _mapping(ctx, options)
        dest = resolve(ctx, options) if options.send else None
        try:
            guessed = _guessed(Path(options.file), mapping)
            plan = plan_file(
                Path(options.file),
                guessed,
                region=ctx.region,
                lookup=known_lookup(ctx.store),
                restate=options.restate,
                # Rows a Segment account's route cannot carry are rejected, each with why.
                route=route_of(dest.profile) if dest is not None else "regal",
            )
        except HeaderError as exc:
            raise fail(f"{exc}\n{_MAPPING_HELP}") from None
        except ImportFileError as exc:
            raise fail(str(exc)) from None
        _report(plan, options.warnings)
        if options.save_mapping:
            try:
                save_mapping(ctx.store.settings, options.save_mapping, mapping)
            except MappingError as exc:
                raise fail(str(exc)) from None
            print(f"mapping saved as {options.save_mapping!r}", file=sys.stderr)
        _write(plan, options)
        code = PROBLEM if plan.rejected else OK
        if dest is None:
            return code
        if not plan.good:
            print("regal-desktop: no good rows; nothing was queued", file=sys.stderr)
            return code
        ids = queue(ctx.store, plan.prepared(), dest, ctx.operator)
        print(f"queued {len(ids)} request(s) for profile {dest.profile.name}", file=sys.stderr)
        return max(
            code, deliver_and_report(ctx, dest, ids, wait=options.wait, timeout=options.timeout)
        )


def _write(plan: ImportPlan, options: argparse.Namespace) -> None:
    """The rejected rows (--rejected) and the good bodies (--out), each written whole."""
    try:
        if options.rejected:
            write_rejected(plan, Path(options.rejected))
        elif plan.rejected:
            print(
                "(--rejected FILE.csv writes the rejected rows, to fix and import again)",
                file=sys.stderr,
            )
        if options.out == "-":
            write_jsonl_to(plan, sys.stdout)
        elif options.out:
            write_jsonl(plan, Path(options.out))
    except ExportError as exc:
        raise fail(str(exc)) from None


__all__ = ["add_parser"]
