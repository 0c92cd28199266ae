"""A candidate asks every topic over REST and gets the facts of the job description."""
from __future__ import annotations

import pytest

from tests.conftest import ML_SALARY

pytestmark = pytest.mark.e2e

ROLE = "machine-learning-engineer"

# (question as a candidate types it, topic whose facts the reply must carry)
TOPIC_QUESTIONS = [
    ("tell me about the machine learning engineer job", "overview"),
    ("what would my responsibilities be as an ML engineer?", "duties"),
    ("who does this role report to?", "reporting"),
    ("what's the salary for this job?", "salary"),
    ("which skills and qualifications do I need?", "skills"),
    ("how many years of experience do I need?", "experience"),
    ("do I need a degree for this position?", "education"),
    ("which certifications would help me get this job?", "certifications"),
    ("what kind of person does well in this role?", "qualities"),
]


@pytest.mark.parametrize("question,topic", TOPIC_QUESTIONS, ids=[t for _, t in TOPIC_QUESTIONS])
def test_every_topic_is_answered_with_its_facts(bot, kb, sender, question, topic):
    reply = bot.reply_text(sender, question)
    facts = kb.facts(ROLE, topic)
    assert facts, f"the knowledge base has no {topic} facts"
    for fact in facts:
        assert fact.text in reply, f"{topic}: missing {fact.text!r} in {reply!r}"


def test_salary_reply_states_figure_period_and_source(bot, sender):
    reply = bot.reply_text(sender, "how much does a machine learning engineer make?")
    assert ML_SALARY in reply and "per year" in reply and "Indeed Salaries" in reply
    for factor in ("geographic location", "experience", "education", "certifications"):
        assert factor in reply


@pytest.mark.parametrize("question,expected", [
    ("who would be my supervisor?", ["Senior Machine Learning Engineer",
                                     "Machine Learning Manager", "Project Manager"]),
    ("which programming languages should I know?", ["R, Java and Python"]),
    ("is a masters degree preferred?", ["master's degree", "computer science"]),
    ("what experience do I need?", ["One to two years", "Two to five years"]),
    ("any certifications?", ["AWS Certified Machine Learning",
                             "Professional Machine Learning Engineer"]),
])
def test_specific_questions_get_the_specific_facts(bot, sender, question, expected):
    reply = bot.reply_text(sender, question)
    for fragment in expected:
        assert fragment in reply


def test_context_carries_across_turns(bot, sender):
    first = bot.reply_text(sender, "tell me about the ML engineer job")
    assert "chatbots" in first
    assert ML_SALARY in bot.reply_text(sender, "and what does it pay?")


@pytest.mark.parametrize("question,occupation", [
    ("how much does a dental assistant make?", "dental assistant"),
    ("what skills does a data scientist need?", "data scientist"),
])
def test_a_role_the_bot_does_not_know_is_never_answered_with_another(bot, sender, question, occupation):
    reply = bot.reply_text(sender, question)
    assert occupation in reply.lower() and "don't have any information" in reply
    assert "Machine Learning Engineer" in reply  # the roles it does know
    assert ML_SALARY not in reply and "R, Java and Python" not in reply


@pytest.mark.parametrize("question,label", [
    ("what benefits does this job come with?", "benefits"),
    ("is there a dress code?", "dress code"),
    ("will I have to travel for this job?", "travel"),
    ("why is this position open?", "why the position is open"),
    ("do you offer any training for new hires?", "training"),
])
def test_what_the_description_does_not_say_is_said_honestly(bot, sender, question, label):
    reply = bot.reply_text(sender, question)
    assert "doesn't say anything about" in reply and label in reply
    assert "recruiting team" in reply


@pytest.mark.parametrize("question", ["what's the weather like tomorrow?",
                                      "transfer money to my account"])
def test_out_of_scope_is_declined_with_what_the_bot_can_do(bot, sender, question):
    reply = bot.reply_text(sender, question)
    assert "can't help with that" in reply and "open roles" in reply


@pytest.mark.parametrize("question,expected", [
    ("hi", "Machine Learning Engineer"),
    ("bye", "Goodbye"),
    ("thanks!", "You're welcome"),
    ("are you a bot?", "I'm a bot"),
    ("what can you do?", "what it pays"),
])
def test_conversation_basics(bot, sender, question, expected):
    assert expected in bot.reply_text(sender, question)


@pytest.mark.parametrize("message", ["", "   ", "x" * 10_000,
                                     "what is the salary? " + "please " * 1_500])
def test_empty_and_huge_messages_get_a_reply_not_a_crash(bot, sender, message):
    replies = bot.say(sender, message)
    assert replies and all(r.get("text") for r in replies)
    assert not any("Traceback" in r["text"] for r in replies)
    assert bot.reply_text(sender, "what does it pay?").count(ML_SALARY) == 1
