"""When NLU is unsure what was asked, a role named in the message still decides the reply."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_topic import DEFAULT_TOPIC, answer_topic
from actions.context import role_mentions
from actions.knowledge import knowledge_base
from bot import KnowledgeBaseUnavailable

log = logging.getLogger(__name__)


class ActionNotUnderstood(Action):
    """The reply to a message NLU could not classify with confidence.

    A message that names a role is about that role even when the rest is unclear ("what's
    an MLE", "ok and for the ML engineer?"): answer the question still waiting for a role,
    else the overview; an occupation the knowledge base lacks gets "no information on that
    role". Only a message naming no role is asked to be rephrased.
    """

    def name(self) -> Text:
        return "action_not_understood"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        if role_mentions(tracker):
            try:
                knowledge_base().check()
            except KnowledgeBaseUnavailable as exc:
                log.error("Knowledge base unavailable while handling a fallback: %s", exc)
            else:
                return answer_topic(dispatcher, tracker,
                                    tracker.get_slot("pending_topic") or DEFAULT_TOPIC)
        dispatcher.utter_message(response="utter_default")
        return []
