"""The search index in shards: which page goes into which, and what each one depends on.

Pagefind indexes all the pages it is given in one run, and its cost grows with them
(about 3 ms a page here, after ~0.1 s to start); an edit of one article re-indexed every
page. So the indexed pages are split into shards by a stable hash of each page's path,
each shard is a Pagefind bundle of its own, cached under the digest of its own pages,
and the search page merges them in the browser (Pagefind's `mergeIndex`). An edit
re-indexes only the shards holding a changed page: its article and its topic, at most two.

The number of shards is a power of two chosen from the number of pages, at least
`SHARD_PAGES` pages each on average, and at most `MAX_SHARDS`: the browser fetches a
few files of every shard for each search (see README), so a search must not fetch
hundreds. A page's shard is its hash modulo the count, so when an archive grows past a
power of two each shard splits into two and a page moves only into its shard's new half;
between those points no page ever moves.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator import search_index, search_pages, urls
from generator.cache import library_version

SECTIONS = (urls.article("x").split("/")[0], urls.topic("x").split("/")[0])
"""Folders holding the indexed pages (`articles`, `topics`); Pagefind reads no others."""
SHARD_PAGES = 64
"""Fewest pages per shard, on average, before the pages are split into more shards
(1,341 pages, the 1,000-article archive: 16 shards of ~84, ~0.3 s of Pagefind each)."""
MAX_SHARDS = 32
"""Most shards, whatever the size of the archive: a search fetches a word-index chunk
from each, and the search page loads each one's meta and filter files (6 files) first."""


@dataclass(frozen=True)
class Shard:
    """Pages indexed together into one Pagefind bundle."""

    number: int
    """Its place among the shards (the hash of a page's path modulo their count)."""
    pages: tuple[str, ...]
    """Its pages, as paths inside the site (`articles/x/index.html`), sorted."""
    digest: str
    """What its index depends on: its pages as Pagefind reads them (or their keys), and
    Pagefind's arguments and version; the index is cached under it."""


def shard_count(pages: int, per_shard: int | None = None) -> int:
    """The number of shards for `pages` indexed pages: the greatest power of two that
    leaves each shard `per_shard` (SHARD_PAGES) pages on average, from 1 to MAX_SHARDS."""
    per_shard = per_shard or SHARD_PAGES
    count = 1
    while count * 2 <= MAX_SHARDS and pages >= count * 2 * per_shard:
        count *= 2
    return count


def shard_of(page: str, count: int) -> int:
    """The shard of the page at site path `page` among `count` (a power of two)."""
    return int.from_bytes(hashlib.sha256(page.encode()).digest()[:8], "big") % count


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


def plan(
    site: Path,
    arguments: str,
    keys: Mapping[str, str] | None = None,
    per_shard: int | None = None,
) -> list[Shard]:
    """The non-empty shards of the indexed pages of the site in `site`, in order.

    `arguments` are Pagefind's (they go into each digest); `keys`, when they cover
    exactly the pages found, stand for the pages and spare reading them all to hash them.
    """
    pages = indexed_pages(site)
    count = shard_count(len(pages), per_shard)
    groups: dict[int, list[str]] = {}
    for page in pages:
        groups.setdefault(shard_of(page, count), []).append(page)
    common = _common_digest(arguments)
    usable = keys is not None and set(keys) == set(pages)
    shards = []
    for number in sorted(groups):
        members = groups[number]
        digest = common.copy()
        if usable and keys is not None:
            _add_keys(digest, members, keys)
        else:
            _add_pages(digest, site, members)
        shards.append(Shard(number, tuple(members), digest.hexdigest()))
    return shards


def _common_digest(arguments: str) -> hashlib._Hash:
    """Pagefind's arguments and version, and what makes its output canonical (that
    module's code, the CBOR library, zlib) and the code that decides what it reads."""
    digest = hashlib.sha256(arguments.encode())
    digest.update(library_version("pagefind_bin_extended").encode())
    digest.update(f"{library_version('cbor2')} {zlib.ZLIB_RUNTIME_VERSION}".encode())
    digest.update(Path(search_index.__file__).read_bytes())
    digest.update(Path(search_pages.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest


def _add_keys(digest: hashlib._Hash, pages: list[str], keys: Mapping[str, str]) -> None:
    digest.update(b"keys\0")
    for page in pages:
        digest.update(f"{page}\0{keys[page]}\0".encode())


def _add_pages(digest: hashlib._Hash, site: Path, pages: list[str]) -> None:
    """Add what Pagefind reads of the pages (`search_pages.cut`: the same index). Once a
    page of the shard has a body element, Pagefind skips those without one (redirects):
    they are left out then."""
    cuts = [(page, search_pages.cut((site / page).read_bytes())) for page in pages]
    some_body = any(cut.body for _, cut in cuts)
    digest.update(b"pages\0")
    for page, cut in cuts:
        if some_body and cut.body is False:
            continue
        digest.update(page.encode() + b"\0")
        digest.update(hashlib.sha256(cut.content).digest())
