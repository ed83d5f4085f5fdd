"""Link notes for the printed briefing: every numbered link, in order, made absolute."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.footnotes import links_in
from generator.markup import render

PAGE = "https://example.org/briefings/topics/bridge/"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<a href="https://meridian.example/x">x</a>', ("https://meridian.example/x",)),
        (
            '<a href="/briefings/articles/a/#p3">a</a>',
            ("https://example.org/briefings/articles/a/#p3",),
        ),
        ('<a href="#sources">s</a>', (PAGE + "#sources",)),
        ('<a href="../other/">o</a>', ("https://example.org/briefings/topics/other/",)),
        ('<a href="">self</a>', (PAGE,)),
        ('<a name="anchor">no href</a>', ()),
        ('<a href="/o/" data-no-footnote>outlet</a>', ()),
        (
            '<a href="a?x=1&amp;y=2">q</a>',
            ("https://example.org/briefings/topics/bridge/a?x=1&y=2",),
        ),
        ("<p>no links</p>", ()),
    ],
)
def test_links_in(html: str, expected: tuple[str, ...]) -> None:
    assert links_in(html, PAGE) == expected


def test_order_is_document_order_and_repeats_count() -> None:
    html = (
        '<h1>T</h1><p><a href="/b">b</a> and <a href="/a">a</a></p>'
        '<p class="byline"><a href="/o" data-no-footnote>O</a></p><a href="/b">b again</a>'
    )
    assert links_in(html, "https://h.example/") == (
        "https://h.example/b",
        "https://h.example/a",
        "https://h.example/b",
    )


def test_page_url_may_be_a_path_when_the_site_has_no_host() -> None:
    assert links_in('<a href="x/">x</a>', "/topics/t/") == ("/topics/t/x/",)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<abbr title="x">x</abbr><a href="/y">y</a>', ("https://h.example/y",)),
        ('<A HREF="/up">u</A>', ("https://h.example/up",)),
        ('<!-- <a href="/hidden">h</a> --><a href="/shown">s</a>', ("https://h.example/shown",)),
        ('<a class="x" href="/q?a=&quot;b&quot;">q</a>', ('https://h.example/q?a="b"',)),
        ('<a\nhref="/nl">n</a>', ("https://h.example/nl",)),
    ],
)
def test_tag_forms(html: str, expected: tuple[str, ...]) -> None:
    assert links_in(html, "https://h.example/") == expected


class _Oracle(HTMLParser):
    """A full HTML parser: what the fast reader must agree with on rendered Markdown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "a" and "href" in names and "data-no-footnote" not in names:
            self.targets.append(urljoin("https://h.example/t/", (names["href"] or "").strip()))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=30),
            st.builds(lambda t, u: f"[{t}]({u})", st.text(max_size=10), st.text(max_size=20)),
            st.sampled_from(["<a href='/x'>", '"><a href="/y">', "<https://z.example/a>", "&amp;"]),
        ),
        max_size=8,
    )
)
def test_agrees_with_a_full_parser_on_rendered_markdown(pieces: list[str]) -> None:
    html = render(" ".join(pieces)).html
    oracle = _Oracle()
    oracle.feed(html)
    oracle.close()
    assert links_in(html, "https://h.example/t/") == tuple(oracle.targets)
