"""What several Rasa processes serving the bot (replicas behind nginx, `make run-scaled`)
must share, kept in Redis when REDIS_URL is set; without it, in the process as before.

- Which Slack events were answered (`seen_keys`): Slack retries an event it thinks went
  unanswered, and the retry may land on another replica; only a shared record keeps the
  bot from answering twice.
- Which socket.io clients are in which room (`share_rooms`): a message for a web chat
  session may be sent by a replica other than the one holding the session's socket (its
  REST API, for one); python-socketio's Redis manager carries it to the right one.

Redis being unreachable never loses an answer: the Slack check falls back to what this
process saw itself (as with one process), and a socket.io message no replica received is
delivered to this process's own clients.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, Hashable, List, Optional, Protocol, Tuple
from urllib.parse import urlsplit, urlunsplit

import socketio
from redis import asyncio as aioredis
from redis.exceptions import RedisError

from rasa_ext.slack_events import SeenCache
from service.settings import ServiceSettings

log = logging.getLogger(__name__)

#: Every key and channel of ours starts with this, so the bot can share a Redis.
KEY_PREFIX = "recruiting:"
#: The socket.io pub/sub channel. Redis channels are global, not per database.
SOCKETIO_CHANNEL = f"{KEY_PREFIX}socketio"
SCHEMES = ("redis", "rediss", "unix")
#: Slack wants its 200 within 3 s and the webhook asks Redis twice: a sick Redis must
#: answer (or fail) fast. A local Redis answers in ~0.1 ms.
TIMEOUT_SECONDS = 0.5


def redis_url_setting(redis_url: Optional[str] = None) -> str:
    """`redis_url` if given, else REDIS_URL (service.settings); checked. '' = no Redis."""
    url = ServiceSettings.from_env().redis_url if redis_url is None else redis_url.strip()
    return check_redis_url(url) if url else ""


def check_redis_url(url: str) -> str:
    """`url` if Redis's client can use it; ValueError naming REDIS_URL if not."""
    parts = urlsplit(url)
    try:
        parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        raise ValueError(f"REDIS_URL={redacted(url)!r}: the port is not a number") from None
    if parts.scheme not in SCHEMES:
        raise ValueError(f"REDIS_URL={redacted(url)!r} is not a redis://, rediss:// or "
                         "unix:// URL")
    return url


def redacted(url: str) -> str:
    """`url` fit for a log: its password replaced by `***`."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def key_text(key: Hashable) -> str:
    """A SeenCache key as a Redis key's tail: a tuple's parts joined with `:`."""
    if isinstance(key, tuple):
        return ":".join("" if part is None else str(part) for part in key)
    return str(key)


# -- Slack: answered at most once, over all replicas -----------------------------------
class SeenKeys(Protocol):
    async def first_time(self, key: Hashable) -> bool:
        """True once per key (within a TTL), False after."""


class InProcessSeen:
    """One process's SeenCache (the behaviour without REDIS_URL), behind the async
    interface the Redis one needs; nothing is awaited."""

    def __init__(self, cache: Optional[SeenCache] = None) -> None:
        self.cache = cache if cache is not None else SeenCache()

    async def first_time(self, key: Hashable) -> bool:
        return self.cache.first_time(key)


class _Outage:
    """One warning when Redis stops answering, one line when it answers again: a Redis
    down for an hour must not write a line per Slack event."""

    SLACK = ("Slack events are de-duplicated by this process alone until it is back (a "
             "Slack retry reaching another replica may be answered twice)",
             "Slack events are de-duplicated across replicas again")
    PRESENCE = ("a recruiter's message for a web chat connected to another replica is "
                "kept for its next connection",
                "web chats connected to any replica get recruiters' messages live again")

    def __init__(self, url: str, effects: Tuple[str, str] = SLACK) -> None:
        self.url = redacted(url)
        self.down = False
        self.effects = effects

    def failed(self, exc: BaseException) -> None:
        if not self.down:
            self.down = True
            log.warning("Redis at %s is unreachable (%s: %s): %s", self.url,
                        type(exc).__name__, exc, self.effects[0])

    def answered(self) -> None:
        if self.down:
            self.down = False
            log.info("Redis at %s answers again: %s", self.url, self.effects[1])


class RedisSeen:
    """`first_time(key)` shared by every process using one Redis: `SET <prefix><key> 1
    NX EX <ttl>` is atomic, so of all replicas asked about a key exactly one hears True.

    Async (redis.asyncio), unlike SeenCache: it is awaited in the Slack webhook's Sanic
    handler, and a synchronous call would hold up the whole process (every channel) for
    the round trip: ~0.1 ms to a local Redis, but up to TIMEOUT_SECONDS when it is sick.

    Redis unreachable: the answer is this process's own SeenCache's, which also records
    every key while Redis works. A message is then answered (a duplicate reply beats a
    lost one), except a re-delivery this same process saw, as with one process.
    """

    def __init__(self, client: Any, prefix: str, outage: _Outage, ttl: float = 3600) -> None:
        self.client, self.prefix, self.outage = client, prefix, outage
        self.ttl = max(1, int(ttl))
        self.local = SeenCache(ttl=ttl)

    async def first_time(self, key: Hashable) -> bool:
        locally = self.local.first_time(key)
        try:
            created = await self.client.set(self.prefix + key_text(key), 1, nx=True,
                                            ex=self.ttl)
        except (RedisError, OSError, asyncio.TimeoutError) as exc:
            self.outage.failed(exc)
            return locally
        self.outage.answered()
        return bool(created)


def redis_client(url: str) -> Any:
    """An asyncio Redis client that fails fast (see TIMEOUT_SECONDS). It connects on
    first use, so it may be made before the server's event loop runs."""
    return aioredis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS,
                                   socket_timeout=TIMEOUT_SECONDS)


