"""The contact form's single-line fields, in one table: the form, the draft and "go to the
field of a finding" all read it, so a new field is one line here."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Section(Enum):
    """Where on the form a field sits."""

    CONTACT = "contact"
    ADDRESS = "address"
    EVENT = "event"


@dataclass(frozen=True)
class Field:
    """One single-line field: the draft's attribute, where it goes in the body, its input."""

    attribute: str
    path: tuple[str, ...]
    object_name: str
    label: str
    section: Section
    placeholder: str = ""


_ADDRESS = ("traits", "address")

#: Every single-line field, in the order the form shows them.
FIELDS: tuple[Field, ...] = (
    Field(
        "user_id",
        ("userId",),
        "userIdEdit",
        "User ID",
        Section.CONTACT,
        "Your system's id for this person, e.g. 123",
    ),
    Field("first_name", ("traits", "firstName"), "firstNameEdit", "First name", Section.CONTACT),
    Field("last_name", ("traits", "lastName"), "lastNameEdit", "Last name", Section.CONTACT),
    Field("street", (*_ADDRESS, "street"), "streetEdit", "Street", Section.ADDRESS),
    Field("city", (*_ADDRESS, "city"), "cityEdit", "City", Section.ADDRESS),
    Field("state", (*_ADDRESS, "state"), "stateEdit", "State", Section.ADDRESS, "e.g. FL"),
    Field("zipcode", (*_ADDRESS, "zipcode"), "zipcodeEdit", "ZIP code", Section.ADDRESS),
    Field(
        "country",
        (*_ADDRESS, "country"),
        "countryEdit",
        "Country",
        Section.ADDRESS,
        "e.g. US",
    ),
    Field(
        "event_name",
        ("name",),
        "eventNameEdit",
        "Event name",
        Section.EVENT,
        "e.g. Consent Updated (leave empty to send only the contact)",
    ),
    Field(
        "original_timestamp",
        ("originalTimestamp",),
        "originalTimestampEdit",
        "Happened at",
        Section.EVENT,
        "YYYY-MM-DD HH:MM:SS +HH:MM",
    ),
    Field("event_source", ("eventSource",), "eventSourceEdit", "Source", Section.EVENT, "e.g. crm"),
)

#: The fields by draft attribute.
BY_ATTRIBUTE: dict[str, Field] = {field.attribute: field for field in FIELDS}


def in_section(section: Section) -> tuple[str, ...]:
    """The attributes of the fields in ``section``, top to bottom."""
    return tuple(field.attribute for field in FIELDS if field.section is section)


def field_at(path: tuple[str, ...]) -> Field | None:
    """The field a finding's body path points into (the path may go deeper), or None."""
    for field in FIELDS:
        if path[: len(field.path)] == field.path:
            return field
    return None
