"""Slack Events API requests, without Rasa: is a request really Slack's, and which events
does the bot answer?

Used by `rasa_ext.slack.SlackInput`; kept free of Rasa and Sanic so that every rule here
is a plain function with unit tests (tests/slack/test_events.py).

What the bot answers (everything else gets 200 and is ignored):

- a direct message to the bot (`message` event, `channel_type: im`), and
- an `@mention` of the bot in a channel, private channel or group DM (`app_mention`),

when a person wrote it: no `bot_id`/`bot_profile`, no `bot_message` subtype, not the
bot's own user. Edits (`message_changed`), deletions (`message_deleted`), joins and other
subtypes, and every other event type (reactions, members joining, app uninstalled, ...)
are ignored. A reply goes to the thread the message was written in, if any.

In the recruiters' channel(s) (SLACK_RECRUITERS_CHANNEL), a person's message inside a
thread is a `RECRUITER_REPLY`: if the thread is a handoff's (rasa_ext/relay.py decides,
from the candidates database), it is relayed to the candidate instead of answered. The
same rules apply to it: edits, deletions and bot messages (the bot's own relayed candidate
messages included) are never relayed.
"""
from __future__ import annotations

import hashlib
import hmac
import html
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Hashable, Iterable, List, Mapping, Optional, Set, Tuple

from slack_sdk.signature import Clock, SignatureVerifier

# -- request signatures (https://api.slack.com/authentication/verifying-requests-from-slack)
SIGNATURE_VERSION = "v0"
# Slack's advice, and Rasa's: refuse requests more than five minutes from our clock.
MAX_REQUEST_AGE_SECONDS = 300
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


def compute_signature(secret: str, timestamp: str, body: bytes) -> str:
    """`v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<body>` keyed with the signing secret: how
    Slack signs (the tests and the fake Slack sign with it; checking is slack_sdk's)."""
    base = f"{SIGNATURE_VERSION}:{timestamp}:".encode("utf-8") + body
    return f"{SIGNATURE_VERSION}=" + hmac.new(secret.encode("utf-8"), base,
                                              hashlib.sha256).hexdigest()


def signature_problem(secret: str, timestamp: Optional[str], body: bytes,
                      signature: Optional[str], now: float) -> Optional[str]:
    """Why a request is not Slack's (a short reason for the log), or None if it is.

    `timestamp` and `signature` are the X-Slack-Request-Timestamp and X-Slack-Signature
    headers, `body` the raw request body, `now` the current Unix time.
    """
    if not secret:
        return "no signing secret configured"
    if not signature:
        return "no X-Slack-Signature header"
    if not timestamp:
        return "no X-Slack-Request-Timestamp header"
    if not _TIMESTAMP.fullmatch(timestamp):
        return "malformed X-Slack-Request-Timestamp header"
    if abs(now - int(timestamp)) > MAX_REQUEST_AGE_SECONDS:
        return f"timestamp more than {MAX_REQUEST_AGE_SECONDS} s from the server's clock"
    if not _SIGNATURE.fullmatch(signature):
        return "malformed X-Slack-Signature header"
    # The check itself is Slack's own (slack_sdk), on the request as it arrived; the reasons
    # above only say more clearly what is wrong.
    try:
        valid = SignatureVerifier(secret, clock=_At(now)).is_valid(body, timestamp, signature)
    except UnicodeDecodeError:  # slack_sdk reads the body as UTF-8, as Slack sends it
        valid = False
    return None if valid else "signature does not match"


class _At(Clock):
    """slack_sdk's clock, stopped at the time the request is checked."""

    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


# -- which events are answered --------------------------------------------------------
DIRECT_MESSAGE = "direct_message"
MENTION = "mention"
#: A person's message in a thread of the recruiters' channel: maybe for a candidate.
RECRUITER_REPLY = "recruiter_reply"
# `message` subtypes a person writes with text; every other subtype (message_changed,
# message_deleted, bot_message, channel_join, ...) is ignored.
ANSWERED_SUBTYPES = frozenset({"file_share", "thread_broadcast"})


@dataclass(frozen=True)
class SlackMessage:
    """A message the bot answers."""

    kind: str               # DIRECT_MESSAGE, MENTION or RECRUITER_REPLY
    event_id: Optional[str]  # Slack's id of the event delivery (the same on retries)
    team: Optional[str]
    channel: str
    user: str
    ts: Optional[str]
    text: str               # cleaned for NLU: the bot's mention removed, Slack markup undone
    thread_ts: Optional[str]  # the thread to reply in, None for the channel itself

    @property
    def message_key(self) -> Optional[Tuple[Optional[str], str, str]]:
        """The Slack message itself: the same for its `message` and `app_mention` events."""
        return (self.team, self.channel, self.ts) if self.ts else None


