"""The action server's responses are checked exactly as Rasa checks them, but without
validating Rasa's constant schema against the metaschema on every message (55 ms each)."""
from __future__ import annotations

import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from rasa_ext.action_response import install_fast_action_response_check, validate_action_response

WELL_FORMED = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "role", "value": "Machine Learning Engineer"}],
     "responses": [{"text": "It pays $120,000 a year.", "buttons": []}]},
    {"responses": [{"response": "utter_greet"}]},
    {},
]
MALFORMED = [
    {"events": "slot role"},
    {"events": [{"name": "role"}]},
    {"events": [{"event": 42}]},
    {"responses": "hello"},
]


def rasa_validate(response: dict) -> None:
    """What Rasa 3.6 itself does in RemoteAction._validate_action_result."""
    jsonschema.validate(response, RemoteAction.action_response_format_spec())


@pytest.mark.parametrize("response", WELL_FORMED)
def test_a_well_formed_response_is_accepted_as_rasa_accepts_it(response):
    rasa_validate(response)
    assert validate_action_response(response) is True


@pytest.mark.parametrize("response", MALFORMED)
def test_a_malformed_response_is_refused_with_rasas_error(response):
    with pytest.raises(ValidationError) as rasas:
        rasa_validate(response)
    with pytest.raises(ValidationError) as ours:
        validate_action_response(response)
    assert ours.value.message.startswith(rasas.value.message)
    assert "Failed to validate Action server response" in ours.value.message


def test_the_schema_is_not_checked_again_for_each_response(monkeypatch):
    original = RemoteAction._validate_action_result
    try:
        install_fast_action_response_check()
        install_fast_action_response_check()  # twice is harmless
        calls = []
        validator_class = jsonschema.validators.validator_for(
            RemoteAction.action_response_format_spec())
        monkeypatch.setattr(validator_class, "check_schema",
                            classmethod(lambda cls, schema, *a, **k: calls.append(schema)))
        action = RemoteAction("action_answer_topic", None)
        for response in WELL_FORMED:
            assert action._validate_action_result(response) is True
        with pytest.raises(ValidationError):
            action._validate_action_result(MALFORMED[0])
        assert calls == []
    finally:
        RemoteAction._validate_action_result = original
