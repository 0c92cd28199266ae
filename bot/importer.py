"""Importing a job description: a hiring team's posting becomes a draft job file whose
every fact quotes the posting exactly, plus the posting as plain text in sources/.

    draft = draft_job(read_document(path), topic_keys)      # nothing written yet
    report = write_draft(draft, knowledge_dir, force=False)  # validated, then written

A person reviews the draft (`python -m bot kb show SLUG --quotes`) before `make kb`.
"""
from __future__ import annotations

import os
import re
import time
import unicodedata
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot import placement
from bot.errors import JobFileError
from bot.jobfiles import read_job, read_knowledge, read_topics
from bot.names import normalize
from bot.sources import FIELD, HEADING, ITEM, NOTE, PARAGRAPH, Block, Document, DocumentError, read_document

# Words that say how senior a role is, not what it is ("Senior Accountant" is an accountant).
SENIORITY_WORDS = frozenset({
    "senior", "sr", "junior", "jr", "lead", "principal", "staff", "entry-level", "associate",
    "trainee", "graduate",
})
LEVEL_WORDS = frozenset({"i", "ii", "iii", "iv", "1", "2", "3", "4"})  # "Accountant II"
_TITLE_LABELS = frozenset({"job title", "title", "position", "position title", "role",
                           "job", "job name", "role title", "now hiring", "hiring", "job opening",
                           "opening", "vacancy"})
_SMALL_WORDS = frozenset({"of", "and", "the", "for", "in", "a", "an", "&", "to"})
_ABBREVIATION = re.compile(r"^[A-Z][A-Za-z0-9.&/-]{0,9}$")
_TITLE_IN_HEADING = (
    re.compile(r"^what (?:does|do|is) (?:a|an|the)\s+(?P<title>.+?)(?:\s+do)?\s*\??$", re.I),
    re.compile(r"^(?P<title>.+?)\s+job description(?: and [\w ]+)?$", re.I),
    re.compile(r"^job description\s*[:–—-]\s*(?P<title>.+)$", re.I),
    re.compile(r"^(?:now hiring|hiring|job opening|opening|vacancy|position)\s*[:–—-]\s*"
               r"(?P<title>.+)$", re.I),
    re.compile(r"^about the (?P<title>.+?) (?:role|position|job)$", re.I),
)
# The least a job description states: facts on at least this many topics, one of them
# what the job involves or asks for (a README or a news page has an overview, not these).
MIN_TOPICS = 2
MIN_FACTS = 3
CORE_TOPICS = ("duties", "salary", "skills", "experience", "education", "qualities")


class ImportRefused(Exception):
    """The document cannot become a job file; the message names the file and says why."""


@dataclass(frozen=True)
class DraftFact:
    text: str
    quote: str
    label: Optional[str] = None


@dataclass
class Draft:
    """A job file not yet written: what the importer found in one document."""

    document: Document
    slug: str
    title: str
    aliases: List[str]
    topics: Dict[str, List[DraftFact]]
    not_placed: List[str]
    summary: DraftFact
    notes: List[str] = field(default_factory=list)
    seconds: float = 0.0
    #: department / location / employment_type, from the document's label/value lines.
    listing: Dict[str, str] = field(default_factory=dict)

    @property
    def source_text(self) -> str:
        return self.document.plain_text()


@dataclass(frozen=True)
class Written:
    draft: Draft
    job_path: Path
    source_path: Path


# -- the draft ------------------------------------------------------------------------

def import_file(path: Path, topic_keys: Sequence[str], title: Optional[str] = None,
                slug: Optional[str] = None) -> Draft:
    """Read one file and place its sentences; ImportRefused names the file and the reason.

    `seconds` is the document's own cost: the spaCy pipeline is built once, beforehand."""
    placement.pipeline()
    started = time.perf_counter()
    try:
        document = read_document(path)
    except DocumentError as exc:
        raise ImportRefused(str(exc)) from None
    draft = draft_job(document, topic_keys, title, slug)
    draft.seconds = time.perf_counter() - started
    return draft


