"""When NLU is unsure what was asked, a role named in the message or the job page it was
asked on, or two role questions asked at once, still decide the reply."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.answer_topic import (answer_topics, follow_up_topic, only_names_a_role, topic_in,
                                  waiting_topic)
from actions.context import named_in_message, page_role, role_mentions
from actions.knowledge import knowledge_base
from actions.not_described import say_not_described
from actions.offloaded import OffTheEventLoop
from actions.questions import NOT_DESCRIBED, answer_questions, asked
from actions.records import note_gap
from bot import KnowledgeBaseUnavailable

log = logging.getLogger(__name__)

# "what skills are required and what's the salary?" splits NLU between two role questions
# (e.g. 0.55 / 0.44) and so falls below the fallback threshold. When both of the two most
# likely intents are role questions at least this likely, the message asks both.
TWO_QUESTIONS_MIN_CONFIDENCE = 0.3
# An unclear message naming a role is answered on NLU's best intent only when it is at
# least this likely; below it the bot says the description doesn't say.
UNCLEAR_GUESS_MIN_CONFIDENCE = 0.15
# An unclear message that names no role but is asked on a job page is about that page's
# role only when NLU's best guess is a role question at least this likely: the page comes
# with every message there, out-of-scope ones too, so it is weaker evidence than a name.
PAGE_GUESS_MIN_CONFIDENCE = 0.3


def _ranking(tracker: Tracker) -> List[Dict[str, Any]]:
    """NLU's intents for the latest message, most likely first, without the fallback."""
    return [i for i in tracker.latest_message.get("intent_ranking") or []
            if i.get("name") != "nlu_fallback"]


def ranked_topics(tracker: Tracker) -> List[Tuple[Optional[str], float]]:
    """(topic, confidence) of NLU's two most likely intents below the fallback."""
    return [(topic_in(i.get("name") or ""), float(i.get("confidence") or 0.0))
            for i in _ranking(tracker)[:2]]


def two_questions(tracker: Tracker) -> List[str]:
    """Both topics when NLU is split between two role questions, else []."""
    ranked = ranked_topics(tracker)
    if len(ranked) == 2 and all(topic and confidence >= TWO_QUESTIONS_MIN_CONFIDENCE
                                for topic, confidence in ranked):
        return [topic for topic, _ in ranked if topic]
    return []


def best_guess(tracker: Tracker) -> List[str]:
    """For a message that names a role: both questions if it asks two, else the more likely
    of NLU's two best intents that is a role question, else the question waiting for a role
    (or, for "and for the nurse?", the last one), else the overview."""
    follow_up = follow_up_topic(tracker)
    if follow_up:
        return [follow_up]
    ranked = ranked_topics(tracker)
    first = next((topic for topic, _ in ranked if topic), None)
    return two_questions(tracker) or [first or waiting_topic(tracker)]


def likely_question(tracker: Tracker) -> List[str]:
    """For an unclear message about a role (named, or the job page's): the question waiting
    for a role, or the last one for a follow-up; both questions if it asks two; NLU's best
    intent if it is a role question at least UNCLEAR_GUESS_MIN_CONFIDENCE likely; the
    question waiting for a role (else the overview) for a role name and little else (NLU's
    best is inform_role); else [] (the question is about something the description does
    not cover: "will my tattoos be a problem as a nurse?" must not get the nurse's skills)."""
    follow_up = follow_up_topic(tracker)
    if follow_up:
        return [follow_up]
    both = two_questions(tracker)
    if both:
        return both
    ranked = ranked_topics(tracker)
    if ranked and ranked[0][0] and ranked[0][1] >= UNCLEAR_GUESS_MIN_CONFIDENCE:
        return [ranked[0][0]]
    if _top_intent(tracker) in (None, "inform_role") or only_names_a_role(tracker):
        return [waiting_topic(tracker)]
    return []


