"""When the action server or the database is down the user gets a polite reply, the
operator one clear log line, and the conversation goes on once it is back."""
from __future__ import annotations

import re

import pytest

from tests.conftest import ML_SALARY, sqlite_url

pytestmark = pytest.mark.e2e

POLITE = "can't look that up right now"


def _new_lines(path, before: int) -> str:
    return path.read_text(errors="replace")[before:]


def test_action_server_down_gives_a_polite_reply_then_recovers(bot, kb_path, sender):
    assert ML_SALARY in bot.reply_text(sender, "what does it pay?")
    log_start = len(bot.rasa.log.read_text(errors="replace"))
    bot.actions.stop()
    try:
        reply = bot.reply_text(sender, "which skills do I need?")
        assert POLITE in reply
        log = _new_lines(bot.rasa.log, log_start)
        failures = [line for line in log.splitlines() if "Action server failed" in line]
        assert len(failures) == 1 and "action_answer_topic" in failures[0]
        assert "Traceback" not in log
    finally:
        bot.restart_actions()
    assert "R, Java and Python" in bot.reply_text(sender, "which skills do I need?")


@pytest.mark.parametrize("state", ["missing", "corrupt"])
def test_a_broken_database_gives_a_polite_reply_and_a_clear_start_up_error(bot, kb_path, sender,
                                                                          tmp_path, state):
    broken = tmp_path / f"{state}.sqlite"
    if state == "corrupt":
        broken.write_bytes(b"this is not a database" * 200)
    log_start = len(bot.actions.log.read_text(errors="replace"))
    bot.restart_actions(KB_DATABASE_URL=sqlite_url(broken))
    try:
        assert POLITE in bot.reply_text(sender, "what does it pay?")
        log = _new_lines(bot.actions.log, log_start)
        assert re.search(rf"ERROR .*Knowledge base unavailable at start-up: .*{state}\.sqlite", log)
        assert re.search(r"ERROR .*Knowledge base unavailable while answering", log)
        assert "Traceback" not in log
        if state == "missing":
            assert not broken.exists(), "a reader must not create an empty database"
    finally:
        bot.restart_actions(KB_DATABASE_URL=sqlite_url(kb_path))
    assert ML_SALARY in bot.reply_text(sender, "what does it pay?")


def test_a_restarted_rasa_server_resumes_conversations_from_the_tracker_store(bot, sender):
    from harness.tracker_store import conversation

    first = bot.reply_text(sender, "tell me about the ML engineer job")
    bot.rasa.stop()
    bot.rasa.start()
    second = bot.reply_text(sender, "and what does it pay?")
    assert ML_SALARY in second
    stored = conversation(bot.tracker_store_url, sender)
    assert [(t.kind, t.text) for t in stored] == [
        ("user", "tell me about the ML engineer job"), ("bot", first),
        ("user", "and what does it pay?"), ("bot", second)]


def test_a_plain_rasa_run_with_our_channels_has_the_polite_reply_too(tmp_path, kb_path):
    """`rasa run` (not `python -m rasa_ext`) with our credentials: loading our channels
    installs the patches, so a failed action still gets the polite reply."""
    from harness.servers import DEFAULT_MODEL, Bot

    if not DEFAULT_MODEL.is_file():
        pytest.fail(f"no trained model at {DEFAULT_MODEL}: run the tests through `make test`")
    plain = Bot(tmp_path / "plain-rasa", sqlite_url(kb_path), rasa_module="rasa")
    plain.rasa.start()  # and no action server: every custom action fails
    try:
        reply = plain.reply_text("plain-rasa-user", "what does it pay?")
        assert POLITE in reply
        assert "Action server failed" in plain.rasa.log.read_text(errors="replace")
    finally:
        plain.rasa.stop()
