"""Bodies and requests the store tests share."""

from __future__ import annotations

from typing import Any

from regal_desktop.domain.model import body_text
from regal_desktop.store import AttemptResult, NewRequest, Outcome, Store


def request(body: dict[str, Any], profile: str = "production", **fields: str) -> NewRequest:
    """A request for ``body`` as the editor would queue it."""
    defaults = {
        "endpoint": "https://events.regalvoice.com/events",
        "operator": "tester <ops@example.com>",
    }
    return NewRequest(profile=profile, body=body_text(body), **{**defaults, **fields})


def opt_in_body(number: str, channel: str = "sms", subscribed: bool = True) -> dict[str, Any]:
    """A body that records one consent change on one number."""
    return {
        "traits": {
            "phones": {
                number: {
                    f"{channel}OptIn": {
                        "subscribed": subscribed,
                        "text": "I agree to receive marketing texts",
                        "ip": "192.0.2.10",
                        "timestamp": "2024-05-01T10:00:00-04:00",
                    }
                }
            }
        }
    }


def deliver_all(store: Store, profile: str = "production") -> list[int]:
    """Claim every queued request of ``profile`` and record it delivered (the directory
    learns each body), as a sender would after Regal's 200; their ids."""
    claimed = store.outbox.claim(profile, 100_000, "host:1")
    store.outbox.record(
        [
            AttemptResult(
                c.id, "2024-05-01T14:00:01.000Z", "2024-05-01T14:00:02.000Z", 200, "ok",
                Outcome.DELIVERED,
            )
            for c in claimed
        ]
    )  # fmt: skip
    return [c.id for c in claimed]
