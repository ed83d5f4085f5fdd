"""Safe Markdown: raw HTML is text, links are allow-listed, paragraphs are anchored."""

from __future__ import annotations

import html
import re
from random import Random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt, helpers
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_inline import StateInline

from generator.markup import (
    NO_OP_RULES,
    _parser,
    _plain_paragraphs,
    is_safe_url,
    parse_link_label,
    parsed,
    render,
)

SAFE = [
    "https://x.org/a",
    "http://x.org",
    "mailto:a@b.org",
    "/rel",
    "rel/x",
    "#p1",
    "?q=1",
    "//cdn.x.org/a",
]
UNSAFE = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", " javascript:x",
    "vbscript:x", "data:text/html,<script>", "file:///etc/passwd", "\\\\evil\\share", "jav&#x09;ascript:x",
]  # fmt: skip


@pytest.mark.parametrize("url", SAFE)
def test_safe_urls(url: str) -> None:
    assert is_safe_url(url)


def browser_scheme(value: str) -> str | None:
    """The scheme a browser would see in an attribute value (WHATWG URL parsing)."""
    squeezed = re.sub(r"[\t\n\r]", "", html.unescape(value)).lstrip("\x00 ")
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", squeezed)
    return match.group(1).lower() if match else None


@pytest.mark.parametrize("url", UNSAFE)
def test_unsafe_urls(url: str) -> None:
    rendered = render(f"[x]({url}) ![i]({url})").html
    targets = re.findall(r'(?:href|src)="([^"]*)"', rendered)
    assert all(browser_scheme(t) in (None, "http", "https", "mailto") for t in targets), rendered


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<iframe src=//x>",
        "<svg onload=alert(1)>",
    ],
)
def test_raw_html_is_escaped(payload: str) -> None:
    html = render(payload + "\n\ntext").html
    assert (
        "<script" not in html
        and "<img" not in html
        and "<iframe" not in html
        and "<svg" not in html
    )


def test_paragraphs_are_numbered_in_order() -> None:
    rendered = render("# H\n\nFirst *one*.\n\n> Quoted.\n\n- tight item\n\nLast  \nline.")
    assert [(p.number, p.text) for p in rendered.paragraphs] == [
        (1, "First one."), (2, "Quoted."), (3, "Last line."),
    ]  # fmt: skip
    assert '<p id="p1">' in rendered.html and '<p id="p3">' in rendered.html


