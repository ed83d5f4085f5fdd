"""The preview's search index, remade after the reload instead of before it.

Indexing every article and topic page with Pagefind takes seconds, far longer than a
rebuild after one edit; a preview whose reload waited for it would feel slow for the
sake of a search box. So a preview's rebuild carries the previous index into the new
site (`BuildOptions.search_later`), the pages reload at once, and a thread of this
module then indexes a snapshot of the new pages (hard links, taken while no build runs)
and swaps the new index in, in one step. A burst of rebuilds gives one indexing of the
newest site. `briefing build` never does this: its site is complete when it is swapped.

An index being made when the next change arrives is called off (`interrupt`: Pagefind
is stopped, the shards it finished are kept) and made again after that rebuild: on two
cores, a Pagefind run beside the rebuild slowed the rebuild and the reload it waits for.

The index is in shards (`search_shards`), each cached under its pages' render keys,
which come from the record of the build that wrote the pages: the snapshot holds only
the pages of shards not in the cache (those an edit changed; creating and removing a
folder per page of the site took seconds), only those are indexed again, one Pagefind
at a time (the next rebuild may want the other core), and no page is read to hash it.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import GeneratorError

if TYPE_CHECKING:
    from generator.config import SiteConfig
    from generator.freshness import Record

Say = Callable[[str], None]

START_DELAY = 0.5
"""Seconds between a rebuild and the indexing it asks for: the open pages reload first
(their requests are answered by this process and its two cores), and an edit saved
again at once calls the indexing off before it starts."""


class BackgroundIndex:
    """Remakes the search index of the site in `out` on request, one at a time."""

    def __init__(
        self, site_dir: Path, out: Path, say: Say | None = None, delay: float = START_DELAY
    ) -> None:
        self.site_dir = site_dir
        self.out = out
        self.say = say or (lambda line: None)
        self.delay = delay
        """Seconds an asked-for indexing waits before it starts (`START_DELAY`)."""
        self.lock = threading.Lock()
        """Held by every build into `out` and by the moments this module reads or
        changes `out`: a snapshot never mixes two builds' pages."""
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._cancel = threading.Event()
        """Set by `interrupt`: the indexing running stops."""
        self._redo = False
        """An indexing was called off: the next rebuild asks for one, changed or not."""
        self._closed = False
        self._thread: threading.Thread | None = None

    def has_index(self) -> bool:
        """Whether the site in `out` has an index a rebuild can carry."""
        from generator.search import BUNDLE_DIR

        return (self.out / BUNDLE_DIR / "pagefind.js").is_file()

    def request(self) -> None:
        """Index the site now in `out` (after the work already asked for)."""
        if self._closed:
            return
        self._redo = False
        self._cancel.clear()
        self._idle.clear()
        self._wanted.set()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
            self._thread.start()

    def interrupt(self) -> None:
        """Call off the indexing running or asked for (a change arrived: a rebuild is
        coming, and it asks again). Safe from any thread, and cheap."""
        if not self._idle.is_set():
            self._cancel.set()

    @property
    def redo(self) -> bool:
        """Whether an indexing was called off and no new one was asked for since."""
        return self._redo

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until no indexing is asked for or running; False on timeout."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        self._closed = True
        self._wanted.set()

    def _run(self) -> None:
        from generator.search import Cancelled

        while True:
            self._wanted.wait()
            if self._closed:
                return
            self._wanted.clear()
            try:
                if self._cancel.wait(self.delay):
                    raise Cancelled
                self.index_once()
            except Cancelled:
                self._redo = True
            except GeneratorError as exc:
                self.say(f"search index not updated: {exc}")
            except Exception as exc:  # a bug: the preview goes on, with the older index
                self.say(f"search index not updated (a bug in briefing): {exc!r}")
            if not self._wanted.is_set():
                self._idle.set()

    def index_once(self) -> None:
        """Index a snapshot of the served pages and swap the result in."""
        from generator.config import load_config
        from generator.search import BUNDLE_DIR, index_site_cached

        config = load_config(self.site_dir)
        if not config.search.enabled:
            return
        cache = self.site_dir / config.paths.cache
        work = Path(tempfile.mkdtemp(prefix=".search-", dir=self.out.parent))
        try:
            snapshot = work / "site"
            with self.lock:
                keys, anchors = take_snapshot(self.out, snapshot, config, cache)
            index_site_cached(
                snapshot, config, cache, keys, jobs=1, cancel=self._cancel, anchors=anchors
            )
            if (snapshot / BUNDLE_DIR).is_dir():
                with self.lock:
                    _replace(snapshot / BUNDLE_DIR, self.out / BUNDLE_DIR)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def take_snapshot(
    out: Path, snapshot: Path, config: SiteConfig, cache: Path
) -> tuple[dict[str, str] | None, dict[str, str]]:
    """Link the indexed pages of the site in `out` that the index needs into `snapshot`
    (no build may run meanwhile), and return the keys of all indexed pages and the
    page whose shard each article page joins.

    Both come from the record of the build that wrote the pages. The keys, when it has
    every page as it is now (size and time): then only the pages of shards the index
    cache lacks are linked. Otherwise every page is, and None says that only their bytes
    can key the index.
    """
    from generator.freshness import read_record
    from generator.search import IndexStore, link_or_copy, plan_shards
    from generator.search_shards import indexed_pages

    pages = indexed_pages(out)
    record = read_record(cache, out)
    keys = recorded_keys(out, record, pages)
    anchors = record.anchors if record is not None else {}
    if keys is not None:
        store = IndexStore(cache / "pagefind")
        shards = plan_shards(out, config, keys, store=store, anchors=anchors)  # new pages
        # Every page of a shard to merge anew, not only its parts to index anew: a shard
        # whose parts cannot be merged is indexed whole (`search.Merging`).
        pages = [p for s in shards if not store.has(s.digest) for p in s.pages]
    snapshot.mkdir()
    for page in pages:
        (snapshot / page).parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(str(out / page), str(snapshot / page))
    return keys, anchors


def recorded_keys(out: Path, record: Record | None, pages: list[str]) -> dict[str, str] | None:
    """The render keys of `pages` (all the indexed pages of the site in `out`) from the
    record of the last build into `out`, if it has every one of them as it is now."""
    from generator.search_shards import page_keys

    if record is None:
        return None
    keys = page_keys(record.files, record.keys)
    if keys is None or sorted(keys) != pages:
        return None
    if any(not _as_recorded(out / page, record.files[page]) for page in pages):
        return None
    return keys


def _as_recorded(page: Path, recorded: Sequence[int]) -> bool:
    try:
        found = page.stat()
    except OSError:
        return False
    return [found.st_size, found.st_mtime_ns] == list(recorded)


def _replace(new: Path, old: Path) -> None:
    """Put `new` where `old` is, in one step where the kernel allows."""
    from generator.output import exchange

    if old.exists() and exchange(new, old):
        return  # `new` now holds the old index; it goes with the work folder
    shutil.rmtree(old, ignore_errors=True)
    new.rename(old)
