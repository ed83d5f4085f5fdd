"""Hostile names: slugs stay non-empty, ASCII and bounded, and no two sources share a page.

Names that slugify alike (`Foo`/`foo`/`FOO!`, NFC and NFD spellings), names with no ASCII
at all (emoji), names that are paths (`..`, `a/b`), device names (`CON`) and 400-character
names go into every named thing: article files, outlets, authors, tags, topics and
imported titles. The build's own list of output files is checked for duplicates.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator import render as render_module
from generator.build import BuildOptions, build
from generator.config import load_config
from generator.errors import ContentError
from generator.frontmatter import dump
from generator.importer import ImportOptions, import_paths
from generator.slugs import MAX_LENGTH, path_slug, slugify

from .corpus import LONG

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*-?\Z")
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10))}
NFC = unicodedata.normalize("NFC", "Café")
NFD = unicodedata.normalize("NFD", "Café")
NAMES = [
    "Foo", "foo", "FOO!", "Foo 2", "foo-2", NFC, NFD, "CAFE", "🎉", "🎉🎉", "..", ".",
    "CON", "con", "Nul", "LPT1", "x" * 400, "ä" * 400, "page", "index", "feed.xml",
    "../../etc/passwd", "a/b", "%2e%2e", "C:\\Windows", "-", "\u200b", "Ǆemal", "ß",
    "İstanbul", "ﬁnance", "Ⅻ", "١٢٣", "北京", "Ελλάδα",
]  # fmt: skip


def assert_slug(slug: str) -> None:
    assert SLUG.match(slug), repr(slug)
    assert slug.isascii() and len(slug) <= MAX_LENGTH + 1
    assert slug.rstrip("-") not in RESERVED or slug.endswith("-")


@settings(max_examples=2000 if LONG else 300, deadline=None)
@given(st.text(max_size=500))
@example("..")
@example("")
@example("CON")
@example("🎉")
@example("-" * 100)
@example("a-" * 100)
def test_any_text_gives_a_usable_slug(text: str) -> None:
    assert_slug(slugify(text))
    short = slugify(text, 40)
    assert_slug(short)
    assert len(short) <= 41


@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=5))
@example(["/"])  # found by Hypothesis: no segment at all gave an empty slug
@example(["", "/"])
def test_path_slugs_never_climb_or_hide(parts: list[str]) -> None:
    slug = path_slug("/".join(parts))
    for segment in slug.split("/"):
        assert_slug(segment)


def hostile_site(root: Path, names: Sequence[str]) -> None:
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.yaml").write_text("title: Names\nsearch: {enabled: false}\npage_size: 2\n")
    for index, name in enumerate(names):
        meta = {
            "title": name.strip() or f"untitled {index}",
            "outlet": name,
            "author": [name],
            "date": f"2024-03-{1 + index % 28:02d}",
            "tags": [name],
            "topic": name,
        }
        path = root / "content" / "articles" / f"{index:02d}.md"
        path.write_text(dump(meta, f"\nText {index}.\n"))


def test_colliding_names_never_share_an_output_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planned: list[list[str]] = []
    real = render_module._check_unique

    def recording(paths: Iterable[str]) -> None:
        planned.append(list(paths))
        real(planned[-1])

    monkeypatch.setattr(render_module, "_check_unique", recording)
    hostile_site(tmp_path / "site", NAMES)
    out = tmp_path / "out"
    build(BuildOptions(tmp_path / "site", out=out))
    paths = Counter(planned[-1])  # the last check is of every file
    assert [p for p, n in paths.items() if n > 1] == []
    written = [p for p in out.rglob("*") if p.is_file() and "pagefind" not in p.parts]
    assert len(written) == len(paths) + 1  # and the marker: nothing else, nothing lost
    for kind in ("outlets", "authors", "tags", "topics"):
        slugs = [p.name for p in (out / kind).iterdir() if p.is_dir() and p.name != "page"]
        for slug in slugs:
            assert_slug(slug)
        assert len(slugs) >= 10, (kind, slugs)
    for index, _ in enumerate(NAMES):  # every article has its own page
        assert (out / "articles" / f"{index:02d}" / "index.html").is_file()


@pytest.mark.parametrize(
    "names",
    [("Foo.md", "foo.md", "FOO!.md"), (f"{NFC}.md", f"{NFD}.md"), ("a b.md", "a-b.md", "A_B.md")],
    ids=["case", "nfc-nfd", "separators"],
)
def test_article_files_that_slug_alike_are_an_error_naming_both(
    tmp_path: Path, names: tuple[str, ...]
) -> None:
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.yaml").write_text("title: Names\nsearch: {enabled: false}\n")
    meta: dict[str, object] = {"title": "t", "outlet": None, "author": [], "date": None}
    for name in names:
        (root / "content" / "articles" / name).write_text(dump(meta, "\nx\n"))
    with pytest.raises(ContentError) as info:
        build(BuildOptions(root, out=tmp_path / "out"))
    message = str(info.value)
    assert "would write the same page" in message
    assert sum(name in message for name in names) == len(names), message


def test_imports_with_colliding_titles_get_distinct_files(tmp_path: Path) -> None:
    root = tmp_path / "site"
    inbox = root / "content" / "inbox"
    inbox.mkdir(parents=True)
    (root / "site.yaml").write_text("title: Names\n")
    prose = "The council said on Monday that the bridge would stay closed for weeks. " * 4
    titles = ["Foo", "foo", "FOO!", NFC, NFD, "🎉", "..", "CON", "x" * 400]
    for index, title in enumerate(titles):
        (inbox / f"{index}.txt").write_text(f"{title}\n\nBy Ada Quill\n\n{prose}{index}\n")
    options = ImportOptions(outlet="The Daily Meridian", date="2024-03-12")
    results = import_paths(root, load_config(root), [], options)
    outputs = [r.output for r in results]
    assert None not in outputs, [r.line for r in results]
    assert len(set(outputs)) == len(titles)
    for output in outputs:
        assert output is not None
        assert_slug(Path(output).stem)
    build(BuildOptions(root, out=tmp_path / "out"))


def test_two_imports_from_a_long_named_outlet_build(tmp_path: Path) -> None:
    """Found by the long XSS run: import wrote two files that build as one page."""
    root = tmp_path / "site"
    inbox = root / "content" / "inbox"
    inbox.mkdir(parents=True)
    (root / "site.yaml").write_text("title: Names\nsearch: {enabled: false}\n")
    prose = "The council said on Monday that the bridge would stay closed for weeks. " * 4
    headline = "Council approves the budget for the new harbour bridge after a long debate"
    for index in range(2):  # the same headline twice (an updated story), different text
        (inbox / f"{index}.txt").write_text(f"{headline}\n\nBy Ada Quill\n\n{prose}{index}\n")
    outlet = "The Philadelphia Inquirer and Daily News Group"
    options = ImportOptions(outlet=outlet, date="2024-03-12")
    results = import_paths(root, load_config(root), [], options)
    assert len({r.output for r in results}) == 2, [r.line for r in results]
    build(BuildOptions(root, out=tmp_path / "out"))
