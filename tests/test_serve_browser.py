"""`briefing serve` end to end in a real headless Chromium (Playwright, Debian's chromium).

A page is opened once; every later change comes from editing files on disk: the page
must follow by itself (live reload), show the error banner over the last good page when
the front matter breaks, and recover when it is fixed. Skips when Playwright's Python
package or /usr/bin/chromium is missing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.config import load_config
from generator.serve import BuildState, Preview, PreviewServer

from .test_serve import FERRY, make_fixture_site

CHROMIUM = Path("/usr/bin/chromium")
WAIT_MS = 20_000  # an upper bound for each expectation, not a speed requirement

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright's Python package is not installed"
)
if not CHROMIUM.is_file():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    site = make_fixture_site(tmp_path / "site")
    lines: list[str] = []
    config = load_config(site)
    server = PreviewServer(("127.0.0.1", 0), tmp_path / "out", config.base_path, BuildState())
    running = Preview.start(site, config, server, lines.append)
    running.rebuilder.rebuild()
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    yield running
    running.stop()
    thread.join(10)


@pytest.fixture
def browser_page() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_page_follows_edits_shows_banner_and_recovers(preview: Preview, browser_page: Any) -> None:
    page, expect = browser_page, sync_api.expect
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda dialog: problems.append(f"dialog: {dialog.message}"))
    ferry = preview.rebuilder.site / "content/articles/2024/ferry.md"
    page.goto(preview.url + "articles/2024/ferry/")
    main, banner = page.locator("main"), page.locator("#briefing-serve-error")
    expect(main).to_contain_text("twenty minutes earlier")
    page.evaluate("window.untouched = true")  # gone after any reload

    ferry.write_text(FERRY.replace("twenty minutes", "half an hour"))
    expect(main).to_contain_text("half an hour earlier", timeout=WAIT_MS)
    assert page.evaluate("window.untouched === undefined")

    ferry.write_text(FERRY.replace("title: Ferry", "title: [Ferry"))  # YAML that cannot parse
    expect(banner).to_be_visible(timeout=WAIT_MS)
    expect(banner).to_contain_text("content/articles/2024/ferry.md:3: invalid YAML")
    expect(main).to_contain_text("half an hour earlier")  # the last good page

    ferry.write_text(FERRY.replace("date: 2024-04-02", "date: <b>soon</b>"))
    expect(banner).to_contain_text("got '<b>soon</b>'", timeout=WAIT_MS)
    expect(banner.locator("b")).to_have_count(0)  # shown as text, never as markup
    expect(main).to_contain_text("half an hour earlier")

    ferry.write_text(FERRY.replace("twenty minutes", "ten minutes"))
    expect(main).to_contain_text("ten minutes earlier", timeout=WAIT_MS)
    expect(banner).to_have_count(0)
    assert problems == []
