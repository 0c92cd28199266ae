"""Rasa's socket.io channel, accepting connections only from the careers site's origin,
and answering malformed events instead of crashing on them.

Rasa 3.6 creates its socket.io server with `cors_allowed_origins=[]`, which turns
python-engineio's Origin check off: any web page could open a WebSocket to the bot (CORS
does not apply to WebSockets). This channel switches the check on for the origins in its
credentials (`cors_allowed_origins`, generated from CAREERS_SITE_ORIGIN). CORS headers for
the HTTP polling transport still come from Rasa's `--cors` (Sanic-CORS) alone, so the
engine must not add its own: two Access-Control-Allow-Origin headers make browsers refuse.

With REDIS_URL set (several Rasa processes), a message sent to a session's room by any
process reaches the web chat connected to another (rasa_ext.shared_state.share_rooms).
"""
from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint

from rasa_ext import relay
from rasa_ext.rest import MAX_MESSAGE_LENGTH  # one limit for every channel
from rasa_ext.shared_state import RedisPresence, redis_client, redis_url_setting, share_rooms
from service.settings import DEFAULT_SITE_ORIGIN, ServiceSettings
from rasa_ext import patches

# Any Rasa start that loads this channel gets our patches (and the version check).
patches.install()

log = logging.getLogger(__name__)

DEFAULT_ORIGINS = (DEFAULT_SITE_ORIGIN,)
UNREADABLE_REPLY = "Sorry, I couldn't read that message. Please type your question again."


def event_problem(data: Any, metadata_key: str) -> Optional[str]:
    """Why a user_uttered event cannot be handled; None when it can."""
    if not isinstance(data, dict):
        return "the event is not an object"
    message = data.get("message")
    if not isinstance(message, str):
        return '"message" is not a string'
    if len(message) > MAX_MESSAGE_LENGTH:
        return f'"message" is longer than {MAX_MESSAGE_LENGTH} characters'
    metadata = data.get(metadata_key)
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return f'"{metadata_key}" is not JSON'
    if metadata is not None and not isinstance(metadata, dict):
        return f'"{metadata_key}" is not an object'
    session_id = data.get("session_id")
    if session_id is not None and not isinstance(session_id, str):
        return '"session_id" is not a string'
    return None


def owned_session_ids(engine: Any, replica_id: str) -> None:
    """Start this replica's Engine.IO session ids with "r<replica_id>-": the balancer in
    front (service/scaled.py) sends every request of a session to the replica that holds
    it, whichever replicas went down and came back meanwhile."""
    generate = engine.generate_id
    engine.generate_id = lambda: f"r{replica_id}-{generate()}"


class SocketIOInput(RasaSocketIOInput):
    """The socket.io channel (route and events unchanged) with an Origin allow-list."""

    def __init__(self, *args: Any, cors_allowed_origins: Optional[Sequence[str]] = None,
                 redis_url: Optional[str] = None, **kwargs: Any) -> None:
        """`redis_url`: the Redis the processes share rooms through; None reads
        REDIS_URL, '' keeps them in this process."""
        super().__init__(*args, **kwargs)
        self.allowed_origins: List[str] = list(cors_allowed_origins or DEFAULT_ORIGINS)
        self.redis_url = redis_url_setting(redis_url)
        self.replica_id = ServiceSettings.from_env().replica_id

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = dict(credentials or {})
        origins = credentials.pop("cors_allowed_origins", None)
        channel = super().from_credentials(credentials)
        channel.allowed_origins = list(origins or DEFAULT_ORIGINS)
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        namespace = self.namespace or "/"
        presence: Optional[RedisPresence] = None
        if self.redis_url:
            share_rooms(sio, self.redis_url)
            presence = RedisPresence(
                redis_client(self.redis_url), self.redis_url,
                lambda room: relay.local_participant(sio, namespace, room))
        # A recruiter's reply reaches the candidate's web chat live, or when it connects
        # again (rasa_ext/relay.py).
        relay.register_socketio(sio, self.bot_message_evt, namespace, presence)
        engine = sio.eio
        if self.replica_id:
            owned_session_ids(engine, self.replica_id)
        engine.cors_allowed_origins = list(self.allowed_origins)
        engine._cors_headers = lambda environ: []  # headers: Sanic-CORS (`rasa run --cors`)

        handlers = sio.handlers[namespace]
        handle_message = handlers[self.user_message_evt]
        request_session = handlers["session_request"]
        disconnect = handlers["disconnect"]

        async def checked_message(sid: Text, data: Any = None) -> None:
            problem = event_problem(data, self.metadata_key or "metadata")
            if problem:
                log.warning("Refused a malformed web chat message: %s", problem)
                await sio.emit(self.bot_message_evt, {"text": UNREADABLE_REPLY}, room=sid)
                return
            await handle_message(sid, data)

        async def checked_session(sid: Text, data: Any = None) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("session_id"), (str, type(None))):
                data = {}
            returning = data.get("session_id")  # None: a new session, nothing to replay
            await request_session(sid, data)  # enters the room; a new session gets its id
            session = data.get("session_id")
            if not (self.session_persistence and isinstance(session, str)):
                return
            if presence is not None:
                await presence.enter(session, sid)
            current = relay.current()
            if current is not None and returning:
                await current.replay_missed(sid, session)

        async def leaving(sid: Text) -> None:
            if presence is not None:
                for room in sio.rooms(sid, namespace=namespace):
                    if room != sid:
                        await presence.leave(room, sid)
            await disconnect(sid)

        handlers[self.user_message_evt] = checked_message
        handlers["session_request"] = checked_session
        handlers["disconnect"] = leaving
        return blueprint
