"""A per-user limit on how many messages the bot answers, so one user cannot flood it."""
from __future__ import annotations

import time
from collections import deque
from typing import Callable, Deque, Dict


class RateLimiter:
    """At most `limit` messages per user in any `window` seconds (a sliding window).

    `allow` says whether to answer; `first_refusal` is True for the first refused message
    of a burst, so the user is told once, not once per message.
    """

    def __init__(self, limit: int, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic, max_users: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_users = max_users
        self._sent: Dict[str, Deque[float]] = {}
        self._told: Dict[str, float] = {}
        self.first_refusal = False

    def allow(self, user: str) -> bool:
        now = self.clock()
        stamps = self._sent.setdefault(user, deque())
        while stamps and now - stamps[0] >= self.window:
            stamps.popleft()
        if len(stamps) < self.limit:
            stamps.append(now)
            self._told.pop(user, None)
            self.first_refusal = False
            self._forget_idle(now)
            return True
        self.first_refusal = user not in self._told
        self._told[user] = now
        return False

    def _forget_idle(self, now: float) -> None:
        if len(self._sent) <= self.max_users:
            return
        for user in [u for u, s in self._sent.items() if not s or now - s[-1] >= self.window]:
            self._sent.pop(user, None)
            self._told.pop(user, None)