@dataclass(frozen=True)
class Decision:
    reason: str
    message: Optional[SlackMessage] = None

    @property
    def answer(self) -> bool:
        return self.message is not None


def bot_user_ids(payload: Mapping[str, Any]) -> Set[str]:
    """The bot users this event was delivered for (Slack's `authorizations`)."""
    ids: Set[str] = set()
    for auth in payload.get("authorizations") or []:
        if isinstance(auth, dict) and auth.get("is_bot") and isinstance(auth.get("user_id"), str):
            ids.add(auth["user_id"])
    return ids


def mention_ids(payload: Mapping[str, Any], known_bot_ids: Iterable[str] = ()) -> Set[str]:
    """User ids whose @mentions are removed before NLU: the bot's (as Rasa does, plus the
    bot user `auth.test` reported)."""
    ids = bot_user_ids(payload) | {i for i in known_bot_ids if i}
    ids.update(u for u in payload.get("authed_users") or [] if isinstance(u, str))
    return ids


def classify(payload: Mapping[str, Any], known_bot_ids: Iterable[str] = (),
             use_threads: bool = False, recruiter_channels: Iterable[str] = ()) -> Decision:
    """Answer or ignore an Events API body (already verified and parsed), and why.

    `known_bot_ids`: the bot's own user id(s) known otherwise (auth.test).
    `use_threads`: reply to a top-level mention in a new thread under it (a mention
    written in a thread is always answered in that thread; DMs stay unthreaded).
    `recruiter_channels`: the recruiters' channel ids; a person's message (or mention)
    in a thread there is a RECRUITER_REPLY (reason "recruiter reply (<event type>)").
    """
    if payload.get("type") != "event_callback":
        return Decision(f"{payload.get('type')!s} request")
    event = payload.get("event")
    if not isinstance(event, dict):
        return Decision("no event")
    event_type = event.get("type")
    if event_type not in ("message", "app_mention"):
        return Decision(f"{event_type!s} event")
    subtype = event.get("subtype")
    if subtype == "bot_message":
        return Decision("bot message")
    if subtype and subtype not in ANSWERED_SUBTYPES:
        return Decision(f"{event_type} {subtype}")
    bots = bot_user_ids(payload) | {i for i in known_bot_ids if i}
    user, channel = event.get("user"), event.get("channel")
    if event.get("bot_id") or event.get("bot_profile") or (user and user in bots):
        return Decision("bot message")
    if not isinstance(user, str) or not user:
        return Decision("no user")
    if not isinstance(channel, str) or not channel:
        return Decision("no channel")
    text = event.get("text")
    if not isinstance(text, str) or not text.strip():
        return Decision("no text")
    direct = event.get("channel_type") == "im" or channel.startswith("D")
    ts = event.get("ts") if isinstance(event.get("ts"), str) else None
    thread_ts = event.get("thread_ts") if isinstance(event.get("thread_ts"), str) else None
    team = event.get("team") or payload.get("team_id")
    event_id = payload.get("event_id")
    if not direct and channel in set(recruiter_channels) and thread_ts and thread_ts != ts:
        return Decision(f"recruiter reply ({event_type})", SlackMessage(
            kind=RECRUITER_REPLY,
            event_id=event_id if isinstance(event_id, str) and event_id else None,
            team=team if isinstance(team, str) else None,
            channel=channel, user=user, ts=ts,
            text=recruiter_text(text, mention_ids(payload, known_bot_ids)),
            thread_ts=thread_ts))
    if event_type == "message" and not direct:
        # Channel messages are answered only when they mention the bot: Slack sends
        # those as `app_mention` (the manifest does not subscribe to channel messages).
        return Decision("channel message without a mention")
    if thread_ts is None and use_threads and not direct:
        thread_ts = ts
    return Decision(event_type, SlackMessage(
        kind=DIRECT_MESSAGE if event_type == "message" else MENTION,
        event_id=event_id if isinstance(event_id, str) and event_id else None,
        team=team if isinstance(team, str) else None,
        channel=channel, user=user, ts=ts,
        text=clean_text(text, mention_ids(payload, known_bot_ids)),
        thread_ts=thread_ts))


