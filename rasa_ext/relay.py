"""A recruiter in the conversation: the relay between a candidate and the recruiters'
Slack thread of their handoff, inside the Rasa server.

`action_handoff` (actions/) stores a Handoff (bot/candidates.py) and posts its summary to
the recruiters' channel; from then on (status "posted") until it is closed:

- **candidate -> recruiter**: the candidate's messages, on any channel, are not answered
  by the bot. Each is logged on the candidate's tracker as a user message (parsed by NLU
  like any other, tagged `recruiter_relay` in its metadata, followed by `action_listen`)
  and posted into the handoff's Slack thread, prefixed "Candidate:". The first one is
  acknowledged with "Sent to the recruiter." so the candidate knows it went somewhere;
  the next ones are not (a reply to every line would read like a bot talking over the
  recruiter).
- **recruiter -> candidate**: a person's message in that thread (rasa_ext/slack.py,
  rasa_ext/slack_events.RECRUITER_REPLY) is logged on the tracker as a bot utterance with
  `recruiter_relay` metadata (the Slack user id, never a name or the text in a log) and
  delivered: live over socket.io to the session's room, into the Slack DM, and with the
  next REST response (REST cannot push: every recruiter message and notice logged after
  the candidate's last message goes out in front of the next answer).
- **a closed web chat**: before a push to a web chat candidate, the relay asks whether a
  socket of the session is connected (python-socketio's manager; with REDIS_URL, a Redis
  set per session over all replicas, rasa_ext.shared_state.RedisPresence) and writes the
  answer into the event (`live`). Nobody connected: nothing is emitted and the thread is
  told. When a web chat connects again with that session (`session_request`), the events
  with `live: false` logged since the last replay go to it, in order, and an
  `AgentUttered` receipt (a count, no text) marks them replayed; both under the
  conversation's lock, so a push and a replay never both deliver one message.
- **ending**: `done` or `/done` in the thread closes the handoff, tells the candidate
  (ENDED_NOTICE) and confirms in the thread. HANDOFF_TIMEOUT_MINUTES (bot/settings.py)
  without a message either way (or since it was posted) closes it too: a background task
  (`Relay.sweep`, every HANDOFF_SWEEP_SECONDS, started with the Slack channel) tells the
  candidate as `done` does; a message arriving first closes it on the spot (the
  candidate's gets the notice and then the bot's answer; the recruiter's is not
  delivered, and the thread is told). Closing is a conditional update in the candidates
  database (posted -> closed): of all replicas and paths, one closes and tells.

The hook: Rasa has no extension point between a channel and the dialogue, so this wraps
`MessageProcessor.handle_message` (installed by rasa_ext/patches.py, on the pinned Rasa
only). Rasa calls it holding the conversation's lock. With no relay configured it is the
original; otherwise one indexed query (in the default executor, never on the event loop)
finds the sender's latest handoff, and a sender without one goes straight to the original.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, TypeVar

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, AgentUttered, BotUttered, Event, UserUttered
from slack_sdk.errors import SlackApiError
from sqlalchemy import desc, select
from sqlalchemy.exc import SQLAlchemyError

from bot.candidates import CandidateStore, Handoff
from bot.recruiting_db import handoffs as handoffs_table
from bot.settings import handoff_sweep_seconds, handoff_timeout_minutes
from rasa_ext.slack_events import SlackMessage

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The metadata key of every event the relay logs: {"handoff_id": ..., "kind": ...}.
RELAY_KEY = "recruiter_relay"
TO_RECRUITER = "to_recruiter"      # a candidate's message, relayed (UserUttered)
FROM_RECRUITER = "from_recruiter"  # a recruiter's message, delivered (BotUttered)
ACKNOWLEDGED = "acknowledged"      # "Sent to the recruiter." (BotUttered)
ENDED = "ended"                    # the recruiter wrote done (BotUttered)
TIMED_OUT = "timed_out"            # nobody wrote for HANDOFF_TIMEOUT_MINUTES (BotUttered)
REPLAYED = "replayed"              # missed messages re-sent to a web chat (AgentUttered)
#: What a REST candidate receives with their next response (REST has no push).
PUSHED_KINDS = frozenset({FROM_RECRUITER, ENDED, TIMED_OUT})
#: In the metadata of a pushed event for a web chat candidate: was a web chat of the
#: session connected when it was pushed? False: replayed when one connects again.
LIVE = "live"

ACKNOWLEDGEMENT = "Sent to the recruiter."
ENDED_NOTICE = "The recruiter has ended the chat; I'm back — ask me anything about the role."
RECRUITER_PREFIX = "Recruiter: "
CANDIDATE_PREFIX = "*Candidate:* "
DONE_COMMANDS = frozenset({"done", "/done"})
THREAD_DONE = "Chat closed: the candidate was told and is back with the bot."
THREAD_TIMED_OUT = ("Nobody wrote for {minutes} minutes, so the chat has closed: the candidate "
                    "is back with the bot.")
THREAD_NOT_DELIVERED = ("This chat is closed: the candidate did not get this message. "
                        "Reply to them by email if they left an address.")
THREAD_WEB_CHAT_CLOSED = ("The candidate's web chat is closed right now: they will get your "
                          "message when they open it again.")
THREAD_NO_CHANNEL = ("The candidate could not be reached live; they will see your message "
                     "in the conversation history.")

REST = "rest"
SOCKETIO = "socketio"
SLACK = "slack"


# -- rules, without servers (tests/slack/test_relay.py) ---------------------------------
def is_done_command(text: str) -> bool:
    """The recruiter ends the chat: `done` or `/done` (any case, a full stop allowed)."""
    return text.strip().lower().rstrip(".!") in DONE_COMMANDS


def relay_info(event: Event) -> Optional[Dict[str, Any]]:
    info = (getattr(event, "metadata", None) or {}).get(RELAY_KEY)
    return info if isinstance(info, dict) else None


def relay_events(events: Iterable[Event], handoff_id: int) -> List[Event]:
    """The events the relay logged for one handoff, in order."""
    return [e for e in events
            if (info := relay_info(e)) is not None and info.get("handoff_id") == handoff_id]


def last_activity(handoff: Handoff, events: Iterable[Event]) -> datetime:
    """When the chat last moved: its newest relayed message either way, else when the
    handoff was posted (else created)."""
    latest = handoff.posted_at or handoff.created_at
    for event in relay_events(events, handoff.id):
        if (relay_info(event) or {}).get("kind") in (TO_RECRUITER, FROM_RECRUITER):
            moment = datetime.fromtimestamp(event.timestamp, timezone.utc)
            latest = max(latest, moment)
    return latest


def timed_out(handoff: Handoff, events: Iterable[Event], now: datetime,
              timeout: timedelta) -> bool:
    """True when nothing was relayed either way for `timeout` (since posting, at first)."""
    return now - last_activity(handoff, events) >= timeout


def missed_by_web_chat(events: Sequence[Event]) -> List[BotUttered]:
    """The recruiter's messages and notices pushed while no web chat of the session was
    connected (`live` False) and not replayed since: everything logged after the last
    replay receipt, in order. Events without `live` (no web chat push) never count."""
    missed: List[BotUttered] = []
    for event in reversed(events):
        info = relay_info(event)
        if info is None:
            continue
        if isinstance(event, AgentUttered) and info.get("kind") == REPLAYED:
            break
        if isinstance(event, BotUttered) and info.get("kind") in PUSHED_KINDS \
                and info.get(LIVE) is False:
            missed.append(event)
    return missed[::-1]


def replay_receipt(missed: Sequence[BotUttered]) -> AgentUttered:
    """What the tracker keeps of a replay: how many messages went out, never their text."""
    return AgentUttered(metadata={RELAY_KEY: {"kind": REPLAYED, "count": len(missed)}})


def may_have_timed_out(handoff: Handoff, now: datetime, timeout: timedelta) -> bool:
    """False when the handoff cannot have timed out yet (posted less than `timeout` ago):
    the sweep then reads no tracker for it."""
    return now - (handoff.posted_at or handoff.created_at) >= timeout


def pending_for_rest(events: Sequence[Event]) -> List[BotUttered]:
    """The recruiter's messages and notices logged after the candidate's last message:
    what a REST candidate has not received yet."""
    pending: List[BotUttered] = []
    for event in reversed(events):
        if isinstance(event, UserUttered):
            break
        info = relay_info(event)
        if isinstance(event, BotUttered) and info and info.get("kind") in PUSHED_KINDS:
            pending.append(event)
    return pending[::-1]


def slack_escaped(text: str) -> str:
    """A candidate's text as Slack shows it literally: `<!channel>` pings nobody."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_address(events: Sequence[Event]) -> Optional[Dict[str, Optional[str]]]:
    """Where a Slack candidate talks to the bot: the DM (and thread) of their last message."""
    for event in reversed(events):
        if isinstance(event, UserUttered) and event.input_channel == SLACK:
            meta = event.metadata or {}
            if isinstance(meta.get("out_channel"), str):
                return {"channel": meta["out_channel"], "thread_id": meta.get("thread_id")}
    return None


