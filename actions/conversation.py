"""Greeting and "what can you do": responses that name the roles the knowledge base holds."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Sequence, Text
from urllib.parse import quote

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.context import clean_mention, named_in_message
from actions.knowledge import knowledge_base
from actions.offloaded import OffTheEventLoop
from bot import KnowledgeBaseUnavailable, Role
from bot.answers import MAX_ROLES_NAMED, role_list
from bot.search import query_words, search_roles

log = logging.getLogger(__name__)


def utter_with_roles(dispatcher: CollectingDispatcher, response: str) -> List[EventType]:
    """Utter `response` with {roles} filled from the knowledge base."""
    try:
        roles = knowledge_base().roles()
    except KnowledgeBaseUnavailable as exc:
        log.error("Knowledge base unavailable while listing roles: %s", exc)
        dispatcher.utter_message(response="utter_lookup_unavailable")
        return []
    if roles:
        dispatcher.utter_message(response=response, roles=role_list(roles))
    else:
        dispatcher.utter_message(response="utter_greet_no_roles")
    return []


class ActionGreet(OffTheEventLoop, Action):
    def name(self) -> Text:
        return "action_greet"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        return utter_with_roles(dispatcher, "utter_greet")


class ActionDescribeCapabilities(OffTheEventLoop, Action):
    def name(self) -> Text:
        return "action_describe_capabilities"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        return utter_with_roles(dispatcher, "utter_capabilities")


class ActionListRoles(OffTheEventLoop, Action):
    """"Which roles are open?", "any nursing jobs?", "anything in sales or finance?": the
    roles the message names, else those its words find (bot/search.py), else all of them;
    linked to their pages in the web chat."""

    def name(self) -> Text:
        return "action_list_roles"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        try:
            kb = knowledge_base()
            roles = kb.roles()
            mentions = named_in_message(tracker, kb)
        except KnowledgeBaseUnavailable as exc:
            log.error("Knowledge base unavailable while listing roles: %s", exc)
            dispatcher.utter_message(response="utter_lookup_unavailable")
            return []
        if not roles:
            dispatcher.utter_message(response="utter_greet_no_roles")
            return []
        named = [s for m in mentions for s in m.slugs]
        unknown = [m for m in mentions if not m.known]
        if unknown and not named:
            # "Do you have any pharmacist jobs?": say so plainly, as for any question about it.
            dispatcher.utter_message(response="utter_unknown_role",
                                     mention=clean_mention(unknown[0].text), roles=role_list(roles))
            return []
        if named:
            found = [r for r in roles if r.slug in named]
        elif query_words(text) and not text.startswith("/"):
            found = search_roles(roles, text)
            if not found:
                dispatcher.utter_message(response="utter_no_matching_roles",
                                         **role_names(roles))
                return []
        else:
            dispatcher.utter_message(response="utter_open_roles", **role_names(roles))
            return []
        dispatcher.utter_message(response="utter_matching_roles", **role_names(found))
        return []


def role_names(roles: Sequence[Role]) -> Dict[str, str]:
    """{roles}: the titles as a sentence; {roles_linked}: the same, each linking to its page
    on the careers site (the web chat's variant of the response)."""
    shown = list(roles)[:MAX_ROLES_NAMED]
    linked = [Role(r.slug, f"[{r.title}](/jobs/{quote(r.slug)})", r.summary, r.names, r.source)
              for r in shown]
    rest = list(roles)[MAX_ROLES_NAMED:]
    return {"roles": role_list(roles), "roles_linked": role_list(linked + rest)}
