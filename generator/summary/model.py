"""The frozen values of a topic summary, and their archive.json form.

Every statement carries `Ref`s: an article id and a paragraph number (the `#pN` anchor of
our copy). Sources are named by `Source.label`, unique within one summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from generator.models import pickled_by_fields


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Ref:
    """A paragraph of one article."""

    article_id: str
    paragraph: int
    """1-based number in `Article.paragraphs`; the page anchor is `p{paragraph}`."""

    def to_json(self) -> dict[str, Any]:
        return {"article": self.article_id, "paragraph": self.paragraph}


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Source:
    """One independent voice: an outlet's articles, or wire copies of one text."""

    label: str
    """The outlet name(s), unique within the summary ("unknown outlet 2" when needed)."""
    article_ids: tuple[str, ...]
    """Member articles, chronological."""
    wire_copy: bool
    """True when near-identical texts appeared in several articles (counted once)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "articles": list(self.article_ids),
            "wire_copy": self.wire_copy,
        }


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Citation:
    """What one source says, verbatim, and where."""

    source: str
    """`Source.label`."""
    text: str
    """The sentence (or, for quotes and differences, the words) as this source has them."""
    refs: tuple[Ref, ...]
    """Paragraphs carrying it: one, or one per wire copy."""

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "text": self.text,
            "refs": [r.to_json() for r in self.refs],
        }


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Statement:
    """A sentence from the articles and every source that reports the same."""

    text: str
    """The sentence shown: verbatim from the first citation."""
    citations: tuple[Citation, ...]
    """One per source; the first is where `text` comes from."""

    @property
    def sources(self) -> tuple[str, ...]:
        """Labels of the sources that report it."""
        return tuple(c.source for c in self.citations)

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "citations": [c.to_json() for c in self.citations]}


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class OnlyIn:
    """Facts that a single source reports."""

    source: str
    statements: tuple[Statement, ...]
    """In reading order."""
    omitted: int = 0
    """How many more such sentences the source has (left out to keep the page short)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "statements": [s.to_json() for s in self.statements],
            "omitted": self.omitted,
        }


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Variant:
    """One source's version of something the sources disagree on."""

    source: str
    value: str
    """The differing words: "15,000", "Korochenko", "talk show host", a quote's wording."""
    text: str
    """The sentence the value comes from."""
    refs: tuple[Ref, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "value": self.value,
            "text": self.text,
            "refs": [r.to_json() for r in self.refs],
        }


DIFFERENCE_KINDS = ("figure", "name", "description", "quote", "date")


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Difference:
    """Where the accounts differ: every source's value and the sentence it comes from."""

    kind: str
    """One of DIFFERENCE_KINDS."""
    subject: str
    """What differs: a counted thing ("volunteers"), a name, a person, a speaker's words."""
    variants: tuple[Variant, ...]
    """At least two distinct values, from at least two sources."""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "variants": [v.to_json() for v in self.variants],
        }


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Quote:
    """Who said what, and which sources carry it."""

    speaker: str | None
    """The speaker's name, or how the articles describe an unnamed speaker; None if unknown."""
    text: str
    """The longest wording among the sources."""
    citations: tuple[Citation, ...]
    """Per source: its wording of the quote and the paragraph."""

    def to_json(self) -> dict[str, Any]:
        return {
            "speaker": self.speaker,
            "text": self.text,
            "citations": [c.to_json() for c in self.citations],
        }


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Publication:
    """When one article was published."""

    article_id: str
    source: str
    moment: datetime | None
    """In the site time zone; None for an undated article."""
    has_time: bool

    def to_json(self) -> dict[str, Any]:
        when = None
        if self.moment is not None:
            when = self.moment.isoformat() if self.has_time else self.moment.date().isoformat()
        return {"article": self.article_id, "source": self.source, "date": when}


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Event:
    """A dated event an article mentions."""

    when: str | None
    """ISO 8601 date, month (`2022-07`) or year; None when it cannot be placed (undated article)."""
    expression: str
    """The date as written: "in July", "last month", "Oct. 15"."""
    statement: Statement

    def to_json(self) -> dict[str, Any]:
        return {"when": self.when, "expression": self.expression, **self.statement.to_json()}


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Timeline:
    """Publication times, then the events the articles date."""

    publications: tuple[Publication, ...]
    """Oldest first, undated last."""
    events: tuple[Event, ...]
    """Earliest first; events that cannot be placed last."""

    def to_json(self) -> dict[str, Any]:
        return {
            "published": [p.to_json() for p in self.publications],
            "events": [e.to_json() for e in self.events],
        }


ENTITY_KINDS = ("person", "organisation", "place", "other")


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation or place, and who mentions it."""

    name: str
    kind: str
    """One of ENTITY_KINDS."""
    spellings: tuple[str, ...]
    """Other spellings of the name in the articles."""
    sources: tuple[str, ...]
    refs: tuple[Ref, ...]
    """The first mention in each article."""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "spellings": list(self.spellings),
            "sources": list(self.sources),
            "refs": [r.to_json() for r in self.refs],
        }


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Summary:
    """The cross-source summary of one topic."""

    topic_id: str
    single_source: bool
    """True when all members are one source (one article, one outlet, or wire copies)."""
    sources: tuple[Source, ...]
    lead: tuple[Statement, ...]
    """3-5 sentences from the articles (a single source: its opening sentences)."""
    agreed: tuple[Statement, ...]
    """Facts two or more sources report."""
    only: tuple[OnlyIn, ...]
    """Facts a single source reports, by source."""
    differences: tuple[Difference, ...]
    quotes: tuple[Quote, ...]
    timeline: Timeline
    entities: tuple[Entity, ...]

    def to_json(self) -> dict[str, Any]:
        """The `summary` object of a topic in archive.json (see generator.summarize)."""
        return {
            "single_source": self.single_source,
            "sources": [s.to_json() for s in self.sources],
            "lead": [s.to_json() for s in self.lead],
            "agreed": [s.to_json() for s in self.agreed],
            "only": [o.to_json() for o in self.only],
            "differences": [d.to_json() for d in self.differences],
            "quotes": [q.to_json() for q in self.quotes],
            "timeline": self.timeline.to_json(),
            "entities": [e.to_json() for e in self.entities],
        }
