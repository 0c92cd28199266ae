"""A question about a role on a matter no topic covers ("do you sponsor visas?", "will my
tattoos be a problem?"): the honest reply is that the job description doesn't say, never
the facts of some other topic."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import choose_role, page_role
from actions.knowledge import knowledge_base
from actions.offloaded import OffTheEventLoop
from actions.records import note_gap
from bot import KnowledgeBaseUnavailable
from bot.answers import role_list

log = logging.getLogger(__name__)


def say_not_described(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """"The <role> job description doesn't say" for the role the question is about; for an
    occupation the knowledge base lacks, that it has no information on it; with no way to
    tell the role, that the job descriptions don't say (asking which role would only lead
    to the same answer)."""
    try:
        kb = knowledge_base()
        choice = choose_role(tracker, kb)
    except KnowledgeBaseUnavailable as exc:
        log.error("Knowledge base unavailable while handling a question it does not cover: %s", exc)
        dispatcher.utter_message(response="utter_not_described_any")
        return []
    events: List[EventType] = [SlotSet("page_role", page_role(tracker))]
    if choice.role is not None:
        note_gap(tracker, choice.role.slug, None, "not_described")
        dispatcher.utter_message(response="utter_not_described", role_title=choice.role.title)
        return events + [SlotSet("role", choice.role.slug)]
    if choice.unknown_mention is not None and not choice.is_comparison:
        dispatcher.utter_message(response="utter_unknown_role", mention=choice.unknown_mention,
                                 roles=role_list(kb.roles()))
        return events
    note_gap(tracker, None, None, "not_described")
    dispatcher.utter_message(response="utter_not_described_any")
    return events


class ActionNotDescribed(OffTheEventLoop, Action):
    def name(self) -> Text:
        return "action_not_described"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               domain: Dict[Text, Any]) -> List[EventType]:
        from actions.questions import answer_questions, asked

        several = asked(tracker)
        if several:
            return answer_questions(dispatcher, tracker, several)
        return say_not_described(dispatcher, tracker)
