"""The relay's rules without servers: which Slack events are a recruiter's reply, when a
handoff has timed out, what a REST candidate still has to receive (rasa_ext/relay.py,
rasa_ext/slack_events.py)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.candidates import Handoff
from rasa_ext.relay import (FROM_RECRUITER, RELAY_KEY, TO_RECRUITER, ENDED, ACKNOWLEDGED,
                            is_done_command, last_activity, pending_for_rest, slack_address,
                            slack_escaped, timed_out)
from rasa_ext.slack_events import MENTION, RECRUITER_REPLY, classify, recruiter_text
from tests.slack.conftest import bolt

RECRUITERS = "CRECRUIT01"
PARENT = "1700000000.000100"
POSTED = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
HOUR = timedelta(minutes=60)


def reply(**event):
    payload = bolt("test_message__message_body")
    payload["event"].update(channel=RECRUITERS, user="U777", thread_ts=PARENT, **event)
    return payload


# -- classification ----------------------------------------------------------------------
def test_a_persons_thread_reply_in_the_recruiters_channel_is_a_recruiter_reply():
    decision = classify(reply(text="Hi <@W111>, see <https://x.example/a|our offices> &amp; more"),
                        recruiter_channels=[RECRUITERS])
    assert decision.message.kind == RECRUITER_REPLY
    assert decision.message.thread_ts == PARENT and decision.message.user == "U777"
    assert decision.message.text == "Hi, see our offices (https://x.example/a) & more"
    assert decision.reason == "recruiter reply (message)"


def test_a_mention_in_a_recruiters_thread_is_a_recruiter_reply_too():
    payload = bolt("test_events__valid_event_body")
    payload["event"].update(channel=RECRUITERS, thread_ts=PARENT, user="U777")
    decision = classify(payload, recruiter_channels=[RECRUITERS])
    assert decision.message.kind == RECRUITER_REPLY
    assert decision.reason == "recruiter reply (app_mention)"


@pytest.mark.parametrize("name,change,channels", [
    ("not the recruiters' channel", {}, ["COTHER"]),
    ("no recruiters' channel configured", {}, []),
    ("top level, not in a thread", {"thread_ts": None}, [RECRUITERS]),
    ("the thread's parent itself", {"ts": PARENT}, [RECRUITERS]),
    ("a bot's message (the relayed candidate)", {"bot_id": "B111"}, [RECRUITERS]),
    ("the bot's own user", {"user": "W111"}, [RECRUITERS]),
    ("a bot_message", {"subtype": "bot_message"}, [RECRUITERS]),
    ("a deletion", {"subtype": "message_deleted"}, [RECRUITERS]),
    ("a join", {"subtype": "channel_join"}, [RECRUITERS]),
    ("no text", {"text": " "}, [RECRUITERS]),
])
def test_what_is_never_relayed(name, change, channels):
    payload = reply()
    for key, value in change.items():
        if value is None:
            payload["event"].pop(key, None)
        else:
            payload["event"][key] = value
    decision = classify(payload, ["W111"], recruiter_channels=channels)  # W111: auth.test's
    assert not (decision.answer and decision.message.kind == RECRUITER_REPLY), decision


def test_an_edit_in_a_handoff_thread_is_ignored():
    payload = bolt("test_message_changed__event_payload")
    payload["event"]["channel"] = RECRUITERS
    payload["event"]["message"]["thread_ts"] = PARENT
    assert classify(payload, recruiter_channels=[RECRUITERS]).reason == "message message_changed"


def test_a_mention_at_the_top_of_the_recruiters_channel_is_answered_as_a_mention():
    payload = bolt("test_events__valid_event_body")
    payload["event"]["channel"] = RECRUITERS
    assert classify(payload, recruiter_channels=[RECRUITERS]).message.kind == MENTION


def test_recruiter_text_keeps_lines_and_link_addresses():
    assert recruiter_text("line one\nsee <https://a.example>\n<mailto:x@a.example|x@a.example>") \
        == "line one\nsee https://a.example\nx@a.example"


@pytest.mark.parametrize("text,done", [("done", True), ("/done", True), (" Done. ", True),
                                       ("/DONE", True), ("done?", False), ("not done", False),
                                       ("we're done here", False)])
def test_done_commands(text, done):
    assert is_done_command(text) is done


def test_candidate_text_cannot_ping_or_link_in_slack():
    assert slack_escaped("<!channel> a&b <@U1>") == "&lt;!channel&gt; a&amp;b &lt;@U1&gt;"


# -- the timeout -------------------------------------------------------------------------
def handoff(**fields) -> Handoff:
    values = dict(id=7, sender_id="s", channel="rest", role_slug=None, questions=(),
                  transcript=(), application_reference=None, email=None, status="posted",
                  created_at=POSTED - timedelta(minutes=5), slack_channel=RECRUITERS,
                  slack_ts=PARENT, posted_at=POSTED)
    values.update(fields)
    return Handoff(**values)


def at(minutes: float) -> float:
    return (POSTED + timedelta(minutes=minutes)).timestamp()


def relay_event(cls, kind, minutes, handoff_id=7, **kwargs):
    meta = {RELAY_KEY: {"handoff_id": handoff_id, "kind": kind}}
    if cls is UserUttered:
        return UserUttered("x", metadata=meta, timestamp=at(minutes), **kwargs)
    return BotUttered("x", metadata=meta, timestamp=at(minutes))


def test_the_timeout_counts_from_posting_when_nobody_wrote():
    assert not timed_out(handoff(), [], POSTED + HOUR - timedelta(seconds=1), HOUR)
    assert timed_out(handoff(), [], POSTED + HOUR, HOUR)


def test_the_timeout_counts_from_the_last_message_either_way():
    events = [relay_event(UserUttered, TO_RECRUITER, 10), relay_event(BotUttered, FROM_RECRUITER, 50)]
    assert last_activity(handoff(), events) == POSTED + timedelta(minutes=50)
    assert not timed_out(handoff(), events, POSTED + timedelta(minutes=109), HOUR)
    assert timed_out(handoff(), events, POSTED + timedelta(minutes=110), HOUR)


def test_only_this_handoffs_messages_count_and_not_acknowledgements_or_the_bots():
    events = [relay_event(BotUttered, FROM_RECRUITER, 100, handoff_id=6),  # an older handoff
              relay_event(BotUttered, ACKNOWLEDGED, 100),
              BotUttered("the bot's own answer", timestamp=at(100)),
              UserUttered("before the handoff", timestamp=at(-10))]
    assert last_activity(handoff(), events) == POSTED
    assert timed_out(handoff(), events, POSTED + HOUR, HOUR)


def test_without_posted_at_the_creation_counts():
    assert last_activity(handoff(posted_at=None), []) == POSTED - timedelta(minutes=5)


# -- what a REST candidate has not received yet ------------------------------------------
def test_pending_for_rest_is_what_the_recruiter_sent_since_the_candidates_last_message():
    old = relay_event(BotUttered, FROM_RECRUITER, 1)
    mine = relay_event(UserUttered, TO_RECRUITER, 2)
    first, second = relay_event(BotUttered, FROM_RECRUITER, 3), relay_event(BotUttered, ENDED, 4)
    events = [old, mine, ActionExecuted("action_listen"), first,
              BotUttered("not the relay's", timestamp=at(4)), second]
    assert pending_for_rest(events) == [first, second]
    assert pending_for_rest(events + [UserUttered("next")]) == []


def test_a_slack_candidate_is_reached_in_the_dm_of_their_last_message():
    events = [UserUttered("hi", input_channel="slack",
                          metadata={"out_channel": "D1", "thread_id": None}),
              UserUttered("web", input_channel="socketio")]
    assert slack_address(events) == {"channel": "D1", "thread_id": None}
    assert slack_address([UserUttered("web", input_channel="socketio")]) is None
