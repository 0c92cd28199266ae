"""Applying for a role in the chat: name, email, an optional profile link and explicit
consent (what is kept, why, and for how long), ending with a reference number.

The form's slots are filled here (`extract_*`), not by slot mappings, because a name is
free text: a message is taken as the answer only when it is not a question or a command,
so "what does it pay?" in the middle of the form is answered (data/rules/next_step.yml)
and the form then asks its question again.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import choose_role
from actions.knowledge import knowledge_base
from actions.offloaded import OffTheEventLoop
from actions.records import candidate_store
from bot import KnowledgeBaseUnavailable, Role
from bot.answers import role_list
from bot.candidates import valid_email, valid_profile_url
from bot.settings import application_retention_days

log = logging.getLogger(__name__)

FORM = "apply_form"
#: "form" when the form follows action_start_application, else "elsewhere" (rules).
METHOD_SLOT = "application_method"
FIELD_SLOTS = {"name": "applicant_name", "email": "applicant_email",
               "profile": "applicant_profile"}
FORM_SLOTS = ("apply_role", "apply_role_title", "applicant_name", "applicant_email",
              "applicant_profile", "application_consent")
SKIPPED = "skipped"

# Intents that, said confidently enough, are the candidate doing something else than
# answering the form's question: answered by a rule, then the form asks again.
_NOT_AN_ANSWER = frozenset({"apply", "stop", "request_human", "ask_my_data", "delete_my_data",
                            "ask_not_described", "ask_open_roles", "ask_capabilities",
                            "bot_challenge", "correct_field", "inform_role"})
_NOT_AN_ANSWER_MIN_CONFIDENCE = 0.6
# A yes or no below the fallback threshold still answers the consent question.
_GUESS_MIN_CONFIDENCE = 0.3
_QUESTION_START = re.compile(r"^\s*(what|who|whom|whose|how|where|when|why|which|is|are|am|do|"
                             r"does|did|can|could|will|would|should|shall|may|tell|explain)\b",
                             re.I)
# Leaving the form, whatever NLU made of it: the rule for `stop` must get it.
_LEAVING = re.compile(r"^\W*(cancel|stop|quit|exit|abort|never ?mind|forget it)\b", re.I)
_SELF_INTRODUCTION = re.compile(r"^\s*(hi|hello|hey)?[\s,!.]*(my name is|my name's|i am|i'm|"
                                r"im|it's|its|this is|name:?)\s+", re.I)
_NAME = re.compile(r"^[^\W\d_]+(?:[\s'’.-]+[^\W\d_]+)*\.?$", re.UNICODE)
_MAX_NAME_WORDS = 6


def intent_of(tracker: Tracker) -> tuple[Optional[str], float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def likely_intent(tracker: Tracker) -> Optional[str]:
    """NLU's intent, or below the fallback threshold its best guess if at least
    _GUESS_MIN_CONFIDENCE likely ("yes that's fine" split between affirm and thank)."""
    name, _ = intent_of(tracker)
    if name != "nlu_fallback":
        return name
    ranking = [i for i in tracker.latest_message.get("intent_ranking") or []
               if i.get("name") != "nlu_fallback"]
    if ranking and float(ranking[0].get("confidence") or 0.0) >= _GUESS_MIN_CONFIDENCE:
        return ranking[0].get("name")
    return None


def is_other_request(tracker: Tracker) -> bool:
    """The message asks or does something else than answer the form's question."""
    text = tracker.latest_message.get("text") or ""
    name, confidence = intent_of(tracker)
    if text.startswith("/"):
        return name not in ("affirm", "deny")
    if "?" in text or _QUESTION_START.match(text) or _LEAVING.match(text):
        return True
    confident = confidence >= _NOT_AN_ANSWER_MIN_CONFIDENCE
    return confident and (name in _NOT_AN_ANSWER or (name or "").startswith("ask_"))


def name_in(text: str) -> Optional[str]:
    """"My name is Sam O'Neil" -> "Sam O'Neil"; None for anything that is not a name."""
    name = " ".join(_SELF_INTRODUCTION.sub("", text).split()).strip(" .,!")
    if not name or len(name.split()) > _MAX_NAME_WORDS or not _NAME.match(name):
        return None
    return name


def closed_on(role: Role, today: dt.date) -> Optional[dt.date]:
    """The closing date of the role's applications when it has passed, else None."""
    return role.application.closes if role.application.is_closed(today) else None


def apply_link(role: Role) -> Optional[str]:
    """The employer's application page, for a role whose job file says `method: link`."""
    return role.application.url if role.application.method == "link" else None


