"""Plain text written as Markdown stays the same text; extracted links are allow-listed."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator import markup
from generator.importer.markdown import escape_text, plain, read_markdown, sanitise

LINES = [
    "# not a heading",
    "> not a quote",
    "1. not a list",
    "2022) not a list either",
    "=====",
    "a [bracket] and [a](link-looking) text",
    "*stars* and _underscores_ and `ticks`",
    "a lone * star and a lone _ underscore",
    "<script>alert(1)</script> and <iframe src=x>",
    "AT&T and &amp; and &#60;",
    "back\\slash \\* escaped",
    "x < 5 and y > 3",
]


@pytest.mark.parametrize("line", LINES)
def test_escaped_text_renders_as_the_same_text(line: str) -> None:
    rendered = markup.render(escape_text(line))
    assert [p.text for p in rendered.paragraphs] == [line]
    assert "<script" not in rendered.html and "<iframe" not in rendered.html


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1)
    .map(str.strip)
    .filter(bool)
)
@example("+")  # found by Hypothesis: a lone list marker rendered as an empty list
@example("*")
def test_escaped_text_round_trips(line: str) -> None:
    line = " ".join(line.split())
    escaped = escape_text(line)
    if escaped.startswith("- "):
        return  # a bullet becomes a list item, by design
    paragraphs = markup.render(escaped).paragraphs
    assert " ".join(p.text for p in paragraphs) == line


def test_bullets_become_list_items() -> None:
    assert escape_text("* First point") == "- First point"
    assert escape_text("• Second point") == "- Second point"


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("[ok](https://example.org/a)", "[ok](https://example.org/a)"),
        ("[rel](/local/page)", "[rel](/local/page)"),
        ("[bad](javascript:alert(1))", "bad"),
        ("[bad]( JAVASCRIPT:alert(1))", "bad"),
        ("[frag](#top)", "frag"),
        ("![img](https://example.org/x.png)", ""),
        ("text <script>x</script>", "text &lt;script>x&lt;/script>"),
    ],
)
def test_sanitise(markdown: str, expected: str) -> None:
    assert sanitise(markdown) == expected


def test_plain() -> None:
    assert plain("## A [link](https://x.example) and **bold**") == "A link and bold"


def test_read_markdown_normalises() -> None:
    draft = read_markdown(
        "---\ntitle: ' A  title '\nauthor: A One & B Two\ndate: 2024-03-01 10:00\n"
        "outlet: X\ntags: [a]\n---\n\nBody [bad](javascript:x).\n",
        ZoneInfo("Europe/Paris"),
    )
    assert draft.title == "A title"
    assert draft.authors == ("A One", "B Two")
    assert draft.date == datetime(2024, 3, 1, 9, tzinfo=UTC)
    assert draft.body == "Body bad."
    assert draft.extras == (("tags", ["a"]),)
    assert draft.site_name_is_outlet
