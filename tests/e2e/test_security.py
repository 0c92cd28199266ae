"""What the running bot exposes: no HTTP API without a token, no candidate's words in the
logs at INFO level."""
from __future__ import annotations

import uuid

import pytest
import requests

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("path", ["/conversations/someone/tracker", "/status", "/model/parse",
                                  "/domain", "/version"])
def test_rasas_http_api_is_off_by_default(bot, path):
    response = requests.get(f"{bot.url}{path}", timeout=10)
    assert response.status_code in (404, 405), f"{path}: {response.status_code}"


def test_the_action_server_listens_on_loopback_only(bot):
    # The action server was told nothing about its host: it must default to 127.0.0.1.
    listening = open("/proc/net/tcp").read().splitlines()[1:]
    port = f"{bot.action_port:04X}"
    mine = [line.split()[1] for line in listening if line.split()[1].endswith(f":{port}")
            and line.split()[3] == "0A"]
    assert mine == [f"0100007F:{port}"], mine


def test_candidates_words_do_not_reach_the_logs(bot, sender):
    marker = f"pii-{uuid.uuid4().hex}"
    bot.reply_text(sender, f"my name is {marker} and my email is {marker}@example.com, "
                           "what does the job pay?")
    for log in (bot.rasa.log, bot.actions.log):
        assert marker not in log.read_text(errors="replace"), f"{log.name} holds the message"
    assert sender not in bot.actions.log.read_text(errors="replace")
