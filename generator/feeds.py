"""Atom feeds: the whole site, each outlet and each topic (RFC 4287)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from generator import urls
from generator.markup import safe_url
from generator.models import Article, OutputFile
from generator.site import Site, newest_first

ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 forbids even as references; YAML escapes ("\x1b") can put them in
# front matter, and one of them makes the whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed to write: where, about which page, its title and its articles."""

    path: str
    page: str
    """The page the feed belongs to (its `alternate` link)."""
    title: str
    articles: tuple[Article, ...]
    """Newest first; the feed holds the first `feeds.size` of them."""


def all_feeds(site: Site) -> Iterator[OutputFile]:
    """The site feed, then one per outlet and per topic as configured."""
    return (feed_file(site, feed) for feed in planned_feeds(site))


def planned_feeds(site: Site) -> Iterator[Feed]:
    """The feeds `all_feeds` writes, without making them (each is a few entries of a
    list: what a build compares to decide whether to write the feed again)."""
    size = site.config.feeds.size
    yield Feed("feed.xml", "", site.config.title, site.articles[:size])
    if site.config.feeds.per_outlet:
        for outlet in site.outlets:
            members = tuple(site.by_id[i] for i in outlet.article_ids[:size])
            path = urls.outlet(outlet.slug)
            yield Feed(path + "feed.xml", path, f"{outlet.name} - {site.config.title}", members)
    if site.config.feeds.per_topic:
        for topic in site.topics:
            newest = sorted((site.by_id[i] for i in topic.article_ids), key=newest_first)
            path = urls.topic(topic.id)
            title = f"{topic.title} - {site.config.title}"
            yield Feed(path + "feed.xml", path, title, tuple(newest[:size]))


def feed_file(site: Site, feed: Feed) -> OutputFile:
    """The Atom document of one feed."""
    return _feed(site, feed.path, feed.page, feed.title, feed.articles)


def _feed(site: Site, path: str, page: str, title: str, articles: Sequence[Article]) -> OutputFile:
    links = urls.Links.for_config(site.config)
    entries = list(articles[: site.config.feeds.size])
    root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": site.config.language})
    _text(root, "id", _id(links, path))
    _text(root, "title", title)
    if site.config.description:
        _text(root, "subtitle", site.config.description)
    _text(root, "updated", _stamp(_updated(entries, site.updated)))
    ET.SubElement(
        root, "link", {"rel": "self", "type": "application/atom+xml", "href": links.absolute(path)}
    )
    ET.SubElement(
        root, "link", {"rel": "alternate", "type": "text/html", "href": links.absolute(page)}
    )
    _text(ET.SubElement(root, "author"), "name", site.config.owner or site.config.title)
    _text(root, "generator", "briefing")
    for article in entries:
        root.append(_entry(links, article, site.updated))
    ET.indent(root)
    _clean_tree(root)
    return OutputFile(
        path,
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        + ET.tostring(root, encoding="utf-8", xml_declaration=False)
        + b"\n",
    )


def _entry(links: urls.Links, article: Article, fallback: datetime) -> ET.Element:
    entry = ET.Element("entry")
    page = urls.article(article.id)
    _text(entry, "id", _id(links, page))
    _text(entry, "title", article.title)
    ET.SubElement(
        entry, "link", {"rel": "alternate", "type": "text/html", "href": links.absolute(page)}
    )
    original = safe_url(article.source_url)
    if original:
        ET.SubElement(entry, "link", {"rel": "related", "type": "text/html", "href": original})
    stamp = _stamp(article.date or fallback)
    if article.date:
        _text(entry, "published", stamp)
    _text(entry, "updated", stamp)
    for name in article.authors or ((article.outlet,) if article.outlet else ()):
        _text(ET.SubElement(entry, "author"), "name", name)
    if article.outlet:
        ET.SubElement(entry, "category", {"term": article.outlet})
    summary = article.dek or article.body.opening
    if summary:
        _text(entry, "summary", summary)
    content = ET.SubElement(entry, "content", {"type": "html"})
    content.text = article.body_html
    return entry


def _clean_tree(root: ET.Element) -> None:
    """Drop characters XML cannot hold from every text and attribute value."""
    for element in root.iter():
        if element.text:
            element.text = _NOT_XML.sub("", element.text)
        for name, value in element.attrib.items():
            element.set(name, _NOT_XML.sub("", value))


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def _id(links: urls.Links, path: str) -> str:
    """Atom ids must be absolute IRIs: the page URL, or a tag URI when no host is set."""
    return (
        links.absolute(path) if links.has_host else f"tag:briefing.invalid,2000:{links.url(path)}"
    )


def _updated(entries: Sequence[Article], fallback: datetime) -> datetime:
    dates = [a.date for a in entries if a.date]
    return max(dates) if dates else fallback


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
