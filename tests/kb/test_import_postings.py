"""The team-written postings (tests/fixtures/postings/, six layouts) import into valid job
files that find every topic each document states, with that document's own words."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot.cli import main
from bot.jobfiles import read_knowledge
from tests.conftest import FIXTURES, KNOWLEDGE

POSTINGS = FIXTURES / "postings"
EXPECTED = YAML(typ="safe").load((POSTINGS / "expected.yml").read_text(encoding="utf-8"))


def import_postings(knowledge: Path) -> None:
    """Import every team-written posting into `knowledge` (which has topics.yml)."""
    files = [str(POSTINGS / name) for name in EXPECTED]
    assert main(["--knowledge", str(knowledge), "kb", "import", *files]) == 0


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict:
    knowledge = tmp_path_factory.mktemp("postings") / "knowledge"
    knowledge.mkdir()
    shutil.copy(KNOWLEDGE / "topics.yml", knowledge / "topics.yml")
    import_postings(knowledge)
    jobs = {job.source.path.stem: job for job in read_knowledge(knowledge).jobs}
    return {name: next(j for j in jobs.values() if j.title == spec["title"])
            for name, spec in EXPECTED.items()}


def test_there_are_at_least_five_postings_in_different_layouts():
    assert len(EXPECTED) >= 5
    assert len({Path(name).suffix for name in EXPECTED}) >= 3  # text, Markdown, HTML
    assert len({spec["layout"] for spec in EXPECTED.values()}) == len(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_import_finds_every_topic_the_posting_states(imported, name):
    job, spec = imported[name], EXPECTED[name]
    stated = set(spec["topics"])
    found = set(job.topics)
    assert stated <= found, f"{name}: stated but not found: {sorted(stated - found)}"
    for topic, phrase in spec["topics"].items():
        texts = " ".join(f.text for f in job.topics[topic])
        assert phrase in texts, f"{name}: {topic} facts lack {phrase!r}: {texts!r}"
    for alias in spec.get("aliases") or []:
        assert alias in job.aliases, f"{name}: alias {alias!r} not in {job.aliases}"


def test_label_value_lines_file_the_role_on_the_careers_site(imported):
    dental = imported["dental-hygienist.txt"]
    assert dental.listing == {"department": "Dental Care",
                              "location": "Halvern Valley Dental, 88 Fernhill Road, Suite 200, Brindlewood",
                              "employment_type": "Full-time"}
    assert imported["truck-driver.html"].listing["employment_type"] == "Full-time, company driver"
