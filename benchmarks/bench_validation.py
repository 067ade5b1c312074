"""Validation of one contact with 2,000 phones, against parsing the same JSON."""

from __future__ import annotations

import json
from typing import Any

from benchmarks.common import Result, best_of, peak_memory
from regal_desktop.domain.check import check


def big_contact(phones: int, emails: int = 0) -> dict[str, Any]:
    """A realistic contact: valid US numbers with labels and opt-ins, and e-mails."""
    opt_in = {
        "subscribed": True,
        "text": "I agree to receive automated marketing calls and texts",
        "ip": "203.0.113.7",
        "timestamp": "2026-11-25T09:12:28-05:00",
    }
    return {
        "userId": "bench-1",
        "traits": {
            "firstName": "Rebecca",
            "phones": {
                f"+1954{5550000 + i:07d}"[:12]: {
                    "label": "Mobile",
                    "isPrimary": i == 0,
                    "voiceOptIn": opt_in,
                    "smsOptIn": opt_in,
                }
                for i in range(phones)
            },
            "emails": {f"user{i}@example.com": {"label": "Work"} for i in range(emails)},
        },
    }


def run() -> list[Result]:
    """Cold (first) and warm (cached numbers) validation of a 2,000-phone contact."""
    raw = big_contact(2000)
    text = json.dumps(raw)
    baseline = best_of(lambda: json.dumps(json.loads(text)), repeat=5)
    cold = best_of(lambda: check(json.loads(text)), repeat=1)
    warm = best_of(lambda: check(json.loads(text)), repeat=5)
    memory = peak_memory(lambda: check(json.loads(text)))
    return [
        Result(
            "validate 2,000-phone contact (first)",
            cold * 1e3,
            "ms",
            "json.loads+dumps",
            baseline * 1e3,
        ),
        Result(
            "validate 2,000-phone contact (again)",
            warm * 1e3,
            "ms",
            "json.loads+dumps",
            baseline * 1e3,
            peak_mib=memory,
        ),
    ]
