"""Pagefind indexing: what goes into the index, with which filters, and its failures."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import libipld
import pytest

from generator import search, search_index, search_merge, search_shards
from generator.build import BuildOptions, build
from generator.config import SiteConfig, load_config, parse_config
from generator.errors import BuildError
from generator.search import (
    BUNDLE_DIR,
    MANIFEST,
    Cancelled,
    IndexStore,
    index_arguments,
    index_site,
    pagefind_binary,
    plan_shards,
)
from generator.search_shards import MAX_SHARDS, shard_count, shard_of
from generator.search_shards import indexed_pages as indexed

from .conftest import FIXTURES, site_copy

GOLDEN_SITE = FIXTURES / "golden-site"
FRAGMENT_MAGIC = b"pagefind_dcd"


def ran(arguments: tuple[Any, ...]) -> tuple[str, ...]:
    """The pages a Pagefind run (`search.run_pagefind`'s arguments) indexed: all those
    of the folder it was given."""
    return tuple(search_shards.indexed_pages(arguments[0]))


def need_pagefind() -> None:
    try:
        pagefind_binary()
    except BuildError as exc:
        pytest.skip(str(exc))


def indexed_pages(out: Path, bundle: str = BUNDLE_DIR) -> dict[str, Any]:
    """URL -> Pagefind's record (meta, filters) for every page in the index (its first
    bundle, the only one on a small site)."""
    records = {}
    for path in sorted((out / bundle / "fragment").iterdir()):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(FRAGMENT_MAGIC), path
        record = json.loads(data[len(FRAGMENT_MAGIC) :])
        records[record["url"]] = record
    return records


@pytest.fixture(scope="module")
def golden_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    need_pagefind()
    out = tmp_path_factory.mktemp("search") / "build"
    build(BuildOptions(site_copy(GOLDEN_SITE, out.parent), out=out, base_url="/"))
    index_site(out, load_config(GOLDEN_SITE))
    return out, json.loads((out / "archive.json").read_text())


def test_the_binary_is_the_one_pagefinds_own_lookup_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found without importing pagefind.service, but where it would find it: its
    PAGEFIND_BINARY_PATH first, else the extended binary's package."""
    need_pagefind()
    from pagefind.service import get_executable

    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    assert pagefind_binary() == get_executable()
    elsewhere = tmp_path / "pagefind"
    elsewhere.write_bytes(b"")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(elsewhere))
    assert pagefind_binary() == get_executable() == elsewhere
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "missing"))
    with pytest.raises(BuildError, match="Pagefind binary is not installed"):
        pagefind_binary()


def test_arguments_force_the_site_language() -> None:
    args = index_arguments(Path("/site"), parse_config("language: en-GB"), Path("/out"))
    assert args[:2] == ["--site", "/site"]
    assert args[args.index("--force-language") + 1] == "en"
    assert args[args.index("--output-path") + 1] == "/out"
    assert "--glob" not in args  # each shard names its pages in Pagefind's config file


def test_only_articles_and_topics_are_indexed(golden_index: tuple[Path, Any]) -> None:
    out, archive = golden_index
    expected = {"/" + a["url"] for a in archive["articles"]} | {
        "/" + t["url"] for t in archive["topics"]
    }
    assert set(indexed_pages(out)) == expected
    assert (out / BUNDLE_DIR / "pagefind.js").is_file()


def test_articles_carry_filters_and_result_metadata(golden_index: tuple[Path, Any]) -> None:
    out, archive = golden_index
    pages = indexed_pages(out)
    for record in archive["articles"]:
        page = pages["/" + record["url"]]
        meta, filters = page["meta"], page["filters"]
        assert meta["kind"] == "Article" and meta["title"] == record["title"]
        if record["outlet"]:
            assert filters["outlet"] == [record["outlet"]] and meta["outlet"] == record["outlet"]
        assert filters.get("author", []) == record["authors"]
        assert filters.get("year", []) == ([record["date"][:4]] if record["date"] else [])
        assert ("date" in meta) == bool(record["date"])
        if record["topic"]:
            assert meta["topic_url"] == "/topics/" + record["topic"] + "/"


def test_topics_are_filtered_by_every_member_outlet(golden_index: tuple[Path, Any]) -> None:
    out, archive = golden_index
    pages = indexed_pages(out)
    for record in archive["topics"]:
        page = pages["/" + record["url"]]
        assert page["meta"]["kind"] == "Topic"
        assert page["filters"]["topic"] == [record["title"]]
        assert sorted(page["filters"].get("outlet", [])) == sorted(record["outlets"])


