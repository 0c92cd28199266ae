"""Applications and handoffs: references, retention, what is held, and forgetting."""
from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict

import pytest

from bot.candidates import REFERENCE_ALPHABET, CandidateStore, new_reference

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)


def apply(store: CandidateStore, sender: str = "s1", role: str = "registered-nurse",
          days: int = 180, now: datetime = T0, **extra):
    values: Dict[str, Any] = dict(sender_id=sender, role_slug=role, role_title=role.replace("-", " ").title(),
                  name="Jane Doe", email="Jane.Doe@Example.COM",
                  profile_url="linkedin.com/in/jane-doe", consent="consent-v1",
                  retention_days=days, now=now)
    values.update(extra)
    return store.add_application(**values)


def handoff(store: CandidateStore, sender: str = "s1", now: datetime = T0, **extra):
    values: Dict[str, Any] = dict(sender_id=sender, channel="socketio", role_slug="registered-nurse",
                  questions=["do you sponsor visas?"],
                  transcript=[("user", "do you sponsor visas?"), ("bot", "I don't know")],
                  application_reference=None, email="jane@example.com", now=now)
    values.update(extra)
    return store.add_handoff(**values)


def test_an_application_is_stored_normalised_and_found_by_its_reference(store):
    app = apply(store)
    assert re.fullmatch(r"APP-[%s]{6}" % REFERENCE_ALPHABET, app.reference)
    assert app.email == "Jane.Doe@example.com"
    assert app.profile_url == "https://linkedin.com/in/jane-doe"
    assert app.created_at == T0 and app.expires_at == T0 + timedelta(days=180)
    assert store.application(app.reference) == app
    # as a person types it back: lower case, spaces, without the prefix
    assert store.application(" " + app.reference.lower() + " ") == app
    assert store.application(app.reference[4:]) == app
    assert store.application("APP-ZZZZZZ") is None


def test_references_avoid_ambiguous_characters():
    for _ in range(500):
        body = new_reference()[4:]
        assert not set(body) & set("01OILUV")


def test_references_are_unique(store):
    refs = {apply(store, sender=f"s{i}").reference for i in range(200)}
    assert len(refs) == 200


def test_a_taken_reference_is_drawn_again(candidates_url):
    drawn = iter(["APP-AAAAAA", "APP-AAAAAA", "APP-BBBBBB"])
    store = CandidateStore(candidates_url, reference_factory=lambda: next(drawn))
    try:
        assert apply(store).reference == "APP-AAAAAA"
        assert apply(store, sender="s2").reference == "APP-BBBBBB"
        assert [a.sender_id for a in store.applications()] == ["s1", "s2"]
    finally:
        store.close()


def test_applications_by_role_oldest_first(store):
    first = apply(store, role="registered-nurse", now=T0)
    apply(store, role="data-engineer", now=T0 + timedelta(hours=1))
    third = apply(store, role="registered-nurse", now=T0 + timedelta(hours=2))
    assert [a.reference for a in store.applications("registered-nurse")] == [
        first.reference, third.reference]
    assert len(store.applications()) == 3
    assert store.applications("nobody") == []


@pytest.mark.parametrize("field, value, message", [
    ("email", "not an email", "email"),
    ("profile_url", "javascript:alert(1)", "profile URL"),
    ("retention_days", 0, "retention"),
])
def test_invalid_input_is_refused_without_echoing_it(store, field, value, message):
    with pytest.raises(ValueError) as raised:
        apply(store, **{field: value})
    assert message in str(raised.value)
    assert str(value) not in str(raised.value) or field == "retention_days"
    assert store.applications() == []


def test_no_profile_url_is_fine(store):
    assert apply(store, profile_url=None).profile_url is None
    assert apply(store, profile_url="  ").profile_url is None


def test_purge_removes_only_what_expired(store):
    short = apply(store, sender="short", days=30, now=T0)
    long = apply(store, sender="long", days=180, now=T0)
    old = handoff(store, sender="old", now=T0)
    recent = handoff(store, sender="recent", now=T0 + timedelta(days=100))

    assert store.purge_expired(now=T0 + timedelta(days=29)) == 0
    assert store.purge_expired(now=T0 + timedelta(days=31)) == 1
    assert store.application(short.reference) is None
    assert store.application(long.reference) is not None
    # handoffs: HANDOFF_RETENTION_DAYS, by default the application retention (180 days)
    assert store.purge_expired(now=T0 + timedelta(days=181)) == 2  # long + the old handoff
    assert [h.id for h in store.handoffs()] == [recent.id]
    assert old.id != recent.id


def test_handoff_retention_has_its_own_setting(store, monkeypatch):
    monkeypatch.setenv("HANDOFF_RETENTION_DAYS", "7")
    handoff(store, now=T0)
    app = apply(store, now=T0)
    assert store.purge_expired(now=T0 + timedelta(days=8)) == 1
    assert store.handoffs() == [] and store.application(app.reference) is not None


