"""End to end: a recruiter in the conversation (rasa_ext/relay.py).

One bot for the module (the real action and Rasa servers, Slack on with a recruiters'
channel, the fake Slack Web API) and the careers site in front of it, for a real chromium.
Each test opens its own handoff as action_handoff would (CandidateStore.add_handoff, a
summary posted to the recruiters' channel, mark_posted); recruiters' replies are Slack's
own `message` payloads, signed and sent to the real webhook.
"""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import requests

from bot.candidates import CandidateStore, Handoff
from bot.loader import load_knowledge
from harness.browser import CareersSite, chromium, missing_browser, start_together
from harness.fake_slack import FakeSlack
from harness.servers import DEFAULT_MODEL, ROOT, Bot, free_port
from harness.socketio_client import WebChat
from harness.waiting import wait_for
from rasa_ext.relay import (ACKNOWLEDGEMENT, CANDIDATE_PREFIX, ENDED_NOTICE, RECRUITER_PREFIX,
                            RELAY_KEY, THREAD_DONE, THREAD_NOT_DELIVERED,
                            THREAD_WEB_CHAT_CLOSED)
from tests.conftest import KNOWLEDGE, ML_SALARY, sqlite_url
from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET, SlackClient, bolt, fresh

pytestmark = pytest.mark.e2e

RECRUITERS = "CRECRUIT01"
RECRUITER = "URECRUIT01"
API_TOKEN = "relay-api-token"
ROLE = "machine-learning-engineer"
CHANNEL_MESSAGE = bolt("test_message__message_body")  # a person's message in a channel
EDIT = bolt("test_message_changed__event_payload")
MENTION = bolt("test_events__valid_event_body")
SCREENSHOT = ROOT / "results" / "handoff-webchat.png"
SWEEP_SECONDS = 1


# -- servers, once for the module ---------------------------------------------------------
@pytest.fixture(scope="module")
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(token=BOT_TOKEN) as fake:
        yield fake


@pytest.fixture(scope="module")
def servers(tmp_path_factory, slack: FakeSlack) -> Iterator[Tuple[CareersSite, Bot, str]]:
    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run the tests through `make test`")
    work = tmp_path_factory.mktemp("relay")
    kb_url = sqlite_url(work / "knowledge.sqlite")
    load_knowledge(KNOWLEDGE, kb_url)
    candidates_url = sqlite_url(work / "candidates.sqlite")
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    bot = Bot(work / "bot", kb_url, rasa_args=["--cors", origin, "--enable-api",
                                               "--auth-token", API_TOKEN],
              extra_env={"CAREERS_SITE_ORIGIN": origin, "SLACK_BOT_TOKEN": BOT_TOKEN,
                         "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                         "SLACK_API_BASE_URL": slack.base_url,
                         "SLACK_RECRUITERS_CHANNEL": RECRUITERS,
                         "CANDIDATES_DATABASE_URL": candidates_url,
                         # Idle handoffs are looked for every second, not every minute.
                         "HANDOFF_SWEEP_SECONDS": str(SWEEP_SECONDS)})
    site = CareersSite(work / "site", kb_url, bot.url, port=port)
    start_together(site, bot.actions, bot.rasa)
    try:
        yield site, bot, candidates_url
    finally:
        bot.stop()
        site.stop()


@pytest.fixture(scope="module")
def bot(servers) -> Bot:
    return servers[1]


@pytest.fixture(scope="module")
def store(servers) -> Iterator[CandidateStore]:
    candidates = CandidateStore(servers[2])
    yield candidates
    candidates.close()


@pytest.fixture(scope="module")
def client(bot: Bot) -> SlackClient:
    return SlackClient(f"{bot.url}/webhooks/slack/webhook")


# -- helpers ---------------------------------------------------------------------------
def open_handoff(store: CandidateStore, slack: FakeSlack, sender: str, channel: str,
                 posted_at: Optional[datetime] = None) -> Handoff:
    """What action_handoff does: the record, the summary in the recruiters' channel, posted."""
    handoff = store.add_handoff(sender_id=sender, channel=channel, role_slug=ROLE,
                                questions=["Can I work from home?"],
                                transcript=[("user", "Can I work from home?")],
                                application_reference=None, email=None)
    summary = requests.post(f"{slack.base_url}chat.postMessage", timeout=10,
                            headers={"Authorization": f"Bearer {BOT_TOKEN}"},
                            json={"channel": RECRUITERS, "text": "A candidate asks for you"}).json()
    posted = store.mark_posted(handoff.id, RECRUITERS, summary["ts"], now=posted_at)
    assert posted is not None and posted.status == "posted"
    return posted


