"""A malformed knowledge file is rejected with its file, line and field."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.application import ApplicationSettings
from bot.errors import JobFileError
from bot.jobfiles import read_knowledge
from tests.conftest import DENTAL_SALARY, ML_SALARY

JOB = "jobs/machine-learning-engineer.yml"


def _problems(knowledge: Path) -> list:
    with pytest.raises(JobFileError) as caught:
        read_knowledge(knowledge)
    return caught.value.problems


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture drift: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_the_real_knowledge_files_are_valid():
    from tests.conftest import KNOWLEDGE

    knowledge = read_knowledge(KNOWLEDGE)
    assert [j.slug for j in knowledge.jobs] == ["machine-learning-engineer"]
    assert {"overview", "duties", "reporting", "salary", "skills", "experience", "education",
            "certifications", "qualities"} <= set(knowledge.jobs[0].topics)


def test_a_quote_not_in_the_source_names_file_line_and_field(knowledge_copy: Path):
    job = knowledge_copy / JOB
    _edit(job, f"{ML_SALARY} per year.", "$150,000 per year.")
    (problem,) = _problems(knowledge_copy)
    assert problem.path == job
    assert problem.field == "topics.salary[0].quote"
    lines = job.read_text().splitlines()
    assert lines[problem.line - 1].strip() == "quote: >-"  # the field's own line ...
    assert "$150,000" in lines[problem.line + 1]  # ... of this very quote
    assert "does not occur in the source document" in str(problem)
    assert f"{JOB.split('/')[1]}:{problem.line}: topics.salary[0].quote:" in str(problem)


def test_a_figure_missing_from_its_quote_is_an_invented_fact(knowledge_copy: Path):
    job = knowledge_copy / JOB
    _edit(job, f"{ML_SALARY} (US dollars) per year.", "$141,076 (US dollars) per year.")
    (problem,) = _problems(knowledge_copy)
    assert problem.field == "topics.salary[0].text"
    assert "'141,076'" in problem.message


def test_a_missing_field_is_named(knowledge_copy: Path):
    job = knowledge_copy / JOB
    _edit(job, "title: Machine Learning Engineer\n", "")
    (problem,) = _problems(knowledge_copy)
    assert (problem.field, problem.message) == ("title", "is missing")


def test_an_unknown_topic_lists_the_known_ones(knowledge_copy: Path):
    job = knowledge_copy / JOB
    _edit(job, "  qualities:\n", "  personality:\n")
    (problem,) = _problems(knowledge_copy)
    assert problem.field == "topics.personality"
    assert problem.line == _line_of(job, "  personality:")
    assert "unknown topic" in problem.message and "qualities" in problem.message


def test_a_fact_of_the_wrong_type_and_an_unknown_field(knowledge_copy: Path):
    job = knowledge_copy / JOB
    _edit(job, "      text: Creative thinking, to come up with new solutions and approaches.\n",
          "      text: [Creative thinking]\n      colour: blue\n")
    problems = {p.field: p for p in _problems(knowledge_copy)}
    assert "must be non-empty text, got a list" in problems["topics.skills[5].text"].message
    assert "unknown field" in problems["topics.skills[5].colour"].message
    assert problems["topics.skills[5].colour"].line == _line_of(job, "colour: blue")


def test_invalid_yaml_gives_the_line(knowledge_copy: Path):
    job = knowledge_copy / JOB
    _edit(job, "slug: machine-learning-engineer", "slug: [machine-learning-engineer")
    (problem,) = _problems(knowledge_copy)
    assert problem.path == job and "not valid YAML" in problem.message
    assert problem.line is not None and problem.line >= _line_of(job, "slug: [")


def test_slug_must_match_the_file_name(knowledge_copy: Path):
    _edit(knowledge_copy / JOB, "slug: machine-learning-engineer", "slug: ml-engineer")
    (problem,) = _problems(knowledge_copy)
    assert problem.field == "slug" and "file name" in problem.message


def test_a_missing_source_document_is_reported(knowledge_copy: Path):
    (knowledge_copy / "sources" / "machine-learning-engineer.txt").unlink()
    (problem,) = _problems(knowledge_copy)
    assert problem.field == "source" and "cannot read" in problem.message


def test_two_roles_cannot_share_a_name(knowledge_with_fixture_role: Path):
    other = knowledge_with_fixture_role / "jobs" / "dental-hygiene-coordinator.yml"
    _edit(other, "  - DHC\n", "  - DHC\n  - ML engineers\n")
    (problem,) = _problems(knowledge_with_fixture_role)
    assert problem.field == "aliases" and "'ML engineer" in problem.message
    named = f"{problem.path.name} {problem.message}"
    assert "machine-learning-engineer" in named and "dental-hygiene-coordinator" in named


def test_every_problem_of_every_file_is_reported_at_once(knowledge_with_fixture_role: Path):
    _edit(knowledge_with_fixture_role / JOB, "title: Machine Learning Engineer\n", "")
    _edit(knowledge_with_fixture_role / "jobs" / "dental-hygiene-coordinator.yml",
          f"{DENTAL_SALARY} per year.", "$58,250 per year.")
    problems = _problems(knowledge_with_fixture_role)
    assert {p.path.name for p in problems} == {
        "machine-learning-engineer.yml", "dental-hygiene-coordinator.yml"}


def test_topics_file_problems_are_reported(knowledge_copy: Path):
    _edit(knowledge_copy / "topics.yml", "    format: list\n", "    format: table\n")
    (problem,) = _problems(knowledge_copy)
    assert problem.path.name == "topics.yml"
    assert problem.field == "topics.duties.format" and "table" in problem.message


def test_listing_fields_must_be_worded_as_the_source_says_them(knowledge_copy: Path):
    job = knowledge_copy / JOB
    _edit(job, "source: ../sources/machine-learning-engineer.txt",
          "source: ../sources/machine-learning-engineer.txt\ndepartment: Rocket Science\n"
          "location: 42")
    problems = _problems(knowledge_copy)
    assert [p.field for p in problems] == ["department", "location"]
    assert problems[0].line == _line_of(job, "department: Rocket Science")
    assert "does not occur in the source document" in problems[0].message
    assert "must be non-empty text" in problems[1].message


# -- the application: section --------------------------------------------------------------

SOURCE_LINE = "source: ../sources/machine-learning-engineer.txt\n"


def _with_application(knowledge: Path, section: str) -> Path:
    """The one-role job file with `section` (YAML lines) added after its source line."""
    job = knowledge / JOB
    _edit(job, SOURCE_LINE, SOURCE_LINE + section)
    return job


def test_no_application_section_means_the_chat_and_no_closing_date():
    from tests.conftest import KNOWLEDGE

    (job,) = read_knowledge(KNOWLEDGE).jobs
    assert job.application == ApplicationSettings("form", None, None)


@pytest.mark.parametrize("section, expected", [
    ("application:\n  method: link\n  url: https://careers.example.com/jobs/mle\n"
     "  closes: 2027-01-31\n",
     ApplicationSettings("link", "https://careers.example.com/jobs/mle", date(2027, 1, 31))),
    ("application:\n  method: form\n", ApplicationSettings("form", None, None)),
    ("application:\n  closes: '2027-06-30'\n", ApplicationSettings("form", None, date(2027, 6, 30))),
    ("application:\n  method: link\n  url: http://jobs.example.org/apply?id=7&src=bot\n",
     ApplicationSettings("link", "http://jobs.example.org/apply?id=7&src=bot", None)),
])
def test_an_application_section_is_read(knowledge_copy: Path, section: str, expected):
    _with_application(knowledge_copy, section)
    (job,) = read_knowledge(knowledge_copy).jobs
    assert job.application == expected


@pytest.mark.parametrize("section, needle, field, message", [
    ("application:\n  method: email\n", "method: email",
     "application.method", "must be one of form, link, got 'email'"),
    ("application:\n  method: link\n", "method: link",
     "application.url", "is missing: method: link needs the url"),
    ("application:\n  method: link\n  url: javascript:alert(1)\n", "url: javascript:",
     "application.url", "must be an http:// or https:// address, got 'javascript:alert(1)'"),
    ("application:\n  method: link\n  url: careers.example.com/jobs/mle\n", "url: careers.",
     "application.url", "must be an http:// or https:// address"),
    ("application:\n  method: link\n  url:\n", "url:",
     "application.url", "must be an http:// or https:// address, got nothing"),
    ("application:\n  url: https://careers.example.com/jobs/mle\n", "url: https:",
     "application.url", "is only for method: link"),
    ("application:\n  method: form\n  url: https://careers.example.com/jobs/mle\n", "url: https:",
     "application.url", "is only for method: link"),
    ("application:\n  closes: 2027-02-30\n", "closes: 2027-02-30",
     "application.closes", "must be a date written YYYY-MM-DD (e.g. 2027-01-31), got str '2027-02-30'"),
    ("application:\n  closes: 31/01/2027\n", "closes: 31/01/2027",
     "application.closes", "must be a date written YYYY-MM-DD"),
    ("application:\n  closes: 2027-01-31 17:00\n", "closes: 2027-01-31 17:00",
     "application.closes", "must be a date written YYYY-MM-DD"),
    ("application:\n  closes: 2027\n", "closes: 2027",
     "application.closes", "got int 2027"),
    ("application:\n  method: form\n  deadline: 2027-01-31\n", "deadline:",
     "application.deadline", "unknown field (allowed: method, url, closes)"),
    ("application: https://careers.example.com/jobs/mle\n", "application:",
     "application", "must be a mapping with method, url and closes"),
])
def test_a_wrong_application_section_names_file_line_and_field(
        knowledge_copy: Path, section: str, needle: str, field: str, message: str):
    job = _with_application(knowledge_copy, section)
    (problem,) = _problems(knowledge_copy)
    assert problem.path == job
    assert problem.field == field
    assert problem.line == _line_of(job, needle)
    assert message in problem.message
    assert f"{job.name}:{problem.line}: {field}: " in str(problem)


def test_every_problem_of_an_application_section_is_reported(knowledge_copy: Path):
    _with_application(knowledge_copy,
                      "application:\n  method: link\n  url: ftp://example.com/x\n  closes: soon\n")
    problems = _problems(knowledge_copy)
    assert [p.field for p in problems] == ["application.url", "application.closes"]


def test_a_closing_date_elsewhere_stays_text(knowledge_copy: Path):
    """Dates are read as text everywhere (then checked where a date belongs), so an
    impossible date in another field is an ordinary problem, not a crash."""
    job = knowledge_copy / JOB
    _edit(job, "title: Machine Learning Engineer", "title: 2027-02-30")
    (job_spec,) = read_knowledge(knowledge_copy).jobs
    assert job_spec.title == "2027-02-30"


def test_application_settings_are_closed_only_after_the_closing_day():
    settings = ApplicationSettings("link", "https://careers.example.com/a", date(2027, 1, 31))
    assert not settings.is_closed(date(2027, 1, 30))
    assert not settings.is_closed(date(2027, 1, 31))  # applications are taken that day
    assert settings.is_closed(date(2027, 2, 1))
    assert not ApplicationSettings().is_closed(date(9999, 12, 31))
    assert settings.host == "careers.example.com" and ApplicationSettings().host is None
