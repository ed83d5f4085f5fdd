"""Which file changes trigger a rebuild, and gathering a burst of them into one.

watchdog reports every event, and an editor's atomic save or a `git checkout` of 500
files is a burst of them: changes are collected until the files have been quiet for a
moment, so a burst causes one rebuild. Editor temp files, hidden files (which the build
never reads) and the output folder never count, so no write of ours can start a loop.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.config import CONFIG_NAME, SiteConfig
from generator.topic_ids import REGISTRY_FILE

QUIET_SECONDS = 0.1
"""A burst is over when no event came for this long (inotify delivers within milliseconds)."""
LONGEST_WAIT_SECONDS = 3.0
"""Files that never stop changing still get a rebuild this often."""

TEMP_PREFIXES = (".", "#")
"""Hidden files (vim's `.x.swp`, Emacs's `.#x` locks) and Emacs's `#x#` autosaves."""
TEMP_SUFFIXES = ("~", ".swp", ".swo", ".swx", "___jb_tmp___", "___jb_old___", ".tmp", ".part")
"""Backups, swap files, JetBrains' safe-write files, half-written downloads."""
TEMP_NAMES = frozenset({"4913"})
"""The file vim writes to test whether a folder is writable."""
_COUNTED = frozenset({"created", "modified", "deleted", "moved"})


def is_temporary(name: str) -> bool:
    """True for a file or folder name that editors and tools write for themselves."""
    return name.startswith(TEMP_PREFIXES) or name.endswith(TEMP_SUFFIXES) or name in TEMP_NAMES


@dataclass(frozen=True, slots=True)
class WatchScope:
    """The files of a site whose changes matter: site.yaml, content/ and templates/."""

    config_file: Path
    folders: tuple[Path, ...]
    """Watched recursively."""
    ignored: tuple[Path, ...]
    """Never counted, even inside a watched folder: what builds write (output, cache,
    topic id registry)."""

    @classmethod
    def for_site(cls, site: Path, config: SiteConfig) -> WatchScope:
        """The scope of the site in `site` (an absolute path) configured by `config`."""
        paths = config.paths
        folders = (site / paths.content, site / paths.templates)
        # The build writes the topic id registry into content/: not a change to react to.
        written = (site / paths.output, site / paths.cache, site / paths.content / REGISTRY_FILE)
        return cls(site / CONFIG_NAME, folders, written)

    def counts(self, path: Path) -> bool:
        """True when a change to `path` should cause a rebuild."""
        if path == self.config_file:
            return True
        if any(path.is_relative_to(folder) for folder in self.ignored):
            return False
        for folder in self.folders:
            if path.is_relative_to(folder):
                return not any(is_temporary(part) for part in path.relative_to(folder).parts)
        return False


class ChangeCollector(FileSystemEventHandler):
    """Receives watchdog's events and hands them out in bursts."""

    def __init__(self, scope: WatchScope, on_change: Callable[[], None] | None = None) -> None:
        """`on_change` is called (on watchdog's thread) as each counted change arrives,
        before the burst is over: work that a rebuild will redo can stop at once."""
        self.scope = scope
        self.on_change = on_change
        self._pending: set[Path] = set()
        self._first = self._last = 0.0
        self._changed = threading.Condition()
        self._closed = False

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Keep the changes that count (called on watchdog's thread)."""
        if event.event_type not in _COUNTED or (
            event.is_directory and event.event_type == "modified"
        ):
            return
        paths = (Path(os.fsdecode(p)) for p in (event.src_path, event.dest_path) if p)
        self.add(p for p in paths if self.scope.counts(p))

    def add(self, paths: Iterable[Path]) -> None:
        """Record changed paths (those that count) and wake the rebuild loop."""
        new = set(paths)
        if not new:
            return
        if self.on_change is not None:
            self.on_change()
        with self._changed:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._last = now
            self._pending |= new
            self._changed.notify_all()

    def next_burst(
        self, quiet: float = QUIET_SECONDS, longest: float = LONGEST_WAIT_SECONDS
    ) -> list[Path] | None:
        """The paths of the next burst of changes, sorted; None once closed."""
        with self._changed:
            # Waiting in slices keeps the main thread responsive to Ctrl+C on every platform.
            while not self._changed.wait_for(lambda: bool(self._pending) or self._closed, 0.5):
                pass
            self._wait_quiet(self._first, quiet, longest)
            return None if self._closed else self._take()

    def settle(
        self, quiet: float = QUIET_SECONDS, longest: float = LONGEST_WAIT_SECONDS
    ) -> list[Path]:
        """Changes arriving from now until things are quiet (the echo of our own writes)."""
        with self._changed:
            self._wait_quiet(time.monotonic(), quiet, longest)
            return self._take()

    def close(self) -> None:
        """Make `next_burst` return None."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def _wait_quiet(self, since: float, quiet: float, longest: float) -> None:
        """Wait (lock held) until `quiet` s without events, or `longest` s after `since`."""
        while not self._closed:
            now = time.monotonic()
            until = min(max(since, self._last) + quiet, since + longest)
            if now >= until:
                return
            self._changed.wait(until - now)

    def _take(self) -> list[Path]:
        taken = sorted(self._pending)
        self._pending.clear()
        return taken


class Watcher:
    """watchdog's observer on the scope's files, feeding a ChangeCollector."""

    def __init__(self, collector: ChangeCollector) -> None:
        self.collector = collector
        self._observer = Observer()
        self._watched: set[Path] = set()

    def start(self) -> None:
        """Watch site.yaml's folder (not recursively) and every watched folder that exists."""
        self._observer.schedule(self.collector, str(self.collector.scope.config_file.parent))
        self.watch_new_folders()
        self._observer.start()

    def watch_new_folders(self) -> None:
        """Start watching folders created since (content/ or templates/ made later)."""
        for folder in self.collector.scope.folders:
            if folder not in self._watched and folder.is_dir():
                self._observer.schedule(self.collector, str(folder), recursive=True)
                self._watched.add(folder)

    def stop(self) -> None:
        """Stop the observer thread and release the rebuild loop."""
        self.collector.close()
        self._observer.stop()
        self._observer.join(timeout=5)
