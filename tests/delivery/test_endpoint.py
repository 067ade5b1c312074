"""Endpoints: https everywhere, plain http only to this computer."""

from __future__ import annotations

import pytest

from regal_desktop.delivery.endpoint import (
    REGAL_ENDPOINT,
    EndpointError,
    check_endpoint,
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