# What the switched-off rules would act on if their options were on: raw HTML, bare
# addresses, typographer replacements and quotes, among ordinary Markdown.
_WORDS = (
    "<div> </div> <b> </b> <!--c--> <?php?> <![CDATA[x]]> <script> www.example.com"
    " http://example.com/a mail@example.com (c) (tm) +- ... -- --- \" ' a * _ ` ~~"
    " [l](http://x.y)"
)
_LAYOUT = [" ", "\n", "\n\n", "# ", "> ", "- ", "1. ", "    ", "| a | b |\n|---|---|\n"]
OFF_RULE_BAIT = st.lists(st.sampled_from([*_WORDS.split(), *_LAYOUT]), max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(OFF_RULE_BAIT)
@example('<div>\n<b>x</b> www.example.com (c) -- "q" ...\n</div>\n\n<!-- c -->')
def test_rules_switched_off_change_nothing(text: str) -> None:
    md = _parser()
    md.enable(list(NO_OP_RULES))
    try:
        expected = render(text)
    finally:
        md.disable(list(NO_OP_RULES))
    assert render(text) == expected


def stock_parser() -> MarkdownIt:
    """markdown-it as it comes (its own parseLinkLabel), with our options and link check."""
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    return md


# Runs of what link labels are made of, so that labels open, nest, close and fail often.
BRACKETS = st.lists(
    st.sampled_from(
        ["[", "![", "]", "](u)", "][r]", "[r]", "a", " ", "`", "`]`", "\\]", "*", "\n"]
    ),
    max_size=400,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(BRACKETS, st.booleans())
@example("![" * 150 + "a](u)" + "]" * 40, False)
@example("[" * 120 + "a" + "]" * 119 + "(u)", True)
@example("[a ![b [c](u) d](v) `]` [r] ![[r]][r]", True)
@example("![[a [b](u) c]](v)", False)  # a link's scan fails on the nested link, the image's not
def test_link_labels_parse_as_markdown_it_parses_them(text: str, with_reference: bool) -> None:
    """Remembering failed label scans changes the time, never the result."""
    if with_reference:
        text = "[r]: /ref\n\n" + text
    ours = re.sub(r' id="p\d+"', "", _parser().render(text))
    assert ours == stock_parser().render(text)


@settings(max_examples=300, deadline=None)
@given(BRACKETS, st.randoms(use_true_random=False))
@example("[[a]", None)
def test_each_label_scan_gives_markdown_its_answer(text: str, rng: Random | None) -> None:
    """Scans from every `[`, in any order, either kind: the answer of markdown-it's own
    parseLinkLabel, however many earlier scans were remembered."""
    state = StateInline(text, _parser(), {}, [])
    starts = [(i, nested) for i, c in enumerate(text) if c == "[" for nested in (False, True)]
    if rng is not None:
        rng.shuffle(starts)
    for start, nested in starts:
        expected = helpers.parseLinkLabel(state, start, nested)
        assert parse_link_label(state, start, nested) == expected, (start, nested)
        assert state.pos == 0


@pytest.mark.parametrize("text", ["![" * 2000, "[" * 4000, "[a" * 2000, "[![" * 1300])
def test_unclosed_labels_take_linear_time(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """markdown-it rescans the rest of the line at every `[` (about n^2/4 token steps
    here); remembering failed scans leaves about one step per character."""
    steps = [0]
    skip = ParserInline.skipToken

    def counted(self: ParserInline, state: StateInline) -> None:
        steps[0] += 1
        skip(self, state)

    monkeypatch.setattr(ParserInline, "skipToken", counted)
    render(text)
    assert steps[0] <= 2 * len(text)


# Texts near the edge of the parser's fast path: plain words and lines, and each thing
# that makes a text more than paragraphs of plain lines (markup characters, block starts,
# spaces at either end of a line, blank lines of spaces, non-breaking spaces, "\r").
LINE_PIECES = st.sampled_from(
    ["word", "Word", " ", "  ", "\u00a0", '"', "'", "“”", "—", "1.", "2)", "10", ":", "#", "-",
     "+", "=", ">", "*", "_", "`", "~~", "[x]", "!", "<b>", "&amp;", "&", "|", "\\", "\t",
     "\r", "{", "@", "$", "%", "é", "\u2028"]
)  # fmt: skip
PLAIN_TEXTS = st.lists(st.lists(LINE_PIECES, max_size=6).map("".join), min_size=0, max_size=8).map(
    "\n".join
)


@settings(max_examples=1500, deadline=None)
@given(PLAIN_TEXTS)
@example('First "line"\nsecond line\n\n  \nA second paragraph: 10 of them.\n')
@example("Title\n===\n")
@example("Title\n--\n\n# Heading\n\n> quoted\n\n+ item\n\n12. item\n\n3) item\n")
@example("Line  \nbreak")
@example("Line\n    indented")
def test_plain_paragraphs_render_as_the_parser_renders_them(text: str) -> None:
    assert render(text) == parsed(text)


def test_an_article_of_plain_paragraphs_takes_the_fast_path() -> None:
    text = 'He said: "It is 10:30 — we go."\nA second line.\n\n \nAnother paragraph, 2024.\n'
    assert _plain_paragraphs(text) is not None
    assert render(text) == parsed(text)
    for unplain in ("A *word*.", "1. One", "Line  \nbreak", "Tab\tbed", " lead", "x &amp; y"):
        assert _plain_paragraphs(unplain) is None
