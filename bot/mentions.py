"""Which roles of the knowledge base, and which other occupations, a message names.

Decided at run time from the knowledge base (not from patterns trained into the Rasa
model), so a role loaded a second ago is recognised without retraining or a restart.
spaCy's tokenizer and PhraseMatcher find, over singularised lower-case words:
- a role's full names (title, aliases, the title without seniority words): that role;
- the last words of a role's names ("the nurse job", "the driver one"): every role whose
  name ends so, one (that role) or several (the user is asked which), when they end as an
  occupation or the role's title does: "engineering", the end of the alias "machine
  learning engineering", is a field ("what is naval engineering?"), not a person;
- occupation titles from O*NET and the BLS (third_party/occupations): an occupation the
  knowledge base does not have, so the bot says so instead of answering for another role.
Roles of the knowledge base win over the occupation list: a full role name always, a
partial one unless the occupation named is longer ("software engineer" is not "engineer").
"""
from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

from bot.names import singular

if TYPE_CHECKING:  # spaCy is imported when a matcher is first built, not with bot.kb
    from spacy.lang.en import English
    from spacy.tokens import Doc

OCCUPATIONS = Path(__file__).resolve().parent.parent / "third_party" / "occupations" / "titles.tsv"
# Words in front of a title that do not change the role ("senior accountant").
SENIORITY = frozenset({"senior", "sr", "junior", "jr", "lead", "principal", "chief", "head",
                       "entry", "level", "trainee", "regional", "staff"})
# Occupation-list names that, alone, usually mean something else in a question to a
# recruiting bot: the boss in a reporting question, people in the hiring process, the
# asker, or a word with a common non-occupation sense ("model", "server").
NOT_AN_OCCUPATION_ALONE = frozenset({
    "manager", "supervisor", "director", "lead", "head", "boss", "team", "staff", "worker",
    "employee", "associate", "assistant", "agent", "representative", "specialist", "officer",
    "member", "partner", "recruiter", "interviewer", "hiring manager", "candidate",
    "applicant", "person", "people", "human", "bot", "model", "server", "host", "runner",
    "general", "principal", "president", "owner", "student", "volunteer", "coach", "mentor",
    "helper", "aide", "professional", "expert", "leader", "executive", "consultant",
})
_FULL, _PART, _OCCUPATION = "full", "part", "occupation"
# Between the words of a name: ignored on both sides ("machine-learning engineer").
_SKIP = frozenset({"-", "–", "/", "'s", "’s", "'", "(", ")", "."})


@dataclass(frozen=True)
class Mention:
    """A role or occupation named in a message."""

    text: str  # as typed
    slugs: Tuple[str, ...]  # the roles it fits: one, several (ask which) or none (unknown)
    full_name: bool = False  # a role's whole name, not only its last words
    phrase: str = ""  # the name's words it matched, typos corrected ("superviser" -> "supervisor")

    @property
    def known(self) -> bool:
        return bool(self.slugs)


@dataclass(frozen=True)
class NamedRole:
    """What the finder needs of a role: its slug and its names (title first)."""

    slug: str
    names: Tuple[str, ...]


@lru_cache(maxsize=1)
def _nlp() -> "English":
    from spacy.lang.en import English

    return English()


def _phrase_matcher() -> Any:
    from spacy.matcher import PhraseMatcher

    return PhraseMatcher(_nlp().vocab, attr="ORTH")


def words(text: str) -> List[str]:
    """The comparable words of a text: lower-case, singular, no hyphens or possessives."""
    return [w for w, _, _ in _tokens(text)]


def _tokens(text: str) -> List[Tuple[str, int, int]]:
    """(word, start, end) of each comparable word, with its characters in `text`."""
    out = []
    for token in _nlp().tokenizer(text.replace("’", "'")):
        lower = token.lower_
        if lower in _SKIP or token.is_space or (token.is_punct and lower not in ("&", "+")):
            continue
        if len(token.text) >= 3 and token.text.endswith("s") and token.text[:-1].isupper():
            lower = lower[:-1]  # "RNs", "MLEs": plural abbreviations
        out.append((singular(lower), token.idx, token.idx + len(token.text)))
    return out


