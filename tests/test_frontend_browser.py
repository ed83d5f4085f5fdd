"""The built example archive in a real browser: Debian's chromium driven by Playwright.

A reader's path (home -> topic -> article -> outlet -> search), search results for a
name that only the seed article's text contains, no console errors anywhere, the phone
layout, the dark scheme, the printed briefing, and axe-core's accessibility rules.
Screenshots of each page kind go to test-artifacts/ (git-ignored); with
BRIEFING_SCREENSHOT_DIR set, the README's screenshots are written there as well.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from generator import search_shards, urls
from generator.slugs import slugify

from .conftest import REPO
from .site_tools import (
    ARTIFACTS,
    AXE,
    CHROMIUM,
    CHROMIUM_ARGS,
    Served,
    build_site,
    need_file,
    serve,
)

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed; run `python3 dev.py test`"
)

SEED_TERM = "Korotchenko"
"""A name that only the seed article's own text contains."""


@dataclass(frozen=True)
class Example:
    """The example archive, served, and the paths of its main page kinds."""

    served: Served
    paths: dict[str, str]
    """Page kind -> site-relative path."""
    seed_article: str
    """Path of the article whose text contains SEED_TERM."""
    seed_topic: str
    outlets: list[str]

    def url(self, kind: str) -> str:
        return self.served.url(self.paths[kind])


def example_paths(served: Served) -> Example:
    """Find the seed article, its topic and outlet in the build's archive.json."""
    archive = json.loads((served.root / "archive.json").read_text())
    seed = next(
        a
        for a in archive["articles"]
        if SEED_TERM in (REPO / "content" / a["path"]).read_text(encoding="utf-8")
    )
    topic = next(t for t in archive["topics"] if t["id"] == seed["topic"])
    paths = {
        "home": "",
        "topics": "topics/",
        "topic": topic["url"],
        "article": seed["url"],
        "outlet": urls.outlet(slugify(seed["outlet"])),
        "search": f"search/?q={SEED_TERM}",
        "404": "404.html",
    }
    outlets = sorted({a["outlet"] for a in archive["articles"] if a["outlet"]})
    return Example(served, paths, seed["url"], topic["url"], outlets)


@dataclass
class Console:
    """Console errors and uncaught exceptions of one page."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Example]:
    root = tmp_path_factory.mktemp("browser") / "site"
    with serve(root) as served:
        build_site(REPO, root, served.base_url)
        yield example_paths(served)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    need_file(CHROMIUM, "Debian's chromium")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    made = browser.new_context(viewport={"width": 1200, "height": 900})
    yield made
    made.close()


def open_page(context: Any, url: str) -> tuple[Any, Console]:
    """A new tab at `url`, loaded (search: answered), with its console watched."""
    page = context.new_page()
    console = Console()
    console.watch(page)
    page.goto(url, wait_until="load")
    if page.locator("#search-status").count() and "q=" in url:
        # The search page works after load: wait until it has said what it found.
        page.wait_for_function("() => document.getElementById('search-status').textContent")
    return page, console


def snapshot(page: Any, name: str) -> None:
    """Save a full-page screenshot as a test artifact (and for the README when asked)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    readme_dir = os.environ.get("BRIEFING_SCREENSHOT_DIR")
    if readme_dir and name in ("home", "topic", "article", "search"):
        page.screenshot(path=str(Path(readme_dir) / f"screenshot-{name}.png"))


def search_results(page: Any) -> list[str]:
    """Hrefs of the result titles and their topic links, once results are shown."""
    # search.js always ends by saying something: a count, or why search is unavailable.
    page.wait_for_function("() => document.getElementById('search-status').textContent")
    status = page.inner_text("#search-status")
    assert page.locator("#search-results .result").count() > 0, status
    links: list[str] = page.eval_on_selector_all(
        "#search-results a", "links => links.map(a => a.href)"
    )
    return links


