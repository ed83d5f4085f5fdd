"""Saved pages: page metadata, trafilatura's XML as Markdown, split bodies, truncation."""

from __future__ import annotations

import pytest
import trafilatura

from generator.importer.continuation import continue_body
from generator.importer.headlines import choose
from generator.importer.html import NotAnArticle, extract
from generator.importer.pagemeta import read_meta
from generator.importer.treemd import to_markdown

PARAGRAPH = (
    "The council met on Tuesday to discuss the harbour, the ferry and the new timetable for winter."
)


def page(head: str, body: str) -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def test_metadata_statements() -> None:
    html = page(
        '<title>Headline - Site</title><meta property="og:title" content="OG headline">'
        '<meta property="og:site_name" content="The Site"><meta name="author" content="By Ann Poe">'
        '<link rel="canonical" href="https://site.example/a">'
        '<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle",'
        ' "headline": "LD &amp;#039;headline&#039;", "datePublished": "2024-05-01T10:00:00Z",'
        ' "author": {"@type": "Person", "name": "Jo Roe"}, "publisher": {"name": "Site Ltd"}}]}</script>',
        "<h1>H1 headline</h1>",
    )
    meta = read_meta(trafilatura.load_html(html))
    assert dict(meta.titles) == {
        "ld": "LD 'headline'", "og": "OG headline", "h1": "H1 headline", "title": "Headline - Site",
    }  # fmt: skip
    assert meta.authors == (("Jo Roe",), ("Ann Poe",))
    assert meta.dates == ("2024-05-01T10:00:00Z",)
    assert meta.urls == ("https://site.example/a",)
    assert meta.site_names == ("The Site", "Site Ltd")
    assert choose(meta.titles) == "LD 'headline'"


def test_the_headline_is_dropped_from_the_body_in_any_of_its_statements() -> None:
    paragraphs = "".join(f"<p>{PARAGRAPH}</p>" for _ in range(4))
    html = page(
        '<meta property="og:title" content="Ferry halted">'
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "headline": "Ferry halted after cracks"}</script>',
        f"<article><h2>Ferry halted</h2>{paragraphs}</article>",
    )
    draft = extract(html)
    assert draft.title == "Ferry halted after cracks"
    assert dict(draft.headlines) == {"ld": "Ferry halted after cracks", "og": "Ferry halted"}
    assert not draft.body.startswith(("Ferry", "#"))


def test_the_h1_another_statement_repeats_is_the_pages_h1() -> None:
    head = "<title>Ferry halted after cracks found | The Ledger</title>"
    body = "<h1>Log In</h1><h1>Ferry halted after cracks found</h1><p>x</p>"
    meta = read_meta(trafilatura.load_html(page(head, body)))
    assert dict(meta.titles)["h1"] == "Ferry halted after cracks found"
    alone = read_meta(trafilatura.load_html(page("", "<h1>Log In</h1><h1>Ferry halted</h1>")))
    assert dict(alone.titles)["h1"] == "Log In"  # nothing to tell them apart: the first


def test_title_falls_back_to_the_title_element_without_its_suffix() -> None:
    paragraphs = "".join(f"<p>{PARAGRAPH}</p>" for _ in range(4))
    draft = extract(page("<title>Ferry halted | The Ledger</title>", paragraphs))
    assert draft.title == "Ferry halted"


def test_xml_to_markdown() -> None:
    xml = (
        '<doc><main><p>One <hi rend="#b">bold</hi> and <ref target="https://a.example/x (1)">a link</ref>'
        ' and <ref target="javascript:x()">no link</ref> *star*.</p>'
        '<head rend="h2">Sub</head><list rend="ol"><item>first</item><item>second</item></list>'
        "<quote><p>Quoted.</p><p>Again.</p></quote>"
        "<table><row><cell>a</cell><cell>b|c</cell></row><row><cell>1</cell><cell>2</cell></row></table>"
        "<p>1. not a list &lt;script&gt;</p></main></doc>"
    )
    assert to_markdown(xml).split("\n\n") == [
        "One **bold** and [a link](https://a.example/x%20%281%29) and no link \\*star\\*.",
        "## Sub",
        "1. first\n2. second",
        "> Quoted.\n>\n> Again.",
        "| a | b\\|c |\n| --- | --- |\n| 1 | 2 |",
        "1\\. not a list &lt;script>",
    ]
    assert to_markdown("not xml <") == ""


def test_split_body_is_completed_in_order() -> None:
    first = "".join(f"<p>Part one, paragraph {i}: {PARAGRAPH}</p>" for i in range(3))
    second = "".join(f"<p>Part two, paragraph {i}: {PARAGRAPH}</p>" for i in range(3))
    html = page(
        "<title>T</title>",
        f'<div class="part">{first}</div><div class="ad"><p>Advertisement</p></div>'
        f'<div class="part">{second}</div><div class="related"><p>{PARAGRAPH} Related.</p></div>',
    )
    kept = "\n\n".join(f"Part one, paragraph {i}: {PARAGRAPH}" for i in range(3))
    completed = continue_body(trafilatura.load_html(html), kept).split("\n\n")
    assert [p[:8] for p in completed] == ["Part one"] * 3 + ["Part two"] * 3


def test_truncated_page_is_refused() -> None:
    with pytest.raises(NotAnArticle, match="truncated HTML"):
        extract("<html><head><title>T</title></head><body><p>" + PARAGRAPH * 5)


def test_extract_full_page() -> None:
    html = page(
        '<meta property="og:title" content="Harbour timetable agreed">'
        '<meta property="article:published_time" content="2024-05-01T10:00:00+02:00">'
        '<meta property="og:url" content="javascript:alert(1)">',
        f"<article><h1>Harbour timetable agreed</h1><p>By Ann Poe</p>{''.join(f'<p>{PARAGRAPH}</p>' for _ in range(4))}</article>",
    )
    draft = extract(html)
    assert draft.title == "Harbour timetable agreed"
    assert draft.date is not None and draft.date.isoformat() == "2024-05-01T10:00:00+02:00"
    assert draft.url is None  # never a javascript: address
    assert PARAGRAPH in draft.body
