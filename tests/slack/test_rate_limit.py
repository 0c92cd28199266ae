"""The per-user limit that keeps one Slack user from flooding the bot."""
from __future__ import annotations

from rasa_ext.rate_limit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_user_over_the_limit_is_refused_and_told_once():
    clock = Clock()
    limiter = RateLimiter(3, 60, clock)
    assert [limiter.allow("U1") for _ in range(3)] == [True, True, True]
    assert limiter.allow("U1") is False and limiter.first_refusal is True
    assert limiter.allow("U1") is False and limiter.first_refusal is False


def test_other_users_are_not_affected():
    limiter = RateLimiter(2, 60, Clock())
    limiter.allow("U1"), limiter.allow("U1"), limiter.allow("U1")
    assert limiter.allow("U2") is True


def test_the_window_slides():
    clock = Clock()
    limiter = RateLimiter(2, 60, clock)
    limiter.allow("U1")
    clock.now += 30
    limiter.allow("U1")
    assert limiter.allow("U1") is False
    clock.now += 31  # the first message is now over a minute old
    assert limiter.allow("U1") is True
    assert limiter.allow("U1") is False and limiter.first_refusal is True


def test_idle_users_are_forgotten():
    clock = Clock()
    limiter = RateLimiter(1, 60, clock, max_users=10)
    for n in range(20):
        limiter.allow(f"U{n}")
    clock.now += 61
    limiter.allow("U-new")
    assert len(limiter._sent) <= 11
