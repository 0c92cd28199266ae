"""Several questions in one message: the Rasa server classifies each piece of the message
on its own (rasa_ext/questions.py puts them in the parse data as `questions`), and the
bot answers each, in order."""
from __future__ import annotations

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_topic import answer_topics, topic_in
from actions.not_described import say_not_described

#: A piece counts as a question when NLU is at least this sure of it.
MIN_QUESTION_CONFIDENCE = 0.5
#: What a piece asking about something no topic covers stands for among the topics.
NOT_DESCRIBED = "ask_not_described"


def asked(tracker: Tracker) -> List[str]:
    """The topics (and NOT_DESCRIBED) the message's pieces ask, in order, when they are
    at least two different questions; else []."""
    found: List[str] = []
    for piece in tracker.latest_message.get("questions") or []:
        intent = piece.get("intent") or {}
        name = intent.get("name") or ""
        if float(intent.get("confidence") or 0.0) < MIN_QUESTION_CONFIDENCE:
            continue
        key = NOT_DESCRIBED if name == NOT_DESCRIBED else topic_in(name)
        if key and key not in found:
            found.append(key)
    return found if len(found) >= 2 else []


def answer_questions(dispatcher: CollectingDispatcher, tracker: Tracker,
                     questions: List[str]) -> List[EventType]:
    """Each topic's answer, then "the description doesn't say" for the rest."""
    topics = [q for q in questions if q != NOT_DESCRIBED]
    events = answer_topics(dispatcher, tracker, topics) if topics else []
    if NOT_DESCRIBED in questions:
        events += say_not_described(dispatcher, tracker)
    return events