def recruiter_says(handoff: Handoff, text: str) -> Dict[str, Any]:
    """Slack's `message` event for a recruiter's reply in the handoff's thread."""
    return fresh(CHANNEL_MESSAGE, text=text, channel=RECRUITERS, thread_ts=handoff.slack_ts,
                 user=RECRUITER)


def thread_posts(slack: FakeSlack, handoff: Handoff) -> List[str]:
    return [p["text"] for p in slack.posts(channel=RECRUITERS, thread_ts=handoff.slack_ts)]


def wait_thread_post(slack: FakeSlack, handoff: Handoff, text: str) -> str:
    return slack.wait_for(lambda: next((t for t in thread_posts(slack, handoff) if text in t),
                                       None), timeout=30)


def events(bot: Bot, sender: str) -> List[Dict[str, Any]]:
    return requests.get(f"{bot.url}/conversations/{sender}/tracker",
                        params={"token": API_TOKEN}, timeout=10).json()["events"]


def relayed(bot: Bot, sender: str, kind: str) -> List[Dict[str, Any]]:
    return [e for e in events(bot, sender)
            if ((e.get("metadata") or {}).get(RELAY_KEY) or {}).get("kind") == kind]


def no_more_replies(chat: WebChat, seconds: float = 2.0) -> List[str]:
    """What reaches the web chat in the next `seconds` (a barrier for "nothing else")."""
    got = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        reply = chat.late_reply(0.3)
        if reply is not None:
            got.append(reply)
    return got


def greeted_web_chat(bot: Bot) -> WebChat:
    chat = WebChat(bot.url, origin=bot.site_origin)
    chat.say("/greet")  # the widget's first message, as on the site
    no_more_replies(chat, 1.5)  # the rest of the greeting
    return chat


@pytest.fixture
def web_chat(bot: Bot) -> Iterator[WebChat]:
    chat = greeted_web_chat(bot)
    yield chat
    chat.close()


# -- the careers site's web chat, in a real chromium -------------------------------------------
@pytest.mark.browser
def test_a_recruiters_reply_appears_live_in_the_web_chat_and_the_candidates_answer_reaches_the_thread(
        servers, store, slack, client):
    from tests.site.test_browser import Chat

    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    site, bot, _ = servers
    driver = chromium(1280, 900)
    try:
        chat = Chat(driver).load(site.url(f"/jobs/{ROLE}"))
        chat.open()
        chat.wait_for_greeting()
        session = chat.js("return JSON.parse(localStorage.getItem('chat_session')).session_id")
        handoff = open_handoff(store, slack, session, "socketio")
        before = len(chat.replies())

        reply = "Hi, I'm Dana from recruiting. Yes: two days a week from home are fine."
        assert client.send(recruiter_says(handoff, reply)).status_code == 200
        # Nothing typed: the reply is pushed over the open socket.io connection.
        chat.wait(lambda: RECRUITER_PREFIX + reply in chat.replies()[before:], 30,
                  "the recruiter's reply in the web chat")

        field = driver.find_element("css selector", "textarea.rw-new-message")
        field.send_keys("Great, thank you! Is the start date flexible?\n")
        chat.wait(lambda: ACKNOWLEDGEMENT in chat.replies()[before:], 30, "the acknowledgement")
        posted = wait_thread_post(slack, handoff, "start date flexible")
        assert posted == CANDIDATE_PREFIX + "Great, thank you! Is the start date flexible?"
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOT))
        texts = [e["text"] for e in relayed(bot, session, "to_recruiter")]
        assert texts == ["Great, thank you! Is the start date flexible?"]
        # The bot did not answer it: the acknowledgement is the only reply after the recruiter's.
        assert chat.replies()[before:] == [RECRUITER_PREFIX + reply, ACKNOWLEDGEMENT]
    finally:
        driver.quit()


