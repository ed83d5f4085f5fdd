"""Topics: grouping, manual pins and notes, and ids that survive rebuilds."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.config import TopicsConfig
from generator.content import load_content
from generator.models import Article, Topic, TopicNote
from generator.topic_ids import TopicRegistry, registry_of
from generator.topics import group_topics
from tests.test_clustering import load_stories

REPO = Path(__file__).resolve().parents[1]
SETTINGS = TopicsConfig()
ALDER = "port-alder-harbour-bridge-closed-after-engineers-find-crack"


def topics_of(
    articles: list[Article],
    notes: tuple[TopicNote, ...] = (),
    registry: TopicRegistry | None = None,
) -> dict[str, Topic]:
    return {t.id: t for t in group_topics(articles, notes, SETTINGS, registry)}


def note(slug: str, title: str | None = None, exclude: tuple[str, ...] = ()) -> TopicNote:
    return TopicNote(slug, f"topics/{slug}.md", title, "<p>Analyst notes.</p>", exclude)


def pin(articles: list[Article], aid: str, slug: str) -> list[Article]:
    return [dataclasses.replace(a, topic=slug) if a.id == aid else a for a in articles]


def test_seed_articles_form_one_topic() -> None:
    content = load_content(REPO / "content", ZoneInfo("UTC"))
    seeds = [a for a in content.articles if "north-korea" in a.id]
    assert len(seeds) == 2 and any(a.date is None for a in seeds)
    topics = [
        t
        for t in group_topics(content.articles, content.notes, SETTINGS)
        if seeds[0].id in t.article_ids
    ]
    assert len(topics) == 1 and set(topics[0].article_ids) >= {a.id for a in seeds}


def test_topics_of_the_stories() -> None:
    articles, _ = load_stories()
    topics = topics_of(articles)
    alder = topics[ALDER]
    assert alder.article_ids[0] == "herald-port-alder-bridge-closed"  # oldest first
    assert alder.article_ids[-1] == "undated-port-alder-girder"  # undated last
    assert alder.outlets == ("The Coastal Herald", "The Evening Courier", "The Morning Ledger")
    assert alder.date_start is not None and alder.date_end is not None
    assert (alder.date_end - alder.date_start).days == 3
    assert topics["orsk-council-approves-new-library-budget"].article_ids == (
        "herald-orsk-library-budget",
    )
    assert len(topics) == 4
    assert sorted(aid for t in topics.values() for aid in t.article_ids) == sorted(
        a.id for a in articles
    )


def test_order_of_input_does_not_matter() -> None:
    articles, _ = load_stories()
    shuffled = articles[:]
    random.Random(3).shuffle(shuffled)
    assert group_topics(shuffled, (), SETTINGS) == group_topics(articles, (), SETTINGS)


def test_pin_moves_an_article_to_its_own_topic() -> None:
    articles, _ = load_stories()
    topics = topics_of(pin(articles, "herald-orsk-library-budget", "local-politics"))
    assert topics["local-politics"].article_ids == ("herald-orsk-library-budget",)
    assert "orsk-council-approves-new-library-budget" not in topics


def test_pin_to_an_automatic_topic_joins_it() -> None:
    articles, _ = load_stories()
    topics = topics_of(pin(articles, "herald-orsk-library-budget", ALDER))
    assert "herald-orsk-library-budget" in topics[ALDER].article_ids
    assert len(topics[ALDER].article_ids) == 6


def test_note_titles_the_topic_and_excludes_articles() -> None:
    articles, _ = load_stories()
    excluded = ("courier-port-alder-diversion", "undated-port-alder-girder")
    topics = topics_of(articles, (note(ALDER, "The bridge closure", excluded),))
    alder = topics[ALDER]
    assert alder.title == "The bridge closure" and alder.notes_html == "<p>Analyst notes.</p>"
    assert not set(excluded) & set(alder.article_ids)
    # The excluded articles tell the same story: they stay together, under a new id.
    others = [t for t in topics.values() if set(excluded) & set(t.article_ids)]
    assert len(others) == 1 and set(others[0].article_ids) == set(excluded)


def test_a_pin_beats_an_exclusion() -> None:
    articles, _ = load_stories()
    pinned = pin(articles, "courier-port-alder-diversion", ALDER)
    topics = topics_of(pinned, (note(ALDER, exclude=("courier-port-alder-diversion",)),))
    assert "courier-port-alder-diversion" in topics[ALDER].article_ids


def test_rebuild_with_the_registry_changes_nothing() -> None:
    articles, _ = load_stories()
    first = group_topics(articles, (), SETTINGS)
    again = group_topics(articles, (), SETTINGS, registry_of(first))
    assert again == first


def test_an_earlier_article_does_not_rename_the_topic() -> None:
    articles, _ = load_stories()
    registry = registry_of(group_topics(articles, (), SETTINGS))
    source = next(a for a in articles if a.id == "ledger-port-alder-bridge-crack")
    assert source.date is not None
    earlier = dataclasses.replace(
        source, id="an-earlier-report", title="Inspectors check Port Alder bridge girder",
        date=source.date.replace(hour=6),
    )  # fmt: skip
    topics = topics_of([*articles, earlier], registry=registry)
    assert "an-earlier-report" in topics[ALDER].article_ids
    assert topics[ALDER].article_ids[0] == "an-earlier-report"
    without = topics_of([*articles, earlier])
    assert ALDER not in without  # without memory the founder would have renamed it


def test_merged_topics_keep_the_old_id_as_alias() -> None:
    articles, _ = load_stories()
    festival = [a for a in articles if "halden" in a.id]
    split = group_topics(festival, (), dataclasses.replace(SETTINGS, threshold=1.0))
    assert len(split) == 2
    merged = group_topics(festival, (), SETTINGS, registry_of(split))
    assert len(merged) == 1
    assert merged[0].aliases == tuple(sorted({t.id for t in split} - {merged[0].id}))
    # The alias is remembered by the next build, and a note follows it.
    alias = merged[0].aliases[0]
    again = group_topics(festival, (note(alias, "Lanterns"),), SETTINGS, registry_of(merged))
    assert again[0].aliases == (alias,) and again[0].title == "Lanterns"
