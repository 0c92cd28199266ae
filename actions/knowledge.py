"""The action server's one connection to the knowledge base, checked at start-up."""
from __future__ import annotations

import logging
from functools import lru_cache

from bot import KnowledgeBase, KnowledgeBaseUnavailable

log = logging.getLogger(__name__)


@lru_cache(maxsize=None)
def knowledge_base() -> KnowledgeBase:
    """The shared KnowledgeBase (pooled connections; URL from KB_DATABASE_URL)."""
    return KnowledgeBase()


def check_at_startup() -> None:
    """Tell the operator at once if the knowledge base cannot be read; keep serving."""
    kb = knowledge_base()
    try:
        count = kb.check()
    except KnowledgeBaseUnavailable as exc:
        log.error("Knowledge base unavailable at start-up: %s", exc)
    else:
        # Build the role and occupation matchers now, not on a candidate's first message.
        kb.mentions("warm-up")
        log.info("Knowledge base ready: %d role(s)", count)
