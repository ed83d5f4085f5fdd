"""Saved HTML page -> Draft, on trafilatura (body) and the page's own metadata.

trafilatura finds the article and gives its structure as XML; `treemd.py` writes the
Markdown (headings, lists, quotes, tables, allow-listed links), escaping all page text.
Headline, authors and date come from what the page states about itself (`pagemeta.py`),
where publishers are more exact than any reading of the layout (`headlines.py` cleans and
chooses among the headline's statements); htmldate is the fallback for the date. A body
split into sections is completed by `continuation.py`, and blocks that are page furniture
(`boilerplate.py`) are dropped as in pasted text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import trafilatura
from htmldate import find_date

from generator import markup
from generator.importer import boilerplate, bylines, headlines
from generator.importer.continuation import continue_body
from generator.importer.dates import When, parse_iso, parse_printed
from generator.importer.draft import Draft
from generator.importer.markdown import plain
from generator.importer.pagemeta import HtmlElement, PageMeta, clean, read_meta
from generator.importer.treemd import to_markdown

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "`": "'", "´": "'"})
_VISIBLE_TEXT = "//body//text()[not(ancestor::script|ancestor::style|ancestor::noscript)]"
_CLOSED = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
_OPENED = re.compile(r"<(?:html|body)\b", re.IGNORECASE)


class NotAnArticle(ValueError):
    """The page cannot be read as a news article; the message says why."""


def extract(text: str) -> Draft:
    """Read one saved page (already decoded); raises NotAnArticle."""
    try:
        return _extract(text)
    except AssertionError:
        # lxml's drop_tree() asserts on an element without a parent, which the cleaners of
        # trafilatura and htmldate reach on some malformed pages (<embed> at the top level):
        # one hostile page fails alone instead of ending the whole import.
        raise NotAnArticle("the HTML extractor could not read this malformed page") from None


def _extract(text: str) -> Draft:
    if _OPENED.search(text) and not _CLOSED.search(text):
        raise NotAnArticle("truncated HTML: the page ends before </body> (save it again)")
    tree = trafilatura.load_html(text)
    if tree is None:
        raise NotAnArticle("not an HTML page that can be parsed")
    meta = read_meta(tree)
    body = continue_body(tree, _body(text))
    statements = headlines.clean_statements(meta.titles, meta.site_names, meta.urls)
    return Draft(
        title=headlines.choose(statements),
        body=_without_title(body, statements),
        dek=_dek(meta, tree, body),
        authors=_authors(meta, text),
        date=_date(meta, text),
        url=next((u for u in meta.urls if _is_web_url(u)), None),
        site_name=next(iter(meta.site_names), None),
        language=meta.language,
        headlines=statements,
    )


def _body(text: str) -> str:
    xml = trafilatura.extract(
        text,
        output_format="xml",
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=True,
        include_formatting=True,
    )
    blocks = to_markdown(xml or "").split("\n\n")
    return "\n\n".join(b for b in blocks if not boilerplate.is_furniture(plain(b)))


def _without_title(body: str, titles: Sequence[tuple[str, str]]) -> str:
    """trafilatura sometimes repeats the headline (in any of its statements) as the first
    line."""
    first, _, rest = body.partition("\n")
    if _norm(first.lstrip("# ")) in {_norm(text) for _, text in titles}:
        return rest.strip()
    return body


def _norm(text: str) -> str:
    return " ".join(text.translate(_QUOTES).casefold().split())


def _authors(meta: PageMeta, text: str) -> tuple[str, ...]:
    sites = {_norm(s) for s in meta.site_names}
    for found in (*meta.authors, (_trafilatura_author(text),)):
        names = _people(found, sites)
        if names:
            return names
    return ()


def _people(found: Sequence[str | None], sites: set[str]) -> tuple[str, ...]:
    names: dict[str, str] = {}
    for value in found:
        for name in bylines.split_names(value or ""):
            if _norm(name) not in sites and "http" not in name and not name.startswith("@"):
                names.setdefault(_norm(name), name)
    return tuple(names.values())


def _trafilatura_author(text: str) -> str | None:
    document = trafilatura.extract_metadata(text)
    return document.author if document is not None else None


def _date(meta: PageMeta, text: str) -> When | None:
    for value in meta.dates:
        found = parse_iso(value) or parse_printed(value)
        if found is not None:
            return found
    day = find_date(text, original_date=True, extensive_search=False)
    return parse_iso(day) if day else None


def _dek(meta: PageMeta, tree: HtmlElement, body: str) -> str | None:
    """The page description when the page prints it above the article (not its first lines)."""
    page_text = _norm(" ".join(tree.xpath(_VISIBLE_TEXT)))
    opening = _norm(body[:600])
    for description in meta.descriptions:
        key = _norm(description)
        if 5 <= len(key.split()) <= 60 and key in page_text and key[:80] not in opening:
            return clean(description)
    return None


def _is_web_url(url: str) -> bool:
    return url.startswith(("http://", "https://")) and markup.is_safe_url(url)
