"""Request signatures: Slack's official vector and the derived Events API vectors
(data/signature/, see data/README.md) verify with a clock frozen at their timestamp, and
every forged, stale, unsigned or malformed variant is refused."""
from __future__ import annotations

import json
import time
from types import SimpleNamespace

import pytest

from rasa_ext.slack_events import MAX_REQUEST_AGE_SECONDS, compute_signature, signature_problem
from tests.slack.conftest import SIGNATURE

OFFICIAL = json.loads((SIGNATURE / "official_slack_sdk_vector.json").read_text())
DERIVED = json.loads((SIGNATURE / "derived_event_vectors.json").read_text())
FROZEN = int(OFFICIAL["timestamp"])


def official_body() -> bytes:
    body = (SIGNATURE / "official_slack_sdk_vector.body").read_bytes()
    assert body.decode() == OFFICIAL["body"]
    return body


def test_the_official_vector_verifies_with_a_frozen_clock():
    body = official_body()
    assert compute_signature(OFFICIAL["signing_secret"], OFFICIAL["timestamp"], body) == \
        OFFICIAL["expected_signature"]
    assert signature_problem(OFFICIAL["signing_secret"], OFFICIAL["timestamp"], body,
                             OFFICIAL["expected_signature"], now=FROZEN) is None


def test_the_official_vector_is_stale_by_the_real_clock():
    problem = signature_problem(OFFICIAL["signing_secret"], OFFICIAL["timestamp"],
                                official_body(), OFFICIAL["expected_signature"], now=time.time())
    assert problem and "timestamp" in problem


def test_the_official_vector_with_a_tampered_body_is_refused():
    assert signature_problem(OFFICIAL["signing_secret"], OFFICIAL["timestamp"],
                             official_body() + b"------", OFFICIAL["expected_signature"],
                             now=FROZEN) == "signature does not match"


@pytest.mark.parametrize("vector", DERIVED["vectors"], ids=[v["name"] for v in DERIVED["vectors"]])
def test_derived_event_vectors(vector):
    body = (SIGNATURE / vector["body_file"]).read_bytes() + vector.get("body_suffix", "").encode()
    problem = signature_problem(vector["signing_secret"], vector["timestamp"], body,
                                vector["expected_signature"], now=int(DERIVED["frozen_clock"]))
    assert (problem is None) == vector["valid"], problem


@pytest.mark.parametrize("age,accepted", [
    (0, True), (MAX_REQUEST_AGE_SECONDS, True), (MAX_REQUEST_AGE_SECONDS + 1, False),
    (-MAX_REQUEST_AGE_SECONDS, True), (-MAX_REQUEST_AGE_SECONDS - 1, False),  # from the future
])
def test_requests_over_five_minutes_old_are_refused(age, accepted):
    body = b'{"type":"event_callback"}'
    stamp = str(FROZEN - age)
    signature = compute_signature("secret", stamp, body)
    problem = signature_problem("secret", stamp, body, signature, now=FROZEN)
    assert (problem is None) == accepted, problem


@pytest.mark.parametrize("timestamp,signature,reason", [
    (None, "v0=" + "0" * 64, "no X-Slack-Request-Timestamp header"),
    (str(FROZEN), None, "no X-Slack-Signature header"),
    ("", "", "no X-Slack-Signature header"),
    ("15314206l8", "v0=" + "0" * 64, "malformed X-Slack-Request-Timestamp header"),
    ("-1531420618", "v0=" + "0" * 64, "malformed X-Slack-Request-Timestamp header"),
    ("1531420618.5", "v0=" + "0" * 64, "malformed X-Slack-Request-Timestamp header"),
    (str(FROZEN), "v1=" + "0" * 64, "malformed X-Slack-Signature header"),
    (str(FROZEN), "v0=" + "Z" * 64, "malformed X-Slack-Signature header"),
    (str(FROZEN), "v0=" + "0" * 64, "signature does not match"),
])
def test_unsigned_and_malformed_headers_are_refused(timestamp, signature, reason):
    assert signature_problem("secret", timestamp, b"{}", signature, now=FROZEN) == reason


def test_an_empty_secret_verifies_nothing():
    body = b"{}"
    assert signature_problem("", str(FROZEN), body, compute_signature("", str(FROZEN), body),
                             now=FROZEN) == "no signing secret configured"


def test_the_slack_channel_verifies_the_official_vector_with_its_clock_frozen():
    from rasa_ext.slack import SlackInput

    channel = SlackInput("xoxb-test", OFFICIAL["signing_secret"], clock=lambda: FROZEN)
    request = SimpleNamespace(body=official_body(), headers={
        "X-Slack-Request-Timestamp": OFFICIAL["timestamp"],
        "X-Slack-Signature": OFFICIAL["expected_signature"],
        "Content-Type": OFFICIAL["content_type"]})
    assert channel.is_request_from_slack_authentic(request)
    # The same request a second after the five minutes: refused.
    late = SlackInput("xoxb-test", OFFICIAL["signing_secret"],
                      clock=lambda: FROZEN + MAX_REQUEST_AGE_SECONDS + 1)
    assert not late.is_request_from_slack_authentic(request)
    forged = SlackInput("xoxb-test", "another-secret", clock=lambda: FROZEN)
    assert not forged.is_request_from_slack_authentic(request)


def test_the_check_is_slack_sdks_own_verifier(monkeypatch):
    """The final word on a well-formed, fresh request is slack_sdk's SignatureVerifier."""
    import rasa_ext.slack_events as events

    calls = []

    class Refusing(events.SignatureVerifier):
        def is_valid(self, body, timestamp, signature):  # type: ignore[no-untyped-def]
            calls.append((body, timestamp, signature))
            return False

    monkeypatch.setattr(events, "SignatureVerifier", Refusing)
    body = b'{"type":"event_callback"}'
    stamp = str(int(time.time()))
    signed = compute_signature("secret", stamp, body)
    assert signature_problem("secret", stamp, body, signed, time.time()) == "signature does not match"
    assert calls == [(body, stamp, signed)]


def test_a_signed_body_that_is_not_utf8_is_refused_not_a_crash():
    body = b"\xff\xfe not utf-8"
    stamp = str(int(time.time()))
    assert signature_problem("secret", stamp, body, compute_signature("secret", stamp, body),
                             time.time()) == "signature does not match"