# -- the relay --------------------------------------------------------------------------
class HandoffStore(CandidateStore):
    """The candidates database, plus the one query the hook makes for every message."""

    def latest_handoff_for(self, sender_id: str) -> Optional[Handoff]:
        """The sender's most recent handoff, whatever its status, or None."""
        return self._one_handoff(
            select(handoffs_table).where(handoffs_table.c.sender_id == sender_id)
            .order_by(desc(handoffs_table.c.created_at), desc(handoffs_table.c.id)).limit(1))

    def web_chat_handoff_for(self, sender_id: str) -> bool:
        """Whether the sender ever had a web chat handoff (only they can have missed any)."""
        latest = self.latest_handoff_for(sender_id)
        return latest is not None and latest.channel == SOCKETIO


class Relay:
    """One per Rasa process, made by the Slack channel when SLACK_RECRUITERS_CHANNEL is set."""

    def __init__(self, slack_client: Any, recruiter_channels: Iterable[str],
                 slack_output: Callable[[Optional[str], Optional[str]], OutputChannel],
                 store: Optional[HandoffStore] = None, timeout: Optional[timedelta] = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 sweep_seconds: Optional[float] = None) -> None:
        self.slack = slack_client
        self.recruiter_channels = frozenset(c for c in recruiter_channels if c)
        self.slack_output = slack_output
        self._store = store
        self.timeout = timeout or timedelta(minutes=handoff_timeout_minutes())
        self.clock = clock
        self.sweep_seconds = sweep_seconds or handoff_sweep_seconds()
        self.app: Any = None  # the Sanic app, whose ctx.agent is the current model's
        self._sweeping: Optional["asyncio.Task[None]"] = None

    @property
    def store(self) -> HandoffStore:
        if self._store is None:
            self._store = HandoffStore()  # CANDIDATES_DATABASE_URL; connects on first use
        return self._store

    async def db(self, method: Callable[..., T], *args: Any) -> T:
        """A store call in the default executor: the event loop never waits on the database."""
        return await asyncio.get_running_loop().run_in_executor(None, partial(method, *args))

    @property
    def agent(self) -> Any:
        return getattr(getattr(self.app, "ctx", None), "agent", None)

    # -- the server's life (rasa_ext/slack.py's listeners) --------------------------------
    def start(self, app: Any) -> None:
        """After the server started: remember the app (its agent) and sweep timed-out
        handoffs every `sweep_seconds`."""
        self.app = app
        if self._sweeping is None or self._sweeping.done():
            self._sweeping = asyncio.ensure_future(self.sweep_forever())
            log.info("Closing recruiter chats idle for %d minutes (a look every %g s)",
                     int(self.timeout.total_seconds() // 60), self.sweep_seconds)

    async def stop(self) -> None:
        task, self._sweeping = self._sweeping, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_seconds)
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the next sweep tries again
                log.error("Sweeping timed-out recruiter chats failed (%s)", type(exc).__name__)

    # -- timeout, without waiting for a message -------------------------------------------
    async def sweep(self) -> int:
        """Close the posted handoffs idle for `timeout`; how many this call closed.

        Only handoffs posted at least `timeout` ago are read (one indexed query); each is
        closed under its conversation's lock after a second look at its status, and the
        database's conditional update lets one caller of all replicas notify."""
        agent = self.agent
        if getattr(agent, "processor", None) is None:
            return 0  # no model loaded (yet)
        now = self.clock()
        candidates = await self.db(self.store.posted_handoffs_before, now - self.timeout)
        closed = 0
        for handoff in candidates:
            if not may_have_timed_out(handoff, now, self.timeout):
                continue
            try:
                closed += await self.close_if_idle(agent, handoff.id)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - one conversation never stops the rest
                log.error("Could not close timed-out handoff %s (%s)", handoff.id,
                          type(exc).__name__)
        return closed

    async def close_if_idle(self, agent: Any, handoff_id: int) -> bool:
        """Close one handoff if, under its conversation's lock, it is still posted and
        idle; tell the candidate and the thread. False if another got there first."""
        processor = agent.processor
        handoff = await self.db(self.store.handoff, handoff_id)
        if handoff is None or handoff.status != "posted":
            return False
        async with agent.lock_store.lock(handoff.sender_id):
            handoff = await self.db(self.store.handoff, handoff_id)
            if handoff is None or handoff.status != "posted":
                return False
            tracker = await processor.get_tracker(handoff.sender_id)
            events = list(tracker.events)
            if not timed_out(handoff, events, self.clock(), self.timeout):
                return False
            if not await self.close(handoff, TIMED_OUT + ", swept"):
                return False
            live = await self.web_chat_present(handoff)
            tracker.update(self.notice(handoff, TIMED_OUT, live))
            await processor.save_tracker(tracker)
            reached = await self.push(handoff, events, ENDED_NOTICE, live)
        note = self.timed_out_note()
        if not reached and handoff.channel not in (REST, SOCKETIO):
            note += " " + THREAD_NO_CHANNEL
        await self.post_to_thread(handoff, note)
        return True

    # -- web chat: what a closed page missed ----------------------------------------------
    async def web_chat_present(self, handoff: Handoff) -> Optional[bool]:
        """For a web chat handoff: is a web chat of the session connected now? None for
        other channels (no `live` flag on their events)."""
        if handoff.channel != SOCKETIO:
            return None
        return await SOCKET.present(handoff.sender_id)

    async def replay_missed(self, sid: str, session_id: str) -> int:
        """A web chat connected with `session_id` (socket `sid`): send it, in order, what
        was pushed while none was connected, once; how many went out."""
        agent = self.agent
        processor = getattr(agent, "processor", None)
        if processor is None or SOCKET.server is None:
            return 0
        try:
            if not await self.db(self.store.web_chat_handoff_for, session_id):
                return 0
        except SQLAlchemyError as exc:
            log.error("The candidates database is unavailable (%s): missed recruiter "
                      "messages were not replayed", type(exc).__name__)
            return 0
        async with agent.lock_store.lock(session_id):
            tracker = await processor.get_tracker(session_id)
            missed = missed_by_web_chat(list(tracker.events))
            if not missed:
                return 0
            for event in missed:
                await SOCKET.server.emit(SOCKET.event, {"text": event.text or ""}, room=sid)
            tracker.update(replay_receipt(missed))
            await processor.save_tracker(tracker)
        log.info("Replayed %d missed recruiter message(s) to a web chat", len(missed))
        return len(missed)

    # -- candidate -> recruiter (from the processor hook) --------------------------------
    async def candidate_message(self, processor: MessageProcessor, message: UserMessage,
                                handoff: Handoff, original: Callable[..., Any]) -> Any:
        """A message from a sender who has (or had) a posted handoff."""
        out = message.output_channel
        sender = message.sender_id
        tracker = await processor.get_tracker(sender)
        events = list(tracker.events)
        if message.input_channel == REST:
            for event in pending_for_rest(events):
                await out.send_text_message(sender, event.text or "")
        if handoff.status != "posted":
            return await original(processor, message)
        if timed_out(handoff, events, self.clock(), self.timeout):
            if not await self.close(handoff, TIMED_OUT):  # another replica's sweep did
                return await original(processor, message)
            # The notice goes into the current session: start one first if it is due, as
            # the original would (a notice logged first would keep it from starting).
            tracker = await processor.fetch_tracker_and_update_session(
                sender, out, message.metadata)
            tracker.update(self.notice(handoff, TIMED_OUT, await self.web_chat_present(handoff)))
            await processor.save_tracker(tracker)
            await self.post_to_thread(handoff, self.timed_out_note())
            await out.send_text_message(sender, ENDED_NOTICE)
            return await original(processor, message)

        first = not any((relay_info(e) or {}).get("kind") == TO_RECRUITER
                        for e in relay_events(events, handoff.id))
        metadata = {**(message.metadata or {}),
                    RELAY_KEY: {"handoff_id": handoff.id, "kind": TO_RECRUITER}}
        tagged = UserMessage(message.text, out, sender, message.parse_data,
                             message.input_channel, message.message_id, metadata)
        tracker = await processor.log_message(tagged, should_save_tracker=False)
        if first:
            tracker.update(BotUttered(ACKNOWLEDGEMENT, metadata={
                RELAY_KEY: {"handoff_id": handoff.id, "kind": ACKNOWLEDGED}}))
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        await processor.save_tracker(tracker)
        await self.post_to_thread(handoff, CANDIDATE_PREFIX + slack_escaped(message.text or ""))
        log.info("Relayed a candidate message to the recruiters (handoff %s)", handoff.id)
        if first:
            await out.send_text_message(sender, ACKNOWLEDGEMENT)
        if isinstance(out, CollectingOutputChannel):
            return out.messages
        return None

    # -- recruiter -> candidate (from the Slack webhook) ---------------------------------
    async def handoff_for_thread(self, message: SlackMessage) -> Optional[Handoff]:
        if not message.thread_ts:
            return None
        return await self.db(self.store.handoff_by_thread, message.channel, message.thread_ts)

    async def recruiter_message(self, agent: Any, message: SlackMessage,
                                handoff: Handoff) -> None:
        """A person's message in a handoff's thread: deliver it, or end the chat."""
        if handoff.status != "posted":
            await self.post_to_thread(handoff, THREAD_NOT_DELIVERED)
            log.info("A recruiter wrote in closed handoff %s's thread: not delivered", handoff.id)
            return
        processor = getattr(agent, "processor", None)
        if processor is None:
            log.error("No model loaded: handoff %s's recruiter message was not delivered",
                      handoff.id)
            return
        sender = handoff.sender_id
        async with agent.lock_store.lock(sender):
            tracker = await processor.get_tracker(sender)
            events = list(tracker.events)
            if timed_out(handoff, events, self.clock(), self.timeout):
                kind, thread_note = TIMED_OUT, self.timed_out_note() + " " + THREAD_NOT_DELIVERED
            elif is_done_command(message.text):
                kind, thread_note = ENDED, THREAD_DONE
            else:
                kind, thread_note = FROM_RECRUITER, None
            if kind != FROM_RECRUITER and not await self.close(handoff, kind):
                # Closed meanwhile (the sweep, another replica): it said so already.
                await self.post_to_thread(handoff, THREAD_NOT_DELIVERED)
                return
            live = await self.web_chat_present(handoff)
            if kind == FROM_RECRUITER:
                text = RECRUITER_PREFIX + message.text
                info = {"handoff_id": handoff.id, "kind": FROM_RECRUITER,
                        "slack_user": message.user, "slack_ts": message.ts}
                if live is not None:
                    info[LIVE] = live
                event = BotUttered(text, metadata={RELAY_KEY: info})
            else:
                text, event = ENDED_NOTICE, self.notice(handoff, kind, live)
            tracker.update(event)
            await processor.save_tracker(tracker)
            reached = await self.push(handoff, events, text, live)
        log.info("Recruiter message in handoff %s: %s%s", handoff.id, kind,
                 "" if live is not False else " (web chat closed: kept for its return)")
        if thread_note:
            await self.post_to_thread(handoff, thread_note)
        elif not reached and handoff.channel == SOCKETIO and live is False:
            await self.post_to_thread(handoff, THREAD_WEB_CHAT_CLOSED)
        elif not reached and handoff.channel != REST:
            await self.post_to_thread(handoff, THREAD_NO_CHANNEL)

    async def push(self, handoff: Handoff, events: Sequence[Event], text: str,
                   live: Optional[bool] = None) -> bool:
        """Deliver `text` to the candidate now, where their channel can; False if not.
        A web chat gets it only when `live` (one was connected as the event was logged);
        otherwise it is replayed when one connects (replay_missed), never both."""
        try:
            if handoff.channel == SOCKETIO and SOCKET.server is not None:
                if not live:
                    return False
                # With session_persistence, the session id is the sender id and a room.
                await SOCKET.server.emit(SOCKET.event, {"text": text}, room=handoff.sender_id)
                return True
            if handoff.channel == SLACK:
                address = slack_address(events)
                if address:
                    await self.slack_output(address["channel"], address["thread_id"]) \
                        .send_text_message(handoff.sender_id, text)
                    return True
        except Exception as exc:  # noqa: BLE001 - the message is in the tracker regardless
            log.error("Could not deliver handoff %s's message live (%s)", handoff.id,
                      type(exc).__name__)
            return False
        return handoff.channel == REST  # delivered with the next REST response

    # -- both ------------------------------------------------------------------------------
    def notice(self, handoff: Handoff, kind: str, live: Optional[bool] = None) -> BotUttered:
        info: Dict[str, Any] = {"handoff_id": handoff.id, "kind": kind}
        if live is not None:
            info[LIVE] = live
        return BotUttered(ENDED_NOTICE, metadata={RELAY_KEY: info})

    async def close(self, handoff: Handoff, why: str) -> bool:
        """Close a posted handoff; False if it was closed already (by anyone)."""
        if not await self.db(self.store.close_posted_handoff, handoff.id):
            log.info("Handoff %s was closed already", handoff.id)
            return False
        log.info("Handoff %s closed (%s)", handoff.id, why)
        return True

    def timed_out_note(self) -> str:
        return THREAD_TIMED_OUT.format(minutes=int(self.timeout.total_seconds() // 60))

    async def post_to_thread(self, handoff: Handoff, text: str) -> None:
        if not (handoff.slack_channel and handoff.slack_ts):
            return
        try:
            await self.slack.chat_postMessage(channel=handoff.slack_channel,
                                              thread_ts=handoff.slack_ts, text=text,
                                              unfurl_links=False, unfurl_media=False)
        except SlackApiError as exc:
            log.error("Slack refused a post to handoff %s's thread (%s)", handoff.id,
                      exc.response.get("error"))
        except Exception as exc:  # noqa: BLE001 - network errors of any kind
            log.error("Could not post to handoff %s's thread (%s)", handoff.id,
                      type(exc).__name__)


class _Socket:
    """The socket.io server of this process (rasa_ext/socketio.py registers it), and who
    is connected to a session's room: this process's clients, or with REDIS_URL every
    replica's (rasa_ext.shared_state.RedisPresence)."""

    server: Any = None
    event: str = "bot_uttered"
    namespace: str = "/"
    presence: Any = None  # an object with `async present(room) -> bool`, or None

    async def present(self, room: str) -> bool:
        if self.server is None:
            return False
        if self.presence is not None:
            return bool(await self.presence.present(room))
        return local_participant(self.server, self.namespace, room)


def local_participant(server: Any, namespace: str, room: str) -> bool:
    """Whether a client of this process is in the room (python-socketio's manager)."""
    try:
        return any(True for _ in server.manager.get_participants(namespace, room))
    except KeyError:  # no client ever connected to the namespace
        return False


SOCKET = _Socket()
_relay: Optional[Relay] = None


def register_socketio(server: Any, bot_message_evt: str, namespace: Optional[str] = None,
                      presence: Any = None) -> None:
    SOCKET.server, SOCKET.event = server, bot_message_evt
    SOCKET.namespace, SOCKET.presence = namespace or "/", presence


def configure(relay: Optional[Relay]) -> None:
    """Turn the relay on (or off with None) for this process."""
    global _relay
    _relay = relay


def current() -> Optional[Relay]:
    return _relay


# -- the hook ---------------------------------------------------------------------------
_original_handle_message = MessageProcessor.handle_message


async def handle_message(self: MessageProcessor, message: UserMessage) -> Optional[List[Dict[str, Any]]]:
    relay = _relay
    if relay is None or not message.sender_id:
        return await _original_handle_message(self, message)
    try:
        handoff = await relay.db(relay.store.latest_handoff_for, message.sender_id)
    except SQLAlchemyError as exc:
        # The bot answers rather than lose the message; said once per failure, no text.
        log.error("The candidates database is unavailable (%s): the message is answered by "
                  "the bot", type(exc).__name__)
        return await _original_handle_message(self, message)
    if handoff is None or handoff.status == "queued":
        return await _original_handle_message(self, message)
    if handoff.status == "closed" and message.input_channel != REST:
        return await _original_handle_message(self, message)
    return await relay.candidate_message(self, message, handoff, _original_handle_message)


def install_relay() -> None:
    """Replace MessageProcessor.handle_message; safe to call again."""
    MessageProcessor.handle_message = handle_message


__all__ = ["ACKNOWLEDGEMENT", "CANDIDATE_PREFIX", "ENDED_NOTICE", "HandoffStore", "LIVE",
           "RELAY_KEY", "RECRUITER_PREFIX", "REPLAYED", "Relay", "configure", "current",
           "install_relay", "is_done_command", "last_activity", "local_participant",
           "may_have_timed_out", "missed_by_web_chat", "pending_for_rest",
           "register_socketio", "replay_receipt", "slack_escaped", "timed_out"]