def seen_keys(redis_url: str, *kinds: str, ttl: float = 3600) -> List[SeenKeys]:
    """One `first_time` record per kind (e.g. `slack:seen:event`): in this process when
    `redis_url` is '', else in Redis under `recruiting:<kind>:<key>`, one client and one
    outage warning for all of them."""
    if not redis_url:
        return [InProcessSeen(SeenCache(ttl=ttl)) for _ in kinds]
    client = redis_client(redis_url)
    outage = _Outage(redis_url)
    log.info("Shared with the other replicas through Redis at %s: %s", outage.url,
             ", ".join(kinds))
    return [RedisSeen(client, f"{KEY_PREFIX}{kind}:", outage, ttl) for kind in kinds]


# -- socket.io: rooms over all replicas -------------------------------------------------
class RedisRooms(socketio.AsyncRedisManager):
    """python-socketio's Redis client manager: every emit is published on Redis and each
    process delivers it to its own clients in the room.

    What no process received is delivered here: Redis unreachable (python-socketio logs
    it and gives up: None) or no process subscribed yet (0; this process subscribes in
    the background after its first connection). Either way nobody else had it, so nothing
    arrives twice, and a replica's own web chats keep their answers while Redis is down.
    """

    async def _publish(self, data: Any) -> Any:
        receivers = await super()._publish(data)
        if not receivers and isinstance(data, dict) and data.get("method") == "emit":
            await self._handle_emit(data)
        return receivers


def share_rooms(sio: socketio.AsyncServer, redis_url: str) -> RedisRooms:
    """Give `sio`, just made and with no client yet, the Redis client manager.

    Rasa makes its AsyncServer in SocketIOInput.blueprint() with no way to pass one, so
    this does what `AsyncServer(client_manager=...)` does in python-socketio 5.9
    (`self.manager = client_manager; client_manager.set_server(self)`); the manager's
    initialize() (its Redis listener) still runs on the first connection, as it would.
    """
    if sio.manager_initialized:
        raise RuntimeError("socket.io already has clients: its client manager can no "
                           "longer be replaced")
    manager = RedisRooms(redis_url, channel=SOCKETIO_CHANNEL,
                         # No read timeout: the listener blocks on Redis until a message.
                         redis_options={"socket_connect_timeout": TIMEOUT_SECONDS})
    sio.manager = manager
    manager.set_server(sio)
    log.info("Shared with the other replicas through Redis at %s: socket.io rooms",
             redacted(redis_url))
    return manager


class RedisPresence:
    """Which web chat sessions have a socket connected, on any replica: a Redis set per
    session room (`recruiting:socketio:present:<room>`) of the socket ids in it. The relay
    asks it before pushing a recruiter's message (rasa_ext/relay.py): nobody present, the
    message is kept for the session's next connection instead.

    A replica that dies leaves its sockets in the sets until PRESENCE_TTL passes since the
    session's last connection (a message then counts as delivered though it was not).
    Redis unreachable: this process's own clients answer (python-socketio's manager).
    """

    def __init__(self, client: Any, url: str, local: Callable[[str], bool],
                 prefix: str = f"{KEY_PREFIX}socketio:present:", ttl: int = 24 * 3600) -> None:
        self.client, self.local, self.prefix, self.ttl = client, local, prefix, ttl
        self.outage = _Outage(url, _Outage.PRESENCE)

    async def enter(self, room: str, sid: str) -> None:
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                await pipe.sadd(self.prefix + room, sid).expire(self.prefix + room,
                                                                self.ttl).execute()
        except (RedisError, OSError, asyncio.TimeoutError) as exc:
            self.outage.failed(exc)

    async def leave(self, room: str, sid: str) -> None:
        try:
            await self.client.srem(self.prefix + room, sid)
        except (RedisError, OSError, asyncio.TimeoutError) as exc:
            self.outage.failed(exc)

    async def present(self, room: str) -> bool:
        try:
            count = await self.client.scard(self.prefix + room)
        except (RedisError, OSError, asyncio.TimeoutError) as exc:
            self.outage.failed(exc)
            return bool(self.local(room))
        self.outage.answered()
        return bool(count) or bool(self.local(room))


__all__ = ["InProcessSeen", "RedisPresence", "KEY_PREFIX", "RedisRooms", "RedisSeen", "SOCKETIO_CHANNEL",
           "SeenKeys", "check_redis_url", "key_text", "redacted", "redis_client",
           "redis_url_setting", "seen_keys", "share_rooms"]
