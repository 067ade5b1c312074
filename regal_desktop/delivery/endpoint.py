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
#: Regal's documented limit per account, requests per second; never exceeded at the server.
REGAL_LIMIT = 300
#: Requests per second the sender aims for by default: Regal's 300 less a margin for jitter.
DEFAULT_RATE = 290.0
_REGAL_HOST = "events.regalvoice.com"
#: Regal's own domain: its hosts get no warning.
_REGAL_DOMAIN = "regalvoice.com"

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


def _odd_character(text: str) -> str | None:
    """The first character an address cannot hold (a line break, a control character,
    white space), described with its position; None when there is none."""
    for position, char in enumerate(text, start=1):
        if char in "\r\n\u2028\u2029\x85":
            what = "a line break"
        elif char.isspace():
            named = {" ": "a space", "\t": "a tab"}
            what = named.get(char, f"white space (U+{ord(char):04X})")
        elif ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
            what = f"a control character ({char.encode('unicode_escape').decode('ascii')})"
        else:
            continue
        return f"{what} at character {position}"
    return None


def check_endpoint(url: str) -> str:
    """Return ``url`` (trimmed) if it is a usable endpoint, else raise ``EndpointError``.

    ``https://`` to any host is fine; ``http://`` only to a loopback host. Line breaks,
    control characters and white space inside are refused: ``urlsplit`` silently drops
    some of them, and the request line cannot carry them.
    """
    text = url.strip()
    odd = _odd_character(text)
    if odd:
        raise EndpointError(
            f"endpoint {text!r} contains {odd}; enter the address on one line, without spaces"
        )
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


def _regals_own(host: str) -> bool:
    return host == _REGAL_DOMAIN or host.endswith("." + _REGAL_DOMAIN)


def is_regals_own(url: str) -> bool:
    """True when ``url`` goes to one of Regal's own hosts (``regalvoice.com``), where
    Regal's limits (300 requests per second per account) apply."""
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    return _regals_own(host)


def endpoint_warning(url: str) -> str | None:
    """A one-line warning for an endpoint that is allowed but may not be what it seems, or
    None: a host name beyond ASCII (a look-alike such as a Cyrillic "е" in
    ``еvents.regalvoice.com``), or a host that is neither Regal's own (``regalvoice.com``)
    nor this computer. It stays a warning: a company may send through its own proxy.
    """
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    except ValueError:
        return None  # check_endpoint says what is wrong with it
    if not host:
        return None
    if not host.isascii():
        position, char = next((n, c) for n, c in enumerate(host, start=1) if not c.isascii())
        try:
            spelled = host.encode("idna").decode("ascii")
        except UnicodeError:
            spelled = host.encode("ascii", "backslashreplace").decode("ascii")
        return (
            f"the host name {host} has a letter beyond ASCII (U+{ord(char):04X} at character "
            f"{position}; the network sees {spelled}): it may only look like Regal's "
            f"{_REGAL_HOST}; check it"
        )
    if _regals_own(host) or _is_loopback_host(host):
        return None
    return (
        f"{host} is not Regal's own host ({_REGAL_HOST}): requests and the API key go to "
        "whoever runs it; make sure it is your company's proxy"
    )
