"""Applying in the chat: what the form takes as an answer, what it leaves to the rules (a
question in the middle), corrections, consent, and what is stored (a real candidates
database)."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional

import pytest
from rasa_sdk.events import ActiveLoop, SlotSet

from actions.apply import (FORM_SLOTS, METHOD_SLOT, ActionCancelApplication,
                           ActionStartApplication, ActionSubmitApplication, ValidateApplyForm,
                           name_in)
from actions.records import candidate_store
from bot.settings import application_retention_days
from tests.actions.conftest import load_tracker

DOMAIN = {"forms": {"apply_form": {"required_slots": ["applicant_name", "applicant_email",
                                                      "applicant_profile",
                                                      "application_consent"]}}}


def _answering(slot: str, text: str, intent: str = "inform", confidence: float = 0.9,
               entities: Optional[list] = None, **slots: Any):
    tracker = load_tracker("applying")
    tracker.slots.update({"requested_slot": slot, **slots})
    tracker.latest_message.update({"text": text, "entities": entities or [],
                                   "intent": {"name": intent, "confidence": confidence}})
    return tracker


def _run_form(dispatcher, tracker) -> Dict[str, Any]:
    events = asyncio.run(ValidateApplyForm().run(dispatcher, tracker, DOMAIN))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


@pytest.mark.parametrize("text,name", [
    ("Sam Taylor", "Sam Taylor"), ("my name is Priya Sharma", "Priya Sharma"),
    ("I'm Jordan O'Neil", "Jordan O'Neil"), ("José Álvarez-Ruiz", "José Álvarez-Ruiz"),
    ("sam.taylor@example.com", None), ("12345", None), ("what does it pay?", None),
    ("a b c d e f g h", None)])
def test_a_name_is_recognised_and_nothing_else_is(text, name):
    assert name_in(text) == name


def test_a_name_fills_the_name(dispatcher):
    assert _run_form(dispatcher, _answering("applicant_name", "my name is Sam Taylor")) == {
        "applicant_name": "Sam Taylor"}
    assert dispatcher.messages == []


def test_a_question_while_asked_the_name_is_left_to_the_rules(dispatcher):
    """Nothing filled: Rasa's form rejects, the rule answers the question, the form asks again."""
    tracker = _answering("applicant_name", "what does it pay?", intent="ask_salary")
    assert _run_form(dispatcher, tracker) == {}
    assert dispatcher.messages == []


def test_a_confident_role_question_without_a_question_mark_is_not_a_name(dispatcher):
    tracker = _answering("applicant_name", "salary range", intent="ask_salary", confidence=0.95)
    assert _run_form(dispatcher, tracker) == {}


