"""What the bot keeps about a candidate, said truthfully from what is stored, and deleting
it on request: the conversation itself (the tracker store forgets it when this turn ends,
rasa_ext/tracker_store.py), their applications and requests for a recruiter."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.offloaded import OffTheEventLoop
from actions.records import candidate_store
from bot.settings import application_retention_days

log = logging.getLogger(__name__)

#: Set by action_delete_my_data; the tracker store then deletes the conversation instead
#: of saving it (rasa_ext/tracker_store.py reads the same name).
FORGET_SLOT = "forget_conversation"


class ActionDescribeMyData(OffTheEventLoop, Action):
    def name(self) -> Text:
        return "action_describe_my_data"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               domain: Dict[Text, Any]) -> List[EventType]:
        lines = ["Here is what I keep:",
                 "- This conversation (your messages and my replies), so it can carry on "
                 "where you left off."]
        try:
            held = candidate_store().held_for(tracker.sender_id)
        except Exception as exc:  # noqa: BLE001 - say what is certain, log one line
            log.error("Could not read the candidates database: %s: %s", type(exc).__name__, exc)
            lines.append("- I can't check your applications right now; please ask again in "
                         "a few minutes.")
        else:
            for application in held.applications:
                lines.append(f"- Your application {application.reference} for "
                             f"{application.role_title} (your name, email and any profile "
                             f"link), kept until {application.expires_at:%-d %B %Y} to "
                             "contact you about that role.")
            if not held.applications:
                lines.append(f"- No application. If you apply, I keep your name, email and "
                             f"optional profile link for {application_retention_days()} "
                             "days, only with your consent.")
            if held.handoffs:
                lines.append("- Your request to talk to a recruiter, with the conversation's "
                             "last turns, as the recruiting team saw it.")
        lines.append("- Questions I couldn't answer are kept without anything that identifies "
                     "you, to improve the job descriptions.")
        lines.append("Say \"delete my data\" and I'll delete what's yours.")
        dispatcher.utter_message(text="\n".join(lines))
        return []


class ActionConfirmDeletion(Action):
    def name(self) -> Text:
        return "action_confirm_deletion"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(
            text="This deletes this conversation, any application you sent from it and any "
                 "request to talk to a recruiter. It can't be undone. Delete it all?",
            buttons=[{"title": "Yes, delete it", "payload": "/affirm"},
                     {"title": "No, keep it", "payload": "/deny"}])
        return []


class ActionDeleteMyData(OffTheEventLoop, Action):
    def name(self) -> Text:
        return "action_delete_my_data"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               domain: Dict[Text, Any]) -> List[EventType]:
        try:
            forgotten = candidate_store().forget(tracker.sender_id)
        except Exception as exc:  # noqa: BLE001 - nothing deleted, said so, one log line
            log.error("Could not delete a candidate's data: %s: %s", type(exc).__name__, exc)
            dispatcher.utter_message(
                text="Sorry, I couldn't delete your data just now, so nothing was deleted. "
                     "Please try again in a few minutes.")
            return []
        parts = ["this conversation"]
        if forgotten.applications:
            parts.append(f"{forgotten.applications} application(s)")
        if forgotten.handoffs:
            parts.append(f"{forgotten.handoffs} request(s) to talk to a recruiter")
        done = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
        dispatcher.utter_message(text=f"Done: I've deleted {done}. If you write again, we "
                                      "start afresh.")
        return [SlotSet(FORGET_SLOT, True)]