def test_an_archive_without_articles_is_not_indexed(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>x</title><h1>Home</h1>")
    index_site(tmp_path, SiteConfig())
    assert not (tmp_path / BUNDLE_DIR).exists()


def test_a_missing_binary_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pagefind")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "index.html").write_text("<!DOCTYPE html><title>x</title>")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(BuildError, match=r"search: the Pagefind binary is not installed"):
        index_site(tmp_path, SiteConfig())


def test_a_pagefind_failure_names_the_cause(tmp_path: Path) -> None:
    need_pagefind()
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "notes.html").write_text("<!DOCTYPE html><title>x</title>")
    # A page without any text: Pagefind refuses to build an empty index, and says why.
    with pytest.raises(BuildError, match=r"^search: Pagefind failed: .*not able to build"):
        index_site(tmp_path, SiteConfig())


def files_of(bundle: Path) -> dict[str, bytes]:
    files = sorted(p for p in bundle.rglob("*") if p.is_file())
    return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in files}


def meta_of(bundle: Path) -> tuple[str, Any]:
    """The language's meta file name and its decoded content (one language here)."""
    entry = json.loads((bundle / search_index.ENTRY).read_bytes())
    [language] = entry["languages"].values()
    path = bundle / f"pagefind.{language['hash']}.pf_meta"
    return path.name, search_index.decode(path.read_bytes())


def scramble(bundle: Path) -> None:
    """Reverse the two lists Pagefind writes in hash-map order (filters, their values),
    in place under the same names: what another Pagefind run may write."""
    name, meta = meta_of(bundle)
    for _, hash_ in meta[search_index.META_FILTERS]:
        path = bundle / "filter" / f"{hash_}.pf_filter"
        filter_name, values = search_index.decode(path.read_bytes())
        body = search_index.SIGNATURE + search_index.encode_cbor([filter_name, values[::-1]])
        path.write_bytes(search_index.compress(body))
    meta[search_index.META_FILTERS].reverse()
    meta_body = search_index.SIGNATURE + search_index.encode_cbor(meta)
    (bundle / name).write_bytes(search_index.compress(meta_body))


def filter_postings(bundle: Path) -> dict[tuple[str, str], list[int]]:
    """(filter, value) -> pages, read the way the browser does: from the meta file on."""
    _, meta = meta_of(bundle)
    postings = {}
    for filter_name, hash_ in meta[search_index.META_FILTERS]:
        path = bundle / "filter" / f"{hash_}.pf_filter"
        name, values = search_index.decode(path.read_bytes())
        assert name == filter_name
        postings.update({(name, value): pages for value, pages in values})
    return postings


@pytest.fixture
def bundle(golden_index: tuple[Path, Any], tmp_path: Path) -> Path:
    copy = tmp_path / "pagefind"
    shutil.copytree(golden_index[0] / BUNDLE_DIR, copy)
    return copy


def test_the_index_is_canonical_whatever_order_pagefind_wrote(bundle: Path, tmp_path: Path) -> None:
    canonical = files_of(bundle)
    postings = filter_postings(bundle)
    scramble(bundle)
    assert files_of(bundle) != canonical and filter_postings(bundle) == postings
    search_merge.merge([search_merge.files_in(bundle)], tmp_path / "merged")
    merged = files_of(tmp_path / "merged")
    assert merged == canonical


def test_pagefinds_own_output_is_canonical_whatever_order_it_wrote(
    golden_index: tuple[Path, Any], tmp_path: Path
) -> None:
    """A part's bundle, as one Pagefind run writes it."""
    search.run_pagefind(golden_index[0], "articles/**/*.html", load_config(GOLDEN_SITE), tmp_path)
    canonical = files_of(bundle := tmp_path / BUNDLE_DIR)
    scramble(bundle)
    assert files_of(bundle) != canonical
    search_index.canonicalise(bundle)
    assert files_of(bundle) == canonical


def test_canonical_filters_are_sorted_and_named_after_their_content(bundle: Path) -> None:
    _, meta = meta_of(bundle)
    filters = meta[search_index.META_FILTERS]
    assert [f[0] for f in filters] == sorted(["author", "outlet", "topic", "year"])
    for _, hash_ in filters:
        data = gzip.decompress((bundle / "filter" / f"{hash_}.pf_filter").read_bytes())
        _, values = libipld.decode_dag_cbor(data[len(search_index.SIGNATURE) :])
        assert [v[0] for v in values] == sorted(v[0] for v in values)
        assert all(pages == sorted(pages) for _, pages in values)
        digest = search_index.full_hash(data[len(search_index.SIGNATURE) :])
        assert hash_ == "en_" + digest[:7]
    names = {f"{hash_}.pf_filter" for _, hash_ in filters}
    assert {p.name for p in (bundle / "filter").iterdir()} == names  # no stale files
    assert len(list(bundle.glob("*.pf_meta"))) == 1


def test_full_hash_names_files_as_pagefind_does(bundle: Path) -> None:
    """The word index files are Pagefind's own, untouched: our hash gives their names."""
    for path in (bundle / "index").iterdir():
        data = gzip.decompress(path.read_bytes())[len(search_index.SIGNATURE) :]
        assert path.name == f"en_{search_index.full_hash(data)[:7]}.pf_index"
    # SHA-1 a9993e36 47 06 81 ...: each byte's leading zero is dropped, as Rust's `{:x}` does.
    assert search_index.full_hash(b"abc") == "a9993e36476816aba3e25717850c26c9cd0d89d"


