"""Article bodies split across several containers, which trafilatura reads only one of.

Many sites cut a long article into sections (`<div class="body__inner-container">` ...
with an advertisement between them); trafilatura keeps the section it judged best. When
the paragraphs it kept sit in a container with a class, the other elements with the same tag
and class that hold at least two paragraphs of prose are the rest of the article: their
paragraphs are put back in document order. Furniture patterns still apply to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.importer import boilerplate
from generator.importer.markdown import escape_text, plain
from generator.importer.pagemeta import HtmlElement

MIN_WORDS = 8
"""A paragraph shorter than this is not prose."""
MIN_PARAGRAPHS = 2
"""A container must hold this many prose paragraphs to count as a section of the body."""
_KEY_LENGTH = 60
_MIN_KEY = 20


@dataclass(frozen=True, slots=True)
class _Paragraph:
    position: int
    """Document order of the `<p>` element."""
    text: str


def continue_body(tree: HtmlElement, markdown: str) -> str:
    """`markdown` (trafilatura's body) with the paragraphs of its sibling sections added."""
    blocks = [b for b in markdown.split("\n\n") if b.strip()]
    # Holding every element keeps lxml's proxies alive, so they can be dictionary keys.
    order: dict[HtmlElement, int] = {el: i for i, el in enumerate(tree.iter())}
    kept = {k: b for b in blocks if len(k := _key(plain(b))) >= _MIN_KEY}
    hits = [p for p in tree.iter("p") if _key(p.text_content()) in kept]
    missing = _missing(tree, hits, set(kept), order)
    if not missing:
        return markdown
    placed = {_key(p.text_content()): order[p] for p in hits}
    return _merge(blocks, placed, missing)


def _missing(
    tree: HtmlElement, hits: list[HtmlElement], kept: set[str], order: dict[HtmlElement, int]
) -> list[_Paragraph]:
    signature = _section_signature(hits)
    if signature is None:
        return []
    own = {p.getparent() for p in hits}
    found: list[_Paragraph] = []
    for section in tree.iter(signature[0]):
        if section.get("class") != signature[1] or section in own:
            continue
        prose = [
            _Paragraph(order[p], text)
            for p in section.findall("p")
            if _is_prose(text := " ".join(p.text_content().split()), kept)
        ]
        if len(prose) >= MIN_PARAGRAPHS:
            found.extend(prose)
    return found


def _section_signature(hits: list[HtmlElement]) -> tuple[str, str] | None:
    """Tag and class shared by the parents of most kept paragraphs (two at least)."""
    counts: dict[tuple[str, str], int] = {}
    for p in hits:
        parent = p.getparent()
        if parent is not None and parent.get("class"):
            signature = (str(parent.tag), str(parent.get("class")))
            counts[signature] = counts.get(signature, 0) + 1
    best = max(counts.items(), key=lambda item: item[1], default=None)
    return best[0] if best is not None and best[1] >= 2 else None


def _is_prose(text: str, kept: set[str]) -> bool:
    if len(text.split()) < MIN_WORDS or _key(text) in kept:
        return False
    return not boilerplate.is_furniture(text)


def _merge(blocks: list[str], placed: dict[str, int], missing: list[_Paragraph]) -> str:
    """Blocks in their order, each missing paragraph after the last block that precedes it."""
    pending = sorted(missing, key=lambda p: p.position)
    out: list[str] = []
    for block in blocks:
        position = placed.get(_key(plain(block)))
        if position is not None:
            while pending and pending[0].position < position:
                out.append(escape_text(pending.pop(0).text))
        out.append(block)
    out.extend(escape_text(p.text) for p in pending)
    return "\n\n".join(out)


def _key(text: str) -> str:
    """First characters of the words, for matching Markdown blocks to `<p>` elements."""
    return "".join(re.findall(r"\w+", text.casefold()))[:_KEY_LENGTH]
