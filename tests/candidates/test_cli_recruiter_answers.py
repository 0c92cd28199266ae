"""python -m bot kb gaps --post / pending / approve / reject / answers, through bot.cli.main."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.cli import main
from bot.recruiter_answers import RecruiterAnswers
from harness.fake_slack import FakeSlack
from tests.candidates.test_recruiter_answers import ROLE, TITLE
from tests.conftest import sqlite_url

REPLY_TS = "1796300000.000100"


@pytest.fixture
def slack(monkeypatch):
    with FakeSlack(token="xoxb-test") as fake:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_RECRUITERS_CHANNEL", "C0RECRUIT")
        monkeypatch.setenv("SLACK_API_BASE_URL", fake.base_url)
        yield fake


def run(capsys, candidates_url, kb_path, *argv):
    code = main(["--candidates-db", candidates_url, "--db", sqlite_url(kb_path), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def asked(gap_log, topic, question, days_ago=0):
    gap_log.record(role_slug=ROLE, topic=topic, question=question, reason="not_described",
                   now=datetime.now(timezone.utc) - timedelta(days=days_ago))


def test_gaps_post_without_slack_fails_clearly(capsys, monkeypatch, gap_log, candidates_url,
                                               kb_path):
    for name in ("SLACK_BOT_TOKEN", "SLACK_RECRUITERS_CHANNEL"):
        monkeypatch.delenv(name, raising=False)
    asked(gap_log, "benefits", "do you offer a pension?")
    code, out, err = run(capsys, candidates_url, kb_path, "kb", "gaps", "--post")
    assert code != 0 and out == ""
    assert "Slack is not configured" in err and "SLACK_RECRUITERS_CHANNEL" in err
    assert "nothing posted" in err


def test_gaps_post_of_the_last_days(capsys, slack, gap_log, candidates_url, kb_path):
    asked(gap_log, "benefits", "do you offer a pension?")
    asked(gap_log, "benefits", "any dental?", days_ago=1)
    asked(gap_log, "travel", "how much travel?", days_ago=10)
    code, out, err = run(capsys, candidates_url, kb_path, "kb", "gaps", "--post", "--days", "7")
    assert code == 0 and "posted 1 message(s) to C0RECRUIT" in err
    (post,) = slack.posts(channel="C0RECRUIT")
    assert post["text"].startswith(f"Candidates asked 2 times about benefits or perks for "
                                   f"*{TITLE}*")
    (line,) = out.splitlines()
    assert line.split()[:4] == ["posted", ROLE, "benefits", "2"]
    code, out, err = run(capsys, candidates_url, kb_path, "kb", "gaps", "--post")
    assert code == 0 and "posted 2 message(s)" in err
    assert [line.split()[1:3] for line in out.splitlines()] == [[ROLE, "benefits"],
                                                                [ROLE, "travel"]]


def test_gaps_post_with_no_gaps_says_so(capsys, slack, candidates_url, kb_path):
    code, out, err = run(capsys, candidates_url, kb_path, "kb", "gaps", "--post")
    assert code == 0 and out == "" and "nothing posted" in err
    assert slack.calls == []


def test_gaps_post_when_slack_refuses(capsys, slack, monkeypatch, gap_log, candidates_url,
                                      kb_path):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-wrong")
    asked(gap_log, "benefits", "do you offer a pension?")
    code, out, err = run(capsys, candidates_url, kb_path, "kb", "gaps", "--post")
    assert code == 1 and "error: posted 0 digest message(s), then Slack failed" in err
    assert "invalid_auth" in err


def test_pending_approve_reject_answers(capsys, slack, gap_log, candidates_url, kb_path):
    asked(gap_log, "benefits", "do you offer a pension?")
    code, out, _ = run(capsys, candidates_url, kb_path, "kb", "gaps", "--post")
    assert code == 0
    channel, thread_ts = out.split()[-2:]  # "... slack C0RECRUIT 1796....000001"
    store = RecruiterAnswers(candidates_url)
    try:
        first = store.record_thread_reply(slack_channel=channel, thread_ts=thread_ts,
                                          author="U0JANE", author_name="Jane Doe",
                                          text="Hi! Yes, a pension with a 5% match.", ts=REPLY_TS)
        second = store.record_thread_reply(slack_channel=channel, thread_ts=thread_ts,
                                           author="U0BOB", text="lol", ts="1796300001.000100")
    finally:
        store.close()
    assert first and second

    code, out, err = run(capsys, candidates_url, kb_path, "kb", "pending")
    assert code == 0 and "2 answer(s) waiting" in err
    assert f"#{first.id}" in out and "Jane Doe (U0JANE)" in out and "[pending]" in out
    assert "    > Hi! Yes, a pension with a 5% match." in out

    code, out, err = run(capsys, candidates_url, kb_path, "kb", "approve", str(first.id),
                         "--by", "sam", "--quote", "a pension with a 6% match")
    assert code == 1 and "copied exactly" in err
    code, out, err = run(capsys, candidates_url, kb_path, "kb", "approve", str(first.id),
                         "--by", "sam", "--quote", "Yes, a pension with a 5% match.")
    assert code == 0 and "[approved]" in out and "says: Yes, a pension with a 5% match." in out
    code, out, err = run(capsys, candidates_url, kb_path, "kb", "reject", str(second.id))
    assert code == 0 and "[rejected]" in out
    code, out, err = run(capsys, candidates_url, kb_path, "kb", "approve", "999")
    assert code == 1 and "no recruiter answer #999" in err

    code, out, err = run(capsys, candidates_url, kb_path, "kb", "pending")
    assert code == 0 and out == "" and "0 answer(s) waiting" in err

    code, out, err = run(capsys, candidates_url, kb_path, "kb", "answers", ROLE)
    assert code == 0 and "1 approved answer(s)" in err
    assert "approved by sam" in out and "source (the text quotes it)" in out
    assert "| Author: Jane Doe (U0JANE)" in out and "| Hi! Yes, a pension with a 5% match." in out
    assert f"ts {REPLY_TS}" in out and "lol" not in out
    code, out, err = run(capsys, candidates_url, kb_path, "kb", "answers", "registered-nurse")
    assert code == 0 and out == "" and "0 approved answer(s)" in err
