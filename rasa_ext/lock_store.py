"""Rasa's Redis lock store, checking a busy conversation's lock every 50 ms instead of every
second.

Rasa handles one message of a conversation at a time: a message that arrives while the
previous one still holds the conversation's lock waits, polling the lock. Rasa 3.6 polls
once a second (`LockStore.lock(wait_time_in_seconds=1)`, which `Agent.handle_message`
leaves at its default). Over socket.io the replies reach the web chat before the lock is
released (the tracker is saved after they are sent), so a candidate who answers quickly, a
button click, or a load test adds up to a whole second to the next reply, with the server
idle. Configured through Rasa's own extension point for lock stores
(`lock_store: type: rasa_ext.lock_store.RedisLockStore`, written by rasa_ext/endpoints.py);
everything else is Rasa's RedisLockStore.
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME
from rasa.core.lock_store import RedisLockStore as RasaRedisLockStore
from rasa.utils.endpoints import EndpointConfig

#: How often a waiting message checks whether its conversation is free.
LOCK_POLL_SECONDS = 0.05


class RedisLockStore(RasaRedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        """Rasa builds a lock store named by module path with `endpoint_config` alone."""
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = LOCK_POLL_SECONDS) -> AsyncIterator[TicketLock]:
        async with super().lock(conversation_id, lock_lifetime,
                                wait_time_in_seconds) as ticket_lock:
            yield ticket_lock