def guesses_a_role_question(tracker: Tracker) -> bool:
    """NLU's best guess below the fallback is a question about a role: one the description
    does not cover, or one of its topics at least PAGE_GUESS_MIN_CONFIDENCE likely. On a
    job page only such a message is taken as about the page's role; "weather?", "suo2" or
    "what is naval engineering" (0.26 overview) there are still not understood."""
    ranking = _ranking(tracker)
    if not ranking:
        return False
    name, confidence = ranking[0].get("name") or "", float(ranking[0].get("confidence") or 0.0)
    return name == NOT_DESCRIBED or (topic_in(name) is not None
                                     and confidence >= PAGE_GUESS_MIN_CONFIDENCE)


def _top_intent(tracker: Tracker) -> Optional[str]:
    ranking = _ranking(tracker)
    return ranking[0].get("name") if ranking else None


class ActionOutOfScope(OffTheEventLoop, Action):
    """Out of scope, unless the message names a role or an occupation ("what does a tax
    examiner make?" read as out of scope): then it is a question about that role or
    occupation, handled as `action_not_understood` handles one."""

    def name(self) -> Text:
        return "action_out_of_scope"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        try:
            named = bool(named_in_message(tracker, knowledge_base()))
        except KnowledgeBaseUnavailable as exc:
            log.error("Knowledge base unavailable while handling out of scope: %s", exc)
            named = False
        if named:
            return answer_topics(dispatcher, tracker, best_guess(tracker))
        dispatcher.utter_message(response="utter_out_of_scope")
        return []


class ActionNotUnderstood(OffTheEventLoop, Action):
    """The reply to a message NLU could not classify with confidence.

    A message that names a role, or is asked on a role's job page and looks like a role
    question (`guesses_a_role_question`), is about that role even when the rest is unclear
    ("what's an MLE", "ok and for the ML engineer?", "whats the sallary" on the page): answer NLU's best guess if it is likely enough (see
    `likely_question`), else say the description doesn't say; an occupation the knowledge
    base lacks gets "no information on that role". Any other message still gets both
    answers when it clearly asks two role questions, else is asked to be rephrased.
    """

    def name(self) -> Text:
        return "action_not_understood"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        try:
            about_a_role = bool(role_mentions(tracker) or named_in_message(tracker, knowledge_base())
                                or (page_role(tracker) and guesses_a_role_question(tracker)))
        except KnowledgeBaseUnavailable as exc:
            log.error("Knowledge base unavailable while handling a fallback: %s", exc)
            about_a_role = False
        several = None if follow_up_topic(tracker) else asked(tracker)
        if several:
            return answer_questions(dispatcher, tracker, several)
        topics = likely_question(tracker) if about_a_role else two_questions(tracker)
        if topics:
            try:
                knowledge_base().check()
            except KnowledgeBaseUnavailable as exc:
                log.error("Knowledge base unavailable while handling a fallback: %s", exc)
            else:
                return answer_topics(dispatcher, tracker, topics)
        elif about_a_role:
            return say_not_described(dispatcher, tracker) + offer_a_person_if_failed_before(tracker)
        note_gap(tracker, tracker.get_slot("role"), None, "not_understood")
        dispatcher.utter_message(response="utter_default")
        return offer_a_person_if_failed_before(tracker)


#: What this action replies when it has no answer: twice in a row, a person is offered.
NO_ANSWER_RESPONSES = ("utter_default", "utter_not_described")


def offer_a_person_if_failed_before(tracker: Tracker) -> List[EventType]:
    return [FollowupAction("action_offer_handoff")] if failed_just_before(tracker) else []


def failed_just_before(tracker: Tracker) -> bool:
    """The bot's reply to the message before this one was also one with no answer ("I
    didn't understand", "the description doesn't say"): twice in a row, so a person is
    offered."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users > 1:
                return False
        elif (users == 1 and event.get("event") == "action"
              and event.get("name") not in ("action_listen", None)):
            return event.get("name") == "action_not_understood" and _said_no_answer(tracker)
    return False


def _said_no_answer(tracker: Tracker) -> bool:
    """The reply to the previous message was one of NO_ANSWER_RESPONSES."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
        elif users == 1 and event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action") in NO_ANSWER_RESPONSES
    return False
