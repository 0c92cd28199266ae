"""Classify each question of a message that asks several, inside the Rasa server.

"what's the salary and who would I report to?" is one message and two questions; NLU
classifies a message as one intent. Rasa has no extension point to classify parts of a
message (an NLU component cannot run the featurizers again on a piece), so this wraps
`MessageProcessor.parse_message`: when bot/clauses.py splits the text into pieces, each
piece is parsed by the same trained pipeline and the results are added to the parse data
as `questions` (text, intent, confidence). The message's own intent is unchanged, so
policies and stories see what they always saw; the actions read `questions`
(actions/questions.py). Parse data is kept whole in the tracker's UserUttered event.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.core.channels import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from bot.clauses import split_questions

QUESTIONS_KEY = "questions"

_original_parse_message = MessageProcessor.parse_message


def _summary(parse_data: Dict[str, Any]) -> Dict[str, Any]:
    intent = parse_data.get("intent") or {}
    return {"text": parse_data.get("text"),
            "intent": {"name": intent.get("name"), "confidence": intent.get("confidence")}}


async def parse_message(self: MessageProcessor, message: UserMessage,
                        tracker: Optional[DialogueStateTracker] = None,
                        only_output_properties: bool = True) -> Dict[str, Any]:
    parse_data = await _original_parse_message(self, message, tracker, only_output_properties)
    text = message.text or ""
    if text.startswith("/"):  # a button's intent payload
        return parse_data
    pieces = split_questions(text)
    if len(pieces) >= 2:
        parsed = [await _original_parse_message(
            self, UserMessage(piece, sender_id=message.sender_id, input_channel=message.input_channel),
            tracker, True) for piece in pieces]
        parse_data[QUESTIONS_KEY] = [_summary(p) for p in parsed]
    return parse_data


def install_question_split() -> None:
    """Replace MessageProcessor.parse_message; safe to call again."""
    MessageProcessor.parse_message = parse_message
