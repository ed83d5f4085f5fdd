"""XSS corpus x every entry point: import, build, then no active content in any output file.

The corpus (`xss_payloads.txt`, 200+ payloads) goes into front matter, Markdown bodies,
file names, analyst notes, site.yaml and the inbox (pasted text and saved HTML pages,
through the real `briefing import`); the real build writes the site with its search
index; `active.py` parses every file it wrote. Each payload gets its own article, page,
outlet, author, tag, topic, note and saved page (with BRIEFING_GROUP=8, eight share one,
joined in scalar fields: a quicker run for debugging).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator import markup
from generator.build import BuildOptions, build
from generator.config import load_config
from generator.content import parse_article
from generator.errors import Severity
from generator.frontmatter import dump
from generator.importer import ImportOptions, detect, import_paths

from .active import Finding, Policy, bad_scheme, check_html, check_tree
from .conftest import Tally
from .corpus import PAYLOADS, url_like
from .hostile import Placements, write_hostile_site

GROUP = int(os.environ.get("BRIEFING_GROUP", "1"))
BASE = 'https://briefings.example/"><script>alert(17)</script>/'
"""A base_url whose path is itself a payload (site.yaml's check only wants a host)."""
ACCEPTED_URLS = tuple(u for u in url_like() if markup.is_safe_url(u))


@dataclass(frozen=True)
class Built:
    root: Path
    out: Path
    placed: Placements
    imported: dict[str, int]
    refused: list[str]
    """Inputs import refused (FAILED, with a reason)."""
    policy: Policy


def report(text: str) -> None:
    """Counts for the issue's closing note: shown with `pytest -s` and in the log."""
    sys.stderr.write(text + "\n")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, tally: Tally) -> Built:
    root = tmp_path_factory.mktemp("hostile") / "site"
    placed = write_hostile_site(root, PAYLOADS, GROUP, ACCEPTED_URLS, BASE)
    config = load_config(root)
    imported: dict[str, int] = {}
    refused: list[str] = []
    started = time.perf_counter()
    for result in import_paths(root, config, [], ImportOptions()):
        imported[result.status] = imported.get(result.status, 0) + 1
        if result.failed:
            refused.append(result.source)
    report(f"import: {time.perf_counter() - started:.1f} s")
    out = root / "build"
    started = time.perf_counter()
    build(BuildOptions(root, out=out))
    report(f"build: {time.perf_counter() - started:.1f} s")
    base_path = config.base_path
    policy = Policy(base_path + "static/", (base_path, config.absolute_base))
    report(placed.summary())
    report(f"import results: {imported}")
    tally(
        "xss payloads x entry points",
        f"{len(PAYLOADS)} payloads, {placed.total} placements in {len(placed.counts)} entry points"
        f" (group of {GROUP} per article)",
    )
    tally("xss imports", f"{sum(imported.values())} inputs: {dict(sorted(imported.items()))}")
    return Built(root, out, placed, imported, refused, policy)


def test_corpus_is_large_and_distinct() -> None:
    assert len(PAYLOADS) >= 200
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_every_imported_input_gives_a_result(hostile: Built) -> None:
    """Hostile pages are still articles: import keeps their text, it does not give up.

    The one exception is a paste that reads as HTML source (it starts with a tag such as
    `</title>`, or is dense with tags): it goes the HTML way, where it may be refused
    with a reason. Such refusals are counted; everything read as text is written.
    """
    assert sum(hostile.imported.values()) == len(range(0, len(PAYLOADS), GROUP)) + len(PAYLOADS)
    for source in hostile.refused:
        path = Path(source)
        assert path.suffix == ".txt", f"{source} was refused"
        assert detect.kind_of(path.read_text(), path.name) is detect.Kind.HTML, source
    report(f"import refusals (pastes read as HTML): {len(hostile.refused)}")


CRASHER = "<embed src=x>\n<div>182</div>\n<template>x</template>\n"
"""Found by this suite (a group of payloads pasted together): htmldate's cleaner calls
lxml's drop_tree() on a parentless <embed>, which asserts. That ended the whole
`briefing import` run with a traceback; now that page alone fails, with a message."""


def test_import_of_the_minimal_crasher_gives_a_result(tmp_path: Path) -> None:
    inbox = tmp_path / "content" / "inbox"
    inbox.mkdir(parents=True)
    (tmp_path / "site.yaml").write_text("title: t\n")
    (inbox / "page.html").write_text(CRASHER)
    (result,) = import_paths(tmp_path, load_config(tmp_path), [], ImportOptions())
    assert result.failed


def test_no_active_content_in_any_output_file(hostile: Built, tally: Tally) -> None:
    findings, counts = check_tree(hostile.out, hostile.policy)
    tally("xss output files checked", f"{sum(counts.values())} {counts}, findings {len(findings)}")
    assert counts.get("html", 0) > 100
    assert counts.get("xml", 0) > 10
    assert counts.get("search fragment", 0) > 10
    assert not findings, "\n".join(str(f) for f in findings[:40])


def test_payloads_reach_the_pages_as_text(hostile: Built) -> None:
    """The check above proves nothing if the payloads were dropped: they show as text."""
    home = (hostile.out / "index.html").read_bytes()
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in home  # the site title, escaped
    articles = list((hostile.out / "articles").rglob("index.html"))
    assert len(articles) >= 2 * len(range(0, len(PAYLOADS), GROUP))
    text = b"".join(p.read_bytes() for p in articles)
    assert text.count(b"&lt;img src=x onerror=alert(24)&gt;") >= 3


def test_unsafe_article_urls_are_refused_with_their_line() -> None:
    refused = 0
    for payload in url_like():
        text = dump({"title": "t", "outlet": None, "author": [], "date": None, "url": payload}, "")
        article, problems = parse_article(text.encode(), "articles/x.md", ZoneInfo("UTC"))
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if bad_scheme(payload) is not None:
            assert errors, payload  # an error stops the build
            assert errors[0].line == 6 and "url:" in errors[0].message
            assert article is None or article.source_url is None
            refused += 1
        elif article is not None:
            assert markup.is_safe_url(article.source_url or "")
    report(f"front-matter url payloads refused: {refused} of {len(url_like())}")
    assert refused >= 25


BAD_PAGES = [
    '<p><img src="x" onerror="alert(1)"></p>',
    '<a href=" jav&#x09;ascript:alert(1)">x</a>',
    "<script>alert(1)</script>",
    '<script src="/elsewhere/x.js"></script>',
    '<iframe src="https://example.org/"></iframe>',
    '<svg><a href="#"><text>x</text></a></svg>',
    '<meta http-equiv="refresh" content="0; url=https://evil.example/">',
    '<form><button formaction="data:text/html,x">b</button></form>',
    '<img srcset="a.png 1x, javascript:alert(1) 2x">',
    '<div style="background:url(javascript:alert(1))">x</div>',
]


@pytest.mark.parametrize("page", BAD_PAGES)
def test_the_checker_finds_active_content(page: str) -> None:
    policy = Policy("/static/", ("/",))
    found: list[Finding] = list(check_html(f"<html><body>{page}</body></html>", "x", policy))
    assert found, page


def test_the_checker_passes_the_theme_itself() -> None:
    page = '<script src="/static/site.1.js" defer></script><svg><line x1="0"/></svg><p>&lt;script&gt;</p>'
    assert not list(
        check_html(f"<html><body>{page}</body></html>", "x", Policy("/static/", ("/",)))
    )
