"""Many roles: a partial name that fits several roles is asked about with a button each and
the question is answered once one is picked; an occupation the knowledge base does not
have is never answered with another role's facts, on a job page neither and even when NLU
did not tag it; questions about the asker's own job are declined."""
from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions.answer_topic import ActionAnswerTopic
from tests.actions.conftest import load_tracker
from tests.conftest import DENTAL_SALARY, ML_SALARY, PLATFORM_SALARY


def run(name, dispatcher, domain):
    return ActionAnswerTopic().answer(dispatcher, load_tracker(name), domain)


def test_a_name_that_fits_several_roles_asks_which_with_a_button_each(three_role_kb, dispatcher, domain):
    events = run("salary_of_engineers", dispatcher, domain)
    assert events == [SlotSet("page_role", None), SlotSet("pending_topic", "salary")]
    (message,) = dispatcher.messages
    assert message["response"] == "utter_ask_which_role"
    assert message["roles"] == "Machine Learning Engineer and Platform Engineer"
    assert message["buttons"] == [
        {"title": "Machine Learning Engineer", "payload": '/inform_role{"role": "Machine Learning Engineer"}'},
        {"title": "Platform Engineer", "payload": '/inform_role{"role": "Platform Engineer"}'},
    ]


def test_the_button_answers_the_question_that_was_asked(three_role_kb, dispatcher, domain):
    events = run("button_for_the_pending_question", dispatcher, domain)
    assert events == [SlotSet("page_role", None), SlotSet("role", "platform-engineer"),
                      SlotSet("pending_topic", None), SlotSet("last_topic", "salary")]
    (message,) = dispatcher.messages
    assert PLATFORM_SALARY in message["text"] and ML_SALARY not in message["text"]


def test_with_several_roles_and_no_clue_every_role_gets_a_button(two_role_kb, dispatcher, domain):
    run("salary_no_role", dispatcher, domain)
    (message,) = dispatcher.messages
    assert [b["title"] for b in message["buttons"]] == ["Dental Hygiene Coordinator",
                                                        "Machine Learning Engineer"]


def test_another_occupation_on_a_job_page_is_not_answered_with_the_page_role(two_role_kb, dispatcher, domain):
    events = run("salary_of_an_occupation_on_a_job_page", dispatcher, domain)
    assert events == [SlotSet("page_role", "dental-hygiene-coordinator"),
                      SlotSet("pending_topic", "salary")]
    (message,) = dispatcher.messages
    assert message["response"] == "utter_unknown_role" and message["mention"] == "dentist"
    assert not message.get("text")


def test_an_occupation_nlu_did_not_tag_is_still_unknown_in_a_one_role_kb(one_role_kb, dispatcher, domain):
    events = run("salary_of_an_occupation_nlu_missed", dispatcher, domain)
    assert events == [SlotSet("page_role", None), SlotSet("pending_topic", "salary")]
    (message,) = dispatcher.messages
    assert message["response"] == "utter_unknown_role" and message["mention"] == "geologist"
    assert message["roles"] == "Machine Learning Engineer"


def test_a_field_of_work_is_an_occupation_too(one_role_kb, dispatcher, domain):
    run("education_for_teaching", dispatcher, domain)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_unknown_role" and message["mention"] == "teaching"


def test_questions_about_the_askers_own_job_are_declined(one_role_kb, dispatcher, domain):
    for name in ("own_salary", "own_vacation_request", "own_pto_left"):
        dispatcher.messages.clear()
        assert run(name, dispatcher, domain) == []
        assert [m["response"] for m in dispatcher.messages] == ["utter_own_employment"]


def test_a_candidate_asking_what_their_salary_would_be_gets_the_roles_salary(one_role_kb, dispatcher, domain):
    events = run("salary_if_hired", dispatcher, domain)
    assert events == [SlotSet("page_role", None), SlotSet("role", "machine-learning-engineer"),
                      SlotSet("pending_topic", None), SlotSet("last_topic", "salary")]
    assert ML_SALARY in dispatcher.messages[0]["text"]


def test_a_comparison_gives_each_roles_own_facts_naming_the_role(three_role_kb, dispatcher, domain):
    events = run("compare_two_roles", dispatcher, domain)
    assert events == [SlotSet("page_role", None), SlotSet("role", "machine-learning-engineer"),
                      SlotSet("pending_topic", None), SlotSet("last_topic", "salary")]
    ml, platform = (m["text"] for m in dispatcher.messages)
    assert ml.startswith("**Machine Learning Engineer:**") and ML_SALARY in ml and PLATFORM_SALARY not in ml
    assert platform.startswith("**Platform Engineer:**") and PLATFORM_SALARY in platform


