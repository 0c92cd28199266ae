"""Answering a question about a role from the facts of its job description."""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import RoleChoice, choose_role, named_in_message, page_role, role_mentions
from actions.knowledge import knowledge_base
from actions.offloaded import OffTheEventLoop
from actions.records import approved_answers, note_gap
from bot import KnowledgeBase, KnowledgeBaseUnavailable, Role, Topic
from bot.answers import role_list, topic_answer
from bot.mentions import asks_about_own_employment
from bot.recruiter_answers import recruiter_answer_text

log = logging.getLogger(__name__)

TOPIC_INTENT_PREFIX = "ask_"
# The topic answered when someone only names a role ("the ML engineer one").
DEFAULT_TOPIC = "overview"
# "How do I apply?": the description's words on it, then the way to apply.
APPLICATION_TOPIC = "application_process"
# "Which role do you mean?" names at most this many roles, each with a button.
MAX_ROLE_BUTTONS = 8


# `ask_*` intents that are not a topic of knowledge/topics.yml (tests/actions check that
# every other `ask_*` intent of the domain is one).
NON_TOPIC_INTENTS = frozenset({"ask_open_roles", "ask_capabilities", "ask_not_described",
                               "ask_my_data"})


def topic_in(intent: str) -> Optional[str]:
    """`ask_salary` -> `salary`; None for an intent that is not a question about a role."""
    if not intent.startswith(TOPIC_INTENT_PREFIX) or intent in NON_TOPIC_INTENTS:
        return None
    return intent[len(TOPIC_INTENT_PREFIX):]


# "and for the accountant?", "what about the nurse?", "same question for ...": the last
# question again, about another role.
_FOLLOW_UP = re.compile(r"^\W*(ok(ay)?|and|so|now|then|also|right)?\W*(and|what about|how about|"
                        r"same|also|for)\b|\bsame (question|thing)\b|\b(what|how) about\b",
                        re.I)


# What a follow-up may hold besides its cue and the role's name.
_FILLER = frozenset("the a an this that role job position one ones please then too as well "
                    "same question thing one's for about of ok okay so now also how what and "
                    "is it".split())


def follow_up_topic(tracker: Tracker) -> Optional[str]:
    """For a message that only names a role: the question waiting for a role ("which role
    do you mean?" ... "for the warehouse supervisor"), or, after a cue ("and for the
    accountant?", "what about the truck driver?", "same question for the nurse"), the last
    question; whatever NLU made of it. None when the message asks something of its own."""
    text = tracker.latest_message.get("text") or ""
    pending = tracker.get_slot("pending_topic")
    last = tracker.get_slot("last_topic") if _FOLLOW_UP.search(text) else None
    if not (pending or last) or text.startswith("/"):
        return None
    return (pending or last) if only_names_a_role(tracker) else None


def only_names_a_role(tracker: Tracker) -> bool:
    """The message names a role and says nothing else ("the nurse one", "and for the
    accountant?")."""
    text = tracker.latest_message.get("text") or ""
    try:
        names = [m.text for m in named_in_message(tracker, knowledge_base())]
    except KnowledgeBaseUnavailable:
        return False
    names += role_mentions(tracker)
    if not names:
        return False
    rest = text.lower()
    for name in sorted(names, key=len, reverse=True):
        rest = rest.replace(name.lower(), " ")
    return not [w for w in re.findall(r"[a-z0-9']+", rest) if w not in _FILLER]


def waiting_topic(tracker: Tracker) -> str:
    """The question still waiting for a role, else the overview (for a bare role name)."""
    return tracker.get_slot("pending_topic") or DEFAULT_TOPIC


def topic_of(tracker: Tracker) -> str:
    """The topic the message asks about: the question waiting for a role, or the last one
    for a follow-up, or NLU's intent, or the overview for a bare role name."""
    intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
    return follow_up_topic(tracker) or topic_in(intent) or waiting_topic(tracker)


