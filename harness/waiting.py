"""Waiting in tests for something a real server or browser does in its own time."""
from __future__ import annotations

import time
from typing import Callable, Optional, TypeVar

T = TypeVar("T")


def wait_for(condition: Callable[[], Optional[T]], seconds: float, what: str,
             interval: float = 0.2, describe: Optional[Callable[[], str]] = None) -> T:
    """The first truthy value of `condition()` within `seconds`; else an AssertionError
    naming `what` (and, with `describe`, what there was to see instead)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    seen = f"; {describe()}" if describe else ""
    raise AssertionError(f"timed out after {seconds} s waiting for {what}{seen}")
