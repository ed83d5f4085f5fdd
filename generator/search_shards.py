"""The search index in shards: which page goes into which, and what each one depends on.

Pagefind indexes all the pages it is given in one run, and its cost grows with them
(about 3 ms a page here, after ~0.1 s to start); an edit of one article re-indexed every
page. So the indexed pages are split into shards by a stable hash of each page's path,
each shard is a Pagefind bundle of its own, cached under the digest of its own pages,
and the search page merges them in the browser (Pagefind's `mergeIndex`). An edit
re-indexes only the shards holding a page whose text, as Pagefind reads it, changed: its
article's, and its topic's if the summary changed (the other articles of the topic are
made anew, but read the same).

The number of shards is a power of two chosen from the number of pages, at least
`SHARD_PAGES` pages each on average, and at most `MAX_SHARDS`: the browser fetches a
few files of every shard before the first search and a word-index chunk of each for
every word searched (see README), so a search must not fetch hundreds. A page's shard
is its anchor's hash modulo the count, so when an archive grows past a power of two each
shard splits into two and a page moves only into its shard's new half; between those
points no page moves. An article's anchor is its topic's page (`anchors_of`), any other
page's is itself: an edit changes an article's page and, through the summary, its
topic's, and with both in one shard it re-indexes one shard, not two (two Pagefind runs
at once took 2.1-2.5 s each at 10,000 articles, one alone 1.4 s). An article that
changes topic moves to its new topic's shard, which that change re-indexes anyway.

Each shard is cut the same way into parts (a power of two of them, at least
`PART_PAGES` pages each on average): a part is what one Pagefind run indexes, and the
parts' bundles are merged into the shard's offline (`search_merge`). So an edit runs
Pagefind over one part, not over its whole shard, and the browser still loads a
bounded number of shards.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator import search_index, search_merge, search_pages, urls
from generator.cache import library_version
from generator.models import Topic

SECTIONS = (urls.article("x").split("/")[0], urls.topic("x").split("/")[0])
"""Folders holding the indexed pages (`articles`, `topics`); Pagefind reads no others."""
SHARD_PAGES = 64
"""Fewest pages per shard, on average, before the pages are split into more shards
(1,341 pages, the 1,000-article archive: 16 shards of ~84, ~0.3 s of Pagefind each)."""
MAX_SHARDS = 32
"""Most shards, whatever the size of the archive: a search fetches a word-index chunk
from each, and the search page loads each one's meta and filter files (6 files) first."""
PART_PAGES = 40
"""Fewest pages per part of a shard, on average, before the shards are cut into more
parts: each part is indexed by a Pagefind run of its own and the parts' bundles merged
into the shard's (`search_merge`), so that an edit re-indexes one part."""
MAX_PARTS = 32
"""Most parts a shard is cut into: merging costs as much for any number of parts, and
each part is a Pagefind run in a cold build (~0.01 s to start) and an index kept."""


@dataclass(frozen=True)
class Part:
    """Pages of a shard indexed by one Pagefind run."""

    pages: tuple[str, ...]
    """Its pages, sorted."""
    digest: str
    """What its index depends on (as a shard's), and that it is a part; its index is
    cached under it."""


@dataclass(frozen=True)
class Shard:
    """Pages indexed together into one Pagefind bundle, merged from its parts'."""

    number: int
    """Its place among the shards (the hash of a page's path modulo their count)."""
    pages: tuple[str, ...]
    """Its pages, as paths inside the site (`articles/x/index.html`), sorted: those
    Pagefind indexes (once the site has a page with a body element, not redirects)."""
    digest: str
    """What its index depends on: its pages as Pagefind reads them (or their keys), and
    Pagefind's arguments and version; the index is cached under it."""
    parts: tuple[Part, ...] = ()
    """Its non-empty parts, in order: each page in the part of its anchor (as for the
    shard, by other bits of the hash), so an edit's pages are in one."""
    cuts: tuple[str, ...] = ()
    """The digest of each of its pages as Pagefind reads it (`PageCut.digest`), in the
    order of `pages`: what tells the pages an edit changed from those its last index
    holds as they are (`search.Base`)."""


