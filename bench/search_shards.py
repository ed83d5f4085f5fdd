"""Time of the search stage alone (Pagefind, merging the parts of shards, the index
cache) on a built site: the whole index as one shard, in shards one Pagefind at a time
and two at a time, and after an edit of one article page and one topic page (only
their parts are indexed, and their shards merged).

    python bench/search_shards.py SITE_DIR [--per-shard N]

SITE_DIR is a site folder holding site.yaml and a finished build (its `build/`). The
pages are linked into a scratch folder; nothing of SITE_DIR is changed. Wall seconds
depend on what else runs on the machine; the CPU seconds of Python and of Pagefind less.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.config import SiteConfig, load_config
from generator.search import IndexStore, index_site, link_or_copy
from generator.search_shards import indexed_pages, part_count, shard_count


def measure(label: str, work: partial[None]) -> None:
    """Run `work`; print its wall time and the CPU time of this process and children."""
    before = os.times()
    start = time.perf_counter()
    work()
    wall = time.perf_counter() - start
    after = os.times()
    own = after.user - before.user + after.system - before.system
    children = (
        after.children_user - before.children_user + after.children_system - before.children_system
    )
    print(f"{label:<34} wall {wall:6.2f} s   cpu: python {own:5.2f} s, pagefind {children:5.2f} s")


def keys_of(site: Path) -> dict[str, str]:
    """Stand-ins for the render keys: the hash of each indexed page."""
    return {p: hashlib.sha256((site / p).read_bytes()).hexdigest() for p in indexed_pages(site)}


def edit(site: Path, page: str) -> None:
    """Change a word of the page's indexed text (a new file: the page is a link)."""
    path = site / page
    content = path.read_bytes().replace(b"</article>", b"<p>An added sentence.</p></article>", 1)
    path.unlink()
    path.write_bytes(content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--per-shard", type=int, default=None)
    parser.add_argument(
        "--quick", action="store_true", help="cold: only the shards, two at once (large sites)"
    )
    args = parser.parse_args()
    config: SiteConfig = load_config(args.site)
    scratch = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        site = scratch / "site"
        shutil.copytree(args.site / "build", site, copy_function=link_or_copy)
        pages = indexed_pages(site)
        shards = shard_count(len(pages), args.per_shard)
        print(
            f"{len(pages)} indexed pages, {shards} shards of {part_count(len(pages), shards)} parts"
        )
        one = 10**9
        if not args.quick:
            whole = partial(index_site, site, config, per_shard=one)
            measure("one shard, cold", whole)
        sharded = partial(index_site, site, config, per_shard=args.per_shard)
        for jobs in (2,) if args.quick else (1, 2):
            measure(f"shards, {jobs} Pagefind at once, cold", partial(sharded, jobs=jobs))
        store = IndexStore(scratch / "cache")
        sharded(store, keys_of(site))
        measure("shards, cached, no change", partial(sharded, store, keys_of(site)))
        article = next(p for p in pages if p.startswith("articles/"))
        topic = next(p for p in pages if p.startswith("topics/") and p.count("/") > 1)
        for jobs in (1, 2):
            for page in (article, topic):
                edit(site, page)
            edited = partial(sharded, store, keys_of(site), jobs=jobs)
            measure(f"shards, one edit, {jobs} at once", edited)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
