"""Coverage strips: lanes per outlet, ticks placed along the topic's time span."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from generator.coverage import MARGIN, UNKNOWN_OUTLET, position, strip, topics_covered
from generator.models import Article, Body, Topic

START = datetime(2024, 3, 1, 12, tzinfo=UTC)


def article(aid: str, outlet: str | None, days: float | None) -> Article:
    date = None if days is None else START + timedelta(days=days)
    return Article(
        id=aid, path=f"articles/{aid}.md", title=aid.title(), outlet=outlet, authors=(),
        date=date, date_has_time=True, body=Body("", ()),
    )  # fmt: skip


def topic(tid: str, *members: Article) -> Topic:
    dates = [a.date for a in members if a.date is not None]
    return Topic(
        id=tid, title=tid, article_ids=tuple(a.id for a in members),
        outlets=tuple(sorted({a.outlet for a in members if a.outlet})),
        date_start=min(dates) if dates else None, date_end=max(dates) if dates else None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("days", "expected"),
    [(0, MARGIN), (10, 100 - MARGIN), (5, 50.0), (2.5, 26.0), (None, None)],
)
def test_position_spans_the_margins(days: float | None, expected: float | None) -> None:
    moment = None if days is None else START + timedelta(days=days)
    assert position(moment, START, START + timedelta(days=10)) == expected


def test_a_topic_of_one_moment_is_centred() -> None:
    assert position(START, START, START) == 50.0


def test_lanes_per_outlet_sorted_with_unknown_last() -> None:
    members = (
        article("a", "Northern Ledger", 0),
        article("b", "the daily meridian", 4),
        article("c", None, 2),
        article("d", "Northern Ledger", 8),
        article("e", "Northern Ledger", None),
    )
    result = strip(topic("t", *members), {a.id: a for a in members})
    assert [lane.outlet for lane in result.lanes] == [
        "Northern Ledger",
        "the daily meridian",
        UNKNOWN_OUTLET,
    ]
    ledger = result.lanes[0]
    assert [t.article_id for t in ledger.ticks] == ["a", "d", "e"]
    assert [t.position for t in ledger.ticks] == [MARGIN, 100 - MARGIN, None]
    assert (ledger.first, ledger.last, ledger.undated) == (
        START,
        START + timedelta(days=8),
        1,
    )
    assert result.lanes[2].ticks[0].position == 26.0  # day 2 of 8
    assert (result.start, result.end) == (START, START + timedelta(days=8))


def test_an_undated_topic_has_lanes_without_positions() -> None:
    members = (article("a", "Ledger", None), article("b", "Ledger", None))
    result = strip(topic("t", *members), {a.id: a for a in members})
    (lane,) = result.lanes
    assert lane.first is None and lane.undated == 2
    assert all(t.position is None for t in lane.ticks)


def test_topics_covered_keeps_first_seen_order_once_each() -> None:
    one = topic("one", article("a", "X", 0), article("b", "Y", 1))
    two = topic("two", article("c", "X", 2))
    topic_of = {"a": one, "b": one, "c": two}
    assert topics_covered(["c", "a", "b", "zz"], topic_of) == (two, one)
    assert topics_covered([], topic_of) == ()
