"""A polite reply instead of silence when the action server cannot answer.

Rasa 3.6 logs a stack trace and sends the user nothing when a custom action fails
(action server down, timing out, or answering 5xx). We wrap RemoteAction.run so the user
gets the `utter_lookup_unavailable` response and the operator one clear log line; the
conversation goes on normally once the action server is back.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, List

from rasa.core.actions.action import ActionBotResponse, ActionExecutionRejection, RemoteAction

if TYPE_CHECKING:
    from rasa.shared.core.events import Event

log = logging.getLogger(__name__)

FALLBACK_RESPONSE = "utter_lookup_unavailable"


class _DropRasasConnectLine(logging.Filter):
    """Rasa logs its own line before raising on a refused connection; ours replaces it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Couldn't connect to the server" not in record.getMessage()


def install_action_fallback() -> None:
    """Wrap RemoteAction.run once; safe to call again."""
    original = RemoteAction.run
    if getattr(original, "_with_fallback", False):
        return

    async def run_with_fallback(self: RemoteAction, output_channel: Any, nlg: Any,
                                tracker: Any, domain: Any) -> List["Event"]:
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure of the remote call
            cause = exc.__cause__ or exc
            url = getattr(self.action_endpoint, "url", None)
            log.error("Action server failed to run %s at %s (%s: %s); "
                      "replied with %s", self.name(), url, type(cause).__name__,
                      cause, FALLBACK_RESPONSE)
            return await ActionBotResponse(FALLBACK_RESPONSE).run(
                output_channel, nlg, tracker, domain)

    run_with_fallback._with_fallback = True  # type: ignore[attr-defined]
    RemoteAction.run = run_with_fallback
    logging.getLogger("rasa.core.actions.action").addFilter(_DropRasasConnectLine())
