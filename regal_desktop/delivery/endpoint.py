"""Which endpoints a profile may send to.

Production traffic carries an API key and personal data, so it must travel over TLS.
Plain ``http://`` is allowed only for a receiver on this computer (the built-in sandbox),
where nothing leaves the machine. TLS verification is always on; nothing here turns it off.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

#: Regal's Custom Events endpoint.
REGAL_ENDPOINT = "https://events.regalvoice.com/events"

_HTTP_ONLY_LOCAL = (
    "http:// is only allowed for the sandbox on this computer "
    "(127.0.0.1, ::1, localhost); use https://"
)


class EndpointError(ValueError):
    """An endpoint address that Regal Desktop will not send to; the message says why."""


def _is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback(url: str) -> bool:
    """True when ``url`` points at this computer (127.0.0.0/8, ``::1`` or ``localhost``)."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return False
    return host is not None and _is_loopback_host(host)


def check_endpoint(url: str) -> str:
    """Return ``url`` (trimmed) if it is a usable endpoint, else raise ``EndpointError``.

    ``https://`` to any host is fine; ``http://`` only to a loopback host.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - parsing the port is what raises on "host:abc"
    except ValueError as exc:
        raise EndpointError(f"endpoint {text!r} is not a valid address: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise EndpointError(
            f"endpoint {text!r} must start with https:// (for example {REGAL_ENDPOINT})"
        )
    if not parts.hostname:
        raise EndpointError(f"endpoint {text!r} has no host name")
    if parts.username or parts.password:
        # Credentials in a URL end up in logs and history; the key belongs in the keychain.
        # The address itself is not echoed: it holds the secret.
        raise EndpointError("the endpoint address must not contain a user name or password")
    if scheme == "http" and not _is_loopback_host(parts.hostname):
        raise EndpointError(f"endpoint {text!r}: {_HTTP_ONLY_LOCAL}")
    return text
