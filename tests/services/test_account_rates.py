"""Rates where they are entered: at least one a second, and at most Regal's 300 for an
account on Regal's own host (a profile at 2,000/s put 541 requests in one second at the
receiver; 0.5 was accepted, then failed as an internal error when sending)."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from regal_desktop.context import open_context
from regal_desktop.delivery.endpoint import REGAL_LIMIT
from regal_desktop.delivery.ratelimit import RateLimiter
from regal_desktop.services.accounts import (
    REGAL_MAX_RATE,
    AccountError,
    AccountProfile,
    profile_message,
)
from regal_desktop.store.settings import PROFILES

REGAL = "https://events.regalvoice.com/events"


def problem(**fields: object) -> str:
    with pytest.raises(ValidationError) as caught:
        AccountProfile.model_validate({"name": "prod", **fields})
    return profile_message(caught.value)


@pytest.mark.parametrize("rate", [0.5, 0, -3, math.nan])
def test_less_than_one_a_second_is_refused_in_one_line(rate: float) -> None:
    message = problem(endpoint=REGAL, rate=rate)
    assert message.startswith(f"rate {rate:g} is less than 1 request per second")
    assert "\n" not in message and "Value error" not in message


@pytest.mark.parametrize("endpoint", [REGAL, "https://eu.regalvoice.com/events"])
def test_more_than_300_is_refused_for_regals_own_host(endpoint: str) -> None:
    assert problem(endpoint=endpoint, rate=2000).startswith(
        "rate 2000 is more than the 300 requests per second Regal allows an account"
    )
    assert AccountProfile(name="prod", endpoint=endpoint, rate=300).rate == 300


def test_the_fastest_regal_account_stays_within_the_limiters_ceiling() -> None:
    fastest = AccountProfile(name="prod", endpoint=REGAL, rate=REGAL_MAX_RATE)
    limiter = RateLimiter(fastest.rate)
    assert limiter.limit == limiter.ceiling == REGAL_LIMIT
    assert problem(endpoint=REGAL, rate=REGAL_LIMIT + 1)


def test_other_hosts_may_go_faster_up_to_ten_thousand() -> None:
    proxy = "https://proxy.example.com/events"
    assert AccountProfile(name="proxy", endpoint=proxy, rate=2000).rate == 2000
    assert AccountProfile(name="local", endpoint="http://127.0.0.1:9/e", rate=5000).rate == 5000
    assert problem(endpoint=proxy, rate=10_001).startswith("rate 10001 is more than 10,000")
    assert problem(endpoint=proxy, rate=math.inf).startswith("rate inf is more than 10,000")


def test_a_rate_override_is_checked_against_the_profiles_host() -> None:
    ctx = open_context()
    try:
        ctx.accounts.save(AccountProfile(name="prod", endpoint=REGAL))
        with pytest.raises(AccountError, match=r"^rate 2000 is more than the 300 requests"):
            ctx.destination("prod", rate=2000)
        with pytest.raises(AccountError, match=r"^rate 0.5 is less than 1 request per second"):
            ctx.destination("prod", rate=0.5)
    finally:
        ctx.close()


def test_a_profile_saved_with_a_rate_out_of_bounds_is_kept_within_them() -> None:
    ctx = open_context()
    try:
        ctx.store.settings.write(
            PROFILES,
            [
                {"name": "fast", "endpoint": REGAL, "rate": 2000},
                {"name": "slow", "endpoint": REGAL, "rate": 0.5},
            ],
        )
        rates = {p.name: p.rate for p in ctx.accounts.all()}
    finally:
        ctx.close()
    assert rates == {"sandbox": 290.0, "fast": 300, "slow": 1}
