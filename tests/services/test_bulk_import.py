"""Reading real CSV files into an import plan, and writing its outputs."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from regal_desktop.domain.check import check
from regal_desktop.domain.consent import consent_changes
from regal_desktop.domain.import_rows import ColumnMapping, MappingError
from regal_desktop.services.bulk_import import (
    MAX_COLUMNS,
    HeaderError,
    ImportFileError,
    load_mapping,
    peek_header,
    plan_file,
    save_mapping,
    saved_mappings,
    write_jsonl,
    write_rejected,
)
from regal_desktop.store import open_store

CSV = Path(__file__).parent.parent / "data" / "csv"


def test_bom_crlf_quotes_and_newlines_in_cells() -> None:
    path = CSV / "web-form.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbfuserId,") and b"\r\n" in path.read_bytes()
    plan = plan_file(path)
    assert (plan.rows, len(plan.good), len(plan.rejected), plan.skipped) == (4, 3, 0, 1)
    assert plan.delimiter == "," and plan.bom
    # The quoted newline keeps the line numbers physical: u-3 starts on line 6.
    assert [row.line for row in plan.good] == [2, 3, 6]
    jane, ann, jose = (row.body for row in plan.good)
    assert jane["traits"]["lastName"] == "Doe, Jr."
    phone = jane["traits"]["phones"]["+19545582399"]
    assert phone["label"] == "mobile" and phone["isPrimary"] is True
    audit = {
        "subscribed": True,
        "timestamp": "2026-11-25T09:12:28-05:00",
        "ip": "203.0.113.7",
        "text": 'I agree to "Acme" texts, calls and e-mails',
        "source": "web form",
    }
    assert phone["voiceOptIn"] == phone["smsOptIn"] == audit
    assert jane["traits"]["emails"]["jane@example.com"]["emailOptIn"] == audit
    assert ann["traits"]["firstName"] == "Ann\r\nMarie"
    assert jose["traits"]["lastName"] == "Núñez"
    assert jose["traits"]["emails"]["jose@example.com"]["emailOptIn"] == {
        "subscribed": False,
        "timestamp": "2026-11-25T10:00:00Z",
    }


def test_semicolons_are_detected_and_cells_trimmed() -> None:
    plan = plan_file(CSV / "stop-list.csv")
    assert plan.delimiter == ";"
    assert (plan.rows, len(plan.good), plan.skipped) == (4, 3, 1)
    assert [list(row.body["traits"]["phones"]) for row in plan.good] == [
        ["+19545582399"],
        ["+15155552355"],
        ["+13055550100"],
    ]
    assert all(
        row.body["traits"]["phones"][number]["smsOptIn"] == {"subscribed": False}
        for row in plan.good
        for number in row.body["traits"]["phones"]
    )
    # Unsubscribing warns; the warning is kept with the row and counted.
    assert plan.warnings == 3


def test_every_kind_of_bad_cell_is_rejected_with_its_line_and_reason() -> None:
    plan = plan_file(CSV / "bad-cells.csv")
    assert [row.line for row in plan.good] == [2, 13]
    assert plan.skipped == 1
    reasons = {row.line: row.reason for row in plan.rejected}
    assert reasons == {
        3: 'column "smsOptIn": "maybe" is not a consent value; write subscribed or '
        "unsubscribed (or yes/no, true/false, 1/0), or leave it empty for No status",
        4: 'traits.phones["555-12"]: "555-12" has too few digits for its country',
        5: reasons[5],
        6: 'traits.phones["+19545582399"].smsOptIn.ip: Phone +1 954-558-2399, SMS consent: the '
        'IP address "300.1.2.3" is not an IPv4 or IPv6 address',
        7: 'traits.phones["+19545582399"].smsOptIn.timestamp: Phone +1 954-558-2399, SMS '
        'consent: the time "25/11/2026 09:00" is not a timestamp; write it like '
        "2020-08-25T21:23:43Z or 2000-08-20 09:12:28 -04:00",
        8: 'column "phoneIsPrimary": "primary" is not true or false; write true/false, '
        "yes/no or 1/0, or leave it empty",
        9: 'column "smsOptIn" is set but the row has no phone',
        11: "the row has 2 cells but the header has 8 columns",
        12: "$: says nothing about who it is for: add a userId, a phone or an e-mail",
    }
    assert reasons[5].startswith('traits.emails["jane@@example.com"]: "jane@@example.com" is')
    rejected = {row.line: row.cells for row in plan.rejected}
    assert rejected[11] == ("short-row", "+19545582399")


def test_rejected_file_keeps_the_header_and_imports_again_once_fixed(tmp_path: Path) -> None:
    plan = plan_file(CSV / "bad-cells.csv")
    out = tmp_path / "rejected.csv"
    assert write_rejected(plan, out) == 9
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["line", "reason", *plan.header]
    # A "+" starts a formula in a spreadsheet: the number gets a quote (CWE-1236), which
    # the import takes off again.
    assert rows[1][:4] == ["3", plan.rejected[0].reason, "bad-consent", "'+19545582399"]
    # Every row but the short one has every column; the short one stays short.
    assert [len(row) for row in rows].count(len(rows[0])) == len(rows) - 1
    assert rows[8] == [
        "11",
        "the row has 2 cells but the header has 8 columns",
        "short-row",
        "'+19545582399",
    ]
    again = plan_file(out)
    assert [row.line for row in again.rejected] == list(range(2, 11))
    reasons = [row.reason for row in plan.rejected]
    reasons[7] = "the row has 4 cells but the header has 10 columns"
    assert [row.reason for row in again.rejected] == reasons
    # Fix the consent word and the boolean, re-import: those two rows are good now.
    fixed = out.read_text(encoding="utf-8").replace(",maybe,", ",yes,")
    out.write_text(fixed.replace(",primary,", ",true,"), encoding="utf-8")
    good = plan_file(out).good
    assert [row.body["userId"] for row in good] == ["bad-consent", "bad-boolean"]
    # Rejected again, the file keeps its shape instead of growing new columns.
    write_rejected(plan_file(out), tmp_path / "again.csv")
    header = (tmp_path / "again.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(["line", "reason", *plan.header])


def test_jsonl_holds_one_compact_body_per_good_row_exactly_as_checked(tmp_path: Path) -> None:
    plan = plan_file(CSV / "web-form.csv")
    out = tmp_path / "good.jsonl"
    assert write_jsonl(plan, out) == 3
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [row.body for row in plan.good]
    assert "\n" not in lines[0] and "Núñez" in lines[2]
    # The plan keeps compact text; what it queues is still the exact checked text.
    first = plan.good[0]
    raw = {"userId": "u-1"} | {"traits": json.loads(lines[0])["traits"]}
    assert first.checked.text == check(raw).text
    prepared = plan.prepared()
    assert [p.origin for p in prepared] == [f"{CSV / 'web-form.csv'}:{n}" for n in (2, 3, 6)]
    assert prepared[0].checked.text == first.checked.text and prepared[0].checked.sendable


def test_mapping_and_defaults_read_a_foreign_header() -> None:
    assert peek_header(CSV / "crm-export.csv") == (
        "Customer ID",
        "First",
        "Phone Number",
        "SMS consent",
        "E-mail Address",
        "Plan",
        "Notes",
    )
    with pytest.raises(HeaderError) as raised:
        plan_file(CSV / "crm-export.csv")
    assert str(raised.value).splitlines()[0] == (
        f'{CSV / "crm-export.csv"}: column "Customer ID" is not a field: map it to a field, '
        'to ignore or to trait:NAME; did you mean "userId"?'
    )
    mapping = ColumnMapping(
        {
            "Customer ID": "userId",
            "First": "firstName",
            "Phone Number": "phone",
            "SMS consent": "smsOptIn",
            "E-mail Address": "email",
            "Plan": "trait:plan",
            "Notes": "ignore",
            "Fax": "ignore",
        },
        {"optInText": "I agree to texts", "optInTimestamp": "2026-11-25T09:00:00Z"},
    )
    plan = plan_file(CSV / "crm-export.csv", mapping)
    assert plan.notices == ('the mapping names column "Fax", which this file does not have',)
    assert [row.body for row in plan.good] == [
        {
            "userId": "c-1",
            "traits": {
                "firstName": "Jane",
                "phones": {
                    "+19545582399": {
                        "smsOptIn": {
                            "subscribed": True,
                            "timestamp": "2026-11-25T09:00:00Z",
                            "text": "I agree to texts",
                        }
                    }
                },
                "emails": {"jane@example.com": {}},
                "plan": "gold",
            },
        },
        {
            "userId": "c-2",
            "traits": {
                "firstName": "Bob",
                "phones": {"+15155552355": {}},
                "emails": {"bob@example.com": {}},
            },
        },
    ]


def test_saved_mappings_live_in_the_store_settings(tmp_path: Path) -> None:
    mapping = ColumnMapping({"Tel": "phone"}, {"optInText": "I agree"})
    with open_store(tmp_path / "regal.sqlite3") as store:
        save_mapping(store.settings, "web form", mapping)
    with open_store(tmp_path / "regal.sqlite3") as store:
        assert saved_mappings(store.settings) == {"web form": mapping}
        assert store.settings.get("import_mappings") == {"web form": mapping.to_setting()}
        assert load_mapping(store.settings, "web form") == mapping
        with pytest.raises(
            MappingError, match=r"no saved mapping called 'crm' \(saved: web form\)"
        ):
            load_mapping(store.settings, "crm")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty; it needs a header line"),
        (b"  \r\n\r\n", "is empty; it needs a header line"),
        (b"\r\nphone\r\n+19545582399\r\n", ":1: no header: the first line must name the columns"),
        (
            b"phone\n+19545582399\nJos\xe9\n",
            ":3: not UTF-8 text (byte 0xe9 at offset 22); save the file as CSV UTF-8",
        ),
        ("phone\n".encode("utf-16"), "is UTF-16 text, not UTF-8; save the file as CSV UTF-8"),
    ],
)
def test_unreadable_files_say_why(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=re.escape(message)):
        plan_file(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match=r"missing\.csv: no such file"):
        plan_file(tmp_path / "missing.csv")
    with pytest.raises(ImportFileError, match="is a folder, not a CSV file"):
        plan_file(tmp_path)


def test_broken_quoting_rejects_that_row_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "quotes.csv"
    path.write_text(
        'userId,firstName\n1,"Jane"x\n2,Bob\n3,"never closed\n4,Ann\n', encoding="utf-8"
    )
    plan = plan_file(path)
    assert [row.line for row in plan.good] == [3]
    assert [(row.line, row.cells) for row in plan.rejected] == [
        (2, ('1,"Jane"x',)),
        (4, ('3,"never closed\n4,Ann',)),
    ]
    assert plan.rejected[0].reason == 'a quote (") inside a quoted cell must be written twice ("")'
    assert plan.rejected[1].reason == (
        'a quoted cell starting on line 4 is never closed (a " is missing); lines 4-5 were '
        "read as one row"
    )


def test_progress_reports_lines_up_to_the_total(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("userId\n" + "".join(f"u{n}\n" for n in range(1200)), encoding="utf-8")
    seen: list[tuple[int, int]] = []
    plan = plan_file(path, on_progress=lambda line, total: seen.append((line, total)))
    assert len(plan.good) == 1200
    assert seen == [(501, 1201), (1001, 1201), (1201, 1201)]


def test_old_mac_line_endings_count_as_lines(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"userId,phone\r1,+19545582399\r2,555\r")
    plan = plan_file(path)
    assert [row.line for row in plan.good] == [2]
    assert [row.line for row in plan.rejected] == [3]


@pytest.mark.parametrize("name", ["web-form.csv", "stop-list.csv", "bad-cells.csv"])
def test_the_plan_counts_the_consent_changes_of_its_good_rows(name: str) -> None:
    plan = plan_file(CSV / name)
    counted = sum(len(consent_changes(row.body)) for row in plan.good)
    assert plan.consent_changes == counted
    assert counted > 0


def test_a_header_of_a_million_columns_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{n}" for n in range(1_000_000)) + "\n1\n", encoding="utf-8")
    for read in (peek_header, plan_file):
        with pytest.raises(ImportFileError) as raised:
            read(path)
        assert str(raised.value) == (
            f"{path}:1: the header has 1,000,000 columns; an import reads at most "
            f"{MAX_COLUMNS:,} (remove the columns you do not need)"
        )


def test_many_unknown_columns_are_named_in_a_few_lines(tmp_path: Path) -> None:
    path = tmp_path / "strangers.csv"
    path.write_text(",".join(f"Col {n}" for n in range(MAX_COLUMNS)) + "\n1\n", encoding="utf-8")
    with pytest.raises(HeaderError) as raised:
        plan_file(path)
    lines = str(raised.value).splitlines()
    assert len(lines) == 11
    assert lines[-1] == f"{path}: ... and {MAX_COLUMNS - 10:,} more problems with the header"
