"""``regal-desktop events import``: every event checked, bad lines named, stored once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regal_desktop.cli import main
from regal_desktop.context import open_context


def _track(message_id: str, name: str = "contact.unsubscribed", **properties: object) -> str:
    props = {"phone": "+19545582399", "channel": "sms", "timestamp": 1714572000, **properties}
    return json.dumps(
        {"type": "track", "event": name, "messageId": message_id, "properties": props}
    )


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A JSON array in Regal's sample shape, JSON lines with a bad line, a CSV export."""
    array = tmp_path / "regal.json"
    array.write_text(
        json.dumps(
            [
                {
                    "name": "contact.subscribed",
                    "userId": "u1",
                    "traits": {"phone": "+19545582399"},
                    "properties": {"channel": "voice", "source": "regalvoice.agent_desktop"},
                    "originalTimestamp": "2024-05-01T10:00:00-04:00",
                },
                {"name": "contact.subscribed", "traits": {"email": "jane@example.com"}},
            ],
            indent=2,
        ),
        encoding="utf-8",
    )
    lines = tmp_path / "segment.jsonl"
    lines.write_text(
        "\n".join([_track("m1"), "{oops", _track("m2", channel="fax"), _track("m3")]) + "\n",
        encoding="utf-8",
    )
    export = tmp_path / "contact_unsubscribed.csv"
    export.write_text(
        "id,event,event_text,user_id,received_at,phone,channel,source,timestamp\n"
        "m1,contact_unsubscribed,contact.unsubscribed,,,+19545582399,sms,,1714572000\n"
        "w9,contact_unsubscribed,contact.unsubscribed,u1,,12,sms,,1714572000\n",
        encoding="utf-8",
    )
    return {"array": array, "lines": lines, "export": export}


def _stored() -> list[tuple[str, str]]:
    ctx = open_context()
    try:
        return [(row.identity, row.origin) for row in ctx.store.events.since(None)]
    finally:
        ctx.close()


def test_both_shapes_and_a_csv_export_are_stored_and_bad_lines_named(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["events", "import", str(files["array"]), str(files["lines"]), str(files["export"])]
    )
    out, err = capsys.readouterr()
    array, lines, export = files["array"], files["lines"], files["export"]
    assert err.splitlines() == [
        f"{lines}:2: not valid JSON: Expecting property name enclosed in double quotes (column 2)",
        f'{lines}:3: properties.channel: "fax" is not a channel (voice, SMS or email)',
        f'{export}:3: phone: "12" has too few digits for its country',
    ]
    # m1 is in the JSON lines and (as the warehouse row's id) in the export: stored once.
    assert out == "stored 4, already known 1, rejected 3\n"
    assert code == 1
    origins = dict(_stored())
    assert origins["m1"] == f"{lines}:1"
    assert origins["m3"] == f"{lines}:4"
    assert sorted(origin for origin in origins.values() if origin.startswith(str(array))) == [
        f"{array}:14",
        f"{array}:2",
    ]


def test_importing_the_same_events_twice_stores_them_once(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["events", "import", str(files["array"])]) == 0
    assert capsys.readouterr().out == "stored 2, already known 0, rejected 0\n"
    assert main(["events", "import", str(files["array"])]) == 0
    assert capsys.readouterr().out == "stored 0, already known 2, rejected 0\n"
    assert len(_stored()) == 2


def test_a_file_that_cannot_be_read_exits_2_after_storing_the_others(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.json"
    code = main(["events", "import", str(missing), str(files["array"])])
    out, err = capsys.readouterr()
    assert code == 2
    assert err == f"{missing}: cannot be read: No such file or directory\n"
    assert out == "stored 2, already known 0, rejected 0, files not read 1\n"
    assert len(_stored()) == 2
