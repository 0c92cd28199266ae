"""Unanswered questions: scrubbed of personal data, stored without who asked, summarised."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.gaps import GapLog, scrub

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, expected", [
    # emails
    ("email me at jane.doe+jobs@mail.co.uk please", "email me at [email] please"),
    ("JANE_DOE@EXAMPLE.COM", "[email]"),
    # phones
    ("call 07700 900123", "call [phone]"),
    ("+44 20 7946 0958 is my number", "[phone] is my number"),
    ("+447700900123", "[phone]"),
    ("(555) 123-4567", "[phone]"),
    ("555-123-4567 or 555.123.4567", "[phone] or [phone]"),
    ("my number is 555-1234", "my number is [phone]"),
    ("text 5551234567 after 6", "text [phone] after 6"),
    # URLs
    ("see https://linkedin.com/in/jane-doe for my cv", "see [url] for my cv"),
    ("linkedin.com/in/jane-doe", "[url]"),
    ("my site: www.janedoe.dev", "my site: [url]"),
    ("http://example.com/x?y=1, thanks", "[url] thanks"),
    # self-introductions
    ("my name is jane doe and I want to apply", "my name is [name] and I want to apply"),
    ("My name is Jane Doe. Is there a pension?", "My name is [name]. Is there a pension?"),
    ("Hi, I'm Sarah, do you offer a pension?", "Hi, I'm [name], do you offer a pension?"),
    ("I am John Smith from Leeds", "I am [name] from Leeds"),
    ("call me bob", "call me [name]"),
    ("Hello, this is Tom", "Hello, this is [name]"),
    ("I'm Dr. Alice Wong, what's the pay?", "I'm [name], what's the pay?"),
    ("I’m Jane", "I’m [name]"),
    # all at once
    ("I'm Jane, jane@x.org, 07700 900123, linkedin.com/in/jane",
     "I'm [name], [email], [phone], [url]"),
])
def test_personal_data_is_scrubbed(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize("text", [
    "is the salary $52,000?",
    "40 hours a week?",
    "is 37.5 hours full time?",
    "£30,000-£40,000 or €45.000?",
    "between 45000 - 55000 or 45000-55000",
    "can I start on 2025-01-15?",
    "is it 9-5?",
    "shifts 7am-7pm, 3 days on 4 off",
    "what's the 401k match",
    "do you offer a pension?",
    "I'm interested in the nurse job",
    "I'm a nurse with 10 years of experience",
    "I am looking for remote work",
    "pay 12.50 per hour, 1,234,567 applicants?",
    "do you use indeed.com?",
    "",
])
def test_questions_without_personal_data_are_unchanged(text):
    assert scrub(text) == text


def test_record_stores_the_scrubbed_question_and_no_sender(sqlite_only, gap_log, tmp_path: Path):
    gap_log.record(role_slug="registered-nurse", topic="benefits",
                   question="my name is Jane Doe, jane@x.org: do you offer a pension?",
                   reason="not_described", now=T0)
    with sqlite3.connect(tmp_path / "candidates.sqlite") as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(knowledge_gaps)")]
        stored = conn.execute("SELECT question FROM knowledge_gaps").fetchall()
    assert not any("sender" in c for c in columns)
    assert stored == [("my name is [name], [email]: do you offer a pension?",)]


def test_an_unknown_reason_is_refused(gap_log):
    with pytest.raises(ValueError):
        gap_log.record(role_slug=None, topic=None, question="?", reason="bored")


def test_long_questions_are_cut(gap_log):
    gap_log.record(role_slug=None, topic=None, question="why " * 500, reason="not_understood")
    (summary,) = gap_log.summary()
    assert len(summary.examples[0]) == 500


def test_summary_groups_by_role_and_topic_most_asked_first(gap_log):
    asked = [
        ("registered-nurse", "benefits", "do you offer a pension?", 0),
        ("registered-nurse", "benefits", "is there dental cover?", 1),
        ("registered-nurse", "benefits", "do you offer a pension?", 2),
        ("registered-nurse", "benefits", "any gym membership?", 3),
        ("registered-nurse", "benefits", "childcare vouchers?", 4),
        ("registered-nurse", "visa", "do you sponsor visas?", 5),
        ("data-engineer", "benefits", "stock options?", 6),
        ("data-engineer", "benefits", "bonus?", 7),
        (None, None, "blorp", 8),
    ]
    for role, topic, question, minutes in asked:
        reason = "not_understood" if role is None else "not_described"
        gap_log.record(role_slug=role, topic=topic, question=question, reason=reason,
                       now=T0 + timedelta(minutes=minutes))

    found = gap_log.summary()
    assert [(s.role_slug, s.topic, s.count) for s in found] == [
        ("registered-nurse", "benefits", 5),
        ("data-engineer", "benefits", 2),
        (None, None, 1),
        ("registered-nurse", "visa", 1),
    ]
    nurse = found[0]
    # most recent first, each question once, at most three
    assert nurse.examples == ("childcare vouchers?", "any gym membership?", "do you offer a pension?")
    assert nurse.last_asked == T0 + timedelta(minutes=4)

    only = gap_log.summary(role_slug="data-engineer")
    assert [(s.topic, s.count, s.examples) for s in only] == [("benefits", 2, ("bonus?", "stock options?"))]

    recent = gap_log.summary(since=T0 + timedelta(minutes=4))
    assert {(s.role_slug, s.topic, s.count) for s in recent} == {
        ("registered-nurse", "benefits", 1), ("registered-nurse", "visa", 1),
        ("data-engineer", "benefits", 2), (None, None, 1)}


def test_gaps_share_the_candidates_database_but_not_its_rows(candidates_url, store):
    log = GapLog(candidates_url)
    try:
        log.record(role_slug="x", topic="y", question="q", reason="not_described")
        store.forget("anyone")
        assert log.summary()[0].count == 1
    finally:
        log.close()
