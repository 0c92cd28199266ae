"""Rasa's REST channel, refusing malformed requests with a clear 400 instead of a 500.

Rasa 3.6 reads `request.json.get(...)` unchecked: a JSON array, a number as the message
or a list as the sender crash the handler. This channel (same route,
`/webhooks/rest/webhook`) checks the body first:

    {"sender": "<1-128 characters>", "message": "<text>", "metadata": {...}}   (metadata optional)

A missing sender is allowed (Rasa's default sender is used), as in Rasa.

One sender gets at most `rate_limit_per_minute` answers a minute (REST_RATE_LIMIT_PER_MINUTE,
default 30, 0 = no limit); beyond it, 429 with a clear message. A person types far fewer;
a script flooding one conversation would otherwise make every later reply slower, as the
conversation Rasa reloads for each message grows. Limits per client address belong in
the reverse proxy (senders are chosen by the client).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic.exceptions import InvalidUsage, SanicException
from sanic.request import Request

from rasa_ext import patches
from rasa_ext.rate_limit import RateLimiter

# Any Rasa start that loads this channel gets our patches (and the version check).
patches.install()

MAX_SENDER_LENGTH = 128
MAX_MESSAGE_LENGTH = 100_000
DEFAULT_RATE_LIMIT = 30
RATE_WINDOW_SECONDS = 60.0
RATE_LIMITED_MESSAGE = ("Too many messages from this sender: at most {limit} a minute. "
                        "Wait a moment and send your question again.")


def _body(request: Request) -> Dict[str, Any]:
    body = request.json  # Sanic answers 400 itself when the body is not JSON at all
    if not isinstance(body, dict):
        raise InvalidUsage('The body must be a JSON object: {"sender": "...", "message": "..."}')
    return body


class RestInput(RasaRestInput):
    def __init__(self, rate_limit_per_minute: int = DEFAULT_RATE_LIMIT) -> None:
        self.rate_limit = (RateLimiter(rate_limit_per_minute, RATE_WINDOW_SECONDS)
                           if rate_limit_per_minute > 0 else None)

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "RestInput":
        limit = (credentials or {}).get("rate_limit_per_minute")
        return cls(DEFAULT_RATE_LIMIT if limit is None else int(limit))

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender = _body(req).get("sender")
        if sender is not None and (not isinstance(sender, str)
                                   or not 1 <= len(sender) <= MAX_SENDER_LENGTH):
            raise InvalidUsage(f'"sender" must be a string of 1 to {MAX_SENDER_LENGTH} characters')
        if self.rate_limit is not None and not self.rate_limit.allow(sender or "default"):
            raise SanicException(RATE_LIMITED_MESSAGE.format(limit=self.rate_limit.limit),
                                 status_code=429)
        return sender

    def _extract_message(self, req: Request) -> Optional[Text]:
        message = _body(req).get("message")
        if not isinstance(message, str):
            raise InvalidUsage('"message" must be a string')
        if len(message) > MAX_MESSAGE_LENGTH:
            raise InvalidUsage(f'"message" is longer than {MAX_MESSAGE_LENGTH} characters')
        return message

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = _body(request).get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise InvalidUsage('"metadata" must be a JSON object')
        return metadata

    def _extract_input_channel(self, req: Request) -> Text:
        # Callers may not pose as another channel (e.g. "slack") through the REST route.
        return self.name()