def shard_count(pages: int, per_shard: int | None = None) -> int:
    """The number of shards for `pages` indexed pages: the greatest power of two that
    leaves each shard `per_shard` (SHARD_PAGES) pages on average, from 1 to MAX_SHARDS."""
    per_shard = per_shard or SHARD_PAGES
    count = 1
    while count * 2 <= MAX_SHARDS and pages >= count * 2 * per_shard:
        count *= 2
    return count


def part_count(pages: int, shards: int) -> int:
    """The number of parts of each shard when `pages` pages are in `shards` shards: the
    greatest power of two that leaves each part PART_PAGES pages on average, from 1 to
    MAX_PARTS. It depends on the whole site (like the shards'), not on a shard's size,
    so a page changes part only where the archive's size crosses a power of two."""
    count = 1
    while count * 2 <= MAX_PARTS and pages >= shards * count * 2 * PART_PAGES:
        count *= 2
    return count


def shard_of(page: str, count: int) -> int:
    """The shard of the page at site path `page` among `count` (a power of two)."""
    return _shard_number(_place(page), count)


def part_of(page: str, count: int) -> int:
    """The part of its shard that the page at site path `page` is in, among `count`
    (a power of two): other bits of the hash than the shard's, so that every shard's
    pages spread over its parts."""
    return _part_number(_place(page), count)


def _place(page: str) -> bytes:
    """The hash that places a page (by its anchor's path) in its shard and part."""
    return hashlib.sha256(page.encode()).digest()


def _shard_number(place: bytes, count: int) -> int:
    return int.from_bytes(place[:8], "big") % count


def _part_number(place: bytes, count: int) -> int:
    return int.from_bytes(place[8:16], "big") % count


def anchors_of(topic_of: Mapping[str, Topic]) -> dict[str, str]:
    """Article page -> the page whose shard it joins (its topic's), from the site's
    `topic_of` (article id -> topic)."""
    page = urls.output_file
    return {page(urls.article(a)): page(urls.topic(t.id)) for a, t in topic_of.items()}


def is_indexed(path: str) -> bool:
    """Whether Pagefind reads the file at site path `path` (its `--glob`)."""
    return path.endswith(".html") and path.split("/")[0] in SECTIONS


def indexed_pages(site: Path) -> list[str]:
    """The pages Pagefind indexes in the site in `site`, as site paths, sorted."""
    found: list[str] = []
    for section in SECTIONS:
        for folder, _, files in os.walk(site / section):
            where = Path(folder).relative_to(site).as_posix()
            found.extend(f"{where}/{name}" for name in files if name.endswith(".html"))
    return sorted(found)


def page_keys(paths: Iterable[str], keys: Mapping[str, str]) -> dict[str, str] | None:
    """The render keys of the indexed pages among `paths` (render.py: each hashes every
    input of its page), or None when one of them has no key and only its bytes can say."""
    pages = sorted(p for p in paths if is_indexed(p))
    if any(p not in keys for p in pages):
        return None
    return {p: keys[p] for p in pages}


@dataclass(frozen=True)
class PageCut:
    """What a shard's digest needs of one page: what Pagefind reads of it."""

    digest: str
    """SHA-256 of the page cut to what Pagefind reads (`search_pages.cut`)."""
    body: bool | None
    """Whether it has a body element (`search_pages.Cut.body`)."""


@dataclass(frozen=True)
class Plan:
    """The shards of a site, and what was learnt of its pages on the way."""

    shards: tuple[Shard, ...]
    """The non-empty shards, in order."""
    cuts: Mapping[str, PageCut]
    """Render key -> the cut of the page made under it, for each page that has a key."""