def test_retention_settings_are_checked(monkeypatch):
    from bot.settings import application_retention_days, handoff_retention_days

    monkeypatch.delenv("APPLICATION_RETENTION_DAYS", raising=False)
    monkeypatch.delenv("HANDOFF_RETENTION_DAYS", raising=False)
    assert application_retention_days() == 180 and handoff_retention_days() == 180
    monkeypatch.setenv("APPLICATION_RETENTION_DAYS", "90")
    assert application_retention_days() == 90 and handoff_retention_days() == 90
    monkeypatch.setenv("APPLICATION_RETENTION_DAYS", "six months")
    with pytest.raises(ValueError, match="APPLICATION_RETENTION_DAYS"):
        application_retention_days()
    monkeypatch.setenv("APPLICATION_RETENTION_DAYS", "0")
    with pytest.raises(ValueError, match="at least 1"):
        application_retention_days()


def test_candidates_database_url_setting(monkeypatch):
    from bot.settings import PROJECT_ROOT, candidates_database_url, database_url

    monkeypatch.delenv("CANDIDATES_DATABASE_URL", raising=False)
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    assert candidates_database_url() == f"sqlite:///{PROJECT_ROOT / 'var' / 'candidates.sqlite'}"
    assert candidates_database_url() != database_url()
    monkeypatch.setenv("CANDIDATES_DATABASE_URL", "postgresql://u@h/candidates")
    assert candidates_database_url() == "postgresql://u@h/candidates"


def test_handoff_lifecycle(store):
    h = handoff(store, application_reference="APP-AAAAAA")
    assert h.status == "queued" and h.slack_ts is None
    assert h.questions == ("do you sponsor visas?",)
    assert h.transcript == (("user", "do you sponsor visas?"), ("bot", "I don't know"))
    assert store.open_handoff_for("s1") == h
    assert [x.id for x in store.handoffs("queued")] == [h.id]

    posted = store.mark_posted(h.id, "C0123", "1700000000.000100")
    assert posted is not None and posted.status == "posted"
    assert (posted.slack_channel, posted.slack_ts) == ("C0123", "1700000000.000100")
    assert store.handoff_by_thread("C0123", "1700000000.000100") == posted
    assert store.handoff_by_thread("C0123", "1700000000.999999") is None
    assert store.handoffs("queued") == [] and store.handoffs("posted") == [posted]

    closed = store.close_handoff(h.id, now=T0 + timedelta(days=1))
    assert closed is not None and closed.status == "closed"
    assert closed.closed_at == T0 + timedelta(days=1)
    assert store.open_handoff_for("s1") is None
    # posting again does not reopen it
    again = store.mark_posted(h.id, "C0123", "1700000000.000100")
    assert again is not None and again.status == "closed"
    assert store.mark_posted(999, "C", "1") is None and store.close_handoff(999) is None
    with pytest.raises(ValueError):
        store.handoffs("lost")


def test_open_handoff_is_the_latest_open_one_of_that_sender(store):
    first = handoff(store, now=T0)
    second = handoff(store, now=T0 + timedelta(minutes=5))
    handoff(store, sender="other", now=T0 + timedelta(minutes=10))
    open_one = store.open_handoff_for("s1")
    assert open_one is not None and open_one.id == second.id
    store.close_handoff(second.id)
    open_one = store.open_handoff_for("s1")
    assert open_one is not None and open_one.id == first.id
    assert store.open_handoff_for("nobody") is None


def test_held_for_and_forget(store):
    mine = apply(store, sender="me", role="registered-nurse")
    apply(store, sender="me", role="data-engineer")
    theirs = apply(store, sender="them")
    handoff(store, sender="me")
    their_handoff = handoff(store, sender="them")

    held = store.held_for("me")
    assert [a.reference for a in held.applications][0] == mine.reference
    assert [a.role_slug for a in held.applications] == ["registered-nurse", "data-engineer"]
    assert held.handoffs == 1 and held.has_handoff and not held.nothing

    gone = store.forget("me")
    assert (gone.applications, gone.handoffs, gone.total) == (2, 1, 3)
    after = store.held_for("me")
    assert after.applications == () and after.handoffs == 0 and after.nothing
    # the others' rows are untouched
    assert [a.reference for a in store.applications()] == [theirs.reference]
    assert [h.id for h in store.handoffs()] == [their_handoff.id]
    assert store.forget("me").total == 0


def test_in_memory_database():
    store = CandidateStore("sqlite://")
    try:
        app = apply(store)
        assert store.application(app.reference) == app
    finally:
        store.close()


def test_the_sqlite_file_is_created_in_wal_mode(tmp_path: Path):
    path = tmp_path / "sub" / "candidates.sqlite"
    store = CandidateStore(f"sqlite:///{path}")
    try:
        apply(store)
    finally:
        store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"candidate_applications", "candidate_handoffs", "knowledge_gaps"} <= tables


def test_two_stores_on_one_file_both_write(candidates_url):
    """Two processes (here two engines) writing the same file: neither fails as locked."""
    a, b = CandidateStore(candidates_url), CandidateStore(candidates_url)
    try:
        for i in range(20):
            apply(a if i % 2 else b, sender=f"s{i}")
        assert len(a.applications()) == len(b.applications()) == 20
    finally:
        a.close()
        b.close()


def test_naive_now_is_taken_as_utc(store):
    app = apply(store, now=datetime(2025, 1, 1, 12, 0))
    assert app.created_at == T0
    assert store.application(app.reference).created_at == T0