def _doc(word_list: Sequence[str]) -> "Doc":
    from spacy.tokens import Doc

    return Doc(_nlp().vocab, words=list(word_list))


def role_names(role: NamedRole) -> Set[str]:
    """The full names of a role as comparable phrases, with and without seniority words."""
    names = set()
    for name in role.names:
        ws = words(name)
        if ws:
            names.add(" ".join(ws))
        while len(ws) > 1 and ws[0] in SENIORITY:
            ws = ws[1:]
            names.add(" ".join(ws))
    return names


def partial_names(full: str) -> List[str]:
    """The last words of a name: "regional truck driver" -> "truck driver", "driver"."""
    ws = full.split()
    return [" ".join(ws[i:]) for i in range(1, len(ws))]


#: How alike a typed word must be to a word of a role's name to stand for it
#: ("registred" -> "registered", "supervisr" -> "supervisor"); words of 5 letters or more.
TYPO_CUTOFF = 0.85
_MIN_TYPO_LENGTH = 5


class RoleMatcher:
    """Finds the knowledge base's roles in messages; build one per knowledge-base load."""

    def __init__(self, roles: Iterable[NamedRole]) -> None:
        self.full: Dict[str, str] = {}  # comparable name -> slug
        self.partial: Dict[str, Set[str]] = {}  # last words -> slugs
        self.vocabulary: Set[str] = set()  # every word of every name
        self.english = english_words()  # words that are not typos
        heads = set(occupation_heads())  # what the last words must end with
        for role in roles:
            title = words(role.names[0]) if role.names else []
            heads.update(title[-1:])
            for name in role_names(role):
                self.full.setdefault(name, role.slug)
                self.vocabulary.update(name.split())
        for name, slug in self.full.items():
            for part in partial_names(name):
                if part not in self.full and part.split()[-1] in heads:
                    self.partial.setdefault(part, set()).add(slug)
        self.matcher = _phrase_matcher()
        for key, phrases in ((_FULL, self.full), (_PART, self.partial)):
            if phrases:
                self.matcher.add(key, [_doc(p.split()) for p in phrases])

    def corrected(self, word: str) -> str:
        """The word of a role's name a typed word is a typo of, else the word itself (an
        English word is no typo: "drive" is not "driver", "engineering" not "engineer")."""
        if len(word) < _MIN_TYPO_LENGTH or word in self.vocabulary or word in self.english:
            return word
        close = difflib.get_close_matches(word, [v for v in self.vocabulary if v[:1] == word[:1]],
                                          n=1, cutoff=TYPO_CUTOFF)
        return close[0] if close else word

    def containing(self, text: str) -> Tuple[str, ...]:
        """The roles one of whose names has every word of `text`, alike in stem ("warehouse",
        "inside sales", "nursing" ~ "nurse"): what NLU tagged as a role, resolved."""
        wanted = [self.corrected(w) for w in words(text)]
        if not wanted:
            return ()
        found = {slug for name, slug in self.full.items()
                 if all(any(_same_stem(w, n) for n in name.split()) for w in wanted)}
        return tuple(sorted(found))

    def slugs(self, phrase: str, kind: str) -> Tuple[str, ...]:
        if kind == _FULL:
            return (self.full[phrase],)
        return tuple(sorted(self.partial.get(phrase, ())))


class OccupationMatcher:
    """The occupation list as a PhraseMatcher (built once: it does not change at run time)."""

    def __init__(self, titles: Iterable[str]) -> None:
        phrases = set()
        for title in titles:
            phrase = " ".join(words(title))
            if phrase and phrase not in NOT_AN_OCCUPATION_ALONE:
                phrases.add(phrase)
        self.phrases = phrases
        self.matcher = _phrase_matcher()
        self.matcher.add(_OCCUPATION, [_doc(p.split()) for p in sorted(phrases)])


def read_occupations(path: Path = OCCUPATIONS) -> List[str]:
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")),
                              delimiter="\t")
        return [row["title"] for row in rows]


@lru_cache(maxsize=1)
def occupation_matcher() -> OccupationMatcher:
    return OccupationMatcher(read_occupations())


