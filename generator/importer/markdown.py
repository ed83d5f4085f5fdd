"""Markdown in and out: escaping plain text, cleaning extracted Markdown, reading Markdown input.

Plain text must stay plain when written as Markdown: a line starting with `#`, `>` or
`1.` would become a heading, quote or list, and `*`, `_`, `[` or backquotes would turn into
markup. Anything shaped like an HTML tag is written as an entity, so no `<script>` or
`<iframe>` ever stands in an article file (the renderer shows raw HTML as text anyway).
"""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo

from generator import frontmatter, markup
from generator.importer.bylines import split_names
from generator.importer.dates import When, parse_iso
from generator.importer.draft import Draft

_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
_LINK_LIKE = re.compile(r"\](?=[(\[:])")
_PAIRED = ("*", "_", "`", "~")
_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = re.compile(
    r"^(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|=+\s*$|-+\s*$|(\d{1,9})([.)])(?=\s|$))"
)
_BULLET = re.compile(r"^(?:[*+•·▪►–-])\s+")
# Front matter keys import writes itself; any other key of a Markdown input is kept as it is.
_REWRITTEN = frozenset(
    "title dek outlet author date url language source_file source_sha256 duplicate_of".split()
)
_MARKUP = re.compile(r"\]\([^)]*\)|[\[\]*_`#>\\]|^\s*(?:[-+*]|\d+[.)])\s+", re.MULTILINE)
# [label](target "title"), the target possibly in <...> or holding one level of (...).
_MD_LINK = re.compile(
    r"(!?)\[((?:[^\[\]\\]|\\.)*)\]\(\s*(?:<([^>]*)>|((?:[^()\s]|\([^()\s]*\))*))"
    r"(?:\s+\"[^\"]*\")?\s*\)"
)


def escape_text(line: str) -> str:
    """One line of plain text as Markdown that renders to the same text (bullets as lists)."""
    bullet = _BULLET.match(line)
    if bullet:
        return "- " + escape_text(line[bullet.end() :])
    return escape_block_start(escape_inline(line))


def escape_inline(text: str, always: bool = False) -> str:
    """Text that stays text inline: tag-like `<` and entities neutralised, emphasis and
    code marks escaped (only when paired, unless `always`), `](` link syntax broken."""
    text = _ENTITY_LIKE.sub("&amp;", text)
    text = _TAG_LIKE.sub("&lt;", text)
    text = _BACKSLASH.sub(r"\\\\", text)
    for mark in _PAIRED:  # emphasis and code need a pair; a lone mark stays as it is
        if always or text.count(mark) >= 2:
            text = text.replace(mark, "\\" + mark)
    return _LINK_LIKE.sub(r"\\]", text)


def escape_block_start(text: str) -> str:
    """A paragraph that cannot start a heading, quote, list or rule."""
    return _BLOCK_START.sub(_escape_block, text, count=1)


def _escape_block(match: re.Match[str]) -> str:
    if match.group(2):  # "1." -> "1\." keeps the number and loses the list
        return f"{match.group(2)}\\{match.group(3)}"
    return "\\" + match.group(1)


def sanitise(markdown: str) -> str:
    """Markdown made safe: unsafe link targets dropped, then tag-like text as entities."""
    return _TAG_LIKE.sub("&lt;", _MD_LINK.sub(_safe_link, markdown))


def _safe_link(match: re.Match[str]) -> str:
    image, label = match.group(1), match.group(2)
    target = (match.group(3) or match.group(4) or "").strip()
    if image:
        return ""  # images are not kept: the archive stores text
    if not target or not markup.is_safe_url(target) or target.startswith("#"):
        return label
    return f"[{label}]({target})"


def plain(block: str) -> str:
    """A Markdown block's text without link targets and markup characters (for matching)."""
    return " ".join(_MARKUP.sub("", block).split())


def read_markdown(text: str, zone: tzinfo) -> Draft:
    """A Markdown article with front matter, as a Draft (raises FrontMatterError).

    A date-time without offset is read in `zone` (as the build would) and written with it.
    """
    doc = frontmatter.parse(text)
    meta = doc.meta
    return Draft(
        title=_string(meta.get("title")),
        body=sanitise(doc.body.strip("\n")),
        dek=_string(meta.get("dek")),
        authors=_authors(meta.get("author")),
        date=_when(meta.get("date"), zone),
        url=_string(meta.get("url")),
        site_name=_string(meta.get("outlet")),
        site_name_is_outlet=True,
        language=_string(meta.get("language")),
        extras=tuple((k, v) for k, v in meta.items() if k not in _REWRITTEN),
    )


def _string(value: object) -> str | None:
    return " ".join(str(value).split()) or None if value is not None else None


def _strings(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [] if value is None else [value]
    return tuple(s for s in (_string(v) for v in items) if s)


def _authors(value: object) -> tuple[str, ...]:
    """A list as written; one string may name several people ("A and B")."""
    if isinstance(value, str):
        return split_names(value)
    return _strings(value)


def _when(value: object, zone: tzinfo) -> When | None:
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.fromisoformat(text) if len(text) > 10 else text
        except ValueError:
            return parse_iso(text)
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return value
    return parse_iso(str(value)) if value is not None else None
