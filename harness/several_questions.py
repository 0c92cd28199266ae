"""Several questions in one message, asked to the live bot: is each question answered?

The messages are tests/several_questions/dev.yml and test.yml (Rasa NLU format, labelled
with the questions they ask, `ask_salary+ask_benefits`; written independently of the
training data, which has no such labels: the Rasa server classifies each piece of a message
on its own, rasa_ext/questions.py, and the actions answer each). A message about an
occupation the knowledge base lacks must get the unknown-role reply and no fact; one
about a role it has, none of another role's facts.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Tuple

import yaml

from harness.answer_check import Judge

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = ROOT / "tests" / "several_questions" / "dev.yml"
ROLE_MARKUP = re.compile(r"\[([^\]]+)\]\(role\)")


@dataclass(frozen=True)
class Message:
    text: str
    topics: Tuple[str, ...]
    role_mentions: Tuple[str, ...]


def load_messages(path: Path = MESSAGES) -> List[Message]:
    messages = []
    for block in yaml.safe_load(path.read_text())["nlu"]:
        topics = tuple(part[len("ask_"):] for part in block["intent"].split("+"))
        for line in block["examples"].splitlines():
            example = line.strip()[2:].strip()
            if example:
                messages.append(Message(ROLE_MARKUP.sub(r"\1", example), topics,
                                        tuple(ROLE_MARKUP.findall(example))))
    return messages


@dataclass
class Outcome:
    message: Message
    reply: str
    answered: int          # how many of the message's questions the reply answers
    false_answer: bool     # a fact for an occupation the knowledge base lacks, or another role's


@dataclass
class Results:
    outcomes: List[Outcome] = field(default_factory=list)

    def share(self, predicate: Callable[[Outcome], bool]) -> float:
        return sum(map(predicate, self.outcomes)) / len(self.outcomes)

    @property
    def all_answered(self) -> float:
        return self.share(lambda o: o.answered == len(o.message.topics))

    @property
    def some_answered(self) -> float:
        return self.share(lambda o: o.answered > 0)

    @property
    def false_answers(self) -> int:
        return sum(o.false_answer for o in self.outcomes)

    def summary(self) -> str:
        lines = [f"{len(self.outcomes)} messages asking two questions each: every question "
                 f"answered {self.all_answered:.1%}, at least one {self.some_answered:.1%}, "
                 f"false answers {self.false_answers}"]
        for o in self.outcomes:
            if o.answered < len(o.message.topics):
                lines.append(f"  [{'+'.join(o.message.topics)}] {o.answered} answered: "
                             f"{o.message.text[:90]!r}\n      -> {o.reply[:140]!r}")
        return "\n".join(lines)


def run(ask: Callable[..., str], judge: Judge, path: Path = MESSAGES) -> Results:
    """Ask every message (`ask(sender, text, page=...) -> reply text`), each in a new
    conversation. A message naming no role is asked on a job page (the roles in turn)."""
    results = Results()
    run_id = uuid.uuid4().hex[:8]
    slugs = [r.slug for r in judge.kb.roles()]
    for n, message in enumerate(load_messages(path)):
        known = [r for r in (judge.kb.resolve_role(m) for m in message.role_mentions) if r]
        sender = f"several-questions-{run_id}-{n}"
        if message.role_mentions and not known:
            reply = ask(sender, message.text)
            correct = judge.correct("unknown_role", reply)
            outcome = Outcome(message, reply, len(message.topics) if correct else 0,
                              judge.states_a_fact(reply))
        else:
            slug = known[0].slug if known else slugs[n % len(slugs)]
            reply = ask(sender, message.text, page=None if known else slug)
            outcome = Outcome(message, reply,
                              sum(_covers(judge, t, reply, slug) for t in message.topics),
                              judge.states_another_roles_fact(reply, slug))
        results.outcomes.append(outcome)
    return results


def _covers(judge: Judge, topic: str, reply: str, slug: str) -> bool:
    """The reply answers the question: the topic's facts (or "doesn't say" naming it), or
    for a question no topic covers, the "doesn't say" reply."""
    if topic == "not_described":
        return judge.says_no_topic(reply)
    return judge.covers(topic, reply, slug)
