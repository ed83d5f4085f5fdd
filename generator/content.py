"""content/ -> validated Articles and TopicNotes, with a diagnostic for every problem.

One broken file never stops the others from being read: its problems are collected
(`path:line: message`) and the build decides what to do with them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from generator import frontmatter, markup, parallel
from generator.cache import BuildCache, key_of
from generator.errors import Diagnostic, Severity
from generator.models import Article, Body, TopicNote
from generator.schema import did_you_mean
from generator.slugs import path_slug, slugify

REQUIRED_KEYS = ("title", "outlet", "author", "date")
OPTIONAL_KEYS = (
    "dek", "url", "language", "tags", "topic",
    "source_file", "source_sha256", "duplicate_of", "draft",
)  # fmt: skip
KNOWN_KEYS = REQUIRED_KEYS + OPTIONAL_KEYS
NOTE_KEYS = ("title", "exclude")
# Editor leftovers and OS litter: never content, never worth a warning.
_IGNORED_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig")
_IGNORED_NAMES = frozenset({"4913", "Thumbs.db", "desktop.ini"})


@dataclass(frozen=True, slots=True)
class Content:
    """Everything read from content/: articles, analyst notes and what was wrong."""

    articles: tuple[Article, ...]
    notes: tuple[TopicNote, ...]
    diagnostics: tuple[Diagnostic, ...]
    digests: Mapping[str, str] = field(default_factory=dict)
    """Article id -> hash of its file and of what reading it depends on: the identity of
    an article's content in the cache keys of later stages."""