def answer_topics(dispatcher: CollectingDispatcher, tracker: Tracker,
                  topic_keys: Sequence[str]) -> List[EventType]:
    """Answer each topic (one, or two when a message asks two questions) for the role the
    message is about, in order; the slot events to apply.

    A question about a role the knowledge base lacks, or with no way to tell which role,
    keeps its (first) topic as `pending_topic`, so "and for the ML engineer?" answers it next.
    """
    kb = knowledge_base()
    try:
        found = [kb.topic(key) for key in topic_keys]
        topics = [topic for topic in found if topic is not None]
        if len(topics) != len(found) or not topics:
            log.warning("No topic in the knowledge base for %s", list(topic_keys))
            dispatcher.utter_message(response="utter_default")
            return []
        if asks_about_own_employment(tracker.latest_message.get("text") or ""):
            dispatcher.utter_message(response="utter_own_employment")
            return []
        choice = choose_role(tracker, kb, topics[0].key)
        events: List[EventType] = [SlotSet("page_role", page_role(tracker))]
        if choice.is_comparison:
            return events + compare(dispatcher, kb, choice, topics)
        if choice.unknown_mention is not None:
            dispatcher.utter_message(response="utter_unknown_role", mention=choice.unknown_mention,
                                     roles=role_list(kb.roles()))
            return events + [SlotSet("pending_topic", topics[0].key)]
        if choice.role is None:
            ask_which_role(dispatcher, choice.candidates)
            return events + [SlotSet("pending_topic", topics[0].key)]
        for topic in topics:
            if not answer_one(dispatcher, kb, choice.role, topic):
                note_gap(tracker, choice.role.slug, topic.key, "not_described")
            if topic.key == APPLICATION_TOPIC:
                offer_to_apply(dispatcher, choice.role)
        return events + [SlotSet("role", choice.role.slug), SlotSet("pending_topic", None),
                         SlotSet("last_topic", topics[0].key)]
    except KnowledgeBaseUnavailable as exc:
        log.error("Knowledge base unavailable while answering: %s", exc)
        dispatcher.utter_message(response="utter_lookup_unavailable")
        return []


def answer_one(dispatcher: CollectingDispatcher, kb: KnowledgeBase, role: Role, topic: Topic,
               named: bool = False) -> bool:
    """The role's facts on the topic (`named`: after the role's title, when answers for
    several roles follow each other); else what the recruiting team answered, approved,
    saying so; else "the description doesn't say" (False)."""
    facts = kb.facts(role.slug, topic.key)
    if facts:
        answer = topic_answer(role, topic, facts)
        if named:
            answer = f"**{role.title}:**{chr(10) if topic.format == 'list' else ' '}{answer}"
        dispatcher.utter_message(text=answer)
        return True
    from_recruiters = approved_answers(role.slug, topic.key)
    if from_recruiters:
        dispatcher.utter_message(text=recruiter_answer_text(role.title, topic.label,
                                                            from_recruiters))
        return True
    dispatcher.utter_message(response="utter_not_in_description",
                             role_title=role.title, topic_label=topic.label)
    return False


def compare(dispatcher: CollectingDispatcher, kb: KnowledgeBase, choice: RoleChoice,
            topics: Sequence[Topic]) -> List[EventType]:
    """Each role's own facts side by side, each saying which role it is about (the bot
    does not rank them: pay may be per hour for one and per year for another), and which
    named occupations the knowledge base has nothing on. The conversation then goes on
    about the first role named."""
    for topic in topics:
        for role in choice.compared:
            answer_one(dispatcher, kb, role, topic, named=True)
    for mention in choice.compared_unknown:
        dispatcher.utter_message(response="utter_unknown_role_brief", mention=mention)
    if choice.compared:
        return [SlotSet("role", choice.compared[0].slug), SlotSet("pending_topic", None),
                SlotSet("last_topic", topics[0].key)]
    return [SlotSet("pending_topic", topics[0].key)]


def offer_to_apply(dispatcher: CollectingDispatcher, role: Role) -> None:
    """After "how do I apply?": how to apply for this role now (the chat, the employer's
    page, or that applications have closed)."""
    from actions.apply import applied_elsewhere, apply_button

    elsewhere = applied_elsewhere(role, dt.date.today())
    if elsewhere is not None:
        dispatcher.utter_message(**elsewhere)
    else:
        dispatcher.utter_message(text=f"You can apply for the {role.title} role right here in "
                                      "the chat: say \"I'd like to apply\".",
                                 buttons=[apply_button(role)])


def ask_which_role(dispatcher: CollectingDispatcher, candidates: Sequence[Role]) -> None:
    """"Which role do you mean?", naming the candidates, with a button for each (channels
    without buttons show the names in the text)."""
    shown = list(candidates)[:MAX_ROLE_BUTTONS]
    buttons = [{"title": role.title,
                "payload": "/inform_role" + json.dumps({"role": role.title})} for role in shown]
    dispatcher.utter_message(response="utter_ask_which_role", roles=role_list(shown),
                             buttons=buttons)


class ActionAnswerTopic(OffTheEventLoop, Action):
    def name(self) -> Text:
        return "action_answer_topic"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[EventType]:
        from actions.questions import answer_questions, asked

        several = None if follow_up_topic(tracker) else asked(tracker)
        if several:
            return answer_questions(dispatcher, tracker, several)
        return answer_topics(dispatcher, tracker, [topic_of(tracker)])
