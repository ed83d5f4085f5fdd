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

import contextlib
import json
import os
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from generator import urls
from generator.cache import key_of
from generator.models import Article, OutputFile, Topic
from generator.site import Site

FORMAT_VERSION = 1
PATH = "archive.json"

Layout = dict[str, tuple[int, int]]
"""Where the records of an archive.json file lie in it: record key -> (start, length)."""
FLUSH_BYTES = 1 << 20
"""Made records are written in chunks of about this size."""


@dataclass(frozen=True, slots=True)
class Plan:
    """The archive's records in order, each with the key of what it is made from."""

    site: Site
    articles: tuple[tuple[str | None, Article], ...]
    """(key, article) by id; key None: no source digest known, always made."""
    topics: tuple[tuple[str | None, Topic], ...]
    """(key, topic) by id: the key of its summary, which holds all a record shows."""
    key: str | None
    """Of the whole document (None when a record has no key)."""


@dataclass(frozen=True, slots=True)
class Earlier:
    """An archive.json an earlier build wrote (untouched since) and where its records lie:
    a record under the same key is copied from it, not made again."""

    path: Path
    layout: Mapping[str, tuple[int, int]]


def plan(
    site: Site,
    article_keys: Mapping[str, str] | None = None,
    topic_keys: Mapping[str, str] | None = None,
) -> Plan:
    """The records of the archive of `site`, keyed by their articles' sources (file
    digests) and their topics' summary keys where those are known."""
    article_keys = article_keys or {}
    topic_keys = topic_keys or {}
    zone = site.config.zone.key
    articles: list[tuple[str | None, Article]] = []
    for article in sorted(site.articles, key=lambda a: a.id):
        source = article_keys.get(article.id)
        topic = site.topic_of.get(article.id)
        shown = (article.id, article.path, topic.id if topic else "", zone)
        articles.append((None if source is None else key_of("article", *shown, source), article))
    topics = [(topic_keys.get(t.id), t) for t in sorted(site.topics, key=lambda t: t.id)]
    keys = [key for key, _ in articles] + [key for key, _ in topics]
    whole = None
    if all(key is not None for key in keys):
        whole = key_of("archive.json", _head(site), "\0".join(keys))  # type: ignore[arg-type]
    return Plan(site, tuple(articles), tuple(topics), whole)


def archive_json(
    site: Site,
    article_keys: Mapping[str, str] | None = None,
    topic_keys: Mapping[str, str] | None = None,
) -> OutputFile:
    """The whole archive as one JSON document, in memory (for tools and tests; a build
    writes it with `write`)."""
    pieces = _pieces(plan(site, article_keys, topic_keys), {}, {})
    return OutputFile(PATH, b"".join(p for p in pieces if isinstance(p, bytes)))


def write(target: Path, planned: Plan, earlier: Earlier | None = None) -> Layout:
    """Write the archive into `target` and return where its records lie. Records that
    `earlier` holds are copied from its file by the kernel, runs of neighbours at once:
    an edit's archive is mostly the last one (843 MB at 100,000 articles), and loading
    every record's text from the cache, then comparing the document with the last file,
    took a tenth of such an edit.

    A file at `target` that nothing else shares (one link, not the earlier file) is
    overwritten where it is, as render.py writes pages: freeing its blocks for a new
    file took longer than the writing (0.17 s at 10,000 articles). Another is replaced
    by a new file, never changed."""
    layout: Layout = {}
    old = earlier.layout if earlier is not None else {}
    temporary = target.with_name(f".{target.name}.{os.getpid()}.new")
    with contextlib.ExitStack() as opened:
        source = None
        if earlier is not None:
            source = opened.enter_context(open(earlier.path, "rb", buffering=0))
        alone = _alone(target, source)
        try:
            with open(target if alone else temporary, "r+b" if alone else "wb", buffering=0) as out:
                _write_pieces(out, source, _pieces(planned, layout, old))
                out.truncate()
            if not alone:
                os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    return layout


def _alone(target: Path, source: BinaryIO | None) -> bool:
    """Whether `target` is a file with one link, other than `source`'s."""
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return False
    if info.st_nlink != 1 or not stat.S_ISREG(info.st_mode):
        return False
    if source is None:
        return True
    other = os.fstat(source.fileno())
    return (other.st_dev, other.st_ino) != (info.st_dev, info.st_ino)


