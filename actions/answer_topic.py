"""Answering a question about a role from the facts of its job description."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import choose_role, page_role
from actions.knowledge import knowledge_base
from bot import KnowledgeBaseUnavailable
from bot.answers import role_list, topic_answer

log = logging.getLogger(__name__)

TOPIC_INTENT_PREFIX = "ask_"
# The topic answered when someone only names a role ("the ML engineer one").
DEFAULT_TOPIC = "overview"


def topic_in(intent: str) -> Optional[str]:
    """`ask_salary` -> `salary`; None for an intent that is not a question about a role."""
    return intent[len(TOPIC_INTENT_PREFIX):] if intent.startswith(TOPIC_INTENT_PREFIX) else None


def waiting_topic(tracker: Tracker) -> str:
    """The question still waiting for a role, else the overview (for a bare role name)."""
    return tracker.get_slot("pending_topic") or DEFAULT_TOPIC


def topic_of(tracker: Tracker) -> str:
    """The topic the message asks about."""
    intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
    return topic_in(intent) or waiting_topic(tracker)


def answer_topics(dispatcher: CollectingDispatcher, tracker: Tracker,
                  topic_keys: Sequence[str]) -> List[EventType]:
    """Answer each topic (one, or two when a message asks two questions) for the role the
    message is about, in order; the slot events to apply.

    A question about a role the knowledge base lacks, or with no way to tell which role,
    keeps its (first) topic as `pending_topic`, so "and for the ML engineer?" answers it next.
    """
    kb = knowledge_base()
    try:
        topics = [kb.topic(key) for key in topic_keys]
        if any(topic is None for topic in topics):
            log.warning("No topic in the knowledge base for %s", list(topic_keys))
            dispatcher.utter_message(response="utter_default")
            return []
        choice = choose_role(tracker, kb, topics[0].key)
        events: List[EventType] = [SlotSet("page_role", page_role(tracker))]
        if choice.unknown_mention is not None:
            dispatcher.utter_message(response="utter_unknown_role", mention=choice.unknown_mention,
                                     roles=role_list(kb.roles()))
            return events + [SlotSet("pending_topic", topics[0].key)]
        if choice.role is None:
            dispatcher.utter_message(response="utter_ask_which_role", roles=role_list(kb.roles()))
            return events + [SlotSet("pending_topic", topics[0].key)]
        for topic in topics:
            facts = kb.facts(choice.role.slug, topic.key)
            if facts:
                dispatcher.utter_message(text=topic_answer(choice.role, topic, facts))
            else:
                dispatcher.utter_message(response="utter_not_in_description",
                                         role_title=choice.role.title, topic_label=topic.label)
        return events + [SlotSet("role", choice.role.slug), SlotSet("pending_topic", None)]
    except KnowledgeBaseUnavailable as exc:
        log.error("Knowledge base unavailable while answering: %s", exc)
        dispatcher.utter_message(response="utter_lookup_unavailable")
        return []


class ActionAnswerTopic(Action):
    def name(self) -> Text:
        return "action_answer_topic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        return answer_topics(dispatcher, tracker, [topic_of(tracker)])
