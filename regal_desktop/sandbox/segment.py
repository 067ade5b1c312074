"""The sandbox as Segment's HTTP Tracking API: which paths, the limits, and the answer.

The limits are ``domain.segment``'s, the ones the sender packs batches by.
"""

from __future__ import annotations

import base64
import hmac
import json
from typing import Any

from regal_desktop.domain.segment import MAX_BATCH_BYTES, MAX_BATCH_MESSAGES, MAX_MESSAGE_BYTES

#: Where a Segment account's sandbox lives: ``{segment_url}/batch`` and so on.
SEGMENT_BASE = "/v1"
#: Segment's calls this receiver answers, under ``SEGMENT_BASE`` or at the root.
SEGMENT_CALLS = ("batch", "identify", "track")


def segment_call(path: str) -> str | None:
    """The Segment call ``path`` names (``batch``, ``identify``, ``track``), or None."""
    name = path.removeprefix(SEGMENT_BASE).removeprefix("/")
    return (
        name if name in SEGMENT_CALLS and path in (f"/{name}", f"{SEGMENT_BASE}/{name}") else None
    )


def _segment_json(success: bool, message: str | None = None) -> bytes:
    answer: dict[str, Any] = {"success": success}
    if message is not None:
        answer["message"] = message
    return json.dumps(answer).encode("utf-8")


def _segment_problem(call: str, raw: bytes) -> str | None:
    """Why Segment would answer 400 to ``raw`` posted to ``call``, or None."""
    limit = MAX_BATCH_BYTES if call == "batch" else MAX_MESSAGE_BYTES
    if len(raw) > limit:
        return f"body is {len(raw):,} bytes; {call} takes at most {limit:,}"
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return "Invalid JSON"
    if not isinstance(body, dict):
        return "body must be a JSON object"
    if call != "batch":
        return None
    batch = body.get("batch")
    if not isinstance(batch, list):
        return "batch must be a list of messages"
    if len(batch) > MAX_BATCH_MESSAGES:
        return f"batch has {len(batch):,} messages; at most {MAX_BATCH_MESSAGES:,}"
    for position, message in enumerate(batch):
        size = len(json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode())
        if size > MAX_MESSAGE_BYTES:
            return f"batch[{position}] is {size:,} bytes; a message takes at most 32 KB"
    return None


def judge(key: str | None, call: str, raw: bytes, authorization: str | None) -> tuple[int, bytes]:
    """Segment's answer: 200 ``{"success": true}``, 401 for a wrong write key (HTTP
    Basic, the key as user name; any is taken when ``key`` is None), 400 for a body over
    the limits or not JSON."""
    if key is not None:
        expected = "Basic " + base64.b64encode(f"{key}:".encode()).decode("ascii")
        if not hmac.compare_digest((authorization or "").encode("utf-8"), expected.encode("utf-8")):
            return 401, _segment_json(False, "Invalid write key")
    problem = _segment_problem(call, raw)
    if problem:
        return 400, _segment_json(False, problem)
    return 200, _segment_json(True)
