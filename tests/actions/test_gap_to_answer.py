"""An unanswered question becomes knowledge, through the actions: a question the job
description leaves out is recorded (without who asked), the digest posts it to the
recruiters' channel (a fake Slack), a recruiter's reply in its thread waits for approval,
and once approved the bot answers it, saying it comes from the recruiting team; no
retraining, no knowledge-base reload."""
from __future__ import annotations

from actions.answer_topic import ActionAnswerTopic
from actions.records import gap_log, recruiter_answers
from bot.recruiters import RecruitersChannel
from harness.fake_slack import FakeSlack
from tests.actions.conftest import load_tracker

TOKEN = "xoxb-gaps-test"


def _asking_benefits(sender: str, text: str):
    tracker = load_tracker("skills_role_in_slot")
    tracker.sender_id = sender
    tracker.latest_message.update({"text": text, "intent": {"name": "ask_benefits",
                                                            "confidence": 0.93}})
    return tracker


def test_a_gap_answered_in_slack_and_approved_is_answered_from_then_on(one_role_kb, kb_facts,
                                                                     dispatcher, domain):
    assert kb_facts("benefits") == []  # the fixture's description says nothing on benefits
    ActionAnswerTopic().answer(dispatcher, _asking_benefits("c-1", "is there a pension? mail me at sam@example.com"), domain)
    assert dispatcher.messages[-1]["response"] == "utter_not_in_description"
    (gap,) = gap_log().summary()
    assert (gap.role_slug, gap.topic, gap.count) == ("machine-learning-engineer", "benefits", 1)
    assert "sam@example.com" not in gap.examples[0]

    with FakeSlack(token=TOKEN) as slack:
        channel = RecruitersChannel(TOKEN, "C0RECRUIT", slack.base_url)
        from actions.knowledge import knowledge_base

        (post,) = recruiter_answers().post_digest(channel, gap_log(), knowledge_base())
        digest = slack.wait_for_post(channel="C0RECRUIT")
        assert "Machine Learning Engineer" in digest["text"] and "pension" in digest["text"]

    reply = "Yes: a 401(k) with a 4% match from the first month."
    pending = recruiter_answers().record_thread_reply(
        slack_channel=post.slack_channel, thread_ts=post.slack_ts, author="U0JANE",
        author_name="Jane Doe", text=reply, ts="1764770000.000200")
    # Not approved yet: the bot still says the description doesn't say.
    ActionAnswerTopic().answer(dispatcher, _asking_benefits("c-2", "any benefits?"), domain)
    assert dispatcher.messages[-1]["response"] == "utter_not_in_description"

    recruiter_answers().approve(pending.id, by="hiring-lead")
    ActionAnswerTopic().answer(dispatcher, _asking_benefits("c-3", "what benefits are there?"),
                               domain)
    said = dispatcher.messages[-1]["text"]
    assert reply in said and "our recruiting team says" in said and "Jane Doe" in said
    # The question asked before the approval was one more gap; the one answered is not.
    assert gap_log().summary()[0].count == 2
