"""Actions whose work reads the knowledge base off the action server's event loop."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher


class OffTheEventLoop:
    """For an action whose work (`answer`) reads the knowledge base with blocking
    SQLAlchemy calls: its `run` does that work in a worker thread, so the action server's
    event loop keeps taking other conversations' calls meanwhile (rasa_sdk awaits a
    coroutine `run`). A mixin, listed before `Action`: rasa_sdk registers every subclass of
    `Action` as an action, so this class must not be one."""

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               domain: Dict[Text, Any]) -> List[EventType]:
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        return await asyncio.get_running_loop().run_in_executor(
            None, self.answer, dispatcher, tracker, domain)
