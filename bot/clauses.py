"""Splitting a message into the questions it asks, so each can be classified on its own:
"what's the salary and who would I report to?" is two questions.

A question ends at "?", "!", ";" or a full stop; within one, a coordinator ("and", "also",
"plus", "as well as", "&") or a comma followed by a question word starts another. Pieces
are returned as written. Over-splitting is harmless ("python and sql" gives "python" and
"sql", which NLU does not read as two different role questions); what decides whether a
message asks two questions is NLU's confidence on each piece (actions/questions.py).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Set

import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

#: More pieces than this are not questions one by one but a list ("pay, hours, travel,
#: benefits, dress code?"); the message is then classified as a whole.
MAX_QUESTIONS = 4

_ENDS = {"?", "!", ";", "."}
_COORDINATORS: List[List[Dict[str, Any]]] = [
    [{"LOWER": {"IN": ["and", "also", "plus", "&"]}}],
    [{"LOWER": "and"}, {"LOWER": {"IN": ["also", "then"]}}],
    [{"LOWER": "as"}, {"LOWER": "well"}, {"LOWER": "as"}],
    [{"LOWER": "oh"}, {"LOWER": "and"}],
]
#: After a comma, a new question starts with one of these.
_QUESTION_WORDS = frozenset("what what's whats who who's which where when how how's is are "
                            "do does did can could will would should any anything".split())


@lru_cache(maxsize=1)
def _tokenizer() -> Language:
    return spacy.blank("en")


@lru_cache(maxsize=1)
def _matcher() -> Matcher:
    matcher = Matcher(_tokenizer().vocab)
    matcher.add("COORDINATOR", _COORDINATORS)
    return matcher


def _breaks(doc: Doc) -> Set[int]:
    """Token indices that start a new piece, or that are dropped (coordinators)."""
    dropped: Set[int] = set()
    for _, start, end in _matcher()(doc):
        dropped.update(range(start, end))
    return dropped


def split_questions(text: str) -> List[str]:
    """The pieces of `text` that may each be a question; [text] when there is one."""
    doc = _tokenizer()(text)
    coordinators = _breaks(doc)
    pieces: List[List[str]] = [[]]

    def cut() -> None:
        if any(any(c.isalnum() for c in t) for t in pieces[-1]):
            pieces.append([])
        else:
            pieces[-1] = []

    for i, token in enumerate(doc):
        if i in coordinators:
            # "also" alone is a question's first word as often as a joint ("also, what's
            # the pay?"): cut before it only when something came first.
            cut()
            continue
        if (token.text == "," and i + 1 < len(doc)
                and doc[i + 1].lower_ in _QUESTION_WORDS):
            cut()
            continue
        pieces[-1].append(token.text_with_ws)
        if token.text in _ENDS:
            cut()
    found = ["".join(p).strip() for p in pieces if any(any(c.isalnum() for c in t) for t in p)]
    if len(found) < 2 or len(found) > MAX_QUESTIONS:
        return [text]
    return found
