"""rasa_ext.questions: a message asking several questions gets each piece's own intent in
its parse data; the message's own intent is untouched. Rasa's parse is replaced by a fake
that reads the intent off the text, so what is tested is the split and the wiring."""
from __future__ import annotations

import asyncio
from typing import Any, Dict

import pytest
from rasa.core.channels import UserMessage

import rasa_ext.questions as questions

INTENTS = {"salary": "ask_salary", "report": "ask_reporting"}


async def _fake_parse(self: Any, message: UserMessage, tracker: Any = None,
                      only_output_properties: bool = True) -> Dict[str, Any]:
    name = next((i for word, i in INTENTS.items() if word in message.text), "nlu_fallback")
    return {"text": message.text, "intent": {"name": name, "confidence": 0.9}, "entities": []}


@pytest.fixture
def parse(monkeypatch):
    monkeypatch.setattr(questions, "_original_parse_message", _fake_parse)
    return lambda text: asyncio.run(questions.parse_message(None, UserMessage(text, sender_id="s")))


def test_each_question_of_the_message_is_classified(parse):
    data = parse("what's the salary and who would I report to?")
    assert data["intent"]["name"] == "ask_salary"
    assert data["questions"] == [
        {"text": "what's the salary", "intent": {"name": "ask_salary", "confidence": 0.9}},
        {"text": "who would I report to?", "intent": {"name": "ask_reporting", "confidence": 0.9}}]


def test_one_question_and_button_payloads_get_no_pieces(parse):
    assert "questions" not in parse("what's the salary?")
    assert "questions" not in parse('/inform_role{"role": "salary and report"}')