def draft_job(document: Document, topic_keys: Sequence[str], title: Optional[str] = None,
              slug: Optional[str] = None) -> Draft:
    found_title = title.strip() if title else find_title(document)
    if not found_title:
        raise ImportRefused(f"{document.path}: no job title found (no title heading, "
                            "'Job Title:' line or '<Title> Job Description' line); give one with --title")
    clean_title, abbreviation = split_abbreviation(found_title)
    slug = slug or slugify(clean_title)
    if not slug or not re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", slug):
        raise ImportRefused(f"{document.path}: {slug!r} cannot be a slug "
                            "(lower-case words joined by hyphens)")
    topics, not_placed = place(document, clean_title, topic_keys)
    facts = sum(len(v) for v in topics.values())
    if facts < MIN_FACTS or len(topics) < MIN_TOPICS or not set(CORE_TOPICS) & set(topics):
        raise ImportRefused(
            f"{document.path}: does not read as a job description: found {facts} fact(s) on "
            f"{len(topics)} topic(s) ({', '.join(topics) or 'none'}); at least {MIN_FACTS} "
            f"facts on {MIN_TOPICS} topics are needed, one of them on what the job involves "
            f"or asks for ({', '.join(CORE_TOPICS)})")
    summary = next(iter(topics.get("overview") or topics.get("duties") or
                        next(iter(topics.values()))))
    return Draft(document, slug, clean_title, aliases_for(document, clean_title, abbreviation),
                 topics, not_placed, summary, listing=listing_fields(document))


# Labels of label/value lines that file a role on the careers site.
_LISTING_LABELS = {
    "department": "department", "division": "department", "team": "department",
    "business unit": "department", "function": "department",
    "location": "location", "work location": "location", "job location": "location",
    "employment type": "employment_type", "job type": "employment_type",
    "type of employment": "employment_type", "contract type": "employment_type",
}


def listing_fields(document: Document) -> Dict[str, str]:
    """Department, location and employment type, where the document gives them as
    "Label: value" lines; as the document words them (the job file check wants that)."""
    found: Dict[str, str] = {}
    for block in document.blocks:
        if block.kind == FIELD and block.label and block.value:
            name = _LISTING_LABELS.get(block.label.strip().lower())
            if name and name not in found:
                found[name] = " ".join(block.value.split())
    return found


def find_title(document: Document) -> Optional[str]:
    """The role's title as the document gives it: a "Job Title:" line, a "<Title> Job
    Description" line, the first heading (an HTML page's <h1>, else its <title>)."""
    for block in document.blocks:
        if block.kind == FIELD and block.label and block.label.lower() in _TITLE_LABELS:
            return _clean_title(block.value or "")
    for block in document.blocks:
        if block.kind in (HEADING, PARAGRAPH) and len(block.text) <= 90:
            for pattern in _TITLE_IN_HEADING:
                match = pattern.match(block.text.strip())
                if match:
                    return _clean_title(match.group("title"))
    headings = [b for b in document.blocks if b.kind == HEADING]
    # A page's one top-level heading is its title, even when it reads like a section
    # heading ("Senior Warehouse Supervisor" names a supervisor); a plain-text heading
    # is the title only when it names no section.
    if headings and (headings[0].level == 1
                     or not placement.heading_topics(headings[0].text, "")):
        return _clean_title(headings[0].text)
    if document.title_hint:
        return _clean_title(re.split(r"\s+[|–—-]\s+|\s+at\s+", document.title_hint)[0])
    return None


def _clean_title(text: str) -> str:
    text = " ".join(text.replace("’", "'").split()).strip(" :–—-")
    text = re.sub(r"\s+(job|position|role|opening|vacancy)$", "", text, flags=re.I)
    return text


def split_abbreviation(title: str) -> Tuple[str, Optional[str]]:
    """"Registered Nurse (RN)" -> ("Registered Nurse", "RN"); a parenthesis that is not
    an abbreviation of the title ("(CDL-A)", "(Remote)") is left out of the title."""
    match = re.match(r"^(?P<title>.+?)\s*\((?P<inner>[^)]*)\)\s*$", title)
    if not match:
        return title, None
    clean, inner = match.group("title").strip(), match.group("inner").strip()
    return clean, inner if is_abbreviation_of(inner, clean) else None


