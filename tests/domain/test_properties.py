"""Properties over generated payloads: round trips, and no input makes the checker raise."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regal_desktop.domain.check import check
from regal_desktop.domain.jsonc import PayloadSyntaxError, loads
from regal_desktop.domain.model import STANDARD_TRAITS, body_text
from regal_desktop.domain.normalise import normalise_email, normalise_phone

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Area codes in service, so generated numbers are possible (most are also valid).
AREA_CODES = ["201", "212", "305", "415", "617", "646", "917", "954"]
ADDRESS_PARTS = ("street", "city", "state", "zipcode", "country")
DOMAINS = ["example.com", "example.org", "mail.example.net"]
#: Keys the checker knows, so mutations and fuzzed objects reach its rules.
VOCABULARY = [
    "userId", "traits", "name", "properties", "originalTimestamp", "eventSource", "firstName",
    "phones", "emails", "address", "phone", "email", "optIn", "label", "isPrimary", "voiceOptIn",
    "smsOptIn", "emailOptIn", "subscribed", "timestamp", "ip", "text", "channel", "sms",
    "+19545582399", "(954) 558-2399", "jane@example.com",
]  # fmt: skip


def sendable_text(**size: int) -> st.SearchStrategy[str]:
    """Text a valid payload may hold: anything but NUL, which the checker refuses."""
    return st.text(st.characters(codec="utf-8", exclude_characters="\x00"), **size)


def absent_or(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def present(*pairs: tuple[str, Any]) -> dict[str, Any]:
    """A dict of the pairs whose value was drawn (None means "leave the key out")."""
    return {key: value for key, value in pairs if value is not None}


phone_numbers = st.builds(
    lambda area, rest: f"+1{area}{rest}",
    st.sampled_from(AREA_CODES),
    st.from_regex(r"[2-9][0-9]{6}", fullmatch=True),
).filter(lambda n: normalise_phone(n).e164 == n)
email_addresses = st.builds(
    lambda local, domain: f"{local}@{domain}",
    st.from_regex(r"[A-Za-z0-9]{1,10}(\.[A-Za-z0-9]{1,10})?", fullmatch=True),
    st.sampled_from(DOMAINS),
).filter(lambda a: normalise_email(a)[0] == a)
timestamps = st.builds(
    lambda moment, form: moment.strftime(form),
    st.datetimes(min_value=datetime(1900, 1, 1)),
    st.sampled_from(["%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S -04:00", "%Y-%m-%dT%H:%M:%S+05:30"]),
)
scalars = st.one_of(
    sendable_text(max_size=20),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
)


@st.composite
def opt_ins(draw: st.DrawFn) -> dict[str, Any]:
    return present(
        ("subscribed", draw(st.booleans())),
        ("timestamp", draw(absent_or(timestamps))),
        ("ip", draw(absent_or(st.ip_addresses().map(str)))),
        ("text", draw(absent_or(sendable_text(max_size=40)))),
        ("source", draw(absent_or(sendable_text(max_size=10)))),
    )


@st.composite
def contact_points(
    draw: st.DrawFn, keys: st.SearchStrategy[str], channels: tuple[str, ...]
) -> dict[str, Any]:
    """Phones or e-mails, at most one of them primary."""
    chosen = draw(st.lists(keys, max_size=4, unique=True))
    primary = draw(absent_or(st.sampled_from(chosen))) if chosen else None
    points = {}
    for key in chosen:
        points[key] = present(
            ("label", draw(absent_or(sendable_text(max_size=10)))),
            ("isPrimary", True if key == primary else draw(absent_or(st.just(False)))),
            *((channel, draw(absent_or(opt_ins()))) for channel in channels),
        )
    return points


custom_keys = sendable_text(min_size=1, max_size=12).filter(
    lambda k: (
        k not in STANDARD_TRAITS
        and k.replace("_", "").replace("-", "").lower() not in {s.lower() for s in STANDARD_TRAITS}
    )
)


@st.composite
def payloads(draw: st.DrawFn) -> dict[str, Any]:
    """A valid body in the checker's own order, so it must come back byte for byte."""
    phones = draw(contact_points(phone_numbers, ("voiceOptIn", "smsOptIn")))
    emails = draw(contact_points(email_addresses, ("emailOptIn",)))
    address = present(
        *((part, draw(absent_or(sendable_text(max_size=15)))) for part in ADDRESS_PARTS)
    ) or draw(absent_or(st.just({})))
    traits = present(
        ("firstName", draw(absent_or(sendable_text(max_size=15)))),
        ("lastName", draw(absent_or(sendable_text(max_size=15)))),
        ("phones", phones or None),
        ("emails", emails or None),
        ("address", address),
    ) | draw(st.dictionaries(custom_keys, scalars, max_size=3))
    name = draw(absent_or(sendable_text(min_size=1, max_size=20)))
    # Someone must be named; properties only travel with an event name.
    user_id = sendable_text(min_size=1, max_size=10).filter(str.strip)
    properties = absent_or(st.dictionaries(sendable_text(max_size=10), scalars, max_size=3))
    return present(
        ("userId", draw(user_id) if not (phones or emails) else None),
        ("traits", traits or None),
        ("name", name),
        ("properties", draw(properties) if name else None),
        ("originalTimestamp", draw(absent_or(timestamps))),
        ("eventSource", draw(absent_or(sendable_text(max_size=10)))),
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(VOCABULARY),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(VOCABULARY) | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)


def places(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path inside a JSON value."""
    found = [here]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += places(inner, (*here, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += places(inner, (*here, index))
    return found


@FAST
@given(payloads())
def test_valid_payload_survives_the_round_trip_unchanged(body: dict[str, Any]) -> None:
    checked = check(loads(body_text(body)))
    assert checked.errors == ()
    assert checked.text == body_text(body)


@FAST
@given(json_values)
def test_check_never_raises_on_any_json(raw: Any) -> None:
    checked = check(raw)
    assert isinstance(checked.body, dict)
    assert checked.text == body_text(checked.body)


@FAST
@given(payloads(), st.data())
def test_check_never_raises_on_a_mutated_payload(body: dict[str, Any], data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(places(body)[1:] or [("userId",)]))
    replacement = data.draw(json_values)
    target: Any = body
    for part in path[:-1]:
        target = target[part]
    if data.draw(st.booleans()) and isinstance(target, dict):
        target.pop(path[-1], None)
    else:
        target[path[-1]] = replacement
    checked = check(body)
    assert checked.text == body_text(checked.body)


json_like_text = st.text(alphabet='{}[]":,/*\\\n unN0123456789aefilrstdD.-+EIyb', max_size=60)


@FAST
@given(st.one_of(st.text(max_size=60), json_like_text))
def test_loads_raises_nothing_but_payload_syntax_errors(text: str) -> None:
    try:
        loads(text, "fuzz.json")
    except PayloadSyntaxError as problem:
        assert problem.line >= 1
        assert problem.column >= 1
