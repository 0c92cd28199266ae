"""A person, when the candidate wants one (or the bot has failed twice in a row): with
their consent, the conversation goes to the recruiters' Slack channel; without Slack it
is queued for the recruiting team (docs/recruiters.md)."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import knowledge_base
from actions.offloaded import OffTheEventLoop
from actions.records import candidate_store
from bot import KnowledgeBaseUnavailable
from bot.recruiters import TRANSCRIPT_TURNS, HandoffSummary, RecruitersChannel, recruiter_hours

log = logging.getLogger(__name__)

#: The candidate's latest questions put in front of the recruiter.
QUESTIONS_SHOWN = 3
# Messages that are the request itself or an answer to the bot, not a question.
_NOT_QUESTIONS = frozenset({"request_human", "affirm", "deny", "greet", "thank", "goodbye"})


def transcript(tracker: Tracker) -> List[Tuple[str, str]]:
    """The conversation's last turns as (speaker, text); buttons' payloads left out."""
    turns: List[Tuple[str, str]] = []
    for event in tracker.events:
        text = event.get("text")
        if not text or text.startswith("/"):
            continue
        if event.get("event") == "user":
            turns.append(("candidate", text))
        elif event.get("event") == "bot":
            turns.append(("bot", text))
    return turns[-TRANSCRIPT_TURNS:]


def latest_questions(tracker: Tracker) -> List[str]:
    """The candidate's last few messages that asked something."""
    questions = [e.get("text") for e in tracker.events
                 if e.get("event") == "user" and e.get("text")
                 and not e["text"].startswith("/")
                 and ((e.get("parse_data") or {}).get("intent") or {}).get("name")
                 not in _NOT_QUESTIONS]
    return [q for q in questions if q][-QUESTIONS_SHOWN:]


def role_title(tracker: Tracker) -> Optional[str]:
    slug = tracker.get_slot("role")
    if not slug:
        return None
    try:
        role = knowledge_base().role(slug)
    except KnowledgeBaseUnavailable:
        return None
    return role.title if role is not None else None


class ActionOfferHandoff(Action):
    """Asks before anything is shown to a person: what goes to the recruiting team."""

    def name(self) -> Text:
        return "action_offer_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        reference = tracker.get_slot("application_reference")
        extra = f" and your application reference {reference}" if reference else ""
        dispatcher.utter_message(
            text="I can pass this conversation to our recruiting team: they'll see the role, "
                 f"your last questions and our conversation so far{extra}. Shall I?",
            buttons=[{"title": "Yes, please", "payload": "/affirm"},
                     {"title": "No, thanks", "payload": "/deny"}])
        return []


class ActionHandoff(OffTheEventLoop, Action):
    def name(self) -> Text:
        return "action_handoff"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               domain: Dict[Text, Any]) -> List[EventType]:
        reference = tracker.get_slot("application_reference")
        # The email is given, with consent, only by applying.
        email = tracker.get_slot("applicant_email") if reference else None
        summary = HandoffSummary(role_title(tracker), latest_questions(tracker),
                                 transcript(tracker), reference, email)
        try:
            store = candidate_store()
            existing = store.open_handoff_for(tracker.sender_id)
            handoff = existing or store.add_handoff(
                sender_id=tracker.sender_id, channel=tracker.get_latest_input_channel() or "rest",
                role_slug=tracker.get_slot("role"), questions=list(summary.questions),
                transcript=list(summary.transcript), application_reference=reference,
                email=email)
        except Exception as exc:  # noqa: BLE001 - a polite reply, one log line, no trace
            log.error("Could not record a request for a recruiter: %s: %s",
                      type(exc).__name__, exc)
            dispatcher.utter_message(
                text="Sorry, I couldn't reach the recruiting team just now. Please try again "
                     "in a few minutes.")
            return []
        slack = RecruitersChannel.from_env()
        if slack is not None and (existing is None or existing.slack_ts is None):
            try:
                channel, ts = slack.post(summary)
                store.mark_posted(handoff.id, channel, ts)
            except Exception as exc:  # noqa: BLE001 - queued instead; one log line
                log.error("Could not post a handoff to the recruiters' Slack channel: %s: %s",
                          type(exc).__name__, exc)
            else:
                dispatcher.utter_message(
                    text="I've passed your question to our recruiting team. A recruiter will "
                         f"reply here in this chat; they're usually available "
                         f"{recruiter_hours()}. Anything you write now goes to them too.")
                return []
        elif slack is not None:
            dispatcher.utter_message(
                text="Our recruiting team already has your conversation: a recruiter will "
                     f"reply here. They're usually available {recruiter_hours()}.")
            return []
        if email:
            dispatcher.utter_message(
                text="No recruiter is available in this chat, so I've passed your question "
                     f"to the recruiting team: a recruiter will reply by email to {email}.")
        else:
            dispatcher.utter_message(
                text="No recruiter is available in this chat, and I have no way to reach you, "
                     "so the recruiting team can't reply yet. If you apply (say \"I'd like to "
                     "apply\"), they'll contact you by email.")
        return []
