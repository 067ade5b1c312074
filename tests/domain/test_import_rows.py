"""Mapping columns to fields and turning one row into one payload (pure, no files)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from regal_desktop.domain.import_rows import (
    ColumnMapping,
    MappingError,
    nearest_field,
    read_header,
    row_payload,
)


def test_header_names_are_the_fields_whatever_their_case() -> None:
    columns = read_header(["userId", "PHONE", " smsOptIn "], ColumnMapping())
    assert columns.targets == ("userId", "phone", "smsOptIn")


def test_unknown_header_is_an_error_naming_it_with_the_nearest_field() -> None:
    with pytest.raises(MappingError) as raised:
        read_header(["phone", "E-mail Address", "notes"], ColumnMapping())
    assert raised.value.problems == (
        'column "E-mail Address" is not a field: map it to a field, to ignore or to '
        'trait:NAME; did you mean "email"?',
        'column "notes" is not a field: map it to a field, to ignore or to trait:NAME',
    )


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Phone Number", "phone"),
        ("first_name", "firstName"),
        ("sms_opt_in", "smsOptIn"),
        ("emial", "email"),
        ("Favourite colour", None),
    ],
)
def test_nearest_field(written: str, meant: str | None) -> None:
    assert nearest_field(written) == meant


def test_two_columns_for_one_field_and_repeated_headers_are_errors() -> None:
    with pytest.raises(MappingError, match="both fill phone; keep one"):
        read_header(["phone", "mobile"], ColumnMapping({"mobile": "phone"}))
    with pytest.raises(MappingError, match=r'names "email" twice \(columns 1 and 3\)'):
        read_header(["email", "phone", "email"], ColumnMapping())


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (lambda: ColumnMapping({"Tel": "phon"}), 'did you mean "phone"'),
        (lambda: ColumnMapping({"Tel": "trait:"}), "needs a trait name"),
        (lambda: ColumnMapping({"Tel": "trait:phones"}), "is a standard trait"),
        (lambda: ColumnMapping(defaults={"phone": "+19545582399"}), "cannot have a default"),
        (lambda: ColumnMapping(defaults={"optInText": "x", "ignore": ""}), "needs a field"),
    ],
)
def test_bad_mappings_say_what_is_wrong(mapping: Callable[[], ColumnMapping], message: str) -> None:
    with pytest.raises(MappingError, match=message):
        mapping()


def test_mapping_defaults_and_custom_traits_build_one_payload() -> None:
    mapping = ColumnMapping(
        {"Tel": "phone", "Consent": "smsOptIn", "Plan": "trait:plan", "Notes": "ignore"},
        {"optInText": "I agree to texts", "phoneLabel": "mobile", "trait:tier": "basic"},
    )
    columns = read_header(["Tel", "Consent", "Plan", "Notes"], mapping)
    row = row_payload(["+19545582399", "Yes", "gold", "called twice"], columns)
    assert row.problems == () and row.notes == ()
    assert row.raw == {
        "traits": {
            "phones": {
                "+19545582399": {
                    "label": "mobile",
                    "smsOptIn": {"subscribed": True, "text": "I agree to texts"},
                }
            },
            "plan": "gold",
            "tier": "basic",
        }
    }


@pytest.mark.parametrize(
    ("word", "subscribed"),
    [
        ("subscribed", True),
        (" TRUE ", True),
        ("yes", True),
        ("1", True),
        ("Unsubscribed", False),
        ("false", False),
        ("NO", False),
        ("0", False),
    ],
)
def test_consent_words(word: str, subscribed: bool) -> None:
    columns = read_header(["email", "emailOptIn"], ColumnMapping())
    row = row_payload(["jane@example.com", word], columns)
    assert row.raw["traits"]["emails"]["jane@example.com"] == {
        "emailOptIn": {"subscribed": subscribed}
    }


def test_empty_consent_means_no_status_and_empty_primary_means_not_set() -> None:
    columns = read_header(["phone", "smsOptIn", "phoneIsPrimary"], ColumnMapping())
    assert row_payload(["+19545582399", "", " "], columns).raw == {
        "traits": {"phones": {"+19545582399": {}}}
    }


def test_bad_cells_name_the_column_and_the_value() -> None:
    columns = read_header(["phone", "SMS", "phoneIsPrimary"], ColumnMapping({"SMS": "smsOptIn"}))
    row = row_payload(["+19545582399", "maybe", "primary"], columns)
    assert row.problems == (
        'column "phoneIsPrimary": "primary" is not true or false; write true/false, '
        "yes/no or 1/0, or leave it empty",
        'column "SMS": "maybe" is not a consent value; write subscribed or unsubscribed '
        "(or yes/no, true/false, 1/0), or leave it empty for No status",
    )


def test_phone_details_without_a_phone_are_a_problem_unless_they_are_defaults() -> None:
    columns = read_header(["email", "smsOptIn"], ColumnMapping(defaults={"phoneLabel": "x"}))
    row = row_payload(["jane@example.com", "yes"], columns)
    assert row.problems == ('column "smsOptIn" is set but the row has no phone',)
    assert row_payload(["jane@example.com", ""], columns).problems == ()


def test_consent_text_on_a_row_without_consent_is_a_warning() -> None:
    columns = read_header(["phone", "smsOptIn", "optInText"], ColumnMapping())
    row = row_payload(["+19545582399", "", "I agree"], columns)
    assert [str(note) for note in row.notes] == [
        'warning: $: column "optInText" is not sent: the row sets no consent '
        "(voiceOptIn, smsOptIn or emailOptIn)"
    ]
    assert row_payload(["+19545582399", "yes", "I agree"], columns).notes == ()


def test_cell_count_must_match_the_header() -> None:
    columns = read_header(["userId", "phone"], ColumnMapping())
    assert row_payload(["1", "+19545582399", "extra"], columns).problems == (
        "the row has 3 cells but the header has 2 columns",
    )


def test_saved_mapping_round_trips_and_damage_is_reported() -> None:
    mapping = ColumnMapping({"Tel": "phone"}, {"optInText": "I agree"})
    assert ColumnMapping.from_setting(mapping.to_setting(), "web") == mapping
    with pytest.raises(MappingError, match='saved mapping "web" is not readable'):
        ColumnMapping.from_setting({"columns": ["Tel"]}, "web")


def test_a_bad_default_word_is_reported_once_about_the_default() -> None:
    with pytest.raises(MappingError, match='default "smsOptIn": "maybe" is not a consent value'):
        ColumnMapping(defaults={"smsOptIn": "maybe"})
    with pytest.raises(MappingError, match='default "phoneIsPrimary": "first" is not true or'):
        ColumnMapping(defaults={"phoneIsPrimary": "first"})
    # A STOP list: one column of numbers, the opt-out given once for the whole file.
    columns = read_header(["phone"], ColumnMapping(defaults={"smsOptIn": "unsubscribed"}))
    assert row_payload(["+19545582399"], columns).raw == {
        "traits": {"phones": {"+19545582399": {"smsOptIn": {"subscribed": False}}}}
    }
