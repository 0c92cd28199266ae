"""A message that is only "no", "cancel" or "skip" gets that intent for certain; anything
longer, or anything else, keeps what DIET said."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.short_replies import ShortReplyClassifier, short_reply

DIET = {"name": "nlu_fallback", "confidence": 0.55}
RANKING = [{"name": "stop", "confidence": 0.46}, {"name": "deny", "confidence": 0.09}]


def _classified(text: str) -> Message:
    message = Message(data={"text": text, "intent": DIET, "intent_ranking": RANKING})
    (out,) = ShortReplyClassifier().process([message])
    return out


@pytest.mark.parametrize("text,intent", [("cancel", "stop"), ("Cancel!", "stop"),
                                         ("no", "deny"), ("No thanks.", "deny"),
                                         ("skip", "deny"), ("yes please", "affirm"),
                                         ("OK", "affirm"), ("never mind", "stop")])
def test_a_short_reply_gets_its_intent_for_certain(text, intent):
    out = _classified(text)
    assert out.get("intent") == {"name": intent, "confidence": 1.0}
    assert out.get("intent_ranking")[0] == {"name": intent, "confidence": 1.0}
    assert all(r["confidence"] == 0.0 for r in out.get("intent_ranking")[1:])


@pytest.mark.parametrize("text", ["no experience, can I still apply?", "cancel my train ticket",
                                  "stop by the office?", "yes but what does it pay",
                                  "Sam Taylor", ""])
def test_anything_else_keeps_what_diet_said(text):
    assert short_reply(text) is None
    assert _classified(text).get("intent") == DIET