def test_the_entry_file_is_written_as_pagefind_writes_it(golden_index: tuple[Path, Any]) -> None:
    raw = (golden_index[0] / BUNDLE_DIR / search_index.ENTRY).read_bytes()
    assert search_index.encode_entry(json.loads(raw)) == raw
    assert "\\u" not in raw.decode()  # non-ASCII include_characters stay UTF-8


def test_short_names_grow_only_on_a_collision() -> None:
    names = search_index.short_names(["abcdef1", "abcdef2", "0123456", "abcd999"], 3)
    assert names == ["abc", "abcd", "012", "abcd9"]


def test_compression_is_plain_gzip_without_a_time() -> None:
    data = search_index.SIGNATURE + b"x" * 1000
    packed = search_index.compress(data)
    assert gzip.decompress(packed) == data and packed == search_index.compress(data)
    assert packed[4:8] == b"\0\0\0\0"  # no modification time


def test_an_index_in_another_form_is_a_clear_error(bundle: Path) -> None:
    name, _ = meta_of(bundle)
    (bundle / name).write_bytes(gzip.compress(b"not pagefind"))
    with pytest.raises(search_index.IndexFormatError, match="signature"):
        search_index.canonicalise(bundle)


def test_the_index_store_shares_files_and_drops_only_unused_ones(tmp_path: Path) -> None:
    from generator.search import KEEP_INDEXES, IndexStore

    store = IndexStore(tmp_path / "store")
    trees: dict[str, dict[str, bytes]] = {}
    for number in range(KEEP_INDEXES + 2):
        index = tmp_path / f"index-{number}"
        files = {
            "pagefind.js": b"js",
            "fragment/a.pf": b"same",
            f"fragment/{number}.pf": b"%d" % number,
        }
        for name, data in files.items():
            (index / name).parent.mkdir(parents=True, exist_ok=True)
            (index / name).write_bytes(data)
        store.keep(f"d{number}", index)
        store.prune(KEEP_INDEXES)
        trees[f"d{number}"] = files
    pooled = sorted(p.read_bytes() for p in (tmp_path / "store" / "files").iterdir())
    kept = [f"d{n}" for n in range(2, KEEP_INDEXES + 2)]
    assert [d for d in trees if store.has(d)] == kept  # the oldest two were dropped
    assert pooled == sorted([b"js", b"same", *(b"%d" % n for n in range(2, KEEP_INDEXES + 2))])
    for digest in kept:
        target = tmp_path / f"out-{digest}"
        store.put(digest, target)
        found = {
            p.relative_to(target).as_posix(): p.read_bytes()
            for p in target.rglob("*")
            if p.is_file()
        }
        assert found == trees[digest]


# The index in shards (search_shards): a bundle per shard, merged by the search page.


def test_the_shard_count_is_a_capped_power_of_two() -> None:
    counts = [shard_count(pages, per_shard=10) for pages in range(0, 2000, 7)]
    assert counts == sorted(counts)  # it never falls as an archive grows
    assert set(counts) == {2**n for n in range(6)} and max(counts) == MAX_SHARDS
    assert shard_count(19, per_shard=10) == 1 and shard_count(20, per_shard=10) == 2
    assert shard_count(39, per_shard=10) == 2 and shard_count(40, per_shard=10) == 4


def test_a_page_keeps_its_shard_or_moves_into_its_new_half() -> None:
    pages = [f"articles/2024/story-{n}/index.html" for n in range(500)]
    for count in (1, 2, 4, 8, 16):
        before = [shard_of(page, count) for page in pages]
        after = [shard_of(page, count * 2) for page in pages]
        assert all(a in (b, b + count) for a, b in zip(after, before, strict=True))
        assert len(set(after)) == count * 2  # every shard has pages


def bundles_of(index: Path) -> dict[str, Path]:
    """The search page's view: the first bundle, and the ones its manifest merges."""
    manifest = json.loads((index / MANIFEST).read_bytes())
    return {"": index, **{path: index / path for path in manifest["merge"]}}


def urls_in(bundle: Path) -> list[str]:
    """The URLs of the pages in one bundle."""
    return sorted(indexed_pages(bundle.parent, bundle.name))


def sharded_pages(index: Path) -> dict[str, list[str]]:
    """Bundle -> the URLs of its pages."""
    return {name: urls_in(bundle) for name, bundle in bundles_of(index).items()}


