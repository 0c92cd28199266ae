""""Delete my data" deletes the conversation from the real SQL tracker store, and only
that conversation; the store is the one the generated endpoints file names."""
from __future__ import annotations

import asyncio
from pathlib import Path

import yaml
from rasa.core.tracker_store import create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from actions.privacy import FORGET_SLOT as ACTIONS_FORGET_SLOT
from harness.tracker_store import conversations
from rasa_ext import endpoints
from rasa_ext.tracker_store import FORGET_SLOT, ForgettingSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def _store(tmp_path: Path):
    """The tracker store Rasa builds from the endpoints file `make run` would write."""
    url = f"sqlite:///{tmp_path / 'tracker.sqlite'}"
    config = endpoints.build({"TRACKER_STORE_URL": url})["tracker_store"]
    return create_tracker_store(EndpointConfig.from_dict(config), DOMAIN), url


def _conversation(sender: str, *texts: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events(sender, [ActionExecuted("action_listen")],
                                               slots=DOMAIN.slots)
    for text in texts:
        tracker.update(UserUttered(text, {"name": "apply", "confidence": 0.9}))
        tracker.update(BotUttered(f"reply to {text}"))
        tracker.update(ActionExecuted("action_listen"))
    return tracker


def test_the_generated_endpoints_name_the_forgetting_store(tmp_path):
    store, _ = _store(tmp_path)
    inner = getattr(store, "_tracker_store", store)
    inner = getattr(inner, "_tracker_store", inner)
    assert isinstance(inner, ForgettingSQLTrackerStore)


def test_a_conversation_that_asked_to_be_forgotten_is_deleted_and_no_other(tmp_path):
    store, url = _store(tmp_path)
    mine = _conversation("candidate-1", "I'd like to apply", "Sam Taylor")
    other = _conversation("candidate-2", "what does it pay?")

    async def run() -> None:
        await store.save(mine)
        await store.save(other)
        assert set(conversations(url)) == {"candidate-1", "candidate-2"}
        mine.update(UserUttered("delete my data"))
        mine.update(ActionExecuted("action_delete_my_data"))
        mine.update(BotUttered("Done: I've deleted this conversation."))
        mine.update(SlotSet(FORGET_SLOT, True))
        await store.save(mine)

    asyncio.run(run())
    stored = conversations(url)
    assert "candidate-1" not in stored
    assert [t.text for t in stored["candidate-2"]] == ["what does it pay?",
                                                        "reply to what does it pay?"]


def test_the_action_and_the_store_agree_on_the_slot_and_the_domain_has_it():
    assert ACTIONS_FORGET_SLOT == FORGET_SLOT
    assert FORGET_SLOT in yaml.safe_load((ROOT / "domain.yml").read_text())["slots"]
