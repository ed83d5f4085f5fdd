"""What every open page needs to know: the latest build number, and whether it failed.

The rebuild loop publishes a new status after every attempt; request threads read it
(to inject the banner) and the reload channel waits on it. This is the one piece of
shared, changing state of the preview server, so it lives in one locked object.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class BuildStatus:
    """The outcome of the latest build attempt, as pages see it."""

    number: int
    """Changes on every finished attempt, good or bad: a page showing another number reloads."""
    errors: tuple[str, ...] = ()
    """The failure of the latest attempt, one user-facing line each; empty after a success."""
    has_site: bool = False
    """True once some build has succeeded, so there is a site to serve."""


class BuildState:
    """The current BuildStatus, shared by the rebuild loop and the request threads."""

    def __init__(self, first: int | None = None) -> None:
        # Numbers start from the clock so that a page left open across a restart of the
        # server sees a different number and reloads.
        start = first if first is not None else time.time_ns() // 1_000_000
        self._status = BuildStatus(start)
        self._changed = threading.Condition()
        self._closed = False

    def current(self) -> BuildStatus:
        """The latest status."""
        with self._changed:
            return self._status

    def publish(self, errors: tuple[str, ...]) -> BuildStatus:
        """Record a finished attempt (failed when `errors`) and wake every waiting page."""
        with self._changed:
            status = self._status
            self._status = replace(
                status,
                number=status.number + 1,
                errors=errors,
                has_site=status.has_site or not errors,
            )
            self._changed.notify_all()
            return self._status

    def wait_for_change(self, number: int, timeout: float) -> BuildStatus | None:
        """The status once its number differs from `number` (or after `timeout`).

        None when the server is closing, so that reload connections end.
        """
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._status.number != number, timeout)
            return None if self._closed else self._status

    def close(self) -> None:
        """Release every waiting reload connection."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
