"""The Slack channel: Rasa's own (rasa.core.channels.slack), with what it lacks for us.

Configured by rasa_ext/credentials.py from the environment (SLACK_BOT_TOKEN,
SLACK_SIGNING_SECRET, SLACK_API_BASE_URL, SLACK_USE_THREADS); Slack posts its Events API
requests to `/webhooks/slack/webhook`. Compared with Rasa 3.6.21's SlackInput:

- every request must be signed and at most five minutes old (401 otherwise); the check
  takes an injectable clock so the official signing vector can be verified;
- `Content-Type: application/json` is read with or without a charset; other content
  types get 415 (the app uses no interactive components), malformed bodies 400;
- `url_verification` is answered only for that request type, as `{"challenge": ...}`;
- which events are answered is decided in rasa_ext.slack_events.classify: direct messages
  and @mentions written by a person; bot messages (also a bot's own, also without
  `bot_id`), edits, deletions and other event types are ignored;
- an event is answered at most once: a re-sent event (same `event_id`, e.g. a Slack
  retry for any reason) and the second event for the same message (a DM's `message` and
  `app_mention`) are acknowledged with 200 and not answered again; with REDIS_URL set,
  over all the Rasa processes sharing that Redis (rasa_ext.shared_state);
- a mention inside a thread is answered in that thread (Rasa only threads all replies or
  none); the bot's mention is removed and Slack markup undone before NLU;
- answers are sent as Slack mrkdwn (rasa_ext.mrkdwn), one Slack message per bot message;
- the Slack Web API address is configurable (`api_base_url`), so tests can use a fake;
- one user gets at most SLACK_RATE_LIMIT_PER_MINUTE answers a minute (default 20); over
  it, the user is told once and further messages are dropped (rasa_ext.rate_limit);
- on start-up the token is checked with `auth.test` and the result logged, and nothing
  about a message (text, user or channel id) is logged above DEBUG;
- with `recruiters_channel` (SLACK_RECRUITERS_CHANNEL), a person's message in a thread of
  that channel whose parent is a handoff's summary is relayed to the candidate
  (rasa_ext/relay.py), once, with the same rules (no edits, deletions, bot messages,
  retries); in any other thread there, only an @mention is answered, as anywhere.
"""
from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot as RasaSlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.recruiter_answers import RecruiterAnswers, approval_text
from rasa_ext import patches, relay
from rasa_ext.mrkdwn import to_mrkdwn
from rasa_ext.rate_limit import RateLimiter
from rasa_ext.shared_state import redis_url_setting, seen_keys
from rasa_ext.slack_events import (
    RECRUITER_REPLY, SlackMessage, classify, mention_ids, retry_of, signature_problem)

# Any Rasa start that loads this channel gets our patches (and the version check).
patches.install()

log = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://slack.com/api/"
# One user's messages answered per minute (SLACK_RATE_LIMIT_PER_MINUTE); beyond that the
# user is told once and the rest is dropped, so nobody can flood the bot.
DEFAULT_RATE_LIMIT = 20
RATE_WINDOW_SECONDS = 60.0
RATE_LIMITED_REPLY = ("You're sending messages faster than I can answer. "
                      "Please wait a minute, then ask again.")
JSON = "application/json"


def media_type(content_type: Optional[str]) -> str:
    """`application/json; charset=utf-8` -> `application/json`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


class SlackOutput(RasaSlackBot):
    """Rasa's Slack output channel, posting mrkdwn to a configurable Web API address."""

    def __init__(self, token: Text, slack_channel: Optional[Text] = None,
                 thread_id: Optional[Text] = None, proxy: Optional[Text] = None,
                 api_base_url: Text = DEFAULT_API_BASE_URL) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, base_url=api_base_url, proxy=proxy)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        """One Slack message per bot message (Rasa splits at blank lines), in mrkdwn."""
        text = (text or "").strip()
        if not text:
            return
        await self._post_message(channel=self.slack_channel or recipient_id,
                                 text=to_mrkdwn(text), mrkdwn=True,
                                 unfurl_links=False, unfurl_media=False)


    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        """The text alone: it already names every choice ("Which role do you mean? ...
        Registered Nurse and Staff Accountant"), and a Slack button needs interactivity the
        app does not have, so the user answers by typing the name."""
        await self.send_text_message(recipient_id, text, **kwargs)


