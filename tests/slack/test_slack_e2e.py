"""End to end: the real action and Rasa servers with the Slack channel on, Slack's own
Events API payloads (data/events/) signed as Slack signs them, and a fake Slack Web API
(harness/fake_slack.py) recording what the bot posts.

One bot for the module. Each test uses its own channel and user ids, so what the fake
received can be told apart. "Nothing posted" is checked after a barrier: a DM sent
afterwards must be answered, and be the only thing posted since the test began.
"""
from __future__ import annotations

import json
import time
from contextlib import contextmanager
from typing import Dict, Iterator, List, Optional

import pytest
import requests

from bot import KnowledgeBase
from bot.loader import load_knowledge
from harness.fake_slack import BOT_USER_ID, FakeSlack, sign
from harness.servers import DEFAULT_MODEL, Bot
from rasa_ext.mrkdwn import to_mrkdwn
from tests.conftest import KNOWLEDGE, ML_SALARY, sqlite_url
from tests.slack.conftest import (BOT_TOKEN, SIGNATURE, SIGNING_SECRET, SlackClient, body_of,
                                  bolt, fresh)

pytestmark = pytest.mark.e2e

API_TOKEN = "test-api-token"
ROLE = "machine-learning-engineer"
MENTION = bolt("test_events__valid_event_body")  # app_mention "<@W111> Hi there!" in C111
DM = bolt("test_payload_utils__im_message_no_thread_ts_body")  # message, channel_type im


# -- the bot and the fake Slack ---------------------------------------------------------
@pytest.fixture(scope="module")
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(token=BOT_TOKEN) as fake:
        yield fake


@pytest.fixture(scope="module")
def bot(tmp_path_factory, slack: FakeSlack) -> Iterator[Bot]:
    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run the tests through `make test`")
    work = tmp_path_factory.mktemp("slack-bot")
    kb = work / "knowledge.sqlite"
    load_knowledge(KNOWLEDGE, sqlite_url(kb))
    running = Bot(work, sqlite_url(kb), extra_env={
        "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_BASE_URL": slack.base_url,
    }, rasa_args=["--enable-api", "--auth-token", API_TOKEN])  # to read what NLU was given
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def kb_facts(bot: Bot):
    kb = KnowledgeBase(bot.kb_url)
    yield lambda topic: kb.facts(ROLE, topic)
    kb.close()


@pytest.fixture(scope="module")
def client(bot: Bot) -> SlackClient:
    return SlackClient(f"{bot.url}/webhooks/slack/webhook")


def posts_since(slack: FakeSlack, start: int) -> List[Dict]:
    return [c.args for c in slack.calls_to("chat.postMessage")][start:]


@contextmanager
def nothing_posted(slack: FakeSlack, client: SlackClient,
                   user: Optional[str] = None) -> Iterator[None]:
    """Assert the block made the bot post nothing: afterwards a DM is answered, and that
    answer is the only post since the block began.

    The DM comes from `user` (the sender of what the block sent), in a new channel. Rasa
    handles one sender's messages in order, so when the DM is answered anything the block
    wrongly handed to Rasa has been answered too. Without a sender, wait a little longer.
    """
    start = len(slack.calls_to("chat.postMessage"))
    yield
    barrier = fresh(DM, text="hi", user=user)
    assert client.send(barrier).status_code == 200
    slack.wait_for_post(channel=barrier["event"]["channel"])
    time.sleep(0.3 if user else 2.5)
    assert [p["channel"] for p in posts_since(slack, start)] == [barrier["event"]["channel"]]


def user_texts(bot: Bot, sender: str, at_least: int = 1, timeout: float = 15) -> List[str]:
    """What NLU saw from `sender`, once the tracker store holds `at_least` messages (Rasa
    posts the reply to Slack before it saves the conversation)."""
    deadline = time.monotonic() + timeout
    while True:
        tracker = requests.get(f"{bot.url}/conversations/{sender}/tracker",
                               params={"token": API_TOKEN}, timeout=10).json()
        texts = [e["text"] for e in tracker["events"] if e["event"] == "user"]
        if len(texts) >= at_least or time.monotonic() > deadline:
            return texts
        time.sleep(0.2)


