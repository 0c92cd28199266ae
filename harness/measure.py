"""What the benchmarks send and how they summarise it."""
from __future__ import annotations

from typing import Sequence

# A candidate's mix: every topic, an unknown fact, another occupation, chit-chat, out of scope.
CANDIDATE_QUESTIONS = [
    "hi", "tell me about the ML engineer job", "what does it pay?", "who would I report to?",
    "which skills do I need?", "how many years of experience?", "do I need a degree?",
    "any certifications?", "what kind of person does well here?", "what are the duties?",
    "what benefits are there?", "how much does a dental assistant make?", "is it remote?",
    "what's the weather tomorrow?", "are you a bot?", "what can you do?", "thanks!",
    "what does an MLE do?", "is a master's preferred?", "bye",
]


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]
