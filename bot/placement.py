"""Which topic a sentence of a job description is about: its section heading, and spaCy
patterns for what a sentence states whatever its heading (pay, years of experience,
degrees, certifications and licences, the reporting line).

The patterns run on a blank English pipeline (tokenizer, sentencizer, EntityRuler,
Matcher): nothing to download, fast enough to import a posting in milliseconds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple, cast

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc

# -- section headings -----------------------------------------------------------------
# (topic, pattern searched in the heading with the role's title taken out). A heading
# naming several topics ("Education and Experience") lets each sentence's own words choose.
_HEADINGS: Tuple[Tuple[str, str], ...] = (
    ("vacancy_reason", r"why (this|the) (position|role|job) is open|why we('re| are) hiring"),
    ("application_process", r"how to apply|\bapply\b|application|hiring process|next steps|"
                            r"interview|recruitment process|selection process"),
    ("reporting", r"reports? to|reporting (line|structure|relationships?)|who you('ll| will) "
                  r"(work with|report to)|who (does|do|will) .*\breport|supervis|your manager|"
                  r"your team|team structure|department"),
    ("salary", r"salary|compensation|\bpay\b|wages?\b|rate of pay|earnings|remuneration|income"),
    ("benefits", r"benefit|perks|what we offer|we offer|rewards|why work (here|with us|for us)"),
    ("qualities", r"qualities|traits|personal attributes|who does well|who (will )?thrives?|"
                  r"ideal candidate|what makes a (good|great)|personality|characteristics"),
    ("experience", r"experience"),
    ("education", r"education|degree|academic"),
    ("certifications", r"certif|licen[cs]|credential"),
    ("training", r"training|onboarding|development|mentor|learning|growth"),
    ("working_hours", r"schedule|hours|shifts?\b|working time|employment type|job type|"
                      r"full[- ]time|part[- ]time|\bwhen\b"),
    ("work_location", r"location|where you('ll| will) work|workplace|remote|where is|^where\b"),
    ("travel", r"travel"),
    ("dress_code", r"dress|uniform|attire"),
    ("skills", r"skills?\b|qualifications?|requirements?|required|what you('ll| will) (bring|need)|"
               r"what you (need|should|must)( to)? (bring|have|know)|"
               r"what we('re| are) looking for|must[- ]haves?|nice[- ]to[- ]haves?|preferred|"
               r"desired|about you|who you are|competenc|abilities|knowledge"),
    ("duties", r"responsibilit|duties|what you('ll| will) (do|be doing)|day[- ]to[- ]day|"
               r"your role|tasks|accountabilit|what the (job|role) involves|in this role|"
               r"what (is|does) (a|an|the) .*\bdo\b"),
    ("overview", r"about (the|this) (role|job|position|opportunity)|^(the )?(role|job|position)$|"
                 r"^(job |position |role )?(summary|overview|description)$|^the opportunity$|"
                 r"^introduction$|^purpose$|what (is|does) (a|an|the) .*\bdo\b"),
)
_BYLINE = re.compile(r"\s[·|•]\s")
_HEADING_PATTERNS = tuple((topic, re.compile(pattern)) for topic, pattern in _HEADINGS)
# Topics a requirements section ("Qualifications", "Preferred") stands for when a
# sentence's own words say nothing more specific.
GENERIC_REQUIREMENTS = "skills"
# Topics whose sentences the requirement patterns (degree, years, licence) may move.
_REQUIREMENT_TOPICS = frozenset({"skills", "education", "experience", "certifications",
                                 "qualities", "training", "overview"})
_REQUIREMENT_PATTERNS = frozenset({"education", "experience", "certifications"})
# Patterns that name a topic wherever the sentence stands.
_STRONG_ANYWHERE = frozenset({"salary", "reporting"})


def heading_topics(heading: str, title: str) -> Tuple[str, ...]:
    """The topics a section heading names, in the order they appear in it."""
    if _BYLINE.search(heading):
        return ()  # "Halvern Valley Group · Brindlewood · Full-time" heads no section
    text = _plain(heading)
    for name in (title, *title.split()):
        if len(name) > 3 or name == title:
            text = re.sub(rf"\b{re.escape(_plain(name))}s?\b", " ", text)
    text = " ".join(text.split())
    found: List[Tuple[int, str]] = []
    for topic, pattern in _HEADING_PATTERNS:
        match = pattern.search(text)
        if match:
            found.append((match.start(), topic))
    topics = [topic for _, topic in sorted(found)]
    if len(topics) > 1 and GENERIC_REQUIREMENTS in topics:
        topics.remove(GENERIC_REQUIREMENTS)  # "Education requirements" is about education
    if "overview" in topics and "duties" in topics:
        return ("overview", "duties")  # "What does a nurse do?" describes both
    return tuple(dict.fromkeys(topics))


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w'+ -]", " ", text.replace("’", "'").lower()).split())


# -- sentence patterns ----------------------------------------------------------------
_NUMBER = r"^\d[\d,.]*[kK]?$"
_RANGE = r"^\$?\d[\d,.]*[kK]?[–—-]\$?\d[\d,.]*[kK]?$"
_YEAR_WORDS = ["year", "years", "yr", "yrs"]
_DASHES = ["-", "–", "—", "to"]
_PERIODS = ["hour", "hourly", "year", "yearly", "annually", "annual", "annum", "week", "weekly",
            "month", "monthly", "mile", "day", "daily", "shift", "hr"]

_ENTITY_PATTERNS: List[dict] = [
    # Money: "$131,076", "$60,000–$75,000", "$38", "55 cents", "70,000 dollars", "USD 50,000".
    {"label": "MONEY", "pattern": [{"ORTH": "$"}, {"TEXT": {"REGEX": r"^\d"}}]},
    {"label": "MONEY", "pattern": [{"TEXT": {"REGEX": r"^\$\d"}}]},
    {"label": "MONEY", "pattern": [{"TEXT": {"REGEX": _NUMBER}},
                                   {"LOWER": {"IN": ["dollars", "usd", "cents", "cent", "¢"]}}]},
    {"label": "MONEY", "pattern": [{"LOWER": {"IN": ["usd", "us$", "£", "€"]}},
                                   {"TEXT": {"REGEX": r"^\d"}}]},
    # Years of experience: "2–4 years", "one to two years", "1+ years", "five yrs".
    {"label": "YEARS", "pattern": [{"TEXT": {"REGEX": _RANGE}}, {"LOWER": {"IN": _YEAR_WORDS}}]},
    {"label": "YEARS", "pattern": [{"LIKE_NUM": True}, {"LOWER": {"IN": _DASHES}},
                                   {"LIKE_NUM": True}, {"ORTH": "+", "OP": "?"},
                                   {"LOWER": {"IN": _YEAR_WORDS}}]},
    {"label": "YEARS", "pattern": [{"LIKE_NUM": True}, {"ORTH": "+", "OP": "?"},
                                   {"LOWER": {"IN": _YEAR_WORDS}}]},
    # Degrees and fields: "bachelor’s degree in accounting", "BSN", "high school diploma".
    {"label": "DEGREE", "pattern": [{"LOWER": {"IN": ["bachelor", "master", "associate"]}},
                                    {"LOWER": {"IN": ["'s", "’s", "s"]}, "OP": "?"},
                                    {"LOWER": {"IN": ["degree", "degrees"]}},
                                    {"LOWER": "in", "OP": "?"},
                                    {"IS_ALPHA": True, "OP": "?"}]},
    {"label": "DEGREE", "pattern": [{"LOWER": {"IN": ["bachelor", "master"]}},
                                    {"LOWER": {"IN": ["'s", "’s"]}}]},
    {"label": "DEGREE", "pattern": [{"LOWER": {"IN": [
        "bachelors", "masters", "degree", "degrees", "diploma", "ged", "coursework",
        "doctorate", "phd", "ph.d.", "mba", "bsn", "adn", "msn", "b.s.", "b.a.", "m.s.",
        "undergraduate", "postgraduate", "post-graduate"]}}]},
    {"label": "DEGREE", "pattern": [{"ORTH": {"IN": ["BA", "BS", "BSc", "MS", "MSc", "MA"]}}]},
    # Certifications and licences: "CPA", "Class A CDL", "state RN licence", "certified".
    {"label": "CERTIFICATION", "pattern": [{"LOWER": {"REGEX":
        r"^(certif(y|ied|ication|ications)|licen[cs](e|es|ed|ure)|credential(s|ed)?)$"}}]},
    {"label": "CERTIFICATION", "pattern": [{"ORTH": {"IN": [
        "CPA", "CMA", "CDL", "BLS", "ACLS", "PALS", "CPR", "OSHA", "CNA", "PMP", "CISSP",
        "NCLEX", "HAZMAT", "Hazmat", "TWIC", "CEU", "CEUs", "TWIC", "SHRM", "CFA"]}}]},
    # Supervisor titles: "the Charge Nurse or Nurse Manager", "Director of Finance".
    {"label": "SUPERVISOR", "pattern": [
        {"IS_TITLE": True, "OP": "*"},
        {"LOWER": {"IN": ["manager", "supervisor", "director", "lead", "head", "officer",
                          "president", "dentist", "chief", "superintendent", "administrator",
                          "controller", "cfo", "ceo", "coo", "nurse", "foreman"]},
         "IS_TITLE": True},
        {"LOWER": "of", "OP": "?"}, {"IS_TITLE": True, "OP": "?"}]},
]

_PHRASES: Dict[str, List[List[dict]]] = {
    # Strong: these words settle the topic wherever the sentence stands.
    "reporting": [
        [{"LOWER": {"IN": ["report", "reports", "reporting", "answer", "answers"]}},
         {"LOWER": {"IN": ["directly", "primarily", "typically", "usually"]}, "OP": "?"},
         {"LOWER": "to"}],
        [{"LOWER": {"IN": ["supervised", "managed", "overseen", "led"]}}, {"LOWER": "by"}],
        [{"LOWER": "under"}, {"LOWER": "the", "OP": "?"},
         {"LOWER": {"IN": ["direct", "general"]}, "OP": "?"},
         {"LOWER": {"IN": ["direction", "supervision", "guidance"]}}, {"LOWER": "of"}],
        [{"LOWER": "reporting"}, {"LOWER": {"IN": ["line", "structure"]}}],
    ],
    "pay_period": [
        [{"LOWER": {"IN": ["per", "an", "a", "each", "every", "/"]}}, {"LOWER": {"IN": _PERIODS}}],
        [{"LOWER": {"IN": ["annually", "hourly", "yearly", "weekly", "monthly"]}}],
    ],
    "pay_word": [
        [{"LOWER": {"IN": ["salary", "salaries", "wage", "wages", "compensation", "commission",
                           "commissions", "income", "earnings", "bonus", "bonuses", "ote",
                           "remuneration", "paid"]}}],
        [{"LOWER": {"IN": ["pay", "base"]}},
         {"LOWER": {"IN": ["range", "rate", "rates", "scale", "is", "band", "of", "starts",
                           "pay", "salary"]}}],
        [{"LOWER": {"IN": ["starting", "base", "hourly", "annual", "weekly"]}},
         {"LOWER": {"IN": ["pay", "rate", "salary", "wage"]}}],
        [{"LOWER": "rate"}, {"LOWER": "of"}, {"LOWER": "pay"}],
    ],
    "experience_word": [[{"LOWER": {"IN": ["experience", "experienced", "experiences"]}}],
                        [{"LOWER": {"IN": ["years", "yrs"]}}, {"LOWER": {"IN": [
                            "working", "as", "in", "of"]}}]],
    "overview": [[{"LOWER": "in"}, {"LOWER": {"IN": ["high", "great", "growing"]}},
                  {"LOWER": "demand"}]],
    # Soft: cues for a sentence outside any section, or for choosing between the topics
    # of a heading such as "Pay and benefits".
    "duties": [
        [{"LOWER": "responsible"}, {"LOWER": "for"}],
        [{"LOWER": {"IN": ["duties", "responsibilities"]}}, {"LOWER": {"IN": ["include", "are"]}}],
        # "you will give medications", "you will plan ...": what the job holder does.
        [{"LOWER": {"IN": ["you", "they", "nurses", "drivers"]}}, {"LOWER": "will"},
         {"IS_ALPHA": True, "LOWER": {"NOT_IN": ["need", "have", "report", "receive", "earn",
                                                  "get", "enjoy", "find", "join"]}}],
        [{"LOWER": "you"}, {"LOWER": {"IN": ["’ll", "'ll"]}}],
        [{"LOWER": "in"}, {"LOWER": "this"}, {"LOWER": {"IN": ["role", "position", "job"]}}],
    ],
    "skills": [
        [{"LOWER": {"IN": ["ability", "able"]}}, {"LOWER": "to"}],
        [{"LOWER": {"IN": ["knowledge", "understanding", "command"]}}, {"LOWER": "of"}],
        [{"LOWER": {"IN": ["proficiency", "proficient", "familiarity", "familiar", "fluent",
                           "fluency", "skilled", "skills", "skill"]}}],
    ],
    "qualities": [
        [{"LOWER": "ideal"}, {"LOWER": {"IN": ["candidate", "candidates", "applicant"]}}],
        [{"LOWER": {"IN": ["thrive", "thrives", "enjoy", "enjoys", "passion", "passionate",
                           "compassionate", "empathetic", "self-motivated", "motivated",
                           "reliable", "dependable", "patient", "calm", "curious", "friendly"]}}],
        [{"LOWER": "well"}, {"LOWER": "suited"}],
        [{"LOWER": {"IN": ["people", "those", "nurses", "candidates", "drivers"]}},
         {"LOWER": "who"}, {"LOWER": {"IN": ["do", "does", "thrive", "succeed", "excel"]}}],
        [{"LOWER": {"IN": ["detail", "team", "people"]}}, {"ORTH": "-", "OP": "?"},
         {"LOWER": {"IN": ["oriented", "player", "person"]}}],
    ],
    "benefits": [
        [{"LOWER": {"IN": ["health", "medical", "dental", "vision", "life", "disability"]}},
         {"LOWER": {"IN": ["insurance", "coverage", "plan", "plans", "benefits"]}}],
        [{"LOWER": {"IN": ["401(k", "401k", "pto", "retirement", "pension", "perks", "benefits",
                           "reimbursement", "discount", "discounts", "stipend"]}}],
        [{"LOWER": "401"}, {"ORTH": "("}],
        [{"LOWER": "paid"}, {"LOWER": {"IN": ["time", "holidays", "vacation", "leave"]}}],
        [{"LOWER": {"IN": ["vacation", "holiday"]}}, {"LOWER": {"IN": ["days", "time", "pay"]}}],
    ],
    "working_hours": [
        [{"LOWER": {"IN": ["full", "part"]}}, {"ORTH": "-", "OP": "?"}, {"LOWER": "time"}],
        [{"LOWER": {"IN": ["full-time", "part-time", "shift", "shifts", "overtime", "weekends",
                           "weekend", "schedule", "nights", "rotating"]}}],
        [{"LOWER": "hours"}, {"LOWER": {"IN": ["per", "a", "each"]}}],
        [{"LOWER": "monday"}, {"LOWER": {"IN": ["through", "to", "-", "–"]}}, {"LOWER": "friday"}],
    ],
    "work_location": [
        [{"LOWER": {"IN": ["remote", "hybrid", "on-site", "onsite", "relocation"]}}],
        [{"LOWER": {"IN": ["based", "located"]}}, {"LOWER": {"IN": ["in", "at", "out"]}}],
        [{"LOWER": "on"}, {"ORTH": "-"}, {"LOWER": "site"}],
        # A street address: "1400 Orchard Pike", "220 Millrace Street".
        [{"LIKE_NUM": True}, {"IS_TITLE": True, "OP": "+"},
         {"LOWER": {"IN": ["street", "st", "road", "rd", "avenue", "ave", "pike", "lane", "ln",
                           "drive", "dr", "boulevard", "blvd", "way", "highway", "parkway",
                           "court", "place", "square"]}}],
    ],
    "travel": [[{"LOWER": {"IN": ["travel", "travels", "traveling", "travelling", "overnight",
                                  "routes", "route"]}}]],
    "training": [[{"LOWER": {"IN": ["training", "onboarding", "orientation", "mentorship",
                                    "mentoring", "preceptor", "preceptorship", "coaching"]}}]],
    "application_process": [
        [{"LOWER": {"IN": ["apply", "applying", "interview", "interviews"]}}],
        [{"LOWER": {"IN": ["cover", "resume", "résumé", "cv"]}}],
    ],
    "dress_code": [[{"LOWER": "dress"}, {"LOWER": "code"}],
                   [{"LOWER": {"IN": ["uniform", "uniforms", "scrubs", "attire"]}}]],
    "vacancy_reason": [
        [{"LOWER": {"IN": ["newly", "new"]}},
         {"LOWER": {"IN": ["created", "position", "positions", "role", "roles", "post", "posts"]}}],
        [{"LOWER": {"IN": ["retires", "retiring", "retired", "promoted", "backfill", "replacing",
                           "expanding", "expansion"]}}],
        [{"LOWER": {"IN": ["hiring", "opening", "open", "vacant"]}}, {"LOWER": "because"}],
        [{"LOWER": "opening"}, {"LOWER": {"IN": ["a", "our", "the"]}},
         {"LOWER": {"IN": ["second", "new", "third"]}}],
        [{"LOWER": {"IN": ["created", "added"]}}, {"LOWER": "to"},
         {"LOWER": {"IN": ["staff", "support", "meet", "handle"]}}],
    ],
}
# Topics specific enough that their cues add them to a sentence's section topic: a
# "Schedule" item that says you spend nights away from home is also about travel.
SPECIFIC_SOFT = ("vacancy_reason", "travel", "dress_code", "work_location", "training",
                 "application_process")
_SOFT_TOPICS = ("duties", "skills", "qualities", "benefits", "working_hours", "work_location",
                "travel", "training", "application_process", "dress_code", "vacancy_reason")


@dataclass(frozen=True)
class Signals:
    """What spaCy found in one sentence."""

    strong: FrozenSet[str]  # topics its patterns settle: salary, experience, education, ...
    soft: FrozenSet[str]  # topics its words hint at
    entities: Tuple[Tuple[str, str], ...]  # (label, text)
    cues: Tuple[Tuple[str, int], ...] = ()  # how many cues of each soft topic it has

    def cue_count(self, topic: str) -> int:
        return dict(self.cues).get(topic, 0)


@lru_cache(maxsize=1)
def pipeline() -> Tuple[Language, Matcher]:
    """The blank English pipeline with the sentencizer, the EntityRuler and the Matcher."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler", config={"validate": True}))
    ruler.add_patterns(_ENTITY_PATTERNS)
    matcher = Matcher(nlp.vocab, validate=True)
    for key, patterns in _PHRASES.items():
        matcher.add(key, patterns)
    return nlp, matcher


