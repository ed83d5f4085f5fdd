"""Dates the articles mention, placed on the calendar from the article's own date.

"Aug. 8, 2022" and "8 August" are days; "in July" and "last month" are months; "on
Friday" is the last Friday up to the publication day. An undated article's relative
dates cannot be placed and stay as written. Two related sentences of different sources
that place their event on different days are a date difference.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from generator.summary.align import Pairs
from generator.summary.model import Difference, Ref, Variant
from generator.summary.sentences import Sentence, spellings_of

MONTHS = (
    "january february march april may june july august september october november december"
).split()
_MONTH = r"(?:jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?|aug(?:ust|\.)?|sept?(?:ember|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)"  # noqa: E501
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_BEFORE_MONTH = "in since last early late mid by until from".split()
_BEFORE_YEAR = "in since by until from".split()
_RELATIVE = "yesterday today last this".split()
# Each branch starts with a digit or one of these words: a look-ahead for their first
# letters turns most word boundaries away before `re` tries every branch (nearly half the
# time of finding the dates of 1,000 articles), and finds the same matches.
_FIRST_LETTERS = "".join(
    sorted({w[0] for w in [*MONTHS, *_BEFORE_MONTH, *_WEEKDAYS, "on", *_RELATIVE]})
)
_BEFORE_MONTHS = "|".join(_BEFORE_MONTH).replace("mid", "mid-?")  # "mid-March", "mid March"
_EXPRESSION = re.compile(
    rf"\b(?=[\d{_FIRST_LETTERS}])"
    rf"(?:(?P<md>{_MONTH}\s+(?P<md_day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<md_year>\d{{4}}))?)"
    rf"|(?P<dm>(?P<dm_day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm_month>{_MONTH})(?:,?\s+(?P<dm_year>\d{{4}}))?)"
    rf"|(?P<m>(?:{_BEFORE_MONTHS})\s+(?P<m_month>{_MONTH})(?:\s+(?P<m_year>\d{{4}}))?)"
    rf"|(?P<wd>(?:on\s+|last\s+)?(?P<weekday>{'|'.join(_WEEKDAYS)}))"
    rf"|(?P<rel>yesterday|today|last (?:week|month|year)|this (?:week|month|year))"
    rf"|(?P<y>(?:{'|'.join(_BEFORE_YEAR)})\s+(?P<year>(?:19|20)\d\d)))\b",
    re.IGNORECASE,
)


# A sentence has a date expression only if it has one of these tokens (a month or weekday is
# capitalised, as `date_mentions` requires): most sentences are ruled out without the regex.
_HINTS = (
    spellings_of([*MONTHS, *(m[:3] for m in MONTHS), "sept", *_WEEKDAYS], ("title", "upper"))
    | spellings_of(["yesterday", "today", "week", "month", "year"])
    | {str(year) for year in range(1900, 2100)}
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression in a sentence, placed when possible."""

    sentence: int
    expression: str
    when: str | None
    """ISO day (2022-08-05), month (2022-07) or year (2022); None if it cannot be placed."""


def _month_number(text: str) -> int:
    return next(i for i, name in enumerate(MONTHS, 1) if name.startswith(text.lower()[:3]))


def _before(month: int, day: int | None, base: date) -> int:
    """The year of a month (and day) given without a year: the latest not after `base`."""
    later = (month, day or 1) > (base.month, base.day)
    return base.year - 1 if later else base.year


def place(match: re.Match[str], base: date | None) -> str | None:
    """The ISO date, month or year an expression stands for, relative to `base`."""
    groups = match.groupdict()
    if groups["md"] or groups["dm"]:
        prefix = "md" if groups["md"] else "dm"
        month = _month_number(match.group(prefix if prefix == "md" else "dm_month"))
        day, year = int(groups[f"{prefix}_day"]), groups[f"{prefix}_year"]
        if not 1 <= day <= 31 or (year is None and base is None):
            return None
        full = int(year) if year else _before(month, day, base)  # type: ignore[arg-type]
        return f"{full:04d}-{month:02d}-{day:02d}"
    if groups["m"]:
        month = _month_number(groups["m_month"])
        if groups["m_year"]:
            return f"{int(groups['m_year']):04d}-{month:02d}"
        return None if base is None else f"{_before(month, None, base):04d}-{month:02d}"
    if groups["y"]:
        return groups["year"]
    if base is None:
        return None
    return _relative(groups, base)


def _relative(groups: Mapping[str, str | None], base: date) -> str | None:
    """Weekdays and "yesterday", "last month"... counted back from `base`."""
    if groups["weekday"]:
        back = (base.weekday() - _WEEKDAYS.index(groups["weekday"].lower())) % 7
        return (base - timedelta(days=back)).isoformat()
    relative = (groups["rel"] or "").lower()
    if relative in ("today", "this week"):
        return base.isoformat() if relative == "today" else None
    if relative == "yesterday":
        return (base - timedelta(days=1)).isoformat()
    if relative in ("last month", "this month"):
        first = base.replace(day=1)
        month = first - timedelta(days=1) if relative == "last month" else first
        return f"{month.year:04d}-{month.month:02d}"
    if relative in ("last year", "this year"):
        return str(base.year - (relative == "last year"))
    return None


def date_mentions(
    sentence: Sentence, published: datetime | None, zone: ZoneInfo
) -> list[DateMention]:
    """The date expressions of a sentence, placed from the publication day."""
    if _HINTS.isdisjoint(sentence.words):
        return []
    base = published.astimezone(zone).date() if published else None
    found = []
    for match in _EXPRESSION.finditer(sentence.text):
        word = match.group("weekday") or match.group("md") or match.group("dm_month")
        word = word or match.group("m_month") or "X"
        if not word.lstrip("0123456789 ")[:1].isupper():
            continue  # "may have to", "march on": not a date
        found.append(DateMention(sentence.key, match.group().strip(), place(match, base)))
    return found


def date_differences(
    mentions: Mapping[int, Sequence[DateMention]],
    related: Pairs,
    sentences: Sequence[Sentence],
    source_of: Mapping[str, str],
    floor: float,
) -> list[Difference]:
    """Closely related sentences of two sources that put their event on different days."""
    found = []
    for pair in related.among(mentions, floor):
        days_a = {m.when: m for m in mentions.get(pair.a, ()) if m.when and len(m.when) == 10}
        days_b = {m.when: m for m in mentions.get(pair.b, ()) if m.when and len(m.when) == 10}
        if days_a and days_b and not set(days_a) & set(days_b):
            variants = tuple(
                _variant(m, sentences, source_of)
                for m in (min(days_a.values(), key=_when), min(days_b.values(), key=_when))
            )
            found.append(Difference("date", "date of the event", variants))
    return found


def _when(mention: DateMention) -> str:
    return mention.when or ""


def _variant(
    mention: DateMention, sentences: Sequence[Sentence], source_of: Mapping[str, str]
) -> Variant:
    sentence = sentences[mention.sentence]
    value = f"{mention.expression} ({mention.when})"
    ref = Ref(sentence.article_id, sentence.paragraph)
    return Variant(source_of[sentence.article_id], value, sentence.text, (ref,))
