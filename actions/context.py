"""Which role a message is about: named in it, the job page, the conversation, or the only one."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from bot import KnowledgeBase, Role
from bot.names import SUPERVISOR_WORDS, normalize

ROLE_ENTITY = "role"
# What may be echoed back of an occupation the user typed.
_UNSAFE = re.compile(r"[^\w\s&+#./'-]", re.UNICODE)
_MAX_MENTION = 60


@dataclass(frozen=True)
class RoleChoice:
    """The outcome of working out the role: exactly one of the three is set."""

    role: Optional[Role] = None
    unknown_mention: Optional[str] = None  # an occupation the knowledge base does not have
    ambiguous: bool = False  # several roles and nothing says which


def role_mentions(tracker: Tracker) -> List[str]:
    """Role entity values of the latest message, in order, without repeats."""
    seen: Dict[str, None] = {}
    for entity in tracker.latest_message.get("entities") or []:
        value = entity.get("value")
        if entity.get("entity") == ROLE_ENTITY and isinstance(value, str) and value.strip():
            seen.setdefault(value.strip(), None)
    return list(seen)


def page_role(tracker: Tracker) -> Optional[str]:
    """The role slug the web chat says the candidate's page shows, if any."""
    metadata: Any = tracker.latest_message.get("metadata") or {}
    value = metadata.get("role") if isinstance(metadata, dict) else None
    return value if isinstance(value, str) and value else None


def choose_role(tracker: Tracker, kb: KnowledgeBase, topic: Optional[str] = None) -> RoleChoice:
    """Pick the role a question is about.

    A role named in the message wins; an occupation the knowledge base does not have is
    reported as unknown rather than answered with another role's facts. Otherwise the
    job page the candidate just opened, then the role the conversation is about, then
    the only role there is. In a reporting-line question, "supervisor" or "manager" name
    the boss, not a role.
    """
    unknown = None
    for mention in role_mentions(tracker):
        role = kb.resolve_role(mention)
        if role is None and topic == "reporting" and normalize(mention) in SUPERVISOR_WORDS:
            continue
        if role is not None:
            return RoleChoice(role=role)
        unknown = unknown or mention
    if unknown is not None:
        return RoleChoice(unknown_mention=clean_mention(unknown))

    page = page_role(tracker)
    if page and page != tracker.get_slot("page_role"):
        role = kb.role(page)
        if role is not None:
            return RoleChoice(role=role)
    for slug in (tracker.get_slot("role"), page):
        role = kb.role(slug) if slug else None
        if role is not None:
            return RoleChoice(role=role)
    roles = kb.roles()
    if len(roles) == 1:
        return RoleChoice(role=roles[0])
    return RoleChoice(ambiguous=True)


def clean_mention(mention: str) -> str:
    """The occupation as typed, made safe to echo: no markup, bounded length."""
    text = " ".join(_UNSAFE.sub(" ", mention).split())
    return text[:_MAX_MENTION].rstrip() or "that"