# -- candidate -> recruiter ---------------------------------------------------------------------
def test_a_rest_candidates_messages_go_to_the_thread_and_the_tracker_not_to_the_bot(
        bot, store, slack):
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    assert ML_SALARY in bot.reply_text(sender, "what does it pay?", page=ROLE)
    handoff = open_handoff(store, slack, sender, "rest")

    assert [r["text"] for r in bot.say(sender, "what does it pay? <!channel>")] == [ACKNOWLEDGEMENT]
    assert bot.say(sender, "and is there a bonus?") == []  # acknowledged once only
    assert wait_thread_post(slack, handoff, "bonus") == CANDIDATE_PREFIX + "and is there a bonus?"
    # Slack markup a candidate types is shown, never acted on (no @channel ping).
    assert CANDIDATE_PREFIX + "what does it pay? &lt;!channel&gt;" in thread_posts(slack, handoff)
    user_texts = [e["text"] for e in events(bot, sender) if e["event"] == "user"]
    assert user_texts == ["what does it pay?", "what does it pay? <!channel>",
                          "and is there a bonus?"]
    assert len(relayed(bot, sender, "to_recruiter")) == 2


def test_a_recruiters_reply_reaches_a_rest_candidate_with_their_next_response(
        bot, store, slack, client):
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    handoff = open_handoff(store, slack, sender, "rest")
    assert client.send(recruiter_says(handoff, "Hello! Which office would suit you?")).status_code == 200
    wait_for(lambda: relayed(bot, sender, "from_recruiter"), 30, "the reply in the tracker")
    texts = [r["text"] for r in bot.say(sender, "Berlin, please")]
    assert texts == [RECRUITER_PREFIX + "Hello! Which office would suit you?", ACKNOWLEDGEMENT]
    assert bot.say(sender, "thanks") == []  # delivered once


# -- recruiter -> candidate, and ending -----------------------------------------------------------
def test_done_ends_the_chat_the_candidate_is_told_and_the_bot_answers_again(
        bot, store, slack, client, web_chat):
    handoff = open_handoff(store, slack, web_chat.session_id, "socketio")
    assert client.send(recruiter_says(handoff, "Hi there, how can I help?")).status_code == 200
    assert web_chat.next_reply(30) == RECRUITER_PREFIX + "Hi there, how can I help?"
    assert web_chat.say("never mind, I found it") == ACKNOWLEDGEMENT

    assert client.send(recruiter_says(handoff, "/done")).status_code == 200
    assert web_chat.next_reply(30) == ENDED_NOTICE
    assert wait_thread_post(slack, handoff, THREAD_DONE) == THREAD_DONE
    assert store.handoff(handoff.id).status == "closed"
    assert ML_SALARY in web_chat.say("what does it pay?", role=ROLE)
    no_more_replies(web_chat, 1.5)  # the rest of the answer
    assert [e["text"] for e in relayed(bot, web_chat.session_id, "ended")] == [ENDED_NOTICE]

    # A recruiter writing after the end is told, and the candidate gets nothing.
    assert client.send(recruiter_says(handoff, "one more thing")).status_code == 200
    wait_thread_post(slack, handoff, THREAD_NOT_DELIVERED)
    assert no_more_replies(web_chat) == []


# -- what a closed web chat missed, and the timeout without a message ------------------------
def test_replies_sent_while_the_web_chat_was_closed_arrive_once_when_it_reconnects(
        bot, store, slack, client):
    chat = greeted_web_chat(bot)
    session = chat.session_id
    handoff = open_handoff(store, slack, session, "socketio")
    chat.hang_up()  # the candidate closed the page
    time.sleep(0.5)  # the server handles the disconnection

    first, second = "Hi, sorry for the wait!", "Are you free on Monday at 10?"
    for text in (first, second):
        assert client.send(recruiter_says(handoff, text)).status_code == 200
        wait_for(lambda: any(e["text"] == RECRUITER_PREFIX + text
                             for e in relayed(bot, session, "from_recruiter")), 30,
                 "the reply in the tracker")
    assert [e["metadata"][RELAY_KEY]["live"] for e in relayed(bot, session, "from_recruiter")] \
        == [False, False]
    slack.wait_for(lambda: thread_posts(slack, handoff).count(THREAD_WEB_CHAT_CLOSED) == 2
                   or None, timeout=30)

    again = WebChat(bot.url, origin=bot.site_origin, session_id=session)  # the page reopens
    try:
        assert again.next_reply(30) == RECRUITER_PREFIX + first
        assert again.next_reply(30) == RECRUITER_PREFIX + second
        assert no_more_replies(again) == []
    finally:
        again.hang_up()
    time.sleep(0.5)
    third = WebChat(bot.url, origin=bot.site_origin, session_id=session)  # and once more
    try:
        assert no_more_replies(third) == []  # exactly once
        # Connected now: the next reply is pushed live, and not kept for later.
        assert client.send(recruiter_says(handoff, "See you then.")).status_code == 200
        assert third.next_reply(30) == RECRUITER_PREFIX + "See you then."
        assert third.say("thanks!") == ACKNOWLEDGEMENT
    finally:
        third.close()
    receipts = [e for e in events(bot, session) if e["event"] == "agent"]
    assert [e["metadata"][RELAY_KEY] for e in receipts] == [{"kind": "replayed", "count": 2}]


