"""Merging Pagefind bundles: the merge of any split of the pages is Pagefind's own index of
them all, with its pages in the canonical order."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import search, search_index, search_merge, search_shards
from generator.config import SiteConfig, load_config, parse_config
from generator.search import BUNDLE_DIR, IndexStore, index_site
from generator.search_merge import files_in, merge

from .test_search import GOLDEN_SITE, files_of, golden_index, golden_site, meta_of, need_pagefind

__all__ = ["golden_index", "golden_site"]  # fixtures

ACCENTED = """<!doctype html><html lang="en"><head><title>{title}</title></head><body>
<main data-pagefind-body><h1>{title}</h1><p>{text}</p>
<span data-pagefind-filter="outlet">{outlet}</span>{meta}</main></body></html>"""


def pagefind_bundle(site: Path, pages: Iterable[str], config: SiteConfig, work: Path) -> Path:
    """Pagefind's own (canonicalised) bundle of `pages` of the site in `site`."""
    work.mkdir(parents=True)
    search.run_pagefind(site, "{" + ",".join(sorted(pages)) + "}", config, work)
    return work / BUNDLE_DIR


def recorded_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The pages of each Pagefind run from now on (all those of the folder it is given),
    in a list that grows as they run."""
    runs: list[list[str]] = []
    run = search.run_pagefind
    monkeypatch.setattr(
        search,
        "run_pagefind",
        lambda *a, **k: runs.append(search_shards.indexed_pages(a[0])) or run(*a, **k),
    )
    return runs


def postings(bundle: Path) -> dict[str, Any]:
    """What the index says, with each page named by its URL instead of its number:
    word -> form -> URL -> (positions, metadata field names and positions), the filters
    as value -> URLs, and each URL's word count. Read as the browser reads the index."""
    _, meta = meta_of(bundle)
    urls, counts = [], {}
    for name, words in meta[1]:
        data = gzip.decompress((bundle / "fragment" / f"{name}.pf_fragment").read_bytes())
        url = json.loads(data[len(search_index.SIGNATURE) :])["url"]
        urls.append(url)
        counts[url] = words
    fields = meta[5]

    def pages_of(packed: list[Any]) -> dict[str, Any]:
        found, number = {}, 0
        for delta, locs, meta_locs in packed:
            number += delta
            named = [fields[-m - 1] if m < 0 else m for m in meta_locs]
            found[urls[number]] = (locs, named)
        return found

    words: dict[str, Any] = {}
    for _, _, name in meta[2]:
        (chunk,) = search_index.decode((bundle / "index" / f"{name}.pf_index").read_bytes())
        for word, pages, variants in chunk:
            assert word not in words  # each word in one chunk
            words[word] = {"": pages_of(pages)} | {f: pages_of(p) for f, p in variants}
    filters = {}
    for name, hash_ in meta[3]:
        filter_name, values = search_index.decode(
            (bundle / "filter" / f"{hash_}.pf_filter").read_bytes()
        )
        assert filter_name == name
        filters[name] = {value: sorted(urls[p] for p in pages) for value, pages in values}
    return {"words": words, "filters": filters, "counts": counts}


