"""Which Slack events the bot answers, the text NLU gets, and answering once
(rasa_ext.slack_events, no servers). The real payloads are in data/events/."""
from __future__ import annotations

import ast
import csv

import pytest

from rasa_ext.slack_events import (DIRECT_MESSAGE, MENTION, SeenCache, classify, clean_text,
                                   retry_of)
from tests.slack.conftest import EVENTS, bolt, load_event

with (EVENTS / "rasa36_expected_handling.tsv").open() as handle:
    RASA36 = list(csv.DictReader(handle, delimiter="\t"))
ALL_PAYLOADS = sorted(p.relative_to(EVENTS).as_posix() for p in EVENTS.rglob("*.json"))


def test_the_table_covers_every_payload():
    assert sorted(row["payload"].removeprefix("events/") for row in RASA36) == ALL_PAYLOADS


@pytest.mark.parametrize("row", RASA36, ids=[r["payload"].rsplit("/", 1)[-1] for r in RASA36])
def test_answered_exactly_when_rasa_3_6_processes_it(row):
    """Rasa 3.6.21 (no `slack_channel`) processes @mentions and human DMs; so do we, and
    we ignore everything it skips."""
    payload = load_event(row["payload"].removeprefix("events/"))
    decision = classify(payload)
    if row["with slack_channel unset"].startswith("200 JSON-encoded challenge"):
        assert payload["type"] == "url_verification" and not decision.answer
        return
    assert decision.answer == row["with slack_channel unset"].startswith("processed"), decision
    if decision.answer:
        assert decision.message.user == row["sender_id(conversation_granularity=sender)"]
        raw = ast.literal_eval(row["text_passed_to_NLU(before mention-stripping)"])
        assert decision.message.text == clean_text(raw, ["W111"])
        assert "<@" not in decision.message.text


# (payload, why it is ignored): every kind of event the bot must not answer
IGNORED = [
    ("test_message_bot__bot_message_event_payload", "bot message"),             # bot_id
    ("test_message_bot__classic_bot_message_event_payload", "bot message"),     # subtype
    ("test_attaching_conversation_kwargs__bot_im_message_event_body", "bot message"),  # DM
    ("test_events_ignore_self__response_url_message_event", "bot message"),
    ("test_message_changed__event_payload", "message message_changed"),
    ("test_message_deleted__event_payload", "message message_deleted"),
    ("test_message__message_body", "channel message without a mention"),
    ("test_message_thread_broadcast__event_payload", "channel message without a mention"),
    ("test_message_file_share__event_payload", "channel message without a mention"),
    ("test_events__valid_reaction_added_body", "reaction_added event"),
    ("test_events__join_event_body", "member_joined_channel event"),
    ("test_events__left_event_body", "member_left_channel event"),
    ("test_events__app_uninstalled_body", "app_uninstalled event"),
    ("test_events__tokens_revoked_body", "tokens_revoked event"),
    ("test_events_url_verification__event_body", "url_verification request"),
]


@pytest.mark.parametrize("name,reason", IGNORED, ids=[n for n, _ in IGNORED])
def test_ignored_events_and_why(name, reason):
    decision = classify(bolt(name))
    assert not decision.answer and decision.reason == reason


def _im(**event):
    payload = bolt("test_payload_utils__im_message_no_thread_ts_body")
    payload["event"].update(event)
    return payload


def _mention(**event):
    payload = bolt("test_events__valid_event_body")
    payload["event"].update(event)
    return payload


def test_a_direct_message_is_answered_in_the_dm():
    message = classify(_im(text="what does it pay?")).message
    assert message.kind == DIRECT_MESSAGE and message.channel == "D111"
    assert message.user == "W222" and message.text == "what does it pay?"
    assert message.thread_ts is None and message.event_id == "Ev111"


def test_a_mention_is_answered_in_the_channel_without_the_mention():
    message = classify(_mention(text="<@W111> what does a machine learning engineer earn?")).message
    assert message.kind == MENTION and message.channel == "C111" and message.thread_ts is None
    assert message.text == "what does a machine learning engineer earn?"


def test_a_mention_in_a_thread_is_answered_in_that_thread():
    message = classify(_mention(thread_ts="1595926000.000100")).message
    assert message.thread_ts == "1595926000.000100"


