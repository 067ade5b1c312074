"""Marks against what Regal holds: opening a known 500-phone contact and computing what
differs from the known profile (every single-line field, phone, e-mail and custom trait;
the window itself asks only for the rows on screen), against the preview alone (the check
against the same known profile and the body's text) of the same contact, in the same run.

The issue's goal: the changes within one frame (16 ms).
"""

from __future__ import annotations

import copy

from benchmarks.bench_validation import big_contact
from benchmarks.common import Result, best_of

PHONES = 500
FRAME_MS = 16.0


def run() -> list[Result]:
    """Changes of an unchanged and of a slightly changed known contact, vs the preview."""
    from regal_desktop.domain.check import check
    from regal_desktop.services.checking import check_known
    from regal_desktop.ui.editor.baseline import changes
    from regal_desktop.ui.editor.draft import from_body, to_raw

    known = big_contact(PHONES)
    known = check(known).body  # the directory holds checked bodies

    def open_draft() -> object:
        return from_body(check(known).body)

    draft = from_body(check(known).body)
    raw = to_raw(draft)
    edited = copy.deepcopy(known)
    edited["traits"]["firstName"] = "Becky"
    edited["traits"]["phones"]["+19545550007"]["label"] = "Work"
    edited_draft = from_body(check(edited).body)
    found = changes(edited_draft, known)
    assert not changes(draft, known) and found.fields and found.phones  # sanity

    def preview() -> str:
        return check_known(raw, "US", lambda _key: known)[0].text

    preview()  # warm the number cache, as a window that has shown the contact has
    baseline = best_of(preview, repeat=10)
    unchanged = best_of(lambda: changes(draft, known), repeat=20)
    changed = best_of(lambda: changes(edited_draft, known), repeat=20)
    opened = best_of(lambda: changes(from_body(check(known).body), known), repeat=5)
    base_open = best_of(open_draft, repeat=5)

    def verdict(seconds: float) -> str:
        return "met" if seconds * 1e3 < FRAME_MS else "missed"

    return [
        Result(
            f"changes against the known profile, {PHONES} phones, unchanged",
            unchanged * 1e3,
            "ms",
            "preview alone (check vs known + text)",
            baseline * 1e3,
            note=f"best of 20; goal < {FRAME_MS:.0f} ms ({verdict(unchanged)})",
        ),
        Result(
            f"changes against the known profile, {PHONES} phones, name and a label changed",
            changed * 1e3,
            "ms",
            "preview alone (check vs known + text)",
            baseline * 1e3,
            note=f"best of 20; goal < {FRAME_MS:.0f} ms ({verdict(changed)})",
        ),
        Result(
            f"open a known {PHONES}-phone contact and compute its changes",
            opened * 1e3,
            "ms",
            "open it alone (check + draft)",
            base_open * 1e3,
            note=f"best of 5; the changes add {(opened - base_open) * 1e3:.1f} ms",
        ),
    ]
