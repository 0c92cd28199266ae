"""Our Markdown-lite answers as Slack mrkdwn: the markup changes, the facts do not."""
from __future__ import annotations

import html
import re

import pytest

from bot import KnowledgeBase
from bot.answers import topic_answer
from bot.loader import load_knowledge
from rasa_ext.mrkdwn import to_mrkdwn
from tests.conftest import KNOWLEDGE, sqlite_url

ROLE = "machine-learning-engineer"


def test_bullets_and_bold_labels_become_slack_bullets_and_bold():
    text = ("Skills and qualifications:\n"
            "- **Programming:** Rigorous knowledge of R, Java and Python.\n"
            "- **Maths and statistics:** Strong mathematics skills.\n"
            "- Usually whoever oversees AI development.")
    assert to_mrkdwn(text) == (
        "Skills and qualifications:\n"
        "• *Programming:* Rigorous knowledge of R, Java and Python.\n"
        "• *Maths and statistics:* Strong mathematics skills.\n"
        "• Usually whoever oversees AI development.")


def test_plain_text_is_unchanged():
    text = ("According to Indeed Salaries, the average salary is $120,000 (US dollars) per "
            "year. Pay may be more or less.")
    assert to_mrkdwn(text) == text


def test_slack_control_characters_are_escaped():
    assert to_mrkdwn("research and development (R&D) <b> 2 > 1") == \
        "research and development (R&amp;D) &lt;b&gt; 2 &gt; 1"


@pytest.mark.parametrize("text,expected", [
    ("**bold** in the middle **twice**", "*bold* in the middle *twice*"),
    ("- a dash list\n  - nested", "• a dash list\n  • nested"),
    ("-5 degrees, a minus not a bullet", "-5 degrees, a minus not a bullet"),
    ("a - b is not a bullet", "a - b is not a bullet"),
    ("** not bold **", "** not bold **"),
    ("", ""),
])
def test_edge_cases(text, expected):
    assert to_mrkdwn(text) == expected


def _as_read(mrkdwn: str) -> str:
    """What a person reads in Slack: markup and escapes undone."""
    return html.unescape(re.sub(r"\*(\S(?:.*?\S)?)\*", r"\1", mrkdwn.replace("• ", "")))


def test_every_answer_of_the_knowledge_base_keeps_its_facts(tmp_path):
    url = sqlite_url(tmp_path / "kb.sqlite")
    load_knowledge(KNOWLEDGE, url)
    kb = KnowledgeBase(url)
    role = kb.role(ROLE)
    checked = 0
    for topic in kb.topics():
        facts = kb.facts(ROLE, topic.key)
        if not facts:
            continue
        answer = topic_answer(role, topic, facts)
        slack = to_mrkdwn(answer)
        assert "**" not in slack and not re.search(r"^- ", slack, re.M)
        read = _as_read(slack)
        for fact in facts:
            assert fact.text in read, f"{topic.key}: {fact.text!r} lost in {slack!r}"
            if fact.label:
                assert f"*{html.escape(fact.label, quote=False)}:*" in slack
        if topic.format == "list":
            assert slack.count("\n• ") == len(facts)
        checked += 1
    kb.close()
    assert checked >= 8
