"""Endpoints: https everywhere, plain http only to this computer."""

from __future__ import annotations

import pytest

from regal_desktop.delivery.endpoint import (
    REGAL_ENDPOINT,
    EndpointError,
    check_endpoint,
    endpoint_warning,
    is_loopback,
)


@pytest.mark.parametrize(
    "url",
    [
        REGAL_ENDPOINT,
        "https://staging.example.com:8443/events",
        "http://127.0.0.1:8765/events",
        "http://127.8.9.10/events",
        "http://[::1]:9000/events",
        "http://localhost:8765/events",
        "http://LOCALHOST/events",
        "  https://events.regalvoice.com/events  ",
    ],
)
def test_accepted_endpoints(url: str) -> None:
    assert check_endpoint(url) == url.strip()


@pytest.mark.parametrize(
    "url",
    [
        "http://events.regalvoice.com/events",
        "http://192.168.1.10/events",
        "http://[::2]/events",
        "http://localhost.example.com/events",
        "http://128.0.0.1/events",
    ],
)
def test_plain_http_elsewhere_is_refused(url: str) -> None:
    with pytest.raises(EndpointError, match=r"http:// is only allowed for the sandbox"):
        check_endpoint(url)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://example.com/events", "must start with https://"),
        ("events.regalvoice.com/events", "must start with https://"),
        ("https:///events", "has no host"),
        ("https://example.com:notaport/events", "not a valid address"),
    ],
)
def test_malformed_endpoints(url: str, why: str) -> None:
    with pytest.raises(EndpointError, match=why):
        check_endpoint(url)


def test_credentials_in_the_address_are_refused_without_echoing_them() -> None:
    with pytest.raises(EndpointError) as caught:
        check_endpoint("https://user:s3cret-key@events.regalvoice.com/events")
    assert "s3cret-key" not in str(caught.value)


def test_is_loopback() -> None:
    assert is_loopback("http://127.0.0.1:1/events")
    assert is_loopback("http://[::1]/events")
    assert is_loopback("https://localhost/events")
    assert not is_loopback(REGAL_ENDPOINT)
    assert not is_loopback("not a url")


@pytest.mark.parametrize(
    ("url", "what"),
    [
        ("https://events.regalvoice.com/ev\nents", "a line break at character 33"),
        ("https://events.regalvoice.com/events\r\nX-Evil: 1", "a line break at character 37"),
        ("https://events.regal\rvoice.com/events", "a line break at character 21"),
        ("https://events.regalvoice.com/ev ents", "a space at character 33"),
        ("https://events.regalvoice.com/\tevents", "a tab at character 31"),
        ("https://events.regalvoice.com/\x00", r"a control character (\x00)"),
        ("https://events.regalvoice.com/\x1b[2J", r"a control character (\x1b)"),
        ("https://events.regalvoice.com/\u2028events", "a line break at character 31"),
    ],
)
def test_line_breaks_and_control_characters_are_refused(url: str, what: str) -> None:
    with pytest.raises(EndpointError) as caught:
        check_endpoint(url)
    message = str(caught.value)
    assert what in message and "one line" in message
    assert "\n" not in message and "\r" not in message and "\x1b" not in message


@pytest.mark.parametrize(
    "url",
    [
        REGAL_ENDPOINT,
        "https://EVENTS.RegalVoice.com/events",
        "https://events.regalvoice.com./events",
        "http://127.0.0.1:8765/events",
        "http://localhost/events",
        "sandbox",
    ],
)
def test_regals_own_hosts_and_this_computer_get_no_warning(url: str) -> None:
    assert endpoint_warning(url) is None


def test_a_look_alike_host_is_warned_about_with_what_the_network_sees() -> None:
    warning = endpoint_warning("https://\u0435vents.regalvoice.com/events")  # Cyrillic е
    assert warning is not None
    assert "U+0435 at character 1" in warning
    assert "xn--vents-ywe.regalvoice.com" in warning
    assert check_endpoint("https://\u0435vents.regalvoice.com/events")  # still allowed


@pytest.mark.parametrize(
    "url",
    [
        "https://proxy.example.com/events",
        "https://regalvoice.com.example.net/events",
        "https://events-regalvoice.com/events",
        "https://203.0.113.7/events",
    ],
)
def test_another_host_is_warned_about_as_not_regals_own(url: str) -> None:
    warning = endpoint_warning(url)
    assert warning is not None and "is not Regal's own host" in warning and "\n" not in warning