def sentences(text: str) -> List[str]:
    """The sentences of a paragraph, as spaCy's sentencizer splits them."""
    nlp, _ = pipeline()
    return [" ".join(s.text.split()) for s in nlp(text).sents if s.text.strip()]


def signals(text: str) -> Signals:
    nlp, matcher = pipeline()
    doc: Doc = nlp(text)
    labels = {ent.label_ for ent in doc.ents}
    matches = [nlp.vocab.strings[match_id] for match_id, _, _ in matcher(doc)]
    found = set(matches)
    strong = set()
    # "tuition assistance of up to $5,250 a year" and "a match up to 4% of salary" are
    # benefits, not the pay, unless the sentence gives a figure and names the pay itself.
    perk = "benefits" in found
    pay_named = _pay_sentence(doc)
    if "MONEY" in labels and ({"pay_period", "pay_word"} & found) and (not perk or pay_named):
        strong.add("salary")
    elif "pay_word" in found and ("MONEY" in labels or pay_named) and not perk:
        strong.add("salary")
    if "YEARS" in labels and "experience_word" in found:
        strong.add("experience")
    if "DEGREE" in labels:
        strong.add("education")
    if "CERTIFICATION" in labels:
        strong.add("certifications")
    if "reporting" in found:
        strong.add("reporting")
    if "overview" in found:
        strong.add("overview")
    soft = frozenset(t for t in _SOFT_TOPICS if t in found)
    cues = tuple((t, matches.count(t)) for t in _SOFT_TOPICS if t in found)
    return Signals(frozenset(strong), soft, tuple((e.label_, e.text) for e in doc.ents), cues)


