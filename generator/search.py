"""Full-text search: Pagefind indexes the finished site before it is swapped in.

Pagefind (PyPI `pagefind[extended]`, which ships its binary) reads the built HTML and
writes a static index under `pagefind/`; the search page loads it in the browser, so
search works from any static host with no service behind it. Only elements marked
`data-pagefind-body` (articles and topics) are indexed: pages whose only role is
navigation stay out of the results. Filters (outlet, author, year, topic) and result
metadata come from `data-pagefind-filter` / `data-pagefind-meta` attributes in the theme.
The pages are indexed in shards (`search_shards`), each its own Pagefind bundle that
the search page merges into the first. Each shard is indexed in parts, a Pagefind run
each, whose bundles are merged into the shard's offline (`search_merge`); an edit
indexes only the pages it changed, and merges them into its shard's last index left
without their old versions (`Base`). Pagefind's output is made canonical
(`search_index`, `search_merge`): the same pages, the same files.
Each shard's index is cached under its pages as Pagefind reads them (`search_pages`), so
a change it does not read (a stylesheet's name, the masthead) keeps the index.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from generator import search_index, search_merge, search_shards
from generator.cache import library_version
from generator.config import SiteConfig
from generator.errors import BuildError

BUNDLE_DIR = "pagefind"
"""Folder of the search index inside the site; the search page loads it from there."""
SECTIONS = search_shards.SECTIONS


ENTRY = search_index.ENTRY
CUTS = "cuts.json"
"""File of the index cache keeping what Pagefind reads of each page, by render key."""
KEEP_INDEXES = 3
"""Cached indexes kept per shard besides those of the site just built (its shards' and
their parts'): the newest others, of shards or parts; older ones are removed once there
are twice as many (`IndexStore.prune`)."""
MANIFEST = "shards.json"
"""File of the first shard's bundle naming the bundles the search page merges into it,
with the filter counts of them all (the search page's filter menus)."""
LATEST = "latest.json"
"""File of the index cache naming each shard's index in the site indexed last: the
index an edit's build takes without the pages it changed (`Base`)."""
CHANGED_SHARE = 4
"""An edited shard's index is its last index without the pages the edit changed, merged
with those pages indexed on their own (`Base`), when they are at most one in
CHANGED_SHARE of its pages; with more, its parts are indexed."""
JOBS = min(2, os.cpu_count() or 1)
"""Pagefind runs at once when several shards are indexed (a cold build: all of them)."""


class Cancelled(Exception):
    """The indexing was called off (`cancel` was set) before it finished; the shards
    it had made are kept in the store."""


def index_site_cached(
    staging: Path,
    config: SiteConfig,
    cache: Path,
    keys: Mapping[str, str] | None = None,
    jobs: int = JOBS,
    cancel: threading.Event | None = None,
    anchors: Mapping[str, str] | None = None,
    work: Path | None = None,
    reuse: bool = True,
    cuts: Mapping[str, search_shards.PageCut] | None = None,
) -> None:
    """`index_site`, reusing each shard's index made earlier from the same pages.

    A shard's index is the same for the same pages anyway (`search_index.canonicalise`);
    keeping it under the hash of everything Pagefind reads of them skips the indexing,
    the slowest stage of a build, for every shard whose pages did not change. `keys`,
    when the build has them, are the indexed pages' render keys (each hashes every
    input of its page; render.py) and spare reading the pages to hash them, as do the
    `cuts` the build made of its pages (`search_shards.page_cut`) by key. Without
    `reuse` (`briefing build --no-cache`) every shard is indexed anew, and kept.
    """
    store = IndexStore(cache / "pagefind", read=reuse)
    index_site(
        staging, config, store, keys, jobs, cancel=cancel, anchors=anchors, work=work, cuts=cuts
    )


def index_site(
    staging: Path,
    config: SiteConfig,
    store: IndexStore | None = None,
    keys: Mapping[str, str] | None = None,
    jobs: int = JOBS,
    per_shard: int | None = None,
    cancel: threading.Event | None = None,
    anchors: Mapping[str, str] | None = None,
    work: Path | None = None,
    cuts: Mapping[str, search_shards.PageCut] | None = None,
) -> None:
    """Write the search index of the complete site in `staging` under BUNDLE_DIR: one
    Pagefind bundle per shard (`search_shards`), each made canonical, so that the same
    pages give the same files. Shards kept in `store` are taken from it, the others
    made (`jobs` Pagefind runs at once) and kept there. `keys`, when given, are the
    render keys of exactly the indexed pages, `cuts` what Pagefind reads of pages by
    key, `anchors` the page whose shard each article page joins (`search_shards.plan`).

    An archive without articles has nothing to index (Pagefind refuses an empty index);
    its search page says so instead of loading one. Setting `cancel` stops the indexing
    (`Cancelled`): Pagefind is stopped, the shards already made are kept in the store.
    Pagefind works in `work` (by default a new `work_folder`), removed at the end.
    """
    work = work or work_folder(staging)
    try:
        shards, unkept = planned_shards(staging, config, keys, per_shard, store, anchors, cuts)
        keep_cuts = _once(
            partial(store.keep_cuts, unkept) if store is not None and unkept is not None else None
        )
        if not any(page.startswith(f"{SECTIONS[0]}/") for s in shards for page in s.pages):
            keep_cuts()
            shutil.rmtree(staging / BUNDLE_DIR, ignore_errors=True)
            return
        wanted = [s for s in shards if store is None or not store.has(s.digest)]
        basis = search_shards.basis(digest_arguments(config))
        bases = _bases(store, wanted, basis)
        parts = [
            p
            for s in wanted
            if s.number not in bases
            for p in s.parts
            if store is None or not store.has(p.digest)
        ]
        changed = [s for s in wanted if s.number in bases and bases[s.number].added]
        units = [Unit(f"part-{n}", p.pages) for n, p in enumerate(parts)]
        units += [Unit(f"changes-{s.number}", bases[s.number].added) for s in changed]
        whole = partial(_whole_shard, staging, config, work, cancel)
        merging = Merging(wanted, parts, work, store, cancel, whole, bases, basis)

        # The cuts are written, and the kept parts read, while the first Pagefind run
        # works: at 100,000 articles writing the cuts took 0.4 s of an edit's build,
        # its thread otherwise waiting.
        def meanwhile_once() -> None:
            keep_cuts()
            merging.prepare()

        meanwhile = _once(meanwhile_once)
        bundles = make_bundles(staging, config, units, work, jobs, cancel, meanwhile)
        # The parts' units come first: zip takes no more bundles than there are parts.
        for part, (_, bundle) in zip(parts, bundles, strict=False):
            if store is None:
                files = search_merge.files_in(bundle)
            else:  # kept at once: an indexing called off keeps what it made
                pooled = store.keep(part.digest, bundle)
                files = {relative: store.pool / name for relative, name in pooled.items()}
            merging.made(part, files)  # its shard merged if it was the last part missing
        for shard, (_, bundle) in zip(changed, bundles, strict=True):
            merging.made_changes(shard, search_merge.files_in(bundle))
        meanwhile()  # when no run did
        made = merging.rest()
        with _removed_meanwhile([work / unit.name / LINKED for unit in units]):
            place_bundles(staging / BUNDLE_DIR, shards, made, store)
        if store is not None:
            store.keep_latest(shards)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if store is not None and wanted:  # only a new index can make an old one surplus
        count = KEEP_INDEXES * len(shards)
        current = [s.digest for s in shards] + [p.digest for s in shards for p in s.parts]
        store.prune(count, slack=count, current=current)


def _bases(
    store: IndexStore | None, wanted: Iterable[search_shards.Shard], basis: str
) -> dict[int, Base]:
    """Shard number -> its `Base`, for the shards to index that have one."""
    if store is None:
        return {}
    last = store.latest()
    found = {s.number: find_base(store, s, last.get(s.number), basis) for s in wanted}
    return {number: base for number, base in found.items() if base is not None}


class Merging:
    """The shards' bundles, each merged from its parts' (those just made, and the others
    from the store) as soon as its last missing part is made: while Pagefind indexes
    the parts of the next shards (a cold build). The kept parts are read beforehand
    (`prepare`, while Pagefind makes the missing ones: an edit's build reads the other
    parts of the edited shard meanwhile). Each bundle is kept in the store, in a folder
    of its own under `work`. A shard whose parts cannot be merged is indexed `whole`."""

    def __init__(
        self,
        shards: Iterable[search_shards.Shard],
        missing: Iterable[search_shards.Part],
        work: Path,
        store: IndexStore | None,
        cancel: threading.Event | None,
        whole: Callable[[search_shards.Shard], Path],
        bases: Mapping[int, Base] | None = None,
        basis: str = "",
    ) -> None:
        self.work, self.store, self.cancel, self.whole = work, store, cancel, whole
        self.shards = list(shards)
        self.bases, self.basis = bases or {}, basis
        self.unmade = {part.digest for part in missing}
        self.waiting = {s.number: self._missing(s) for s in self.shards}
        self.changes: dict[int, dict[str, Path]] = {}
        self.fragments: dict[int, dict[str, Path]] = {}
        self.shard_of = {p.digest: s for s in self.shards for p in s.parts}
        self.merges = {s.number: search_merge.Merge() for s in self.shards}
        self.read: set[tuple[int, str]] = set()
        self.unmergeable: set[int] = set()
        self.bundles: dict[int, Path] = {}

    def _missing(self, shard: search_shards.Shard) -> set[str]:
        """What the shard's merge waits for: the bundle of the pages changed since its
        base (if any changed), else its parts not kept."""
        base = self.bases.get(shard.number)
        if base is not None:
            return {CHANGES} if base.added else set()
        return {p.digest for p in shard.parts} & self.unmade

    def prepare(self) -> None:
        """Read the kept parts of the shards, and their bases."""
        for shard in self.shards:
            for part in self._parts_of(shard):
                if part.digest not in self.unmade:
                    self._add(shard, part.digest, None)

    def _parts_of(self, shard: search_shards.Shard) -> tuple[search_shards.Part, ...]:
        """The parts merged into the shard's bundle: its base, else its own."""
        if shard.number in self.bases:
            return (search_shards.Part(self.bases[shard.number].added, BASE),)
        return shard.parts

    def made_changes(self, shard: search_shards.Shard, files: dict[str, Path]) -> None:
        """The bundle of the pages changed since the shard's base is made (`files`): the
        shard is merged if its base is read."""
        self.changes[shard.number] = files
        self._add(shard, CHANGES, files)
        self.waiting[shard.number].discard(CHANGES)
        if not self.waiting[shard.number]:
            self.bundles[shard.number] = self._merged(shard)

    def made(self, part: search_shards.Part, files: dict[str, Path]) -> None:
        """A part's bundle is made (`files`: see `search_merge.merge`): its shard is
        merged if it was the last."""
        shard = self.shard_of[part.digest]
        self._add(shard, part.digest, files)
        self.waiting[shard.number].discard(part.digest)
        if not self.waiting[shard.number]:
            self.bundles[shard.number] = self._merged(shard)

    def rest(self) -> dict[int, Path]:
        """Every shard's bundle (by number), the shards that missed no part merged now."""
        for shard in self.shards:
            if shard.number not in self.bundles:
                self.bundles[shard.number] = self._merged(shard)
        return self.bundles

    def _add(self, shard: search_shards.Shard, digest: str, files: dict[str, Path] | None) -> None:
        """Read a part's bundle: `files` just made, or else kept in the store. A kept
        one that cannot be read (a file spoiled or gone) is forgotten, and its shard
        indexed whole: the cache never fails a build."""
        if (shard.number, digest) in self.read or shard.number in self.unmergeable:
            return
        try:
            if files is None:
                if self.store is None:  # never: without a store every part is made
                    raise BuildError(f"search: no index of the part {digest}")
                base = self.bases.get(shard.number) if digest == BASE else None
                kept = base.digest if base is not None else digest
                dropped: list[Path] = []
                try:
                    found = self.store.files(kept)
                    if base is not None:
                        fragments = base.fragment_files(found)
                        self.fragments[shard.number] = fragments
                        dropped = [fragments[page] for page in base.gone]
                    self.merges[shard.number].add(found, dropped)
                except search_merge.Unmergeable:
                    raise
                except (OSError, ValueError):  # IndexFormatError is a ValueError
                    self.store.forget(kept)
                    raise search_merge.Unmergeable(f"the kept index {kept}") from None
            else:
                self.merges[shard.number].add(files)
        except search_merge.Unmergeable:
            self.unmergeable.add(shard.number)
        except search_index.IndexFormatError as exc:
            raise _format_error(exc) from None
        self.read.add((shard.number, digest))

    def _merged(self, shard: search_shards.Shard) -> Path:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled
        for part in self._parts_of(shard):
            self._add(shard, part.digest, None)
        bundle = self.work / f"shard-{shard.number}" / BUNDLE_DIR
        linked: dict[str, Path] = {}
        try:
            if shard.number not in self.unmergeable:
                linked = self.merges.pop(shard.number).write(bundle)
            else:  # made by one run, and then in the merged form if it has one
                whole = self.whole(shard)
                try:
                    linked = search_merge.merge([search_merge.files_in(whole)], bundle)
                except search_merge.Unmergeable:
                    shutil.rmtree(bundle, ignore_errors=True)
                    bundle = whole
        except search_index.IndexFormatError as exc:
            raise _format_error(exc) from None
        if self.store is not None:
            pool = self.store.pool
            pooled = {path: f.name for path, f in linked.items() if f.parent == pool}
            kept = self.store.keep(shard.digest, bundle, pooled)
            fragments = self._fragments(shard, bundle, linked, kept)
            cuts = dict(zip(shard.pages, shard.cuts, strict=True))
            pages = {page: (cut, fragments.get(page)) for page, cut in cuts.items()}
            self.store.keep_pages(shard.digest, self.basis, pages)
        return bundle

    def _fragments(
        self,
        shard: search_shards.Shard,
        bundle: Path,
        linked: Mapping[str, Path],
        kept: Mapping[str, str],
    ) -> dict[str, str]:
        """Page -> the pool name of its fragment in the shard's `bundle` (kept as `kept`:
        path inside it -> pool name). For a shard merged from its base, those the base
        knew and those just made; else read from the fragments, once for each index (25
        us a fragment: 0.4 s of CPU in a cold build at 10,000 articles), so that the
        next edit of the shard need not read them (0.1 s of that edit)."""
        base = self.bases.get(shard.number)
        if base is None or shard.number in self.unmergeable:
            mine = {bundle / r: name for r, name in kept.items() if _is_fragment(r)}
            found = _fragments_by_page(mine, shard.pages)
            return {page: mine[path] for page, path in found.items() if page is not None}
        fragments = {
            page: path.name
            for page, path in self.fragments[shard.number].items()
            if page not in base.gone
        }
        at = {source: kept[relative] for relative, source in linked.items()}
        made = [p for r, p in self.changes.get(shard.number, {}).items() if _is_fragment(r)]
        for page, path in _fragments_by_page([p for p in made if p in at], base.added).items():
            if page is not None:
                fragments[page] = at[path]
        return fragments


BASE = "base"
"""What `Merging` names a shard's base by, among its parts."""
CHANGES = "changes"
"""What `Merging` names the bundle of the pages changed since a shard's base by."""


def _format_error(exc: search_index.IndexFormatError) -> BuildError:
    return BuildError(
        f"search: Pagefind {library_version('pagefind_bin_extended')} wrote an index "
        f"briefing cannot merge ({exc}); install pagefind[extended] 1.5"
    )


def _whole_shard(
    staging: Path,
    config: SiteConfig,
    work: Path,
    cancel: threading.Event | None,
    shard: search_shards.Shard,
) -> Path:
    """A shard's bundle made by one Pagefind run over all its pages."""
    return make_bundle(staging, config, Unit(f"whole-{shard.number}", shard.pages), work, cancel)


@dataclass(frozen=True)
class Unit:
    """Pages indexed by one Pagefind run (a part of a shard), in the folder `name` of
    the work folder."""

    name: str
    pages: tuple[str, ...]


@dataclass(frozen=True)
class Base:
    """A shard's last index, that an edit's build merges without the pages it changed
    with those pages indexed on their own: Pagefind reads 2 pages instead of the 41 of
    their part (an edit of one article at 1,000 articles)."""

    digest: str
    """The digest the index is kept under."""
    added: tuple[str, ...]
    """The shard's pages to index: changed, or new to the shard."""
    gone: frozenset[str]
    """Its pages that changed or left the shard."""
    fragments: Mapping[str, str | None]
    """Each of its pages -> the pool name of its fragment, where it was kept."""

    def fragment_files(self, files: Mapping[str, Path]) -> dict[str, Path]:
        """Each of its pages -> its fragment file, among the index's `files` (`IndexStore.
        files`): as kept, or else read from the fragments (an index merged from parts;
        25 us a fragment, done while Pagefind indexes the pages added). Raises
        IndexFormatError unless the fragments are exactly those of its pages."""
        fragments = {path.name: path for relative, path in files.items() if _is_fragment(relative)}
        if len(fragments) == len(self.fragments) and all(
            name in fragments for name in self.fragments.values()
        ):
            return {page: fragments[str(name)] for page, name in self.fragments.items()}
        found = _fragments_by_page(fragments.values(), self.fragments)
        if None in found or len(found) != len(fragments) or len(found) != len(self.fragments):
            raise search_index.IndexFormatError("fragments that are not those of its pages")
        return {page: path for page, path in found.items() if page is not None}


def find_base(
    store: IndexStore, shard: search_shards.Shard, last: str | None, basis: str
) -> Base | None:
    """The shard's index in the site indexed last (`last`, its digest) as a `Base` for
    its new one, when it is kept with its pages under the same `basis` and the shard
    changed in at most one page in CHANGED_SHARE."""
    if last is None or len(shard.cuts) != len(shard.pages) or not store.has(last):
        return None
    pages = store.pages(last, basis)
    if pages is None:
        return None
    now = dict(zip(shard.pages, shard.cuts, strict=True))
    added = tuple(page for page, cut in now.items() if page not in pages or pages[page][0] != cut)
    if len(added) * CHANGED_SHARE > len(shard.pages):
        return None
    gone = frozenset(page for page, (cut, _) in pages.items() if now.get(page) != cut)
    return Base(last, added, gone, {page: name for page, (_, name) in pages.items()})


def _is_fragment(relative: str) -> bool:
    return relative.startswith("fragment/") and relative.endswith(".pf_fragment")


def _fragments_by_page(fragments: Iterable[Path], pages: Iterable[str]) -> dict[str | None, Path]:
    """Each of `pages` (site paths) -> its fragment among the files `fragments`, read
    from each fragment's URL; a fragment of none of them is under None (the last one)."""
    of_url = {page_url(page): page for page in pages}
    return {of_url.get(fragment_url(path)): path for path in fragments}


def page_url(page: str) -> str:
    """The URL Pagefind gives the page at site path `page` (`articles/x/index.html`:
    `/articles/x/`)."""
    return "/" + (page.removesuffix("index.html") if page.endswith("index.html") else page)


URL_BYTES = 4096
"""Bytes of a fragment decompressed to read its URL, its first field."""
_URL = re.compile(rb'\{"url":("(?:[^"\\]|\\.)*")')


def fragment_url(path: Path) -> str:
    """The URL of the page whose fragment is the file at `path`: only its beginning is
    decompressed (a fragment holds the page's text)."""
    data = path.read_bytes()
    start = zlib.decompressobj(wbits=31).decompress(data, URL_BYTES)
    if not start.startswith(search_index.SIGNATURE):
        raise search_index.IndexFormatError(f"no signature in {path.name}")
    found = _URL.match(start, len(search_index.SIGNATURE))
    if found is not None:
        url = json.loads(found.group(1))
    else:
        whole = zlib.decompress(data, wbits=31)
        url = json.loads(whole[len(search_index.SIGNATURE) :])["url"]
    if not isinstance(url, str):
        raise search_index.IndexFormatError(f"no URL in {path.name}")
    return url


def work_folder(staging: Path) -> Path:
    """A new folder for Pagefind's runs, inside the staging folder: a build killed while
    indexing leaves nothing beside the output (the next build removes a killed build's
    staging folder whole)."""
    return Path(tempfile.mkdtemp(prefix=".search-", dir=staging))


def plan_shards(
    staging: Path,
    config: SiteConfig,
    keys: Mapping[str, str] | None = None,
    per_shard: int | None = None,
    store: IndexStore | None = None,
    anchors: Mapping[str, str] | None = None,
    cuts: Mapping[str, search_shards.PageCut] | None = None,
) -> list[search_shards.Shard]:
    """The shards of the site in `staging`, each with the digest its index is kept under.
    With keys and a store, the pages' cuts known by key are taken from the store or
    `cuts` (only pages made anew, and not cut as they were made, are read) and the new
    ones kept there."""
    shards, unkept = planned_shards(staging, config, keys, per_shard, store, anchors, cuts)
    if store is not None and unkept is not None:
        store.keep_cuts(unkept)
    return shards


def planned_shards(
    staging: Path,
    config: SiteConfig,
    keys: Mapping[str, str] | None = None,
    per_shard: int | None = None,
    store: IndexStore | None = None,
    anchors: Mapping[str, str] | None = None,
    cuts: Mapping[str, search_shards.PageCut] | None = None,
) -> tuple[list[search_shards.Shard], Mapping[str, search_shards.PageCut] | None]:
    """`plan_shards`, leaving the store as it is: the shards, and the cuts the store is
    to keep (None when it has them already)."""
    arguments = digest_arguments(config)
    keep = store is not None and keys is not None
    kept = store.cuts() if store is not None and keep else {}
    known = {**kept, **cuts} if cuts and keys is not None else kept
    planned = search_shards.plan(staging, arguments, keys, per_shard, known, anchors)
    # Compared with what the store has: cuts all made by the render (a first build's)
    # are kept too, or the next build would read every page again (1.5 s at 10,000).
    unkept = planned.cuts if keep and planned.cuts != kept else None
    return list(planned.shards), unkept


def _once(action: Callable[[], None] | None) -> Callable[[], None]:
    """`action` to be done by whichever call comes first (none: nothing to do)."""
    pending = [action] if action is not None else []
    lock = threading.Lock()

    def first() -> None:
        with lock:
            todo = pending.pop() if pending else None
        if todo is not None:
            todo()

    return first


def make_bundles(
    staging: Path,
    config: SiteConfig,
    units: list[Unit],
    work: Path,
    jobs: int,
    cancel: threading.Event | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[tuple[Unit, Path]]:
    """Index each unit on its own (`jobs` at a time): each unit with its bundle, in
    order, as they are made. `meanwhile` is done once the first run has started."""
    if jobs <= 1 or len(units) <= 1:
        for number, unit in enumerate(units):
            later = meanwhile if number == 0 else None
            yield unit, make_bundle(staging, config, unit, work, cancel, later)
        return
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="pagefind") as pool:
        running = []
        for number, unit in enumerate(units):
            later = meanwhile if number == 0 else None
            made = pool.submit(make_bundle, staging, config, unit, work, cancel, later)
            running.append((unit, made))
        try:
            for unit, future in running:
                yield unit, future.result()
        finally:  # an error or a cancel: the shards not started are not started
            for _, future in running:
                future.cancel()


def make_bundle(
    staging: Path,
    config: SiteConfig,
    unit: Unit,
    work: Path,
    cancel: threading.Event | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Path:
    """Pagefind's canonical index of one unit's pages, in a folder of its own under
    `work` (`meanwhile` done while Pagefind runs).

    The pages are linked into a folder of their own, where they are all the pages:
    Pagefind walks the whole folder it is given and matches every file against its
    glob, which at 10,000 articles took 0.1 s of a 45-page part's 0.16 s run over the
    staging folder (0.06 s over the links; making and removing them took 0.01 s). A
    glob naming the pages one by one also has a limit (Pagefind refused ~2,000 pages).
    """
    folder = work / unit.name
    folder.mkdir()
    site = folder / LINKED
    for page in unit.pages:
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(str(staging / page), str(site / page))
    run_pagefind(site, "**/*.html", config, folder, cancel, meanwhile)
    return folder / BUNDLE_DIR


LINKED = "site"
"""Folder of a unit's work folder holding its pages as links (see `make_bundle`)."""


@contextmanager
def _removed_meanwhile(folders: Iterable[Path]) -> Iterator[None]:
    """Remove the folders that exist, in a thread, while the body runs; they are gone
    when it ends. The 3,300 linked pages of a shard at 100,000 articles took 0.38 s to
    remove after its bundle was placed, the indexing's last step."""
    found = [folder for folder in folders if folder.is_dir()]
    if not found:
        yield
        return

    def remove() -> None:
        for folder in found:
            shutil.rmtree(folder, ignore_errors=True)

    thread = threading.Thread(target=remove, name="remove-links")
    thread.start()
    try:
        yield
    finally:
        thread.join()


def place_bundles(
    target: Path,
    shards: list[search_shards.Shard],
    made: Mapping[int, Path],
    store: IndexStore | None,
) -> None:
    """Put the shards' bundles into `target`: the first one there, the others in folders
    named by their number inside it, listed in its MANIFEST for the search page.

    With a store, a bundle already in its place (the site this one was made from had
    it) stays: an edit re-links only the shards it changed.
    """
    first, *others = shards
    places = {target: first, **{target / str(s.number): s for s in others}}
    if store is None:
        shutil.rmtree(target, ignore_errors=True)
        for place, shard in places.items():
            made[shard.number].rename(place)
    else:
        if target.is_dir():
            for stray in target.iterdir():
                if stray.name.isdigit() and stray not in places:
                    shutil.rmtree(stray)
        pool = store.inodes(target)
        for place, shard in places.items():
            if not store.placed(shard.digest, place, _files_in(place, set(places)), pool):
                _clear(place, keep=set(places))
                store.put(shard.digest, place)
    manifest = {"merge": [f"{s.number}/" for s in others], "filters": summed_counts(places)}
    partial = target / f".{MANIFEST}.partial"
    partial.write_bytes(search_index.encode_entry(manifest))
    os.replace(partial, target / MANIFEST)  # never into the file: it may be a link


def summed_counts(bundles: Iterable[Path]) -> dict[str, dict[str, int]]:
    """The bundles' filter counts (`search_index.COUNTS`) added up: what Pagefind's
    `filters()` gives over the merged bundles, without fetching their filter files."""
    total: dict[str, dict[str, int]] = {}
    for bundle in bundles:
        counts = json.loads((bundle / search_index.COUNTS).read_bytes())
        for name, values in counts.items():
            found = total.setdefault(name, {})
            for value, count in values.items():
                found[value] = found.get(value, 0) + count
    return search_index.sort_counts(total)


def _holds(path: str, data: bytes) -> bool:
    """Whether the file at `path` holds exactly `data`."""
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as file:
            return file.read() == data
    except OSError:
        return False


def _files_in(folder: Path, others: set[Path]) -> dict[str, int]:
    """The files of the bundle in `folder` (paths inside it) and the inode each names
    (as the folder lists it: no stat), leaving out the folders `others` (other shards'
    places) and the manifest. Anything that is not a folder counts as a file."""
    skip = {str(other) for other in others}
    found = {relative: entry.inode() for relative, entry in _bundle_entries(str(folder), skip)}
    found.pop(MANIFEST, None)
    return found


def _bundle_entries(
    folder: str, skip: Collection[str] = ()
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """(path inside `folder`, entry) of everything below it that is not a folder, in no
    particular order, leaving out the folders whose paths `skip` holds; nothing where
    `folder` is not there. Paths as strings: a cold build walks ~30,000 files at 10,000
    articles, and building and comparing `Path` objects took most of that time."""
    pending = [(folder, "")]
    while pending:
        path, prefix = pending.pop()
        try:
            with os.scandir(path) as listed:
                entries = list(listed)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.path not in skip:
                    pending.append((entry.path, f"{prefix}{entry.name}/"))
            else:
                yield prefix + entry.name, entry


def _clear(folder: Path, keep: set[Path]) -> None:
    """Remove what is in `folder`, except the folders in `keep` (other shards' places)."""
    if not folder.is_dir():
        return
    for child in folder.iterdir():
        if child in keep:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


class IndexStore:
    """Indexes kept by their input digest, as lists of files in a pool named by content.

    Two indexes of nearly the same pages share most files (one fragment per page), so
    the pool holds each file once, a kept index costs links, not copies, and dropping an
    old index deletes only the files no kept index has (deleting files is what costs most
    on many disks). Pool files are never changed: indexes are made anew and linked.
    A store that must not be read (`read` false: a cold build) has no index and no cut,
    but keeps what is made for the builds after it, in place of any file kept before."""

    def __init__(self, root: Path, read: bool = True) -> None:
        self.root = root
        self.pool = root / "files"
        self.lists = root / "indexes"
        self.page_lists = root / "pages"
        self.read = read

    def cuts(self) -> dict[str, search_shards.PageCut]:
        """Render key -> the cut of the page made under it, as the last plan kept them."""
        if not self.read:
            return {}
        try:
            data = json.loads((self.root / CUTS).read_text(encoding="utf-8"))
            if data["version"] != search_shards.CODE_VERSION:
                return {}
            return {k: search_shards.PageCut(d, b) for k, (d, b) in data["cuts"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def keep_cuts(self, cuts: Mapping[str, search_shards.PageCut]) -> None:
        """Keep the cuts of the pages of the site just planned (and no others)."""
        self.root.mkdir(parents=True, exist_ok=True)
        data = {
            "version": search_shards.CODE_VERSION,
            "cuts": {key: [cut.digest, cut.body] for key, cut in sorted(cuts.items())},
        }
        partial = self.root / f".{CUTS}.{os.getpid()}.{threading.get_ident()}"
        partial.write_text(json.dumps(data), encoding="utf-8")
        os.replace(partial, self.root / CUTS)

    def has(self, digest: str) -> bool:
        return self.read and (self.lists / f"{digest}.json").is_file()

    def pages(self, digest: str, basis: str) -> dict[str, tuple[str, str | None]] | None:
        """The pages of a kept shard's index, each with its cut's digest and its
        fragment's name in the pool where known (`keep_pages`); None when they are not
        kept, or were kept under another `basis` (`search_shards.basis`)."""
        if not self.read:
            return None
        try:
            data = json.loads((self.page_lists / f"{digest}.json").read_text(encoding="utf-8"))
            if data["basis"] != basis:
                return None
            pages = {}
            for page, (cut, name) in data["pages"].items():
                if not isinstance(cut, str) or not isinstance(name, str | None):
                    return None
                pages[page] = (cut, name)
            return pages
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def keep_pages(
        self, digest: str, basis: str, pages: Mapping[str, tuple[str, str | None]]
    ) -> None:
        """Keep the pages of the shard's index kept under `digest` (see `pages`)."""
        self.page_lists.mkdir(parents=True, exist_ok=True)
        data = {"basis": basis, "pages": {page: list(pages[page]) for page in sorted(pages)}}
        listing = self.page_lists / f"{digest}.json"
        partial = listing.with_name(f".{listing.name}.{os.getpid()}.{threading.get_ident()}")
        partial.write_text(json.dumps(data), encoding="utf-8")
        os.replace(partial, listing)

    def latest(self) -> dict[int, str]:
        """Shard number -> the digest of its index in the site indexed last."""
        if not self.read:
            return {}
        try:
            data = json.loads((self.root / LATEST).read_text(encoding="utf-8"))
            return {int(number): str(digest) for number, digest in data.items()}
        except (OSError, ValueError, AttributeError, TypeError):
            return {}

    def keep_latest(self, shards: Iterable[search_shards.Shard]) -> None:
        """Name the shards of the site just indexed as the last (see `latest`)."""
        self.root.mkdir(parents=True, exist_ok=True)
        data = {str(shard.number): shard.digest for shard in shards}
        partial = self.root / f".{LATEST}.{os.getpid()}.{threading.get_ident()}"
        partial.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(partial, self.root / LATEST)

    def keep(
        self, digest: str, index: Path, pooled: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """Add an index to the store (`prune` drops old ones); its files, path inside it
        -> name in the pool. `pooled` names the files known to be links to pool files
        (a merged bundle's fragments): those are not read again."""
        self.pool.mkdir(parents=True, exist_ok=True)
        self.lists.mkdir(parents=True, exist_ok=True)
        files: dict[str, str] = {}
        pooled = pooled or {}
        pool = str(self.pool)
        found = _bundle_entries(str(index))
        for relative, path in sorted((rel, e.path) for rel, e in found if e.is_file()):
            if relative in pooled:
                files[relative] = pooled[relative]
                continue
            with open(path, "rb") as file:
                data = file.read()
            name = hashlib.sha256(data).hexdigest()
            files[relative] = name
            kept = f"{pool}/{name}"
            if not self.read and not _holds(kept, data):
                # A cold build trusts no kept file, even one named right, but one with
                # these very bytes stays as it is: the sites kept link to it, and would
                # otherwise have every shard's files linked again by their next build
                # (1 s at 10,000 articles).
                fresh = f"{pool}/.{name}.{os.getpid()}.{threading.get_ident()}"
                link_or_copy(path, fresh)
                os.replace(fresh, kept)
            elif not os.path.exists(kept):
                link_or_copy(path, kept)
        listing = self.lists / f"{digest}.json"
        partial = listing.with_name(f".{listing.name}.{os.getpid()}")
        partial.write_text(json.dumps(files, sort_keys=True), encoding="utf-8")
        os.replace(partial, listing)
        return files

    def files(self, digest: str) -> dict[str, Path]:
        """The files of a kept index: path inside it -> its file in the pool."""
        listing = self.lists / f"{digest}.json"
        files = json.loads(listing.read_text(encoding="utf-8"))
        os.utime(listing)  # newest use first when pruning
        return {relative: self.pool / name for relative, name in files.items()}

    def forget(self, digest: str) -> None:
        """Drop an index that could not be read, and those of its files in the pool
        whose bytes are not what they are named by (the others stay until `prune`):
        a file spoiled under its name would otherwise be taken for the same bytes
        made again."""
        listing = self.lists / f"{digest}.json"
        try:
            names = set(json.loads(listing.read_text(encoding="utf-8")).values())
        except (OSError, ValueError):
            names = set()
        for name in names:
            pooled = self.pool / name
            try:
                if hashlib.sha256(pooled.read_bytes()).hexdigest() != name:
                    pooled.unlink()
            except OSError:
                continue
        listing.unlink(missing_ok=True)
        (self.page_lists / f"{digest}.json").unlink(missing_ok=True)

    def put(self, digest: str, target: Path) -> None:
        """Link the files of a kept index into the folder `target`."""
        listing = self.lists / f"{digest}.json"
        files = json.loads(listing.read_text(encoding="utf-8"))
        folders = {os.path.dirname(relative) for relative in files}
        for folder in sorted(folders):
            (target / folder).mkdir(parents=True, exist_ok=True)
        # The entry file last: an index that has it in place is complete (`placed`).
        pool, place = str(self.pool), str(target)
        for relative, name in sorted(files.items(), key=lambda f: (f[0] == ENTRY, f[0])):
            link_or_copy(f"{pool}/{name}", f"{place}/{relative}")
        os.utime(listing)  # newest use first when pruning

    def inodes(self, target: Path) -> dict[str, int]:
        """Pool file -> its inode, as the pool's folder lists it, when the pool is on the
        file system of `target` (else empty: `placed` then asks for each file)."""
        try:
            if os.stat(self.pool).st_dev != os.stat(target).st_dev:
                return {}
            with os.scandir(self.pool) as listed:
                return {entry.name: entry.inode() for entry in listed}
        except OSError:
            return {}

    def placed(
        self, digest: str, target: Path, present: Mapping[str, int], pool: Mapping[str, int]
    ) -> bool:
        """Whether the folder `target`, holding the files `present` (paths inside it ->
        their inodes), holds this index as `put` left it: the same files, each a link to
        the pool's (files in the pool and their links never change). Inodes as folders
        list them (`pool`: `inodes`) spare a stat of each file: at 10,000 articles,
        comparing every placed file with its pool file took a third of a second."""
        listing = self.lists / f"{digest}.json"
        try:
            files = json.loads(listing.read_text(encoding="utf-8"))
            if files.keys() != present.keys():
                return False
            for relative, name in files.items():
                if present[relative] == pool.get(name):
                    continue
                if not os.path.samefile(target / relative, self.pool / name):
                    return False
        except (OSError, ValueError):
            return False
        os.utime(listing)  # newest use first when pruning
        return True

    def prune(self, count: int, slack: int = 0, current: Collection[str] = ()) -> None:
        """Drop all but the indexes `current` names (the site's shards and parts) and the
        `count` others kept or used last, and the files only they had, once more than
        `count + slack` others are kept. Pruning reads every kept listing and lists the
        pool: 0.34 s of each edit's build at 100,000 articles (96 listings), which a
        slack as large as `count` spares all but one edit in `count`."""
        try:
            names = [name for name in os.listdir(self.lists) if name.endswith(".json")]
        except OSError:  # no index kept yet
            return
        currents = {f"{digest}.json" for digest in current}
        others = [self.lists / name for name in names if name not in currents]
        if len(others) <= count + slack:
            return
        others.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in others[count:]:
            old.unlink(missing_ok=True)
        listings = others[:count] + [self.lists / name for name in names if name in currents]
        # (a current index not kept, such as a part of a shard kept whole, has no listing)
        wanted: set[str] = set()
        for listing in listings:
            wanted.update(json.loads(listing.read_text(encoding="utf-8")).values())
        for pooled in self.pool.iterdir():
            if pooled.name not in wanted:
                pooled.unlink(missing_ok=True)
        kept = {listing.name for listing in listings}
        if self.page_lists.is_dir():
            for pages in self.page_lists.iterdir():
                if pages.name not in kept:
                    pages.unlink(missing_ok=True)
        for other in self.root.iterdir():  # indexes kept the way earlier versions did
            hidden = other.name.startswith(".")
            ours = (self.pool, self.lists, self.page_lists)
            if other.is_dir() and not hidden and other not in ours:
                shutil.rmtree(other, ignore_errors=True)


def carry_index(out: Path, staging: Path) -> None:
    """Link the index of the site in `out` into the site being built in `staging`, as it
    is (the preview does this, and remakes the index after the reload)."""
    if (out / BUNDLE_DIR).is_dir():
        shutil.copytree(out / BUNDLE_DIR, staging / BUNDLE_DIR, copy_function=link_or_copy)


def link_or_copy(source: str, target: str) -> None:
    """A hard link where the file system allows (no build changes a file in place that
    has another link: render.py replaces those), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def run_pagefind(
    site: Path,
    glob: str,
    config: SiteConfig,
    folder: Path,
    cancel: threading.Event | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> None:
    """Index the pages of the site in `site` that `glob` names into `folder`/BUNDLE_DIR
    (offline, no shell), and make that index canonical; `meanwhile` is done while
    Pagefind runs.

    The glob goes into Pagefind's configuration file in `folder`, its working folder:
    named page by page it may be longer than an argument may be (128 KiB on Linux).
    Setting `cancel` stops Pagefind (`Cancelled`).
    """
    (folder / "pagefind.json").write_text(json.dumps({"glob": glob}), encoding="utf-8")
    bundle = folder / BUNDLE_DIR
    command = [str(pagefind_binary()), *index_arguments(site.resolve(), config, bundle.resolve())]
    if cancel is not None and cancel.is_set():
        raise Cancelled
    try:
        returncode, output = _run(command, folder, cancel, meanwhile)
    except OSError as exc:
        raise BuildError(f"search: cannot run {command[0]}: {exc.strerror or exc}") from None
    if returncode != 0:
        raise BuildError(f"search: Pagefind failed: {_last_lines(output)}")
    if not (bundle / "pagefind.js").is_file():
        raise BuildError(f"search: Pagefind wrote no index into {BUNDLE_DIR}/")
    try:
        search_index.canonicalise(bundle)
    except search_index.IndexFormatError as exc:
        raise BuildError(
            f"search: Pagefind {library_version('pagefind_bin_extended')} wrote an index "
            f"in a form briefing does not know ({exc}); install pagefind[extended] 1.5"
        ) from None


def _run(
    command: list[str],
    folder: Path,
    cancel: threading.Event | None,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[int, str]:
    """Run a command in `folder`: its exit status and its output (stderr, or else
    stdout; both as one with `cancel` or `meanwhile`); with `cancel`, the command is
    killed as soon as it is set (`Cancelled`). `meanwhile` is done while it runs (an
    error in it stops the command)."""
    if cancel is None and meanwhile is None:
        result = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
        return result.returncode, result.stderr or result.stdout
    with tempfile.TemporaryFile() as output:  # a pipe could fill while nobody reads it
        process = subprocess.Popen(command, cwd=folder, stdout=output, stderr=output)
        try:
            if meanwhile is not None:
                meanwhile()
            while cancel is not None and process.poll() is None:
                if cancel.wait(0.02):
                    raise Cancelled
            process.wait()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        output.seek(0)
        return process.returncode, output.read().decode("utf-8", "replace")


def digest_arguments(config: SiteConfig) -> str:
    """Pagefind's arguments as the shards' digests hold them: with the site and the
    index named relatively, so that they do not depend on where the build runs."""
    return " ".join(index_arguments(Path("."), config, Path(BUNDLE_DIR)))


def index_arguments(site: Path, config: SiteConfig, bundle: Path) -> list[str]:
    """Pagefind's command line (after the binary) for the site in `site`, writing its
    index into the folder `bundle`; the pages it reads are named by a glob (of article
    and topic pages only; within them only data-pagefind-body is indexed)."""
    return [
        "--site",
        str(site),
        "--output-path",
        str(bundle),
        # One index in the site's language: stemming follows site.yaml, not a guess per page.
        "--force-language",
        config.language.split("-")[0].lower(),
        "--silent",
    ]


def pagefind_binary() -> Path:
    """The Pagefind executable that the `pagefind[extended]` package installed, found as
    `pagefind.service.get_executable` finds it: PAGEFIND_BINARY_PATH, else the extended
    binary's package; only then that function itself (importing it imports asyncio and
    ssl, 0.02 s of every build that indexes)."""
    override = os.environ.get("PAGEFIND_BINARY_PATH")
    if override is not None:
        return _usable(Path(override))
    try:
        from pagefind_bin_extended import get_executable as extended
    except ImportError:
        pass
    else:
        try:
            return _usable(extended())
        except FileNotFoundError:  # the package without its binary
            raise BuildError(_MISSING) from None
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise BuildError(_MISSING) from None
    return _usable(get_executable())


def _usable(binary: Path | None) -> Path:
    """`binary` when it is a file; BuildError otherwise."""
    if binary is None or not binary.is_file():
        raise BuildError(_MISSING)
    return binary


_MISSING = (
    "search: the Pagefind binary is not installed "
    "(pip install 'pagefind[extended]', or set `search: {enabled: false}` in site.yaml)"
)


def _last_lines(text: str, count: int = 5) -> str:
    """The end of a tool's output (each line once): where it says what went wrong."""
    lines = dict.fromkeys(line.strip() for line in text.splitlines() if line.strip())
    return " | ".join(list(lines)[-count:]) or "no output"
