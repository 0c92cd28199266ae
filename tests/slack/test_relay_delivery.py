"""The relay's bookkeeping without servers (rasa_ext/relay.py): what a closed web chat
missed and gets, once, when it connects again; the sweep that closes idle handoffs by
itself (a fake clock, an in-memory tracker store and lock store, a fake Slack and socket.io).
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Set

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import AgentUttered, BotUttered, UserUttered
from redis.exceptions import ConnectionError as RedisConnectionError

from rasa_ext import relay as relay_module
from rasa_ext.relay import (ENDED_NOTICE, FROM_RECRUITER, LIVE, RECRUITER_PREFIX, RELAY_KEY,
                            REPLAYED, THREAD_WEB_CHAT_CLOSED, TIMED_OUT, HandoffStore, Relay,
                            missed_by_web_chat, pending_for_rest, replay_receipt)
from rasa_ext.shared_state import RedisPresence
from rasa_ext.slack_events import SlackMessage

RECRUITERS = "CRECRUIT01"
POSTED = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
HOUR = timedelta(minutes=60)


# -- fakes --------------------------------------------------------------------------------
class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class FakeSlack:
    def __init__(self) -> None:
        self.posts: List[Dict[str, Any]] = []

    async def chat_postMessage(self, **kwargs: Any) -> Dict[str, Any]:  # noqa: N802
        self.posts.append(kwargs)
        return {"ok": True}

    def texts(self) -> List[str]:
        return [p["text"] for p in self.posts]


@dataclass
class FakeSocketServer:
    """socket.io as the relay uses it: emits recorded; who is connected, by room."""
    present: Set[str] = field(default_factory=set)
    emitted: List[Dict[str, Any]] = field(default_factory=list)

    async def emit(self, event: str, data: Dict[str, Any], room: str) -> None:
        self.emitted.append({"event": event, "text": data["text"], "room": room})

    def texts(self, room: str) -> List[str]:
        return [e["text"] for e in self.emitted if e["room"] == room]


class FakePresence:
    def __init__(self, server: FakeSocketServer) -> None:
        self.server = server

    async def present(self, room: str) -> bool:
        return room in self.server.present


class FakeProcessor:
    def __init__(self, trackers: InMemoryTrackerStore) -> None:
        self.trackers = trackers
        self.reads: List[str] = []

    async def get_tracker(self, sender: str) -> Any:
        self.reads.append(sender)
        return await self.trackers.get_or_create_tracker(sender)

    async def save_tracker(self, tracker: Any) -> None:
        await self.trackers.save(tracker)


class FakeAgent:
    def __init__(self, trackers: InMemoryTrackerStore) -> None:
        self.processor = FakeProcessor(trackers)
        self.lock_store = InMemoryLockStore()  # one per replica


@dataclass
class App:
    ctx: Any


class Ctx:
    def __init__(self, agent: Any) -> None:
        self.agent = agent


@pytest.fixture
def store(tmp_path):
    handoffs = HandoffStore(f"sqlite:///{tmp_path / 'candidates.sqlite'}")
    yield handoffs
    handoffs.close()


@pytest.fixture
def socket(monkeypatch) -> FakeSocketServer:
    server = FakeSocketServer()
    monkeypatch.setattr(relay_module.SOCKET, "server", server)
    monkeypatch.setattr(relay_module.SOCKET, "presence", FakePresence(server))
    return server


@pytest.fixture
def trackers() -> InMemoryTrackerStore:
    return InMemoryTrackerStore(Domain.empty())


class Replica:
    """One Rasa process: its own lock store and relay; the databases are shared."""

    def __init__(self, store: HandoffStore, trackers: InMemoryTrackerStore, clock: Clock,
                 slack: FakeSlack) -> None:
        self.agent = FakeAgent(trackers)
        self.dms: List[Dict[str, Any]] = []
        self.relay = Relay(slack, [RECRUITERS], self.slack_output, store=store, timeout=HOUR,
                           clock=clock, sweep_seconds=0.01)
        self.relay.app = App(Ctx(self.agent))

    def slack_output(self, channel: Optional[str], thread: Optional[str]) -> Any:
        dms = self.dms

        class Output:
            async def send_text_message(self, recipient: str, text: str, **_: Any) -> None:
                dms.append({"channel": channel, "thread": thread, "text": text})

        return Output()


@pytest.fixture
def clock() -> Clock:
    return Clock(POSTED)


@pytest.fixture
def slack() -> FakeSlack:
    return FakeSlack()


@pytest.fixture
def replica(store, trackers, clock, slack) -> Replica:
    return Replica(store, trackers, clock, slack)


def open_handoff(store: HandoffStore, sender: str, channel: str = "socketio",
                 ts: str = "1700000000.000100"):
    handoff = store.add_handoff(sender_id=sender, channel=channel, role_slug=None,
                                questions=["q"], transcript=[("user", "q")],
                                application_reference=None, email=None,
                                now=POSTED - timedelta(minutes=1))
    return store.mark_posted(handoff.id, RECRUITERS, ts, now=POSTED)


def recruiter(handoff, text: str, ts: str = "1700000001.000200") -> SlackMessage:
    return SlackMessage(kind="recruiter_reply", text=text, user="URECRUIT01",
                        channel=RECRUITERS, ts=ts, thread_ts=handoff.slack_ts,
                        event_id=f"Ev{ts}", team="T1")


def relayed(trackers: InMemoryTrackerStore, sender: str) -> List[Dict[str, Any]]:
    tracker = asyncio.run(trackers.retrieve(sender))
    if tracker is None:
        return []
    return [e.metadata[RELAY_KEY] for e in tracker.events
            if (e.metadata or {}).get(RELAY_KEY)]


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


# -- what a web chat missed: the rule --------------------------------------------------------
def pushed(text: str, live: Optional[bool], kind: str = FROM_RECRUITER) -> BotUttered:
    info: Dict[str, Any] = {"handoff_id": 1, "kind": kind}
    if live is not None:
        info[LIVE] = live
    return BotUttered(text, metadata={RELAY_KEY: info})


def test_missed_is_what_was_pushed_with_nobody_connected_since_the_last_replay():
    old = pushed("before the last replay", False)
    first, seen, second = pushed("one", False), pushed("seen", True), pushed("two", False,
                                                                            kind=TIMED_OUT)
    events = [old, replay_receipt([old]), first, UserUttered("hi"), seen,
              BotUttered("the bot's own"), pushed("no web chat push", None), second]
    assert missed_by_web_chat(events) == [first, second]
    assert missed_by_web_chat(events + [replay_receipt([first, second])]) == []
    assert missed_by_web_chat([]) == []


def test_a_replay_receipt_keeps_no_text():
    receipt = replay_receipt([pushed("secret", False)])
    assert isinstance(receipt, AgentUttered) and receipt.text is None
    assert receipt.metadata == {RELAY_KEY: {"kind": REPLAYED, "count": 1}}


# -- what a web chat missed: pushed, kept, replayed once ---------------------------------
def test_a_reply_to_a_closed_web_chat_is_kept_and_replayed_once_when_it_connects(
        store, socket, trackers, replica, slack):
    handoff = open_handoff(store, "sess-1")
    run(replica.relay.recruiter_message(replica.agent, recruiter(handoff, "Hello?"), handoff))
    run(replica.relay.recruiter_message(replica.agent, recruiter(handoff, "Still there?",
                                                                 ts="1700000002.1"), handoff))
    assert socket.emitted == []  # nobody to receive it
    assert [i[LIVE] for i in relayed(trackers, "sess-1")] == [False, False]
    assert slack.texts() == [THREAD_WEB_CHAT_CLOSED, THREAD_WEB_CHAT_CLOSED]

    socket.present.add("sess-1")  # the page opens again: socket "sid-9" in the room
    assert run(replica.relay.replay_missed("sid-9", "sess-1")) == 2
    assert socket.texts("sid-9") == [RECRUITER_PREFIX + "Hello?", RECRUITER_PREFIX + "Still there?"]
    assert run(replica.relay.replay_missed("sid-9", "sess-1")) == 0  # exactly once
    assert run(replica.relay.replay_missed("sid-10", "sess-1")) == 0  # another tab too
    assert len(socket.emitted) == 2

    # Connected: the next one goes live to the session's room and is never replayed.
    run(replica.relay.recruiter_message(replica.agent, recruiter(handoff, "Great!",
                                                                 ts="1700000003.1"), handoff))
    assert socket.texts("sess-1") == [RECRUITER_PREFIX + "Great!"]
    assert relayed(trackers, "sess-1")[-1][LIVE] is True
    assert run(replica.relay.replay_missed("sid-11", "sess-1")) == 0
    assert slack.texts() == [THREAD_WEB_CHAT_CLOSED] * 2


def test_the_end_notice_a_closed_web_chat_missed_is_replayed_too(store, socket, trackers,
                                                                  replica, slack):
    handoff = open_handoff(store, "sess-2")
    run(replica.relay.recruiter_message(replica.agent, recruiter(handoff, "done"), handoff))
    assert store.handoff(handoff.id).status == "closed" and socket.emitted == []
    socket.present.add("sess-2")
    assert run(replica.relay.replay_missed("sid-1", "sess-2")) == 1
    assert socket.texts("sid-1") == [ENDED_NOTICE]


def test_no_replay_for_senders_without_a_web_chat_handoff(store, socket, trackers, replica):
    rest = open_handoff(store, "rest-1", channel="rest")
    tracker = run(trackers.get_or_create_tracker("rest-1"))
    tracker.update(pushed("x", False))  # even if the tracker had one
    run(trackers.save(tracker))
    assert run(replica.relay.replay_missed("sid-1", "rest-1")) == 0
    assert run(replica.relay.replay_missed("sid-1", "nobody")) == 0
    assert replica.agent.processor.reads == [] and socket.emitted == []
    assert rest.channel == "rest"


# -- the sweep ------------------------------------------------------------------------------
def test_the_sweep_closes_an_idle_handoff_once_and_tells_a_connected_web_chat(
        store, socket, trackers, replica, clock, slack):
    handoff = open_handoff(store, "sess-3")
    socket.present.add("sess-3")
    clock.now = POSTED + HOUR - timedelta(seconds=1)
    assert run(replica.relay.sweep()) == 0
    assert replica.agent.processor.reads == []  # posted too recently: no tracker read
    assert store.handoff(handoff.id).status == "posted"

    clock.now = POSTED + HOUR
    assert run(replica.relay.sweep()) == 1
    assert store.handoff(handoff.id).status == "closed"
    assert socket.texts("sess-3") == [ENDED_NOTICE]
    assert relayed(trackers, "sess-3") == [{"handoff_id": handoff.id, "kind": TIMED_OUT,
                                            LIVE: True}]
    assert slack.texts() == [replica.relay.timed_out_note()]
    assert slack.posts[0]["thread_ts"] == handoff.slack_ts

    assert run(replica.relay.sweep()) == 0  # closed: not even looked at again
    assert len(socket.emitted) == 1 and len(slack.posts) == 1


def test_recent_activity_keeps_a_handoff_open(store, socket, trackers, replica, clock):
    handoff = open_handoff(store, "sess-4")
    socket.present.add("sess-4")
    clock.now = POSTED + timedelta(minutes=30)
    run(replica.relay.recruiter_message(replica.agent, recruiter(handoff, "hi"), handoff))
    # The event's timestamp is the real time; the fake clock's "now" is 30 minutes in.
    tracker = run(trackers.retrieve("sess-4"))
    tracker.events[-1].timestamp = clock.now.timestamp()
    run(trackers.save(tracker))
    clock.now = POSTED + timedelta(minutes=89)
    assert run(replica.relay.sweep()) == 0
    assert store.handoff(handoff.id).status == "posted"
    clock.now = POSTED + timedelta(minutes=90)
    assert run(replica.relay.sweep()) == 1


def test_several_replicas_sweeping_at_once_tell_the_candidate_once(
        store, socket, trackers, clock, slack):
    replicas = [Replica(store, trackers, clock, slack) for _ in range(3)]  # no shared lock
    handoffs = [open_handoff(store, f"sess-{n}", ts=f"17000000{n}0.000100") for n in range(4)]
    socket.present.update(h.sender_id for h in handoffs)
    clock.now = POSTED + 2 * HOUR

    async def together() -> List[int]:
        return list(await asyncio.gather(*(r.relay.sweep() for r in replicas)))

    assert sum(run(together())) == 4
    for h in handoffs:
        assert socket.texts(h.sender_id) == [ENDED_NOTICE]
        assert len(relayed(trackers, h.sender_id)) == 1
    assert len(slack.posts) == 4


def test_a_swept_rest_handoffs_notice_waits_for_the_next_response(store, trackers, replica,
                                                                  clock, socket):
    open_handoff(store, "rest-2", channel="rest")
    clock.now = POSTED + HOUR
    assert run(replica.relay.sweep()) == 1
    tracker = run(trackers.retrieve("rest-2"))
    assert [e.text for e in pending_for_rest(list(tracker.events))] == [ENDED_NOTICE]
    assert LIVE not in relayed(trackers, "rest-2")[0]
    assert socket.emitted == []


def test_a_swept_slack_candidate_is_told_in_their_dm(store, trackers, replica, clock):
    open_handoff(store, "U123", channel="slack")
    tracker = run(trackers.get_or_create_tracker("U123"))
    tracker.update(UserUttered("hi", input_channel="slack",
                               metadata={"out_channel": "D42", "thread_id": None},
                               timestamp=(POSTED - timedelta(minutes=2)).timestamp()))
    run(trackers.save(tracker))
    clock.now = POSTED + HOUR
    assert run(replica.relay.sweep()) == 1
    assert replica.dms == [{"channel": "D42", "thread": None, "text": ENDED_NOTICE}]


def test_a_handoff_the_candidate_closed_meanwhile_is_not_notified_again(
        store, socket, trackers, replica, clock, slack):
    handoff = open_handoff(store, "sess-5")
    clock.now = POSTED + HOUR
    assert store.close_posted_handoff(handoff.id) is True
    assert store.close_posted_handoff(handoff.id) is False  # one claim only
    assert run(replica.relay.close_if_idle(replica.agent, handoff.id)) is False
    assert socket.emitted == [] and slack.posts == [] and relayed(trackers, "sess-5") == []


def test_without_a_model_the_sweep_waits(store, replica, clock):
    open_handoff(store, "sess-6")
    clock.now = POSTED + HOUR
    replica.relay.app = App(Ctx(None))
    assert run(replica.relay.sweep()) == 0
    assert store.handoff(1).status == "posted"


def test_the_background_task_sweeps_and_stops(store, socket, replica, clock):
    open_handoff(store, "sess-7")
    socket.present.add("sess-7")
    clock.now = POSTED + HOUR

    async def life() -> None:
        replica.relay.start(replica.relay.app)
        for _ in range(200):
            if socket.emitted:
                break
            await asyncio.sleep(0.01)
        await replica.relay.stop()

    run(life())
    assert socket.texts("sess-7") == [ENDED_NOTICE]


def test_posted_handoffs_before_is_only_the_posted_old_enough(store):
    old = open_handoff(store, "a")
    closed = open_handoff(store, "b", ts="2")
    store.close_posted_handoff(closed.id)
    store.add_handoff(sender_id="c", channel="rest", role_slug=None, questions=[],
                      transcript=[], application_reference=None, email=None)  # queued
    assert [h.id for h in store.posted_handoffs_before(POSTED)] == [old.id]
    assert store.posted_handoffs_before(POSTED - timedelta(seconds=1)) == []


# -- presence over replicas ------------------------------------------------------------------
class FakeRedis:
    def __init__(self, broken: bool = False) -> None:
        self.sets: Dict[str, Set[str]] = {}
        self.broken = broken

    def _check(self) -> None:
        if self.broken:
            raise RedisConnectionError("down")

    def pipeline(self, transaction: bool = True) -> "FakePipeline":
        return FakePipeline(self)

    async def srem(self, key: str, member: str) -> int:
        self._check()
        self.sets.get(key, set()).discard(member)
        return 1

    async def scard(self, key: str) -> int:
        self._check()
        return len(self.sets.get(key, ()))


class FakePipeline:
    def __init__(self, redis: FakeRedis) -> None:
        self.redis = redis
        self.ops: List[Any] = []

    async def __aenter__(self) -> "FakePipeline":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        return None

    def sadd(self, key: str, member: str) -> "FakePipeline":
        self.ops.append((key, member))
        return self

    def expire(self, key: str, ttl: int) -> "FakePipeline":
        return self

    async def execute(self) -> None:
        self.redis._check()
        for key, member in self.ops:
            self.redis.sets.setdefault(key, set()).add(member)


def test_redis_presence_sees_sockets_of_every_replica_and_falls_back_to_its_own():
    redis = FakeRedis()
    mine: Set[str] = set()
    here = RedisPresence(redis, "redis://localhost:6379/0", lambda room: room in mine)
    there = RedisPresence(redis, "redis://localhost:6379/0", lambda room: False)

    async def scenario() -> List[bool]:
        seen = [await here.present("s1")]
        await there.enter("s1", "r2-abc")
        seen.append(await here.present("s1"))
        await there.leave("s1", "r2-abc")
        seen.append(await here.present("s1"))
        redis.broken = True
        mine.add("s1")
        seen.append(await here.present("s1"))  # Redis down: this process's own clients
        seen.append(await there.present("s1"))
        return seen

    assert run(scenario()) == [False, True, False, True, False]


# -- the setting ------------------------------------------------------------------------------
def test_the_sweep_interval_setting(monkeypatch):
    from bot.settings import handoff_sweep_seconds

    monkeypatch.delenv("HANDOFF_SWEEP_SECONDS", raising=False)
    assert handoff_sweep_seconds() == 60
    monkeypatch.setenv("HANDOFF_SWEEP_SECONDS", "0.5")
    assert handoff_sweep_seconds() == 0.5
    for wrong in ("soon", "0", "-1", "3601"):
        monkeypatch.setenv("HANDOFF_SWEEP_SECONDS", wrong)
        with pytest.raises(ValueError, match="HANDOFF_SWEEP_SECONDS"):
            handoff_sweep_seconds()


def test_one_conversation_failing_does_not_stop_the_sweep(store, socket, trackers, replica,
                                                          clock, monkeypatch):
    broken, fine = open_handoff(store, "sess-8"), open_handoff(store, "sess-9", ts="3")
    socket.present.update({"sess-8", "sess-9"})
    clock.now = POSTED + HOUR
    processor = replica.agent.processor
    read = processor.get_tracker

    async def get_tracker(sender: str) -> Any:
        if sender == broken.sender_id:
            raise RuntimeError("tracker store down")
        return await read(sender)

    monkeypatch.setattr(processor, "get_tracker", get_tracker)
    assert run(replica.relay.sweep()) == 1
    assert store.handoff(fine.id).status == "closed"
    assert store.handoff(broken.id).status == "posted"  # tried again at the next sweep
