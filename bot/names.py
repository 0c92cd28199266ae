"""Turning what people type ("the ML engineers job") into a comparable role name."""
from __future__ import annotations

import difflib
import re
from typing import Iterable, Optional, Tuple, TypeVar

_NON_WORD = re.compile(r"[^a-z0-9&+#]+")
_LEADING = {"a", "an", "the", "this", "that", "my", "your", "our"}
# Words people put after a role name that do not change which role they mean.
_TRAILING = {
    "job", "jobs", "role", "roles", "position", "positions", "opening", "openings",
    "career", "careers", "vacancy", "vacancies", "one", "ones", "post", "posting",
}
# Words for the person someone reports to. In a question about the reporting line ("who
# would be my supervisor?") they name the boss, not the role asked about.
SUPERVISOR_WORDS = frozenset({
    "supervisor", "manager", "line manager", "direct manager", "hiring manager", "boss",
    "lead", "team lead", "tech lead", "head", "superior", "report", "direct report",
})
# Similarity above which a typo ("machine lerning engineer") still names a role.
FUZZY_CUTOFF = 0.88

T = TypeVar("T")


def singular(word: str) -> str:
    """A rough English singular, enough for job titles (engineers -> engineer)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def normalize(name: str) -> str:
    """Lower-case, strip punctuation, articles and "job"/"role" words, singularize."""
    text = name.replace("’", "'").replace("'s ", " ").lower()
    words = [w for w in _NON_WORD.split(text) if w]
    while words and words[0] in _LEADING:
        words.pop(0)
    while words and words[-1] in _TRAILING:
        words.pop()
    return " ".join(singular(w) for w in words)


def best_match(mention: str, candidates: Iterable[Tuple[str, T]]) -> Optional[T]:
    """The value whose normalized name matches the mention, or None.

    Exact match first, then a known name inside the mention as whole words
    ("senior machine learning engineer"), then the last words of exactly one role's
    name ("engineer"), then a close spelling.
    """
    wanted = normalize(mention)
    if not wanted:
        return None
    pairs = list(candidates)
    for normalized, value in pairs:
        if normalized == wanted:
            return value
    padded = f" {wanted} "
    inside = [(len(n), v) for n, v in pairs if f" {n} " in padded]
    if inside:
        return max(inside, key=lambda pair: pair[0])[1]
    # The end of exactly one role's name ("engineer", "learning engineer") means that role.
    ending = {v for n, v in pairs if f" {n}".endswith(f" {wanted}")}
    if len(ending) == 1:
        return ending.pop()
    scored = [
        (difflib.SequenceMatcher(None, wanted, n).ratio(), v) for n, v in pairs
    ]
    scored = [pair for pair in scored if pair[0] >= FUZZY_CUTOFF]
    if scored:
        return max(scored, key=lambda pair: pair[0])[1]
    return None
