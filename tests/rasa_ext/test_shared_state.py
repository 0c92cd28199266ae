"""Slack events answered once by several Rasa processes sharing a Redis (REDIS_URL), and
still answered when that Redis is down.

Each replica is our SlackInput as Rasa makes it from credentials; a delivery is a request
signed as Slack signs it, handed to the channel's webhook handler; what the user sees is
counted in a fake Slack Web API: the bot's replies in the conversation.
"""
from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import redis
from rasa.core.channels.channel import UserMessage
from sanic.compat import Header
from sanic.response import HTTPResponse

from harness.fake_slack import FakeSlack, sign
from harness.redis_server import RedisServer, running_redis
from harness.servers import free_port
from rasa_ext.shared_state import check_redis_url, redacted
from rasa_ext.slack import SlackInput
from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET, body_of, bolt, fresh

ANSWER = "Here is what the role pays."
MENTION = bolt("test_events__valid_event_body")  # app_mention "<@W111> Hi there!" in C111
DM = bolt("test_payload_utils__im_message_no_thread_ts_body")  # message, channel_type im
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    with running_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(scope="module")
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(token=BOT_TOKEN) as fake:
        yield fake


def replica(slack: FakeSlack) -> SlackInput:
    """One Rasa process's Slack channel, configured as `make run` does (REDIS_URL from
    the environment)."""
    channel = SlackInput.from_credentials({"slack_token": BOT_TOKEN,
                                           "slack_signing_secret": SIGNING_SECRET,
                                           "api_base_url": slack.base_url})
    assert isinstance(channel, SlackInput)
    return channel


def delivery(payload: Dict[str, Any], **headers: str) -> SimpleNamespace:
    """What the webhook handler reads of Slack's request: the body and its headers."""
    body = body_of(payload)
    return SimpleNamespace(body=body, headers=Header({**sign(SIGNING_SECRET, body), **headers}))


async def answer(message: UserMessage) -> None:
    """Rasa answering, reduced to what the user sees: one reply in the conversation."""
    await message.output_channel.send_text_message(message.sender_id, ANSWER)


def deliver(*deliveries: Tuple[SlackInput, SimpleNamespace]) -> List[HTTPResponse]:
    """Each request to its replica's webhook in turn; then every answer is posted."""
    async def run() -> List[HTTPResponse]:
        responses = [await channel.handle(request, answer) for channel, request in deliveries]
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        await asyncio.gather(*others)
        return responses
    return asyncio.run(run())


def replies(slack: FakeSlack, payload: Dict[str, Any]) -> int:
    return len(slack.posts(channel=payload["event"]["channel"], text=ANSWER))


# -- replicas sharing a Redis -----------------------------------------------------------------
def test_a_slack_retry_reaching_another_replica_is_not_answered_again(
        redis_server, slack, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    first, second = replica(slack), replica(slack)
    payload = fresh(DM, text="how much does a machine learning engineer make?")
    responses = deliver((first, delivery(payload)), (second, delivery(payload, **RETRY)))
    assert [r.status for r in responses] == [200, 200]
    assert responses[1].body == b"Already handled."
    assert responses[1].headers.get("X-Slack-No-Retry") == "1"  # Slack stops retrying
    assert replies(slack, payload) == 1


def test_one_message_as_dm_and_mention_on_two_replicas_is_answered_once(
        redis_server, slack, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    dm = fresh(DM, text="<@W111> what does it pay?")
    mention = fresh(MENTION, text=dm["event"]["text"], channel=dm["event"]["channel"],
                    user=dm["event"]["user"])
    mention["event"]["ts"] = mention["event"]["event_ts"] = dm["event"]["ts"]
    responses = deliver((replica(slack), delivery(dm)), (replica(slack), delivery(mention)))
    assert responses[1].body == b"Already handled."
    assert replies(slack, dm) == 1


def test_the_record_is_namespaced_and_expires(redis_server, slack, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    payload = fresh(DM, text="what does it pay?")
    deliver((replica(slack), delivery(payload)))
    client = redis.Redis.from_url(redis_server.url)
    try:
        key = f"recruiting:slack:seen:event:{payload['event_id']}"
        assert 0 < client.ttl(key) <= 3600  # kept an hour (Slack retries for ~5 minutes)
    finally:
        client.close()


def test_without_redis_url_each_process_keeps_its_own_record(slack, monkeypatch):
    """The default, one Rasa process: nothing shared, nothing to set up."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    payload = fresh(DM, text="what does it pay?")
    one = replica(slack)
    responses = deliver((one, delivery(payload)), (one, delivery(payload, **RETRY)),
                        (replica(slack), delivery(payload, **RETRY)))
    assert [r.body for r in responses] == [b"", b"Already handled.", b""]
    assert replies(slack, payload) == 2  # a second process knows nothing of the first


# -- Redis down --------------------------------------------------------------------------------
def test_with_redis_down_messages_are_still_answered_with_one_warning(
        slack, monkeypatch, caplog):
    monkeypatch.setenv("REDIS_URL", f"redis://:secret@127.0.0.1:{free_port()}/0")
    channel = replica(slack)
    first = fresh(DM, text="what does it pay?")
    second = fresh(DM, text="where is the job?")
    with caplog.at_level(logging.INFO, logger="rasa_ext"):
        responses = deliver((channel, delivery(first)), (channel, delivery(first, **RETRY)),
                            (channel, delivery(second)))
    assert [r.status for r in responses] == [200, 200, 200]
    assert replies(slack, first) == 1 and replies(slack, second) == 1
    # ... and a retry reaching the same process is still recognised, as with one process.
    assert responses[1].body == b"Already handled."
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    warning = warnings[0]
    assert warning.name == "rasa_ext.shared_state" and warning.exc_info is None
    assert "Redis at redis://:***@127.0.0.1" in warning.getMessage()
    assert "secret" not in warning.getMessage() and "\n" not in warning.getMessage()


# -- REDIS_URL ------------------------------------------------------------------------------
@pytest.mark.parametrize("url, problem", [
    ("localhost:6379", "is not a redis://, rediss:// or unix:// URL"),
    ("http://localhost:6379/0", "is not a redis://, rediss:// or unix:// URL"),
    ("redis://:pw@localhost:63x9/0", "the port is not a number"),
])
def test_a_bad_redis_url_stops_the_channel_naming_the_variable(slack, monkeypatch, url, problem):
    monkeypatch.setenv("REDIS_URL", url)
    with pytest.raises(ValueError) as refused:
        replica(slack)
    assert str(refused.value).startswith("REDIS_URL=") and problem in str(refused.value)
    assert "pw" not in str(refused.value)


def test_redis_urls_are_logged_without_their_password():
    assert redacted("redis://user:pw@host:6390/1") == "redis://user:***@host:6390/1"
    assert redacted("redis://host:6390/1") == "redis://host:6390/1"
    assert check_redis_url("unix:///run/redis.sock?db=1") == "unix:///run/redis.sock?db=1"