# -- start-up and url_verification --------------------------------------------------------
def test_the_token_is_checked_against_the_configured_slack_api_at_start_up(bot, slack):
    call = slack.wait_for(lambda: slack.calls_to("auth.test"), timeout=20)[0]
    assert call.authorization == f"Bearer {BOT_TOKEN}"
    deadline = time.monotonic() + 10
    while "Slack channel on: the bot is @recruiting-bot" not in bot.rasa.log.read_text():
        assert time.monotonic() < deadline, "auth.test's outcome is not in the log"
        time.sleep(0.2)


def test_url_verification_is_answered_with_the_challenge(slack, client):
    body = (SIGNATURE / "url_verification.body").read_bytes()  # Slack's exact bytes
    with nothing_posted(slack, client):
        response = client.post(body, sign(SIGNING_SECRET, body))
        assert response.status_code == 200
        assert response.json() == {"challenge": "valid_challenge_token"}


# -- answered ----------------------------------------------------------------------------
def test_a_mention_in_a_channel_is_answered_there_without_the_mention_reaching_nlu(
        bot, slack, client):
    question = "how much does a machine learning engineer make?"
    payload = fresh(MENTION, text=f"<@{BOT_USER_ID}> {question}")
    event = payload["event"]
    response = client.send(payload)
    assert response.status_code == 200
    post = slack.wait_for_post(channel=event["channel"])
    assert ML_SALARY in post["text"] and "per year" in post["text"]
    assert "thread_ts" not in post
    assert user_texts(bot, event["user"]) == [question]
    assert len(slack.posts(channel=event["channel"])) == 1


def test_a_direct_message_is_answered_in_the_dm(bot, kb_facts, slack, client):
    payload = fresh(DM, text="which skills and qualifications do I need?")
    assert client.send(payload).status_code == 200
    post = slack.wait_for_post(channel=payload["event"]["channel"])
    assert "thread_ts" not in post
    for fact in kb_facts("skills"):
        assert fact.text in post["text"]
    assert "• *Programming:* Rigorous knowledge of R, Java and Python" in post["text"]


def test_a_mention_inside_a_thread_is_answered_in_that_thread(slack, client):
    parent = "1700000000.000100"
    payload = fresh(MENTION, text=f"<@{BOT_USER_ID}> what's the salary for this job?",
                    thread_ts=parent)
    assert client.send(payload).status_code == 200
    post = slack.wait_for_post(channel=payload["event"]["channel"])
    assert post["thread_ts"] == parent and ML_SALARY in post["text"]


def test_a_direct_message_in_a_thread_is_answered_in_that_thread(slack, client):
    parent = "1700000000.000200"
    payload = fresh(DM, text="how much does a machine learning engineer make?", thread_ts=parent)
    assert client.send(payload).status_code == 200
    post = slack.wait_for_post(channel=payload["event"]["channel"])
    assert post["thread_ts"] == parent and ML_SALARY in post["text"]


@pytest.mark.parametrize("question", ["which skills and qualifications do I need?",
                                      "who does this role report to?",
                                      "how much does a machine learning engineer make?"])
def test_slack_gets_the_same_answer_as_the_web_in_mrkdwn(bot, slack, client, question):
    web = bot.reply_text(f"web-{time.monotonic_ns()}", question)
    payload = fresh(DM, text=question)
    assert client.send(payload).status_code == 200
    post = slack.wait_for_post(channel=payload["event"]["channel"])
    assert post["text"] == to_mrkdwn(web) and post["mrkdwn"] is True
    assert "**" not in post["text"]


DERIVED = json.loads((SIGNATURE / "derived_event_vectors.json").read_text())["vectors"]


def _vector_body(name: str) -> bytes:
    vector = next(v for v in DERIVED if v["name"] == name)
    return (SIGNATURE / vector["body_file"]).read_bytes()


