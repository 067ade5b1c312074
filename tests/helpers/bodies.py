"""Request bodies shared by the memory tests: Jane opts in to SMS, then out; Bob to voice."""

from __future__ import annotations

from typing import Any

JANE_PHONE = "+19545582399"


def jane(subscribed: bool, when: str) -> dict[str, Any]:
    """Jane (u-1) with an SMS opt-in or opt-out recorded at ``when``."""
    text = "Yes, text me offers from Acme." if subscribed else "Customer replied STOP."
    return {
        "userId": "u-1",
        "traits": {
            "firstName": "Jane",
            "lastName": "Doe",
            "phones": {
                JANE_PHONE: {
                    "label": "mobile",
                    "isPrimary": True,
                    "smsOptIn": {
                        "subscribed": subscribed,
                        "timestamp": when,
                        "ip": "203.0.113.7",
                        "text": text,
                        "source": "web form" if subscribed else "sms keyword",
                    },
                }
            },
            "emails": {"jane@example.com": {"isPrimary": True}},
        },
    }


BOB: dict[str, Any] = {
    "traits": {
        "firstName": "Bob",
        "phones": {
            "+15155552355": {
                "isPrimary": True,
                "voiceOptIn": {
                    "subscribed": True,
                    "timestamp": "2026-11-25T10:00:00Z",
                    "ip": "198.51.100.4",
                    "text": "You may call me.",
                },
            }
        },
    },
}

#: The consent time of BODY.
NOW = "2026-11-25T14:03:07-05:00"
#: A contact opting +1 954-558-2399 out of SMS; "Zoë" checks the body travels as UTF-8.
BODY: dict[str, Any] = {
    "userId": "u-100",
    "traits": {
        "firstName": "Zoë",
        "phones": {
            "+19545582399": {
                "label": "mobile",
                "isPrimary": True,
                "smsOptIn": {
                    "subscribed": False,
                    "timestamp": NOW,
                    "text": "Customer replied STOP.",
                    "source": "crm",
                },
            }
        },
        "emails": {"jane@example.com": {"isPrimary": True}},
    },
}
