"""A build that takes unchanged pages from the previous one gives the very site a clean
build gives: for each kind of change, the incremental build of the changed archive is
compared file by file with a clean (`--no-cache`) build of a copy of it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import cache as cache_module
from generator.build import BuildOptions, build, far_apart
from generator.freshness import kept_site, output_state, read_record
from generator.models import BuildReport
from generator.render import FirstPages

from .conftest import FIXTURES
from .test_golden import tree
from .test_search import need_pagefind

SITE = FIXTURES / "golden-site"
ARTICLES = Path("content/articles")
BRIDGE = ARTICLES / "2024/03/ledger-bridge-shut.md"
FLOOD = ARTICLES / "2024/03/meridian-flood-warning.md"
INDEXES = ("outlets", "authors", "tags", "archive", "search")

# Custom templates that read what their page's context does not hold: the whole site,
# and the topic of each listed article.
SITE_WIDE_ARTICLE = """{% extends "base.html" %}
{% block main %}<h1>{{ page.title }}</h1><p>{{ site.articles | length }} articles in all</p>
{% endblock %}
"""
TOPICAL_PERIOD = """{% extends "base.html" %}
{% block main %}<ul>{% for article in articles_of(pager.items) %}
<li>{{ article.title }}: {{ topic_of(article).title if topic_of(article) else "no topic" }}</li>
{% endfor %}</ul>{% endblock %}
"""


# A link written into a template, and one to the outlet a page's title names: empty
# while the site has no such outlet.
NAMED_LINKS = """{% extends "base.html" %}
{% block main %}<a href="{{ outlet_url('Harbour Gazette') }}">Gazette</a>
<a href="{{ outlet_url(page.title) }}">{{ page.title }}</a>{% endblock %}
"""


def replace_in(site: Path, path: Path | str, old: str, new: str) -> None:
    target = site / path
    text = target.read_text(encoding="utf-8")
    assert old in text, (path, old)
    target.write_text(text.replace(old, new), encoding="utf-8")


def add_article(site: Path) -> None:
    (site / ARTICLES / "2024/04/ledger-bridge-reopens.md").write_text(
        '---\ntitle: "Port Alder bridge to reopen"\noutlet: "Northern Ledger"\n'
        "date: 2024-04-02T09:00:00+02:00\n---\n\nThe harbour bridge reopens on Friday.\n",
        encoding="utf-8",
    )


def add_article_by(site: Path, author: str, tag: str) -> None:
    """An article by `author`, tagged `tag`, on a story of its own."""
    (site / ARTICLES / "2024/04/courier-quarry-wall.md").write_text(
        f'---\ntitle: "Quarry wall gives way at Ostrava Heights"\noutlet: "Coastal Courier"\n'
        f'author: ["{author}"]\ntags: ["{tag}"]\ndate: 2024-04-03T09:00:00+02:00\n---\n\n'
        "The northern wall of the Ostrava Heights quarry collapsed onto two excavators.\n",
        encoding="utf-8",
    )


def add_newest_article(site: Path, outlet: str = "Northern Ledger", day: int = 2) -> None:
    """An article on a story of its own, dated after every other (on 2024-05-`day`): the
    site's last change moves, which only the undated clipping's topic feed shows."""
    path = site / ARTICLES / f"2024/05/ferry-timetable-{day}.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        f'---\ntitle: "Summer ferry timetable, day {day}"\noutlet: "{outlet}"\n'
        f"date: 2024-05-{day:02}T08:00:00+02:00\n---\n\nThe timetable adds a night crossing.\n",
        encoding="utf-8",
    )


def add_template(site: Path, name: str, text: str) -> None:
    (site / "templates" / name).write_text(text, encoding="utf-8")


Change = Callable[[Path], None]
CHANGES: dict[str, Change] = {
    "article body": lambda s: replace_in(s, BRIDGE, "12 cracks", "14 cracks"),
    "article title": lambda s: replace_in(s, BRIDGE, "shut for weeks", "closed for weeks"),
    "article date": lambda s: replace_in(s, BRIDGE, "2024-03-04T11:00", "2024-04-14T11:00"),
    "article outlet": lambda s: replace_in(s, BRIDGE, '"Northern Ledger"', '"Southern Ledger"'),
    "article added": add_article,
    "article added, the newest": add_newest_article,
    "article by a new author, with a new tag": lambda s: add_article_by(s, "Zelda Quorn", "quarry"),
    # "tomas  hale" sorts before "tomas hale": it takes the slug, which is numbered for
    # the other, whose links on the pages of its articles change.
    "article by a name that takes another's slug": lambda s: add_article_by(
        s, "Tomas  Hale", "Transport!"
    ),
    "author spelled in capitals": lambda s: replace_in(s, BRIDGE, "Priya Nand", "PRIYA NAND"),
    "article removed": lambda s: (s / FLOOD).unlink(),
    "topic note": lambda s: replace_in(
        s, "content/topics/wend-valley-floods.md", "rainfall figures", "river levels"
    ),
    "site.yaml": lambda s: replace_in(s, "site.yaml", "Golden fixture archive", "Golden two"),
    "template": lambda s: add_template(s, "404.html", '{% extends "base.html" %}\n'),
}
# Changes made on a site that already has the custom templates above.
CUSTOM_CHANGES: dict[str, Change] = {
    "outlet a template names": lambda s: replace_in(
        s, BRIDGE, '"Northern Ledger"', '"Harbour Gazette"'
    ),
    # The page of the tag "food" (none of the edited article's) is titled so: an outlet
    # of that name links there.
    "outlet a page's title names": lambda s: replace_in(s, BRIDGE, '"Northern Ledger"', '"Food"'),
    "article added, site-wide template": add_article,
    "topic title, topical template": lambda s: replace_in(
        s, "content/topics/wend-valley-floods.md", "March 2024", "spring 2024"
    ),
}


def copy_site(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".cache", "build"))
    return target


def assert_a_clean_build(out: Path, clean: Path) -> None:
    """The site in `out` is file for file what a clean build (`--no-cache`) of the site
    `clean` (a copy of the same input) gives."""
    build(BuildOptions(clean, cache=False))
    incremental, fresh = tree(out), tree(clean / "build")
    assert sorted(incremental) == sorted(fresh)
    assert [p for p in fresh if incremental[p] != fresh[p]] == []
    assert index_of(out) == index_of(clean / "build")  # the search index too, if any


def no_search(site: Path) -> None:
    with (site / "site.yaml").open("a", encoding="utf-8") as file:
        file.write("search: {enabled: false}\n")


def incremental_and_clean(tmp_path: Path, prepare: Change, change: Change) -> BuildReport:
    """Build, change, build again; assert the result is a clean build's; the report of
    the incremental build."""
    site = copy_site(SITE, tmp_path / "site")
    no_search(site)
    prepare(site)
    build(BuildOptions(site))
    change(site)
    clean = copy_site(site, tmp_path / "clean")  # the same input, registry included
    report = build(BuildOptions(site))
    build(BuildOptions(clean, cache=False))
    incremental, fresh = tree(site / "build"), tree(clean / "build")
    assert sorted(incremental) == sorted(fresh)
    stale = [path for path in fresh if incremental[path] != fresh[path]]
    assert stale == [], f"files the incremental build left stale: {stale[:10]}"
    for folder in (site, clean):  # the record of what each left, as a walk finds it
        record = read_record(folder / ".cache", folder / "build")
        assert record is not None and record.files == output_state(folder / "build")
    return report


def with_custom_templates(site: Path) -> None:
    add_template(site, "article.html", SITE_WIDE_ARTICLE)
    add_template(site, "period.html", TOPICAL_PERIOD)
    add_template(site, "group.html", NAMED_LINKS)


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_an_incremental_build_is_a_clean_build(tmp_path: Path, name: str) -> None:
    report = incremental_and_clean(tmp_path, lambda site: None, CHANGES[name])
    assert report.made > 0


def test_an_edit_remakes_the_pages_that_show_it_and_takes_the_others(tmp_path: Path) -> None:
    site = copy_site(SITE, tmp_path / "site")
    no_search(site)
    build(BuildOptions(site))
    pages = site / "build" / "articles" / "2024"
    edited, unrelated = pages / "03/ledger-bridge-shut", pages / "04/ledger-zurich-cafe"
    before = {p: (p / "index.html").stat().st_ino for p in (edited, unrelated)}
    replace_in(site, BRIDGE, "12 cracks", "14 cracks")
    report = build(BuildOptions(site))
    assert (edited / "index.html").stat().st_ino != before[edited]
    assert (unrelated / "index.html").stat().st_ino == before[unrelated]  # the same file
    assert report.taken > 0


def test_an_article_by_a_new_author_remakes_only_the_pages_that_show_it(tmp_path: Path) -> None:
    """A new name (an author, a tag) changes the pages that show it, not the links of
    every other page: those are found by names whose slugs did not change."""
    site = copy_site(SITE, tmp_path / "site")
    no_search(site)
    build(BuildOptions(site))
    unrelated = site / "build" / "articles" / "2024" / "03" / "ledger-bridge-shut" / "index.html"
    before = unrelated.stat().st_ino
    add_article_by(site, "Zelda Quorn", "quarry")
    report = build(BuildOptions(site))
    assert (site / "build" / "authors" / "zelda-quorn" / "index.html").is_file()
    assert unrelated.stat().st_ino == before  # taken as it was
    assert report.taken > report.made


def test_the_newest_article_remakes_only_the_feeds_that_show_it(tmp_path: Path) -> None:
    """A feed shows the site's last change only for an undated entry (the clipping's
    topic): the feeds of other topics and outlets are taken as they were."""
    site = copy_site(SITE, tmp_path / "site")
    no_search(site)
    build(BuildOptions(site))
    feeds = {p: p.stat().st_ino for p in (site / "build").rglob("feed.xml")}
    add_newest_article(site)
    build(BuildOptions(site))
    remade = sorted(
        str(p.relative_to(site / "build")) for p in feeds if p.stat().st_ino != feeds[p]
    )
    assert remade == [
        "feed.xml",
        "outlets/northern-ledger/feed.xml",
        "topics/an-old-clipping-with-no-date/feed.xml",
    ]


@pytest.mark.parametrize("size", [1, 2, 3])
def test_the_newest_article_leaves_the_pages_behind_the_first_of_each_list(
    tmp_path: Path, size: int
) -> None:
    """Lists are cut into pages from their oldest end, and only their first pages show
    their sizes: the newest article remakes a list's first page, not the pages behind
    it, unless the first page was split (then the page behind the new one links to it)."""
    site = copy_site(SITE, tmp_path / "site")
    no_search(site)
    replace_in(site, "site.yaml", "page_size: 3", f"page_size: {size}")
    add_newest_article(site, "The Daily Meridian", 2)  # its 4th: pages behind the first
    build(BuildOptions(site))
    behind = {p: p.stat().st_ino for p in (site / "build").rglob("page/*/index.html")}
    assert len(behind) >= 2, "the fixture's lists no longer span several pages"
    first = site / "build" / "archive" / "2024" / "index.html"
    before = first.stat().st_ino
    add_newest_article(site, "The Daily Meridian", 3)
    build(BuildOptions(site))
    assert first.stat().st_ino != before
    added = set((site / "build").rglob("page/*/index.html")) - set(behind)
    split = {p.parent.parent for p in added}  # lists whose first page was split
    remade = [p for p in behind if p.stat().st_ino != behind[p]]
    assert [p for p in remade if p.parent.parent not in split] == []
    assert len(remade) <= len(added)  # in each, the page behind the new one, if any


def test_an_edit_remakes_only_the_page_of_a_list_that_shows_it(tmp_path: Path) -> None:
    """Each page of a long list (a year, an outlet) depends on the articles it shows and
    the list's name and size, not on the articles of its other pages."""
    site = copy_site(SITE, tmp_path / "site")
    no_search(site)
    build(BuildOptions(site))
    lists = [site / "build" / "archive" / "2024", site / "build" / "outlets" / "northern-ledger"]
    pages = sorted(
        p for folder in lists for p in folder.rglob("index.html") if "topics" not in p.parts
    )
    before = {page: page.stat().st_ino for page in pages}
    replace_in(site, BRIDGE, "12 cracks", "14 cracks")
    build(BuildOptions(site))
    showing = [p for p in pages if "ledger-bridge-shut" in p.read_text(encoding="utf-8")]
    others = [p for p in pages if p not in showing]
    assert showing and others, "the fixture's lists no longer span several pages"
    assert [p for p in others if p.stat().st_ino != before[p]] == []