def test_a_comparison_with_an_occupation_we_lack_says_which_one_is_not_covered(three_role_kb, dispatcher, domain):
    run("compare_known_and_unknown", dispatcher, domain)
    answer, unknown = dispatcher.messages
    assert DENTAL_SALARY in answer["text"]
    assert unknown["response"] == "utter_unknown_role_brief" and unknown["mention"] == "data scientist"


def test_and_for_another_role_asks_the_last_question_again(three_role_kb, dispatcher, domain):
    events = run("follow_up_for_another_role", dispatcher, domain)
    assert events == [SlotSet("page_role", None), SlotSet("role", "platform-engineer"),
                      SlotSet("pending_topic", None), SlotSet("last_topic", "salary")]
    assert PLATFORM_SALARY in dispatcher.messages[0]["text"]


def test_a_role_named_alone_without_a_follow_up_word_gets_its_overview(three_role_kb, dispatcher, domain):
    events = run("role_named_for_the_first_time", dispatcher, domain)
    assert SlotSet("last_topic", "overview") in events
    assert "build and run the servers" in dispatcher.messages[0]["text"]


def test_part_of_a_role_name_that_nlu_tagged_is_that_role(three_role_kb, dispatcher, domain):
    run("part_of_a_role_name_tagged_by_nlu", dispatcher, domain)
    assert DENTAL_SALARY in dispatcher.messages[0]["text"]


def test_out_of_scope_naming_an_occupation_is_an_unknown_role_not_a_refusal(three_role_kb, dispatcher, domain):
    from actions.fallback import ActionOutOfScope

    events = ActionOutOfScope().answer(dispatcher, load_tracker("out_of_scope_naming_an_occupation"), domain)
    assert events == [SlotSet("page_role", None), SlotSet("pending_topic", "salary")]
    (message,) = dispatcher.messages
    assert message["response"] == "utter_unknown_role" and message["mention"] == "tax examiner"


def test_out_of_scope_naming_nothing_is_declined(three_role_kb, dispatcher, domain):
    from actions.fallback import ActionOutOfScope

    assert ActionOutOfScope().answer(dispatcher, load_tracker("out_of_scope"), domain) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_out_of_scope"]


def test_openings_for_an_occupation_we_lack_say_so(three_role_kb, dispatcher, domain):
    from actions.conversation import ActionListRoles

    assert ActionListRoles().answer(dispatcher, load_tracker("open_roles_for_an_occupation_we_lack"), domain) == []
    (message,) = dispatcher.messages
    assert message["response"] == "utter_unknown_role" and message["mention"] == "pharmacist"


def test_another_kind_of_engineer_nlu_tagged_is_not_the_engineer_role(one_role_kb, dispatcher, domain):
    """"engineer" alone would be the Machine Learning Engineer; NLU tagged "data engineer"."""
    events = run("skills_of_another_kind_of_engineer", dispatcher, domain)
    assert events == [SlotSet("page_role", None), SlotSet("pending_topic", "skills")]
    (message,) = dispatcher.messages
    assert message["response"] == "utter_unknown_role" and message["mention"] == "data engineer"


def test_a_follow_up_naming_a_role_keeps_the_last_topic_whatever_nlu_read(three_role_kb, dispatcher, domain):
    run("follow_up_nlu_read_as_another_topic", dispatcher, domain)
    assert PLATFORM_SALARY in dispatcher.messages[0]["text"]


def test_a_follow_up_with_a_question_of_its_own_gets_that_question(three_role_kb, dispatcher, domain):
    run("follow_up_with_its_own_question", dispatcher, domain)
    assert "Head of Infrastructure" in dispatcher.messages[0]["text"]


def test_a_follow_up_on_the_same_role_asks_its_own_topic(three_role_kb, dispatcher, domain):
    events = run("follow_up_about_the_same_role", dispatcher, domain)
    assert SlotSet("last_topic", "salary") in events and ML_SALARY in dispatcher.messages[0]["text"]


def test_naming_a_role_after_which_role_answers_the_waiting_question_whatever_nlu_read(
        three_role_kb, dispatcher, domain):
    events = run("pending_question_answered_by_naming_a_role", dispatcher, domain)
    assert events[-2:] == [SlotSet("pending_topic", None), SlotSet("last_topic", "working_hours")]
    (message,) = dispatcher.messages
    assert message["response"] == "utter_not_in_description"
    assert message["role_title"] == "Platform Engineer"
