"""trafilatura's XML (`<main>` with `<p>`, `<head>`, `<list>`, `<quote>`, `<table>`, `<ref>`,
`<hi>`) -> Markdown, written by us so that every character of page text is escaped and every
link target is checked (http, https, mailto or a relative path; never `javascript:`).

trafilatura's own Markdown output drops block quotes and copies link targets verbatim; its XML
keeps the structure and leaves the writing to the caller.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree  # type: ignore[import-untyped]

from generator import markup
from generator.importer.markdown import escape_block_start, escape_inline
from generator.importer.pagemeta import HtmlElement

_HEADING_LEVELS = {"h1": 2, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
"""The article's own `<h1>` is the title; headings inside the body start at `##`."""
_EMPHASIS = {"#b": "**", "#i": "*", "#t": "`"}


def to_markdown(xml: str) -> str:
    """Markdown for trafilatura's XML output (empty when it holds no article)."""
    try:
        root = etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError:
        return ""
    main = root.find("main")
    if main is None:
        return ""
    return "\n\n".join(block for block in _blocks(main) if block.strip())


def _blocks(parent: HtmlElement) -> Iterator[str]:
    for element in parent:
        tag = element.tag
        if tag == "p":
            yield escape_block_start(_inline(element))
        elif tag == "head":
            level = _HEADING_LEVELS.get(element.get("rend") or "", 3)
            yield "#" * level + " " + _inline(element)
        elif tag == "list":
            yield _list(element)
        elif tag == "quote":
            inner = list(_blocks(element)) or [escape_block_start(_inline(element))]
            yield "\n>\n".join("\n".join("> " + line for line in b.split("\n")) for b in inner)
        elif tag == "table":
            yield _table(element)
        elif tag in ("div", "section"):
            yield from _blocks(element)
        elif tag not in ("graphic", "lb"):
            yield escape_block_start(_inline(element))


def _list(element: HtmlElement) -> str:
    ordered = (element.get("rend") or "").startswith("ol")
    items = [
        f"{number}. " if ordered else "- " for number in range(1, len(element.findall("item")) + 1)
    ]
    texts = [_inline(item) for item in element.findall("item")]
    return "\n".join(marker + text for marker, text in zip(items, texts, strict=True))


def _table(element: HtmlElement) -> str:
    rows = [[_inline(cell).replace("|", "\\|") for cell in row] for row in element.iter("row")]
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + " --- |" * width)
    return "\n".join(lines)


def _inline(element: HtmlElement) -> str:
    parts = [escape_inline(element.text or "", always=True)]
    for child in element:
        parts.append(_child(child))
        parts.append(escape_inline(child.tail or "", always=True))
    return " ".join("".join(parts).split())


def _destination(url: str) -> str:
    """A link target that needs no angle brackets: spaces and parentheses percent-encoded."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _child(child: HtmlElement) -> str:
    inner = _inline(child)
    if child.tag == "ref":
        target = (child.get("target") or "").strip()
        if inner and target and not target.startswith("#") and markup.is_safe_url(target):
            return f"[{inner}]({_destination(target)})"
        return inner
    if child.tag == "hi":
        mark = _EMPHASIS.get(child.get("rend") or "", "")
        return f"{mark}{inner}{mark}" if inner and mark else inner
    if child.tag == "lb":
        return " "
    return inner
