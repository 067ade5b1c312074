"""The one table of common column names an import guesses (``domain.column_names``)."""

from __future__ import annotations

import pytest

from regal_desktop.domain.column_names import (
    COMMON_NAMES,
    guess_field,
    guessed_target,
    mapping_notes,
)
from regal_desktop.domain.import_rows import FIELDS, IGNORE, ColumnMapping, read_header

CRM_HEADER = (
    "Customer ID",
    "First Name",
    "Last Name",
    "Mobile",
    "E-mail",
    "SMS consent",
    "Consent wording",
    "Consent IP",
    "Consent date",
    "Notes",
)


def test_the_crm_export_maps_everything_but_notes() -> None:
    assert [guessed_target(name) for name in CRM_HEADER] == [
        "userId",
        "firstName",
        "lastName",
        "phone",
        "email",
        "smsOptIn",
        "optInText",
        "optInIp",
        "optInTimestamp",
        IGNORE,
    ]


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("Mobile", "phone"),
        ("Cell", "phone"),
        ("Cell phone", "phone"),
        ("Phone Number", "phone"),
        ("Tel", "phone"),
        ("Telephone", "phone"),
        ("E-mail", "email"),
        ("Email address", "email"),
        ("SMS consent", "smsOptIn"),
        ("Text opt-in", "smsOptIn"),
        ("SMS opt in", "smsOptIn"),
        ("Voice consent", "voiceOptIn"),
        ("Call consent", "voiceOptIn"),
        ("Email consent", "emailOptIn"),
        ("Consent wording", "optInText"),
        ("Consent text", "optInText"),
        ("Consent language", "optInText"),
        ("Consent IP", "optInIp"),
        ("Consent date", "optInTimestamp"),
        ("Consent time", "optInTimestamp"),
        ("Consent timestamp", "optInTimestamp"),
        ("Customer ID", "userId"),
        ("Contact ID", "userId"),
        ("External ID", "userId"),
        ("First Name", "firstName"),
        ("Last Name", "lastName"),
    ],
)
def test_common_names_are_guessed(name: str, field: str) -> None:
    assert guess_field(name) == field


@pytest.mark.parametrize("name", ["CELL_PHONE", "cell-phone", " Cell  Phone ", "cellphone"])
def test_case_spaces_underscores_and_hyphens_do_not_matter(name: str) -> None:
    assert guess_field(name) == "phone"


def test_every_field_is_its_own_guess_and_the_table_names_only_fields() -> None:
    assert set(COMMON_NAMES) <= set(FIELDS)
    assert all(guess_field(field) == field for field in FIELDS)
    assert all(guess_field(n) == f for f, names in COMMON_NAMES.items() for n in names)


def test_unknown_and_rejected_file_columns_are_ignored() -> None:
    assert guess_field("Notes") is None
    assert guessed_target("Notes") == IGNORE
    assert guessed_target("reason") == IGNORE


def test_notes_list_ignored_columns_and_warn_of_no_contact_point_or_consent() -> None:
    header = ("Customer ID", "Notes", "")
    columns = read_header(header, ColumnMapping({h: guessed_target(h) for h in header}))
    notes = mapping_notes(columns.header, columns.targets, {})
    assert notes[0] == 'ignored (not sent): columns "Notes", 3 (no name)'
    assert "no column is mapped to phone or email" in notes[1]
    assert "no column is mapped to a consent" in notes[2]
    full = read_header(CRM_HEADER, ColumnMapping({h: guessed_target(h) for h in CRM_HEADER}))
    assert mapping_notes(full.header, full.targets, {}) == ('ignored (not sent): column "Notes"',)
    # A consent default counts as a consent.
    phone_only = ("phone",)
    assert mapping_notes(phone_only, phone_only, {"smsOptIn": "subscribed"}) == ()