def test_reader_path_home_topic_article_outlet_search(context: Any, site: Example) -> None:
    errors: dict[str, list[str]] = {}
    page, console = open_page(context, site.url("home"))
    snapshot(page, "home")
    errors["home"] = console.errors
    steps = [
        ("topic", ".home-topics .item-title >> nth=0", "/topics/"),
        ("article", ".sources .item-title >> nth=0", "/articles/"),
        ("outlet", ".article .byline a.outlet", "/outlets/"),
    ]
    for name, link, expected in steps:
        console = Console()
        console.watch(page)
        page.click(link)
        page.wait_for_load_state("load")
        assert expected in page.url, f"{name}: landed on {page.url}"
        snapshot(page, name)
        errors[name] = console.errors
    console = Console()
    console.watch(page)
    page.fill("#header-search", SEED_TERM)
    page.press("#header-search", "Enter")
    links = search_results(page)
    snapshot(page, "search")
    errors["search"] = console.errors
    assert site.served.url(site.seed_article) in links
    assert site.served.url(site.seed_topic) in links
    assert {k: v for k, v in errors.items() if v} == {}


@pytest.mark.parametrize("kind", ["topics", "404"])
def test_other_page_kinds_load_without_console_errors(
    context: Any, site: Example, kind: str
) -> None:
    page, console = open_page(context, site.url(kind))
    snapshot(page, kind)
    assert console.errors == []


def test_search_filters_narrow_results(context: Any, site: Example) -> None:
    page, console = open_page(context, site.served.url("search/?q=North+Korea"))
    search_results(page)
    before = page.locator("#search-results .result").count()
    options = page.eval_on_selector_all("#filter-outlet option", "os => os.map(o => o.value)")
    assert options == ["", *site.outlets]
    chosen = site.outlets[0]
    page.select_option("#filter-outlet", chosen)
    page.wait_for_function(
        """outlet => [...document.querySelectorAll('#search-results .result .byline')]
                  .every(p => p.textContent.includes(outlet))""",
        arg=chosen,
    )
    after = page.locator("#search-results .result").count()
    assert 0 < after < before
    assert "outlet=" + chosen.replace(" ", "+") in page.url
    assert console.errors == []


def test_search_box_is_a_link_without_javascript(browser: Any, site: Example) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site.url("home"))
        assert page.is_visible(".search-link a")
        assert page.is_hidden("form.search-box")
        page.click(".search-link a")
        assert page.url == site.served.url("search/")
        assert "needs JavaScript" in page.inner_text("main")
    finally:
        context.close()


@pytest.mark.parametrize("kind", ["home", "topic", "article", "outlet", "search"])
def test_phone_width_has_no_sideways_scroll(browser: Any, site: Example, kind: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page, _ = open_page(context, site.url(kind))
        snapshot(page, f"{kind}-360")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360
    finally:
        context.close()


def test_dark_scheme_follows_the_system(browser: Any, site: Example) -> None:
    context = browser.new_context(color_scheme="dark", viewport={"width": 1200, "height": 900})
    try:
        page, _ = open_page(context, site.url("topic"))
        snapshot(page, "topic-dark")
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        red, green, blue = (int(x) for x in background[4:-1].split(",")[:3])
        assert red + green + blue < 3 * 64, background
    finally:
        context.close()


def test_topic_prints_as_a_briefing_with_link_notes(context: Any, site: Example) -> None:
    page, _ = open_page(context, site.url("topic"))
    page.emulate_media(media="print")
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "topic-print.pdf"))
    assert page.is_hidden(".masthead nav")
    assert page.is_visible(".sources")
    assert page.is_visible(".link-notes")
    marked = page.eval_on_selector_all(
        ".briefing a[href]:not([data-no-footnote])",
        "links => links.map(a => getComputedStyle(a, '::after').content)",
    )
    notes = page.eval_on_selector_all(".link-notes li", "items => items.map(i => i.textContent)")
    assert marked and all("counter(note)" in content for content in marked), marked
    assert len(notes) == len(marked)
    hrefs = page.eval_on_selector_all(
        ".briefing a[href]:not([data-no-footnote])", "links => links.map(a => a.href)"
    )
    assert [n.strip() for n in notes] == hrefs


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", ["home", "topic", "article", "outlet", "search", "404"])
def test_axe_finds_no_serious_violations(
    browser: Any, site: Example, kind: str, scheme: str
) -> None:
    axe = need_file(AXE, "axe-core (npm)")
    # The pages' CSP forbids injected scripts, as it should; axe is let in by the test only.
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    try:
        page, _ = open_page(context, site.url(kind))
        page.add_script_tag(path=str(axe))
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    finally:
        context.close()
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_search_works_when_the_site_lives_under_a_sub_path(tmp_path: Path, context: Any) -> None:
    with serve(tmp_path) as served:
        build_site(REPO, tmp_path / "briefings", served.url("briefings/"))
        page, console = open_page(context, served.url(f"briefings/search/?q={SEED_TERM}"))
        links = search_results(page)
        assert links and all(link.startswith(served.url("briefings/")) for link in links)
        page.click("#search-results .item-title >> nth=0")
        assert SEED_TERM in page.inner_text("main")
        assert console.errors == []


