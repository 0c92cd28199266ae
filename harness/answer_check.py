"""The end-to-end answer check: ask the live bot the questions of tests/answers/ and
judge each reply against the knowledge base and the domain's response templates.

- `topic:<key>`: the reply carries every fact the role's job description states on it;
- `not_described:<key>`: the "job description doesn't say" reply, naming the topic;
- `about:<key>` (many roles, written without looking at the job files): the role's facts
  on the topic if its description states any, else the "doesn't say" reply naming it;
- `unknown_role`: the "no information on that role" reply;
- `which_role`: the "which role do you mean?" reply;
- `declined`: the out-of-scope, not-understood or "not your own job" reply;
- `no_topic`: a question no topic covers: "the job description doesn't say", no fact.

`turns_from_nlu_set` makes turns of an NLU message set (tests/nlu/test/), the expectation
derived from each message's intent and the roles it names.

A *false answer* is a reply that states a fact of the knowledge base to a question that
must get none (another occupation, out of scope), or a fact of another role than the one
asked about.
"""
from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import yaml

from bot import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "answers" / "questions.yml"
MULTI_ROLE_QUESTIONS = ROOT / "tests" / "answers" / "multi_role.yml"
NO_FACT_KINDS = ("unknown_role", "declined", "which_role", "no_topic")
DECLINES = ("utter_out_of_scope", "utter_default", "utter_own_employment")
# Shorter facts ("Full-time") can stand in any role's answer; they do not identify a role.
MIN_IDENTIFYING_FACT = 20


@dataclass(frozen=True)
class Turn:
    question: str
    expect: str
    conversation: int
    position: int
    role: Optional[str] = None  # the role the reply must be about (else the judge's)
    page: Optional[str] = None  # the job page it is asked on (REST metadata.role)


@dataclass
class Judged:
    turn: Turn
    reply: str
    correct: bool
    states_a_fact: bool
    false: bool = False  # a fact where none may be, or another role's fact


@dataclass
class Results:
    judged: List[Judged] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(j.correct for j in self.judged) / len(self.judged)

    def _no_fact(self) -> List[Judged]:
        return [j for j in self.judged if j.turn.expect in NO_FACT_KINDS]

    def _can_be_false(self) -> List[Judged]:
        """No-fact turns, and role turns where the knowledge base has other roles."""
        return [j for j in self.judged if j.turn.expect in NO_FACT_KINDS or j.turn.role]

    @property
    def false_answers(self) -> List[Judged]:
        return [j for j in self.judged if j.false]

    @property
    def false_answer_rate(self) -> float:
        return len(self.false_answers) / max(1, len(self._can_be_false()))

    def rate_of(self, kind: str) -> Tuple[float, int, int]:
        """(false-answer rate, false, turns) over one kind of expectation."""
        turns = [j for j in self.judged if j.turn.expect.split(":")[0] == kind]
        false = sum(j.false for j in turns)
        return false / max(1, len(turns)), false, len(turns)

    @property
    def failures(self) -> List[Judged]:
        return [j for j in self.judged if not j.correct]

    def by_kind(self) -> Dict[str, str]:
        total = Counter(j.turn.expect.split(":")[0] for j in self.judged)
        good = Counter(j.turn.expect.split(":")[0] for j in self.judged if j.correct)
        return {k: f"{good[k]}/{n}" for k, n in sorted(total.items())}

    def summary(self) -> str:
        lines = [f"answer accuracy {self.accuracy:.1%} ({sum(j.correct for j in self.judged)}"
                 f"/{len(self.judged)} turns); false-answer rate {self.false_answer_rate:.1%} "
                 f"({len(self.false_answers)}/{len(self._can_be_false())} questions that forbid "
                 f"some fact)",
                 "by kind: " + ", ".join(f"{k} {v}" for k, v in self.by_kind().items())]
        for j in self.failures:
            flag = " FALSE ANSWER" if j.false else ""
            where = f" [{j.turn.role}]" if j.turn.role else ""
            page = f" (on {j.turn.page}'s page)" if j.turn.page else ""
            lines.append(f"  [{j.turn.expect}]{where}{flag} {j.turn.question!r}{page}\n"
                         f"      -> {j.reply[:160]!r}")
        return "\n".join(lines)


