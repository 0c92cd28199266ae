"""The REST channel's per-sender limit comes from the environment, and a sender over it
is refused with 429 and a clear message (the live flood is in tests/e2e/test_bad_input.py)."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from sanic.exceptions import SanicException

from rasa_ext.credentials import REST_CHANNEL, build
from rasa_ext.rest import DEFAULT_RATE_LIMIT, RestInput


def test_the_default_limit_applies_when_the_environment_says_nothing():
    config = build({})[REST_CHANNEL]
    assert RestInput.from_credentials(config).rate_limit.limit == DEFAULT_RATE_LIMIT


def test_the_limit_comes_from_the_environment_and_zero_turns_it_off():
    assert RestInput.from_credentials(
        build({"REST_RATE_LIMIT_PER_MINUTE": "5"})[REST_CHANNEL]).rate_limit.limit == 5
    assert RestInput.from_credentials(
        build({"REST_RATE_LIMIT_PER_MINUTE": "0"})[REST_CHANNEL]).rate_limit is None


def _request(sender: str) -> SimpleNamespace:
    return SimpleNamespace(json={"sender": sender, "message": "what does it pay?"})


def test_a_sender_over_the_limit_gets_429_and_others_do_not():
    channel = RestInput(rate_limit_per_minute=2)
    extract = channel._extract_sender
    assert asyncio.run(extract(_request("a"))) == "a"
    assert asyncio.run(extract(_request("a"))) == "a"
    with pytest.raises(SanicException) as refused:
        asyncio.run(extract(_request("a")))
    assert refused.value.status_code == 429 and "Too many messages" in str(refused.value)
    assert asyncio.run(extract(_request("b"))) == "b"
