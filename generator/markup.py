"""Markdown to safe HTML, with numbered paragraph anchors.

Imported content is hostile: raw HTML is off (it is shown as text), and link and image
targets are allow-listed (http, https, mailto, relative, `#`). Every paragraph gets an
anchor `p1`, `p2`, ... in document order; `Rendered.paragraphs` holds the same paragraphs
as plain text under the same numbers, so summaries can cite them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING

from generator.models import Paragraph

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token
# markdown-it is imported when a text needs the parser: most articles do not (see
# `_plain_paragraphs`), and importing it was 0.05 s of every build that renders a page.

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


# markdown-it's parseLinkLabel scans from a `[` to the end of the line when no `]` closes
# it, and the link and image rules call it at every `[` and `![`: `"![" * 2000` takes
# about a second (quadratic). The scan steps from token to token, and markdown-it caches
# each position's next token (`state.cache`), so the scan from a given position always
# visits the same positions and sees the same `[` and `]`. Only the nesting level it
# arrives with differs. So once a scan from a position failed, it is known how far the
# level falls on the rest of the way (relative to the arrival level), and a later scan
# arriving there with a level that cannot fall to zero fails at once. Same results,
# linear time on such input.
NEVER = math.inf
"""Relative fall of a scan that meets no `]` on its way: it can never close."""


def _failed_scans(state: StateInline) -> dict[tuple[int, int, bool], float]:
    """(posMax, position, only-without-nesting) -> how far the level falls from there
    before the scan fails; kept beside markdown-it's own cache, for this inline parse."""
    memo: dict[tuple[int, int, bool], float] = vars(state).setdefault("_failed_label_scans", {})
    return memo


def parse_link_label(state: StateInline, start: int, disableNested: bool = False) -> int:
    """markdown-it's parseLinkLabel (same arguments, same result), remembering failures.

    Returns the position of the `]` that closes the label opened at `start`, or -1.
    With `disableNested` (links), a `[` that starts a link inside fails the scan; those
    failures are remembered apart, as they say nothing about scans that allow nesting.
    """
    failed = _failed_scans(state)
    old_pos, end = state.pos, state.posMax
    level = 1
    path: list[tuple[int, int, int | None]] = []  # position, arrival level, level after `]`
    state.pos = start + 1
    while state.pos < state.posMax:
        pos = state.pos
        fall = _known_fall(failed, end, pos, disableNested)
        if fall is not None and level + fall[0] > 0:
            _remember(failed, end, path, level + fall[0], fall[1])
            state.pos = old_pos
            return -1
        marker, arrival, closed = state.src[pos], level, None
        if marker == "]":
            level -= 1
            if level == 0:
                label_end, state.pos = state.pos, old_pos
                return label_end
            closed = level
        path.append((pos, arrival, closed))
        state.md.inline.skipToken(state)
        if marker == "[":
            if pos == state.pos - 1:
                level += 1  # a `[` that is text, not the start of a token
            elif disableNested:
                _remember(failed, end, path, NEVER, nested=True)
                state.pos = old_pos
                return -1
    _remember(failed, end, path, NEVER, nested=False)
    state.pos = old_pos
    return -1


def _known_fall(
    failed: dict[tuple[int, int, bool], float], end: int, pos: int, disable_nested: bool
) -> tuple[float, bool] | None:
    """What an earlier failed scan learnt at `pos`: the fall, and whether it came from a
    nesting failure (valid only for scans that also fail on nesting)."""
    if (end, pos, False) in failed:
        return failed[(end, pos, False)], False
    if disable_nested and (end, pos, True) in failed:
        return failed[(end, pos, True)], True
    return None


def _remember(
    failed: dict[tuple[int, int, bool], float],
    end: int,
    path: list[tuple[int, int, int | None]],
    lowest: float,
    nested: bool,
) -> None:
    """Record, for each position of a failed scan, how far the level fell after it;
    `lowest` is the lowest level the scan would reach after its last step."""
    for pos, arrival, closed in reversed(path):
        if closed is not None:
            lowest = min(lowest, closed)
        failed[(end, pos, nested)] = lowest - arrival


NO_OP_RULES = ("html_block", "html_inline", "linkify", "replacements", "smartquotes")
"""markdown-it rules that do nothing under our options (html, linkify, typographer off)."""


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt, helpers

    # js-default: CommonMark plus tables and strikethrough, with raw HTML disabled.
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    # This parser's own helpers: the link and image rules call parseLinkLabel through them.
    md.helpers = SimpleNamespace(  # type: ignore[assignment]
        parseLinkDestination=helpers.parseLinkDestination,
        parseLinkTitle=helpers.parseLinkTitle,
        parseLinkLabel=parse_link_label,
    )
    md.core.ruler.push("paragraph_anchors", _number_paragraphs)
    # These rules return at once with raw HTML, linkify and the typographer off, yet run
    # at every block, inline token or text; off, they save ~5% of parsing. The same HTML
    # (tests/test_markup.py renders with them on and off).
    md.disable(NO_OP_RULES)
    return md


def render(text: str) -> Rendered:
    """Render Markdown safely and collect its paragraphs."""
    plain = _plain_paragraphs(text)
    return plain if plain is not None else parsed(text)


def parsed(text: str) -> Rendered:
    """`render` by the parser, whatever the text."""
    md = _parser()
    tokens = md.parse(text)
    html = md.renderer.render(tokens, md.options, {})
    return Rendered(html, tuple(_paragraphs(tokens)))


# Characters that can start or take part in markup in a line (emphasis, code, links and
# images, autolinks and HTML, entities, escapes, strikethrough, tables), or that the
# parser rewrites (NUL, carriage returns) or counts as indentation (tabs).
_MARKUP_CHARACTERS = re.compile(r"[\\`*_\[\]!<>&~|\t\r\x00]")
# What may start a block when it starts a line: a heading, quote, list item, rule,
# setext underline, fence or ordered list item.
_BLOCK_START = re.compile(r"[#>+\-=]|\d{1,9}[.)]")


def _plain_paragraphs(text: str) -> Rendered | None:
    """The rendering of a text that is only paragraphs of plain lines, without the
    parser: each paragraph as `<p id="pN">` with its lines, `"` escaped. None for any
    other text, which the parser renders. A plain line has no markup character, starts
    no block, and has no space at either end (so the parser strips nothing from it and
    sees no hard break); lines of spaces only are blank. Most imported articles are such
    texts, and parsing them was most of the load stage of a cold build
    (tests/test_markup.py holds this to the parser's output on generated texts)."""
    if _MARKUP_CHARACTERS.search(text):
        return None
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if not line.strip(" "):
            if blocks[-1]:
                blocks.append([])
        elif line != line.strip() or _BLOCK_START.match(line):
            return None
        else:
            blocks[-1].append(line)
    html: list[str] = []
    paragraphs: list[Paragraph] = []
    for number, lines in enumerate((b for b in blocks if b), start=1):
        # As markdown-it's escapeHtml does, for a text without `&`, `<` or `>`.
        content = "\n".join(lines).replace('"', "&quot;")
        html.append(f'<p id="p{number}">{content}</p>\n')
        paragraphs.append(Paragraph(number, " ".join(lines)))
    return Rendered("".join(html), tuple(paragraphs))


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