# The answer a correction names when NLU tagged none ("my e-mail is wrong").
_FIELD_WORDS = (("applicant_email", re.compile(r"\be-?mail|\baddress\b", re.I)),
                ("applicant_profile", re.compile(r"\b(link|url|cv|resume|résumé|profile|"
                                                 r"linkedin|portfolio)\b", re.I)),
                ("applicant_name", re.compile(r"\bname\b", re.I)))


def field_named_in(text: str) -> Optional[str]:
    """The form's slot a correction names in so many words, else None."""
    return next((slot for slot, words in _FIELD_WORDS if words.search(text)), None)


def applied_elsewhere(role: Role, today: dt.date) -> Optional[Dict[str, Any]]:
    """The message for a role whose applications are not taken in the chat: closed, or
    taken on the employer's page (with a button to it); None when the form takes them."""
    closed = closed_on(role, today)
    if closed is not None:
        return {"text": f"Applications for the {role.title} role closed on "
                        f"{closed:%-d %B %Y}, so I can't take one any more. I can still "
                        "answer questions about the role."}
    link = apply_link(role)
    if link:
        return {"text": f"Applications for the {role.title} role are taken on the "
                        f"employer's site: {link}",
                "buttons": [{"title": "Open the application page", "url": link,
                             "type": "web_url", "payload": link}]}
    return None


def apply_button(role: Role) -> Dict[str, str]:
    return {"title": f"Apply for {role.title}",
            "payload": "/apply" + json.dumps({"role": role.title})}


