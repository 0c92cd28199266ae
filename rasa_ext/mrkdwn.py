"""The bot's light Markdown (bot/answers.py) as Slack mrkdwn, for the Slack channel.

The answers use three things: lines starting "- " are bullets, `**label:**` is bold, and
plain text. Slack shows "- " literally and `**x**` as `*x*` with stray stars, so:

    "- **Programming:** R, Java & Python"  ->  "• *Programming:* R, Java &amp; Python"

Only the markup changes; the words, facts and their order are the same as on the web.
`&`, `<` and `>` are escaped as Slack asks
(https://api.slack.com/reference/surfaces/formatting#escaping), so a fact containing
"R&D" still reads "R&D" in Slack.
"""
from __future__ import annotations

import re

BULLET = "•"
_LIST_ITEM = re.compile(r"^(\s*)[-*] +(?=\S)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


def escape(text: str) -> str:
    """Slack's three control characters, escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(text: str) -> str:
    """Our Markdown-lite text as Slack mrkdwn: `•` bullets, `*bold*`, escaped `& < >`."""
    lines = []
    for line in escape(text).split("\n"):
        line = _LIST_ITEM.sub(lambda m: f"{m.group(1)}{BULLET} ", line)
        lines.append(_BOLD.sub(r"*\1*", line))
    return "\n".join(lines)
