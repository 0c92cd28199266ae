"""`make run-scaled` as it runs: scripts/serve.sh --scaled with two Rasa replicas and two
action servers behind nginx, Redis as the lock store and PostgreSQL for conversations and
the knowledge base (Debian's packages, installed by `make scaled-deps`), on free ports.

What a user would notice: every replica answers with the same facts; one conversation
goes on across replicas (the tracker store and the locks are shared); the web chat works
through nginx; a killed replica costs nothing to the messages after it (nginx skips it)
and is restarted by supervisord; stopping leaves no process behind."""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest
import requests

from harness.scaled import ScaledBot
from harness.servers import DEFAULT_MODEL
from harness.socketio_client import WebChat
from harness.tracker_store import conversation
from harness.waiting import wait_for
from tests.conftest import KNOWLEDGE

pytestmark = pytest.mark.e2e

ROLE = "machine-learning-engineer"
NEEDED = ("redis-server", "nginx")


@pytest.fixture(scope="module")
def scaled() -> Iterator[ScaledBot]:
    missing = [name for name in NEEDED if not (shutil.which(name) or Path(f"/usr/sbin/{name}").exists())]
    if missing:
        pytest.skip(f"{', '.join(missing)} missing: `make scaled-deps` installs them (as root)")
    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run the tests through `make test`")
    # Not under pytest's basetemp: PostgreSQL and nginx run as their own users, and pytest
    # makes its folder private again whenever another session starts.
    work = Path(tempfile.mkdtemp(prefix="recruiting-scaled-"))
    bot = ScaledBot(work, rasa_replicas=2, action_replicas=2,
                    extra_env={"KB_KNOWLEDGE_DIR": str(KNOWLEDGE)})
    bot.start()
    try:
        yield bot
    finally:
        bot.stop()
        for pid in bot.processes():  # after a failure: nothing may outlive the session
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(work, ignore_errors=True)


def say(url: str, sender: str, message: str) -> str:
    response = requests.post(f"{url}/webhooks/rest/webhook", timeout=60,
                             json={"sender": sender, "message": message})
    response.raise_for_status()
    return "\n".join(reply.get("text", "") for reply in response.json())


def facts(kb, topic: str) -> List[str]:  # type: ignore[no-untyped-def]
    found = [fact.text for fact in kb.facts(ROLE, topic)]
    assert found, f"the fixture knowledge has no {topic} facts"
    return found


def test_every_replica_answers_from_the_shared_knowledge_base(scaled: ScaledBot, kb):
    for url in [scaled.url, *scaled.replica_urls]:
        reply = say(url, f"scaled-{uuid.uuid4().hex[:10]}",
                    "what does the machine learning engineer job pay?")
        for fact in facts(kb, "salary"):
            assert fact in reply, (url, reply)


def test_one_conversation_goes_on_across_replicas(scaled: ScaledBot, kb):
    sender = f"scaled-{uuid.uuid4().hex[:10]}"
    first, second = scaled.replica_urls[:2]
    say(first, sender, "what does the machine learning engineer job pay?")
    # The other replica knows which role this conversation is about (shared tracker store).
    reply = say(second, sender, "and which skills do I need?")
    assert any(fact in reply for fact in facts(kb, "skills")), reply
    turns = conversation(scaled.tracker_store_url, sender)
    assert [turn.kind for turn in turns][:2] == ["user", "bot"]
    assert [turn.text for turn in turns if turn.kind == "user"] == [
        "what does the machine learning engineer job pay?", "and which skills do I need?"]


def test_the_web_chat_works_through_nginx(scaled: ScaledBot, kb):
    session = uuid.uuid4().hex
    chat = WebChat(f"{scaled.url}/?client={session}", origin=scaled.site_origin,
                   session_id=session)
    try:
        reply = chat.say("what does it pay?", role=ROLE)
    finally:
        chat.close()
    assert all(fact in reply for fact in facts(kb, "salary")), reply


def open_chat(scaled: ScaledBot, client: str) -> WebChat:
    return WebChat(f"{scaled.url}/?client={client}", origin=scaled.site_origin)


def test_a_killed_replica_is_skipped_then_restarted(scaled: ScaledBot, kb):
    killed = scaled.kill("rasa-1")
    # nginx sends what the dead replica refuses to the other one: nothing is lost.
    for n in range(6):
        reply = say(scaled.url, f"scaled-kill-{n}-{uuid.uuid4().hex[:6]}",
                    "what does the machine learning engineer job pay?")
        assert facts(kb, "salary")[0] in reply
    # Web chats opened meanwhile are on replica 2, whatever their client id ...
    chats = [open_chat(scaled, f"failover-{n}") for n in range(4)]
    restarts = scaled.work_dir / "log" / "restarts.log"
    line = wait_for(lambda: next((l for l in restarts.read_text().splitlines()
                                  if "stopped unexpectedly" in l), None), 30, "the crash line")
    assert "Rasa server replica 1" in line and f"pid {killed}" in line
    scaled.wait_healthy(scaled.replica_urls[0], seconds=400)
    assert scaled.pid("rasa-1") != killed
    # ... and stay there when replica 1 is back (a hash alone would move some of them
    # back, where their session does not exist).
    try:
        for chat in chats:
            assert facts(kb, "salary")[0] in chat.say("what does it pay?", role=ROLE)
    finally:
        for chat in chats:
            chat.close()
    reply = say(scaled.replica_urls[0], f"scaled-{uuid.uuid4().hex[:10]}",
                "what does the machine learning engineer job pay?")
    assert facts(kb, "salary")[0] in reply


def test_stopping_leaves_no_process_behind(scaled: ScaledBot):
    assert len(scaled.processes()) >= 9  # supervisord, redis, postgres, 4 servers, nginx, site
    scaled.stop()
    assert scaled.process is not None and scaled.process.returncode == 0
    wait_for(lambda: not scaled.processes(), 30, "every process to stop")