@lru_cache(maxsize=1)
def english_words() -> FrozenSet[str]:
    """The word forms and lemmas of spaCy's English lemma table, lower-case (about 67,000)."""
    from bot.nlp import read_lemma_lookup  # imports spaCy: only when a matcher is used

    return frozenset(w.lower() for pair in read_lemma_lookup().items() for w in pair)


@lru_cache(maxsize=1)
def occupation_heads() -> FrozenSet[str]:
    """The last word of every occupation title ("engineer", "nurse", "driver")."""
    return frozenset(ws[-1] for ws in map(words, read_occupations()) if ws)


@dataclass(frozen=True)
class _Span:
    start: int  # word index
    end: int
    kind: str
    phrase: str

    @property
    def length(self) -> int:
        return self.end - self.start

    def overlaps(self, other: "_Span") -> bool:
        return self.start < other.end and other.start < self.end


def find_mentions(text: str, roles: RoleMatcher,
                  occupations: Optional[OccupationMatcher] = None) -> List[Mention]:
    """The roles and occupations a message names, in the order it names them."""
    tokens = _tokens(text)
    if not tokens:
        return []
    typed_words = [w for w, _, _ in tokens]
    # Roles are matched with typos of their names' words corrected; occupations as typed.
    docs = [(roles.matcher, _doc([roles.corrected(w) for w in typed_words]))]
    if occupations:
        docs.append((occupations.matcher, _doc(typed_words)))
    spans = {_FULL: [], _PART: [], _OCCUPATION: []}  # type: Dict[str, List[_Span]]
    for matcher, doc in docs:
        for match_id, start, end in matcher(doc):
            kind = _nlp().vocab.strings[match_id]
            spans[kind].append(_Span(start, end, kind, doc[start:end].text))
    chosen: List[_Span] = []

    def take(candidates: List[_Span], beats: Optional[List[_Span]] = None) -> None:
        for span in sorted(candidates, key=lambda s: (-s.length, s.start)):
            if any(span.overlaps(c) for c in chosen):
                continue
            if beats and any(span.overlaps(b) and b.length >= span.length for b in beats):
                continue
            chosen.append(span)

    take(spans[_FULL])
    # An occupation longer than the role's last words it contains is another occupation.
    take(spans[_OCCUPATION], beats=spans[_PART])
    take(spans[_PART])
    mentions = []
    for span in sorted(chosen, key=lambda s: s.start):
        typed = text.replace("’", "'")[tokens[span.start][1]:tokens[span.end - 1][2]]
        slugs = () if span.kind == _OCCUPATION else roles.slugs(span.phrase, span.kind)
        mentions.append(Mention(typed, slugs, full_name=span.kind == _FULL, phrase=span.phrase))
    return mentions


def _same_stem(a: str, b: str) -> bool:
    """"nursing" ~ "nurse", "sale" ~ "sales"; shares bot.search's rule."""
    from bot.search import same_stem

    return same_stem(a, b)


# "what's my salary", "status of my vacation request": the asker's own job, which the bot
# cannot see. "what would my salary be?" is about a role and is not matched.
_OWN_EMPLOYMENT = re.compile(
    r"\bmy (current |own |last |next )?(salary|pay|paycheck|paycheque|payslip|pay ?stub|wages?|"
    r"raise|bonus|vacation|leave|pto|time off|timesheet|401\(?k\)?|pension|"
    r"performance review|expenses?|expense report)\b", re.I)
_HYPOTHETICAL = re.compile(r"\b(would|will|could|might|if i|if hired|starting|expect|"
                           r"negotiab\w*|negotiat\w*|offer\w*)\b", re.I)


# "how many PTO days do I have left": what the asker has now.
_OWN_BALANCE = re.compile(r"\b(do|have) i (got )?(left|remaining|accrued|banked)\b|"
                          r"\bi have (left|remaining)\b", re.I)


def asks_about_own_employment(text: str) -> bool:
    """A question about the asker's own pay, leave or job, not about an open role."""
    text = text.replace("’", "'")
    own = _OWN_EMPLOYMENT.search(text) or _OWN_BALANCE.search(text)
    return bool(own) and not _HYPOTHETICAL.search(text)
