"""Safe Markdown: raw HTML is text, links are allow-listed, paragraphs are anchored."""

from __future__ import annotations

import html
import re

import pytest

from generator.markup import is_safe_url, render

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
