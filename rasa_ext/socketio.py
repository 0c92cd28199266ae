"""Rasa's socket.io channel, accepting connections only from the careers site's origin.

Rasa 3.6 creates its socket.io server with `cors_allowed_origins=[]`, which turns
python-engineio's Origin check off: any web page could open a WebSocket to the bot (CORS
does not apply to WebSockets). This channel switches the check on for the origins in its
credentials (`cors_allowed_origins`, generated from CAREERS_SITE_ORIGIN). CORS headers for
the HTTP polling transport still come from Rasa's `--cors` (Sanic-CORS) alone, so the
engine must not add its own: two Access-Control-Allow-Origin headers make browsers refuse.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint

DEFAULT_ORIGINS = ("http://localhost:8000",)


class SocketIOInput(RasaSocketIOInput):
    """The socket.io channel (route and events unchanged) with an Origin allow-list."""

    def __init__(self, *args: Any, cors_allowed_origins: Optional[Sequence[str]] = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_origins: List[str] = list(cors_allowed_origins or DEFAULT_ORIGINS)

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = dict(credentials or {})
        origins = credentials.pop("cors_allowed_origins", None)
        channel = super().from_credentials(credentials)
        channel.allowed_origins = list(origins or DEFAULT_ORIGINS)  # type: ignore[attr-defined]
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        engine = self.sio.eio  # type: ignore[union-attr]
        engine.cors_allowed_origins = list(self.allowed_origins)
        engine._cors_headers = lambda environ: []  # headers: Sanic-CORS (`rasa run --cors`)
        return blueprint