def test_a_dm_in_a_thread_is_answered_in_that_thread():
    assert classify(_im(thread_ts="1726133600.000100")).message.thread_ts == "1726133600.000100"


def test_use_threads_starts_a_thread_for_top_level_mentions_only():
    assert classify(_mention(), use_threads=True).message.thread_ts == "1595926230.009600"
    assert classify(_mention(thread_ts="1.2"), use_threads=True).message.thread_ts == "1.2"
    assert classify(_im(), use_threads=True).message.thread_ts is None


def test_the_bots_own_messages_are_ignored_even_without_bot_id():
    # The bot user is known from `authorizations` (is_bot) or from auth.test.
    assert classify(_im(user="W111")).reason == "bot message"
    mention = _mention(user="UBOT")
    assert classify(mention).answer
    assert classify(mention, known_bot_ids=["UBOT"]).reason == "bot message"


@pytest.mark.parametrize("subtype", ["message_changed", "message_deleted", "message_replied",
                                     "channel_join", "bot_message", "me_message"])
def test_subtypes_in_a_dm_are_ignored(subtype):
    assert not classify(_im(subtype=subtype)).answer


@pytest.mark.parametrize("subtype", ["file_share", "thread_broadcast"])
def test_a_person_sharing_a_file_or_broadcasting_a_reply_in_a_dm_is_answered(subtype):
    assert classify(_im(subtype=subtype)).answer


@pytest.mark.parametrize("change,reason", [
    ({"text": ""}, "no text"), ({"text": "   "}, "no text"), ({"text": None}, "no text"),
    ({"user": None}, "no user"), ({"channel": None}, "no channel"),
])
def test_incomplete_events_are_ignored(change, reason):
    assert classify(_im(**change)).reason == reason


def test_app_mention_and_message_of_one_slack_message_share_a_key():
    im = _im(text="<@W111> what does it pay?")
    mention = _mention(text="<@W111> what does it pay?", channel="D111", ts=im["event"]["ts"])
    mention["event_id"] = "Ev222"
    a, b = classify(im).message, classify(mention).message
    assert a.event_id != b.event_id and a.message_key == b.message_key


@pytest.mark.parametrize("raw,expected", [
    ("<@W111> what does it pay?", "what does it pay?"),
    ("<@W111>: what does it pay?", "what does it pay?"),
    ("hey <@W111>, what does it pay?", "hey, what does it pay?"),
    ("what does it pay <@W111>", "what does it pay"),
    ("what does it pay <@W111>?", "what does it pay?"),
    ("<@W111|recruiting-bot> salary?", "salary?"),
    ("<@W111>", ""),
    ("does <@U999|ann> know R&amp;D?", "does @ann know R&D?"),
    ("is it in <#C123|ml-jobs>? <!here>", "is it in #ml-jobs? @here"),
    ("see <https://example.com/jobs?a=1&amp;b=2|the job page>", "see the job page"),
    ("see <https://example.com/jobs>", "see https://example.com/jobs"),
    ("mail <mailto:hr@example.com|hr@example.com>", "mail hr@example.com"),
    ("ask <!subteam^S111|@recruiters>", "ask @recruiters"),
    ("salary &lt;100k &gt; 50k?", "salary <100k > 50k?"),
    ("  what\n does   it\tpay?  ", "what does it pay?"),
])
def test_clean_text(raw, expected):
    assert clean_text(raw, ["W111"]) == expected


def test_seen_cache_says_first_time_once_per_key_within_its_ttl():
    now = [0.0]
    seen = SeenCache(ttl=600, max_keys=3, clock=lambda: now[0])
    assert seen.first_time("Ev1") and not seen.first_time("Ev1")
    now[0] = 599
    assert not seen.first_time("Ev1")
    now[0] = 1300
    assert seen.first_time("Ev1"), "forgotten after the ttl"
    for key in ("Ev2", "Ev3", "Ev4"):
        assert seen.first_time(key)
    assert len(seen) == 3, "bounded"


def test_retry_headers():
    assert retry_of({}) is None
    assert retry_of({"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_error"}) == \
        ("2", "http_error")
    assert retry_of({"x-slack-retry-num": "1"}) == ("1", "")
    assert retry_of({"X-Slack-Retry-Num": "1\nFAKE LOG LINE", "X-Slack-Retry-Reason": "a b"}) \
        == ("1FAKELOG", "ab")