class _Problems:
    """Collects diagnostics for one file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[Diagnostic] = []

    def warn(self, line: int | None, message: str) -> None:
        self.items.append(Diagnostic(self.path, line, message, Severity.WARNING))

    def error(self, line: int | None, message: str) -> None:
        self.items.append(Diagnostic(self.path, line, message, Severity.ERROR))

    @property
    def failed(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)


def load_content(
    content_dir: Path,
    zone: ZoneInfo,
    include_drafts: bool = False,
    cache: BuildCache | None = None,
    hashes: Mapping[str, bytes] | None = None,
) -> Content:
    """Read every article under content/articles/ and every note under content/topics/;
    an article file whose bytes were parsed before is taken from `cache`. `hashes` (path
    under content/ -> sha256 of the file, as the build's check of its inputs found them)
    spares reading the files whose parsed article the cache has."""
    cache = cache or BuildCache.disabled()
    diagnostics: list[Diagnostic] = []
    files = _markdown_files(content_dir / "articles", content_dir, diagnostics)
    found: list[tuple[int, str, Parsed]] = []
    unread: list[tuple[int, SourceFile]] = []
    hashed = {
        p: _article_key(zone, f[0], hashes[f[0]])
        for p, f in enumerate(files)
        if hashes and f[0] in hashes
    }
    looked_up = dict(zip(hashed, cache.find_many("article", list(hashed.values())), strict=True))
    for position, file in enumerate(files):
        hit, value = looked_up.get(position, (False, None))
        if hit:
            found.append((position, hashed[position], value))
        else:
            unread.append((position, file))
    sources, where = [], []
    for position, file in unread:
        source = _read(file, diagnostics)
        if source is not None:
            sources.append(source)
            where.append(position)
    keys = [_article_key(zone, rel, hashlib.sha256(data).digest()) for rel, data in sources]

    def parse(positions: list[int]) -> list[Parsed]:
        wanted = [sources[p] for p in positions]
        return parallel.on_both_cores(partial(_parse_source, zone), wanted, PARALLEL_FROM)

    made = cache.get_or_make_many("article", keys, parse)
    found += zip(where, keys, made, strict=True)
    articles: list[Article] = []
    digests: dict[str, str] = {}
    for _, key, (article, problems) in sorted(found, key=lambda item: item[0]):
        diagnostics.extend(problems)
        if article is not None and (include_drafts or not article.draft):
            articles.append(article)
            digests[article.id] = key
    notes: list[TopicNote] = []
    note_files = _markdown_files(content_dir / "topics", content_dir, diagnostics)
    for rel, data in _read_all(note_files, diagnostics):
        note, problems = parse_note(data, rel)
        diagnostics.extend(problems)
        if note is not None:
            notes.append(note)
    diagnostics.extend(_duplicate_ids(articles))
    ordered = tuple(sorted(articles, key=lambda a: a.id))
    return Content(ordered, tuple(notes), tuple(diagnostics), digests)


def _article_key(zone: ZoneInfo, rel: str, file_hash: bytes) -> str:
    """The cache key of an article file's parse: its place, the site's zone, its bytes'
    hash (the build's input check gives the hash without reading the file)."""
    return key_of("article", zone.key, rel, file_hash)


Parsed = tuple[Article | None, list[Diagnostic]]
PARALLEL_FROM = 200
"""Article files to parse from which a second process takes half."""


SourceFile = tuple[str, str]
"""A file of content/: (its path under content/, with forward slashes; the path to open)."""


def _read_all(files: list[SourceFile], diagnostics: list[Diagnostic]) -> list[tuple[str, bytes]]:
    """(path under content/, bytes) of each file; one that cannot be read is an error
    naming it, and the others are still read."""
    found = (_read(file, diagnostics) for file in files)
    return [source for source in found if source is not None]


def _read(file: SourceFile, diagnostics: list[Diagnostic]) -> tuple[str, bytes] | None:
    """(path under content/, bytes) of a file, or None after an error naming it."""
    rel, path = file
    try:
        with open(path, "rb") as opened:
            return rel, opened.read()
    except OSError as exc:
        message = f"cannot read the file: {exc.strerror or exc}"
        diagnostics.append(Diagnostic(rel, None, message, Severity.ERROR))
        return None


def _parse_source(zone: ZoneInfo, source: tuple[str, bytes]) -> Parsed:
    rel, data = source
    return parse_article(data, rel, zone)


def _markdown_files(
    folder: Path, content_dir: Path, diagnostics: list[Diagnostic]
) -> list[SourceFile]:
    """Markdown files below `folder`, sorted; anything else gets one warning. Paths as
    text, not Path objects: on 10,000 articles those took half a second a build."""
    found: list[SourceFile] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        prefix = os.path.relpath(root, content_dir).replace(os.sep, "/") + "/"
        for name in sorted(files):
            if _ignored(name):
                continue
            if name.lower().endswith((".md", ".markdown")):
                found.append((prefix + name, os.path.join(root, name)))
            else:
                message = "not a Markdown article (.md); skipped"
                diagnostics.append(Diagnostic(prefix + name, None, message))
    return found


def _ignored(name: str) -> bool:
    return name.startswith((".", "#")) or name.endswith(_IGNORED_SUFFIXES) or name in _IGNORED_NAMES


def _decode(data: bytes, problems: _Problems) -> str | None:
    if b"\x00" in data[:8192]:
        problems.warn(None, "binary file, not a Markdown article; skipped")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.warn(None, f"not UTF-8 text (byte {exc.start}); skipped - re-import or convert it")
        return None


def parse_article(
    data: bytes, rel_path: str, zone: ZoneInfo
) -> tuple[Article | None, list[Diagnostic]]:
    """Validate one article file's bytes; returns the Article (or None) and its problems."""
    problems = _Problems(rel_path)
    text = _decode(data, problems)
    if text is None:
        return None, problems.items
    try:
        doc = frontmatter.parse(text.replace("\r\n", "\n"))
    except frontmatter.FrontMatterError as exc:
        problems.error(exc.line, exc.message)
        return None, problems.items
    fields = _ArticleFields(doc, problems, zone)
    if problems.failed:
        return None, problems.items
    rendered = markup.render(doc.body)
    stem = rel_path.removeprefix("articles/").rsplit(".", 1)[0]
    article = Article(
        id=path_slug(stem),
        path=rel_path,
        title=fields.title or _fallback_title(doc.body, stem),
        outlet=fields.text("outlet"),
        authors=fields.authors(),
        date=fields.date,
        date_has_time=fields.has_time,
        body=Body.packing(rendered.html, rendered.paragraphs),
        dek=fields.text("dek"),
        source_url=fields.url(),
        language=fields.text("language"),
        tags=fields.string_list("tags"),
        topic=fields.topic(),
        source_file=fields.text("source_file"),
        source_sha256=fields.text("source_sha256"),
        duplicate_of=fields.text("duplicate_of"),
        draft=fields.flag("draft"),
    )
    return article, problems.items


def _fallback_title(body: str, stem: str) -> str:
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return stem.rsplit("/", 1)[-1].replace("-", " ").replace("_", " ")


class _ArticleFields:
    """Typed access to one article's front matter, reporting each problem once."""

    def __init__(self, doc: frontmatter.Document, problems: _Problems, zone: ZoneInfo) -> None:
        self.meta = doc.meta
        self.lines = doc.key_lines
        self.problems = problems
        self.zone = zone
        for key in self.meta:
            if key not in KNOWN_KEYS:
                hint = did_you_mean(key, KNOWN_KEYS)
                problems.warn(self.lines.get(key), f"unknown front matter key '{key}'{hint}")
        for key in REQUIRED_KEYS:
            if key not in self.meta:
                problems.warn(
                    1,
                    f"front matter has no '{key}' (write '{key}: null' if the source does not say)",
                )
        self.title = self.text("title", required=True)
        self.date, self.has_time = self._date()

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)

    def _bad(self, key: str, expected: str, value: Any) -> None:
        # YAML reads NO, yes, 12:30 or 0777 as non-strings; quoting is the fix.
        hint = " (put the value in quotes)" if isinstance(value, bool | int | float) else ""
        self.problems.error(
            self.line(key), f"{key}: expected {expected}, got {_describe(value)}{hint}"
        )

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self._bad(key, "a string", value)
            return None
        value = value.strip()
        if required and not value:
            self.problems.error(self.line(key), f"{key}: must not be empty")
        return value or None

    def string_list(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if value is None or value == "":
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            self._bad(key, "a string or a list of strings", value)
            return ()
        return tuple(dict.fromkeys(v.strip() for v in items if v.strip()))

    def authors(self) -> tuple[str, ...]:
        return self.string_list("author")

    def flag(self, key: str) -> bool:
        value = self.meta.get(key, False)
        if not isinstance(value, bool):
            self._bad(key, "true or false", value)
            return False
        return value

    def url(self) -> str | None:
        value = self.text("url")
        if value and not markup.is_safe_url(value):
            self.problems.error(
                self.line("url"), "url: only http, https and mailto addresses are allowed"
            )
            return None
        return value

    def topic(self) -> str | None:
        value = self.text("topic")
        return slugify(value) if value else None

    def _date(self) -> tuple[datetime | None, bool]:
        value = self.meta.get("date")
        if value is None:
            return None, False
        parsed = parse_date(value, self.zone)
        if parsed is None:
            self._bad(
                "date",
                "an ISO 8601 date or date-time (2022-08-08 or 2022-08-08T09:00:00-04:00)",
                value,
            )
            return None, False
        moment, has_time, naive = parsed
        if naive:
            self.problems.warn(self.line("date"), "date: no UTC offset; read in the site time zone")
        return moment, has_time


def parse_date(value: Any, zone: ZoneInfo) -> tuple[datetime, bool, bool] | None:
    """(aware datetime, has a time of day, had no offset) from a YAML value, or None."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
        except ValueError:
            return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=zone), True, True
        return value, True, False
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=zone), False, False
    return None


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def parse_note(data: bytes, rel_path: str) -> tuple[TopicNote | None, list[Diagnostic]]:
    """Validate one analyst note file content/topics/<slug>.md."""
    problems = _Problems(rel_path)
    text = _decode(data, problems)
    if text is None:
        return None, problems.items
    try:
        doc = frontmatter.parse(text.replace("\r\n", "\n"))
    except frontmatter.FrontMatterError:
        doc = frontmatter.Document({}, text, 1, {})  # a note may be plain Markdown
    for key in doc.meta:
        if key not in NOTE_KEYS:
            problems.warn(
                doc.key_lines.get(key), f"unknown key '{key}'{did_you_mean(key, NOTE_KEYS)}"
            )
    title = doc.meta.get("title")
    exclude = doc.meta.get("exclude") or []
    if title is not None and not isinstance(title, str):
        problems.error(doc.key_lines.get("title"), "title: expected a string")
    if not isinstance(exclude, list) or not all(isinstance(e, str) for e in exclude):
        problems.error(
            doc.key_lines.get("exclude"), "exclude: expected a list of article paths or ids"
        )
    if problems.failed:
        return None, problems.items
    slug = slugify(rel_path.removeprefix("topics/").rsplit(".", 1)[0])
    note = TopicNote(
        slug, rel_path, title, markup.render(doc.body).html, tuple(_article_ref(e) for e in exclude)
    )
    return note, problems.items


def _article_ref(value: str) -> str:
    """Normalise an article reference (a content path or an id) to an article id."""
    stem = value.strip().removeprefix("content/").removeprefix("articles/")
    return path_slug(stem.rsplit(".", 1)[0] if stem.endswith((".md", ".markdown")) else stem)


def _duplicate_ids(articles: Iterable[Article]) -> list[Diagnostic]:
    """Two files that would write the same page: an error naming both."""
    first: dict[str, Article] = {}
    found: list[Diagnostic] = []
    for article in sorted(articles, key=lambda a: a.path):
        other = first.setdefault(article.id, article)
        if other is not article:
            message = (
                f"would write the same page as {other.path} (articles/{article.id}/); rename one"
            )
            found.append(Diagnostic(article.path, None, message, Severity.ERROR))
    return found
