"""Check the action server's responses against Rasa's schema without re-checking the schema.

Rasa 3.6 validates every custom action's response with `jsonschema.validate`, which first
validates the (constant) schema itself against the JSON Schema 2020-12 metaschema: about
55 ms of CPU per action call on our machines, half of what a whole message costs. We
compile the validator once and keep Rasa's behaviour otherwise: a malformed response
still raises `ValidationError` with Rasa's message (and our action fallback then gives
the user a polite reply).
"""
from __future__ import annotations

from typing import Any, Dict

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_SCHEMA = RemoteAction.action_response_format_spec()
_VALIDATOR_CLASS = validators.validator_for(_SCHEMA)
_VALIDATOR_CLASS.check_schema(_SCHEMA)  # once, at import
_VALIDATOR = _VALIDATOR_CLASS(_SCHEMA)


def validate_action_response(response: Dict[str, Any]) -> bool:
    """True for a well-formed response; otherwise Rasa's ValidationError."""
    error = best_match(_VALIDATOR.iter_errors(response))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response "
        "from the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions")
    raise error


def install_fast_action_response_check() -> None:
    """Replace RemoteAction._validate_action_result; safe to call again."""

    def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
        return validate_action_response(result)

    RemoteAction._validate_action_result = _validate_action_result

