"""One-word answers to the bot's own questions ("no", "cancel", "skip"), recognised for
certain.

DIET is least sure of the shortest messages: trained as shipped it gives "cancel" 0.46
for `stop` and "no" 0.51 for `deny`, below the fallback threshold (0.55), so "cancel" in
the middle of the application was "not understood" and the form went on. A message that
is nothing but one of these replies means one thing whatever the context, so it gets
its intent at confidence 1; any longer message is left to DIET. A Rasa 3.6 intent
classifier registered with the default recipe (config.yml runs it after DIET, before the
FallbackClassifier).
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY,
                                       PREDICTED_CONFIDENCE_KEY, TEXT)
from rasa.shared.nlu.training_data.message import Message

#: The whole message (lower case, without punctuation) -> its intent.
SHORT_REPLIES: Dict[str, str] = {
    **dict.fromkeys(["yes", "yes please", "yeah", "yep", "yup", "ya", "y", "sure", "ok",
                     "okay", "ok sure", "alright", "i agree", "agreed", "go ahead",
                     "please do", "of course", "absolutely", "correct", "thats right"],
                    "affirm"),
    **dict.fromkeys(["no", "nope", "nah", "n", "no thanks", "no thank you", "skip",
                     "skip it", "skip that", "not now", "i dont agree"], "deny"),
    **dict.fromkeys(["cancel", "cancel it", "cancel that", "stop", "quit", "exit", "abort",
                     "never mind", "nevermind"], "stop"),
}
_NOT_WORDS = re.compile(r"[^\w\s]+")


def short_reply(text: Optional[str]) -> Optional[str]:
    """The intent of a message that is only a short reply, else None."""
    if not text or len(text) > 40:
        return None
    return SHORT_REPLIES.get(" ".join(_NOT_WORDS.sub("", text.lower()).split()))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER],
                          is_trainable=False)
class ShortReplyClassifier(GraphComponent, IntentClassifier):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ShortReplyClassifier":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = short_reply(message.get(TEXT))
            if intent is None:
                continue
            ranking = [{INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}] + [
                {**entry, PREDICTED_CONFIDENCE_KEY: 0.0}
                for entry in message.get(INTENT_RANKING_KEY) or []
                if entry.get(INTENT_NAME_KEY) != intent]
            message.set(INTENT, {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0},
                        add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
