"""Every `ask_*` intent of the domain is a topic of the knowledge base's topics.yml, or one
of the few that are not (open roles, capabilities): a message NLU splits between a topic
and one of those is answered on the topic, not "didn't understand"."""
from __future__ import annotations

import yaml

from actions.answer_topic import NON_TOPIC_INTENTS, topic_in
from tests.conftest import ROOT, SHIPPED_KNOWLEDGE


def test_every_ask_intent_is_a_topic_or_listed_as_not_one():
    intents = yaml.safe_load((ROOT / "domain.yml").read_text())["intents"]
    topics = set(yaml.safe_load((SHIPPED_KNOWLEDGE / "topics.yml").read_text())["topics"])
    asks = [i for i in intents if i.startswith("ask_")]
    assert NON_TOPIC_INTENTS <= set(asks)
    for intent in asks:
        topic = topic_in(intent)
        assert (topic in topics) if intent not in NON_TOPIC_INTENTS else topic is None, intent


def test_a_split_between_a_topic_and_open_roles_answers_the_topic(one_role_kb, dispatcher, domain):
    import json

    from rasa_sdk import Tracker

    from actions.fallback import ActionNotUnderstood
    from tests.actions.conftest import TRACKERS

    data = json.loads((TRACKERS / "salary_no_role.json").read_text())
    data["latest_message"].update({
        "text": "any paramedic openings?", "intent": {"name": "nlu_fallback", "confidence": 0.55},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.55},
                           {"name": "ask_open_roles", "confidence": 0.4},
                           {"name": "ask_salary", "confidence": 0.3}]})
    ActionNotUnderstood().answer(dispatcher, Tracker.from_dict(data), domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_unknown_role" and message["mention"] == "paramedic"