class SlackInput(RasaSlackInput):
    """Rasa's Slack input channel, answering only what it should, once (see above)."""

    @classmethod
    def name(cls) -> Text:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials is not None  # raise_missing_credentials_exception() raised
        return cls(
            slack_token=credentials.get("slack_token") or "",
            slack_signing_secret=credentials.get("slack_signing_secret") or "",
            api_base_url=credentials.get("api_base_url") or DEFAULT_API_BASE_URL,
            use_threads=bool(credentials.get("use_threads", False)),
            proxy=credentials.get("proxy"),
            conversation_granularity=credentials.get("conversation_granularity", "sender"),
            rate_limit=int(credentials.get("rate_limit_per_minute") or DEFAULT_RATE_LIMIT),
            recruiters_channel=credentials.get("recruiters_channel"),
        )

    def __init__(self, slack_token: Text, slack_signing_secret: Text,
                 api_base_url: Text = DEFAULT_API_BASE_URL, use_threads: bool = False,
                 proxy: Optional[Text] = None, conversation_granularity: Text = "sender",
                 clock: Callable[[], float] = time.time,
                 rate_limit: int = DEFAULT_RATE_LIMIT,
                 redis_url: Optional[Text] = None,
                 recruiters_channel: Optional[Text] = None) -> None:
        """`redis_url`: where the replicas record the events they answered; None reads
        REDIS_URL, '' keeps the record in this process. `recruiters_channel`: the channel
        id whose handoff threads are relayed to candidates; None, no relay."""
        super().__init__(slack_token, slack_channel=None, proxy=proxy,
                         use_threads=use_threads, slack_signing_secret=slack_signing_secret,
                         conversation_granularity=conversation_granularity)
        if not slack_token:
            raise InvalidConfigException(
                "The Slack channel needs the bot token (SLACK_BOT_TOKEN, `xoxb-...`).")
        self.api_base_url = api_base_url
        self.clock = clock
        self.bot_user_id: Optional[str] = None  # from auth.test at start-up
        self._seen_events, self._seen_messages = seen_keys(
            redis_url_setting(redis_url), "slack:seen:event", "slack:seen:message")
        self.rate_limit = RateLimiter(rate_limit, RATE_WINDOW_SECONDS)
        self.recruiter_channels = {recruiters_channel.strip()} if recruiters_channel else set()
        self.relay: Optional[relay.Relay] = None
        self._answers: Optional[RecruiterAnswers] = None
        if self.recruiter_channels:
            self.relay = relay.Relay(
                AsyncWebClient(slack_token, base_url=api_base_url, proxy=proxy),
                self.recruiter_channels, self.get_output_channel)
        relay.configure(self.relay)

    # -- requests -------------------------------------------------------------------
    def signature_problem(self, request: Request) -> Optional[str]:
        """Why `request` is not a genuine, fresh Slack request; None if it is."""
        return signature_problem(self.slack_signing_secret,
                                 request.headers.get("X-Slack-Request-Timestamp"),
                                 request.body or b"",
                                 request.headers.get("X-Slack-Signature"), self.clock())

    def is_request_from_slack_authentic(self, request: Request) -> bool:
        return self.signature_problem(request) is None

    def known_bot_ids(self) -> Set[str]:
        return {self.bot_user_id} if self.bot_user_id else set()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = Blueprint("slack_webhook", __name__)

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            return await self.handle(request, on_new_message)

        @slack_webhook.listener("after_server_start")
        async def check_token(app: Any, loop: Any) -> None:
            task = asyncio.ensure_future(self.identify())
            self._background_tasks.add(task)
            task.add_done_callback(self._background_tasks.discard)
            if self.relay is not None:
                # Every replica sweeps: closing is claimed in the database, so one tells.
                self.relay.start(app)

        @slack_webhook.listener("before_server_stop")
        async def stop_sweeping(app: Any, loop: Any) -> None:
            if self.relay is not None:
                await self.relay.stop()

        return slack_webhook

    async def handle(self, request: Request,
                     on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        problem = self.signature_problem(request)
        if problem:
            log.warning("Refused a request to the Slack webhook: %s", problem)
            return response.text("Request not signed by Slack.", status=HTTPStatus.UNAUTHORIZED)
        if media_type(request.headers.get("content-type")) != JSON:
            log.warning("Refused a Slack request with Content-Type %r",
                        request.headers.get("content-type"))
            return response.text("Expected application/json.",
                                 status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
        try:
            payload = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            payload = None
        if not isinstance(payload, dict):
            return response.text("Malformed JSON body.", status=HTTPStatus.BAD_REQUEST)

        if payload.get("type") == "url_verification":
            challenge = payload.get("challenge")
            if not isinstance(challenge, str):
                return response.text("No challenge.", status=HTTPStatus.BAD_REQUEST)
            log.info("Answered Slack's url_verification: the request URL is verified")
            return response.json({"challenge": challenge})

        decision = classify(payload, self.known_bot_ids(), use_threads=bool(self.use_threads),
                            recruiter_channels=self.recruiter_channels)
        retry = retry_of(request.headers)
        if not decision.answer:
            log.debug("Ignored a Slack event (%s)", decision.reason)
            return response.text(f"Ignored: {decision.reason}.")
        message = decision.message
        assert message is not None
        if message.event_id and not await self._seen_events.first_time(message.event_id):
            log.info("Slack re-sent event %s%s: already handled, not answered again",
                     message.event_id, f" (retry #{retry[0]}, {retry[1]})" if retry else "")
            return response.text("Already handled.", headers={"X-Slack-No-Retry": "1"})
        if message.kind == RECRUITER_REPLY:
            kept = await self.keep_recruiter_answer(message)
            if kept is not None:
                return kept
            relayed = await self.relay_recruiter_reply(request, message, decision.reason)
            if relayed is not None:
                return relayed
            if "app_mention" not in decision.reason:
                return response.text("Ignored: thread message, not a handoff's.")
            # An @mention in some other thread of the recruiters' channel: answered as one.
        if message.message_key and not await self._seen_messages.first_time(message.message_key):
            log.debug("Second event for one Slack message (%s): not answered again",
                      decision.reason)
            return response.text("Already handled.")
        if retry:
            log.info("Slack retry #%s (%s) of an event not received before: answering it",
                     *retry)
        if not self.rate_limit.allow(message.user):
            log.warning("Slack user over the rate limit (%d messages a minute): not answered",
                        self.rate_limit.limit)
            if self.rate_limit.first_refusal:
                self._background(self.get_output_channel(message.channel, message.thread_ts)
                                 .send_text_message(message.user, RATE_LIMITED_REPLY))
            return response.text("Rate limited.")
        self.dispatch(message, payload, on_new_message)
        return response.text("")

    async def keep_recruiter_answer(self, message: SlackMessage) -> Optional[HTTPResponse]:
        """A response if `message` answers a question of the unanswered-questions digest
        (kept for approval, bot/recruiter_answers.py, and acknowledged in the thread), None
        if its thread is not a digest's."""
        if not message.ts:
            return None
        answers = self._recruiter_answers()
        try:
            kept = await asyncio.get_running_loop().run_in_executor(None, functools.partial(
                answers.record_thread_reply, slack_channel=message.channel,
                thread_ts=message.thread_ts, author=message.user, text=message.text,
                ts=message.ts))
        except Exception as exc:  # noqa: BLE001 - SQLAlchemyError, or worse
            log.error("The candidates database is unavailable (%s): a recruiter's answer to "
                      "the digest was not kept", type(exc).__name__)
            return None
        if kept is None:
            return None
        self._background(self.get_output_channel(message.channel, message.thread_ts)
                         .send_text_message(message.user, approval_text(kept)))
        return response.text("")

    def _recruiter_answers(self) -> RecruiterAnswers:
        if self._answers is None:
            self._answers = RecruiterAnswers()
        return self._answers

    async def relay_recruiter_reply(self, request: Request, message: SlackMessage,
                                    reason: str) -> Optional[HTTPResponse]:
        """A response if `message` is in a handoff's thread (relayed in the background),
        None if the thread is not a handoff's."""
        assert self.relay is not None  # RECRUITER_REPLY needs a recruiters' channel
        try:
            handoff = await self.relay.handoff_for_thread(message)
        except Exception as exc:  # noqa: BLE001 - SQLAlchemyError, or worse
            log.error("The candidates database is unavailable (%s): a recruiter's reply "
                      "was not relayed", type(exc).__name__)
            # 200 all the same: a retry of this event would be dropped as already seen.
            return response.text("Not relayed: candidates database unavailable.")
        if handoff is None:
            return None
        # The `message` and `app_mention` events of one recruiter message: relayed once.
        if message.message_key and not await self._seen_messages.first_time(message.message_key):
            log.debug("Second event for one Slack message (%s): not relayed again", reason)
            return response.text("Already handled.")
        agent = getattr(request.app.ctx, "agent", None)
        self._background(self.relay.recruiter_message(agent, message, handoff))
        return response.text("")

    def dispatch(self, message: SlackMessage, payload: Dict[str, Any],
                 on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Hand the message to Rasa in the background: Slack wants its 200 within 3 s."""
        metadata = {
            "out_channel": message.channel,
            "thread_id": message.thread_ts,
            "users": sorted(mention_ids(payload, self.known_bot_ids())),
            "slack_event_type": message.kind,
            "slack_event_id": message.event_id,
        }
        user_message = UserMessage(
            message.text, self.get_output_channel(message.channel, message.thread_ts),
            self._get_conversation_id(message.user, message.channel,
                                      message.thread_ts or message.ts),
            input_channel=self.name(), metadata=metadata)
        self._background(on_new_message(user_message))

    def _background(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)
        task.add_done_callback(_log_failure)

    def get_output_channel(self, channel: Optional[Text] = None,
                           thread_id: Optional[Text] = None) -> OutputChannel:
        return SlackOutput(self.slack_token, channel or self.slack_channel, thread_id,
                           self.proxy, self.api_base_url)

    # -- start-up ------------------------------------------------------------------
    async def identify(self) -> None:
        """Check the token with auth.test; learn the bot's user id; log the outcome."""
        client = AsyncWebClient(self.slack_token, base_url=self.api_base_url, proxy=self.proxy)
        try:
            answer = await client.auth_test()
        except SlackApiError as exc:
            log.error("Slack refused the bot token (auth.test: %s): check SLACK_BOT_TOKEN",
                      exc.response.get("error"))
            return
        except Exception as exc:  # noqa: BLE001 - network errors of any kind
            log.error("Could not reach the Slack Web API at %s (%s: %s)", self.api_base_url,
                      type(exc).__name__, exc)
            return
        self.bot_user_id = answer.get("user_id")
        log.info("Slack channel on: the bot is @%s in workspace %r", answer.get("user"),
                 answer.get("team"))


def _log_failure(task: "asyncio.Future[Any]") -> None:
    if task.cancelled() or task.exception() is None:
        return
    exc = task.exception()
    if isinstance(exc, SlackApiError):
        log.error("Slack did not take the bot's answer (%s)", exc.response.get("error"))
    else:
        # The exception's text may quote the message: only its type above DEBUG.
        log.error("Answering a Slack message failed (%s)", type(exc).__name__)
        log.debug("Answering a Slack message failed", exc_info=exc)


__all__ = ["DEFAULT_API_BASE_URL", "SlackInput", "SlackOutput", "media_type"]