def test_an_edit_keeps_the_indexes_whose_counts_it_does_not_change(tmp_path: Path) -> None:
    """The outlets, authors, tags, archive and search pages show names and counts: an
    edit of an article's text leaves them as they are."""
    site = copy_site(SITE, tmp_path / "site")
    build(BuildOptions(site))
    indexes = [site / "build" / name / "index.html" for name in INDEXES]
    before = [page.stat().st_ino for page in indexes]
    replace_in(site, BRIDGE, "12 cracks", "14 cracks")
    assert build(BuildOptions(site)).made > 0
    assert [page.stat().st_ino for page in indexes] == before


@pytest.mark.parametrize("name", sorted(CUSTOM_CHANGES))
def test_pages_of_templates_that_read_beyond_their_context_are_remade(
    tmp_path: Path, name: str
) -> None:
    incremental_and_clean(tmp_path, with_custom_templates, CUSTOM_CHANGES[name])


def test_settings_and_templates_remake_every_page(tmp_path: Path) -> None:
    for name in ("site.yaml", "template"):
        report = incremental_and_clean(tmp_path / name, lambda site: None, CHANGES[name])
        assert report.taken == 0, name


def test_new_code_remakes_every_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = copy_site(SITE, tmp_path / "site")
    no_search(site)
    build(BuildOptions(site))
    replace_in(site, BRIDGE, "12 cracks", "14 cracks")  # not up to date
    monkeypatch.setattr(cache_module, "code_version", lambda: "another release")
    report = build(BuildOptions(site))
    assert report.taken == 0 and report.made > 0