def test_the_signed_app_mention_vector_byte_for_byte_is_answered_in_its_channel(slack, client):
    """data/signature/app_mention.body exactly ("<@W111> Hi there!" in C111), re-signed
    now. (im_message.body shares its event_id Ev111, so it is left to the tests above.)"""
    body = _vector_body("app_mention")
    assert client.post(body, sign(SIGNING_SECRET, body)).status_code == 200
    post = slack.wait_for_post(channel="C111")
    assert "Machine Learning Engineer" in post["text"] and "thread_ts" not in post


@pytest.mark.parametrize("name", ["bot_message", "message_changed", "channel_message"])
def test_the_signed_vectors_the_bot_must_ignore_byte_for_byte(slack, client, name):
    body = _vector_body(name)
    with nothing_posted(slack, client):
        response = client.post(body, sign(SIGNING_SECRET, body))
        assert response.status_code == 200 and response.text.startswith("Ignored")


def test_json_with_a_charset_is_read_too(slack, client):
    payload = fresh(DM, text="what does it pay?")
    body = body_of(payload)
    headers = {**sign(SIGNING_SECRET, body), "Content-Type": "application/json; charset=utf-8"}
    assert client.post(body, headers).status_code == 200
    assert ML_SALARY in slack.wait_for_post(channel=payload["event"]["channel"])["text"]


# -- refused: never signed by Slack, stale, or not what Slack sends ----------------------------
def _forged(body: bytes) -> Dict[str, str]:
    return sign("not-the-signing-secret", body)


def _stale(body: bytes) -> Dict[str, str]:
    return sign(SIGNING_SECRET, body, timestamp=int(time.time()) - 301)


def _future(body: bytes) -> Dict[str, str]:
    return sign(SIGNING_SECRET, body, timestamp=int(time.time()) + 301)


def _without(*names: str):
    def headers(body: bytes) -> Dict[str, str]:
        return {k: v for k, v in sign(SIGNING_SECRET, body).items() if k not in names}
    return headers


def _changed(name: str, change):
    """Signed headers with header `name` changed by `change(value)`."""
    def headers(body: bytes) -> Dict[str, str]:
        signed = sign(SIGNING_SECRET, body)
        return {**signed, name: change(signed[name])}
    return headers


REFUSED = [
    ("forged signature", _forged, None, 401),
    ("tampered body", lambda body: sign(SIGNING_SECRET, body), b" ", 401),
    ("stale timestamp, 301 s old", _stale, None, 401),
    ("timestamp 301 s in the future", _future, None, 401),
    ("no signature header", _without("X-Slack-Signature"), None, 401),
    ("no timestamp header", _without("X-Slack-Request-Timestamp"), None, 401),
    ("no Slack headers at all",
     _without("X-Slack-Signature", "X-Slack-Request-Timestamp"), None, 401),
    ("malformed timestamp", _changed("X-Slack-Request-Timestamp", lambda v: v + ".0"), None, 401),
    ("signature without v0=", _changed("X-Slack-Signature", lambda v: v[3:]), None, 401),
    ("content type text/plain", _changed("Content-Type", lambda v: "text/plain"), None, 415),
    ("content type form-urlencoded",
     _changed("Content-Type", lambda v: "application/x-www-form-urlencoded"), None, 415),
    ("no content type", _without("Content-Type"), None, 415),
]


@pytest.mark.parametrize("name,headers,suffix,status", REFUSED, ids=[r[0] for r in REFUSED])
def test_requests_not_signed_by_slack_or_not_json_are_refused(slack, client, name, headers,
                                                              suffix, status):
    payload = fresh(DM, text="how much does a machine learning engineer make?")
    body = body_of(payload)
    with nothing_posted(slack, client, user=payload["event"]["user"]):
        sent = headers(body)
        response = client.post(body + (suffix or b""), sent)
        assert response.status_code == status, (name, response.text)


@pytest.mark.parametrize("body,status", [(b'{"type": "event_callback", "event": ', 400),
                                         (b'["not", "an", "object"]', 400),
                                         (b'{"type": "url_verification"}', 400)],
                         ids=["truncated JSON", "JSON array", "url_verification without challenge"])
