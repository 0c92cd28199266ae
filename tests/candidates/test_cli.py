"""python -m bot candidates / handoffs / kb gaps, through bot.cli.main."""
from __future__ import annotations

import csv
import io
import json
import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.cli import EXPORT_FIELDS, main
from tests.candidates.test_store import apply, handoff

NOW = datetime.now(timezone.utc)


def run(capsys, url: str, *argv: str):
    code = main(["--candidates-db", url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_and_filter_by_role(capsys, store, candidates_url):
    nurse = apply(store, role="registered-nurse", now=NOW)
    engineer = apply(store, role="data-engineer", now=NOW)
    code, out, _ = run(capsys, candidates_url, "candidates", "list")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2 and lines[0].startswith(nurse.reference) and engineer.reference in lines[1]
    assert "registered-nurse" in lines[0] and "Jane.Doe@example.com" in lines[0]
    code, out, _ = run(capsys, candidates_url, "candidates", "list", "--role", "data-engineer")
    assert code == 0 and out.splitlines() == [lines[1]]


def test_show(capsys, store, candidates_url):
    app = apply(store, now=NOW)
    code, out, _ = run(capsys, candidates_url, "candidates", "show", app.reference.lower())
    assert code == 0
    assert f"reference:    {app.reference}" in out
    assert "https://linkedin.com/in/jane-doe" in out and "consent-v1" in out
    code, out, err = run(capsys, candidates_url, "candidates", "show", "APP-ZZZZZZ")
    assert code == 1 and out == "" and "no application" in err


def test_csv_export_header_and_rows(capsys, store, candidates_url):
    first = apply(store, sender="s1", now=NOW)
    second = apply(store, sender="s2", name="=HYPERLINK(\"http://evil\")", profile_url=None,
                   now=NOW + timedelta(seconds=1))
    code, out, _ = run(capsys, candidates_url, "candidates", "export")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(EXPORT_FIELDS)
    assert rows[0][:3] == ["reference", "created_at", "expires_at"]
    assert len(rows) == 3
    as_dicts = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert as_dicts[0]["reference"] == first.reference
    assert as_dicts[0]["email"] == "Jane.Doe@example.com"
    assert as_dicts[0]["created_at"] == first.created_at.isoformat(timespec="seconds")
    assert as_dicts[1]["reference"] == second.reference and as_dicts[1]["profile_url"] == ""
    # a formula typed as a name stays text in a spreadsheet
    assert as_dicts[1]["name"].startswith("'=")


def test_json_export_to_a_private_file(capsys, store, candidates_url, tmp_path: Path):
    app = apply(store, now=NOW)
    out_file = tmp_path / "export.json"
    code, out, err = run(capsys, candidates_url, "candidates", "export", "--format", "json",
                         "--out", str(out_file))
    assert code == 0 and out == "" and "exported 1 application(s)" in err
    (row,) = json.loads(out_file.read_text())
    assert list(row) == list(EXPORT_FIELDS)
    assert row["reference"] == app.reference and row["profile_url"] == app.profile_url
    if os.name == "posix":
        assert stat.S_IMODE(out_file.stat().st_mode) == 0o600


def test_purge(capsys, store, candidates_url):
    expired = apply(store, days=1, now=NOW - timedelta(days=2))
    kept = apply(store, days=180, now=NOW)
    code, out, _ = run(capsys, candidates_url, "candidates", "purge")
    assert code == 0 and out.strip() == "removed 1 expired record(s) (applications and handoffs)"
    assert store.application(expired.reference) is None
    assert store.application(kept.reference) is not None


def test_handoffs_list(capsys, store, candidates_url):
    queued = handoff(store, sender="a", now=NOW)
    posted = handoff(store, sender="b", now=NOW + timedelta(seconds=1))
    store.mark_posted(posted.id, "C42", "1700000000.1")
    code, out, _ = run(capsys, candidates_url, "handoffs", "list")
    assert code == 0 and len(out.splitlines()) == 2
    code, out, _ = run(capsys, candidates_url, "handoffs", "list", "--status", "posted")
    (line,) = out.splitlines()
    assert line.startswith(f"#{posted.id}  ") and "posted" in line and "C42" in line
    code, out, _ = run(capsys, candidates_url, "handoffs", "list", "--status", "queued")
    (line,) = out.splitlines()
    assert line.startswith(f"#{queued.id}  ") and "1 question(s)" in line


def test_kb_gaps(capsys, gap_log, candidates_url):
    for question in ("is there a pension?", "do you offer a pension?"):
        gap_log.record(role_slug="registered-nurse", topic="benefits", question=question,
                       reason="not_described")
    gap_log.record(role_slug="data-engineer", topic="visa", question="visa?",
                   reason="not_described", now=NOW - timedelta(days=10))
    code, out, _ = run(capsys, candidates_url, "kb", "gaps")
    assert code == 0
    assert out.splitlines() == [
        'registered-nurse  benefits  2 question(s)  e.g. "do you offer a pension?"',
        'data-engineer     visa      1 question(s)  e.g. "visa?"',
    ]
    code, out, _ = run(capsys, candidates_url, "kb", "gaps", "--days", "7")
    assert [line.split()[0] for line in out.splitlines()] == ["registered-nurse"]
    code, out, _ = run(capsys, candidates_url, "kb", "gaps", "--role", "data-engineer")
    assert [line.split()[0] for line in out.splitlines()] == ["data-engineer"]
    code, out, err = run(capsys, candidates_url, "kb", "gaps", "--role", "nobody")
    assert code == 0 and out == "" and "no unanswered questions" in err


def test_candidates_db_comes_from_the_environment(capsys, store, candidates_url, monkeypatch):
    apply(store, now=NOW)
    monkeypatch.setenv("CANDIDATES_DATABASE_URL", candidates_url)
    assert main(["candidates", "list"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_forget_by_reference(capsys, store, candidates_url):
    mine = apply(store, sender="me", now=NOW)
    apply(store, sender="me", role="data-engineer", now=NOW)
    handoff(store, sender="me", now=NOW)
    theirs = apply(store, sender="them", now=NOW)
    code, out, _ = run(capsys, candidates_url, "candidates", "forget", mine.reference)
    assert code == 0 and out.strip() == "deleted 2 application(s) and 1 handoff(s)"
    assert store.held_for("me").nothing
    assert [a.reference for a in store.applications()] == [theirs.reference]
    code, _, err = run(capsys, candidates_url, "candidates", "forget", mine.reference)
    assert code == 1 and "no application" in err
