"""Greeting and "what can you do": responses that name the roles the knowledge base holds."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import knowledge_base
from bot import KnowledgeBaseUnavailable
from bot.answers import role_list

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


class ActionGreet(Action):
    def name(self) -> Text:
        return "action_greet"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        return utter_with_roles(dispatcher, "utter_greet")


class ActionDescribeCapabilities(Action):
    def name(self) -> Text:
        return "action_describe_capabilities"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        return utter_with_roles(dispatcher, "utter_capabilities")


class ActionListRoles(Action):
    def name(self) -> Text:
        return "action_list_roles"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        return utter_with_roles(dispatcher, "utter_open_roles")
