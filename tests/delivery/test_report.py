"""Regal's answer to one attempt, in one line."""

from __future__ import annotations

from regal_desktop.delivery.report import regal_answer


def test_regal_answer_reads_the_message() -> None:
    assert regal_answer(400, '{"message": "phones: bad"}') == "HTTP 400: phones: bad"
    assert (
        regal_answer(502, "<html>\n Bad gateway </html>") == "HTTP 502: <html> Bad gateway </html>"
    )
    assert (
        regal_answer(None, "connection refused by 127.0.0.1") == "connection refused by 127.0.0.1"
    )
    assert regal_answer(None, None) == ""


def test_regal_answer_without_a_body_and_a_long_one() -> None:
    assert regal_answer(503, "") == "HTTP 503"
    assert regal_answer(400, '{"message": 7}') == 'HTTP 400: {"message": 7}'
    long = regal_answer(400, "x" * 1000)
    assert long == "HTTP 400: " + "x" * 300 + "…"


def test_regal_answer_shows_escape_sequences_instead_of_obeying_them() -> None:
    assert regal_answer(400, '{"message": "bad \\u001b[2J\\u001b[31mred"}') == (
        "HTTP 400: bad \\x1b[2J\\x1b[31mred"
    )
    assert regal_answer(500, "oops\x1b]0;owned\x07") == "HTTP 500: oops\\x1b]0;owned\\x07"
    assert regal_answer(None, "refused \x1b[1m") == "refused \\x1b[1m"
    assert "\x1b" not in regal_answer(400, "x" * 299 + "\x1b[2J")


def test_segments_answers_read_in_one_line() -> None:
    assert regal_answer(200, '{"success": true}') == "HTTP 200: success"
    assert regal_answer(400, '{"success": false, "message": "Invalid JSON"}') == (
        "HTTP 400: Invalid JSON"
    )
