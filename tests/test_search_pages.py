"""Pages cut down for Pagefind: the index of the cut pages is the index of the pages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator import search_pages
from generator.build import BuildOptions, build
from generator.config import SiteConfig, load_config
from generator.errors import BuildError
from generator.search import BUNDLE_DIR, index_site, pagefind_binary, plan_shards
from generator.search_shards import indexed_pages

from .conftest import FIXTURES, site_copy

ROOT = Path(__file__).resolve().parents[1]
BODY = (
    '<main id="main"><article data-pagefind-body data-pagefind-meta="kind:Page">'
    '<h2 id="part">Part {n}</h2><p>Words of page {n}, and <a href="/x/">a link</a>.</p>'
    "</article></main>"
)


def page(before: str, n: int, body: str = BODY, after: str = "<footer>Foot</footer>") -> str:
    return f"<!DOCTYPE html>\n{before}{body.format(n=n)}{after}</body></html>\n"


HEAD = (
    '<html lang="en"><head><meta charset="utf-8"><title>Page &amp; title</title>'
    '<meta name="description" content="a &gt; b"><link rel="stylesheet" href="/s.css">'
    '<script src="/site.js" defer></script></head><body>'
)
MASTHEAD = (
    '<header class="masthead"><a class="brand" href="/">Brand</a><nav><ul>'
    '<li id="n1"><a href="/a/">A</a></li><li><a href="/b/">B</a></li></ul></nav>'
    '<form><input id="q" name="q"><button>Go</button></form></header>'
)
TRIMMED = {
    "plain": HEAD + MASTHEAD,
    "h1-outside": HEAD + '<header><h1 class="site">Site <em>name</em></h1></header>',
    "ignored-h1": HEAD + "<header><h1 data-pagefind-ignore>Hidden title</h1></header>",
    "image": HEAD + '<div><h1>T</h1><p><img src="/i.png" alt="An image"></p></div>',
    "meta-in-head": HEAD.replace(
        "</head>", '<meta data-pagefind-meta="image[content]" content="/og.png"></head>'
    ),
    "default-meta": HEAD.replace(
        "</head>", '<meta data-pagefind-default-meta="kind[content]" content="Default"></head>'
    ),
    "filters-outside": HEAD + '<div class="x"><span data-pagefind-filter="section">News</span>'
    '<p data-pagefind-meta="kicker">Kicker <b>bold</b></p></div>',
    "excluded-meta": HEAD
    + '<div data-pagefind-ignore="all"><i data-pagefind-meta="no">x</i></div>',
    "sort": HEAD + '<p data-pagefind-sort="weight:3">three</p>',
    "comment": HEAD + "<!-- a comment -- of sorts -->" + MASTHEAD,
    "upper-case": HEAD.upper().replace("EN", "en")
    + '<DIV CLASS="masthead"><A HREF="/">X</A></DIV>',
    "inline-script": HEAD + "<script>var a = 1;</script><style>p { color: red }</style>",
    "pagefind-ui": HEAD + '<link rel="stylesheet" href="/pagefind/pagefind-ui.css">',
    "no-title": '<html lang="en"><head><meta charset="utf-8"></head><body><div>x</div>',
    "nested-html": HEAD + '<div><html lang="fr"></html></div>',
}
WHOLE = {
    "weighted-ancestor": HEAD + '<div data-pagefind-weight="3">',
    "in-nav": HEAD + "<nav>",
    "script-markup": HEAD + "<script>if (a < b) {}</script>",
    "unquoted": HEAD + "<div class=x>x</div>",
    "unclosed-p": HEAD + "<p>one<p>two</div>",
    "svg": HEAD + '<svg><path d="M0"/></svg>',
    "less-than": HEAD + "<p>a < b</p>",
    "marker-in-value": HEAD + '<a title="data-pagefind-body">x</a>',
    "comment-with-tags": HEAD + "<!-- <p> -->",
    "odd-comment": HEAD + "<!--> x -->",
}
CLOSE_WHOLE = {"weighted-ancestor": "</div>", "in-nav": "</nav>"}


def write_zoo(site: Path) -> dict[str, bytes]:
    """Pages that use what Pagefind reads outside the body, and some it cannot cut."""
    pages = {}
    for n, (name, before) in enumerate({**TRIMMED, **WHOLE}.items()):
        after = CLOSE_WHOLE.get(name, "") + "<footer>Foot</footer>"
        pages[f"articles/{name}/index.html"] = page(before, n, after=after).encode()
    pages["articles/two-bodies/index.html"] = page(
        HEAD + MASTHEAD, 90, body=BODY + '<aside data-pagefind-body><p id="x">Second</p></aside>'
    ).encode()
    pages["articles/after-body/index.html"] = page(
        HEAD,
        91,
        after='<img src="/late.png"><p data-pagefind-meta="late">Late</p><h1>Late h1</h1>',
    ).encode()
    pages["topics/no-body/index.html"] = (HEAD + MASTHEAD + "<p>Navigation</p>").encode()
    for path, content in pages.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(content)
    return pages


def files_of(bundle: Path) -> dict[str, bytes]:
    return {
        p.relative_to(bundle).as_posix(): p.read_bytes()
        for p in sorted(bundle.rglob("*"))
        if p.is_file()
    }


def assert_same_index(site: Path, config: SiteConfig, tmp_path: Path) -> None:
    """Pagefind on the pages as they are and on the cut pages: the same index, byte for
    byte (after `search_index.canonicalise`), so the cut pages can key the cached index."""
    try:
        pagefind_binary()
    except BuildError as exc:
        pytest.skip(str(exc))
    cut = tmp_path / "cut"
    for page in indexed_pages(site):
        target = cut / page
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(search_pages.trimmed((site / page).read_bytes()))
    index_site(site, config)
    index_site(cut, config)
    expected = files_of(site / BUNDLE_DIR)
    assert len(expected) > 10
    assert files_of(cut / BUNDLE_DIR) == expected


def test_cut_pages_give_the_same_index_whatever_pagefind_reads(tmp_path: Path) -> None:
    site = tmp_path / "zoo"
    pages = write_zoo(site)
    cut = {path: search_pages.trimmed(content) for path, content in pages.items()}
    for name in TRIMMED:
        assert len(cut[f"articles/{name}/index.html"]) < len(pages[f"articles/{name}/index.html"])
    for name in WHOLE:
        path = f"articles/{name}/index.html"
        assert cut[path] is pages[path], name
    assert_same_index(site, SiteConfig(), tmp_path)


def test_cut_pages_give_the_same_index_on_the_golden_site(tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(BuildOptions(site_copy(FIXTURES / "golden-site", tmp_path), out=out, base_url="/"))
    assert_cut(out)
    assert_same_index(out, load_config(FIXTURES / "golden-site"), tmp_path)


def test_cut_pages_give_the_same_index_on_a_synthetic_archive(tmp_path: Path) -> None:
    site = tmp_path / "site"
    synth = [sys.executable, str(ROOT / "bench" / "synth.py"), str(site), "--articles", "300"]
    subprocess.run(synth, check=True, capture_output=True)
    out = tmp_path / "build"
    build(BuildOptions(site, out=out))
    assert len(list(indexed_pages(out))) > 350
    assert_cut(out)
    assert_same_index(out, load_config(site), tmp_path)


def assert_cut(out: Path) -> None:
    """Every page of our theme with a body is cut (else the tests above prove little)."""
    for page in indexed_pages(out):
        content = (out / page).read_bytes()
        if search_pages.BODY in content:
            assert len(search_pages.trimmed(content)) < len(content), page


def test_what_is_kept_before_the_body() -> None:
    before = HEAD + MASTHEAD + '<div><h1 id="t">Title</h1><p>Lost text</p></div>'
    cut = search_pages.trimmed(page(before, 1).encode()).decode()
    assert cut.startswith(
        '<!DOCTYPE html><html lang="en"><head><title>Page &amp; title</title></head>'
        '<body><div><h1 id="t">Title</h1></div><main id="main"><article data-pagefind-body'
    )
    whole = page("", 1)
    assert cut.endswith(whole[whole.index("<article") :])  # the rest, byte for byte


def test_pages_without_a_body_are_kept_whole() -> None:
    content = (HEAD + MASTHEAD + "</body></html>").encode()
    assert search_pages.trimmed(content) is content


@pytest.mark.parametrize(
    "names, expected",
    [
        (b' data-pagefind-body class="a b"', [b"data-pagefind-body", b"class"]),
        (b' title="data-pagefind-body"', [b"title"]),
        (b" a b=c d='e'", [b"a", b"b", b"d"]),
    ],
)
def test_attribute_names(names: bytes, expected: list[bytes]) -> None:
    assert search_pages.attribute_names(names) == expected


def test_the_cache_key_follows_only_what_pagefind_reads(tmp_path: Path) -> None:
    site = tmp_path / "zoo"
    pages = write_zoo(site)
    path = site / "articles" / "plain" / "index.html"

    def input_digest(site: Path, config: SiteConfig) -> list[str]:
        return [shard.digest for shard in plan_shards(site, config)]

    key = input_digest(site, SiteConfig())
    path.write_bytes(pages["articles/plain/index.html"].replace(b"/s.css", b"/s.123.css"))
    assert input_digest(site, SiteConfig()) == key  # only the head changed
    path.write_bytes(pages["articles/plain/index.html"].replace(b"Words", b"Other words"))
    assert input_digest(site, SiteConfig()) != key
    path.write_bytes(pages["articles/plain/index.html"].replace(b"Page &amp;", b"Page and"))
    assert input_digest(site, SiteConfig()) != key  # the title is read
    path.write_bytes(pages["articles/plain/index.html"])
    (site / "topics" / "no-body" / "index.html").write_text("<p>Another redirect</p>")
    assert input_digest(site, SiteConfig()) == key  # Pagefind skips pages without a body
    (site / "articles" / "in-nav" / "index.html").write_text("<nav>x</nav>")
    assert input_digest(site, SiteConfig()) != key  # a page that may have had one
