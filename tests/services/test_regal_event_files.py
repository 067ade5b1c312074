"""Files of Regal's events: JSON arrays, one event, Segment batches, JSON lines, CSV exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regal_desktop.domain.regal_events import EventError, RegalEvent
from regal_desktop.services.regal_events import EventFileError, read_events

GOOD = {
    "event": "contact.unsubscribed",
    "properties": {"phone": "+19545582399", "channel": "sms", "timestamp": 1714572000},
}


def _lines(path: Path) -> list[tuple[int, str]]:
    """(line, identity or 'ERR: reason') for every event of ``path``."""
    out: list[tuple[int, str]] = []
    for line, read in read_events(path):
        if isinstance(read, EventError):
            out.append((line, f"ERR: {read.reason}"))
        else:
            assert isinstance(read, RegalEvent)
            out.append((line, read.event))
    return out


def test_array_elements_are_numbered_by_the_line_they_start_on(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    path.write_text(
        "[\n"
        + json.dumps(GOOD, indent=2)
        + ",\n"
        + json.dumps({"name": "contact.subscribed", "traits": {"phone": "+19545582399"}})
        + ',\n  {"event": "call.completed"}\n]\n',
        encoding="utf-8",
    )
    assert _lines(path) == [
        (2, "contact.unsubscribed"),
        (10, "ERR: no channel: expected properties.channel (voice, SMS or email)"),
        (11, "call.completed"),
    ]


def test_one_pretty_printed_event_and_a_batch(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text("\n" + json.dumps(GOOD, indent=2), encoding="utf-8")
    assert _lines(one) == [(2, "contact.unsubscribed")]
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps({"batch": [GOOD, {"type": "identify"}]}, indent=1), "utf-8")
    assert _lines(batch) == [
        (1, "contact.unsubscribed"),
        (1, "ERR: batch[1]: a Segment identify call is not an event (only track calls are read)"),
    ]


def test_json_lines_report_a_broken_line_and_go_on(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(
        "{not json\n" + json.dumps(GOOD) + "\n\n" + json.dumps({"event": 3}) + "\n", "utf-8"
    )
    assert _lines(path) == [
        (1, "ERR: not valid JSON: Expecting property name enclosed in double quotes (column 2)"),
        (2, "contact.unsubscribed"),
        (4, "ERR: event: the event name must be text, not int"),
    ]


def test_a_warehouse_csv_export(tmp_path: Path) -> None:
    path = tmp_path / "contact_unsubscribed.csv"
    path.write_text(
        "id,event,event_text,user_id,received_at,phone,channel,source,text,ip,timestamp\r\n"
        "w1,contact_unsubscribed,contact.unsubscribed,9,2024-05-01 14:00:09 UTC,+19545582399,SMS,"
        'regalvoice.sms,"Reply\r\nSTOP",192.0.2.1,1714572000\r\n'
        "w2,contact_unsubscribed,contact.unsubscribed,9,,+19545582399,pager,,,,\r\n"
        "\r\n"
        "w3,contact_subscribed,,10,,+19545582399,voice,Brand.api,,,2024-05-01T14:00:00Z\r\n",
        encoding="utf-8",
    )
    reads = list(read_events(path))
    assert [line for line, _ in reads] == [2, 4, 6]
    first = reads[0][1]
    assert isinstance(first, RegalEvent)
    assert (first.identity, first.text, first.ip, first.channel) == (
        "w1",
        "Reply\nSTOP",
        "192.0.2.1",
        "sms",
    )
    assert isinstance(reads[1][1], EventError)
    assert reads[1][1].reason == 'channel: "pager" is not a channel (voice, SMS or email)'
    third = reads[2][1]
    assert isinstance(third, RegalEvent)
    assert (third.event, third.subscribed) == ("contact.subscribed", True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'[{"event": "x"},\n{"event": ', "bad.json:2: not valid JSON: Expecting value"),
        (b'{\n"event": "x"\n} }', "bad.json:3: not valid JSON: more text after the event"),
        (b"[\xff]", "bad.json:1: not UTF-8 text"),
        (b"name,phone\nJane,+19545582399\n", "bad.json: not JSON, JSON lines or a CSV export"),
    ],
)
def test_files_that_cannot_be_read(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(EventFileError) as caught:
        list(read_events(path))
    assert str(caught.value).startswith(f"{tmp_path}/{message}")


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(EventFileError, match="cannot be read"):
        list(read_events(tmp_path / "nowhere.json"))