class ActionStartApplication(OffTheEventLoop, Action):
    """Works out the role, then: its external application page, or that applications
    have closed, or the form (data/rules/next_step.yml starts it on METHOD_SLOT)."""

    def name(self) -> Text:
        return "action_start_application"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               domain: Dict[Text, Any]) -> List[EventType]:
        events = self.start(dispatcher, tracker)
        if not any(e.get("name") == METHOD_SLOT for e in events):
            events.append(SlotSet(METHOD_SLOT, "elsewhere"))
        return events

    def start(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        try:
            kb = knowledge_base()
            choice = choose_role(tracker, kb)
            if choice.role is None:
                roles = list(choice.candidates or kb.roles())
                if not roles:
                    dispatcher.utter_message(response="utter_no_roles_to_apply")
                    return []
                dispatcher.utter_message(response="utter_ask_which_role_to_apply",
                                         roles=role_list(roles),
                                         buttons=[apply_button(r) for r in roles[:8]])
                return []
        except KnowledgeBaseUnavailable as exc:
            log.error("Knowledge base unavailable while starting an application: %s", exc)
            dispatcher.utter_message(response="utter_lookup_unavailable")
            return []
        role = choice.role
        elsewhere = applied_elsewhere(role, dt.date.today())
        if elsewhere is not None:
            dispatcher.utter_message(**elsewhere)
            return [SlotSet("role", role.slug)]
        return [SlotSet("role", role.slug), SlotSet("apply_role", role.slug),
                SlotSet("apply_role_title", role.title), SlotSet(METHOD_SLOT, "form")]


class ValidateApplyForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_apply_form"

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        """"Change my email" (or the form's "change something" button): forget that
        answer (and the consent given to the old one), so the form asks it again."""
        name, _ = intent_of(tracker)
        if name == "correct_field":
            field = next((e.get("value") for e in tracker.latest_message.get("entities") or []
                          if e.get("entity") == "application_field"), None)
            slot = FIELD_SLOTS.get(str(field or "").lower()) or field_named_in(
                tracker.latest_message.get("text") or "")
            if slot is None:
                dispatcher.utter_message(
                    text="Which answer would you like to change?",
                    buttons=[{"title": f"My {label}",
                              "payload": "/correct_field" + json.dumps({"application_field": label})}
                             for label in FIELD_SLOTS])
                return [SlotSet("application_consent", None)]
            return [SlotSet(slot, None), SlotSet("application_consent", None)]
        return await super().get_extraction_events(dispatcher, tracker, domain)

    def _asked(self, tracker: Tracker, slot: str) -> bool:
        return tracker.get_slot("requested_slot") == slot and tracker.active_loop_name == FORM

    def extract_applicant_name(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[Text, Any]:
        if not self._asked(tracker, "applicant_name"):
            return {}
        text = tracker.latest_message.get("text") or ""
        name = name_in(text)
        if name is not None and not (_QUESTION_START.match(text) or "?" in text):
            # A short name NLU reads as something else confidently is still a name when
            # it is introduced as one ("I'm Will").
            if not is_other_request(tracker) or _SELF_INTRODUCTION.match(text):
                return {"applicant_name": name}
        if is_other_request(tracker):
            return {}
        dispatcher.utter_message(response="utter_invalid_name")
        return {"applicant_name": None}

    def extract_applicant_email(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[Text, Any]:
        if not self._asked(tracker, "applicant_email"):
            return {}
        text = tracker.latest_message.get("text") or ""
        for word in text.replace(",", " ").split():
            email = valid_email(word.strip("<>()[]\"'.;:"))
            if email:
                return {"applicant_email": email}
        if is_other_request(tracker) and "@" not in text:
            return {}
        dispatcher.utter_message(response="utter_invalid_email")
        return {"applicant_email": None}

    def extract_applicant_profile(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        if not self._asked(tracker, "applicant_profile"):
            return {}
        text = (tracker.latest_message.get("text") or "").strip()
        name, _ = intent_of(tracker)
        if name == "deny" or text.lower() in ("skip", "none", "no", "-"):
            return {"applicant_profile": SKIPPED}
        for word in text.split():
            url = valid_profile_url(word.strip("<>()[]\"'"))
            if url:
                return {"applicant_profile": url}
        if is_other_request(tracker):
            return {}
        dispatcher.utter_message(response="utter_invalid_profile")
        return {"applicant_profile": None}

    def extract_application_consent(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[Text, Any]:
        if not self._asked(tracker, "application_consent"):
            return {}
        name = likely_intent(tracker)
        if name == "affirm":
            return {"application_consent": True}
        if name == "deny":
            return {"application_consent": False}
        return {}

    # The values are checked when extracted; these say so (rasa_sdk warns otherwise).
    def validate_applicant_name(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return {"applicant_name": value}

    def validate_applicant_email(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return {"applicant_email": value}

    def validate_applicant_profile(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return {"applicant_profile": value}

    def validate_application_consent(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return {"application_consent": value}


class ActionAskApplicationConsent(Action):
    """The consent question, stating what is kept, why and for how long, with the answers
    given so far, so the candidate can check and change them."""

    def name(self) -> Text:
        return "action_ask_application_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        profile = tracker.get_slot("applicant_profile")
        shown = "none" if profile in (None, SKIPPED) else profile
        days = application_retention_days()
        dispatcher.utter_message(
            text=f"Here is your application for {tracker.get_slot('apply_role_title')}:\n"
                 f"- Name: {tracker.get_slot('applicant_name')}\n"
                 f"- Email: {tracker.get_slot('applicant_email')}\n"
                 f"- Profile or CV link: {shown}\n"
                 f"We keep this for {days} days to contact you about this role, and then "
                 "delete it. You can ask me to delete it sooner at any time. OK to send it?",
            buttons=[{"title": "Yes, send it", "payload": "/affirm"},
                     {"title": "Change something", "payload": "/correct_field"},
                     {"title": "No, don't send it", "payload": "/deny"}])
        return []


def cleared_form() -> List[EventType]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet("requested_slot", None)]


class ActionSubmitApplication(OffTheEventLoop, Action):
    """Store the application when the candidate agreed, and give its reference."""

    def name(self) -> Text:
        return "action_submit_application"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               domain: Dict[Text, Any]) -> List[EventType]:
        if tracker.get_slot("application_consent") is not True:
            dispatcher.utter_message(response="utter_application_declined")
            return cleared_form()
        profile = tracker.get_slot("applicant_profile")
        days = application_retention_days()
        try:
            application = candidate_store().add_application(
                sender_id=tracker.sender_id, role_slug=tracker.get_slot("apply_role"),
                role_title=tracker.get_slot("apply_role_title"),
                name=tracker.get_slot("applicant_name"),
                email=tracker.get_slot("applicant_email"),
                profile_url=None if profile in (None, SKIPPED) else profile,
                consent=f"kept {days} days to contact the candidate about this role",
                retention_days=days)
        except Exception as exc:  # noqa: BLE001 - a polite reply, one log line, no trace
            log.error("Could not store an application: %s: %s", type(exc).__name__, exc)
            dispatcher.utter_message(
                text="Sorry, I couldn't save your application just now, so nothing was "
                     "sent. Please try again in a few minutes.")
            return cleared_form()
        dispatcher.utter_message(
            text=f"Thank you! Your application for {application.role_title} is in. Your "
                 f"reference is {application.reference}. The recruiting team will contact "
                 f"you at {application.email}.")
        # The email stays for a handoff this conversation may ask for; it goes with
        # the rest of the conversation when the candidate asks to be forgotten.
        return [e for e in cleared_form() if e["name"] != "applicant_email"] + [
            SlotSet("application_reference", application.reference)]


class ActionCancelApplication(Action):
    def name(self) -> Text:
        return "action_cancel_application"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_application_cancelled")
        return [ActiveLoop(None)] + cleared_form()
