"""Rasa's SQL tracker store, able to forget a conversation when the candidate asks.

Rasa 3.6 has no way to delete a conversation. `action_delete_my_data` sets the slot
`forget_conversation`; when the server then saves that tracker, this store deletes every
stored event of the sender instead (and saves nothing of the turn: the reply confirming
the deletion is sent, not kept). A tracker store class named in endpoints.yml is Rasa's
own extension point (rasa_ext/endpoints.py writes this class's path), so no patch.
"""
from __future__ import annotations

import logging
from typing import Text

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import delete

log = logging.getLogger(__name__)

#: The slot actions/privacy.py sets (FORGET_SLOT there).
FORGET_SLOT = "forget_conversation"


class ForgettingSQLTrackerStore(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        slot = tracker.slots.get(FORGET_SLOT)
        if slot is not None and slot.value is True:
            await self.forget(tracker.sender_id)
            return
        await super().save(tracker)

    async def forget(self, sender_id: Text) -> int:
        """Delete every stored event of the conversation; how many were deleted."""
        with self.session_scope() as session:
            result = session.execute(delete(self.SQLEvent)
                                     .where(self.SQLEvent.sender_id == sender_id))
            session.commit()
            deleted = result.rowcount
        log.info("Deleted a conversation at its sender's request (%d events)", deleted)
        return int(deleted)
