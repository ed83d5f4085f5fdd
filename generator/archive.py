"""build/archive.json: the archive as data, a documented public interface.

Format (version 1; the README documents every field):

    {"version": 1, "generator": "briefing", "site": {title, base_url, language, timezone},
     "articles": [{id, path, url, title, dek, outlet, authors, date, source_url, topic,
                   tags, language, duplicate_of, paragraphs}],
     "topics": [{id, slug, url, title, articles, outlets, date_start, date_end,
                 aliases, summary}]}

Dates are ISO 8601 with offset (date-only values as `YYYY-MM-DD`), or null. `url` is
relative to the site root. Keys are sorted and the output is byte-for-byte stable.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from typing import Any

from generator import urls
from generator.cache import BuildCache, key_of
from generator.models import Article, OutputFile, Topic
from generator.site import Site

FORMAT_VERSION = 1


def archive_json(
    site: Site,
    cache: BuildCache | None = None,
    article_keys: Mapping[str, str] | None = None,
    topic_keys: Mapping[str, str] | None = None,
) -> OutputFile:
    """The whole archive as one JSON document, assembled from each record's own JSON
    text in the very bytes `json.dumps(document, sort_keys=True)` gives (a test compares
    the two). With a cache and the keys of articles (their source) and topics (their
    summary's inputs), a record's text is made once and found again by later builds."""
    cache = cache or BuildCache.disabled()
    article_keys = article_keys or {}
    topic_keys = topic_keys or {}
    head = {
        "generator": "briefing",
        "site": {
            "title": site.config.title,
            "base_url": site.config.base_url,
            "language": site.config.language,
            "timezone": site.config.timezone,
        },
    }
    # The document grows in one buffer, each record added as it is found: on a large
    # archive (80 MB) a list of the records, its joins and its encoding held the text
    # four times over at the build's peak of memory; now twice, for a moment.
    out = bytearray(b'{"articles":[')
    for number, article in enumerate(sorted(site.articles, key=lambda a: a.id)):
        topic = site.topic_of.get(article.id)
        source = article_keys.get(article.id)
        make = partial(_article_text, article, site)
        if source is None:
            text = make()
        else:
            shown = (article.id, topic.id if topic else "", site.config.zone.key)
            text = cache.get_or_make("archive", key_of("article", *shown, source), make)
        out += b"," if number else b""
        out += text
    # Keys in sorted order, as sort_keys puts them: articles, generator, site, topics, version.
    out += b"]," + _dumps(head)[1:-1].encode("utf-8") + b',"topics":['
    for number, topic in enumerate(sorted(site.topics, key=lambda t: t.id)):
        inputs = topic_keys.get(topic.id)
        make = partial(_topic_text, topic)
        text = make() if inputs is None else cache.get_or_make("archive", inputs, make)
        out += b"," if number else b""
        out += text
    out += f'],"version":{FORMAT_VERSION}}}\n'.encode()
    return OutputFile("archive.json", bytes(out))


def _dumps(value: Any) -> str:
    # Compact: with `indent`, the json module falls back from its C encoder to Python,
    # which took seconds on a large archive (`python -m json.tool` pretty-prints it).
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# Records are kept as UTF-8 bytes: unpickling bytes is a copy, a str is decoded (843 MB
# of records at 100,000 articles), and the document is bytes anyway.
def _topic_text(topic: Topic) -> bytes:
    return _dumps(topic_record(topic)).encode("utf-8")


def _article_text(article: Article, site: Site) -> bytes:
    return _dumps(article_record(article, site)).encode("utf-8")


def article_record(article: Article, site: Site) -> dict[str, Any]:
    """One article's entry."""
    topic = site.topic_of.get(article.id)
    return {
        "id": article.id,
        "path": article.path,
        "url": urls.article(article.id),
        "title": article.title,
        "dek": article.dek,
        "outlet": article.outlet,
        "authors": list(article.authors),
        "date": iso(article.date, article.date_has_time),
        "source_url": article.source_url,
        "topic": topic.id if topic else None,
        "tags": list(article.tags),
        "language": article.language,
        "duplicate_of": article.duplicate_of,
        "paragraphs": len(article.paragraphs),
    }


def topic_record(topic: Topic) -> dict[str, Any]:
    """One topic's entry; `summary` is null until summaries are computed."""
    summary = topic.summary.to_json() if topic.summary is not None else None
    return {
        "id": topic.id,
        "slug": topic.id,
        "url": urls.topic(topic.id),
        "title": topic.title,
        "articles": list(topic.article_ids),
        "outlets": list(topic.outlets),
        "date_start": iso(topic.date_start, True),
        "date_end": iso(topic.date_end, True),
        "aliases": list(topic.aliases),
        "summary": summary,
    }


def iso(moment: datetime | None, has_time: bool) -> str | None:
    """ISO 8601 text, date only when no time of day is known."""
    if moment is None:
        return None
    return moment.isoformat() if has_time else moment.date().isoformat()