def test_something_that_is_no_name_is_asked_again(dispatcher):
    tracker = _answering("applicant_name", "1234 5678", intent="nlu_fallback", confidence=0.3)
    assert _run_form(dispatcher, tracker) == {"applicant_name": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_invalid_name"]


def test_an_email_is_taken_from_a_sentence_and_normalised(dispatcher):
    tracker = _answering("applicant_email", "sure, it's Sam.Taylor@Example.COM thanks",
                         applicant_name="Sam Taylor")
    assert _run_form(dispatcher, tracker) == {"applicant_email": "Sam.Taylor@example.com"}


def test_a_broken_email_is_refused_with_the_reason(dispatcher):
    tracker = _answering("applicant_email", "sam.taylor@example", applicant_name="Sam Taylor")
    assert _run_form(dispatcher, tracker) == {"applicant_email": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_invalid_email"]


def test_the_profile_link_is_optional(dispatcher):
    tracker = _answering("applicant_profile", "/deny", intent="deny", confidence=1.0,
                         applicant_name="Sam Taylor", applicant_email="sam@example.com")
    assert _run_form(dispatcher, tracker) == {"applicant_profile": "skipped"}


def test_a_profile_link_without_a_scheme_is_completed(dispatcher):
    tracker = _answering("applicant_profile", "linkedin.com/in/sam-taylor",
                         applicant_name="Sam Taylor", applicant_email="sam@example.com")
    assert _run_form(dispatcher, tracker) == {
        "applicant_profile": "https://linkedin.com/in/sam-taylor"}


@pytest.mark.parametrize("intent,consent", [("affirm", True), ("deny", False)])
def test_consent_is_a_yes_or_a_no(dispatcher, intent, consent):
    tracker = _answering("application_consent", "yes" if consent else "no", intent=intent,
                         applicant_name="Sam Taylor", applicant_email="sam@example.com",
                         applicant_profile="skipped")
    assert _run_form(dispatcher, tracker) == {"application_consent": consent}


def test_a_correction_forgets_that_answer_and_the_consent(dispatcher):
    tracker = _answering("application_consent", "my email is wrong", intent="correct_field",
                         entities=[{"entity": "application_field", "value": "email"}],
                         applicant_name="Sam Taylor", applicant_email="sam@exmaple.com",
                         applicant_profile="skipped")
    assert _run_form(dispatcher, tracker) == {"applicant_email": None,
                                              "application_consent": None}


def test_a_correction_without_the_field_asks_which(dispatcher):
    tracker = _answering("application_consent", "/correct_field", intent="correct_field",
                         confidence=1.0, applicant_name="Sam Taylor",
                         applicant_email="sam@example.com", applicant_profile="skipped")
    assert _run_form(dispatcher, tracker) == {"application_consent": None}
    (message,) = dispatcher.messages
    assert [b["title"] for b in message["buttons"]] == ["My name", "My email", "My profile"]


def _complete(consent: bool):
    return _answering("application_consent", "yes", intent="affirm", requested_slot=None,
                      applicant_name="Sam Taylor", applicant_email="sam@example.com",
                      applicant_profile="https://example.com/cv.pdf",
                      application_consent=consent)


def test_an_application_with_consent_is_stored_and_its_reference_given(one_role_kb, dispatcher, domain):
    events = ActionSubmitApplication().answer(dispatcher, _complete(True), domain)
    (stored,) = candidate_store().applications()
    assert (stored.name, stored.email, stored.profile_url, stored.role_slug, stored.sender_id) == (
        "Sam Taylor", "sam@example.com", "https://example.com/cv.pdf",
        "machine-learning-engineer", "applicant-1")
    assert (stored.expires_at - stored.created_at).days == application_retention_days()
    (message,) = dispatcher.messages
    assert stored.reference in message["text"] and "Machine Learning Engineer" in message["text"]
    assert SlotSet("application_reference", stored.reference) in events
    # The form's answers are cleared, except the email a handoff may still need.
    assert SlotSet("applicant_name", None) in events
    assert SlotSet("applicant_email", None) not in events


def test_without_consent_nothing_is_stored(one_role_kb, dispatcher, domain):
    events = ActionSubmitApplication().answer(dispatcher, _complete(False), domain)
    assert candidate_store().applications() == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_application_declined"]
    assert SlotSet("applicant_email", None) in events


def test_a_database_failure_is_a_polite_reply_and_keeps_nothing(one_role_kb, dispatcher, domain,
                                                               monkeypatch, tmp_path):
    monkeypatch.setenv("CANDIDATES_DATABASE_URL", f"sqlite:///{tmp_path}")  # a folder
    candidate_store.cache_clear()
    ActionSubmitApplication().answer(dispatcher, _complete(True), domain)
    (message,) = dispatcher.messages
    assert "couldn't save your application" in message["text"]


def test_cancelling_leaves_the_form_and_forgets_its_answers(dispatcher, domain):
    tracker = _answering("applicant_email", "cancel", intent="stop")
    events = asyncio.run(ActionCancelApplication().run(dispatcher, tracker, domain))
    assert events == [ActiveLoop(None)] + [SlotSet(s, None) for s in FORM_SLOTS] + [
        SlotSet("requested_slot", None)]


def test_starting_names_the_role_and_starts_the_form(one_role_kb, dispatcher, domain):
    tracker = load_tracker("skills_role_in_slot")
    tracker.latest_message.update({"text": "I'd like to apply",
                                   "intent": {"name": "apply", "confidence": 0.95}})
    events = ActionStartApplication().answer(dispatcher, tracker, domain)
    assert events == [SlotSet("role", "machine-learning-engineer"),
                      SlotSet("apply_role", "machine-learning-engineer"),
                      SlotSet("apply_role_title", "Machine Learning Engineer"),
                      SlotSet(METHOD_SLOT, "form")]
    assert dispatcher.messages == []


@pytest.fixture
def roles_with_settings(tmp_path, monkeypatch, knowledge_copy):
    """The one-role knowledge plus the careers site's test roles: Pharmacy Technician
    (applications on the employer's page) and Forklift Operator (closed in 2020)."""
    import shutil

    from actions.knowledge import knowledge_base
    from bot.loader import load_knowledge
    from tests.conftest import FIXTURES, sqlite_url

    for slug in ("pharmacy-technician", "forklift-operator"):
        shutil.copy(FIXTURES.parent / "site" / "fixtures" / "knowledge" / "jobs" / f"{slug}.yml",
                    knowledge_copy / "jobs")
        shutil.copy(FIXTURES.parent / "site" / "fixtures" / "knowledge" / "sources" / f"{slug}.txt",
                    knowledge_copy / "sources")
    url = sqlite_url(tmp_path / "kb-settings.sqlite")
    load_knowledge(knowledge_copy, url)
    monkeypatch.setenv("KB_DATABASE_URL", url)
    knowledge_base.cache_clear()
    yield knowledge_base()
    knowledge_base.cache_clear()


def _applying_for(title: str):
    tracker = load_tracker("skills_role_in_slot")
    tracker.slots["role"] = None
    tracker.latest_message.update({"text": f"I'd like to apply for the {title} job",
                                   "intent": {"name": "apply", "confidence": 0.95}})
    return tracker


def test_a_role_taking_applications_elsewhere_gets_its_link_and_no_form(roles_with_settings,
                                                                        dispatcher, domain):
    role = roles_with_settings.role("pharmacy-technician")
    events = ActionStartApplication().answer(dispatcher, _applying_for(role.title), domain)
    assert events == [SlotSet("role", role.slug), SlotSet(METHOD_SLOT, "elsewhere")]
    (message,) = dispatcher.messages
    assert role.application.url in message["text"]


def test_a_closed_role_says_so_and_takes_nothing(roles_with_settings, dispatcher, domain):
    role = roles_with_settings.role("forklift-operator")
    events = ActionStartApplication().answer(dispatcher, _applying_for(role.title), domain)
    assert events == [SlotSet("role", role.slug), SlotSet(METHOD_SLOT, "elsewhere")]
    (message,) = dispatcher.messages
    assert "closed on" in message["text"] and str(role.application.closes.year) in message["text"]


def test_with_several_roles_and_none_named_it_asks_which_with_buttons(roles_with_settings,
                                                                     dispatcher, domain):
    tracker = _applying_for("")
    tracker.latest_message["text"] = "I'd like to apply"
    events = ActionStartApplication().answer(dispatcher, tracker, domain)
    assert events == [SlotSet(METHOD_SLOT, "elsewhere")]
    (message,) = dispatcher.messages
    assert message["response"] == "utter_ask_which_role_to_apply"
    assert {b["payload"] for b in message["buttons"]} >= {
        '/apply{"role": "Pharmacy Technician"}', '/apply{"role": "Machine Learning Engineer"}'}


def test_how_to_apply_ends_with_the_way_to_apply_for_that_role(roles_with_settings, dispatcher,
                                                               domain):
    from actions.answer_topic import ActionAnswerTopic

    for slug, expected in (("machine-learning-engineer", '/apply{"role": "Machine Learning Engineer"}'),
                           ("pharmacy-technician", None), ("forklift-operator", None)):
        role = roles_with_settings.role(slug)
        tracker = _applying_for(role.title)
        tracker.latest_message.update({"text": f"how do I apply for the {role.title} job?",
                                       "intent": {"name": "ask_application_process",
                                                  "confidence": 0.9}})
        dispatcher.messages.clear()
        ActionAnswerTopic().answer(dispatcher, tracker, domain)
        last = dispatcher.messages[-1]
        if expected:
            assert [b["payload"] for b in last["buttons"]] == [expected]
        elif role.application.method == "link":
            assert role.application.url in last["text"]
        else:
            assert "closed on" in last["text"]


def test_a_correction_naming_the_field_in_words_is_understood_without_an_entity(dispatcher):
    tracker = _answering("application_consent", "oops, wrong e-mail", intent="correct_field",
                         applicant_name="Sam Taylor", applicant_email="sam@exmaple.com",
                         applicant_profile="skipped")
    assert _run_form(dispatcher, tracker) == {"applicant_email": None,
                                              "application_consent": None}


def test_an_unsure_yes_still_answers_the_consent_question(dispatcher):
    tracker = _answering("application_consent", "yes that's all fine by me",
                         intent="nlu_fallback", confidence=0.55, applicant_name="Sam Taylor",
                         applicant_email="sam@example.com", applicant_profile="skipped")
    tracker.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.55},
                                                {"name": "affirm", "confidence": 0.41},
                                                {"name": "thank", "confidence": 0.3}]
    assert _run_form(dispatcher, tracker) == {"application_consent": True}
