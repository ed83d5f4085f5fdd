"""Group articles into topics (pure and deterministic).

Manual choices win: a `topic:` pin in front matter puts an article in that topic, and a
note in content/topics/<slug>.md names the topic and can exclude articles. Everything
else is grouped by `clustering.cluster()`; an article with no related coverage is a
topic of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from generator.clustering import cluster
from generator.config import TopicsConfig
from generator.models import Article, Topic, TopicNote
from generator.slugs import slugify

TOPIC_SLUG_LENGTH = 60


def group_topics(
    articles: Sequence[Article], notes: Sequence[TopicNote], settings: TopicsConfig
) -> tuple[Topic, ...]:
    """Topics for all articles, sorted by id; every article is in exactly one."""
    by_note = {note.slug: note for note in notes}
    pinned: dict[str, list[Article]] = {}
    free: list[Article] = []
    for article in articles:
        if article.topic:
            pinned.setdefault(article.topic, []).append(article)
        else:
            free.append(article)
    groups: list[tuple[str | None, list[Article]]] = [
        (slug, members) for slug, members in pinned.items()
    ]
    # An article a note excludes stays out of automatic grouping: it forms its own topic.
    excluded = {a.id for note in notes for a in free if a.id in note.exclude}
    clusterable = [a for a in free if a.id not in excluded]
    groups += [(None, members) for members in cluster(clusterable, settings)]
    groups += [(None, [a]) for a in free if a.id in excluded]
    return _assign_ids(groups, by_note)


def _assign_ids(
    groups: list[tuple[str | None, list[Article]]], notes: dict[str, TopicNote]
) -> tuple[Topic, ...]:
    """Give each group a stable id: its pin, else the slug of its founding article."""
    topics: list[Topic] = []
    taken: set[str] = set()
    ordered = sorted(groups, key=lambda g: (g[0] is None, g[0] or "", _founder(g[1]).id))
    for pin, members in ordered:
        slug = pin or _unique(slugify(_founder(members).title, TOPIC_SLUG_LENGTH), taken)
        taken.add(slug)
        topics.append(_topic(slug, members, notes.get(slug)))
    return tuple(sorted(topics, key=lambda t: t.id))


def _unique(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


def _founder(members: Sequence[Article]) -> Article:
    """The earliest article of a group (undated last, ties by id): it names the topic."""
    return min(members, key=_chronological)


def _chronological(article: Article) -> tuple[bool, datetime | str, str]:
    return (article.date is None, article.date or "", article.id)


def _topic(slug: str, members: Sequence[Article], note: TopicNote | None) -> Topic:
    ordered = sorted(members, key=_chronological)
    dates = [a.date for a in ordered if a.date is not None]
    title = note.title if note and note.title else ordered[0].title
    return Topic(
        id=slug,
        title=title,
        article_ids=tuple(a.id for a in ordered),
        outlets=tuple(sorted({a.outlet for a in ordered if a.outlet})),
        date_start=min(dates) if dates else None,
        date_end=max(dates) if dates else None,
        notes_html=note.notes_html if note else "",
    )
