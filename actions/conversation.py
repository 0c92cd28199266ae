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


class _RolesResponse(Action):
    """Utters a response whose {roles} lists the roles of the knowledge base."""

    response = ""
    response_without_roles = "utter_greet_no_roles"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        try:
            roles = knowledge_base().roles()
        except KnowledgeBaseUnavailable as exc:
            log.error("Knowledge base unavailable while listing roles: %s", exc)
            dispatcher.utter_message(response="utter_lookup_unavailable")
            return []
        if roles:
            dispatcher.utter_message(response=self.response, roles=role_list(roles))
        else:
            dispatcher.utter_message(response=self.response_without_roles)
        return []


class ActionGreet(_RolesResponse):
    response = "utter_greet"

    def name(self) -> Text:
        return "action_greet"


class ActionDescribeCapabilities(_RolesResponse):
    response = "utter_capabilities"

    def name(self) -> Text:
        return "action_describe_capabilities"


class ActionListRoles(_RolesResponse):
    response = "utter_open_roles"

    def name(self) -> Text:
        return "action_list_roles"
