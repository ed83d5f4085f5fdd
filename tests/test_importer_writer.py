"""Paths of imported files and the manifest that protects edits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from generator.importer.writer import (
    Manifest,
    Record,
    article_path,
    free_variant,
    keep_source,
    load_manifest,
    save_manifest,
    sha256,
    source_name,
    write_atomic,
)  # fmt: skip


def test_article_path() -> None:
    when = datetime(2022, 8, 8, 9, tzinfo=UTC)
    assert article_path(
        "North Korea offers Russia ‘100,000 volunteers’ to fight Ukraine, says state TV",
        "The Independent",
        when,
    ) == (
        "articles/2022/08/the-independent-north-korea-offers-russia-100-000-volunteers-to-fight.md"
    )
    assert article_path("A", None, date(2021, 1, 2)) == "articles/2021/01/a.md"
    assert article_path(None, None, None) == "articles/undated/untitled.md"


def test_free_variant(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles/x.md").write_text("taken")
    assert free_variant(tmp_path, "articles/x.md", set()) == "articles/x-2.md"
    assert free_variant(tmp_path, "articles/x.md", {"articles/x-2.md"}) == "articles/x-3.md"
    assert free_variant(tmp_path, "articles/y.md", set()) == "articles/y.md"


def test_source_name_keeps_the_name_unless_other_bytes_hold_it(tmp_path: Path) -> None:
    data = b"original"
    assert source_name(tmp_path, "page.html", sha256(data)) == "sources/page.html"
    keep_source(tmp_path, "sources/page.html", data)
    assert source_name(tmp_path, "page.html", sha256(data)) == "sources/page.html"
    other = sha256(b"other")
    assert source_name(tmp_path, "page.html", other) == f"sources/page-{other[:12]}.html"
    keep_source(tmp_path, "sources/page.html", b"never overwritten")
    assert (tmp_path / "sources/page.html").read_bytes() == data


def test_manifest_round_trip(tmp_path: Path) -> None:
    assert load_manifest(tmp_path) == Manifest()
    one = Record("sources/a.txt", "aa", "articles/a.md", "11")
    two = Record("sources/b.txt", "bb", "articles/b.md", "22")
    manifest = Manifest().with_record(two).with_record(one)
    save_manifest(tmp_path, manifest)
    loaded = load_manifest(tmp_path)
    assert loaded.records == (one, two)
    assert loaded.for_source("bb") == two and loaded.for_article("articles/a.md") == one
    replaced = loaded.with_record(Record("sources/a.txt", "aa", "articles/a.md", "33"))
    assert [r.article_sha256 for r in replaced.records] == ["33", "22"]


def test_write_atomic_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "file.md"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["file.md"]
