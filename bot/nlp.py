"""Building the spaCy pipeline that Rasa's SpacyNLP loads.

No pretrained model can be downloaded here, so the pipeline is built from parts that
ship as packages: a blank English tokenizer, a lemmatizer over spaCy's English lookup
table (made case-insensitive), and an EntityRuler whose patterns are generated from the
knowledge base's role names, so every role in the knowledge base is recognised as a
`role` entity without anyone writing patterns by hand.
"""
from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Set

import spacy
import srsly
from spacy.language import Language
from spacy.lookups import Lookups

from bot.kb import Role

ENTITY_LABEL = "role"


def _lemma_table() -> Dict[str, str]:
    """spaCy's English lemma lookup table, extended so that case does not matter."""
    import spacy_lookups_data

    table: Dict[str, str] = srsly.read_gzip_json(
        spacy_lookups_data.get_file("en_lemma_lookup.json.gz"))
    extended = dict(table)
    for form, lemma in table.items():
        if form.islower():
            for variant in (form.capitalize(), form.upper()):
                extended.setdefault(variant, lemma)
    return extended


def _inflections(table: Dict[str, str]) -> Dict[str, Set[str]]:
    """lemma -> every lower-case form the table maps to it (engineer -> engineers, ...)."""
    forms: Dict[str, Set[str]] = defaultdict(set)
    for form, lemma in table.items():
        if form.islower():
            forms[lemma].add(form)
    return forms


def role_patterns(nlp: Language, roles: Iterable[Role], table: Dict[str, str]) -> List[dict]:
    """EntityRuler token patterns for every name of every role.

    Each word matches in any case and any inflection the lemma table knows
    (engineers, Engineer), a word the table does not know also with a plural "s" (MLEs),
    and words may be joined by a hyphen or not (machine-learning engineer).
    """
    inflections = _inflections(table)
    hyphen = {"ORTH": "-", "OP": "?"}
    patterns = []
    for role in roles:
        for name in role.names:
            words = [t.lower_ for t in nlp.make_doc(name) if t.text != "-"]
            tokens: List[dict] = []
            for i, word in enumerate(words):
                lemma = table.get(word, word)
                forms = {word, lemma} | inflections.get(lemma, set())
                if word not in table and i == len(words) - 1:
                    forms.add(word + "s")
                if tokens:
                    tokens.append(hyphen)
                tokens.append({"LOWER": {"IN": sorted(forms)}})
            patterns.append({"label": ENTITY_LABEL, "pattern": tokens, "id": role.slug})
    return patterns


def build_pipeline(roles: Sequence[Role]) -> Language:
    table = _lemma_table()
    nlp = spacy.blank("en")
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    lookups = Lookups()
    lookups.add_table("lemma_lookup", table)
    lemmatizer.initialize(lookups=lookups)
    ruler = nlp.add_pipe("entity_ruler", config={"validate": True})
    ruler.add_patterns(role_patterns(nlp, roles, table))
    nlp.meta["name"] = "recruiting_en"
    nlp.meta["description"] = "Blank English + lookup lemmatizer + role EntityRuler, built from the knowledge base"
    return nlp


def save_pipeline(roles: Sequence[Role], out_dir: Path) -> Path:
    """Build the pipeline and write it to out_dir (replacing what was there)."""
    nlp = build_pipeline(roles)
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(tmp, ignore_errors=True)
    nlp.to_disk(tmp)
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)
    return out_dir
