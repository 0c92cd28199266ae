"""Reading conversations straight from Rasa's SQL tracker store (table `events`), to
verify that every message and reply was recorded, in order, whatever the server says."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Dict, List

from sqlalchemy import create_engine, text


@dataclass(frozen=True)
class Turn:
    kind: str  # "user" or "bot"
    text: str


def conversations(url: str) -> Dict[str, List[Turn]]:
    """sender id -> its user messages and bot replies, in the order they were stored."""
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT sender_id, type_name, data FROM events "
                "WHERE type_name IN ('user', 'bot') ORDER BY id")).all()
    finally:
        engine.dispose()
    result: Dict[str, List[Turn]] = {}
    for sender, kind, data in rows:
        result.setdefault(sender, []).append(Turn(kind, json.loads(data).get("text") or ""))
    return result


def conversation(url: str, sender: str) -> List[Turn]:
    return conversations(url).get(sender, [])