@pytest.fixture(scope="module")
def accented(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pages with diacritics (Pagefind keeps their forms as variants) and metadata that
    only some pages have (a part without them numbers the fields otherwise)."""
    site = tmp_path_factory.mktemp("accented")
    pages = {
        "a": ("Café naïve", "The café served crème brûlée. Zoë met Chloé.", "Le Monde", True),
        "b": (
            "Cafe plain",
            "The cafe served creme brulee. Zoe met Chloe at the CAFÉ.",
            "Le Monde",
            False,
        ),
        "c": ("Zoë again", "Zoë and the naïve café owner spoke about crème.", "El País", False),
        "d": ("Brûlée", "A brûlée and a brulee; the café, the cafe, the CAFE.", "El País", True),
        "e": ("Résumé", "Her résumé, his resumé, their résume and a rèsume.", "El País", False),
        "f": ("Resumé", "A resumé.", "Le Monde", False),
        "g": ("Rèsume", "One rèsume, one résume.", "Le Monde", True),
    }
    for name, (title, text, outlet, extra) in pages.items():
        meta = '<span data-pagefind-meta="desk">Culture</span>' if extra else ""
        page = ACCENTED.format(title=title, text=text, outlet=outlet, meta=meta)
        (site / "articles" / name).mkdir(parents=True)
        (site / "articles" / name / "index.html").write_text(page, encoding="utf-8")
    return site


def test_the_merge_of_a_split_is_pagefinds_index_of_all_pages(
    golden_site: Path, tmp_path: Path
) -> None:
    need_pagefind()
    config = load_config(GOLDEN_SITE)
    pages = search_shards.indexed_pages(golden_site)
    whole = pagefind_bundle(golden_site, pages, config, tmp_path / "whole")
    splits = {
        "halves": [pages[::2], pages[1::2]],
        "by section": [  # articles and topic pages have different metadata fields
            [p for p in pages if p.startswith("articles/")],
            [p for p in pages if not p.startswith("articles/")],
        ],
        "one page apart": [pages[:1], pages[1:]],
    }
    merge([files_in(whole)], tmp_path / "canonical")
    canonical = files_of(tmp_path / "canonical")
    assert postings(tmp_path / "canonical") == postings(whole)  # nothing lost, nothing added
    assert [c[:2] for c in meta_of(tmp_path / "canonical")[1][2]] == [
        c[:2] for c in meta_of(whole)[1][2]
    ]
    for split, groups in splits.items():
        parts = [
            pagefind_bundle(golden_site, group, config, tmp_path / split / str(n))
            for n, group in enumerate(groups)
        ]
        merge([files_in(part) for part in parts], tmp_path / split / "merged")
        assert files_of(tmp_path / split / "merged") == canonical, split
        merge([files_in(part) for part in reversed(parts)], tmp_path / split / "reversed")
        assert files_of(tmp_path / split / "reversed") == canonical, split


def test_diacritics_and_metadata_fields_merge_as_pagefind_indexes_them(
    accented: Path, tmp_path: Path
) -> None:
    need_pagefind()
    config = parse_config("language: en")
    pages = search_shards.indexed_pages(accented)
    whole = pagefind_bundle(accented, pages, config, tmp_path / "whole")
    seen = postings(whole)
    assert len(seen["words"]["cafe"]) > 1  # forms with diacritics are in the index
    assert len(seen["words"]["resum"]) == 5  # the word and four forms
    merge([files_in(whole)], tmp_path / "canonical")
    canonical = files_of(tmp_path / "canonical")
    for split in (
        [pages[:2], pages[2:]],
        [pages[1:5], pages[5:] + pages[:1]],
        [[p] for p in pages],
    ):
        parts = [
            pagefind_bundle(accented, group, config, tmp_path / f"{split}-{n}")
            for n, group in enumerate(split)
        ]
        merged = tmp_path / f"{split}-merged"
        merge([files_in(part) for part in parts], merged)
        assert postings(merged) == seen
        assert files_of(merged) == canonical


def fragment_files(bundle: Path, pages: Iterable[str]) -> list[Path]:
    """The fragment files of these pages (site paths) in the bundle."""
    urls = {"/" + page.removesuffix("index.html") for page in pages}
    found = []
    for fragment in (bundle / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes())
        if json.loads(data[len(search_index.SIGNATURE) :])["url"] in urls:
            found.append(fragment)
    assert len(found) == len(urls)
    return found


@pytest.mark.parametrize(
    "left_out",
    [
        ("b",),  # nothing that only it has but words
        ("a", "d", "g"),  # every page with the field "desk"
        ("c", "d", "e"),  # every page of the outlet "El País"
        ("e", "f", "g"),  # most forms of "resum"
        ("a", "b", "c", "d", "e", "f"),
    ],
)
def test_a_bundle_without_some_of_its_pages_is_pagefinds_index_of_the_others(
    accented: Path, tmp_path: Path, left_out: tuple[str, ...]
) -> None:
    """What an edit does: the shard's last bundle without the pages it changed, and
    those pages indexed on their own, merge into Pagefind's index of them all."""
    need_pagefind()
    config = parse_config("language: en")
    pages = search_shards.indexed_pages(accented)
    out = [f"articles/{name}/index.html" for name in left_out]
    rest = [page for page in pages if page not in out]
    whole = pagefind_bundle(accented, pages, config, tmp_path / "whole")
    others = pagefind_bundle(accented, rest, config, tmp_path / "others")
    merge([files_in(others)], tmp_path / "expected")
    dropped = fragment_files(whole, out)

    without = search_merge.Merge()
    without.add(files_in(whole), dropped)
    without.write(tmp_path / "without")
    assert postings(tmp_path / "without") == postings(others)
    assert files_of(tmp_path / "without") == files_of(tmp_path / "expected")

    again = search_merge.Merge()
    again.add(files_in(whole), dropped)
    again.add(files_in(pagefind_bundle(accented, out, config, tmp_path / "alone")))
    again.write(tmp_path / "again")
    merge([files_in(whole)], tmp_path / "canonical")
    assert files_of(tmp_path / "again") == files_of(tmp_path / "canonical")


def test_the_word_index_is_cut_into_chunks_where_pagefind_cuts_it(tmp_path: Path) -> None:
    """Many words: several chunks, each bounded as in Pagefind's own index."""
    need_pagefind()
    import random

    rng = random.Random(7)
    vocabulary = ["".join(rng.choice("abcdefghij") for _ in range(6)) for _ in range(3000)]
    site = tmp_path / "site"
    for number in range(40):
        text = " ".join(rng.choice(vocabulary) for _ in range(900))
        page = ACCENTED.format(title=f"Page {number}", text=text, outlet="X", meta="")
        (site / "articles" / str(number)).mkdir(parents=True)
        (site / "articles" / str(number) / "index.html").write_text(page, encoding="utf-8")
    config = parse_config("language: en")
    pages = search_shards.indexed_pages(site)
    whole = pagefind_bundle(site, pages, config, tmp_path / "whole")
    halves = [pagefind_bundle(site, pages[n::2], config, tmp_path / str(n)) for n in (0, 1)]
    merge([files_in(half) for half in halves], tmp_path / "merged")
    chunks = [bounds[:2] for bounds in meta_of(whole)[1][2]]
    assert len(chunks) > 3
    assert [bounds[:2] for bounds in meta_of(tmp_path / "merged")[1][2]] == chunks
    assert postings(tmp_path / "merged") == postings(whole)


def test_a_merged_bundle_merges_into_itself(golden_index: tuple[Path, Any], tmp_path: Path) -> None:
    bundle = golden_index[0] / BUNDLE_DIR
    merge([files_in(bundle)], tmp_path / "again")
    assert files_of(tmp_path / "again") == files_of(bundle)


def test_an_index_split_in_parts_is_the_index_of_one_run(
    golden_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A site indexed in parts of a few pages (merged) has the same index as in one
    part, and an edit of a page makes only its part again (when its shard's last index
    is not taken: `no_bases`)."""
    no_bases(monkeypatch)
    config = load_config(GOLDEN_SITE)
    keys = {page: f"1 {page}" for page in search_shards.indexed_pages(golden_site)}
    one = tmp_path / "one"
    shutil.copytree(golden_site, one)
    index_site(one, config, IndexStore(tmp_path / "one-store"), keys, per_shard=4)
    monkeypatch.setattr(search_shards, "PART_PAGES", 1)
    shards = search.plan_shards(golden_site, config, keys, per_shard=4)
    assert min(len(shard.parts) for shard in shards) > 1
    parts = tmp_path / "parts"
    shutil.copytree(golden_site, parts)
    store = IndexStore(tmp_path / "parts-store")
    index_site(parts, config, store, keys, per_shard=4)
    assert files_of(parts / BUNDLE_DIR) == files_of(one / BUNDLE_DIR)

    runs = recorded_runs(monkeypatch)
    article = next(page for page in keys if page.startswith("articles/"))
    content = (parts / article).read_bytes().replace(b"</article>", b"<p>More.</p></article>")
    (parts / article).unlink()
    (parts / article).write_bytes(content)
    keys[article] = "2"
    index_site(parts, config, store, keys, per_shard=4)
    [part] = [p for s in shards for p in s.parts if article in p.pages]
    assert runs == [list(part.pages)]  # its part alone
    (one / article).unlink()
    (one / article).write_bytes(content)
    monkeypatch.undo()
    index_site(one, config, IndexStore(tmp_path / "one-store"), keys, per_shard=4)
    assert files_of(parts / BUNDLE_DIR) == files_of(one / BUNDLE_DIR)


def no_bases(monkeypatch: pytest.MonkeyPatch) -> None:
    """Edits index the parts of the shards they change, not only their pages."""
    monkeypatch.setattr(search, "find_base", lambda *args: None)


def edit_page(site: Path, page: str, keys: dict[str, str], key: str) -> None:
    """Add a paragraph to the page (a new file, as a build writes it) under a new key."""
    content = (site / page).read_bytes().replace(b"</article>", b"<p>More.</p></article>", 1)
    (site / page).unlink()
    (site / page).write_bytes(content)
    keys[page] = key


def indexed_copy(
    golden_site: Path, tmp_path: Path, per_shard: int = 4
) -> tuple[SiteConfig, Path, dict[str, str], IndexStore]:
    """A copy of the golden site indexed in shards of ~`per_shard` pages into a store:
    its configuration, folder, pages' keys and store."""
    config = load_config(GOLDEN_SITE)
    site = tmp_path / "site"
    shutil.copytree(golden_site, site)
    keys = {page: f"1 {page}" for page in search_shards.indexed_pages(site)}
    store = IndexStore(tmp_path / "store")
    index_site(site, config, store, keys, per_shard=per_shard)
    return config, site, keys, store


def fragments_read(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The fragments whose URL the indexing reads from now on, in a list that grows."""
    read: list[Path] = []
    url_of = search.fragment_url
    monkeypatch.setattr(search, "fragment_url", lambda path: read.append(path) or url_of(path))
    return read


def assert_a_clean_index(site: Path, config: SiteConfig, tmp_path: Path, name: str) -> None:
    """The site's index is the one made from nothing."""
    clean = tmp_path / name
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    index_site(clean, config, per_shard=4)
    assert files_of(site / BUNDLE_DIR) == files_of(clean / BUNDLE_DIR)


def test_an_edit_indexes_only_the_pages_it_changed(
    golden_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit's shard is indexed from its last index without the pages the edit
    changed, and those pages indexed alone: the same index as from nothing. Which
    fragment is which page's is kept with each index (read from a merge of parts)."""
    config, site, keys, store = indexed_copy(golden_site, tmp_path)
    articles = [page for page in keys if page.startswith("articles/")]
    runs = recorded_runs(monkeypatch)
    read = fragments_read(monkeypatch)
    shards = search.plan_shards(site, config, keys, per_shard=4)
    [shard] = [s for s in shards if articles[0] in s.pages]
    basis = search_shards.basis(search.digest_arguments(config))
    for each in shards:
        kept = store.pages(each.digest, basis)
        assert kept is not None and kept.keys() == set(each.pages)
        assert all(name is not None for _, name in kept.values())

    for edit in (1, 2):
        runs.clear()
        read.clear()
        edit_page(site, articles[0], keys, f"edit {edit}")
        index_site(site, config, store, keys, per_shard=4)
        assert runs == [[articles[0]]] and len(read) == 1  # the new fragment only
        assert_a_clean_index(site, config, tmp_path, f"clean-{edit}")

    runs.clear()
    gone = next(page for page in shard.pages if page != articles[0])
    (site / gone).unlink()
    del keys[gone]
    index_site(site, config, store, keys, per_shard=4)
    assert runs == []  # a page left the shard: its last index without it
    assert_a_clean_index(site, config, tmp_path, "clean-3")


def test_an_index_kept_without_its_fragments_names_has_them_read(
    golden_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, site, keys, store = indexed_copy(golden_site, tmp_path)
    article = next(page for page in keys if page.startswith("articles/"))
    [shard] = [s for s in search.plan_shards(site, config, keys, per_shard=4) if article in s.pages]
    basis = search_shards.basis(search.digest_arguments(config))
    kept = store.pages(shard.digest, basis)
    assert kept is not None
    store.keep_pages(shard.digest, basis, {page: (cut, None) for page, (cut, _) in kept.items()})
    read = fragments_read(monkeypatch)
    runs = recorded_runs(monkeypatch)
    edit_page(site, article, keys, "edit")
    index_site(site, config, store, keys, per_shard=4)
    assert runs == [[article]] and len(read) == len(shard.pages) + 1
    assert_a_clean_index(site, config, tmp_path, "clean")


def test_a_spoiled_last_index_costs_a_whole_run_not_the_build(
    golden_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shard's last index with a file spoiled or gone is forgotten, and the shard
    indexed whole: the same index as a clean run's."""
    config, site, keys, store = indexed_copy(golden_site, tmp_path)
    runs = recorded_runs(monkeypatch)
    article = next(page for page in keys if page.startswith("articles/"))
    for edit, spoil in enumerate(("index/", search_index.ENTRY)):
        [shard] = [
            s for s in search.plan_shards(site, config, keys, per_shard=4) if article in s.pages
        ]
        assert shard.digest in store.latest().values()
        kept = next(path for name, path in store.files(shard.digest).items() if spoil in name)
        kept.unlink()
        if spoil != search_index.ENTRY:
            kept.write_bytes(b"spoiled")
        runs.clear()
        edit_page(site, article, keys, f"edit {edit}")
        index_site(site, config, store, keys, per_shard=4)
        assert not store.has(shard.digest) and list(shard.pages) in runs
        assert_a_clean_index(site, config, tmp_path, f"clean-{edit}")


def fragment_names(order: list[search_merge._Page]) -> list[str]:
    """The merged bundle's fragment names for pages in this order, as `merge` names them."""
    return search_index.short_names([page.full for page in order], len("en_") + 7)


def test_pages_are_ordered_by_their_fragments_full_hash() -> None:
    """Only pages whose names begin alike have their fragments read; the merged names
    are lengthened as Pagefind lengthens colliding names."""
    pages = [
        search_merge._Page("en_abcdef1", Path("1"), 1, full="en_abcdef1" + "0" * 30),
        search_merge._Page("en_abcdef12", Path("2"), 1, full="en_abcdef12" + "0" * 29),
        search_merge._Page("en_0123456", Path("3"), 1, full="en_0123456" + "9" * 30),
    ]
    order = sorted(pages, key=lambda page: page.full)
    assert [p.name for p in order] == ["en_0123456", "en_abcdef1", "en_abcdef12"]
    assert fragment_names(order) == ["en_0123456", "en_abcdef1", "en_abcdef12"]
    assert fragment_names(order[1:])[1] == "en_abcdef12"


@st.composite
def in_order_lists(draw: st.DrawFn) -> tuple[list[Any], list[int], list[Any]]:
    """A word's pages as a part whose pages keep their order in the merge lists them,
    that part's renumbering (some pages left out), and the word's pages of other parts
    in the merge's numbering, in no order."""
    size = draw(st.integers(1, 30))
    left_out = draw(st.sets(st.integers(0, size - 1)))
    total = size - len(left_out) + draw(st.integers(0, 30))
    slots = sorted(draw(st.permutations(range(total)))[: size - len(left_out)])
    theirs = sorted(set(range(total)) - set(slots))
    kept = iter(slots)
    new = [search_merge.DROPPED if n in left_out else next(kept) for n in range(size)]
    read, before = [], 0
    for number in sorted(draw(st.sets(st.integers(0, size - 1), min_size=1))):
        read.append([number - before, [number, number + 1], [-1] if number % 3 else []])
        before = number
    chosen = draw(st.lists(st.sampled_from(theirs), unique=True)) if theirs else []
    return read, new, [(n, [n * 2], []) for n in chosen]


@given(in_order_lists())
def test_a_list_kept_as_read_packs_as_if_taken_apart(
    case: tuple[list[Any], list[int], list[Any]],
) -> None:
    """`_packed_in_order` (an edit's base) writes what taking every page apart writes."""
    read, new, others = case
    copy = json.loads(json.dumps(read))
    taken_apart = search_merge._packed(search_merge._absolute(read, new) + list(others))
    assert search_merge._packed_in_order(read, new, others) == taken_apart
    assert read == copy  # the pages as read are not changed


def test_chunks_are_bounded_by_the_shortest_telling_prefixes() -> None:
    """Pagefind's own cases (`get_prefixes`)."""
    assert search_merge._prefixes("apple", "apricot") == ("app", "apr")
    assert search_merge._prefixes("cataraman", "yacht") == ("c", "y")
    assert search_merge._prefixes("cath", "cathartic") == ("cath", "catha")


def test_an_index_in_another_form_is_a_clear_error(
    golden_index: tuple[Path, Any], tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(golden_index[0] / BUNDLE_DIR, bundle)
    name, meta = meta_of(bundle)
    meta[4] = [["date", [0]]]  # sort orders, which briefing's pages never ask for
    body = search_index.SIGNATURE + search_index.encode_cbor(meta)
    (bundle / name).write_bytes(search_index.compress(body))
    with pytest.raises(search_merge.Unmergeable, match="sort orders"):
        merge([files_in(bundle)], tmp_path / "merged")
    (bundle / name).write_bytes(gzip.compress(b"not pagefind"))
    with pytest.raises(search_index.IndexFormatError, match="signature"):
        merge([files_in(bundle)], tmp_path / "merged-2")
    assert not (tmp_path / "merged" / search_index.ENTRY).exists()


def test_a_shard_with_sort_orders_is_indexed_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sort orders (a custom template's `data-pagefind-sort`) cannot be merged: the
    bundles do not hold the values. Such a shard is indexed by one run over its pages."""
    need_pagefind()
    site = tmp_path / "site"
    for number in range(6):
        meta = f'<span data-pagefind-sort="weight:{number * 7 % 5}">w</span>'
        page = ACCENTED.format(title=f"Page {number}", text="Words.", outlet="X", meta=meta)
        (site / "articles" / str(number)).mkdir(parents=True)
        (site / "articles" / str(number) / "index.html").write_text(page, encoding="utf-8")
    monkeypatch.setattr(search_shards, "PART_PAGES", 1)
    config = parse_config("language: en")
    [shard] = search.plan_shards(site, config)
    assert len(shard.parts) > 1
    index_site(site, config)
    _, meta = meta_of(site / BUNDLE_DIR)
    assert len(meta[1]) == 6 and meta[4][0][0] == "weight" and len(meta[4][0][1]) == 6


def test_a_merge_compresses_less_and_says_so() -> None:
    data = search_index.SIGNATURE + b"abc" * 1000
    packed = search_index.compress(data, search_merge.LEVEL)
    assert gzip.decompress(packed) == data and packed[8] == 0  # no "best compression" flag
    assert search_index.compress(data)[8] == 2


@pytest.mark.parametrize(
    ("pages", "shards", "parts"),
    [(100, 1, 2), (79, 1, 1), (1_341, 16, 2), (11_522, 32, 8), (118_593, 32, 32), (10**7, 32, 32)],
)
def test_parts_are_a_power_of_two_of_at_least_part_pages(
    pages: int, shards: int, parts: int
) -> None:
    assert search_shards.part_count(pages, shards) == parts


def test_a_spoiled_kept_part_costs_a_whole_run_not_the_build(
    golden_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kept part whose files are spoiled or gone is forgotten and its shard indexed
    whole: the same index as a clean run's, and the next edit makes that part anew."""
    no_bases(monkeypatch)
    monkeypatch.setattr(search_shards, "PART_PAGES", 1)
    config, site, keys, store = indexed_copy(golden_site, tmp_path, per_shard=100)
    [shard] = search.plan_shards(site, config, keys, per_shard=100)
    edited, spoiled, gone = shard.parts[0], shard.parts[1], shard.parts[2]
    chunk = next(path for name, path in store.files(spoiled.digest).items() if "index/" in name)
    chunk.unlink()
    chunk.write_bytes(b"spoiled")
    store.files(gone.digest)[search_index.ENTRY].unlink()
    runs = recorded_runs(monkeypatch)
    for edit, dropped in enumerate((spoiled, gone, None)):
        edit_page(site, edited.pages[0], keys, f"edit {edit}")
        runs.clear()
        index_site(site, config, store, keys, per_shard=100)
        if dropped is not None:  # read first of the shard's kept parts, and forgotten
            assert not store.has(dropped.digest) and list(shard.pages) in runs
        else:  # no whole run: the part forgotten last made again, as the edited one
            assert sorted(runs) == sorted([list(edited.pages), list(gone.pages)])
        clean = tmp_path / f"clean-{edit}"
        shutil.copytree(site, clean, ignore=shutil.ignore_patterns(BUNDLE_DIR))
        index_site(clean, config, per_shard=100)
        assert files_of(site / BUNDLE_DIR) == files_of(clean / BUNDLE_DIR)
    assert chunk.read_bytes() != b"spoiled"  # the spoiled file, named by its bytes again
