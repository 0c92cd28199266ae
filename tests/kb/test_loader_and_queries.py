"""Loading into SQLite in one transaction, and the queries the bot, site and CLI use."""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bot import ApplicationSettings, KnowledgeBase, KnowledgeBaseUnavailable
from bot.errors import JobFileError
from bot.loader import load_knowledge
from tests.conftest import DENTAL_SALARY, KNOWLEDGE, ML_SALARY, sqlite_url


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    url = sqlite_url(tmp_path / "kb.sqlite")
    load_knowledge(KNOWLEDGE, url)
    base = KnowledgeBase(url)
    yield base
    base.close()


def test_load_reports_what_it_loaded(tmp_path: Path):
    report = load_knowledge(KNOWLEDGE, sqlite_url(tmp_path / "kb.sqlite"))
    assert report.roles == 1 and report.facts >= 25
    assert (tmp_path / "kb.sqlite").is_file()


def test_roles_and_names(kb: KnowledgeBase):
    (role,) = kb.roles()
    assert role.slug == "machine-learning-engineer"
    assert role.title == "Machine Learning Engineer"
    assert role.names[0] == "Machine Learning Engineer" and "MLE" in role.names
    assert role.source == "tests/fixtures/one-role/sources/machine-learning-engineer.txt"


@pytest.mark.parametrize("mention", [
    "Machine Learning Engineer", "machine learning engineers", "ML engineer", "ML Engineers",
    "MLE", "mles", "the ML engineer job", "machine-learning engineer", "Machine Learning Engineer's",
    "senior machine learning engineer", "machine lerning engineer", "engineer",
])
def test_resolve_role_understands_names_synonyms_plurals_and_typos(kb: KnowledgeBase, mention):
    role = kb.resolve_role(mention)
    assert role is not None and role.slug == "machine-learning-engineer"


@pytest.mark.parametrize("mention", [
    "dental assistant", "data scientist", "software engineer", "data engineer", "nurse",
    "machine learning researcher", "project manager", "", "   ", "the job",
])
def test_resolve_role_does_not_mistake_other_occupations(kb: KnowledgeBase, mention):
    assert kb.resolve_role(mention) is None


def test_facts_by_topic_keep_their_order_and_quotes(kb: KnowledgeBase):
    salary = kb.facts("machine-learning-engineer", "salary")
    assert ML_SALARY in salary[0].text and "Indeed Salaries" in salary[0].text
    assert salary[0].quote.startswith("According to Indeed Salaries")
    skills = kb.facts("machine-learning-engineer", "skills")
    assert [f.label for f in skills][:3] == ["Programming", "Machine learning", "Maths and statistics"]


def test_a_topic_the_description_does_not_cover_has_no_facts(kb: KnowledgeBase):
    assert kb.topic("benefits") is not None
    assert kb.facts("machine-learning-engineer", "benefits") == []


def test_profile_is_in_topic_order(kb: KnowledgeBase):
    profile = kb.profile("machine-learning-engineer")
    assert list(profile)[:4] == ["overview", "duties", "reporting", "salary"]


def test_unknown_role_and_topic(kb: KnowledgeBase):
    assert kb.role("dental-assistant") is None
    assert kb.facts("dental-assistant", "salary") == []
    assert kb.topic("weather") is None


def test_a_second_role_needs_no_code(tmp_path: Path, knowledge_with_fixture_role: Path):
    url = sqlite_url(tmp_path / "kb.sqlite")
    load_knowledge(knowledge_with_fixture_role, url)
    kb = KnowledgeBase(url)
    assert [r.slug for r in kb.roles()] == ["dental-hygiene-coordinator", "machine-learning-engineer"]
    assert kb.resolve_role("hygiene coordinators").slug == "dental-hygiene-coordinator"
    assert DENTAL_SALARY in kb.facts("dental-hygiene-coordinator", "salary")[0].text


def test_a_failed_load_leaves_the_previous_content(tmp_path: Path, knowledge_with_fixture_role: Path):
    url = sqlite_url(tmp_path / "kb.sqlite")
    load_knowledge(KNOWLEDGE, url)
    job = knowledge_with_fixture_role / "jobs" / "dental-hygiene-coordinator.yml"
    job.write_text(job.read_text().replace(f"{DENTAL_SALARY} per year.", "$1 per year."))
    with pytest.raises(JobFileError):
        load_knowledge(knowledge_with_fixture_role, url)
    assert [r.slug for r in KnowledgeBase(url).roles()] == ["machine-learning-engineer"]


def test_a_database_error_mid_load_rolls_everything_back(tmp_path: Path, knowledge_with_fixture_role: Path,
                                                          monkeypatch):
    url = sqlite_url(tmp_path / "kb.sqlite")
    load_knowledge(KNOWLEDGE, url)
    from bot import loader

    original = loader._replace_content

    def fail_after_writing(conn, knowledge):
        original(conn, knowledge)  # everything deleted and re-inserted ...
        raise RuntimeError("disk full")  # ... then the transaction fails

    monkeypatch.setattr(loader, "_replace_content", fail_after_writing)
    with pytest.raises(RuntimeError):
        load_knowledge(knowledge_with_fixture_role, url)
    kb = KnowledgeBase(url)
    assert [r.slug for r in kb.roles()] == ["machine-learning-engineer"]
    assert kb.facts("machine-learning-engineer", "salary")


