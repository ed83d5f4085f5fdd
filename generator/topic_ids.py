"""Stable topic ids: what earlier builds called each topic, and what to call topics now.

A topic's id is its URL slug, so it must survive rebuilds and new articles. A group of
articles takes the id of the earlier topic it shares the most articles with; when two
earlier topics end up in one group, the id that lost out becomes an alias of the merged
topic (its URL redirects there). A group that shares nothing with earlier topics is named
after the title of its earliest article.

The memory is a registry: a small JSON file kept with the content, read at the start of a
build and written back after it (`format_registry(registry_of(topics))`). The same
articles and the same registry always give the same ids; without a registry, ids come
from titles alone, which is deterministic too.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from generator.errors import ContentError, Diagnostic, Severity
from generator.models import Article, Topic
from generator.slugs import slugify

REGISTRY_VERSION = 1
REGISTRY_FILE = "topic-ids.json"
"""Under content/: the topic ids of the last build. It lives with the content (and its
version control), not in the cache, so that every clone of an archive names topics alike."""
TOPIC_SLUG_LENGTH = 60


@dataclass(frozen=True, slots=True)
class RegisteredTopic:
    """One topic as a build left it."""

    id: str
    article_ids: tuple[str, ...]
    """Its members, by article id."""
    aliases: tuple[str, ...] = ()
    """Ids it had before merges: their URLs redirect to it."""


@dataclass(frozen=True, slots=True)
class TopicRegistry:
    """The topics of the previous build: the memory that keeps ids stable."""

    topics: tuple[RegisteredTopic, ...] = ()


@dataclass(frozen=True, slots=True)
class Group:
    """Articles that form one topic, before it has an id."""

    members: tuple[Article, ...]
    pin: str | None = None
    """The id a front matter pin gives the group; None for an automatic group."""


@dataclass(frozen=True, slots=True)
class Named:
    """A group and the id it gets."""

    id: str
    members: tuple[Article, ...]


def registry_of(topics: Iterable[Topic]) -> TopicRegistry:
    """The registry a build leaves for the next one."""
    entries = (RegisteredTopic(t.id, tuple(sorted(t.article_ids)), t.aliases) for t in topics)
    return TopicRegistry(tuple(sorted(entries, key=lambda e: e.id)))


def format_registry(registry: TopicRegistry) -> str:
    """The registry as JSON text: sorted, one topic per block, ending in a newline."""
    topics = {
        entry.id: {"articles": list(entry.article_ids), "aliases": list(entry.aliases)}
        for entry in sorted(registry.topics, key=lambda e: e.id)
    }
    data = {"version": REGISTRY_VERSION, "topics": topics}
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def parse_registry(text: str, name: str) -> TopicRegistry:
    """Read registry text; a malformed file is a ContentError naming `name`."""
    try:
        data = json.loads(text)
        return TopicRegistry(tuple(_entry(key, value) for key, value in data["topics"].items()))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        message = (
            f"not a topic id registry ({exc.__class__.__name__}: {exc}); it is rewritten by "
            "every build: restore it from version control, or delete it to name topics afresh"
        )
        raise ContentError([Diagnostic(name, None, message, Severity.ERROR)]) from None


def _entry(key: Any, value: Any) -> RegisteredTopic:
    articles, aliases = value["articles"], value.get("aliases", [])
    if not isinstance(key, str) or not all(isinstance(x, str) for x in [*articles, *aliases]):
        raise TypeError(f"topic {key!r}: ids must be strings")
    return RegisteredTopic(key, tuple(articles), tuple(aliases))


class Namer:
    """Gives groups ids, remembering the previous build's; one instance per build."""

    def __init__(self, registry: TopicRegistry) -> None:
        self.previous = registry
        self.topic_of = {aid: t.id for t in registry.topics for aid in t.article_ids}
        # Ids and aliases ever handed out are not reused for a different story.
        self.taken = {t.id for t in registry.topics} | {
            a for t in registry.topics for a in t.aliases
        }
        self.used: set[str] = set()

    def name(self, groups: Sequence[Group]) -> list[Named]:
        """Ids for `groups`: a pin; else the earlier topic sharing the most articles with
        the group (ties: the earlier topic with more articles, then by id); else a new
        slug from the group's earliest article."""
        ids: dict[int, str] = {i: g.pin for i, g in enumerate(groups) if g.pin is not None}
        self.used.update(ids.values())
        for _, _, _, index, previous in sorted(self._claims(groups)):
            if index not in ids and previous not in self.used:
                ids[index] = previous
                self.used.add(previous)
        for index, group in sorted(enumerate(groups), key=lambda g: _founder(g[1].members).id):
            if index not in ids:
                ids[index] = self._fresh(_founder(group.members).title)
        return [Named(ids[i], g.members) for i, g in enumerate(groups)]

    def _claims(self, groups: Sequence[Group]) -> list[tuple[int, int, str, int, str]]:
        """(-shared, -former size, id, group, id) for each group and earlier topic."""
        sizes = {t.id: len(t.article_ids) for t in self.previous.topics}
        claims = []
        for index, group in enumerate(groups):
            if group.pin is None:
                shared = Counter(self.topic_of.get(a.id) for a in group.members)
                shared.pop(None, None)
                claims += [(-n, -sizes[p], p, index, p) for p, n in shared.items() if p]
        return claims

    def _fresh(self, title: str) -> str:
        slug = slugify(title, TOPIC_SLUG_LENGTH)
        candidate, number = slug, 2
        while candidate in self.taken or candidate in self.used:
            candidate, number = f"{slug}-{number}", number + 1
        self.used.add(candidate)
        return candidate

    def aliases(self, named: Sequence[Named]) -> dict[str, tuple[str, ...]]:
        """Former ids of each topic: the earlier topics it carries on, less live ids."""
        live = {n.id for n in named}
        holder = _holders(named)
        found: dict[str, set[str]] = {n.id: set() for n in named}
        for earlier in sorted(self.previous.topics, key=lambda t: t.id):
            heir = earlier.id if earlier.id in live else _heir(earlier, holder)
            if heir is not None:
                found[heir].update({earlier.id, *earlier.aliases} - live)
        return {topic: tuple(sorted(names)) for topic, names in found.items()}


def _holders(named: Sequence[Named]) -> Mapping[str, str]:
    return {a.id: n.id for n in named for a in n.members}


def _heir(earlier: RegisteredTopic, holder: Mapping[str, str]) -> str | None:
    """The topic now holding most of an earlier topic's articles (ties: by id)."""
    counts = Counter(holder[a] for a in earlier.article_ids if a in holder)
    if not counts:
        return None  # every article is gone: so is the topic
    return min(counts, key=lambda topic: (-counts[topic], topic))


def _founder(members: Sequence[Article]) -> Article:
    """The earliest article of a group (undated last, ties by id): it names the topic."""
    return min(members, key=chronological)


def chronological(article: Article) -> tuple[bool, datetime | str, str]:
    """Sort key: oldest first, undated last, ties by id."""
    return (article.date is None, article.date or "", article.id)