def test_malformed_bodies_signed_by_slack_get_400(slack, client, body, status):
    with nothing_posted(slack, client):
        assert client.post(body, sign(SIGNING_SECRET, body)).status_code == status


def test_the_webhook_takes_only_post(bot):
    assert requests.get(f"{bot.url}/webhooks/slack/webhook", timeout=10).status_code == 405


# -- ignored: answered 200, nothing posted -------------------------------------------------------
def _own_dm():
    # The bot's own message in a DM, without bot_id or `authorizations`: the bot knows
    # its user id from auth.test.
    payload = fresh(DM, text="what does it pay?", user=BOT_USER_ID)
    del payload["authorizations"]
    return payload


def _dm_edit():
    payload = fresh(bolt("test_message_changed__event_payload"))
    payload["event"].update(channel_type="im", channel="D" + payload["event"]["channel"][1:])
    payload["event"]["message"]["text"] = "how much does a machine learning engineer make?"
    return payload


def _asking(name: str):
    """A payload of data/events/bolt_python/ carrying a question the bot would answer."""
    return lambda: fresh(bolt(name), text="what does it pay?")


IGNORED = [
    ("bot message (bot_id)", _asking("test_message_bot__bot_message_event_payload")),
    ("bot_message subtype", _asking("test_message_bot__classic_bot_message_event_payload")),
    ("another bot's DM", _asking("test_attaching_conversation_kwargs__bot_im_message_event_body")),
    ("the bot's own DM without bot_id", _own_dm),
    ("message_changed in a channel", lambda: fresh(bolt("test_message_changed__event_payload"))),
    ("message_changed in a DM", _dm_edit),
    ("message_deleted", lambda: fresh(bolt("test_message_deleted__event_payload"))),
    ("channel message without a mention", _asking("test_message__message_body")),
    ("thread_broadcast in a channel", _asking("test_message_thread_broadcast__event_payload")),
    ("reaction_added", lambda: fresh(bolt("test_events__valid_reaction_added_body"))),
    ("member_joined_channel", lambda: fresh(bolt("test_events__join_event_body"))),
    ("app_uninstalled", lambda: fresh(bolt("test_events__app_uninstalled_body"))),
    ("tokens_revoked", lambda: fresh(bolt("test_events__tokens_revoked_body"))),
]


@pytest.mark.parametrize("name,make", IGNORED, ids=[i[0] for i in IGNORED])
def test_events_the_bot_does_not_answer_get_200_and_nothing_posted(slack, client, name, make):
    payload = make()
    user = payload.get("event", {}).get("user")
    with nothing_posted(slack, client, user=None if user == BOT_USER_ID else user):
        response = client.send(payload)
        assert response.status_code == 200 and response.text.startswith("Ignored"), response.text


# -- answered once ----------------------------------------------------------------------------
def test_slack_retries_and_resends_of_an_answered_event_are_not_answered_again(slack, client):
    payload = fresh(DM, text="how much does a machine learning engineer make?")
    channel = payload["event"]["channel"]
    assert client.send(payload).status_code == 200
    assert ML_SALARY in slack.wait_for_post(channel=channel)["text"]
    with nothing_posted(slack, client, user=payload["event"]["user"]):
        for number, reason in [("1", "http_timeout"), ("2", "http_error"), ("3", "unknown_error")]:
            response = client.send(payload, **{"X-Slack-Retry-Num": number,
                                               "X-Slack-Retry-Reason": reason})
            assert response.status_code == 200
            assert response.headers.get("X-Slack-No-Retry") == "1"
        assert client.send(payload).status_code == 200  # re-sent without retry headers
    assert len(slack.posts(channel=channel)) == 1


def test_a_retry_of_an_event_that_never_arrived_is_answered_once(slack, client):
    """Slack retries when the first delivery failed (e.g. the bot was restarting): that
    retry is the only chance to answer, so it is answered, once."""
    payload = fresh(DM, text="how much does a machine learning engineer make?")
    channel = payload["event"]["channel"]
    assert client.send(payload, **{"X-Slack-Retry-Num": "1",
                                   "X-Slack-Retry-Reason": "http_error"}).status_code == 200
    assert ML_SALARY in slack.wait_for_post(channel=channel)["text"]
    with nothing_posted(slack, client, user=payload["event"]["user"]):
        assert client.send(payload, **{"X-Slack-Retry-Num": "2",
                                       "X-Slack-Retry-Reason": "http_error"}).status_code == 200
    assert len(slack.posts(channel=channel)) == 1


