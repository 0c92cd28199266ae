"""Slack tests: the Events API material in data/ (see data/README.md), signed as Slack
signs it, and one real Slack-enabled bot per e2e module talking to a fake Slack Web API."""
from __future__ import annotations

import copy
import itertools
import json
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Optional

import pytest
import requests

from harness.fake_slack import sign

DATA = Path(__file__).resolve().parent / "data"
EVENTS = DATA / "events"
SIGNATURE = DATA / "signature"

# The official vector's secret; the e2e bot is configured with it too.
SIGNING_SECRET = json.loads(
    (SIGNATURE / "official_slack_sdk_vector.json").read_text())["signing_secret"]
BOT_TOKEN = "xoxb-test-token"

_counter = itertools.count(1)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives a real chromium (selenium) against the careers site "
                   "and the real Rasa and action servers")


def load_event(name: str) -> Dict[str, Any]:
    """A payload from data/events/ (`bolt_python/<file>.json` or `python_slack_events_api/...`)."""
    return json.loads((EVENTS / name).read_text())


def bolt(name: str) -> Dict[str, Any]:
    return load_event(f"bolt_python/{name}.json")


def fresh(payload: Dict[str, Any], *, text: Optional[str] = None, channel: Optional[str] = None,
          thread_ts: Optional[str] = None, user: Optional[str] = None) -> Dict[str, Any]:
    """A copy of a real payload made unique (event_id, message ts, and a channel and a
    user of its own unless given) so that each test's Slack traffic can be told apart."""
    payload = copy.deepcopy(payload)
    n = next(_counter)
    payload["event_id"] = f"Ev{uuid.uuid4().hex[:10].upper()}"
    event = payload.get("event")
    if isinstance(event, dict):
        # 500000 and up: never a ts the fake Slack gives its own messages (000001 and up),
        # so a reply is never mistaken for the message it replies to.
        stamp = f"{int(time.time())}.{500000 + n:06d}"
        if "ts" in event:
            event["ts"] = event["event_ts"] = stamp
        if "channel" in event:
            prefix = "D" if str(event["channel"]).startswith("D") else "C"
            event["channel"] = channel or f"{prefix}{uuid.uuid4().hex[:8].upper()}"
        if text is not None:
            event["text"] = text
        if thread_ts is not None:
            event["thread_ts"] = thread_ts
        if "user" in event or user is not None:
            event["user"] = user or f"U{uuid.uuid4().hex[:8].upper()}"
    return payload


def body_of(payload: Dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


class SlackClient:
    """Sends what Slack sends to the bot's Slack webhook."""

    def __init__(self, url: str, secret: str = SIGNING_SECRET) -> None:
        self.url, self.secret = url, secret

    def post(self, body: bytes, headers: Dict[str, str]) -> requests.Response:
        return requests.post(self.url, data=body, headers=headers, timeout=30)

    def send(self, payload: Dict[str, Any], **extra_headers: str) -> requests.Response:
        """`payload` signed with the current time, as Slack delivers it."""
        body = body_of(payload)
        return self.post(body, {**sign(self.secret, body), **extra_headers})