def test_an_idle_handoff_is_closed_by_the_sweep_and_the_web_chat_is_told_at_once(
        bot, store, slack, web_chat):
    long_ago = datetime.now(timezone.utc) - timedelta(minutes=61)  # default timeout: 60
    handoff = open_handoff(store, slack, web_chat.session_id, "socketio", posted_at=long_ago)
    # Nothing sent by anyone: the sweep (every SWEEP_SECONDS) closes it and tells the chat.
    assert web_chat.next_reply(30) == ENDED_NOTICE
    assert store.handoff(handoff.id).status == "closed"
    wait_thread_post(slack, handoff, "the chat has closed")
    time.sleep(3 * SWEEP_SECONDS)  # more sweeps: nothing more, to anyone
    assert no_more_replies(web_chat) == []
    assert len([t for t in thread_posts(slack, handoff) if "the chat has closed" in t]) == 1
    notices = relayed(bot, web_chat.session_id, "timed_out")
    assert [(e["text"], e["metadata"][RELAY_KEY]["live"]) for e in notices] == \
        [(ENDED_NOTICE, True)]
    assert ML_SALARY in web_chat.say("what does it pay?", role=ROLE)  # the bot again


def test_after_the_timeout_the_candidate_is_told_and_answered_by_the_bot(bot, store, slack):
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    long_ago = datetime.now(timezone.utc) - timedelta(minutes=61)  # default timeout: 60
    handoff = open_handoff(store, slack, sender, "rest", posted_at=long_ago)
    texts = [r["text"] for r in bot.say(sender, "what does it pay?", page=ROLE)]
    assert texts[0] == ENDED_NOTICE and ML_SALARY in " ".join(texts[1:])
    assert store.handoff(handoff.id).status == "closed"
    wait_thread_post(slack, handoff, "the chat has closed")