def test_a_missing_database_is_unavailable_and_not_created(tmp_path: Path):
    path = tmp_path / "nowhere.sqlite"
    kb = KnowledgeBase(sqlite_url(path))
    with pytest.raises(KnowledgeBaseUnavailable, match="nowhere.sqlite"):
        kb.roles()
    assert not path.exists()


def test_an_empty_or_corrupt_database_is_unavailable(tmp_path: Path):
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    with pytest.raises(KnowledgeBaseUnavailable, match="no such table"):
        KnowledgeBase(sqlite_url(empty)).check()
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(b"this is not a database" * 100)
    with pytest.raises(KnowledgeBaseUnavailable):
        KnowledgeBase(sqlite_url(corrupt)).roles()


def test_the_database_url_comes_from_the_environment(tmp_path: Path, monkeypatch):
    url = sqlite_url(tmp_path / "env.sqlite")
    monkeypatch.setenv("KB_DATABASE_URL", url)
    load_knowledge(KNOWLEDGE)
    assert KnowledgeBase().url == url and KnowledgeBase().check() == 1


def test_role_names_reach_sql_only_as_parameters(kb: KnowledgeBase):
    assert kb.resolve_role("x' OR '1'='1") is None
    assert kb.facts("x' OR '1'='1", "salary") == []
    assert kb.role("'; DROP TABLE roles; --") is None
    assert kb.roles()


# -- application settings -----------------------------------------------------------------

APPLY_URL = "https://careers.example.com/jobs/machine-learning-engineer?src=kb&x=1"


def _add_application(knowledge: Path, section: str) -> None:
    job = knowledge / "jobs" / "machine-learning-engineer.yml"
    line = "source: ../sources/machine-learning-engineer.txt\n"
    text = job.read_text(encoding="utf-8")
    assert line in text
    job.write_text(text.replace(line, line + section, 1), encoding="utf-8")


def test_application_settings_reach_the_role(tmp_path: Path, knowledge_with_fixture_role: Path):
    _add_application(knowledge_with_fixture_role,
                     f"application:\n  method: link\n  url: {APPLY_URL}\n  closes: 2027-01-31\n")
    url = sqlite_url(tmp_path / "kb.sqlite")
    load_knowledge(knowledge_with_fixture_role, url)
    kb = KnowledgeBase(url)
    expected = ApplicationSettings("link", APPLY_URL, date(2027, 1, 31))
    assert kb.role("machine-learning-engineer").application == expected
    assert kb.resolve_role("MLE").application == expected
    by_slug = {r.slug: r.application for r in kb.roles()}
    assert by_slug["machine-learning-engineer"] == expected
    assert isinstance(by_slug["machine-learning-engineer"].closes, date)
    # A job file without the section: the chat takes applications, no closing date.
    assert by_slug["dental-hygiene-coordinator"] == ApplicationSettings("form", None, None)
    kb.close()


def test_a_database_of_the_previous_schema_is_refused_then_rebuilt(tmp_path: Path):
    """Schema version 2 had no application columns: readers refuse it with the command to
    run, and `kb load` rebuilds it."""
    path = tmp_path / "kb.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE kb_meta (key VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute("INSERT INTO kb_meta VALUES ('schema_version', '2')")
        conn.execute("CREATE TABLE roles (id INTEGER PRIMARY KEY, slug VARCHAR(100))")
    with pytest.raises(KnowledgeBaseUnavailable, match="schema version '2'.*kb load"):
        KnowledgeBase(sqlite_url(path)).check()
    load_knowledge(KNOWLEDGE, sqlite_url(path))
    kb = KnowledgeBase(sqlite_url(path))
    assert kb.check() == 1
    assert kb.role("machine-learning-engineer").application == ApplicationSettings()
    kb.close()


def test_kb_show_prints_the_application_settings(tmp_path: Path, knowledge_with_fixture_role: Path,
                                                 capsys):
    from bot.cli import main

    _add_application(knowledge_with_fixture_role,
                     f"application:\n  method: link\n  url: {APPLY_URL}\n  closes: 2020-01-31\n")
    url = sqlite_url(tmp_path / "kb.sqlite")
    load_knowledge(knowledge_with_fixture_role, url)
    capsys.readouterr()

    assert main(["--db", url, "kb", "show", "ML engineer", "salary"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("# Machine Learning Engineer (machine-learning-engineer)")
    assert lines[1] == (f"application: link: candidates apply at {APPLY_URL}; "
                        "closes 2020-01-31 (closed today)")

    assert main(["--db", url, "kb", "show", "dental-hygiene-coordinator"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "application: form: candidates apply in the chat; no closing date"


def test_the_application_line_says_whether_applications_are_open():
    from bot.cli import application_line

    form = ApplicationSettings("form", None, date(2027, 6, 30))
    assert application_line(form, date(2027, 6, 30)) == (
        "application: form: candidates apply in the chat; closes 2027-06-30 (open today)")
    assert application_line(form, date(2027, 7, 1)).endswith("closes 2027-06-30 (closed today)")
