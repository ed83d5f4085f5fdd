"""Frozen values passed between pipeline stages.

site.yaml -> SiteConfig (config.py); content/ -> Article (content.py); articles -> Topic
(topics.py); everything -> Site (site.py) -> OutputFile (render.py) -> build/ (output.py).
"""

from __future__ import annotations

import pickle
import zlib
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any, TypeVar

T = TypeVar("T")


def pickled_by_fields(cls: type[T]) -> type[T]:
    """Pickle a frozen dataclass as its class and field values (loading calls the class).

    The build cache holds hundreds of thousands of these (paragraphs, summary parts),
    and the standard way for slotted dataclasses, a `__setstate__` written in Python,
    took twice as long to load (and its pickles are larger)."""
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]

    def reduce(self: T) -> tuple[type[T], tuple[Any, ...]]:
        return cls, tuple(getattr(self, name) for name in names)

    setattr(cls, "__reduce__", reduce)  # noqa: B010 (mypy: a method cannot be assigned)
    return cls


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Paragraph:
    """One anchored paragraph of an article body, numbered as on its page (`#p1`...)."""

    number: int
    """1-based; the page gives the paragraph the anchor `p{number}`."""
    text: str
    """Plain text (inline Markdown rendered, tags removed): what summaries quote."""


class Body:
    """An article's body: its safe HTML and its paragraphs.

    Pickled (into the build cache, or to another process), a body travels as one inner
    pickle with its paragraph count and opening text beside it. Unpickled, or parsed
    (`packing`), it stays that inner pickle until its paragraphs are first read; reading
    its HTML (`peek`) leaves it packed. An edit builds from 10,000 cached articles and
    reads the bodies of a few: unpickling every body was 0.8 s of the 1.2 s of loading
    them, and their objects most of an article's memory (three times the pickle's)."""

    __slots__ = ("_count", "_html", "_opening", "_packed", "_paragraphs")

    def __init__(self, html: str, paragraphs: tuple[Paragraph, ...]) -> None:
        self._html: str | None = html
        self._paragraphs: tuple[Paragraph, ...] | None = paragraphs
        self._packed: bytes | None = None
        self._count = len(paragraphs)
        self._opening = paragraphs[0].text if paragraphs else ""

    @classmethod
    def packed(cls, count: int, opening: str, packed: bytes) -> Body:
        """A body as `__reduce__` sent it; unpickled when first read."""
        body = cls.__new__(cls)
        body._html = body._paragraphs = None
        body._packed, body._count, body._opening = packed, count, opening
        return body

    @classmethod
    def packing(cls, html: str, paragraphs: tuple[Paragraph, ...]) -> Body:
        """A body packed from the start: what parsing makes, since a build holds every
        article to its end (the process that parsed half of 100,000 articles held them
        unpacked, gigabytes), and the pickle is made anyway for the cache or for the
        process the article is sent to."""
        packed = _pack((html, paragraphs))
        return cls.packed(len(paragraphs), paragraphs[0].text if paragraphs else "", packed)

    @property
    def is_packed(self) -> bool:
        """Still the pickle it came as (its HTML and paragraphs not unpacked yet)."""
        return self._packed is not None

    @property
    def count(self) -> int:
        """How many paragraphs."""
        return self._count

    @property
    def opening(self) -> str:
        """The first paragraph's text ("" without paragraphs): what an article's page and
        feed entry describe it by when it has no standfirst."""
        return self._opening

    @property
    def html(self) -> str:
        """The body rendered safely (raw HTML off, links allow-listed, paragraphs
        anchored). A packed body stays packed: a build reads each body's HTML once, for
        its page."""
        return self.peek()[0]

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        """The anchored paragraphs, in order."""
        return self._unpacked()[1]

    def peek(self) -> tuple[str, tuple[Paragraph, ...]]:
        """The HTML and the paragraphs, a packed body left packed: for a reader that
        reads each body once while the build holds them all (grouping's leads, a page).
        Kept unpacked, 10,000 bodies took 0.1 GB more of the build's memory than packed."""
        html, paragraphs, packed = self._html, self._paragraphs, self._packed
        if html is not None and paragraphs is not None:
            return html, paragraphs
        if packed is None:  # another thread unpacked it meanwhile
            return self.peek()
        return _unpack(packed)

    def _unpacked(self) -> tuple[str, tuple[Paragraph, ...]]:
        html, paragraphs = self.peek()
        if self._packed is not None:
            # The pickle goes once unpacked (one copy in memory, not two); it goes last,
            # so a thread that finds it gone finds the values set.
            self._html, self._paragraphs = html, paragraphs
            self._packed = None
        return html, paragraphs

    def __reduce__(self) -> tuple[Any, tuple[int, str, bytes]]:
        packed = self._packed  # packed still: sent as it came, never unpacked here
        if packed is None:
            packed = _pack(self._unpacked())
        return Body.packed, (self.count, self.opening, packed)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Body):
            return NotImplemented
        return self.peek() == other.peek()

    def __hash__(self) -> int:
        return hash(self.peek())

    def __repr__(self) -> str:
        html, paragraphs = self.peek()
        return f"Body(html={html!r}, paragraphs={paragraphs!r})"