# -- delivered once: retries, edits, the message + app_mention pair --------------------------
def test_a_retry_an_edit_and_a_mention_of_a_recruiters_reply_are_not_delivered_again(
        bot, store, slack, client, web_chat):
    handoff = open_handoff(store, slack, web_chat.session_id, "socketio")
    payload = recruiter_says(handoff, "We'd love to meet you on Monday.")
    assert client.send(payload).status_code == 200
    assert web_chat.next_reply(30) == RECRUITER_PREFIX + "We'd love to meet you on Monday."

    retry = client.send(payload, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert retry.status_code == 200 and retry.text == "Already handled."
    edit = fresh(EDIT, channel=RECRUITERS)
    edit["event"]["message"].update(text="We'd love to meet you on Tuesday.", user=RECRUITER,
                                    thread_ts=handoff.slack_ts)
    edit["event"]["previous_message"]["thread_ts"] = handoff.slack_ts
    response = client.send(edit)
    assert response.status_code == 200 and response.text.startswith("Ignored")
    # The same message delivered as `app_mention` too (the recruiter mentioned the bot).
    mention = fresh(MENTION, text=payload["event"]["text"], channel=RECRUITERS, user=RECRUITER,
                    thread_ts=handoff.slack_ts)
    mention["event"]["ts"] = mention["event"]["event_ts"] = payload["event"]["ts"]
    assert client.send(mention).text == "Already handled."

    assert no_more_replies(web_chat) == []
    assert len(relayed(bot, web_chat.session_id, "from_recruiter")) == 1


def test_a_thread_that_is_no_handoffs_is_not_relayed_and_a_mention_there_is_answered(
        slack, client):
    parent = "1700000000.000999"
    plain = fresh(CHANNEL_MESSAGE, text="what does it pay?", channel=RECRUITERS,
                  thread_ts=parent, user=RECRUITER)
    assert client.send(plain).text.startswith("Ignored")
    mention = fresh(MENTION, text="<@W111> how much does a machine learning engineer make?",
                    channel=RECRUITERS, user=RECRUITER, thread_ts=parent)
    assert client.send(mention).status_code == 200
    post = slack.wait_for_post(channel=RECRUITERS, thread_ts=parent)
    assert ML_SALARY in post["text"]


def test_the_log_holds_no_relayed_text(bot, store, slack, client):
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    handoff = open_handoff(store, slack, sender, "rest")
    bot.say(sender, "my secret is walrus-4471")
    client.send(recruiter_says(handoff, "and mine is narwhal-9902"))
    wait_for(lambda: relayed(bot, sender, "from_recruiter"), 30, "the reply in the tracker")
    log = bot.rasa.log.read_text(errors="replace")
    assert "walrus-4471" not in log and "narwhal-9902" not in log and RECRUITER not in log


# -- the whole way, from the candidate's words -------------------------------------------------
def test_asking_for_a_person_posts_the_summary_and_the_recruiters_reply_comes_back(
        bot, store, slack, client):
    """No handoff opened by hand: the candidate asks, agrees, and action_handoff posts."""
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    bot.reply_text(sender, "can I bring my dog to work?", page=ROLE)
    assert "Shall I?" in bot.reply_text(sender, "I'd like to talk to a recruiter please")
    assert "reply here in this chat" in bot.reply_text(sender, "/affirm")
    handoff = store.open_handoff_for(sender)
    assert handoff is not None and handoff.status == "posted" and handoff.channel == "rest"
    summary = slack.wait_for(lambda: next((c.args for c in slack.calls_to("chat.postMessage")
                                           if c.ts == handoff.slack_ts), None))
    assert summary["channel"] == RECRUITERS
    assert "can I bring my dog to work?" in summary["text"]
    assert "Machine Learning Engineer" in summary["text"]

    assert client.send(recruiter_says(handoff, "Dogs are welcome on Fridays!")).status_code == 200
    wait_for(lambda: relayed(bot, sender, "from_recruiter"), 30, "the reply in the tracker")
    texts = [r["text"] for r in bot.say(sender, "great, thanks")]
    assert texts[0] == RECRUITER_PREFIX + "Dogs are welcome on Fridays!"
    ended = client.send(recruiter_says(handoff, "done"))
    assert (ended.status_code, ended.text) == (200, "")
    wait_for(lambda: store.handoff(handoff.id).status == "closed", 30, "the handoff closed")


def test_an_unanswered_question_becomes_an_answer_after_a_recruiters_reply_and_approval(
        bot, servers, slack, client, capsys, monkeypatch):
    """question -> gap -> digest in the recruiters' channel -> a recruiter's reply in its
    thread (a signed Slack event) -> approved with the CLI -> answered, no retraining."""
    from bot.cli import main as cli

    candidates_url = servers[2]
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    reply = bot.reply_text(sender, "what benefits come with this job?", page=ROLE)
    assert "doesn't say anything about benefits" in reply

    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_RECRUITERS_CHANNEL", RECRUITERS)
    monkeypatch.setenv("SLACK_API_BASE_URL", slack.base_url)
    assert cli(["--candidates-db", candidates_url, "--db", bot.kb_url, "kb", "gaps", "--post"]) == 0
    digest = slack.wait_for(lambda: next(
        (c for c in slack.calls_to("chat.postMessage")
         if c.args.get("channel") == RECRUITERS and not c.args.get("thread_ts")
         and "benefits" in (c.args.get("text") or "")
         and "Machine Learning Engineer" in c.args["text"]), None), timeout=30)

    answer = "Yes: private health insurance and 25 days of paid leave."
    event = fresh(CHANNEL_MESSAGE, text=answer, channel=RECRUITERS, thread_ts=digest.ts,
                  user=RECRUITER)
    assert client.send(event).status_code == 200
    ack = slack.wait_for(lambda: next((p for p in slack.posts(channel=RECRUITERS,
                                                              thread_ts=digest.ts)
                                       if "for approval" in p["text"]), None), timeout=30)
    answer_id = ack["text"].split("#", 1)[1].split()[0]
    # Kept, not yet said.
    assert answer not in bot.reply_text(f"rest-{uuid.uuid4().hex[:8]}",
                                        "what benefits come with this job?", page=ROLE)
    capsys.readouterr()
    assert cli(["--candidates-db", candidates_url, "kb", "approve", answer_id, "--by", "lead"]) == 0
    said = bot.reply_text(f"rest-{uuid.uuid4().hex[:8]}", "what benefits come with this job?",
                          page=ROLE)
    assert answer in said and "our recruiting team says" in said
