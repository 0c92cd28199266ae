"""`python -m bot kb import`: job descriptions as hiring teams have them become job files
whose every fact quotes the document exactly; bad input is refused, naming the file,
with nothing written."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Dict, List

import pytest

from bot.cli import main
from bot.importer import draft_job, import_file, split_abbreviation, topic_keys_of
from bot.jobfiles import read_knowledge, squash
from bot.sources import read_document
from tests.conftest import KNOWLEDGE

TOPIC_KEYS = topic_keys_of(KNOWLEDGE)


@pytest.fixture
def empty_knowledge(tmp_path: Path) -> Path:
    """A knowledge folder with the real topics and no role yet."""
    target = tmp_path / "knowledge"
    target.mkdir()
    shutil.copy(KNOWLEDGE / "topics.yml", target / "topics.yml")
    return target


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _import(knowledge: Path, *args: str) -> int:
    return main(["--knowledge", str(knowledge), "kb", "import", *args])


def _facts(knowledge: Path, slug: str) -> Dict[str, List[str]]:
    job = next(j for j in read_knowledge(knowledge).jobs if j.slug == slug)
    return {topic: [f.text for f in facts] for topic, facts in job.topics.items()}


def _only_contents(folder: Path) -> List[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


PLAIN = """\
Registered Nurse (RN)

About the role
Our medical-surgical unit cares for adults recovering from surgery. As a Registered Nurse (RN) you will plan and give bedside care.

Duties and Responsibilities
• Assess patients at the start of every shift and record vital signs
• Give medicines and treatments as prescribed
• Teach patients and families how to manage care at home
The RN reports to the Charge Nurse or Nurse Manager.

Requirements
– Current state RN licence and BLS certification
– Associate’s degree in nursing; a BSN is preferred
– At least 2 years of acute-care experience
– Calm, kind and patient under pressure

Salary
The pay range is $38.50–$47.25 per hour, depending on experience.
"""


def test_a_plain_text_posting_becomes_a_valid_job_file_with_exact_quotes(tmp_path, empty_knowledge, capsys):
    source = _write(tmp_path, "nurse.txt", PLAIN)
    assert _import(empty_knowledge, str(source)) == 0
    knowledge = read_knowledge(empty_knowledge)  # what `kb validate` checks
    (job,) = knowledge.jobs
    assert (job.slug, job.title, job.aliases) == ("registered-nurse", "Registered Nurse", ("RN",))
    facts = _facts(empty_knowledge, "registered-nurse")
    assert any("$38.50–$47.25 per hour" in t for t in facts["salary"])
    assert any("Charge Nurse or Nurse Manager" in t for t in facts["reporting"])
    assert any("Assess patients" in t for t in facts["duties"])
    assert any("RN licence" in t for t in facts["certifications"])
    assert any("BSN" in t for t in facts["education"])
    assert any("2 years" in t for t in facts["experience"])
    assert any("medical-surgical unit" in t for t in facts["overview"])
    # Bullets are gone from the texts, and every quote is in the stored source.
    source_text = squash(job.source.text)
    for topic_facts in job.topics.values():
        for fact in topic_facts:
            assert not fact.text.startswith(("•", "–", "-")), fact.text
            assert fact.quote in source_text
    assert job.source.path == empty_knowledge / "sources" / "registered-nurse.txt"
    out = capsys.readouterr().out
    assert "salary" in out and "nothing found for:" in out and "benefits" in out


def test_markdown_headings_bullets_bold_and_links(tmp_path, empty_knowledge):
    text = """\
# Staff Accountant

We are hiring a **Staff Accountant** to join our finance team.

## What you'll do
* Reconcile bank and credit-card accounts every month
- Prepare journal entries and the **month-end close**
1. Support the yearly audit

## Required Skills
- Advanced Excel, including pivot tables
- Bachelor's degree in accounting or finance
- CPA certification preferred
- 3+ years of experience in general-ledger accounting

## Compensation
- Base salary of $62,000 to $74,000 a year

