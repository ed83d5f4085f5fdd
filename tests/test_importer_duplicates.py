"""Syndicated copies by shingle containment."""

from __future__ import annotations

from pathlib import Path

from generator.importer.duplicates import Known, find_copy, scan, shingles

STORY = " ".join(
    f"Sentence {i} of the story says the ferry to Kestrel Bay stopped after cracks were found."
    for i in range(12)
)


def test_copy_with_extra_footer_is_found() -> None:
    known = [Known("articles/a.md", shingles(STORY), "sha-a")]
    copy = shingles(STORY + " Reporting by a wire service. Copyright the wire.")
    assert find_copy(copy, known, skip=None) == "articles/a.md"
    assert find_copy(copy, known, skip="articles/a.md") is None


def test_different_wording_is_not_a_copy() -> None:
    other = " ".join(
        f"Line {i}: the island ferry was halted when engineers saw damage to the pier."
        for i in range(12)
    )
    assert (
        find_copy(shingles(other), [Known("articles/a.md", shingles(STORY), None)], skip=None)
        is None
    )


def test_short_texts_are_never_copies() -> None:
    short = shingles("The ferry stopped.")
    assert find_copy(short, [Known("articles/a.md", short, None)], skip=None) is None


def test_markup_and_case_do_not_matter() -> None:
    assert shingles(
        "The [ferry](https://x.example/a) STOPPED today after cracks were found"
    ) == shingles("the ferry stopped today, after cracks were found")


def test_scan_reads_articles_and_skips_broken_ones(tmp_path: Path) -> None:
    folder = tmp_path / "articles" / "2024"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text(f'---\ntitle: "A"\nsource_sha256: "abc"\n---\n\n{STORY}\n')
    (folder / "broken.md").write_text("no front matter")
    (found,) = scan(tmp_path)
    assert found.article == "articles/2024/a.md" and found.source_sha256 == "abc"
