"""The web chat's socket.io channel against the real servers: answers, session
persistence, and malformed events answered instead of crashing the handler."""
from __future__ import annotations

import pytest

from harness.socketio_client import WebChat
from harness.tracker_store import conversation
from rasa_ext.socketio import UNREADABLE_REPLY
from tests.conftest import ML_SALARY

pytestmark = pytest.mark.e2e


@pytest.fixture
def chat(bot):
    client = WebChat(bot.url)
    yield client
    client.close()


def test_the_web_chat_is_answered_for_the_page_role(chat):
    assert ML_SALARY in chat.say("what is the salary?", role="machine-learning-engineer")


@pytest.mark.parametrize("data", [
    "just a string",
    ["a", "list"],
    {"message": 42},
    {"message": None},
    {"message": "hi", "customData": "{not json"},
    {"message": "hi", "customData": [1, 2]},
    {"message": "x" * 100_001},
], ids=["string", "list", "number", "null", "bad customData", "list customData", "too long"])
def test_malformed_events_get_a_clear_reply_and_the_chat_goes_on(chat, data):
    if isinstance(data, dict):
        data = {**data, "session_id": chat.session_id}
    chat.send_raw(data)
    assert chat.next_reply(30) == UNREADABLE_REPLY
    assert ML_SALARY in chat.say("what does it pay?")


def test_the_conversation_survives_a_reconnect(bot):
    first = WebChat(bot.url)
    first.say("tell me about the ML engineer job")
    first.close()
    again = WebChat(bot.url, session_id=first.session_id)
    try:
        assert ML_SALARY in again.say("and what does it pay?")
    finally:
        again.close()
    texts = [t.text for t in conversation(bot.tracker_store_url, first.session_id) if t.kind == "user"]
    assert texts == ["tell me about the ML engineer job", "and what does it pay?"]


def test_another_origin_cannot_open_the_chat(bot):
    import socketio

    with pytest.raises(socketio.exceptions.ConnectionError):
        WebChat(bot.url, origin="http://evil.example")