PACK_LEVEL = 3
"""zlib's level for packed bodies. The 1,000 bodies of the benchmark's archive, 10.5 MB
pickled, took 1.7 MB at level 3 (0.058 s to compress them all, 0.021 s to expand), 1.9 MB
at level 1 (0.055 s, 0.026 s), 1.6 MB at level 6 (0.088 s, 0.020 s). A cold build
compresses each body once and expands it about three times (its lead, its summary, its
page); it holds them all to its end, and its cache stores them."""


def _pack(body: tuple[str, tuple[Paragraph, ...]]) -> bytes:
    return zlib.compress(pickle.dumps(body, protocol=pickle.HIGHEST_PROTOCOL), PACK_LEVEL)


def _unpack(packed: bytes) -> tuple[str, tuple[Paragraph, ...]]:
    body: tuple[str, tuple[Paragraph, ...]] = pickle.loads(zlib.decompress(packed))
    return body


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Article:
    """One article of content/articles/, parsed and validated."""

    id: str
    """Stable identifier: its path under content/articles/, slugified, without `.md`."""
    path: str
    """Source file relative to content/, with forward slashes."""
    title: str
    outlet: str | None
    """Outlet name as written in front matter; None when the source does not say."""
    authors: tuple[str, ...]
    date: datetime | None
    """Publication time, timezone-aware; a date-only value is midnight in the site zone."""
    date_has_time: bool
    """False when front matter gave a date without a time of day."""
    body: Body
    """The body rendered safely, and its paragraphs. The Markdown it was made from is not
    kept: nothing reads it once parsed, and it was a third of an article's memory (a
    tenth of a gigabyte at 10,000 articles)."""
    dek: str | None = None
    source_url: str | None = None
    """The original address of the article, when known (front matter `url`)."""
    language: str | None = None
    tags: tuple[str, ...] = ()
    topic: str | None = None
    """A manual topic pin (front matter `topic`)."""
    source_file: str | None = None
    source_sha256: str | None = None
    duplicate_of: str | None = None
    draft: bool = False

    def opened(self) -> Article:
        """This article with its body unpacked in a copy of its own: for a reader of
        its paragraphs over and over (its topic's summary), after whom the build's own
        article stays packed."""
        if not self.body.is_packed:
            return self
        return replace(self, body=Body(*self.body.peek()))

    @property
    def body_html(self) -> str:
        """The body rendered safely (raw HTML off, links allow-listed, paragraphs
        anchored)."""
        return self.body.html

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        """The body's anchored paragraphs, in order."""
        return self.body.paragraphs


@dataclass(frozen=True, slots=True)
class TopicNote:
    """An analyst's file content/topics/<slug>.md: title, notes, exclusions."""

    slug: str
    path: str
    title: str | None
    notes_html: str
    exclude: tuple[str, ...] = ()
    """Article ids (or content paths) that must not join this topic."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Topic:
    """A story: articles from one or more outlets about the same event and its follow-ups."""

    id: str
    """Stable identifier; also the URL slug."""
    title: str
    article_ids: tuple[str, ...]
    """Member articles, oldest first (undated last), ties by id."""
    outlets: tuple[str, ...]
    """Distinct outlet names of the members, sorted; unknown outlets are left out."""
    date_start: datetime | None
    date_end: datetime | None
    notes_html: str = ""
    aliases: tuple[str, ...] = ()
    """Former ids of this topic (after a merge): their URLs redirect here."""
    summary: Any = None
    """The cross-source summary (summarize.py), or None before summaries exist."""


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site: where it goes and its bytes."""

    path: str
    """Relative to the output root, forward slashes, e.g. `topics/x/index.html`."""
    data: bytes


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did, for the one-line summary and for tests."""

    pages: int
    articles: int
    topics: int
    warnings: tuple[str, ...] = field(default_factory=tuple)
    seconds: float = 0.0
    stages: tuple[tuple[str, float], ...] = ()
    """Seconds per stage (load, group, summarise, render, write), in order."""
    unchanged: bool = False
    """True when nothing had changed since the last build, which left the site as it was."""
    made: int = 0
    """Pages and feeds this build made."""
    taken: int = 0
    """Pages and feeds taken from the previous build (nothing they depend on changed)."""