## How to apply
Send your résumé through [our careers page](https://example.org/apply).
"""
    source = _write(tmp_path, "accountant.md", text)
    assert _import(empty_knowledge, str(source)) == 0
    facts = _facts(empty_knowledge, "staff-accountant")
    assert facts["duties"][:3] == ["Reconcile bank and credit-card accounts every month",
                                   "Prepare journal entries and the month-end close",
                                   "Support the yearly audit"]
    assert facts["skills"] == ["Advanced Excel, including pivot tables"]
    assert facts["education"] == ["Bachelor's degree in accounting or finance"]
    assert facts["certifications"] == ["CPA certification preferred"]
    assert facts["experience"] == ["3+ years of experience in general-ledger accounting"]
    assert facts["salary"] == ["Base salary of $62,000 to $74,000 a year"]
    assert facts["application_process"] == [
        "Send your résumé through our careers page (https://example.org/apply)."]
    source_text = (empty_knowledge / "sources" / "staff-accountant.txt").read_text()
    assert "**" not in source_text and "](" not in source_text and "# " not in source_text
    aliases = read_knowledge(empty_knowledge).jobs[0].aliases
    assert "Accountant" in aliases  # the title without its seniority word


HTML = """\
<!DOCTYPE html>
<html><head><title>Regional Truck Driver | Northwind Freight</title>
<style>body { font-family: serif; } .apply { color: red; }</style>
<script>window.tracking = "Drivers earn $9,999 per week";</script></head>
<body>
<nav><ul><li>Home</li><li>All jobs</li><li>Sign in</li></ul></nav>
<main>
<h1>Regional Truck Driver (CDL-A)</h1>
<p>Haul freight between our three depots &amp; customers across the valley.</p>
<h2>Key Responsibilities</h2>
<ul><li>Drive regional routes safely and on time</li>
<li>Inspect the truck before and after every trip</li></ul>
<h2>Qualifications</h2>
<ul><li>Valid Class A CDL with a clean driving record</li>
<li>1&ndash;3 years of tractor-trailer experience</li></ul>
<h2>Pay</h2>
<p>Drivers earn $0.62 per mile, about $1,350 per week.</p>
<dl><dt>Schedule</dt><dd>Four days on, three days off</dd></dl>
</main>
<footer><p>© Northwind Freight. Privacy policy. Careers home.</p></footer>
</body></html>
"""


def test_html_keeps_headings_and_list_items_and_drops_navigation_scripts_and_styles(
        tmp_path, empty_knowledge):
    source = _write(tmp_path, "driver.html", HTML)
    assert _import(empty_knowledge, str(source)) == 0
    (job,) = read_knowledge(empty_knowledge).jobs
    assert job.title == "Regional Truck Driver"  # "(CDL-A)" is no abbreviation of it
    facts = _facts(empty_knowledge, "regional-truck-driver")
    assert facts["duties"] == ["Drive regional routes safely and on time",
                               "Inspect the truck before and after every trip"]
    assert facts["certifications"] == ["Valid Class A CDL with a clean driving record"]
    assert facts["experience"] == ["1–3 years of tractor-trailer experience"]
    assert facts["salary"] == ["Drivers earn $0.62 per mile, about $1,350 per week."]
    assert facts["working_hours"] == ["Four days on, three days off"]
    stored = job.source.text
    for dropped in ("tracking", "$9,999", "font-family", "Sign in", "Privacy policy", "<"):
        assert dropped not in stored
    assert "depots & customers" in stored  # entities decoded


def test_label_value_box_curly_quotes_and_dash_bullets(tmp_path, empty_knowledge):
    text = """\
Job Title: Dental Hygienist
Department: Dental Care
Location: 14 Orchard Lane, Millbrook
Salary: $38–$46 per hour
Typical experience: 2–4 years

Duties and Responsibilities
– Clean and polish teeth and take X-rays
– Explain to patients how to care for their teeth at home

What we’re looking for
• A “gentle hands” approach and a friendly manner
"""
    source = _write(tmp_path, "hygienist.txt", text)
    assert _import(empty_knowledge, str(source)) == 0
    job = read_knowledge(empty_knowledge).jobs[0]
    assert job.title == "Dental Hygienist"
    salary = job.topics["salary"][0]
    assert (salary.label, salary.text, salary.quote) == ("Salary", "$38–$46 per hour",
                                                          "Salary: $38–$46 per hour")
    assert [f.text for f in job.topics["experience"]] == ["2–4 years"]
    assert [f.text for f in job.topics["work_location"]] == ["14 Orchard Lane, Millbrook"]
    assert [f.text for f in job.topics["duties"]] == [
        "Clean and polish teeth and take X-rays",
        "Explain to patients how to care for their teeth at home"]
    assert [f.text for f in job.topics["skills"]] == [
        "A “gentle hands” approach and a friendly manner"]
    assert all("Job Title" not in f.quote for facts in job.topics.values() for f in facts)


def test_prose_without_headings_lands_in_topics_by_what_the_sentences_state(tmp_path, empty_knowledge):
    text = (
        "Warehouse Associate Job Description\n\n"
        "Warehouse Associates keep our distribution centre moving by receiving, storing and "
        "shipping orders. The associate reports to the Shift Supervisor. The starting pay is "
        "$19.75 per hour. Applicants need a high school diploma or GED. At least one year of "
        "warehouse experience is preferred. A forklift certification is a plus. We also offer "
        "health insurance and paid time off.\n")
    source = _write(tmp_path, "associate.txt", text)
    assert _import(empty_knowledge, str(source)) == 0
    facts = _facts(empty_knowledge, "warehouse-associate")
    assert facts["reporting"] == ["The associate reports to the Shift Supervisor."]
    assert facts["salary"] == ["The starting pay is $19.75 per hour."]
    assert facts["education"] == ["Applicants need a high school diploma or GED."]
    assert facts["experience"] == ["At least one year of warehouse experience is preferred."]
    assert facts["certifications"] == ["A forklift certification is a plus."]
    assert facts["overview"][0].startswith("Warehouse Associates keep our distribution centre")
    assert facts["benefits"] == ["We also offer health insurance and paid time off."]


@pytest.mark.parametrize("heading, topics", [
    ("Responsibilities", ("duties",)),
    ("Duties and Responsibilities", ("duties",)),
    ("What you’ll do", ("duties",)),
    ("Key Responsibilities", ("duties",)),
    ("Requirements", ("skills",)),
    ("Qualifications", ("skills",)),
    ("Required Skills", ("skills",)),
    ("Preferred", ("skills",)),
    ("Education and Experience", ("education", "experience")),
    ("Salary", ("salary",)),
    ("Compensation", ("salary",)),
    ("Pay", ("salary",)),
    ("Reports to", ("reporting",)),
    ("Who you'll work with", ("reporting",)),
    ("Benefits", ("benefits",)),
    ("About the role", ("overview",)),
    ("Summary", ("overview",)),
    ("Working hours", ("working_hours",)),
    ("Location", ("work_location",)),
    ("How to apply", ("application_process",)),
    ("Licenses and Certifications", ("certifications",)),
    ("What does a Registered Nurse do?", ("overview", "duties")),
    ("Registered Nurse education requirements", ("education",)),
])
def test_section_headings_in_their_common_wordings(heading, topics):
    from bot.placement import heading_topics

    assert heading_topics(heading, "Registered Nurse") == topics


def test_a_sentence_the_importer_cannot_place_is_printed_not_dropped(tmp_path, empty_knowledge, capsys):
    text = PLAIN + "\nOur story\nThe hospital opened its doors in a converted farmhouse.\n"
    source = _write(tmp_path, "nurse.txt", text)
    assert _import(empty_knowledge, str(source)) == 0
    out = capsys.readouterr().out
    assert "not placed (1)" in out
    assert "The hospital opened its doors in a converted farmhouse." in out
    assert not any("farmhouse" in t for ts in _facts(empty_knowledge, "registered-nurse").values()
                   for t in ts)


@pytest.mark.parametrize("name, content, reason", [
    ("empty.txt", b"", "is empty"),
    ("blank.md", b"\n\n   \n# \n", "is empty"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    ("posting.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    ("posting.docx", b"PK\x03\x04\x14\x00\x06\x00", "office document"),
    ("latin1.txt", "Café manager, salaire élevé".encode("latin-1"), "not UTF-8"),
    ("recipe.txt", b"Apple Pie\n\nIngredients\n- 6 apples\n- 1 cup sugar\n\nMethod\n"
                   b"Peel the apples. Bake for 45 minutes.\n", "does not read as a job description"),
    # A README about job postings: an overview, a licence, a "reports" word, but nothing a
    # job involves or asks for.
    ("README.md", (Path(__file__).resolve().parents[1] / "fixtures" / "postings" / "README.md")
     .read_bytes(), "does not read as a job description"),
])
def test_bad_documents_are_refused_naming_the_file_and_nothing_is_written(
        tmp_path, empty_knowledge, capsys, name, content, reason):
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    before = _only_contents(empty_knowledge)
    assert _import(empty_knowledge, str(path)) == 1
    err = capsys.readouterr().err
    assert str(path) in err and reason in err
    assert _only_contents(empty_knowledge) == before


def test_an_unreadable_path_is_refused(tmp_path, empty_knowledge, capsys):
    missing = tmp_path / "nowhere" / "job.txt"
    assert _import(empty_knowledge, str(missing), str(tmp_path)) == 1
    err = capsys.readouterr().err
    assert f"{missing}: cannot be read" in err and f"{tmp_path}: is a folder" in err
    assert _only_contents(empty_knowledge) == ["topics.yml"]


def test_overwriting_a_role_is_refused_without_force(tmp_path, empty_knowledge, capsys):
    source = _write(tmp_path, "nurse.txt", PLAIN)
    assert _import(empty_knowledge, str(source)) == 0
    job_file = empty_knowledge / "jobs" / "registered-nurse.yml"
    job_file.write_text(job_file.read_text() + "# reviewed by the hiring team\n")
    changed = source.read_text().replace("$38.50–$47.25", "$40.00–$49.00")
    source.write_text(changed)
    assert _import(empty_knowledge, str(source)) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and "--force" in err and str(source) in err
    assert "reviewed by the hiring team" in job_file.read_text()  # untouched
    assert _import(empty_knowledge, "--force", str(source)) == 0
    assert "$40.00–$49.00" in " ".join(_facts(empty_knowledge, "registered-nurse")["salary"])


def test_title_and_slug_options_and_several_files_at_once(tmp_path, empty_knowledge, capsys):
    nurse = _write(tmp_path, "nurse.txt", PLAIN)
    driver = _write(tmp_path, "driver.html", HTML)
    assert _import(empty_knowledge, "--title", "A Title", str(nurse), str(driver)) == 2
    assert "exactly one FILE" in capsys.readouterr().err
    assert _import(empty_knowledge, "--title", "Night Nurse", "--slug", "nurse-nights", str(nurse)) == 0
    assert _import(empty_knowledge, str(driver), str(tmp_path / "missing.txt")) == 1
    slugs = sorted(j.slug for j in read_knowledge(empty_knowledge).jobs)
    assert slugs == ["nurse-nights", "regional-truck-driver"]  # the good file still imported
    assert "1 of 2 file(s) not imported" in capsys.readouterr().err


def test_a_title_another_role_already_has_is_refused_and_a_shared_alias_left_out(
        tmp_path, empty_knowledge, capsys):
    assert _import(empty_knowledge, str(_write(tmp_path, "nurse.txt", PLAIN))) == 0
    assert _import(empty_knowledge, "--slug", "rn-two", str(_write(tmp_path, "n2.txt", PLAIN))) == 1
    assert "already a name of the role 'registered-nurse'" in capsys.readouterr().err
    senior = PLAIN.replace("Registered Nurse (RN)\n", "Senior Registered Nurse\n", 1)
    assert _import(empty_knowledge, str(_write(tmp_path, "senior.txt", senior))) == 0
    out = capsys.readouterr().out
    assert "alias 'Registered Nurse' left out" in out
    read_knowledge(empty_knowledge)  # still valid: no two roles share a name


@pytest.mark.parametrize("title, expected", [
    ("Registered Nurse (RN)", ("Registered Nurse", "RN")),
    ("Certified Nursing Assistant (CNA)", ("Certified Nursing Assistant", "CNA")),
    ("Senior Software Developer (SSD)", ("Senior Software Developer", "SSD")),
    ("Regional Truck Driver (CDL-A)", ("Regional Truck Driver", None)),
    ("Accountant (Remote)", ("Accountant", None)),
    ("Dental Hygienist", ("Dental Hygienist", None)),
])
def test_abbreviations_the_title_gives_become_aliases(title, expected):
    assert split_abbreviation(title) == expected


@pytest.mark.parametrize("first_line, title", [
    ("Job Title: Payroll Clerk", "Payroll Clerk"),
    ("Payroll Clerk Job Description", "Payroll Clerk"),
    ("What does a Payroll Clerk do?", "Payroll Clerk"),
    ("Now hiring: Payroll Clerk", "Payroll Clerk"),
    ("Payroll Clerk", "Payroll Clerk"),
])
def test_the_title_is_found_in_the_document(tmp_path, first_line, title):
    body = ("\n\nResponsibilities\n- Process weekly payroll for 300 staff\n- Answer pay questions\n"
            "\nRequirements\n- 2 years of payroll experience\n")
    draft = import_file(_write(tmp_path, "clerk.txt", first_line + body), TOPIC_KEYS)
    assert draft.title == title and draft.slug == "payroll-clerk"


def test_a_document_without_a_title_needs_one(tmp_path, empty_knowledge, capsys):
    text = ("Responsibilities\n- Process weekly payroll for 300 staff\n\n"
            "Requirements\n- 2 years of payroll experience\n- An associate degree in accounting\n")
    source = _write(tmp_path, "untitled.txt", text)
    assert _import(empty_knowledge, str(source)) == 1
    assert f"{source}: no job title found" in capsys.readouterr().err
    assert _import(empty_knowledge, "--title", "Payroll Clerk", str(source)) == 0


def test_texts_never_state_a_figure_their_quote_does_not(tmp_path):
    draft = draft_job(read_document(_write(tmp_path, "nurse.txt", PLAIN)), TOPIC_KEYS)
    for facts in draft.topics.values():
        for fact in facts:
            assert fact.text in fact.quote or fact.text[1:] in fact.quote, fact
