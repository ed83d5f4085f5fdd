"""Whole builds: the example archive, determinism, strictness and errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

import feedparser
import pytest

from generator import parallel
from generator.build import BuildOptions, build, swept_while
from generator.errors import BuildError, ContentError, GeneratorError
from generator.models import BuildReport
from generator.render import sweep

from .conftest import FIXTURES, REPO, site_copy
from .test_golden import tree

GOLDEN_SITE = FIXTURES / "golden-site"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "build"
    build(BuildOptions(REPO, out=out))
    return out


def test_example_builds_both_seed_articles(example: Path) -> None:
    data = json.loads((example / "archive.json").read_text())
    outlets = sorted(a["outlet"] for a in data["articles"])
    assert outlets == ["National Review", "The Independent"]
    for record in data["articles"]:
        page = example / record["url"] / "index.html"
        assert page.is_file()
        assert record["title"] in page.read_text().replace("&#39;", "'")
    independent = next(a for a in data["articles"] if a["outlet"] == "The Independent")
    assert independent["authors"] == ["Arpan Rai"]
    assert independent["date"] == "2022-08-08T09:00:00-04:00"


def test_archive_json_fields(example: Path) -> None:
    data = json.loads((example / "archive.json").read_text())
    article_keys = {
        "id",
        "path",
        "url",
        "title",
        "dek",
        "outlet",
        "authors",
        "date",
        "source_url",
        "topic",
    }
    topic_keys = {"id", "slug", "url", "title", "articles", "outlets", "date_start", "date_end"}
    assert all(article_keys <= set(a) for a in data["articles"])
    assert all(topic_keys <= set(t) for t in data["topics"])
    topic_ids = {t["id"] for t in data["topics"]}
    assert all(a["topic"] in topic_ids for a in data["articles"])


def test_feeds_parse_cleanly(example: Path) -> None:
    for feed_path in sorted(example.rglob("feed.xml")):
        parsed = feedparser.parse(feed_path.read_bytes())
        assert not parsed.bozo, (feed_path, parsed.get("bozo_exception"))
    site_feed = feedparser.parse((example / "feed.xml").read_bytes())
    assert len(site_feed.entries) == 2


def test_sitemap_and_robots(example: Path) -> None:
    sitemap = (example / "sitemap.xml").read_text()
    assert "<loc>https://example.org/briefings/articles/2022/08/" in sitemap
    assert "404" not in sitemap
    assert (
        "Sitemap: https://example.org/briefings/sitemap.xml" in (example / "robots.txt").read_text()
    )


def test_sub_path_links(example: Path) -> None:
    home = (example / "index.html").read_text()
    assert re.search(r'href="/briefings/static/style\.[0-9a-f]{8}\.css"', home)
    assert 'href="/briefings/topics/"' in home


def test_second_build_is_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    site = site_copy(GOLDEN_SITE, tmp_path)
    build(BuildOptions(site, out=first))
    build(BuildOptions(site, out=second))
    build(BuildOptions(site, out=second))  # rebuilding in place too
    assert tree(first) == tree(second)


def test_determinism_across_environments(tmp_path: Path) -> None:
    """Different hash seed, time zone and locale give the same bytes."""
    outputs = []
    for seed, tz in (("1", "UTC"), ("4242", "Pacific/Auckland")):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": tz, "LC_ALL": "C.UTF-8"}
        cmd = [
            sys.executable,
            "-m",
            "generator",
            "build",
            "--site",
            str(site_copy(GOLDEN_SITE, tmp_path)),  # each its own cache
            "--out",
            str(out),
        ]
        subprocess.run(cmd, check=True, env=env, capture_output=True)
        outputs.append(tree(out))
    assert outputs[0] == outputs[1]


def make_site(root: Path, articles: dict[str, str], site_yaml: str = "title: T\n") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(site_yaml)
    for name, text in articles.items():
        path = root / "content" / "articles" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "content" / "articles").mkdir(parents=True, exist_ok=True)
    return root


GOOD = "---\ntitle: Good\noutlet: O\nauthor: []\ndate: 2024-01-01\n---\nText.\n"


def test_content_error_keeps_previous_site(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"good.md": GOOD})
    build(BuildOptions(site))
    before = tree(site / "build")
    (site / "content/articles/bad.md").write_text("---\ntitle: [\n---\n")
    with pytest.raises(ContentError) as info:
        build(BuildOptions(site))
    assert [str(d) for d in info.value.diagnostics] == [
        "content/articles/bad.md:2: invalid YAML in front matter: expected the node content, but found '<stream end>'"
    ]
    assert tree(site / "build") == before


def test_strict_fails_on_warnings(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"a.md": GOOD.replace("author: []\n", "")})
    assert build(BuildOptions(site)).warnings
    with pytest.raises(ContentError):
        build(BuildOptions(site, strict=True))


def test_template_override_and_error(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"a.md": GOOD})
    (site / "templates").mkdir()
    (site / "templates/404.html").write_text(
        "{% extends 'base.html' %}{% block main %}Custom 404{% endblock %}"
    )
    build(BuildOptions(site))
    assert "Custom 404" in (site / "build/404.html").read_text()
    (site / "templates/404.html").write_text("{{ no_such_variable }}")
    with pytest.raises(BuildError, match=r"404\.html: template error.*no_such_variable"):
        build(BuildOptions(site))
    assert "Custom 404" in (site / "build/404.html").read_text()


def test_pagination(tmp_path: Path) -> None:
    articles = {
        f"a{i}.md": GOOD.replace("Good", f"Story {i}").replace("01-01", f"01-{i + 1:02}")
        for i in range(5)
    }
    site = make_site(tmp_path, articles, "title: T\npage_size: 2\n")
    build(BuildOptions(site))
    # Two pages, cut from the oldest: page 1 holds the two oldest, the first the rest.
    first = (site / "build/outlets/o/index.html").read_text()
    oldest = (site / "build/outlets/o/page/1/index.html").read_text()
    assert not (site / "build/outlets/o/page/2").exists()
    assert 'rel="next" href="/outlets/o/page/1/"' in first
    assert 'rel="prev" href="/outlets/o/"' in oldest
    # (the first page also lists the topics the outlet covered, titled as the articles)
    listed = first.split('id="group-articles"')[1]
    assert [f'/articles/a{i}/"' in listed for i in range(5)] == [False, False, True, True, True]
    assert [f'/articles/a{i}/"' in oldest for i in range(5)] == [True, True, False, False, False]
    # The list's size only on its first page: every article added would change it.
    assert "5 articles" in first and "5 articles" not in oldest and "Older articles" in oldest


@pytest.mark.parametrize("target", ["content", "templates", "content/articles", "."])
def test_refuses_dangerous_output(tmp_path: Path, target: str) -> None:
    site = make_site(tmp_path, {"a.md": GOOD})
    (site / "templates").mkdir(exist_ok=True)
    with pytest.raises(BuildError, match="refusing"):
        build(BuildOptions(site, out=site / target))
    assert (site / "content/articles/a.md").is_file()


def test_refuses_foreign_folder(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"a.md": GOOD})
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    with pytest.raises(BuildError, match=r"not made by `briefing build`"):
        build(BuildOptions(site, out=precious))
    assert (precious / "thesis.txt").read_text() == "years of work"


def test_new_site_builds(tmp_path: Path) -> None:
    from generator.scaffold import create_site

    create_site(tmp_path / "mine")
    report = build(BuildOptions(tmp_path / "mine", strict=True))
    assert report.articles == 0 and (tmp_path / "mine/build/index.html").is_file()
    shutil.rmtree(tmp_path / "mine/build")


def test_hosting_files(example: Path) -> None:
    headers = (example / "_headers").read_text()
    assert "/briefings/static/*\n  Cache-Control: public, max-age=31536000, immutable" in headers
    assert (example / "_redirects").read_text() == ""
    css = list((example / "static").glob("style.*.css"))
    assert len(css) == 1


def test_the_topics_index_filters_by_outlet(tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(BuildOptions(site_copy(GOLDEN_SITE, tmp_path), out=out))
    data = json.loads((out / "archive.json").read_text())
    index = (out / "topics" / "index.html").read_text()
    for outlet in {a["outlet"] for a in data["articles"] if a["outlet"]}:
        covered = {t["id"] for t in data["topics"] if outlet in t["outlets"]}
        page_path = out / "outlets" / re.sub(r"\W+", "-", outlet.lower()).strip("-") / "topics"
        page = (page_path / "index.html").read_text()
        linked = set(re.findall(r'class="item-title" href="/[^"]*topics/([^/"]+)/"', page))
        assert linked == covered, outlet
        assert f"({len(covered)})" in index


def test_the_garbage_collector_is_paused_during_a_build_and_restored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from generator import build as build_module

    seen: list[bool] = []
    real = build_module._build

    def spy(options: BuildOptions) -> BuildReport:
        seen.append(gc.isenabled())
        return real(options)

    monkeypatch.setattr(build_module, "_build", spy)
    site = tmp_path / "site"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "site.yaml").write_text('title: "T"\nsearch: {enabled: false}\n')
    assert gc.isenabled()
    build_module.build(BuildOptions(site))
    assert seen == [False] and gc.isenabled()
    (site / "site.yaml").write_text("title: [broken\n")
    with pytest.raises(GeneratorError):
        build_module.build(BuildOptions(site))
    assert gc.isenabled()  # an error restores it too


@pytest.fixture(params=[True, False], ids=["forked", "threaded"])
def forked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """The sweep in a forked child (a build), or in this process beside a thread (the
    preview, whose process runs threads)."""
    if not request.param:
        monkeypatch.setattr(parallel, "can_fork", lambda: False)
    elif not parallel.can_fork():
        pytest.skip("no child can be forked here")
    return bool(request.param)


def test_strays_are_swept_while_the_index_is_made_beside_them(tmp_path: Path, forked: bool) -> None:
    """The sweep leaves the folders the indexing writes into, and records only kept files."""
    for name in ("kept.html", "stray.html", "old/stray.html", "work/part", "pagefind/x.js"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)

    def index() -> None:
        (tmp_path / "work" / "more").write_text("made while sweeping")

    swept = swept_while(
        index, partial(sweep, tmp_path, frozenset({"kept.html"}), {"work", "pagefind"})
    )
    assert set(swept.files) == {"kept.html"}
    left = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert left == {"kept.html", "work/part", "work/more", "pagefind/x.js"}


def test_a_failed_sweep_is_raised_once_the_indexing_has_ended(tmp_path: Path, forked: bool) -> None:
    ended = []

    def index() -> None:
        ended.append(True)

    with pytest.raises(FileNotFoundError):
        swept_while(index, partial(sweep, tmp_path / "missing", frozenset(), set()))
    assert ended == [True]


def test_a_failed_indexing_is_raised_after_the_sweep(tmp_path: Path, forked: bool) -> None:
    (tmp_path / "stray.html").write_text("x")

    def index() -> None:
        raise BuildError("search: Pagefind failed")

    with pytest.raises(BuildError, match="Pagefind failed"):
        swept_while(index, partial(sweep, tmp_path, frozenset(), set()))
    assert not (tmp_path / "stray.html").exists()


def test_the_heap_is_trimmed_after_the_stages_that_made_many_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading, grouping and summarising free their temporaries when they end; the C
    heap is trimmed after each of them that made at least TRIM_FROM values (a cold
    build's), never after an edit's few."""
    from generator import build as build_module

    trims: list[int] = []
    monkeypatch.setattr(build_module, "trim_heap", lambda: trims.append(1))
    site = site_copy(GOLDEN_SITE, tmp_path)
    monkeypatch.setattr(build_module, "TRIM_FROM", 1)
    report = build(BuildOptions(site, out=tmp_path / "out", cache=False))
    assert len(trims) == 3
    articles = sorted((site / "content" / "articles").rglob("*.md"))
    # More values than summarising makes (one a topic), fewer than loading (one an
    # article file) and grouping (what it reads of each article it groups) make.
    monkeypatch.setattr(build_module, "TRIM_FROM", report.topics + 1)
    build(BuildOptions(site, out=tmp_path / "out", cache=False))  # loading, grouping
    assert len(trims) == 5
    articles[0].write_text(articles[0].read_text() + "\nOne more line.\n")
    build(BuildOptions(site, out=tmp_path / "out"))
    assert len(trims) == 5


def test_trimming_the_heap_is_harmless() -> None:
    """`malloc_trim` on glibc; elsewhere nothing happens."""
    from generator.build import trim_heap

    trim_heap()
    trim_heap()
