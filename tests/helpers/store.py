"""Bodies and requests the store tests share."""

from __future__ import annotations

from typing import Any

from regal_desktop.domain.model import body_text
from regal_desktop.store import NewRequest


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