def is_abbreviation_of(abbreviation: str, title: str) -> bool:
    if not _ABBREVIATION.match(abbreviation):
        return False
    letters = re.sub(r"[^a-z]", "", abbreviation.lower())
    words = [w for w in re.split(r"[\s-]+", title.lower()) if w and w not in _SMALL_WORDS]
    initials = "".join(w[0] for w in words)
    core = "".join(w[0] for w in words if w not in SENIORITY_WORDS)
    return len(letters) >= 2 and letters in (initials, core)


def aliases_for(document: Document, title: str, abbreviation: Optional[str]) -> List[str]:
    """Other names the document gives the role: its abbreviation ("Registered Nurse
    (RN)"), and the title without seniority words ("Senior Accountant" -> "Accountant").
    Plurals need no alias: role names are compared singularised."""
    aliases: List[str] = []
    if abbreviation:
        aliases.append(abbreviation)
    text = " ".join(b.text for b in document.blocks)
    for match in re.finditer(rf"{re.escape(title)}s?\s*\((?P<abbr>[^)]{{2,10}})\)", text, re.I):
        if is_abbreviation_of(match.group("abbr"), title):
            aliases.append(match.group("abbr"))
    words = title.split()
    core = list(words)
    while len(core) > 1 and core[0].lower().strip(".") in SENIORITY_WORDS:
        core.pop(0)
    while len(core) > 1 and core[-1].lower().strip(".") in LEVEL_WORDS:
        core.pop()
    if core != words:
        aliases.append(" ".join(core))
    unique: Dict[str, str] = {}
    for alias in aliases:
        unique.setdefault(normalize(alias), alias)
    unique.pop(normalize(title), None)
    return list(unique.values())


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_title.lower().replace("&", " and ")))


def place(document: Document, title: str,
          topic_keys: Sequence[str]) -> Tuple[Dict[str, List[DraftFact]], List[str]]:
    """Every sentence and list item of the document under its topic(s), in topic order;
    and what could be placed nowhere."""
    placed: Dict[str, List[DraftFact]] = {}
    not_placed: List[str] = []
    section: Tuple[str, ...] = ()
    in_preamble = True
    first_paragraph_done = False
    blocks = list(document.blocks)
    for i, block in enumerate(blocks):
        if block.kind == HEADING:
            section = () if _is_title_heading(block.text, title) \
                else placement.heading_topics(block.text, title)
            # Until the first section heading, sentences are placed by what they say; a
            # heading naming no topic after the title (the employer, the unit) keeps it so.
            in_preamble = in_preamble and not section
            continue
        if block.kind == NOTE:
            not_placed.append(block.text)
            continue
        for quote, label, text in _units(block, blocks[i + 1] if i + 1 < len(blocks) else None):
            if text is None:
                not_placed.append(quote)
                continue
            sig = placement.signals(quote)
            local = section
            if block.kind == FIELD and block.label:
                label_topic = placement.label_topic(block.label, title)
                local = (label_topic,) if label_topic else ()
                if block.label.lower() in _TITLE_LABELS:
                    continue
            elif block.kind == ITEM and label:
                # "- **Travel:** occasional day trips": the label names the topic.
                label_topic = placement.label_topic(label, title)
                local = (label_topic,) if label_topic else local
            topics = placement.choose_topics(local, sig, in_preamble)
            if in_preamble and not first_paragraph_done and block.kind == PARAGRAPH \
                    and topics in ((), ("duties",)):
                # The opening paragraph describes the role ("As a nurse you will plan ...").
                topics = ("overview",)
            topics = tuple(t for t in topics if t in topic_keys)
            if not topics:
                not_placed.append(quote)
                continue
            for topic in topics:
                facts = placed.setdefault(topic, [])
                if all(f.quote != quote for f in facts):
                    facts.append(DraftFact(text=text, quote=quote, label=label))
        if in_preamble and block.kind == PARAGRAPH and _is_prose(block.text):
            first_paragraph_done = True
    ordered = {key: placed[key] for key in topic_keys if key in placed}
    return ordered, not_placed


