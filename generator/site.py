"""The immutable snapshot of everything a build renders, and its derived indexes.

Gathering ends here: `make_site()` takes validated articles and topics and returns a Site
in which every list is already sorted; renderers only read it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

from generator.config import OutletConfig, SiteConfig
from generator.models import Article, Topic
from generator.slugs import slugify


@dataclass(frozen=True, slots=True)
class Group:
    """A named list of articles: an outlet, an author or a tag."""

    slug: str
    name: str
    article_ids: tuple[str, ...]
    """Newest first, undated last."""
    outlet: OutletConfig | None = None
    """The registry entry, for outlets that have one."""


@dataclass(frozen=True, slots=True)
class Period:
    """A year or month of the date archive (`key` is `2022` or `2022/08`, or `undated`)."""

    key: str
    label: str
    article_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Site:
    """Everything a build renders; read-only."""

    config: SiteConfig
    articles: tuple[Article, ...]
    """Newest first, undated last, ties by id."""
    by_id: Mapping[str, Article]
    topics: tuple[Topic, ...]
    """Newest activity first."""
    topic_of: Mapping[str, Topic]
    """Article id -> its topic."""
    outlets: tuple[Group, ...]
    authors: tuple[Group, ...]
    tags: tuple[Group, ...]
    years: tuple[Period, ...]
    months: tuple[Period, ...]
    updated: datetime
    """The site's last change: newest article date, or SOURCE_DATE_EPOCH, never the clock."""


_NamesOf = Callable[[Article], Iterable[str]]
_Period = Callable[[datetime], tuple[str, str]]

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def newest_first(article: Article) -> tuple[bool, float, str]:
    """Sort key: newest first, undated last, then by id."""
    stamp = -article.date.timestamp() if article.date else 0.0
    return (article.date is None, stamp, article.id)


def make_site(config: SiteConfig, articles: Iterable[Article], topics: Sequence[Topic]) -> Site:
    """Sort, index and freeze everything the renderers need."""
    ordered = tuple(sorted(articles, key=newest_first))
    by_id = {a.id: a for a in ordered}
    topic_of = {aid: topic for topic in topics for aid in topic.article_ids}
    return Site(
        config=config,
        articles=ordered,
        by_id=MappingProxyType(by_id),
        topics=tuple(sorted(topics, key=lambda t: _topic_activity(t, by_id))),
        topic_of=MappingProxyType(topic_of),
        outlets=_outlets(ordered, config.outlets),
        authors=_groups(ordered, lambda a: a.authors),
        tags=_groups(ordered, lambda a: a.tags),
        years=_periods(ordered, config.zone, _year),
        months=_periods(ordered, config.zone, _month),
        updated=_updated(ordered),
    )


def _topic_activity(topic: Topic, by_id: Mapping[str, Article]) -> tuple[bool, float, str]:
    end = topic.date_end
    return (end is None, -end.timestamp() if end else 0.0, topic.id)


def _outlets(articles: Sequence[Article], registry: Sequence[OutletConfig]) -> tuple[Group, ...]:
    known = {o.name.casefold(): o for o in registry}
    groups = _groups(articles, lambda a: (a.outlet,) if a.outlet else ())
    return tuple(Group(g.slug, g.name, g.article_ids, known.get(g.name.casefold())) for g in groups)


def _groups(articles: Sequence[Article], names_of: _NamesOf) -> tuple[Group, ...]:
    """Group articles by name (case-insensitively); slugs are made unique."""
    members: dict[str, list[str]] = {}
    spelling: dict[str, str] = {}
    for article in articles:
        for name in names_of(article):
            key = name.casefold()
            spelling.setdefault(key, name)
            members.setdefault(key, []).append(article.id)
    taken: set[str] = set()
    groups = []
    for key in sorted(members):
        slug = _unique(slugify(spelling[key]), taken)
        groups.append(Group(slug, spelling[key], tuple(members[key])))
    return tuple(sorted(groups, key=lambda g: (g.name.casefold(), g.slug)))


def _unique(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    taken.add(candidate)
    return candidate


# Not strftime ("%Y"): it took a tenth of a second per 10,000 articles, every build.
def _year(moment: datetime) -> tuple[str, str]:
    year = str(moment.year)
    return year, year


def _month(moment: datetime) -> tuple[str, str]:
    return f"{moment.year}/{moment.month:02d}", f"{MONTHS[moment.month - 1]} {moment.year}"


def _periods(articles: Sequence[Article], zone: ZoneInfo, period: _Period) -> tuple[Period, ...]:
    """Articles by period in the site time zone, newest period first."""
    members: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for article in articles:
        if article.date is not None:
            key, label = period(article.date.astimezone(zone))
            labels.setdefault(key, label)
            members.setdefault(key, []).append(article.id)
    return tuple(Period(k, labels[k], tuple(members[k])) for k in sorted(members, reverse=True))


def _updated(articles: Sequence[Article]) -> datetime:
    dates = [a.date for a in articles if a.date is not None]
    if dates:
        return max(dates)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "0")
    return datetime.fromtimestamp(int(epoch) if epoch.isdigit() else 0, tz=UTC)
