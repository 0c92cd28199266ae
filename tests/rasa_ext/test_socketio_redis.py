"""The web chat's socket.io over several Rasa processes sharing a Redis (REDIS_URL): a
message one process sends to a session reaches the chat connected to another.

Replica A is our channel, configured as `make run` configures it, served by a real Sanic
server on a free port with a real socket.io client connected; replica B is the same
channel in the same test without a server: what another Rasa process does when its REST
API or a scheduled event answers a web chat conversation (Rasa's SocketIOOutput emits
`bot_uttered` to the session's room).
"""
from __future__ import annotations

import asyncio
import uuid
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Dict, Iterator, List

import pytest
import socketio
from rasa.core.channels.channel import register
from redis import asyncio as aioredis
from sanic import Sanic

from harness.redis_server import RedisServer, running_redis
from harness.servers import free_port
from rasa_ext import credentials
from rasa_ext.shared_state import SOCKETIO_CHANNEL, RedisPresence, redis_client
from rasa_ext.socketio import SocketIOInput
from service.settings import DEFAULT_SITE_ORIGIN, LOOPBACK

WAIT_SECONDS = 5


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    with running_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch) -> None:
    """Sanic 21.12 rewrites some of its methods when an app starts, and a second app in
    the same process then fails, unless in test mode (as sanic-testing sets it)."""
    monkeypatch.setattr(Sanic, "test_mode", True)


def replica() -> SocketIOInput:
    """One Rasa process's web chat channel, from the credentials `make run` writes."""
    config = credentials.build({})[credentials.SOCKETIO_CHANNEL]
    channel = SocketIOInput.from_credentials(config)
    assert isinstance(channel, SocketIOInput)
    return channel


async def nobody_answers(message: Any) -> None:
    pass


@asynccontextmanager
async def serving(channel: SocketIOInput) -> AsyncIterator[str]:
    """The channel on a real Sanic server, as `rasa run` registers it; its URL."""
    app = Sanic(f"replica_{uuid.uuid4().hex[:8]}")
    register([channel], app, route="/webhooks/")
    port = free_port()
    # Listening already (Sanic 21.12 awaits the server); startup() finalises the routes.
    server = await app.create_server(host=LOOPBACK, port=port, return_asyncio_server=True,
                                     access_log=False)
    await server.startup()
    try:
        yield f"http://{LOOPBACK}:{port}"
    finally:
        server.close()
        await server.wait_closed()


@asynccontextmanager
async def web_chat(url: str, session_id: str) -> AsyncIterator["asyncio.Queue[Dict[str, Any]]"]:
    """A web chat as rasa-webchat opens it (session_request, customData): its replies."""
    client = socketio.AsyncClient(reconnection=False)
    replies: "asyncio.Queue[Dict[str, Any]]" = asyncio.Queue()
    confirmed: "asyncio.Queue[str]" = asyncio.Queue()
    client.on("bot_uttered", replies.put)
    client.on("session_confirm", confirmed.put)
    await client.connect(url, headers={"Origin": DEFAULT_SITE_ORIGIN}, transports=["polling"],
                         wait_timeout=WAIT_SECONDS)
    try:
        await client.emit("session_request", {"session_id": session_id})
        assert await asyncio.wait_for(confirmed.get(), WAIT_SECONDS) == session_id
        yield replies
    finally:
        await client.disconnect()


async def listening(redis_url: str, processes: int) -> None:
    """Wait (at most WAIT_SECONDS) for `processes` replicas to listen on Redis: a replica
    subscribes in the background after its first connection."""
    client = aioredis.Redis.from_url(redis_url)
    try:
        for _ in range(int(WAIT_SECONDS / 0.05)):
            [(_, count)] = await client.pubsub_numsub(SOCKETIO_CHANNEL)
            if count >= processes:
                return
            await asyncio.sleep(0.05)
    finally:
        await client.close()


async def next_reply(replies: "asyncio.Queue[Dict[str, Any]]") -> Dict[str, Any]:
    try:
        return await asyncio.wait_for(replies.get(), WAIT_SECONDS)
    except asyncio.TimeoutError:
        raise AssertionError(f"the web chat got nothing in {WAIT_SECONDS} s") from None


def test_a_message_sent_by_one_replica_reaches_the_chat_connected_to_another(
        redis_server, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    a, b = replica(), replica()
    b.blueprint(nobody_answers)  # replica B: Rasa makes its socket.io server, no client

    async def run() -> Dict[str, Any]:
        async with serving(a) as url, web_chat(url, session_id="s-1") as replies:
            await listening(redis_server.url, 1)
            output = b.get_output_channel()
            assert output is not None
            await output.send_text_message("s-1", "Sent by replica B.")
            return await next_reply(replies)

    assert asyncio.run(run()) == {"text": "Sent by replica B."}


def test_with_redis_down_a_replica_still_answers_its_own_chats(monkeypatch):
    """Nothing crosses replicas then, but the chat connected here is still answered."""
    monkeypatch.setenv("REDIS_URL", f"redis://{LOOPBACK}:{free_port()}/0")
    channel = replica()

    async def run() -> Dict[str, Any]:
        async with serving(channel) as url, web_chat(url, session_id="s-2") as replies:
            output = channel.get_output_channel()
            assert output is not None
            await output.send_text_message("s-2", "Sent by this replica.")
            return await next_reply(replies)

    assert asyncio.run(run()) == {"text": "Sent by this replica."}


def test_without_redis_url_rooms_stay_in_the_process(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    channel = replica()
    channel.blueprint(nobody_answers)
    assert type(channel.sio.manager) is socketio.AsyncManager


def test_every_replica_sees_which_sessions_have_a_web_chat_connected(redis_server, monkeypatch):
    """The relay pushes a recruiter's message live only to a session with a web chat
    connected somewhere (else it is kept for the next connection): replica B must see the
    chat connected to replica A, and see it gone once it disconnects."""
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    a = replica()
    elsewhere = RedisPresence(redis_client(redis_server.url), redis_server.url,
                              lambda room: False)  # replica B: no client of its own

    async def run() -> List[bool]:
        seen = [await elsewhere.present("s-3")]
        async with serving(a) as url, web_chat(url, session_id="s-3"):
            seen.append(await elsewhere.present("s-3"))
            seen.append(await elsewhere.present("s-4"))
        for _ in range(int(WAIT_SECONDS / 0.05)):  # the server handles the disconnection
            if not await elsewhere.present("s-3"):
                break
            await asyncio.sleep(0.05)
        seen.append(await elsewhere.present("s-3"))
        return seen

    assert asyncio.run(run()) == [False, True, False, False]
