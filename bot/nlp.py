"""Building the spaCy pipeline that Rasa's SpacyNLP loads.

No pretrained model can be downloaded here, so the pipeline is built from parts that
ship as packages and data: a blank English tokenizer, a lemmatizer over spaCy's English
lookup table (made case-insensitive), and an EntityRuler that tags occupation titles (O*NET
and BLS, third_party/occupations) as `role` entities, in any case, singular or plural.

Nothing in it comes from the knowledge base: roles are resolved at run time by the action
server (bot/mentions.py), so adding or editing a role never retrains the model.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, cast

import spacy
import srsly
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.pipeline import EntityRuler, Lemmatizer


ENTITY_LABEL = "role"


def read_lemma_lookup() -> Dict[str, str]:
    """spaCy's English lemma lookup table (spacy-lookups-data): word form -> lemma."""
    import spacy_lookups_data

    return cast(Dict[str, str], srsly.read_gzip_json(
        spacy_lookups_data.get_file("en_lemma_lookup.json.gz")))


def _lemma_table() -> Dict[str, str]:
    """spaCy's English lemma lookup table, extended so that case does not matter."""
    table = read_lemma_lookup()
    extended = dict(table)
    for form, lemma in table.items():
        if form.islower():
            for variant in (form.capitalize(), form.upper()):
                extended.setdefault(variant, lemma)
    return extended


def plural(word: str) -> str:
    """A rough English plural, enough for the last word of an occupation title."""
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "o", "u"):
        return word[:-1] + "ies"
    if word.endswith(("s", "sh", "ch", "x", "z")):
        return word + "es"
    return word + "s"


def occupation_patterns(titles: Iterable[str]) -> List[dict]:
    """EntityRuler phrase patterns (matched lower-case) for every occupation title, singular
    and plural, except the few that alone usually mean something else ("manager")."""
    from bot.mentions import NOT_AN_OCCUPATION_ALONE, words

    phrases = set()
    for title in titles:
        singular_words = words(title)
        if not singular_words or " ".join(singular_words) in NOT_AN_OCCUPATION_ALONE:
            continue
        head = " ".join(title.lower().split()[:-1])
        last = singular_words[-1]
        for form in (last, plural(last)):
            phrases.add(f"{head} {form}".strip())
    return [{"label": ENTITY_LABEL, "pattern": phrase, "id": "occupation"}
            for phrase in sorted(phrases)]


def build_pipeline(titles: Sequence[str]) -> Language:
    table = _lemma_table()
    nlp = spacy.blank("en")
    lemmatizer = cast(Lemmatizer, nlp.add_pipe("lemmatizer", config={"mode": "lookup"}))
    lookups = Lookups()
    lookups.add_table("lemma_lookup", table)
    lemmatizer.initialize(lookups=lookups)
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler",
                                           config={"validate": True, "phrase_matcher_attr": "NORM"}))
    ruler.add_patterns(occupation_patterns(titles))
    nlp.meta["name"] = "recruiting_en"
    nlp.meta["description"] = ("Blank English + lookup lemmatizer + an EntityRuler of occupation "
                               "titles (O*NET, BLS)")
    return nlp


def save_pipeline(titles: Sequence[str], out_dir: Path) -> Path:
    """Build the pipeline and write it to out_dir (replacing what was there)."""
    nlp = build_pipeline(titles)
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(tmp, ignore_errors=True)
    nlp.to_disk(tmp)
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)
    return out_dir