def load_conversations(path: Path = QUESTIONS) -> List[List[Turn]]:
    """Each case is a conversation: its question, then its `then:` follow-ups (one-role
    table); or `conversations:` of `turns:`, each with its role and page (many roles)."""
    data = yaml.safe_load(path.read_text())
    conversations = []
    for n, case in enumerate(data.get("cases") or []):
        steps = [case] + list(case.get("then") or [])
        conversations.append([Turn(s["q"], s["expect"], n, i) for i, s in enumerate(steps)])
    for n, conversation in enumerate(data.get("conversations") or []):
        page = conversation.get("page")
        turns = []
        for i, step in enumerate(conversation["turns"]):
            page = step.get("page", page)
            turns.append(Turn(step["q"], step["expect"], n, i, step.get("role"), page))
        conversations.append(turns)
    return conversations


def turns_from_nlu_set(path: Path, kb: KnowledgeBase) -> List[List[Turn]]:
    """One conversation per role question, out-of-scope or no-topic message of an NLU set:
    a role named that the knowledge base has -> that role's answer (`about:`); only other
    occupations named -> `unknown_role`; no role named -> asked on a job page, the roles
    taken in turn; `ask_not_described` -> `no_topic`; `out_of_scope` -> `declined`.
    Small talk is left to the intent scores."""
    from harness.nlu_sets import ROLE_MARKUP, labelled

    topics = {t.key for t in kb.topics()}
    slugs = [r.slug for r in kb.roles()]
    conversations: List[List[Turn]] = []
    for intent, example in labelled(path):
        topic = intent[len("ask_"):] if intent.startswith("ask_") else None
        if intent not in ("out_of_scope", "ask_not_described") and topic not in topics:
            continue
        text = ROLE_MARKUP.sub(r"\1", example)
        mentions = ROLE_MARKUP.findall(example)
        known = [r for r in (kb.resolve_role(m) for m in mentions) if r is not None]
        n = len(conversations)
        role = page = None
        if intent == "out_of_scope":
            expect = "declined"
        elif mentions and not known:
            expect = "unknown_role"
        else:
            role = known[0].slug if known else slugs[n % len(slugs)]
            page = None if known else role
            expect = "no_topic" if intent == "ask_not_described" else f"about:{topic}"
        conversations.append([Turn(text, expect, n, 0, role, page)])
    return conversations


def out_of_scope_on_job_pages(path: Path, kb: KnowledgeBase) -> List[List[Turn]]:
    """Each out-of-scope message of an NLU set asked on a job page, the roles taken in turn
    (`declined`). The web chat sends its page with every message, so the page's role must
    not make an unclear out-of-scope message a question about that role."""
    from harness.nlu_sets import ROLE_MARKUP, labelled

    slugs = [r.slug for r in kb.roles()]
    texts = [ROLE_MARKUP.sub(r"\1", example) for intent, example in labelled(path)
             if intent == "out_of_scope"]
    return [[Turn(text, "declined", n, 0, None, slugs[n % len(slugs)])]
            for n, text in enumerate(texts)]


def _template(text: str) -> re.Pattern:
    """A response template of domain.yml as a regex: {slots} match anything."""
    parts = re.split(r"\{[a-z_]+\}", text)
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


