"""The topic id registry: its file format, and how groups inherit ids."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from generator.errors import ContentError
from generator.models import Article, Body, Topic
from generator.topic_ids import (
    Group,
    Namer,
    RegisteredTopic,
    TopicRegistry,
    format_registry,
    parse_registry,
    registry_of,
)


def article(aid: str, title: str = "A story", day: int | None = 1) -> Article:
    return Article(
        id=aid,
        path=f"articles/{aid}.md",
        title=title,
        outlet=None,
        authors=(),
        date=datetime(2023, 3, day, tzinfo=UTC) if day else None,
        date_has_time=False,
        body=Body("", ()),
    )


REGISTRY = TopicRegistry(
    (
        RegisteredTopic("bridge", ("a", "b", "c"), ("old-bridge",)),
        RegisteredTopic("festival", ("d", "e")),
    )
)


def test_format_and_parse_round_trip() -> None:
    text = format_registry(REGISTRY)
    assert text.endswith("}\n") and '"version": 1' in text
    assert parse_registry(text, "content/topic-ids.json") == REGISTRY
    assert format_registry(parse_registry(text, "x")) == text


@pytest.mark.parametrize(
    "text",
    ["", "[]", '{"topics": []}', '{"topics": {"x": {"articles": [1]}}}', '{"topics": {"x": 3}}'],
)
def test_malformed_registry_is_a_one_line_error(text: str) -> None:
    with pytest.raises(ContentError) as caught:
        parse_registry(text, "content/topic-ids.json")
    message = str(caught.value)
    assert message.startswith("content/topic-ids.json: not a topic id registry")
    assert "\n" not in message


def test_registry_of_topics_is_sorted() -> None:
    topics = [
        Topic("z", "Z", ("b", "a"), (), None, None, aliases=("y",)),
        Topic("m", "M", ("c",), (), None, None),
    ]
    registry = registry_of(topics)
    assert [t.id for t in registry.topics] == ["m", "z"]
    assert registry.topics[1] == RegisteredTopic("z", ("a", "b"), ("y",))


def names(groups: list[Group], registry: TopicRegistry = REGISTRY) -> dict[str, frozenset[str]]:
    namer = Namer(registry)
    named = namer.name(groups)
    return {n.id: frozenset(a.id for a in n.members) for n in named}


def test_a_group_keeps_the_id_of_its_earlier_topic() -> None:
    # A new, older article would name a fresh topic differently; the registry wins.
    grown = Group((article("a"), article("b"), article("z", "Earlier", day=None)))
    assert names([grown]) == {"bridge": frozenset({"a", "b", "z"})}


def test_new_groups_are_named_after_their_earliest_article() -> None:
    group = Group((article("q", "Later news", 5), article("p", "First news", 2)))
    assert names([group]) == {"first-news": frozenset({"p", "q"})}


def test_new_slugs_never_reuse_registry_ids_or_aliases() -> None:
    groups = [Group((article("p", "Bridge"),)), Group((article("q", "Old bridge"),))]
    assert set(names(groups)) == {"bridge-2", "old-bridge-2"}


def test_split_largest_part_keeps_the_id() -> None:
    groups = [Group((article("c"),)), Group((article("a"), article("b")))]
    assert names(groups)["bridge"] == frozenset({"a", "b"})


def test_merge_keeps_the_larger_topic_and_aliases_the_other() -> None:
    namer = Namer(REGISTRY)
    merged = namer.name([Group(tuple(article(x) for x in "abcde"))])
    assert [n.id for n in merged] == ["bridge"]
    assert namer.aliases(merged) == {"bridge": ("festival", "old-bridge")}


def test_pins_are_ids_and_take_over_their_articles_topics() -> None:
    namer = Namer(REGISTRY)
    named = namer.name([Group((article("d"), article("e")), pin="my-pick")])
    assert [n.id for n in named] == ["my-pick"]
    assert namer.aliases(named) == {"my-pick": ("festival",)}


def test_topics_whose_articles_are_gone_are_forgotten() -> None:
    namer = Namer(REGISTRY)
    named = namer.name([Group((article("a"),))])
    assert namer.aliases(named) == {"bridge": ("old-bridge",)}