def shard_records(index: Path) -> dict[str, list[dict[str, Any]]]:
    """Bundle folder ("" for the first) -> Pagefind's records of its pages."""
    manifest = json.loads((index / "shards.json").read_text())
    found = {}
    for name in ["", *manifest["merge"]]:
        fragments = sorted((index / name / "fragment").iterdir())
        found[name] = [
            json.loads(gzip.decompress(f.read_bytes())[len(b"pagefind_dcd") :]) for f in fragments
        ]
    return found


def test_search_merges_the_shards_of_the_index(
    tmp_path: Path, context: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index in several shards (a few pages each here) searches as one: results from
    several shards, filter counts summed over all, paging over the merged results."""
    archive = tmp_path / "archive"
    synth = [sys.executable, str(REPO / "bench" / "synth.py"), str(archive), "--articles", "60"]
    subprocess.run(synth, check=True, capture_output=True)
    monkeypatch.setattr(search_shards, "SHARD_PAGES", 8)
    with serve(tmp_path) as served:
        out = build_site(archive, tmp_path / "site", served.url("site/"))
        shards = shard_records(out / "pagefind")
        assert len(shards) >= 4
        shard_of_url = {r["url"]: name for name, records in shards.items() for r in records}
        records = [r for found in shards.values() for r in found]
        outlets = Counter(o for r in records for o in r["filters"].get("outlet", []))
        page, console = open_page(context, served.url("site/search/"))
        page.wait_for_selector("fieldset.search-filters:not([hidden])")
        options = page.eval_on_selector_all(
            "#filter-outlet option", "os => os.slice(1).map(o => o.textContent)"
        )
        assert options == [f"{name} ({count})" for name, count in sorted(outlets.items())]
        # A page counts once in the results, and in the counts once per mention (a topic
        # names its articles' years): Pagefind's way, shard or no shard.
        years = Counter(y for r in records for y in set(r["filters"].get("year", [])))
        year, count = years.most_common(1)[0]
        assert count > 20  # more than a page of results
        page.select_option("#filter-year", year)
        page.wait_for_function("() => document.getElementById('search-status').textContent")
        assert page.inner_text("#search-status").startswith(f"{count} results")
        while page.locator(".more-results").count():  # paging: every result once
            page.click(".more-results")
            page.wait_for_timeout(100)
        prefix = served.url("site")
        links = page.eval_on_selector_all(
            "#search-results .item-title", "ls => ls.map(a => a.href)"
        )
        assert len(links) == len(set(links)) == count
        found = [shard_of_url[link.removeprefix(prefix)] for link in links]
        assert len(set(found)) >= 2
        word = common_word(records, shard_of_url)
        page.select_option("#filter-year", "")
        page.fill("#search-query", word)
        page.wait_for_function(
            "w => document.getElementById('search-status').textContent.includes(w)", arg=word
        )
        links = page.eval_on_selector_all(
            "#search-results .item-title", "ls => ls.map(a => a.href)"
        )
        assert len({shard_of_url[link.removeprefix(prefix)] for link in links}) >= 2
        assert console.errors == []


def common_word(records: list[dict[str, Any]], shard_of_url: dict[str, str]) -> str:
    """A word of the page texts that pages of several shards have."""
    shards_of: dict[str, set[str]] = {}
    for record in records:
        for word in set(record["content"].lower().split()):
            if word.isalpha() and len(word) > 6:
                shards_of.setdefault(word, set()).add(shard_of_url[record["url"]])
    return min(word for word, shards in shards_of.items() if len(shards) >= 3)