# -- the text NLU sees ---------------------------------------------------------------
_USER_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|([^>]*))?>", re.IGNORECASE)
_CHANNEL_MENTION = re.compile(r"<#[A-Z0-9]+(?:\|([^>]*))?>", re.IGNORECASE)
_SPECIAL_MENTION = re.compile(r"<!([a-z]+)(?:\^[^|>]*)?(?:\|([^>]*))?>")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,:;.!?])")
_LINK = re.compile(r"<((?:https?|mailto|tel):[^|>]*)(?:\|([^>]*))?>")


def clean_text(text: str, bot_ids: Iterable[str] = ()) -> str:
    """What a person typed, as NLU should see it.

    The bot's own @mentions are removed; other Slack markup is turned back into what the
    person sees (`<@U1|ann>` -> `@ann`, `<#C1|jobs>` -> `#jobs`, `<!here>` -> `@here`,
    `<https://x|x>` -> `x`, `&amp;` -> `&`); spaces are collapsed.
    """
    bots = set(bot_ids)

    def user(match: "re.Match[str]") -> str:
        if match.group(1) in bots:
            return " "
        return f"@{match.group(2)}" if match.group(2) else match.group(0)

    text = _USER_MENTION.sub(user, text)
    text = _CHANNEL_MENTION.sub(lambda m: f"#{m.group(1)}" if m.group(1) else m.group(0), text)
    text = _SPECIAL_MENTION.sub(_special, text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = html.unescape(text) if "&" in text else text
    text = " ".join(text.split())
    # "hey @bot, what does it pay @bot?" -> "hey, what does it pay?"
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
    # "@bot: what does it pay?" -> "what does it pay?"
    return text.lstrip(",:; ").strip()


def recruiter_text(text: str, bot_ids: Iterable[str] = ()) -> str:
    """A recruiter's Slack message as the candidate should read it: like `clean_text`,
    but a link keeps its address (`<https://x.example/a|our offices>` ->
    `our offices (https://x.example/a)`), and line breaks are kept."""
    def link(match: "re.Match[str]") -> str:
        url, label = match.group(1), match.group(2)
        if not label or label == url or url.endswith(":" + label):
            return url.split(":", 1)[1] if url.startswith(("mailto:", "tel:")) else url
        return f"{label} ({url})"

    lines = [clean_text(_LINK.sub(link, line), bot_ids) for line in text.split("\n")]
    return "\n".join(lines).strip()


def _special(match: "re.Match[str]") -> str:
    """`<!here>` -> `@here`; `<!subteam^S1|@jobs>` -> `@jobs`; `<!date^...|Monday>` -> `Monday`."""
    name, label = match.group(1), match.group(2)
    if name in ("here", "channel", "everyone"):
        return f"@{name}"
    return label or ""


# -- seen events -------------------------------------------------------------------------
class SeenCache:
    """Keys seen in the last `ttl` seconds (at most `max_keys`): `first_time(key)` is True
    once per key. Slack re-sends an event up to three times over about five minutes."""

    def __init__(self, ttl: float = 3600, max_keys: int = 10_000, clock=time.monotonic) -> None:
        self.ttl, self.max_keys, self.clock = ttl, max_keys, clock
        self._seen: "OrderedDict[Hashable, float]" = OrderedDict()

    def first_time(self, key: Hashable) -> bool:
        now = self.clock()
        while self._seen:
            oldest_key, seen_at = next(iter(self._seen.items()))
            if now - seen_at <= self.ttl and len(self._seen) < self.max_keys:
                break
            del self._seen[oldest_key]
        if key in self._seen:
            return False
        self._seen[key] = now
        return True

    def __len__(self) -> int:
        return len(self._seen)


_UNSAFE_HEADER = re.compile(r"[^A-Za-z0-9_.-]")


def retry_of(headers: Mapping[str, str]) -> Optional[Tuple[str, str]]:
    """(attempt number, reason) when Slack says this delivery is a retry, else None."""
    number = headers.get("X-Slack-Retry-Num") or headers.get("x-slack-retry-num")
    if not number:
        return None
    reason = headers.get("X-Slack-Retry-Reason") or headers.get("x-slack-retry-reason") or ""
    # Headers are not covered by the signature: keep only what is safe to log.
    return _UNSAFE_HEADER.sub("", number)[:8], _UNSAFE_HEADER.sub("", reason)[:40]


__all__: List[str] = [
    "ANSWERED_SUBTYPES", "DIRECT_MESSAGE", "Decision", "MAX_REQUEST_AGE_SECONDS", "MENTION",
    "RECRUITER_REPLY", "SeenCache", "SlackMessage", "bot_user_ids", "classify", "clean_text",
    "recruiter_text",
    "compute_signature", "mention_ids", "retry_of", "signature_problem",
]
