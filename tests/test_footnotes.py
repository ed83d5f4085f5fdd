"""Link notes for the printed briefing: every numbered link, in order, made absolute."""

from __future__ import annotations

import pytest

from generator.footnotes import links_in

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