def _is_prose(text: str) -> bool:
    """A paragraph of sentences, not a byline ("Halvern Valley Group · Brindlewood")."""
    return len(text.split()) >= 12 and text.rstrip().endswith((".", "!", "?"))


def _is_title_heading(heading: str, title: str) -> bool:
    """The heading only names the role ("Registered Nurse (RN)", "Nurse Job Description")."""
    if normalize(split_abbreviation(heading)[0]) == normalize(title):
        return True
    for pattern in _TITLE_IN_HEADING[1:]:  # "What does a nurse do?" is a section, on duties
        match = pattern.match(heading.strip())
        if match and normalize(_clean_title(match.group("title"))) == normalize(title):
            return True
    return False


def _units(block: Block, following: Optional[Block]) -> List[Tuple[str, Optional[str], Optional[str]]]:
    """(quote, label, text) for each fact a block can give; text None: not a fact (a
    lead-in such as "Requirements include:" before a list)."""
    if block.kind == FIELD:
        return [(block.text, block.label, _clean_text(block.value or ""))]
    if block.kind == ITEM:
        label, text = _split_label(block.text)
        return [(block.text, label, _clean_text(text))]
    sentences = placement.sentences(block.text)
    units: List[Tuple[str, Optional[str], Optional[str]]] = []
    for n, sentence in enumerate(sentences):
        lead_in = (n == len(sentences) - 1 and sentence.endswith(":")
                   and following is not None and following.kind == ITEM)
        units.append((sentence, None, None if lead_in else _clean_text(sentence)))
    return units


def _split_label(item: str) -> Tuple[Optional[str], str]:
    """"Budgeting: prepare the monthly budget" -> ("Budgeting", "prepare the monthly budget")."""
    match = re.match(r"^(?P<label>[A-Z][\w&/’' -]{1,40}?):\s+(?P<text>\S.*)$", item)
    if match and len(match.group("label").split()) <= 4:
        return match.group("label"), match.group("text")
    return None, item


def _clean_text(text: str) -> str:
    """The quote as the bot says it: no bullet, no trailing colon or semicolon, a capital."""
    text = text.strip().rstrip(":;,").strip()
    text = re.sub(r"\s+(and|or)$", "", text)
    return text[:1].upper() + text[1:] if text else text


# -- writing --------------------------------------------------------------------------

def write_draft(draft: Draft, knowledge_dir: Path, force: bool = False) -> Written:
    """Write the source and the job file, then validate the whole knowledge folder; on
    any problem put back what was there and raise (ImportRefused or JobFileError)."""
    jobs, sources = knowledge_dir / "jobs", knowledge_dir / "sources"
    job_path, source_path = jobs / f"{draft.slug}.yml", sources / f"{draft.slug}.txt"
    path = draft.document.path
    if not force:
        existing = [p for p in (job_path, source_path) if p.exists()]
        if existing:
            raise ImportRefused(
                f"{path}: a role with the slug {draft.slug!r} already exists "
                f"({', '.join(str(p) for p in existing)}); pass --force to replace it, or "
                "--slug to import it under another name")
    _drop_names_of_other_roles(draft, knowledge_dir)
    previous = {p: p.read_bytes() for p in (job_path, source_path) if p.exists()}
    jobs.mkdir(parents=True, exist_ok=True)
    sources.mkdir(parents=True, exist_ok=True)
    try:
        _atomic_write(source_path, draft.source_text)
        _atomic_write(job_path, job_yaml(draft))
        read_knowledge(knowledge_dir)
    except BaseException:
        for target in (job_path, source_path):
            if target in previous:
                target.write_bytes(previous[target])
            else:
                target.unlink(missing_ok=True)
        raise
    return Written(draft, job_path, source_path)


