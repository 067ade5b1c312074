"""What the editor works out again on each keystroke, at the cost of what changed: the
wording warnings (per row), and the title's name (from the draft)."""

from __future__ import annotations

from dataclasses import replace

from regal_desktop.domain.model import ConsentState
from regal_desktop.ui.editor.draft import Consent, Draft, EmailRow, PhoneRow
from regal_desktop.ui.editor.evidence import WordingCheck, wording_findings
from regal_desktop.ui.editor.file_actions import contact_name
from tests.helpers.desk import TEMPLATES

CALLS, TEXTS = TEMPLATES[0].text, TEMPLATES[1].text


def _draft() -> Draft:
    """Two phones whose voice consent carries the SMS wording, and one that fits."""
    wrong = Consent(ConsentState.SUBSCRIBED, text=TEXTS)
    right = Consent(ConsentState.SUBSCRIBED, text=CALLS)
    return Draft(
        phones=(
            PhoneRow("(954) 558-2399", "Mobile", voice=wrong),
            PhoneRow("+13055550142", voice=wrong),
            PhoneRow("+15155552355", voice=right),
        ),
        emails=(EmailRow("jane@example.com", email=Consent(ConsentState.SUBSCRIBED, text=CALLS)),),
    )


def test_the_wording_check_finds_what_the_function_finds_and_rechecks_changed_rows() -> None:
    check, draft = WordingCheck(), _draft()
    first = check.findings(draft, TEMPLATES)
    assert first == wording_findings(draft, TEMPLATES)
    assert [f.path for f in first] == [
        'traits.phones["(954) 558-2399"].voiceOptIn.text',
        'traits.phones["+13055550142"].voiceOptIn.text',
        'traits.emails["jane@example.com"].emailOptIn.text',
    ]
    assert first[0].message.startswith("Mobile +1 954-558-2399, Voice consent: the words are")
    # A keystroke elsewhere (a name) keeps every row: the very same findings come back.
    named = replace(draft, first_name="Jane")
    assert all(a is b for a, b in zip(check.findings(named, TEMPLATES), first, strict=True))
    # Fixing the words of the second phone re-checks that row alone.
    fixed = replace(named.phones[1], voice=Consent(ConsentState.SUBSCRIBED, text=CALLS))
    edited = replace(named, phones=(named.phones[0], fixed, named.phones[2]))
    again = check.findings(edited, TEMPLATES)
    assert again == wording_findings(edited, TEMPLATES)
    assert [f.path for f in again] == [first[0].path, first[2].path] and again[0] is first[0]
    # Other wordings (Settings) judge every row again: without the saved SMS wording,
    # the words are judged by the channel they mention.
    unsaved = check.findings(edited, ())
    assert unsaved == wording_findings(edited, ()) and len(unsaved) == 2
    assert all("consent: the words mention" in f.message for f in unsaved)


def test_the_title_names_the_contact_from_the_draft() -> None:
    assert contact_name(Draft()) == ""
    assert contact_name(Draft(user_id=" u-7 ")) == "u-7"
    phones = (PhoneRow(" "), PhoneRow("(954) 558-2399"), PhoneRow("515 555 2355", primary=True))
    emails = (EmailRow("jane@example.com"),)
    assert contact_name(Draft(user_id="u-7", phones=phones, emails=emails)) == "515 555 2355"
    assert contact_name(Draft(user_id="u-7", phones=phones[:2])) == "(954) 558-2399"
    assert contact_name(Draft(user_id="u-7", emails=emails)) == "jane@example.com"
    assert contact_name(Draft(first_name=" Jane ", phones=phones)) == "Jane"
    assert contact_name(Draft(first_name="Jane", last_name="Doe ")) == "Jane Doe"
    assert contact_name(Draft(phones=(PhoneRow("+15155552355"),))) == "+1 515-555-2355"
