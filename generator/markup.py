"""Markdown to safe HTML, with numbered paragraph anchors.

Imported content is hostile: raw HTML is off (it is shown as text), and link and image
targets are allow-listed (http, https, mailto, relative, `#`). Every paragraph gets an
anchor `p1`, `p2`, ... in document order; `Rendered.paragraphs` holds the same paragraphs
as plain text under the same numbers, so summaries can cite them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from generator.models import Paragraph

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Browsers ignore these inside a scheme (`java\tscript:`), so we strip them before looking.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})


def is_safe_url(url: str) -> bool:
    """True for http(s), mailto, and scheme-less (relative, `#fragment`) URLs."""
    squeezed = _INVISIBLE.sub("", url)
    match = _SCHEME.match(squeezed)
    if match is None:
        # `//host/x` is protocol-relative: a network URL, fine; `\\` tricks are not.
        return not squeezed.startswith("\\") and not squeezed.startswith("/\\")
    return match.group(1).lower() in ALLOWED_SCHEMES


def safe_url(url: str | None) -> str:
    """The URL itself when allowed, otherwise an empty string (for templates)."""
    return url if url and is_safe_url(url) else ""


@dataclass(frozen=True, slots=True)
class Rendered:
    """The HTML of a Markdown text and its anchored paragraphs."""

    html: str
    paragraphs: tuple[Paragraph, ...]


def _number_paragraphs(state: StateCore) -> None:
    number = 0
    for token in state.tokens:
        if token.type == "paragraph_open" and not token.hidden:
            number += 1
            token.attrSet("id", f"p{number}")


@cache
def _parser() -> MarkdownIt:
    # js-default: CommonMark plus tables and strikethrough, with raw HTML disabled.
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    md.core.ruler.push("paragraph_anchors", _number_paragraphs)
    return md


def render(text: str) -> Rendered:
    """Render Markdown safely and collect its paragraphs."""
    md = _parser()
    tokens = md.parse(text)
    html = md.renderer.render(tokens, md.options, {})
    return Rendered(html, tuple(_paragraphs(tokens)))


def render_inline(text: str) -> str:
    """Render one line of Markdown (no block elements), safely."""
    html: str = _parser().renderInline(text)
    return html


def _paragraphs(tokens: list[Token]) -> list[Paragraph]:
    found: list[Paragraph] = []
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and not token.hidden:
            found.append(Paragraph(len(found) + 1, plain_text(tokens[index + 1])))
    return found


def plain_text(inline: Token) -> str:
    """The text of an inline token: markup dropped, breaks as spaces."""
    parts: list[str] = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts).strip()