class Judge:
    """Decides whether a reply is what a turn expects, from the KB and the domain."""

    def __init__(self, kb: KnowledgeBase, role: Optional[str] = None,
                 domain: Path = ROOT / "domain.yml") -> None:
        responses = yaml.safe_load(domain.read_text())["responses"]
        self._templates = {name: [_template(v["text"]) for v in variants]
                           for name, variants in responses.items()}
        self.kb = kb
        self.role = kb.role(role) if role else None
        self.topics = {t.key: t for t in kb.topics()}
        self.facts_by_role = {r.slug: {f.text for facts in kb.profile(r.slug).values() for f in facts}
                              for r in kb.roles()}
        self.all_facts = sorted({f for facts in self.facts_by_role.values() for f in facts})

    def _is(self, response: str, reply: str) -> bool:
        return any(t.search(reply) for t in self._templates[response])

    def says_no_topic(self, reply: str) -> bool:
        """The reply to a question no topic covers: the job description doesn't say."""
        return any(self._is(r, reply) for r in ("utter_not_described", "utter_not_described_any"))

    def states_a_fact(self, reply: str) -> bool:
        return any(fact in reply for fact in self.all_facts)

    def states_another_roles_fact(self, reply: str, slug: str) -> bool:
        """The reply carries a fact that identifies a role other than `slug`."""
        own = self.facts_by_role.get(slug, set())
        return any(fact in reply for other, facts in self.facts_by_role.items() if other != slug
                   for fact in facts
                   if len(fact) >= MIN_IDENTIFYING_FACT and fact not in own
                   and not any(fact in mine for mine in own))

    def false_answer(self, turn: Turn, reply: str) -> bool:
        if turn.expect in NO_FACT_KINDS:
            return self.states_a_fact(reply)
        return bool(turn.role) and self.states_another_roles_fact(reply, turn.role or "")

    def covers(self, topic: str, reply: str, role: Optional[str] = None) -> bool:
        """The reply answers a question on `topic`: its facts, or "the description does not
        say" naming the topic (other text may surround it)."""
        facts = self.kb.facts(role or self._role(), topic)
        if facts:
            return all(f.text in reply for f in facts)
        return self._is("utter_not_in_description", reply) and self.topics[topic].label in reply

    def _role(self) -> str:
        if self.role is None:
            raise ValueError("a turn names no role and the judge has none")
        return self.role.slug

    def correct(self, expect: str, reply: str, role: Optional[str] = None) -> bool:
        kind, _, key = expect.partition(":")
        slug = role or (self.role.slug if self.role else None)
        if kind == "topic":
            facts = self.kb.facts(slug or self._role(), key)
            return bool(facts) and all(f.text in reply for f in facts)
        if kind == "about":
            return (self.covers(key, reply, slug)
                    and not self.states_another_roles_fact(reply, slug or self._role()))
        if kind == "which_role":
            return self._is("utter_ask_which_role", reply) and not self.states_a_fact(reply)
        if kind == "not_described":
            return (self._is("utter_not_in_description", reply)
                    and self.topics[key].label in reply and not self.states_a_fact(reply))
        if kind == "unknown_role":
            return self._is("utter_unknown_role", reply) and not self.states_a_fact(reply)
        if kind == "declined":
            return any(self._is(r, reply) for r in DECLINES) and not self.states_a_fact(reply)
        if kind == "no_topic":
            return self.says_no_topic(reply) and not self.states_a_fact(reply)
        raise ValueError(f"unknown expectation {expect!r}")


def run(ask: Callable[..., str], judge: Judge,
        conversations: Optional[Sequence[Sequence[Turn]]] = None) -> Results:
    """Ask every turn (`ask(sender, text, page=...) -> reply text`), one sender per
    conversation."""
    results = Results()
    run_id = uuid.uuid4().hex[:8]
    for conversation in conversations or load_conversations():
        sender = f"answer-check-{run_id}-{conversation[0].conversation}-{len(conversation)}"
        for turn in conversation:
            reply = ask(sender, turn.question, page=turn.page)
            results.judged.append(Judged(turn, reply, judge.correct(turn.expect, reply, turn.role),
                                         judge.states_a_fact(reply), judge.false_answer(turn, reply)))
    return results
