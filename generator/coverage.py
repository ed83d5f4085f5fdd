"""Coverage at a glance: which outlets covered a topic, and when.

A `Strip` has one lane per outlet; each article is a tick placed along the topic's own
time span (0-100), so the theme can draw it as static SVG with no script and no inline
style. Pure functions of the Site's values; the theme calls them through globals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from generator.models import Article, Topic

UNKNOWN_OUTLET = "unknown outlet"
"""Lane label of articles whose outlet is not known (as `outlet_label()` shows them)."""
MARGIN = 2.0
"""Ticks stay this far (in percent) from the ends so that none is cut in half."""


@dataclass(frozen=True, slots=True)
class Tick:
    """One article on a lane."""

    article_id: str
    position: float | None
    """Place along the topic's time span, MARGIN..100-MARGIN; None when undated."""


@dataclass(frozen=True, slots=True)
class Lane:
    """One outlet's articles in a topic."""

    outlet: str
    ticks: tuple[Tick, ...]
    """Oldest first, undated last (the topic's member order)."""
    first: datetime | None
    """Earliest dated article of this outlet in the topic; None if all are undated."""
    last: datetime | None
    undated: int
    """How many of this outlet's articles have no date."""


@dataclass(frozen=True, slots=True)
class Strip:
    """A topic's coverage by outlet over its time span."""

    topic_id: str
    start: datetime | None
    end: datetime | None
    lanes: tuple[Lane, ...]
    """Sorted by outlet name (case-insensitively); the unknown outlet last."""


def strip(topic: Topic, by_id: Mapping[str, Article]) -> Strip:
    """The coverage strip of one topic."""
    members = [by_id[i] for i in topic.article_ids if i in by_id]
    dates = [a.date for a in members if a.date is not None]
    start, end = (min(dates), max(dates)) if dates else (None, None)
    names = sorted({a.outlet for a in members if a.outlet}, key=lambda n: (n.casefold(), n))
    lanes = [_lane(name, [a for a in members if a.outlet == name], start, end) for name in names]
    unknown = [a for a in members if not a.outlet]
    if unknown:
        lanes.append(_lane(UNKNOWN_OUTLET, unknown, start, end))
    return Strip(topic.id, start, end, tuple(lanes))


def _lane(
    outlet: str, articles: list[Article], start: datetime | None, end: datetime | None
) -> Lane:
    dates = [a.date for a in articles if a.date is not None]
    ticks = tuple(Tick(a.id, position(a.date, start, end)) for a in articles)
    return Lane(
        outlet=outlet,
        ticks=ticks,
        first=min(dates) if dates else None,
        last=max(dates) if dates else None,
        undated=len(articles) - len(dates),
    )


def position(moment: datetime | None, start: datetime | None, end: datetime | None) -> float | None:
    """Where `moment` falls between start and end, in percent within the margins."""
    if moment is None or start is None or end is None:
        return None
    span = (end - start).total_seconds()
    fraction = (moment - start).total_seconds() / span if span > 0 else 0.5
    return round(MARGIN + (100 - 2 * MARGIN) * fraction, 2)


def topics_covered(article_ids: Iterable[str], topic_of: Mapping[str, Topic]) -> tuple[Topic, ...]:
    """The topics these articles belong to, each once, in the order first met."""
    seen: dict[str, Topic] = {}
    for article_id in article_ids:
        topic = topic_of.get(article_id)
        if topic is not None:
            seen.setdefault(topic.id, topic)
    return tuple(seen.values())
