"""The end-to-end answer check: ask the live bot the questions of tests/answers/ and
judge each reply against the knowledge base and the domain's response templates.

- `topic:<key>`: the reply carries every fact the role's job description states on it;
- `not_described:<key>`: the "job description doesn't say" reply, naming the topic;
- `unknown_role`: the "no information on that role" reply;
- `declined`: the out-of-scope (or not-understood) reply.

A *false answer* is a reply that states a fact of the knowledge base to a question that
must get none (another occupation, out of scope).
"""
from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import yaml

from bot import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "answers" / "questions.yml"
NO_FACT_KINDS = ("unknown_role", "declined")


@dataclass(frozen=True)
class Turn:
    question: str
    expect: str
    conversation: int
    position: int


@dataclass
class Judged:
    turn: Turn
    reply: str
    correct: bool
    states_a_fact: bool


@dataclass
class Results:
    judged: List[Judged] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(j.correct for j in self.judged) / len(self.judged)

    def _no_fact(self) -> List[Judged]:
        return [j for j in self.judged if j.turn.expect in NO_FACT_KINDS]

    @property
    def false_answers(self) -> List[Judged]:
        return [j for j in self._no_fact() if j.states_a_fact]

    @property
    def false_answer_rate(self) -> float:
        return len(self.false_answers) / max(1, len(self._no_fact()))

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
                 f"({len(self.false_answers)}/{len(self._no_fact())} no-fact questions)",
                 "by kind: " + ", ".join(f"{k} {v}" for k, v in self.by_kind().items())]
        for j in self.failures:
            flag = " FALSE ANSWER" if j.states_a_fact and j.turn.expect in NO_FACT_KINDS else ""
            lines.append(f"  [{j.turn.expect}]{flag} {j.turn.question!r}\n      -> {j.reply[:160]!r}")
        return "\n".join(lines)


def load_conversations(path: Path = QUESTIONS) -> List[List[Turn]]:
    """Each case is a conversation: its question, then its `then:` follow-ups."""
    cases = yaml.safe_load(path.read_text())["cases"]
    conversations = []
    for n, case in enumerate(cases):
        steps = [case] + list(case.get("then") or [])
        conversations.append([Turn(s["q"], s["expect"], n, i) for i, s in enumerate(steps)])
    return conversations


def _template(text: str) -> re.Pattern:
    """A response template of domain.yml as a regex: {slots} match anything."""
    parts = re.split(r"\{[a-z_]+\}", text)
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


class Judge:
    """Decides whether a reply is what a turn expects, from the KB and the domain."""

    def __init__(self, kb: KnowledgeBase, role: str, domain: Path = ROOT / "domain.yml") -> None:
        responses = yaml.safe_load(domain.read_text())["responses"]
        self._templates = {name: [_template(v["text"]) for v in variants]
                           for name, variants in responses.items()}
        self.kb = kb
        self.role = kb.role(role)
        self.topics = {t.key: t for t in kb.topics()}
        self.all_facts = [f.text for r in kb.roles() for facts in kb.profile(r.slug).values()
                          for f in facts]

    def _is(self, response: str, reply: str) -> bool:
        return any(t.search(reply) for t in self._templates[response])

    def states_a_fact(self, reply: str) -> bool:
        return any(fact in reply for fact in self.all_facts)

    def covers(self, topic: str, reply: str) -> bool:
        """The reply answers a question on `topic`: its facts, or "the description does not
        say" naming the topic (other text may surround it)."""
        facts = self.kb.facts(self.role.slug, topic)
        if facts:
            return all(f.text in reply for f in facts)
        return self._is("utter_not_in_description", reply) and self.topics[topic].label in reply

    def correct(self, expect: str, reply: str) -> bool:
        kind, _, key = expect.partition(":")
        if kind == "topic":
            facts = self.kb.facts(self.role.slug, key)
            return bool(facts) and all(f.text in reply for f in facts)
        if kind == "not_described":
            return (self._is("utter_not_in_description", reply)
                    and self.topics[key].label in reply and not self.states_a_fact(reply))
        if kind == "unknown_role":
            return self._is("utter_unknown_role", reply) and not self.states_a_fact(reply)
        if kind == "declined":
            return ((self._is("utter_out_of_scope", reply) or self._is("utter_default", reply))
                    and not self.states_a_fact(reply))
        raise ValueError(f"unknown expectation {expect!r}")


def run(ask: Callable[[str, str], str], judge: Judge,
        conversations: Optional[Sequence[Sequence[Turn]]] = None) -> Results:
    """Ask every turn (`ask(sender, text) -> reply text`), one sender per conversation."""
    results = Results()
    run_id = uuid.uuid4().hex[:8]
    for conversation in conversations or load_conversations():
        sender = f"answer-check-{run_id}-{conversation[0].conversation}"
        for turn in conversation:
            reply = ask(sender, turn.question)
            results.judged.append(Judged(turn, reply, judge.correct(turn.expect, reply),
                                         judge.states_a_fact(reply)))
    return results
