"""Answers from the recruiting team: the Slack digest of gaps, replies in its threads kept
as pending answers, approval, and what the bot then says (bot/recruiter_answers.py)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.recruiter_answers import (
    APPROVED,
    PENDING,
    REJECTED,
    DigestFailed,
    NotAQuote,
    RecruiterAnswers,
    UnknownAnswer,
    approval_text,
    quotes_source,
    recruiter_answer_text,
    slack_plain_text,
    slack_ts_time,
    source_document,
)
from bot.recruiters import RecruitersChannel
from harness.fake_slack import FakeSlack

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
ROLE = "machine-learning-engineer"  # the one role of tests/fixtures/one-role
TITLE = "Machine Learning Engineer"
REPLY_TS = "1796300000.000100"  # 3 December 2026, 12:13:20 UTC


@pytest.fixture
def answers(candidates_url: str):
    opened = RecruiterAnswers(candidates_url)
    yield opened
    opened.close()


@pytest.fixture
def slack():
    with FakeSlack(token="xoxb-test") as fake:
        yield fake


@pytest.fixture
def channel(slack: FakeSlack) -> RecruitersChannel:
    return RecruitersChannel("xoxb-test", "C0RECRUIT", slack.base_url)


def ask(gap_log, role, topic, question, minutes=0, reason="not_described"):
    gap_log.record(role_slug=role, topic=topic, question=question, reason=reason,
                   now=T0 + timedelta(minutes=minutes))


def some_gaps(gap_log):
    ask(gap_log, ROLE, "benefits", "do you offer a pension?", 0)
    ask(gap_log, ROLE, "benefits", "is there <!channel> dental & vision?", 1)
    ask(gap_log, ROLE, "benefits", "do you offer a pension?", 2)
    ask(gap_log, ROLE, "travel", "how much travel is there?", 3)
    ask(gap_log, None, "benefits", "any gym membership?", 4)
    ask(gap_log, ROLE, None, "asdf qwerty", 5, reason="not_understood")
    ask(gap_log, None, None, "what?", 6, reason="not_understood")


def digest(answers, channel, gap_log, kb, **kwargs):
    return answers.post_digest(channel, gap_log, kb, now=T0 + timedelta(days=1), **kwargs)


def reply(answers, post, ts=REPLY_TS, text="Yes: a pension with a 5% match &amp; free gym.",
          author="U0JANE", name="Jane Doe", thread_ts=None):
    return answers.record_thread_reply(slack_channel=post.slack_channel,
                                       thread_ts=thread_ts or post.slack_ts, author=author,
                                       author_name=name, text=text, ts=ts,
                                       now=T0 + timedelta(days=2))


# -- the digest -----------------------------------------------------------------------

def test_digest_posts_one_message_per_role_and_topic_with_counts(answers, channel, slack,
                                                                gap_log, kb):
    some_gaps(gap_log)
    posted = digest(answers, channel, gap_log, kb)

    assert [(p.role_slug, p.topic, p.question_count) for p in posted] == [
        (ROLE, "benefits", 3), (None, "benefits", 1), (ROLE, "travel", 1)]
    texts = [p["text"] for p in slack.posts(channel="C0RECRUIT")]
    assert len(texts) == 4  # three gaps with a topic, then one closing line
    first = texts[0]
    assert first.startswith(f"Candidates asked 3 times about benefits or perks for *{TITLE}*")
    assert "“do you offer a pension?”" in first
    assert "reply in this thread" in first
    assert "about benefits or perks for a role they did not name" in texts[1]
    assert texts[2].startswith(f"Candidates asked once about travel for *{TITLE}*")
    # the two questions with no topic are summed into the closing line, not posted to answer
    assert "2 question(s) whose topic the bot could not tell" in texts[3]
    assert "asdf" not in texts[3]


def test_candidate_text_is_escaped_in_the_digest(answers, channel, slack, gap_log, kb):
    ask(gap_log, ROLE, "benefits", "is there <!channel> dental & vision? <@U123>")
    digest(answers, channel, gap_log, kb)
    (text,) = [p["text"] for p in slack.posts()]
    assert "“is there &lt;!channel&gt; dental &amp; vision? &lt;@U123&gt;”" in text
    assert "<!channel>" not in text and "<@U123>" not in text


def test_digest_posts_are_recorded_for_their_threads(answers, channel, slack, gap_log, kb):
    some_gaps(gap_log)
    posted = digest(answers, channel, gap_log, kb)
    for post in posted:
        stored = answers.digest_post(post.slack_channel, post.slack_ts)
        assert stored == post
        assert stored.posted_at == T0 + timedelta(days=1)
    assert answers.digest_post("C0RECRUIT", "1.000") is None


def test_digest_since_and_role(answers, channel, slack, gap_log, kb):
    some_gaps(gap_log)
    posted = digest(answers, channel, gap_log, kb, since=T0 + timedelta(minutes=3))
    assert {(p.role_slug, p.topic) for p in posted} == {(ROLE, "travel"), (None, "benefits")}
    slack.calls.clear()
    posted = digest(answers, channel, gap_log, kb, role_slug=ROLE)
    assert {(p.role_slug, p.topic) for p in posted} == {(ROLE, "benefits"), (ROLE, "travel")}


def test_no_gaps_no_post(answers, channel, slack, gap_log, kb):
    assert digest(answers, channel, gap_log, kb) == []
    assert slack.calls == []


def test_only_gaps_without_topic_post_the_closing_line_only(answers, channel, slack, gap_log, kb):
    ask(gap_log, ROLE, None, "asdf", reason="not_understood")
    assert digest(answers, channel, gap_log, kb) == []
    (text,) = [p["text"] for p in slack.posts()]
    assert text.startswith("Also: 1 question(s) whose topic")


def test_digest_limit_counts_the_rest_in_the_closing_line(answers, channel, slack, gap_log, kb):
    some_gaps(gap_log)
    posted = digest(answers, channel, gap_log, kb, limit=1)
    assert len(posted) == 1
    closing = slack.posts()[-1]["text"]
    assert "2 more question(s) on 2 other role(s) and topic(s)" in closing


def test_slack_refusing_raises_digest_failed(answers, gap_log, kb, slack):
    some_gaps(gap_log)
    wrong = RecruitersChannel("xoxb-wrong", "C0RECRUIT", slack.base_url)
    with pytest.raises(DigestFailed) as failed:
        digest(answers, wrong, gap_log, kb)
    assert failed.value.posted == []


# -- replies in a digest's thread -----------------------------------------------------

@pytest.fixture
def post(answers, channel, gap_log, kb):
    ask(gap_log, ROLE, "benefits", "do you offer a pension?")
    (first,) = digest(answers, channel, gap_log, kb)
    return first


def test_a_reply_to_a_digest_post_becomes_pending(answers, post):
    answer = reply(answers, post)
    assert answer is not None
    assert (answer.role_slug, answer.topic, answer.status) == (ROLE, "benefits", PENDING)
    assert answer.author == "U0JANE" and answer.author_name == "Jane Doe"
    # Slack's escapes are undone: what the recruiter typed
    assert answer.message == answer.text == "Yes: a pension with a 5% match & free gym."
    assert (answer.slack_channel, answer.slack_ts, answer.thread_ts) == (
        post.slack_channel, REPLY_TS, post.slack_ts)
    assert answer.said_at == slack_ts_time(REPLY_TS)
    assert answers.pending() == [answer]


def test_a_retried_reply_is_kept_once(answers, post):
    first = reply(answers, post)
    again = reply(answers, post, text="something else, delivered again")
    assert again == first
    assert len(answers.pending()) == 1
    other = reply(answers, post, ts="1796300100.000200", text="And dental.")
    assert other is not None and other.id != first.id
    assert len(answers.pending()) == 2


def test_replies_elsewhere_are_ignored(answers, post):
    assert reply(answers, post, thread_ts="1700000000.000001") is None  # another thread
    assert answers.record_thread_reply(slack_channel=post.slack_channel, thread_ts=None,
                                       author="U0JANE", text="hi", ts=REPLY_TS) is None
    # the digest message itself, as a thread's parent
    assert answers.record_thread_reply(slack_channel=post.slack_channel,
                                       thread_ts=post.slack_ts, author="U0JANE", text="hi",
                                       ts=post.slack_ts) is None
    # the same ts in another channel is another message
    assert answers.record_thread_reply(slack_channel="C0OTHER", thread_ts=post.slack_ts,
                                       author="U0JANE", text="hi", ts=REPLY_TS) is None
    assert reply(answers, post, text="   ") is None
    assert answers.pending() == []


def test_said_at_is_the_slack_ts():
    assert slack_ts_time("1796300000.000100") == datetime(2026, 12, 3, 12, 13, 20, 100,
                                                           tzinfo=timezone.utc)


def test_slack_markup_is_decoded():
    assert slack_plain_text("See <https://x.org/benefits|our benefits> &amp; ask <@U1|jane>, "
                            "<mailto:hr@x.org|hr@x.org> &lt;3") == \
        "See our benefits (https://x.org/benefits) & ask @jane, hr@x.org <3"


# -- review ---------------------------------------------------------------------------

def test_approve_and_reject(answers, post):
    first = reply(answers, post)
    second = reply(answers, post, ts="1796300100.000200", text="Ask HR.", name=None)
    approved = answers.approve(first.id, by="sam", now=T0 + timedelta(days=3))
    assert (approved.status, approved.reviewed_by) == (APPROVED, "sam")
    assert approved.reviewed_at == T0 + timedelta(days=3)
    assert answers.approve(first.id, by="other") == approved  # twice: unchanged
    rejected = answers.reject(second.id, by="sam")
    assert rejected.status == REJECTED
    assert answers.pending() == []
    assert answers.approved_for(ROLE, "benefits") == [approved]
    # withdrawn: the bot stops saying it
    answers.reject(first.id, by="sam")
    assert answers.approved_for(ROLE, "benefits") == []
    with pytest.raises(UnknownAnswer):
        answers.approve(999, by="sam")


def test_approved_for_is_per_role_and_topic_newest_first(answers, post, channel, gap_log, kb):
    old = reply(answers, post, ts="1796300000.000100", text="Old answer.")
    new = reply(answers, post, ts="1796400000.000100", text="New answer.")
    pending = reply(answers, post, ts="1796500000.000100", text="Not approved.")
    for a in (old, new):
        answers.approve(a.id, by="sam")
    found = answers.approved_for(ROLE, "benefits")
    assert [a.text for a in found] == ["New answer.", "Old answer."]
    assert pending.id not in [a.id for a in found]
    assert answers.approved_for(ROLE, "travel") == []
    assert answers.approved_for(None, "benefits") == []
    assert answers.approved_for("registered-nurse", "benefits") == []


def test_approving_a_quote_of_the_message(answers, post):
    answer = reply(answers, post, text="Thanks for flagging!\nYes, a pension  with a 5% match. Cheers")
    with pytest.raises(NotAQuote):
        answers.approve(answer.id, by="sam", text="Yes, a pension with a 10% match.")
    assert answers.answer(answer.id).status == PENDING
    approved = answers.approve(answer.id, by="sam", text="Yes, a pension with a 5% match.")
    assert approved.text == "Yes, a pension with a 5% match."
    assert approved.message.startswith("Thanks for flagging!")
    assert quotes_source(approved)


def test_the_acknowledgement_names_the_answer_and_how_to_approve_it(answers, post):
    answer = reply(answers, post)
    text = approval_text(answer)
    assert f"#{answer.id}" in text and f"kb approve {answer.id}" in text


# -- provenance -----------------------------------------------------------------------

def test_the_source_document_keeps_who_when_where_and_the_exact_text(answers, post):
    answer = answers.approve(reply(answers, post).id, by="sam")
    document = source_document(answer)
    assert "Author: Jane Doe (U0JANE)" in document
    assert "Date: 3 December 2026, 12:13 UTC" in document
    assert f"channel {post.slack_channel}, ts {REPLY_TS}" in document
    assert document.rstrip().endswith("Yes: a pension with a 5% match & free gym.")
    assert quotes_source(answer)


def test_an_answer_whose_text_is_not_in_its_source_is_not_said(answers, post, candidates_url):
    from sqlalchemy import create_engine, update

    from bot.recruiting_db import recruiter_answers

    answer = answers.approve(reply(answers, post).id, by="sam")
    engine = create_engine(candidates_url, future=True)
    with engine.begin() as conn:  # edited behind the bot's back
        conn.execute(update(recruiter_answers).values(text="A pension with a 50% match."))
    engine.dispose()
    edited = answers.answer(answer.id)
    assert not quotes_source(edited)
    assert answers.approved_for(ROLE, "benefits") == []


# -- what the bot says ----------------------------------------------------------------

def test_recruiter_answer_text(answers, post):
    answer = answers.approve(reply(answers, post).id, by="sam")
    assert recruiter_answer_text(TITLE, "benefits or perks", [answer]) == (
        f"The {TITLE} job description doesn't cover benefits or perks, but our recruiting "
        f"team says: “Yes: a pension with a 5% match & free gym.” (Jane Doe, 3 December 2026)")
    nameless = answers.approve(reply(answers, post, ts="1796400000.000100", text="Also dental.",
                                     name=None).id, by="sam")
    both = recruiter_answer_text(None, "benefits or perks", [nameless, answer])
    assert both.startswith("Our job descriptions don't cover benefits or perks, but our "
                           "recruiting team says: “Also dental.” (a recruiter, ")
    assert both.endswith("(Jane Doe, 3 December 2026)")
    with pytest.raises(ValueError):
        recruiter_answer_text(TITLE, "benefits or perks", [])


def test_answers_survive_a_knowledge_base_rebuild(sqlite_only, answers, post, candidates_url,
                                                  knowledge_with_fixture_role):
    from bot.loader import load_knowledge

    answer = answers.approve(reply(answers, post).id, by="sam")
    load_knowledge(knowledge_with_fixture_role, candidates_url)  # one shared database
    assert answers.approved_for(ROLE, "benefits") == [answer]