def _pay_sentence(doc: Doc) -> bool:
    """A sentence about pay without a figure ("Salary depends on experience")."""
    return any(t.lower_ in ("salary", "salaries", "wage", "wages", "compensation", "income")
               for t in doc)


def choose_topics(section: Sequence[str], sig: Signals, in_preamble: bool) -> Tuple[str, ...]:
    """The topic(s) of one sentence, from its section's topics and its own signals.

    The sentence's strong patterns win where they are specific (a degree under
    "Qualifications" is education; "reports to the Nurse Manager" under "Duties" is the
    reporting line); a section naming several topics lets the sentence's words choose;
    outside any section only the patterns and word cues place it, else nothing does.
    """
    strong = sig.strong
    if section:
        shared = [t for t in section if t in strong]
        if shared:
            return tuple(shared)
        anywhere = sorted(strong & _STRONG_ANYWHERE)
        if anywhere and not set(section) & _STRONG_ANYWHERE:
            return tuple(anywhere)
        moved = sorted(strong & _REQUIREMENT_PATTERNS)
        if moved and set(section) <= _REQUIREMENT_TOPICS:
            return tuple(moved)
        specific = [t for t in SPECIFIC_SOFT if t in sig.soft and t not in section]
        if set(section) <= _REQUIREMENT_TOPICS and "qualities" in sig.soft \
                and "skills" not in sig.soft and "qualities" not in section:
            specific.append("qualities")  # "people who do well here are calm ..."
        if len(section) > 1 and tuple(section) != ("overview", "duties"):
            # The section topic the sentence has most cues for ("Pay, schedule and
            # benefits": "receive medical coverage, a retirement plan" is benefits).
            hinted = sorted((t for t in section if t in sig.soft), key=lambda t: -sig.cue_count(t))
            if hinted:
                return (hinted[0], *specific)
            return tuple(specific) or (section[0],)
        return (*section, *specific)
    if strong:
        return tuple(sorted(strong))
    if in_preamble and sig.soft:
        cued = tuple(t for t in SPECIFIC_SOFT if t in sig.soft)
        return cued or tuple(t for t in _SOFT_TOPICS if t in sig.soft)[:1]
    return ()


def supervisor_titles(sig: Signals) -> List[str]:
    return [text for label, text in sig.entities if label == "SUPERVISOR"]


def label_topic(label: str, title: str) -> Optional[str]:
    """The topic of a label/value line's label ("Typical experience" -> experience)."""
    topics = heading_topics(label, title)
    return topics[0] if topics else None
