"""The hostile archive in a real browser: no dialog, no script error, no CSP refusal.

Debian's chromium through Playwright, with the browser fixtures of
tests/test_frontend_browser.py. A smaller hostile archive than test_xss.py's (the whole
corpus in a few articles, plus imported saved pages) is built for the address it is
served at; the pages that show the most payloads are opened, and the search page runs
queries made of payloads. Every payload tries `alert()`: a dialog means one ran.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from generator import markup
from generator.build import BuildOptions, build
from generator.config import load_config
from generator.importer import ImportOptions, import_paths

from ..site_tools import Served, serve
from ..test_frontend_browser import browser, context  # noqa: F401 - fixtures
from .conftest import Tally
from .corpus import PAYLOADS, url_like
from .hostile import write_hostile_site

GROUP = 40
QUERIES = ["alert onerror", '"><img src=x onerror=alert(1)>']


@dataclass
class Watch:
    """Dialogs, uncaught errors and security refusals seen on one page."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        page.on("console", self._console)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message: Any) -> None:
        text = message.text
        if message.type == "error" and "Failed to load resource" not in text:
            self.errors.append(text)  # e.g. "Refused to execute inline script ... CSP"


@dataclass(frozen=True)
class HostileServed:
    served: Served
    pages: list[str]


@pytest.fixture(scope="module")
def hostile_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileServed]:
    root = tmp_path_factory.mktemp("hostile-browser")
    site = root / "site"
    urls = tuple(u for u in url_like() if markup.is_safe_url(u))
    write_hostile_site(site, PAYLOADS, GROUP, urls, "https://briefings.example/")
    for pasted in (site / "content" / "inbox").glob("pasted-*"):
        pasted.unlink()  # the saved pages carry the whole corpus already
    import_paths(site, load_config(site), [], ImportOptions())
    out = root / "out"
    with serve(out) as served:
        started = time.perf_counter()
        build(BuildOptions(site, out=out, base_url=served.base_url))
        print(f"browser site built in {time.perf_counter() - started:.1f} s")
        yield HostileServed(served, chosen_pages(out))


def chosen_pages(out: Path) -> list[str]:
    """Home, the lists, ten articles, three topics, and one outlet, author and tag page."""
    archive = json.loads((out / "archive.json").read_text())
    pages = ["", "404.html", "topics/", "outlets/", "authors/", "tags/"]
    pages += [a["url"] for a in archive["articles"]][:10]
    pages += [t["url"] for t in archive["topics"]][:3]
    for kind in ("outlets", "authors", "tags"):
        first = sorted(p.parent for p in (out / kind).glob("*/index.html"))[:1]
        pages += [p.relative_to(out).as_posix() + "/" for p in first]
    return pages


def local_only(route: Any) -> None:
    """Hostile pages point at other hosts: never go there (and never wait for them)."""
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


def visit(tab_context: Any, url: str, search: bool = False) -> Watch:
    watch = Watch()
    page = tab_context.new_page()
    watch.attach(page)
    page.route("**/*", local_only)
    page.goto(url, wait_until="load")
    if search:
        page.wait_for_function("() => document.getElementById('search-status').textContent")
    page.wait_for_timeout(50)  # timers and onload handlers a payload may have set
    page.close()
    return watch


def test_hostile_pages_run_no_script(
    context: Any,  # noqa: F811
    hostile_served: HostileServed,
    tally: Tally,
) -> None:
    seen = {}
    started = time.perf_counter()
    for path in hostile_served.pages:
        watch = visit(context, hostile_served.served.url(path))
        if watch.dialogs or watch.errors:
            seen[path] = watch
    print(
        f"browser: {len(hostile_served.pages)} hostile pages in {time.perf_counter() - started:.1f} s"
    )
    assert len(hostile_served.pages) > 15
    assert not seen, {p: (w.dialogs, w.errors[:3]) for p, w in seen.items()}


@pytest.mark.parametrize("query", QUERIES)
def test_search_results_for_payloads_run_no_script(
    context: Any,  # noqa: F811
    hostile_served: HostileServed,
    query: str,
) -> None:
    from urllib.parse import quote

    watch = visit(context, hostile_served.served.url(f"search/?q={quote(query)}"), search=True)
    assert watch.dialogs == [] and watch.errors == []
