"""The timeline of a topic: when each article appeared, and the dated events they mention."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from generator.models import Article
from generator.summary.dates import DateMention
from generator.summary.model import Citation, Event, Publication, Ref, Statement, Timeline
from generator.summary.sentences import Sentence


def publications(
    members: Sequence[Article], source_of: Mapping[str, str], zone: ZoneInfo
) -> tuple[Publication, ...]:
    """Each article's publication time in the site zone, oldest first, undated last."""
    items = [
        Publication(
            a.id, source_of[a.id], a.date.astimezone(zone) if a.date else None, a.date_has_time
        )
        for a in members
    ]
    return tuple(
        sorted(
            items,
            key=lambda p: (
                p.moment is None,
                p.moment.timestamp() if p.moment else 0.0,
                p.article_id,
            ),
        )
    )


def events(
    mentions: Sequence[DateMention],
    sentences: Sequence[Sentence],
    source_of: Mapping[str, str],
    refs_of: Mapping[int, tuple[Ref, ...]],
) -> tuple[Event, ...]:
    """One event per dated sentence and date, earliest first; unplaced ones last."""
    found: dict[tuple[int, str | None], Event] = {}
    for mention in mentions:
        sentence = sentences[mention.sentence]
        citation = Citation(source_of[sentence.article_id], sentence.text, refs_of[sentence.key])
        statement = Statement(sentence.text, (citation,))
        found.setdefault(
            (sentence.key, mention.when), Event(mention.when, mention.expression, statement)
        )
    ordered = sorted(found.items(), key=lambda kv: (kv[1].when is None, kv[1].when or "", kv[0][0]))
    return tuple(event for _, event in ordered)


def make_timeline(
    members: Sequence[Article],
    mentions: Sequence[DateMention],
    sentences: Sequence[Sentence],
    source_of: Mapping[str, str],
    refs_of: Mapping[int, tuple[Ref, ...]],
    zone: ZoneInfo,
) -> Timeline:
    """Publications and events together."""
    return Timeline(
        publications(members, source_of, zone), events(mentions, sentences, source_of, refs_of)
    )
