"""A person, when the candidate asks: the recruiters' Slack channel gets a summary (a fake
Slack Web API records it), or, without Slack, the request is queued and the candidate is
told honestly how, or whether, a recruiter can reply."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.events import FollowupAction, SlotSet

from actions.fallback import ActionNotUnderstood
from actions.handoff import ActionHandoff, ActionOfferHandoff
from actions.records import candidate_store
from harness.fake_slack import FakeSlack
from tests.actions.conftest import load_tracker

TOKEN = "xoxb-handoff-test"


def _user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def _bot(text: str, utter_action: str = "") -> dict:
    return {"event": "bot", "text": text,
            "metadata": {"utter_action": utter_action} if utter_action else {}}


def _asking_for_a_person(**slots):
    tracker = load_tracker("skills_role_in_slot")
    tracker.sender_id = "candidate-7"
    tracker.slots.update(slots)
    tracker.events = [
        _user("do you sponsor visas?", "ask_not_described"),
        _bot("The Machine Learning Engineer job description doesn't say anything about that."),
        _user("can I speak to a recruiter", "request_human"),
        _bot("I can pass this conversation to our recruiting team ... Shall I?"),
        {"event": "action", "name": "action_offer_handoff"},
        _user("/affirm", "affirm"),
    ]
    tracker.latest_message.update({"text": "/affirm", "intent": {"name": "affirm",
                                                                 "confidence": 1.0}})
    return tracker


@pytest.fixture
def slack(monkeypatch):
    with FakeSlack(token=TOKEN) as fake:
        monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("SLACK_RECRUITERS_CHANNEL", "C0RECRUIT")
        monkeypatch.setenv("SLACK_API_BASE_URL", fake.base_url)
        yield fake


@pytest.fixture
def no_slack(monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_RECRUITERS_CHANNEL", "SLACK_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_the_offer_says_what_the_recruiters_will_see(dispatcher, domain):
    tracker = _asking_for_a_person(application_reference="APP-7K3Q9X")
    asyncio.run(ActionOfferHandoff().run(dispatcher, tracker, domain))
    (message,) = dispatcher.messages
    assert "APP-7K3Q9X" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]


def test_the_recruiters_channel_gets_the_role_the_question_and_the_reference(
        one_role_kb, slack, dispatcher, domain):
    tracker = _asking_for_a_person(application_reference="APP-7K3Q9X",
                                   applicant_email="sam@example.com")
    ActionHandoff().answer(dispatcher, tracker, domain)
    post = slack.wait_for_post(channel="C0RECRUIT")
    assert "Machine Learning Engineer" in post["text"]
    assert "do you sponsor visas?" in post["text"]
    assert "APP-7K3Q9X" in post["text"] and "sam@example.com" in post["text"]
    (handoff,) = candidate_store().handoffs()
    assert (handoff.status, handoff.sender_id, handoff.slack_channel) == (
        "posted", "candidate-7", "C0RECRUIT")
    assert handoff.slack_ts  # the thread recruiters reply in
    (message,) = dispatcher.messages
    assert "reply here in this chat" in message["text"]


def test_a_second_request_does_not_post_twice(one_role_kb, slack, dispatcher, domain):
    ActionHandoff().answer(dispatcher, _asking_for_a_person(), domain)
    ActionHandoff().answer(dispatcher, _asking_for_a_person(), domain)
    assert len(slack.posts(channel="C0RECRUIT")) == 1
    assert len(candidate_store().handoffs()) == 1


def test_a_candidate_cannot_ping_the_channel(one_role_kb, slack, dispatcher, domain):
    tracker = _asking_for_a_person()
    tracker.events.insert(0, _user("<!channel> hello <https://evil.example|click>", "ask_overview"))
    ActionHandoff().answer(dispatcher, tracker, domain)
    text = slack.wait_for_post(channel="C0RECRUIT")["text"]
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text


def test_without_slack_it_is_queued_and_an_email_reply_promised_only_with_an_email(
        one_role_kb, no_slack, dispatcher, domain):
    ActionHandoff().answer(dispatcher, _asking_for_a_person(), domain)
    (handoff,) = candidate_store().handoffs(status="queued")
    assert handoff.email is None
    assert "no way to reach you" in dispatcher.messages[-1]["text"]

    candidate_store().close_handoff(handoff.id)
    ActionHandoff().answer(dispatcher, _asking_for_a_person(
        application_reference="APP-7K3Q9X", applicant_email="sam@example.com"), domain)
    assert "reply by email to sam@example.com" in dispatcher.messages[-1]["text"]
    assert [h.email for h in candidate_store().handoffs(status="queued")] == ["sam@example.com"]


def test_slack_refusing_the_post_leaves_it_queued(one_role_kb, slack, dispatcher, domain,
                                                 monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-wrong")
    ActionHandoff().answer(dispatcher, _asking_for_a_person(), domain)
    assert [h.status for h in candidate_store().handoffs()] == ["queued"]
    assert "reply here" not in dispatcher.messages[-1]["text"]


def _not_understood_twice():
    tracker = load_tracker("skills_role_in_slot")
    tracker.events = [
        _user("blorp zing", "nlu_fallback"),
        {"event": "action", "name": "action_not_understood"},
        _bot("Sorry, I didn't understand that.", "utter_default"),
        {"event": "action", "name": "action_listen"},
        _user("fnord quux", "nlu_fallback"),
    ]
    tracker.latest_message.update({"text": "fnord quux", "entities": [],
                                   "intent": {"name": "nlu_fallback", "confidence": 0.3},
                                   "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3},
                                                      {"name": "greet", "confidence": 0.2}]})
    return tracker


def test_failing_twice_in_a_row_offers_a_person(one_role_kb, dispatcher, domain):
    events = ActionNotUnderstood().answer(dispatcher, _not_understood_twice(), domain)
    assert events == [FollowupAction("action_offer_handoff")]


def test_failing_once_does_not(one_role_kb, dispatcher, domain):
    tracker = _not_understood_twice()
    tracker.events = tracker.events[-1:]
    assert ActionNotUnderstood().answer(dispatcher, tracker, domain) == []


def test_two_unclear_questions_on_a_job_page_with_no_answer_offer_a_person(one_role_kb, dispatcher, domain):
    """On a job page an unclear question gets "the description doesn't say" rather than
    "I didn't understand"; twice in a row, that too is a bot with no answer: a person is
    offered."""
    tracker = load_tracker("fallback_on_page_unclear_guess")
    tracker.events = [
        _user("is the office dog friendly lol", "nlu_fallback"),
        {"event": "action", "name": "action_not_understood"},
        _bot("The Machine Learning Engineer job description doesn't say anything about that.",
             "utter_not_described"),
        {"event": "action", "name": "action_listen"},
        _user("does the team do friday drinks", "nlu_fallback"),
    ]
    events = ActionNotUnderstood().answer(dispatcher, tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_not_described"]
    assert events == [SlotSet("page_role", "machine-learning-engineer"),
                      SlotSet("role", "machine-learning-engineer"),
                      FollowupAction("action_offer_handoff")]


def test_one_unclear_question_on_a_job_page_does_not(one_role_kb, dispatcher, domain):
    events = ActionNotUnderstood().answer(dispatcher, load_tracker("fallback_on_page_unclear_guess"), domain)
    assert FollowupAction("action_offer_handoff") not in events
