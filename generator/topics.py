"""Group articles into topics (pure and deterministic).

Manual choices win. A `topic:` pin in front matter puts an article in that topic (and an
automatic topic of that id takes it in); a note content/topics/<slug>.md names the topic
and can exclude articles from it (a pin beats an exclusion). Everything else is grouped
by `clustering.cluster()`; an article with no related coverage is a topic of its own.
Ids stay stable from build to build through the registry of `topic_ids`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from generator.config import TopicsConfig
from generator.models import Article, Topic, TopicNote
from generator.topic_ids import Group, Named, Namer, TopicRegistry, chronological

Clusterer = Callable[[Sequence[Article], TopicsConfig], list[list[Article]]]
"""Partitions articles into stories: `clustering.cluster`, or a cached form of it."""


def cluster(articles: Sequence[Article], settings: TopicsConfig) -> list[list[Article]]:
    """`clustering.cluster`, imported when first called: a build whose grouping comes
    from its cache never imports it (see generator.leads)."""
    from generator import clustering

    return clustering.cluster(articles, settings)


def group_topics(
    articles: Sequence[Article],
    notes: Sequence[TopicNote],
    settings: TopicsConfig,
    registry: TopicRegistry | None = None,
    cluster: Clusterer = cluster,
) -> tuple[Topic, ...]:
    """Topics for all articles, sorted by id; every article is in exactly one.

    `registry` is what the previous build left (`topic_ids.registry_of`); without it, ids
    come from the titles of the founding articles. Only `cluster` is costly: the build
    passes a cached one (naming, pins and notes are cheap and always redone)."""
    namer = Namer(registry or TopicRegistry())
    pinned = _pinned(articles)
    free = [a for a in articles if not a.topic]
    named = _absorb_pins(namer.name([Group(tuple(g)) for g in cluster(free, settings)]), pinned)
    named += namer.name([Group(tuple(m), slug) for slug, m in sorted(pinned.items())])
    named, excluded = _apply_exclusions(named, _notes_by_topic(notes, named))
    named += namer.name([Group(tuple(g)) for g in cluster(excluded, settings)])
    aliases = namer.aliases(named)
    by_topic = _notes_by_topic(notes, named, aliases)
    topics = [_topic(n, aliases[n.id], by_topic.get(n.id)) for n in named]
    return tuple(sorted(topics, key=lambda t: t.id))


def _pinned(articles: Sequence[Article]) -> dict[str, list[Article]]:
    pinned: dict[str, list[Article]] = {}
    for article in articles:
        if article.topic:
            pinned.setdefault(article.topic, []).append(article)
    return pinned


def _absorb_pins(named: list[Named], pinned: dict[str, list[Article]]) -> list[Named]:
    """An automatic topic whose id is a pin takes the pinned articles (removed from
    `pinned`): pinning to a topic's slug adds the article to that topic."""
    result = []
    for topic in named:
        extra = pinned.pop(topic.id, [])
        result.append(Named(topic.id, (*topic.members, *extra)) if extra else topic)
    return result


def _notes_by_topic(
    notes: Sequence[TopicNote],
    named: Sequence[Named],
    aliases: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, TopicNote]:
    """The note of each topic: the note named after its id, else after a former id (the
    first in order), so that a note follows its topic through a merge."""
    by_slug = {note.slug: note for note in notes}
    found: dict[str, TopicNote] = {}
    for topic in named:
        names = [topic.id, *(aliases or {}).get(topic.id, ())]
        note = next((by_slug[name] for name in names if name in by_slug), None)
        if note is not None:
            found[topic.id] = note
    return found


def _apply_exclusions(
    named: Sequence[Named], notes: Mapping[str, TopicNote]
) -> tuple[list[Named], list[Article]]:
    """Topics less the articles their notes exclude (unless pinned there), and those."""
    kept: list[Named] = []
    excluded: list[Article] = []
    for topic in named:
        note = notes.get(topic.id)
        out = {a.id for a in topic.members if note and a.id in note.exclude and a.topic is None}
        excluded += [a for a in topic.members if a.id in out]
        members = tuple(a for a in topic.members if a.id not in out)
        if members:
            kept.append(Named(topic.id, members))
    return kept, excluded


def _topic(named: Named, aliases: tuple[str, ...], note: TopicNote | None) -> Topic:
    ordered = sorted(named.members, key=chronological)
    dates = [a.date for a in ordered if a.date is not None]
    return Topic(
        id=named.id,
        title=note.title if note and note.title else ordered[0].title,
        article_ids=tuple(a.id for a in ordered),
        outlets=tuple(sorted({a.outlet for a in ordered if a.outlet})),
        date_start=min(dates) if dates else None,
        date_end=max(dates) if dates else None,
        notes_html=note.notes_html if note else "",
        aliases=aliases,
    )