def plan(
    site: Path,
    arguments: str,
    keys: Mapping[str, str] | None = None,
    per_shard: int | None = None,
    known: Mapping[str, PageCut] | None = None,
    anchors: Mapping[str, str] | None = None,
) -> Plan:
    """The shards of the indexed pages of the site in `site`, each page in the shard of
    its anchor (`anchors`: page -> the page whose shard it joins; others their own).

    `arguments` are Pagefind's (they go into each digest). A shard's digest hashes what
    Pagefind reads of its pages, so that a page made anew the same (an article whose
    topic changed, which it only links to) leaves its shard's index as it is. `keys`,
    when given, name exactly the indexed pages (a build knows them: the site's folders
    are not listed then), and a page whose key is in `known` (key -> its cut, from an
    earlier plan) is not read: an edit reads only the pages made anew, and only the
    pages of shards not yet indexed need to be in `site` (the preview's snapshot).
    """
    pages = sorted(keys) if keys is not None else indexed_pages(site)
    known = known or {}
    cuts = {page: _cut_of(site, page, keys, known) for page in pages}
    read = _read_by_pagefind(pages, cuts)
    count = shard_count(len(read), per_shard)
    anchors = anchors or {}
    # Hashed once an anchor: a topic's articles share its page's.
    places = {anchor: _place(anchor) for anchor in {anchors.get(p, p) for p in read}}
    place_of = {page: places[anchors.get(page, page)] for page in read}
    groups: dict[int, list[str]] = {}
    for page in read:
        groups.setdefault(_shard_number(place_of[page], count), []).append(page)
    common = _common_digest(arguments)
    parts = part_count(len(read), count)
    shards = []
    for number in sorted(groups):
        digest = common.copy()
        _add_cuts(digest, groups[number], cuts)
        split = _parts(groups[number], parts, place_of, common, cuts)
        pages_cuts = tuple(cuts[page].digest for page in groups[number])
        shards.append(Shard(number, tuple(groups[number]), digest.hexdigest(), split, pages_cuts))
    learnt = {keys[page]: cuts[page] for page in pages} if keys is not None else {}
    return Plan(tuple(shards), learnt)


def _parts(
    pages: list[str],
    count: int,
    place_of: Mapping[str, bytes],
    common: hashlib._Hash,
    cuts: Mapping[str, PageCut],
) -> tuple[Part, ...]:
    """The non-empty parts of a shard's pages (`pages`, sorted), each page in the part
    of its anchor among `count` (`place_of`: page -> its anchor's `_place`)."""
    groups: dict[int, list[str]] = {}
    for page in pages:
        groups.setdefault(_part_number(place_of[page], count), []).append(page)
    parts = []
    for number in sorted(groups):
        digest = common.copy()
        digest.update(b"part\0")
        _add_cuts(digest, groups[number], cuts)
        parts.append(Part(tuple(groups[number]), digest.hexdigest()))
    return tuple(parts)


def _cut_of(
    site: Path, page: str, keys: Mapping[str, str] | None, known: Mapping[str, PageCut]
) -> PageCut:
    if keys is not None and keys[page] in known:
        return known[keys[page]]
    return page_cut((site / page).read_bytes())


def page_cut(page: bytes) -> PageCut:
    """What a shard's digest needs of a page, from its bytes (the build cuts the pages
    it makes as it writes them, in both processes, instead of reading them back)."""
    cut = search_pages.cut(page)
    return PageCut(hashlib.sha256(cut.content).hexdigest(), cut.body)


def basis(arguments: str) -> str:
    """What every shard's and part's digest holds besides its pages (`_common_digest`):
    an index kept under another basis was made by other code or options."""
    return _common_digest(arguments).hexdigest()


def _common_digest(arguments: str) -> hashlib._Hash:
    """Pagefind's arguments and version, and what makes its output canonical (that
    module's code, the CBOR library, zlib) and the code that decides what it reads."""
    digest = hashlib.sha256(arguments.encode())
    digest.update(library_version("pagefind_bin_extended").encode())
    digest.update(f"{library_version('libipld')} {zlib.ZLIB_RUNTIME_VERSION}".encode())
    digest.update(CODE_VERSION.encode())
    return digest


def _read_by_pagefind(pages: list[str], cuts: Mapping[str, PageCut]) -> list[str]:
    """The pages Pagefind would index if it read them all at once: once a page has a
    body element, it skips those without one (redirects). A shard is given only these,
    so that it indexes what one index of the site would (a shard of redirects alone
    would have them indexed whole)."""
    if not any(cuts[page].body for page in pages):
        return pages
    return [page for page in pages if cuts[page].body is not False]


def _add_cuts(digest: hashlib._Hash, pages: list[str], cuts: Mapping[str, PageCut]) -> None:
    """Add what Pagefind reads of the pages."""
    for page in pages:
        digest.update(f"{page}\0{cuts[page].digest}\0".encode())


CODE_VERSION = hashlib.sha256(
    b"".join(Path(str(m.__file__)).read_bytes() for m in (search_index, search_merge, search_pages))
    + Path(__file__).read_bytes()
).hexdigest()
"""Hash of the code deciding what Pagefind reads and how its output is made canonical:
a cut kept by key, and an index kept by digest, hold only for the same."""