def _drop_names_of_other_roles(draft: Draft, knowledge_dir: Path) -> None:
    """Two roles may not share a name: refuse a title another role has, leave out an alias."""
    topic_keys = topic_keys_of(knowledge_dir)
    owners: Dict[str, str] = {}
    for job_file in sorted((knowledge_dir / "jobs").glob("*.y*ml")):
        if job_file.stem == draft.slug:
            continue
        job, _ = read_job(job_file, topic_keys)
        for name in job.names if job else ():
            owners.setdefault(normalize(name), job_file.stem)
    owner = owners.get(normalize(draft.title))
    if owner:
        raise ImportRefused(f"{draft.document.path}: the title {draft.title!r} is already a name "
                            f"of the role {owner!r}; give this role another title with --title")
    kept = []
    for alias in draft.aliases:
        other = owners.get(normalize(alias))
        if other:
            draft.notes.append(f"alias {alias!r} left out: it is a name of the role {other!r}")
        else:
            kept.append(alias)
    draft.aliases = kept


def topic_keys_of(knowledge_dir: Path) -> List[str]:
    topics, problems = read_topics(knowledge_dir / "topics.yml")
    if problems:
        raise JobFileError(problems)
    return [t.key for t in topics]


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def job_yaml(draft: Draft) -> str:
    """The draft as a job file, with a header saying where it came from."""
    data = CommentedMap()
    data["slug"] = draft.slug
    data["title"] = draft.title
    data["source"] = f"../sources/{draft.slug}.txt"
    for name, value in draft.listing.items():
        data[name] = value
    if draft.aliases:
        data["aliases"] = CommentedSeq(draft.aliases)
    data["summary"] = _fact_map(draft.summary)
    topics = CommentedMap()
    for key, facts in draft.topics.items():
        topics[key] = CommentedSeq(_fact_map(f) for f in facts)
    data["topics"] = topics
    yaml = YAML(typ="rt")
    yaml.width = 100  # type: ignore[assignment]  # ruamel's annotation says None only
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = StringIO()
    yaml.dump(data, out)
    header = (f"# {draft.title}: a draft written by `python -m bot kb import` from "
              f"{draft.document.path.name}.\n"
              "# Every quote is a sentence or list item of ../sources/ copied exactly; review the\n"
              "# texts and topics (`python -m bot kb show SLUG --quotes`), then `make kb`.\n"
              .replace("SLUG", draft.slug))
    return header + out.getvalue()


def _fact_map(fact: DraftFact) -> CommentedMap:
    entry = CommentedMap()
    if fact.label:
        entry["label"] = fact.label
    entry["text"] = fact.text
    entry["quote"] = fact.quote
    return entry


def report_lines(written: Written, topic_keys: Sequence[str]) -> List[str]:
    """What the import found, for the person who reviews the draft."""
    draft = written.draft
    names = f" (also: {', '.join(draft.aliases)})" if draft.aliases else ""
    lines = [f"imported {draft.document.path} as {draft.slug!r}: {draft.title}{names}",
             f"  wrote {written.source_path} and {written.job_path} in {draft.seconds:.2f} s"]
    lines += [f"  note: {note}" for note in draft.notes]
    lines.append("  facts per topic:")
    lines += [f"    {key:<20} {len(facts)}" for key, facts in draft.topics.items()]
    missing = [key for key in topic_keys if key not in draft.topics]
    lines.append(f"  nothing found for: {', '.join(missing) if missing else '-'}")
    if draft.not_placed:
        lines.append(f"  not placed ({len(draft.not_placed)}): add them to a topic by hand if they belong")
        lines += [f"    - {sentence}" for sentence in draft.not_placed]
    else:
        lines.append("  not placed: -")
    lines.append(f"  review: python -m bot kb show {draft.slug} --quotes; then make kb")
    return lines


__all__ = ["Draft", "DraftFact", "ImportRefused", "Written", "draft_job", "find_title",
           "import_file", "job_yaml", "place", "report_lines", "slugify", "write_draft"]
