"""Turning a role's facts into the text the bot says (light Markdown: bullets, bold labels).

Channels that speak another markup (Slack's mrkdwn) convert this text; the facts and
their order are the same everywhere.
"""
from __future__ import annotations

from typing import Sequence

from bot.kb import Fact, Role, Topic


def topic_answer(role: Role, topic: Topic, facts: Sequence[Fact]) -> str:
    """The answer to a question on `topic` about `role`, from the role's facts."""
    intro = topic.intro.format(title=role.title) if topic.intro else ""
    if topic.format == "list":
        bullets = "\n".join(f"- {_labelled(fact)}" for fact in facts)
        return f"{intro}\n{bullets}" if intro else bullets
    paragraph = " ".join(_labelled(fact) for fact in facts)
    return f"{intro} {paragraph}" if intro else paragraph


#: A chat message names at most this many roles; the careers site lists them all.
MAX_ROLES_NAMED = 12


def role_list(roles: Sequence[Role], limit: int = MAX_ROLES_NAMED) -> str:
    """Role titles as a sentence fragment: "A", "A and B", "A, B and C"; past `limit`,
    "A, B, ... and 488 more roles"."""
    titles = [r.title for r in roles]
    if len(titles) > limit:
        rest = len(titles) - limit
        return f"{', '.join(titles[:limit])} and {rest} more role{'s' if rest > 1 else ''}"
    if len(titles) <= 1:
        return "".join(titles)
    return f"{', '.join(titles[:-1])} and {titles[-1]}"


def _labelled(fact: Fact) -> str:
    return f"**{fact.label}:** {fact.text}" if fact.label else fact.text
