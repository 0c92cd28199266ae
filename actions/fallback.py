"""When NLU is unsure what was asked: still never answer for a role we do not have."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.context import clean_mention, role_mentions
from actions.knowledge import knowledge_base
from bot import KnowledgeBaseUnavailable
from bot.answers import role_list

log = logging.getLogger(__name__)


class ActionNotUnderstood(Action):
    """The reply to a message NLU could not classify with confidence.

    If the message names an occupation the knowledge base does not have, saying so is
    the useful answer whatever the question was; otherwise ask to rephrase.
    """

    def name(self) -> Text:
        return "action_not_understood"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        mentions = role_mentions(tracker)
        if mentions:
            try:
                kb = knowledge_base()
                if all(kb.resolve_role(m) is None for m in mentions):
                    dispatcher.utter_message(response="utter_unknown_role",
                                             mention=clean_mention(mentions[0]),
                                             roles=role_list(kb.roles()))
                    return []
            except KnowledgeBaseUnavailable as exc:
                log.error("Knowledge base unavailable while handling a fallback: %s", exc)
        dispatcher.utter_message(response="utter_default")
        return []
