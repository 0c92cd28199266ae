"""Which role a message is about: named in it, the job page, the conversation, or the only one."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker

from bot import KnowledgeBase, Role
from bot.mentions import Mention
from bot.names import SUPERVISOR_WORDS, normalize

ROLE_ENTITY = "role"
# What may be echoed back of an occupation the user typed.
_UNSAFE = re.compile(r"[^\w\s&+#./'-]", re.UNICODE)
_MAX_MENTION = 60
# Words that make a message naming two roles a comparison of them.
_COMPARISON = re.compile(r"\b(compare[sd]?|comparison|versus|vs|difference|differences|better|"
                         r"more|less|higher|lower|between|or|either)\b", re.I)


@dataclass(frozen=True)
class RoleChoice:
    """The outcome of working out the role: a role, an occupation the knowledge base does
    not have, or the roles the message may mean (the user is asked which)."""

    role: Optional[Role] = None
    unknown_mention: Optional[str] = None
    candidates: Tuple[Role, ...] = ()
    #: A comparison ("which pays more, the nurse or the accountant?"): every role named,
    #: and the occupations named that the knowledge base does not have.
    compared: Tuple[Role, ...] = ()
    compared_unknown: Tuple[str, ...] = ()

    @property
    def is_comparison(self) -> bool:
        return len(self.compared) + len(self.compared_unknown) >= 2


def role_mentions(tracker: Tracker) -> List[str]:
    """Role entity values NLU found in the latest message, in order, without repeats."""
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


def named_in_message(tracker: Tracker, kb: KnowledgeBase) -> List[Mention]:
    """The roles and occupations the message names, found at run time in the knowledge base
    and the occupation list. A button's payload ("/inform_role{...}") is not text: only its
    entities count."""
    text = tracker.latest_message.get("text") or ""
    return [] if text.startswith("/") else kb.mentions(text)


def widened_by_nlu(mentions: List[Mention], tracker: Tracker, kb: KnowledgeBase) -> List[Mention]:
    """The last words of a role's name inside a longer occupation NLU tagged ("engineer" in
    "data engineer", "DevOps engineer") stand for that other occupation, unless it is a
    role too or the occupation list would have said so."""
    entities = role_mentions(tracker)
    widened = []
    for mention in mentions:
        if mention.known and not mention.full_name:
            wider = next((e for e in entities if _extends(e, mention.text)), None)
            if wider and kb.resolve_role(wider) is None and not kb.roles_containing(wider):
                mention = Mention(wider, ())
        widened.append(mention)
    return widened


def _extends(entity: str, mention: str) -> bool:
    """"data engineer" extends "engineers": more words, ending in the mention's."""
    longer, shorter = normalize(entity).split(), normalize(mention).split()
    return len(longer) > len(shorter) and longer[-len(shorter):] == shorter


def is_boss_word(mention: Mention, topic: Optional[str]) -> bool:
    """In a reporting-line question, "supervisor" or "manager" (or a typo of them) name the
    boss, not a role."""
    return (topic == "reporting" and not mention.full_name
            and normalize(mention.phrase or mention.text) in SUPERVISOR_WORDS)


def choose_role(tracker: Tracker, kb: KnowledgeBase, topic: Optional[str] = None) -> RoleChoice:
    """Pick the role a question is about.

    A role named in the message wins (several roles fitting a partial name: ask which);
    an occupation the knowledge base does not have is reported as unknown rather than
    answered with another role's facts, on a job page too. Otherwise the job page the
    candidate just opened, then the role the conversation is about, then the only role
    there is; with several roles and nothing to go on, ask which.
    """
    mentions = [m for m in widened_by_nlu(named_in_message(tracker, kb), tracker, kb)
                if not is_boss_word(m, topic)]
    comparison = comparison_of(tracker, kb, mentions)
    if comparison is not None:
        return comparison
    known = [m for m in mentions if m.known]
    if known:
        roles = [r for r in (kb.role(slug) for slug in known[0].slugs) if r is not None]
        if len(roles) == 1:
            return RoleChoice(role=roles[0])
        if roles:
            return RoleChoice(candidates=tuple(roles))
    if mentions:
        return RoleChoice(unknown_mention=clean_mention(mentions[0].text))

    # What NLU tagged and the run-time matcher did not see: typos ("machine lerning
    # engineer"), occupations missing from the list.
    unknown = None
    for mention in role_mentions(tracker):
        if topic == "reporting" and normalize(mention) in SUPERVISOR_WORDS:
            continue
        role = kb.resolve_role(mention)
        if role is not None:
            return RoleChoice(role=role)
        # Part of a role's name ("the warehouse job", "the nursing position").
        roles = [r for r in (kb.role(s) for s in kb.roles_containing(mention)) if r is not None]
        if len(roles) == 1:
            return RoleChoice(role=roles[0])
        if roles:
            return RoleChoice(candidates=tuple(roles))
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
    return RoleChoice(candidates=tuple(roles))


def comparison_of(tracker: Tracker, kb: KnowledgeBase,
                  mentions: List[Mention]) -> Optional[RoleChoice]:
    """The roles and other occupations a comparison names, when the message is one:
    at least two of them, and a word such as "or", "more", "versus"."""
    if len(mentions) < 2 or not _COMPARISON.search(tracker.latest_message.get("text") or ""):
        return None
    roles: List[Role] = []
    unknown: List[str] = []
    for mention in mentions:
        if len(mention.slugs) == 1:
            role = kb.role(mention.slugs[0])
            if role is not None and role not in roles:
                roles.append(role)
        elif not mention.slugs:
            name = clean_mention(mention.text)
            if name not in unknown:
                unknown.append(name)
    choice = RoleChoice(compared=tuple(roles), compared_unknown=tuple(unknown))
    return choice if choice.is_comparison else None


def clean_mention(mention: str) -> str:
    """The occupation as typed, made safe to echo: no markup, bounded length."""
    text = " ".join(_UNSAFE.sub(" ", mention).split())
    return text[:_MAX_MENTION].rstrip() or "that"
