"""Pagefind indexing: what goes into the index, with which filters, and its failures."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from generator.build import BuildOptions, build
from generator.config import SiteConfig, load_config, parse_config
from generator.errors import BuildError
from generator.search import BUNDLE_DIR, index_arguments, index_site, pagefind_binary

from .conftest import FIXTURES

GOLDEN_SITE = FIXTURES / "golden-site"
FRAGMENT_MAGIC = b"pagefind_dcd"


def need_pagefind() -> None:
    try:
        pagefind_binary()
    except BuildError as exc:
        pytest.skip(str(exc))


def indexed_pages(out: Path) -> dict[str, Any]:
    """URL -> Pagefind's record (meta, filters) for every page in the index."""
    records = {}
    for path in sorted((out / BUNDLE_DIR / "fragment").iterdir()):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(FRAGMENT_MAGIC), path
        record = json.loads(data[len(FRAGMENT_MAGIC) :])
        records[record["url"]] = record
    return records


@pytest.fixture(scope="module")
def golden_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    need_pagefind()
    out = tmp_path_factory.mktemp("search") / "build"
    build(BuildOptions(GOLDEN_SITE, out=out, base_url="/"))
    index_site(out, load_config(GOLDEN_SITE))
    return out, json.loads((out / "archive.json").read_text())


def test_arguments_force_the_site_language_and_limit_the_pages() -> None:
    args = index_arguments(Path("/site"), parse_config("language: en-GB"))
    assert args[:2] == ["--site", "/site"]
    assert args[args.index("--force-language") + 1] == "en"
    assert args[args.index("--glob") + 1] == "{articles,topics}/**/*.html"
    assert args[args.index("--output-subdir") + 1] == BUNDLE_DIR


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
