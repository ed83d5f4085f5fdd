"""What every open page needs to know: the latest build number, and whether it failed.

The rebuild loop publishes a new status after every attempt; request threads read it
(to inject the banner) and the reload channel waits on it. This is the one piece of
shared, changing state of the preview server, so it lives in one locked object.

It also knows which pages are open (each reload connection names its page), so that a
rebuild can render those first and show them before the rest of the site is done (as
Hugo's fast render does): `show_first` puts the new files of the unfinished build in
front of the site and tells the pages to reload; until the build ends, they are served
from there, and any other page waits for the end (it would be the old one). When the
build ends well nothing changes for the pages already reloaded (no second reload);
when it fails, they reload once more, onto the last good site and the error banner.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

RELOAD_WAIT_SECONDS = 1.0
"""How long a build that showed its first pages waits for the open pages to reload."""


@dataclass(frozen=True, slots=True)
class BuildStatus:
    """The outcome of the latest build attempt, as pages see it."""

    number: int
    """Changes on every finished attempt, good or bad, or before it ends when it shows its
    first pages (`BuildState.show_first`): a page showing another number reloads."""
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
        self._open: Counter[str] = Counter()
        """Files of the pages with a reload connection, and how many each has."""
        self._opened: Counter[str] = Counter()
        """How many reload connections each page has opened so far."""
        self._first: dict[str, Path] | None = None
        """While a build runs that showed its first pages: file -> where it is now."""

    def current(self) -> BuildStatus:
        """The latest status."""
        with self._changed:
            return self._status

    def publish(self, errors: tuple[str, ...]) -> BuildStatus:
        """Record a finished attempt (failed when `errors`) and wake every waiting page.
        The number changes, unless the attempt showed its first pages and succeeded:
        the pages were told when those were shown."""
        with self._changed:
            status = self._status
            shown, self._first = self._first is not None, None
            self._status = replace(
                status,
                number=status.number if shown and not errors else status.number + 1,
                errors=errors,
                has_site=status.has_site or not errors,
            )
            self._changed.notify_all()
            return self._status

    def show_first(self, staging: Path, wait: float = RELOAD_WAIT_SECONDS) -> None:
        """Serve the files now in `staging` (an unfinished build's changed open pages and
        assets) in front of the site until `publish`, tell the pages to reload, and wait
        until they have (each has opened its reload channel again, or is gone), at most
        `wait` s: on two cores, the rest of the build beside a browser loading the page
        held the page back by half a second to a second."""
        files = {
            path.relative_to(staging).as_posix(): path
            for path in staging.rglob("*")
            if path.is_file()
        }
        with self._changed:
            self._first = files
            self._status = replace(self._status, number=self._status.number + 1)
            self._changed.notify_all()
            opened = {page: self._opened[page] for page in self._open}
            self._changed.wait_for(
                lambda: (
                    self._closed
                    or all(self._opened[p] > n or p not in self._open for p, n in opened.items())
                ),
                wait,
            )

    def shown_first(self, file: str) -> Path | None:
        """Where the unfinished build's new `file` is, if it was shown first."""
        with self._changed:
            return None if self._first is None else self._first.get(file)

    def wait_for_build(self, timeout: float) -> None:
        """Wait until no build that showed its first pages runs (or `timeout` s)."""
        with self._changed:
            self._changed.wait_for(lambda: self._first is None or self._closed, timeout)

    @contextmanager
    def page_open(self, file: str | None) -> Iterator[None]:
        """Count the page whose file is `file` as open for the block (None: unknown)."""
        if file is None:
            yield
            return
        with self._changed:
            self._open[file] += 1
            self._opened[file] += 1
            self._changed.notify_all()
        try:
            yield
        finally:
            with self._changed:
                self._open[file] -= 1
                if not self._open[file]:
                    del self._open[file]
                self._changed.notify_all()

    def open_pages(self) -> frozenset[str]:
        """The files of the pages open now."""
        with self._changed:
            return frozenset(self._open)

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
