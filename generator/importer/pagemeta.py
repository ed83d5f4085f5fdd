"""What a saved page says about itself: JSON-LD, Open Graph, Twitter and `<meta>` tags.

Publishers state headline, authors, date, address and site name in several places that
usually agree; each field here keeps every statement (in a fixed order of trust) and
`html.py` decides between them.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

HtmlElement = Any
"""An `lxml.html.HtmlElement` (lxml ships no type information)."""


TITLE_SOURCES = ("ld", "og", "twitter", "h1", "title")
"""Where a page states its headline: JSON-LD `headline`, `og:title`, `twitter:title`, the
first `<h1>`, the `<title>` element (this is also the default order of trust)."""
_ARTICLE_TYPES = re.compile(r"(?:News)?Article$|BlogPosting$|Report$|LiveBlogPosting$", re.I)
_AUTHOR_META = (
    "author", "article:author", "byl", "parsely-author", "sailthru.author", "dc.creator",
    "dcterms.creator", "cxenseparse:author", "citation_author",
)  # fmt: skip
_DATE_META = (
    "article:published_time", "og:article:published_time", "datepublished", "publish-date",
    "pubdate", "parsely-pub-date", "sailthru.date", "dc.date", "dcterms.created",
    "dc.date.issued", "date", "publication_date", "citation_publication_date",
    "article.published", "cxenseparse:recs:publishtime",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Statements a page makes about itself, most trusted first within each field."""

    titles: tuple[tuple[str, str], ...]
    """(source, headline): `ld`, `og`, `twitter`, `h1`, `title`."""
    authors: tuple[tuple[str, ...], ...]
    """Author lists: JSON-LD people, then `<meta>` authors."""
    dates: tuple[str, ...]
    """Publication dates as written (ISO 8601 mostly): JSON-LD, then `<meta>`."""
    urls: tuple[str, ...]
    """Canonical link, `og:url`, JSON-LD url."""
    site_names: tuple[str, ...]
    """`og:site_name`, JSON-LD publisher."""
    descriptions: tuple[str, ...]
    language: str | None


def read_meta(tree: HtmlElement) -> PageMeta:
    """Collect every statement from a parsed page."""
    article = _ld_article(tree)
    meta = _meta_tags(tree)
    return PageMeta(
        titles=_titles(tree, article, meta),
        authors=_authors(article, meta),
        dates=tuple(
            _nonempty([_ld_text(article.get("datePublished")), *_values(meta, _DATE_META)])
        ),
        urls=tuple(_nonempty([_canonical(tree), meta.get("og:url"), _ld_text(article.get("url"))])),
        site_names=tuple(_nonempty([meta.get("og:site_name"), _publisher(article)])),
        descriptions=tuple(
            _nonempty(
                [
                    meta.get("og:description"),
                    meta.get("description"),
                    _ld_text(article.get("description")),
                ]
            )
        ),
        language=_language(tree, meta),
    )


def _nonempty(values: list[str | None]) -> list[str]:
    return [clean(v) for v in values if v and clean(v)]


def clean(text: str) -> str:
    """Entities decoded (JSON-LD is often double-escaped) and whitespace squeezed."""
    return " ".join(htmllib.unescape(htmllib.unescape(text)).split())


def _values(meta: dict[str, str], keys: tuple[str, ...]) -> list[str | None]:
    return [meta.get(key) for key in keys]


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        value = element.get("content")
        if key and value and value.strip():
            found.setdefault(key.strip().lower(), value.strip())
    return found


def _titles(
    tree: HtmlElement, article: dict[str, Any], meta: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    title = next(iter(tree.iter("title")), None)
    pairs = [
        ("ld", _ld_text(article.get("headline"))),
        ("og", meta.get("og:title")),
        ("twitter", meta.get("twitter:title")),
        ("title", title.text_content() if title is not None else None),
    ]
    stated = [(source, clean(text)) for source, text in pairs if text and clean(text)]
    h1 = _page_h1(tree, [text for _, text in stated])
    stated += [("h1", h1)] if h1 else []
    return tuple(sorted(stated, key=lambda pair: TITLE_SOURCES.index(pair[0])))


def _page_h1(tree: HtmlElement, others: list[str]) -> str | None:
    """The `<h1>` that holds the headline: the first one that another statement repeats
    (pages put "Log In" or the site's name in an earlier `<h1>`), else the first."""
    found = [text for text in (clean(h.text_content()) for h in tree.iter("h1")) if text]
    keys = [_loose(other) for other in others]
    for text in found:
        key = _loose(text)
        if any(key == other or (len(key.split()) >= 4 and key in other) for other in keys):
            return text
    return found[0] if found else None


def _loose(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def _authors(article: dict[str, Any], meta: dict[str, str]) -> tuple[tuple[str, ...], ...]:
    found: list[tuple[str, ...]] = []
    people = tuple(_nonempty([_person(a) for a in _as_list(article.get("author"))]))
    if people:
        found.append(people)
    for key in _AUTHOR_META:
        value = meta.get(key)
        if value and not value.startswith(("http://", "https://", "/")):
            found.append((clean(re.sub(r"^by\s+", "", value, flags=re.I)),))
    return tuple(found)


def _person(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _ld_text(value.get("name"))
    return None


def _publisher(article: dict[str, Any]) -> str | None:
    publisher = article.get("publisher")
    if isinstance(publisher, list) and publisher:
        publisher = publisher[0]
    return _ld_text(publisher.get("name")) if isinstance(publisher, dict) else None


def _canonical(tree: HtmlElement) -> str | None:
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            return str(link.get("href"))
    return None


def _language(tree: HtmlElement, meta: dict[str, str]) -> str | None:
    value = tree.get("lang") or meta.get("content-language") or meta.get("og:locale")
    if not value:
        return None
    match = re.match(r"^([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{2}|\d{3}))?\b", value.strip())
    if match is None:
        return None
    return match.group(1).lower() + (f"-{match.group(2).upper()}" if match.group(2) else "")


def _ld_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or value.get("name")
    return value if isinstance(value, str) else None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _ld_article(tree: HtmlElement) -> dict[str, Any]:
    """The first JSON-LD object typed as an article, or an empty dict."""
    for item in _ld_objects(tree):
        types = item.get("@type")
        names = types if isinstance(types, list) else [types]
        if any(isinstance(t, str) and _ARTICLE_TYPES.search(t) for t in names):
            return item
    return {}


def _ld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text_content() or "null", strict=False)
        except ValueError:
            continue  # broken JSON-LD is common; the other statements remain
        yield from _walk(data)


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            yield item
            stack.extend(item[k] for k in ("@graph", "mainEntity") if k in item)