@pytest.fixture(scope="module")
def golden_site(golden_index: tuple[Path, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden build without its index."""
    site = tmp_path_factory.mktemp("sharded") / "site"
    shutil.copytree(golden_index[0], site, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    return site


def test_the_golden_site_is_one_shard_by_default(golden_index: tuple[Path, Any]) -> None:
    assert sharded_pages(golden_index[0] / BUNDLE_DIR).keys() == {""}


def test_every_page_is_in_the_bundle_of_its_shard(
    golden_index: tuple[Path, Any], golden_site: Path
) -> None:
    index_site(golden_site, load_config(GOLDEN_SITE), per_shard=2)
    shards = sharded_pages(golden_site / BUNDLE_DIR)
    whole = sorted(indexed_pages(golden_index[0]))  # redirects aside, as Pagefind leaves them
    count = shard_count(len(whole), per_shard=2)
    assert count >= 4 and len(shards) == count  # none empty on this site
    numbers = [int(name.rstrip("/") or 0) for name in shards]
    assert numbers == sorted(numbers) and numbers[0] == 0
    for number, urls in zip(numbers, shards.values(), strict=True):
        assert urls and all(shard_of(url[1:] + "index.html", count) == number for url in urls)
    assert sorted(url for urls in shards.values() for url in urls) == whole
    counted: dict[str, Counter[str]] = {}
    for bundle in bundles_of(golden_site / BUNDLE_DIR).values():
        filters = {name for name, _ in filter_postings(bundle)}
        assert filters <= {"author", "outlet", "topic", "year"} and "topic" in filters
        for record in indexed_pages(bundle.parent, bundle.name).values():
            for name, values in record["filters"].items():
                counted.setdefault(name, Counter()).update(values)
    manifest = json.loads((golden_site / BUNDLE_DIR / MANIFEST).read_bytes())
    assert manifest["filters"] == {name: dict(sorted(c.items())) for name, c in counted.items()}


def test_a_sharded_index_is_the_same_made_twice_or_from_the_cache(
    golden_site: Path, tmp_path: Path
) -> None:
    config = load_config(GOLDEN_SITE)
    index_site(golden_site, config, per_shard=2)
    first = files_of(golden_site / BUNDLE_DIR)
    index_site(golden_site, config, per_shard=2, jobs=1)
    assert files_of(golden_site / BUNDLE_DIR) == first
    store = IndexStore(tmp_path / "store")
    keys = {page: f"key of {page}" for page in search_shards.indexed_pages(golden_site)}
    for _ in range(2):  # made and kept, then taken from the store
        index_site(golden_site, config, store, keys, per_shard=2)
        assert files_of(golden_site / BUNDLE_DIR) == first


def test_a_cold_build_takes_no_kept_index(
    golden_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`briefing build --no-cache` indexes every shard, even one the store has, and what
    it replaces the kept files that do not hold its bytes (one spoiled under its own name,
    here); those that do stay as they are, for the sites that link to them."""
    site = tmp_path / "site"
    shutil.copytree(golden_site, site, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    config = load_config(GOLDEN_SITE)
    keys = {page: f"key of {page}" for page in search_shards.indexed_pages(site)}
    runs: list[tuple[str, ...]] = []
    real = search.run_pagefind
    monkeypatch.setattr(search, "run_pagefind", lambda *a: (runs.append(ran(a)), real(*a)))
    index_site(site, config, IndexStore(tmp_path / "store"), keys, per_shard=2)
    made, first = files_of(site / BUNDLE_DIR), sorted(runs)
    assert len(first) > 1
    spoiled, sound = sorted((tmp_path / "store" / "files").iterdir())[:2]
    spoiled.unlink()
    spoiled.write_bytes(b"spoiled")
    inode = sound.stat().st_ino
    runs.clear()
    cold = IndexStore(tmp_path / "store", read=False)
    assert not any(cold.has(d.stem) for d in cold.lists.iterdir()) and cold.cuts() == {}
    index_site(site, config, cold, keys, per_shard=2)
    assert sorted(runs) == first
    assert files_of(site / BUNDLE_DIR) == made
    assert spoiled.read_bytes() != b"spoiled"  # the next build takes a sound file
    assert sound.stat().st_ino == inode
    runs.clear()
    index_site(site, config, IndexStore(tmp_path / "store"), keys, per_shard=2)
    assert not runs and files_of(site / BUNDLE_DIR) == made


def test_build_no_cache_indexes_every_shard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_pagefind()
    site = site_copy(GOLDEN_SITE, tmp_path)
    runs: list[tuple[str, ...]] = []
    real = search.run_pagefind
    monkeypatch.setattr(search, "run_pagefind", lambda *a: (runs.append(ran(a)), real(*a)))
    build(BuildOptions(site))
    made = sorted(runs)
    runs.clear()
    build(BuildOptions(site, cache=False))
    assert made and sorted(runs) == made


def test_the_build_reads_back_no_page_it_made_to_plan_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build cuts each indexed page as it makes it (`render.Rendered.cuts`): the
    index's plan reads none of them back, and the index is the one made from the files."""
    need_pagefind()
    site = site_copy(GOLDEN_SITE, tmp_path)
    read_back: list[str] = []
    real = search_shards._cut_of

    def cut_of(where: Path, page: str, keys: Any, known: Any) -> search_shards.PageCut:
        if keys is None or keys[page] not in known:
            read_back.append(page)
        return real(where, page, keys, known)

    monkeypatch.setattr(search_shards, "_cut_of", cut_of)
    build(BuildOptions(site, cache=False))
    assert read_back == []
    made = files_of(site / "build" / BUNDLE_DIR)
    clean = tmp_path / "clean"
    shutil.copytree(site / "build", clean, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    index_site(clean, load_config(site))
    assert read_back and files_of(clean / BUNDLE_DIR) == made


def test_an_edit_reindexes_only_the_shard_of_the_page(
    golden_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    shutil.copytree(golden_site, site, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    golden_site = site  # edited below
    config = load_config(GOLDEN_SITE)
    store = IndexStore(tmp_path / "store")
    pages = search_shards.indexed_pages(golden_site)
    keys = {page: f"1 {page}" for page in pages}  # a key stands for the bytes
    index_site(golden_site, config, store, keys, per_shard=2)
    listings = set(store.lists.iterdir())
    before = {p: p.stat().st_ino for p in (golden_site / BUNDLE_DIR).rglob("*") if p.is_file()}
    article = next(p for p in pages if p.startswith("articles/"))
    count = shard_count(len(pages), per_shard=2)
    page = golden_site / article
    content = page.read_bytes().replace(b"</article>", b"<p>An added sentence.</p></article>")
    page.unlink()  # a new file, as the build writes it: the page may be a link
    page.write_bytes(content)
    keys[article] = "2"  # what the build says of the page: it changed
    runs: list[str] = []
    run = search.run_pagefind
    monkeypatch.setattr(
        search, "run_pagefind", lambda *a, **k: runs.extend(indexed(a[0])) or run(*a, **k)
    )
    index_site(golden_site, config, store, keys, per_shard=2)
    assert runs == [article]  # the page alone, indexed anew
    assert len(set(store.lists.iterdir()) - listings) == 1  # its shard, merged with it
    number = shard_of(article, count)
    index = golden_site / BUNDLE_DIR
    after = {p: p.stat().st_ino for p in index.rglob("*") if p.is_file()}
    moved = {p.relative_to(index) for p in before if after.get(p) != before[p]}
    moved -= {Path(MANIFEST)}  # written anew each time
    assert moved
    for path in moved:  # only the files of the edited shard's bundle are new
        top = path.parts[0]
        assert top == str(number) if number else not top.isdigit()


def test_an_article_is_indexed_in_the_shard_of_its_topic_page(
    golden_index: tuple[Path, Any], tmp_path: Path
) -> None:
    """An edit changes an article's page and its topic's (the summary): with both in one
    shard, one Pagefind run remakes them."""
    site = tmp_path / "site"
    shutil.copytree(golden_index[0], site, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    data = golden_index[1]
    topics = {t["id"]: t for t in data["topics"]}
    topic_page = {a["url"]: topics[a["topic"]]["url"] for a in data["articles"] if a["topic"]}
    anchors = {f"{a}index.html": f"{t}index.html" for a, t in topic_page.items()}
    assert len(set(topic_page.values())) > 2
    config = load_config(GOLDEN_SITE)
    store = IndexStore(tmp_path / "store")
    pages = search_shards.indexed_pages(site)
    keys = {page: f"1 {page}" for page in pages}
    index_site(site, config, store, keys, per_shard=2, anchors=anchors)
    bundle_of = {
        url: name for name, urls in sharded_pages(site / BUNDLE_DIR).items() for url in urls
    }
    assert len(set(bundle_of.values())) >= 4
    assert all(bundle_of[f"/{a}"] == bundle_of[f"/{t}"] for a, t in topic_page.items())
    listings = set(store.lists.iterdir())
    article, topic = next(iter(sorted(anchors.items())))
    for page in (article, topic):
        keys[page] = "2"
        content = (site / page).read_bytes().replace(b"</article>", b"<p>More.</p></article>")
        (site / page).unlink()
        (site / page).write_bytes(content)
    index_site(site, config, store, keys, per_shard=2, anchors=anchors)
    assert len(set(store.lists.iterdir()) - listings) == 2  # one part, its shard merged


def test_a_called_off_indexing_keeps_the_shards_it_made(
    golden_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview calls its background indexing off when a change arrives: the site's
    index is left as it was, and the shards made so far are not made again."""
    site = tmp_path / "site"
    shutil.copytree(golden_site, site, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    config = load_config(GOLDEN_SITE)
    store = IndexStore(tmp_path / "store")
    keys = {page: f"key of {page}" for page in search_shards.indexed_pages(site)}
    cancel = threading.Event()
    runs: list[tuple[str, ...]] = []
    real = search.run_pagefind

    def run_then_call_off(*args: Any) -> None:
        real(*args)
        runs.append(ran(args))
        cancel.set()  # as a change arriving during the first shard's run

    monkeypatch.setattr(search, "run_pagefind", run_then_call_off)
    with pytest.raises(Cancelled):
        index_site(site, config, store, keys, per_shard=2, jobs=1, cancel=cancel)
    assert len(runs) == 1 and len(list(store.lists.iterdir())) == 1  # the part made is kept
    assert not (site / BUNDLE_DIR).exists()  # no partial index in the site
    made_after: list[tuple[str, ...]] = []
    monkeypatch.setattr(search, "run_pagefind", lambda *a: (made_after.append(ran(a)), real(*a)))
    index_site(site, config, store, keys, per_shard=2, jobs=1)
    assert runs[0] not in made_after  # the part kept is not made again; all others are
    shards = search.plan_shards(site, config, keys, per_shard=2)
    parts = sum(len(shard.parts) for shard in shards)
    assert len(made_after) == parts - 1
    assert len(list(store.lists.iterdir())) == parts + len(shards)  # each shard merged
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    index_site(clean, config, per_shard=2)
    assert files_of(site / BUNDLE_DIR) == files_of(clean / BUNDLE_DIR)


def test_calling_off_stops_the_running_indexer(tmp_path: Path) -> None:
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    with pytest.raises(Cancelled):  # a `sleep` that would otherwise end normally
        search._run(["sleep", "20"], tmp_path, cancel)
    assert search._run(["sh", "-c", "echo said >&2; exit 3"], tmp_path, None) == (3, "said\n")
    assert search._run(
        ["sh", "-c", "echo said >&2; exit 3"], tmp_path, cancel=threading.Event()
    ) == (
        3,
        "said\n",
    )


def test_each_part_is_indexed_from_links_to_its_pages(
    golden_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind walks all of the folder it is given: each part's pages are linked into
    a folder of their own, removed once the bundles are placed."""
    config = load_config(GOLDEN_SITE)
    site = tmp_path / "site"
    shutil.copytree(golden_site, site, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    runs: list[tuple[str, list[str]]] = []
    real = search.run_pagefind

    def recorded(where: Path, glob: str, *args: Any) -> None:
        runs.append((glob, search_shards.indexed_pages(where)))
        real(where, glob, *args)

    monkeypatch.setattr(search, "run_pagefind", recorded)
    store = IndexStore(tmp_path / "store")
    keys = {page: f"key of {page}" for page in search_shards.indexed_pages(site)}
    made = []
    for chosen in (None, store):  # the links removed while the bundles are placed
        runs.clear()
        index_site(site, config, chosen, keys if chosen else None, per_shard=2)
        shards = plan_shards(site, config, keys, per_shard=2)
        assert sorted(pages for _, pages in runs) == sorted(
            list(part.pages) for shard in shards for part in shard.parts
        )
        assert {glob for glob, _ in runs} == {"**/*.html"}
        made.append(files_of(site / BUNDLE_DIR))
        assert not any(p.name.startswith(".search-") for p in site.iterdir())  # work gone
    assert made[0] == made[1]


def test_folders_are_removed_beside_the_work_and_gone_at_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = [tmp_path / "a", tmp_path / "b" / "c"]
    for folder in folders:
        (folder / "x" / "y").mkdir(parents=True)
        (folder / "x" / "y" / "page.html").write_text("page")
    removed_in: list[str] = []
    rmtree = shutil.rmtree

    def recorded(path: Path, **options: Any) -> None:
        removed_in.append(threading.current_thread().name)
        rmtree(path, **options)

    monkeypatch.setattr(shutil, "rmtree", recorded)
    with search._removed_meanwhile([*folders, tmp_path / "missing"]):
        pass
    assert removed_in == ["remove-links", "remove-links"]  # in a thread of its own
    assert not any(folder.exists() for folder in folders) and (tmp_path / "b").is_dir()


def test_a_shard_of_two_thousand_long_paths_is_indexed(tmp_path: Path) -> None:
    """The shard size 100,000 articles give (3,600 pages) is past what one glob can name
    (~2,000 paths of 100 characters): every page is still indexed."""
    need_pagefind()
    body = "<!DOCTYPE html><html lang=en><title>{0}</title><main data-pagefind-body><h1>{0}</h1>"
    urls = []
    for n in range(2000):
        name = f"the-coastal-courier-election-in-port-alder-farid-petrov-speaks-{n:05d}"
        page = tmp_path / "site" / "articles" / "2021" / "01" / name / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(body.format(f"Story {n}"))
        urls.append(f"/articles/2021/01/{name}/")
    index_site(tmp_path / "site", SiteConfig(), per_shard=4000)
    assert sorted(indexed_pages(tmp_path / "site")) == urls


def test_a_page_a_glob_cannot_name_is_indexed_too(tmp_path: Path) -> None:
    need_pagefind()
    body = "<!DOCTYPE html><html lang=en><title>{0}</title><main data-pagefind-body><h1>{0}</h1>"
    names = ["plain", "odd [1] (a,b) {c}*?"]
    for name in names:
        page = tmp_path / "site" / "articles" / name / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(body.format(f"Story {name}"))
    index_site(tmp_path / "site", SiteConfig())
    found = indexed_pages(tmp_path / "site")
    assert sorted(found) == sorted(f"/articles/{name}/" for name in names)


def test_work_is_done_while_the_command_runs_and_its_error_stops_it(tmp_path: Path) -> None:
    """`meanwhile` (the index's cuts written) runs while Pagefind does, not after it."""
    command = ["sh", "-c", "sleep 0.5; echo said >&2; touch ended; exit 3"]
    seen: list[bool] = []
    result = search._run(
        command, tmp_path, None, lambda: seen.append((tmp_path / "ended").exists())
    )
    assert result == (3, "said\n") and seen == [False]

    def failing() -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):  # at once, not after a 20 s `sleep`
        search._run(["sleep", "20"], tmp_path, threading.Event(), failing)


def test_the_cuts_are_kept_with_a_run_or_without_one(
    golden_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cuts of the planned pages are written while the first Pagefind run works,
    and also when no shard needs a run (a page made anew the same)."""
    site = tmp_path / "site"
    shutil.copytree(golden_site, site, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    config = load_config(GOLDEN_SITE)
    pages = search_shards.indexed_pages(site)
    keys = {page: f"1 {page}" for page in pages}
    running: list[bool] = []
    real = search.run_pagefind

    def run(*args: Any) -> None:
        running.append(True)
        real(*args)
        running.pop()

    monkeypatch.setattr(search, "run_pagefind", run)
    real_keep = IndexStore.keep_cuts
    kept_while: list[bool] = []

    def keep_cuts(store: IndexStore, cuts: Any) -> None:
        kept_while.append(bool(running))
        real_keep(store, cuts)

    monkeypatch.setattr(IndexStore, "keep_cuts", keep_cuts)
    index_site(site, config, IndexStore(tmp_path / "store"), keys, per_shard=2)
    assert kept_while == [True]
    assert set(IndexStore(tmp_path / "store").cuts()) == set(keys.values())
    article = next(p for p in pages if p.startswith("articles/"))
    keys[article] = f"2 {article}"  # made anew the same: no run
    kept_while.clear()
    index_site(site, config, IndexStore(tmp_path / "store"), keys, per_shard=2)
    assert kept_while == [False]
    assert set(IndexStore(tmp_path / "store").cuts()) == set(keys.values())


def test_the_cuts_the_render_made_of_every_page_are_kept(golden_site: Path, tmp_path: Path) -> None:
    """A first build's render cuts every page it makes: the store keeps those cuts, and
    the next build reads no page to plan its shards."""
    site = tmp_path / "site"
    shutil.copytree(golden_site, site, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    config = load_config(GOLDEN_SITE)
    pages = search_shards.indexed_pages(site)
    keys = {page: f"1 {page}" for page in pages}
    cuts = {keys[p]: search_shards.page_cut((site / p).read_bytes()) for p in pages}
    index_site(site, config, IndexStore(tmp_path / "store"), keys, per_shard=2, cuts=cuts)
    assert IndexStore(tmp_path / "store").cuts() == cuts


def keep_dated(store: IndexStore, tmp_path: Path, number: int) -> None:
    """Keep an index `d<number>` of one file holding the number, its listing dated by
    the number (the lower, the older)."""
    index = tmp_path / f"index-{number}"
    index.mkdir()
    (index / "pagefind.js").write_bytes(b"%d" % number)
    store.keep(f"d{number}", index)
    os.utime(store.lists / f"d{number}.json", ns=(number, number))


def test_the_store_is_pruned_once_it_holds_twice_its_count(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "store")
    for number in range(5):
        keep_dated(store, tmp_path, number)
        store.prune(2, slack=2)
        held = [n for n in range(number + 1) if store.has(f"d{n}")]
        assert held == (list(range(number + 1)) if number < 4 else [3, 4])
    assert sorted(p.read_bytes() for p in store.pool.iterdir()) == [b"3", b"4"]


def test_the_indexes_of_the_site_are_never_pruned(tmp_path: Path) -> None:
    """The site's shards and parts (`current`) stay however old: an edit merges its
    shard from every part of it."""
    store = IndexStore(tmp_path / "store")
    for number in range(6):
        keep_dated(store, tmp_path, number)
    store.prune(1, slack=1, current=["d0", "d1"])
    assert [n for n in range(6) if store.has(f"d{n}")] == [0, 1, 5]
    assert sorted(p.read_bytes() for p in store.pool.iterdir()) == [b"0", b"1", b"5"]
    store.prune(1, slack=0, current=["d0", "d1", "d5"])  # nothing beyond the count
    assert [n for n in range(6) if store.has(f"d{n}")] == [0, 1, 5]


def test_a_page_made_anew_the_same_keeps_its_shard(golden_site: Path, tmp_path: Path) -> None:
    """A new key (an article whose topic changed) with the same text Pagefind reads
    leaves the index as it is; only the pages under new keys are read to know that."""
    config = load_config(GOLDEN_SITE)
    store = IndexStore(tmp_path / "store")
    pages = search_shards.indexed_pages(golden_site)
    keys = {page: f"1 {page}" for page in pages}  # a key stands for the bytes
    index_site(golden_site, config, store, keys, per_shard=2)
    listings = set(store.lists.iterdir())
    article = next(p for p in pages if p.startswith("articles/"))
    keys = {**keys, article: f"2 {article}"}
    copy = tmp_path / "pages"  # only the page under a new key is there to be read
    (copy / article).parent.mkdir(parents=True)
    shutil.copy(golden_site / article, copy / article)
    shards = plan_shards(copy, config, keys, per_shard=2, store=store)
    assert all(store.has(shard.digest) for shard in shards)
    index_site(golden_site, config, store, keys, per_shard=2)
    assert set(store.lists.iterdir()) == listings


def indexed_copy(
    golden_site: Path, tmp_path: Path
) -> tuple[Path, SiteConfig, IndexStore, dict[str, str]]:
    """A copy of the golden site indexed in shards of ~2 pages with a store: the site,
    its settings, the store and the pages' keys."""
    site = tmp_path / "site"
    shutil.copytree(golden_site, site, ignore=shutil.ignore_patterns(BUNDLE_DIR))
    config = load_config(GOLDEN_SITE)
    store = IndexStore(tmp_path / "store")
    keys = {page: f"1 {page}" for page in search_shards.indexed_pages(site)}
    index_site(site, config, store, keys, per_shard=2)
    return site, config, store, keys


def test_a_bundle_in_place_stays_only_if_it_has_the_files_of_its_index(
    golden_site: Path, tmp_path: Path
) -> None:
    """A kept site's bundle with the same entry file is not enough: an earlier version
    of briefing wrote bundles without the filter counts, or with other files."""
    site, config, store, keys = indexed_copy(golden_site, tmp_path)
    made = files_of(site / BUNDLE_DIR)
    merged = bundles_of(site / BUNDLE_DIR)[json.loads(made[MANIFEST])["merge"][0]]
    (merged / search_index.COUNTS).unlink()
    (site / BUNDLE_DIR / "stale.pf_meta").write_bytes(b"from another version")
    index_site(site, config, store, keys, per_shard=2)
    assert files_of(site / BUNDLE_DIR) == made


def test_a_bundle_in_place_is_checked_by_the_inodes_its_folders_list(
    golden_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files linked from the pool are known by the inodes the folder listings give, with
    no stat of each; a file that is not the pool's (same name and bytes, another file)
    is found all the same, and its bundle put in place again."""
    site, config, store, keys = indexed_copy(golden_site, tmp_path)
    made = files_of(site / BUNDLE_DIR)
    compared: list[str] = []
    real = os.path.samefile

    def samefile(first: Any, second: Any) -> bool:
        compared.append(str(first))
        return real(first, second)

    monkeypatch.setattr(os.path, "samefile", samefile)
    index_site(site, config, store, keys, per_shard=2)
    assert compared == []  # every file known by its listed inode
    merged = bundles_of(site / BUNDLE_DIR)[json.loads(made[MANIFEST])["merge"][0]]
    copied = next(
        p for p in sorted(merged.rglob("*")) if p.is_file() and p.name != search_index.COUNTS
    )
    data = copied.read_bytes()
    copied.unlink()
    copied.write_bytes(data)  # the same bytes, but not the pool's file
    index_site(site, config, store, keys, per_shard=2)
    assert compared == [str(copied)]
    assert files_of(site / BUNDLE_DIR) == made
    assert copied.stat().st_nlink > 1  # linked from the pool again
    monkeypatch.setattr(store, "inodes", lambda target: {})  # another file system
    compared.clear()
    index_site(site, config, store, keys, per_shard=2)
    assert files_of(site / BUNDLE_DIR) == made and len(compared) > 1


def test_shards_are_given_only_the_pages_one_index_would_read(tmp_path: Path) -> None:
    """Pagefind skips pages without a body element once any page has one; a shard of
    only such pages (redirects) would have them indexed whole, so no shard gets them."""
    body = "<!DOCTYPE html><title>{0}</title><main data-pagefind-body><h1>{0}</h1></main>"
    pages = {f"articles/a{n}/index.html": body.format(f"Story {n}") for n in range(6)}
    pages |= {f"topics/old{n}/index.html": "<meta http-equiv=refresh>" for n in range(6)}
    for page, text in pages.items():
        (tmp_path / page).parent.mkdir(parents=True)
        (tmp_path / page).write_text(text)
    shards = plan_shards(tmp_path, SiteConfig(), per_shard=1)
    articles = sorted(p for p in pages if p.startswith("articles/"))
    assert sorted(p for s in shards for p in s.pages) == articles
    for page in pages:
        if page.startswith("articles/"):
            (tmp_path / page).write_text("<p>No body element anywhere</p>")
    shards = plan_shards(tmp_path, SiteConfig(), per_shard=1)
    assert sorted(p for s in shards for p in s.pages) == sorted(pages)  # all read whole