def _pieces(
    planned: Plan, layout: Layout, old: Mapping[str, tuple[int, int]]
) -> Iterator[bytes | tuple[int, int]]:
    """The document in order: bytes, in the very bytes `json.dumps(document,
    sort_keys=True)` gives (a test compares the two), and for each record whose key
    `old` places in the earlier file, its (start, length) there instead. `layout` gets
    where each keyed record lies in the new document."""
    position = 0
    # Keys in sorted order, as sort_keys puts them: articles, generator, site, topics.
    lists: tuple[tuple[bytes, Sequence[tuple[str | None, Article | Topic]]], ...] = (
        (b'{"articles":[', planned.articles),
        (b"]," + _head(planned.site) + b',"topics":[', planned.topics),
    )
    for opening, records in lists:
        yield opening
        position += len(opening)
        for number, (key, item) in enumerate(records):
            if number:
                yield b","
                position += 1
            found = old.get(key) if key is not None else None
            if found is None:
                record = _record(item, planned.site)
                yield record
                length = len(record)
            else:
                yield found
                length = found[1]
            if key is not None:
                layout[key] = (position, length)
            position += length
    yield f'],"version":{FORMAT_VERSION}}}\n'.encode()


def _write_pieces(
    out: BinaryIO, source: BinaryIO | None, pieces: Iterator[bytes | tuple[int, int]]
) -> None:
    """Write bytes as they come and copy ranges of `source`. A range is held until what
    follows is known: the next record's range, one comma further on in the same earlier
    list, extends it (records of one list are separated by one comma, and so are they in
    the earlier file), so a run of unchanged records is one copy."""
    span: list[int] = []  # [start, length] of `source`, written before `pending`
    pending = bytearray()

    def emit() -> None:
        if span:
            assert source is not None
            _copy_range(source, out, span[0], span[1])
            span.clear()
        _write_all(out, pending)
        pending.clear()

    for piece in pieces:
        if isinstance(piece, tuple):
            start, length = piece
            if span and pending == b"," and start == span[0] + span[1] + 1:
                span[1] += 1 + length
                pending.clear()
                continue
            emit()
            span[:] = [start, length]
        else:
            pending += piece
            if len(pending) >= FLUSH_BYTES:
                emit()
    emit()


def _write_all(out: BinaryIO, data: bytes | bytearray) -> None:
    view = memoryview(data)
    while view:
        written = out.write(view)
        if not written:
            raise OSError(f"{out.name}: nothing could be written")
        view = view[written:]


def _copy_range(source: BinaryIO, out: BinaryIO, start: int, length: int) -> None:
    """Append `length` bytes of `source` from `start` to `out`: in the kernel where it
    can (no copy through this process), else read and written."""
    done = 0
    if hasattr(os, "copy_file_range"):
        try:
            while done < length:
                moved = os.copy_file_range(
                    source.fileno(), out.fileno(), length - done, start + done
                )
                if moved == 0:
                    break
                done += moved
        except OSError:  # not on this file system: copy through memory
            pass
    while done < length:
        data = os.pread(source.fileno(), min(length - done, FLUSH_BYTES), start + done)
        if not data:
            raise OSError(f"{source.name}: shorter than the record of its layout says")
        _write_all(out, data)
        done += len(data)


def _head(site: Site) -> bytes:
    """The members between the articles and the topics: generator and site."""
    head = {
        "generator": "briefing",
        "site": {
            "title": site.config.title,
            "base_url": site.config.base_url,
            "language": site.config.language,
            "timezone": site.config.timezone,
        },
    }
    return _dumps(head)[1:-1].encode("utf-8")


def _record(item: Article | Topic, site: Site) -> bytes:
    # Records are UTF-8 bytes: the document is bytes anyway.
    if isinstance(item, Topic):
        return _dumps(topic_record(item)).encode("utf-8")
    return _dumps(article_record(item, site)).encode("utf-8")


def _dumps(value: Any) -> str:
    # Compact: with `indent`, the json module falls back from its C encoder to Python,
    # which took seconds on a large archive (`python -m json.tool` pretty-prints it).
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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
        "paragraphs": article.body.count,
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