def test_a_message_delivered_as_dm_message_and_app_mention_is_answered_once(slack, client):
    dm = fresh(DM, text=f"<@{BOT_USER_ID}> how much does a machine learning engineer make?")
    mention = fresh(MENTION, text=dm["event"]["text"], channel=dm["event"]["channel"],
                    user=dm["event"]["user"])
    mention["event"]["ts"] = mention["event"]["event_ts"] = dm["event"]["ts"]
    assert mention["event_id"] != dm["event_id"]
    channel = dm["event"]["channel"]
    assert client.send(dm).status_code == 200
    assert ML_SALARY in slack.wait_for_post(channel=channel)["text"]
    with nothing_posted(slack, client, user=dm["event"]["user"]):
        response = client.send(mention)
        assert response.status_code == 200 and response.text == "Already handled."
    assert len(slack.posts(channel=channel)) == 1


# -- privacy ------------------------------------------------------------------------------------
def test_the_log_holds_no_message_text_or_user_id(bot, slack, client):
    payload = fresh(DM, text="how much does a machine learning engineer make? zebra-7731")
    assert client.send(payload).status_code == 200
    slack.wait_for_post(channel=payload["event"]["channel"])
    log = bot.rasa.log.read_text(errors="replace")
    assert "zebra-7731" not in log and payload["event"]["user"] not in log
    assert payload["event"]["channel"] not in log


# -- flooding ---------------------------------------------------------------------------
def test_one_user_cannot_flood_the_bot(slack, client):
    from rasa_ext.slack import DEFAULT_RATE_LIMIT, RATE_LIMITED_REPLY

    user = "UFLOOD0001"
    channel = "DFLOOD0001"
    for n in range(DEFAULT_RATE_LIMIT + 5):
        assert client.send(fresh(DM, text=f"hi {n}", user=user, channel=channel)).status_code == 200
    deadline = time.monotonic() + 60
    while len([p for p in posts_since(slack, 0) if p["channel"] == channel]) < DEFAULT_RATE_LIMIT + 1:
        assert time.monotonic() < deadline, "the answers within the limit did not all arrive"
        time.sleep(0.2)
    time.sleep(1.0)
    posts = [p["text"] for p in posts_since(slack, 0) if p["channel"] == channel]
    assert posts.count(RATE_LIMITED_REPLY) == 1
    assert len(posts) == DEFAULT_RATE_LIMIT + 1  # 20 answers and one notice, nothing more
    # Someone else is still answered at once.
    other = fresh(DM, text="what does it pay?")
    assert client.send(other).status_code == 200
    assert ML_SALARY in slack.wait_for_post(channel=other["event"]["channel"])["text"]


def test_rasas_http_api_needs_the_token(bot):
    url = f"{bot.url}/conversations/anyone/tracker"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, params={"token": "wrong"}, timeout=10).status_code == 401
    assert requests.get(url, params={"token": API_TOKEN}, timeout=10).status_code == 200


def test_which_role_is_asked_in_slack_as_a_plain_list(bot, slack, client, knowledge_with_fixture_role):
    """Several roles and nothing to tell which: the question names them in its text, with
    no Slack buttons (the app has no interactivity to receive a click)."""
    load_knowledge(knowledge_with_fixture_role, bot.kb_url)
    try:
        payload = fresh(DM, text="what does it pay?")
        assert client.send(payload).status_code == 200
        post = slack.wait_for_post(channel=payload["event"]["channel"])
        assert "Which role do you mean?" in post["text"]
        assert "Dental Hygiene Coordinator" in post["text"] and "Machine Learning Engineer" in post["text"]
        assert "blocks" not in post and ML_SALARY not in post["text"]
    finally:
        load_knowledge(KNOWLEDGE, bot.kb_url)