def test_a_hand_edited_output_file_is_remade(tmp_path: Path) -> None:
    site = copy_site(SITE, tmp_path / "site")
    no_search(site)
    build(BuildOptions(site))
    page = site / "build" / "outlets" / "index.html"
    original = page.read_bytes()
    page.write_bytes(b"edited by hand")
    replace_in(site, BRIDGE, "12 cracks", "14 cracks")
    build(BuildOptions(site))
    assert page.read_bytes() == original


def test_a_kept_site_whose_record_is_lost_is_updated_into_a_clean_build(
    tmp_path: Path,
) -> None:
    """The benchmark's sequence: the cache folder is deleted, a cold build keeps the site
    it replaces without a record of it, and the next build updates that site, trusting
    none of its files (a page it holds with other bytes is written, one it holds with the
    same bytes is left)."""
    site = copy_site(SITE, tmp_path / "site")
    no_search(site)
    build(BuildOptions(site))
    replace_in(site, BRIDGE, "12 cracks", "14 cracks")
    build(BuildOptions(site))
    shutil.rmtree(site / ".cache")
    build(BuildOptions(site, cache=False))
    kept = [p for p in (site / ".cache" / "sites").rglob("index.html")]
    assert kept, "the cold build kept no site"
    kept[0].write_bytes(b"damaged")  # the site kept without a record is not trusted
    replace_in(site, BRIDGE, "14 cracks", "16 cracks")
    clean = copy_site(site, tmp_path / "clean")
    build(BuildOptions(site))
    assert_a_clean_build(site / "build", clean)


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_updating_in_place_gives_a_clean_build(tmp_path: Path, name: str) -> None:
    """The preview's way: the output folder is updated file by file."""
    site = copy_site(SITE, tmp_path / "site")
    no_search(site)
    build(BuildOptions(site, in_place=True))  # the first build has nothing to update
    unrelated = site / "build" / "articles" / "2024" / "04" / "ledger-zurich-cafe" / "index.html"
    inode = unrelated.stat().st_ino
    CHANGES[name](site)
    clean = copy_site(site, tmp_path / "clean")
    build(BuildOptions(site, in_place=True))
    assert_a_clean_build(site / "build", clean)
    if name == "article body":
        assert unrelated.stat().st_ino == inode  # untouched, not even relinked
    leftovers = [p for p in (site / "build").rglob("*") if p.is_dir() and not any(p.iterdir())]
    assert leftovers == []  # a removed article's folder goes too
    record = read_record(site / ".cache", site / "build")
    assert record is not None and record.files == output_state(site / "build")


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_open_pages_rendered_first_are_shown_alone_and_the_site_is_a_clean_build(
    tmp_path: Path, name: str
) -> None:
    """The preview renders the pages open in browsers first and shows them at once:
    only those pages (and assets) are in the staging folder then, and the whole build
    still equals a clean one."""
    site = copy_site(SITE, tmp_path / "site")
    no_search(site)
    build(BuildOptions(site, in_place=True))
    opened = frozenset({"articles/2024/03/ledger-bridge-shut/index.html", "index.html"})
    shown: list[list[str]] = []

    def ready(staging: Path) -> None:
        shown.append(sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*.*")))

    CHANGES[name](site)
    clean = copy_site(site, tmp_path / "clean")
    build(BuildOptions(site, in_place=True, first=FirstPages(opened, ready)))
    assert_a_clean_build(site / "build", clean)
    assert len(shown) <= 1
    for files in shown:
        pages = [f for f in files if f.endswith(".html")]
        assert pages and set(pages) <= opened
    if name in ("article body", "site.yaml", "template"):  # each changes an open page
        assert len(shown) == 1


def test_a_sequence_of_builds_is_always_a_clean_build(tmp_path: Path) -> None:
    """Each build updates the site before the last (kept in .cache/sites/) into the new
    one: after every change of a long sequence, the site equals a clean build's."""
    site = copy_site(SITE, tmp_path / "site")
    no_search(site)
    build(BuildOptions(site))
    for step, name in enumerate(sorted(CHANGES)):
        CHANGES[name](site)
        clean = copy_site(site, tmp_path / f"clean-{step}")
        report = build(BuildOptions(site))
        build(BuildOptions(clean, cache=False))
        incremental, fresh = tree(site / "build"), tree(clean / "build")
        assert sorted(incremental) == sorted(fresh), name
        assert [p for p in fresh if incremental[p] != fresh[p]] == [], name
        empty = [p for p in (site / "build").rglob("*") if p.is_dir() and not any(p.iterdir())]
        assert empty == [], name
        if step >= 1:
            assert list((site / ".cache" / "sites").iterdir()), "the replaced site is kept"
        if name == "article body":
            assert report.taken > 0


def test_a_sequence_of_builds_with_search_is_always_a_clean_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With its search index, in shards of a few pages: each edit indexes the pages it
    changed into their shards' last indexes (`search.Base`), and after every change of
    the sequence the site, index included, equals a clean build's."""
    need_pagefind()
    from generator import search, search_shards

    monkeypatch.setattr(search_shards, "SHARD_PAGES", 4)
    bases: list[int] = []
    find_base = search.find_base

    def counted(*args: Any) -> Any:
        found = find_base(*args)
        bases.append(found is not None)
        return found

    monkeypatch.setattr(search, "find_base", counted)
    site = copy_site(SITE, tmp_path / "site")
    build(BuildOptions(site))
    for step, name in enumerate(sorted(CHANGES)):
        CHANGES[name](site)
        clean = copy_site(site, tmp_path / f"clean-{step}")
        build(BuildOptions(site))
        build(BuildOptions(clean, cache=False))
        incremental, fresh = tree(site / "build"), tree(clean / "build")
        assert sorted(incremental) == sorted(fresh), name
        assert [p for p in fresh if incremental[p] != fresh[p]] == [], name
        assert index_of(site / "build") == index_of(clean / "build"), name
    assert sum(bases) > 0  # edits took their shards' last indexes


def index_of(out: Path) -> dict[str, bytes]:
    """The files of the site's search index (`tree` leaves them out)."""
    index = out / "pagefind"
    return {
        p.relative_to(index).as_posix(): p.read_bytes() for p in index.rglob("*") if p.is_file()
    }


def test_the_record_of_a_site_with_its_search_index_is_what_a_walk_finds(tmp_path: Path) -> None:
    site = copy_site(SITE, tmp_path / "site")
    build(BuildOptions(site))
    replace_in(site, BRIDGE, "12 cracks", "14 cracks")
    build(BuildOptions(site))
    record = read_record(site / ".cache", site / "build")
    assert record is not None and any(p.startswith("pagefind/") for p in record.files)
    assert record.files == output_state(site / "build")
    assert build(BuildOptions(site)).unchanged


@pytest.mark.parametrize("name", ["article body", "article date", "template"])
def test_keying_and_taking_in_two_processes_gives_a_clean_build(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large site's pages are keyed, taken and made by two processes, half each."""
    from generator import render

    monkeypatch.setattr(render, "PARALLEL_FROM", 2)
    report = incremental_and_clean(tmp_path, lambda site: None, CHANGES[name])
    assert report.made > 0 and (report.taken > 0 or name == "template")


def test_files_added_to_the_output_by_hand_are_swept_from_a_trusted_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every recorded folder time trusted (no racy window), a build updates the
    kept site from its record, listing only the folders whose time changed: files and
    folders added to the output by hand while it was the live site still go, and the
    site is a clean build's."""
    import os

    from generator import freshness, render

    monkeypatch.setattr(freshness, "RACY_NS", 0)
    site = copy_site(SITE, tmp_path / "site")
    no_search(site)
    build(BuildOptions(site))
    out = site / "build"
    folder = next(p.parent for p in (out / "articles").rglob("index.html"))
    (folder / "extra.html").write_text("added by hand")
    (out / "added" / "deep").mkdir(parents=True)
    (out / "added" / "deep" / "x.html").write_text("added by hand")
    for changed in (folder, out):  # later than any time the build recorded
        later = os.stat(changed).st_mtime_ns + 10**9
        os.utime(changed, ns=(later, later))
    replace_in(site, BRIDGE, "12 cracks", "14 cracks")
    build(BuildOptions(site))  # the hand-edited site is kept for the next build
    replace_in(site, BRIDGE, "14 cracks", "16 cracks")
    listed: list[str] = []
    scandir = os.scandir

    def spy(path: str) -> object:
        listed.append(path)
        return scandir(path)

    monkeypatch.setattr(render.os, "scandir", spy)
    build(BuildOptions(site))
    monkeypatch.setattr(render.os, "scandir", scandir)
    clean = copy_site(site, tmp_path / "clean")
    assert_a_clean_build(out, clean)
    folders = [p for p in out.rglob("*") if p.is_dir()]
    assert 0 < len(listed) < len(folders) / 2
    record = read_record(site / ".cache", out)
    assert record is not None and record.files == output_state(out)
    assert build(BuildOptions(site)).unchanged


def test_the_first_build_keeps_a_linked_copy_that_the_next_build_updates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that replaces no site keeps a copy of its own, linked file by file and
    with its record, for the next build to update: that build takes every page it does
    not change as the copy holds it (none is linked in from the live site again), lists
    only the folders it changed (the copy's folders have their recorded times), and is
    a clean build, search index included."""
    import os

    from generator import freshness, parallel, render

    monkeypatch.setattr(freshness, "RACY_NS", 0)
    site = copy_site(SITE, tmp_path / "site")
    build(BuildOptions(site))
    out, kept = site / "build", kept_site(site / ".cache", site / "build")
    live = output_state(out)
    assert output_state(kept) == live and any(p.startswith("pagefind/") for p in live)
    assert all(os.stat(kept / p).st_ino == os.stat(out / p).st_ino for p in live)
    assert read_record(site / ".cache", out, kept=True) == read_record(site / ".cache", out)
    shared = [os.stat(out / p) for p in live]

    put: list[Path] = []
    listed: list[str] = []
    real_put, scandir = render._put_file, os.scandir
    monkeypatch.setattr(render, "_put_file", lambda s, t: (put.append(t), real_put(s, t)))
    monkeypatch.setattr(render.os, "scandir", lambda path: (listed.append(path), scandir(path))[1])
    # The spies see this process only: the sweep runs in it, not in a forked child.
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    replace_in(site, BRIDGE, "12 cracks", "14 cracks")
    report = build(BuildOptions(site))
    monkeypatch.undo()
    assert report.made > 0 and report.taken > 0 and put == []
    # The replaced site (kept now) was not written into through the links it shared.
    after = [os.stat(kept / p) for p in live]
    assert [(a.st_size, a.st_mtime_ns) for a in after] == [
        (b.st_size, b.st_mtime_ns) for b in shared
    ]
    swept = [p for p in map(str, listed) if ".build.tmp-" in p and "pagefind" not in p]
    assert 0 < len(swept) < len([p for p in out.rglob("*") if p.is_dir()]) / 2
    clean = copy_site(site, tmp_path / "clean")
    assert_a_clean_build(out, clean)


def test_a_cold_build_keeps_the_site_it_replaced_when_that_site_is_close(tmp_path: Path) -> None:
    """`--no-cache` remakes every page, but the site it replaces was made from the same
    input under the same keys: that site is kept as it is (no copy, no deletion)."""
    import os

    site = copy_site(SITE, tmp_path / "site")
    no_search(site)
    build(BuildOptions(site))
    page = next((site / "build" / "articles").rglob("index.html"))
    replaced = os.stat(page).st_ino
    build(BuildOptions(site, cache=False))
    kept = kept_site(site / ".cache", site / "build") / page.relative_to(site / "build")
    assert os.stat(kept).st_ino == replaced != os.stat(page).st_ino


@pytest.mark.parametrize(
    ("replaced", "keys", "far"),
    [
        ({}, {"a": "1"}, True),
        ({"a": "1", "b": "2"}, {"a": "1", "b": "2"}, False),
        ({"a": "1", "b": "x"}, {"a": "1", "b": "2"}, False),  # half the same: close
        ({"a": "x", "b": "x", "c": "3"}, {"a": "1", "b": "2", "c": "3"}, True),
        ({}, {}, False),
    ],
)
def test_sites_are_far_apart_when_fewer_than_half_the_files_have_their_keys(
    replaced: dict[str, str], keys: dict[str, str], far: bool
) -> None:
    assert far_apart(replaced, keys) is far


def test_a_copy_that_cannot_be_linked_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the output's files cannot be linked into `.cache/` (another file system),
    the build keeps no copy (copying every byte would cost what it saves), no record of
    one, and goes on; the next build is still a clean build."""
    import errno

    from generator import output

    site = copy_site(SITE, tmp_path / "site")
    no_search(site)

    def cross_device(source: str, target: str) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link", target)

    monkeypatch.setattr(output.os, "link", cross_device)
    assert not build(BuildOptions(site)).unchanged
    monkeypatch.undo()
    assert not kept_site(site / ".cache", site / "build").exists()
    assert read_record(site / ".cache", site / "build", kept=True) is None
    assert read_record(site / ".cache", site / "build") is not None
    replace_in(site, BRIDGE, "12 cracks", "14 cracks")
    clean = copy_site(site, tmp_path / "clean")
    build(BuildOptions(site))
    assert_a_clean_build(site / "build", clean)


def test_a_replaced_site_far_from_the_new_one_is_rewritten_into_it_where_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark's sequence: `.cache/` deleted, then a cold build. The site it
    replaces has no record; it is not deleted (freeing its files costs most) but made
    the new site where it is, its files keeping their inodes, with a record of its own:
    the next build takes every page it does not change as it is and is a clean build."""
    import os

    from generator import render

    site = copy_site(SITE, tmp_path / "site")
    build(BuildOptions(site))
    out = site / "build"
    pages = sorted(str(p.relative_to(out)) for p in out.rglob("*.html"))
    before = {p: os.stat(out / p).st_ino for p in pages}
    shutil.rmtree(site / ".cache")
    replace_in(site, BRIDGE, "12 cracks", "14 cracks")  # one page of the replaced site differs
    build(BuildOptions(site, cache=False))
    kept = kept_site(site / ".cache", out)
    assert tree(kept) == tree(out)
    assert {p: os.stat(kept / p).st_ino for p in pages} == before
    pool = {f.stat().st_ino for f in (site / ".cache" / "pagefind" / "files").iterdir()}
    pooled = [p for p in output_state(out) if os.stat(out / p).st_ino in pool]
    assert any(p.startswith("pagefind/") for p in pooled)
    assert [p for p in pooled if os.stat(kept / p).st_ino != os.stat(out / p).st_ino] == []
    record = read_record(site / ".cache", out, kept=True)
    assert record is not None and record.files == output_state(kept)

    put: list[Path] = []
    real_put = render._put_file
    monkeypatch.setattr(render, "_put_file", lambda s, t: (put.append(t), real_put(s, t)))
    replace_in(site, BRIDGE, "14 cracks", "16 cracks")
    report = build(BuildOptions(site))
    monkeypatch.undo()
    assert report.made > 0 and report.taken > 0 and put == []
    clean = copy_site(site, tmp_path / "clean")
    assert_a_clean_build(out, clean)
