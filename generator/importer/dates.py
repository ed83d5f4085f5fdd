"""Publication dates as pages print them, and as page metadata states them.

`Monday 08 August 2022 09:00 EDT` is 2022-08-08T09:00:00-04:00. A printed time without a
zone gives only the day (a date without a time), because the zone would be a guess; so does
a page that prints no time. Numeric dates are read only when unambiguous (`25/12/2024`,
not `06/01/2026`). Relative dates ("5 hours ago") cannot be resolved from a saved copy and
give nothing.

Zone abbreviations are read as news sites use them: `IST` is India Standard Time and `BST`
British Summer Time; `ET`/`PT`/`CT`/`MT` follow daylight saving time on the day.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

When = datetime | date
"""A publication time: an aware datetime, or only a day when no time or zone is known."""

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY_MONTH_YEAR = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE)
_ISO = re.compile(
    r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)"
    r"(?:[T ](?P<hour>[0-2]\d):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d)(?:\.\d+)?)?"
    r"\s*(?P<zone>Z|[+-][01]\d:?[0-5]\d)?)?(?![\d:])"
)
_NUMERIC = re.compile(r"\b(?P<a>[0-3]?\d)[./](?P<b>[01]?\d)[./](?P<year>(?:19|20)\d\d)\b")
_TIME = (
    r"(?P<hour>[0-2]?\d)(?:[:.](?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?)?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?"
    r"(?:\s*(?P<zone>(?:GMT|UTC)\s?[+-]\s?\d{1,2}(?::?\d\d)?|[A-Z]{1,5}\b|[+-][01]\d:?[0-5]\d))?"
)
_TIME_AFTER = re.compile(rf"^\s*(?:,|\||-|–|—|•|at|@)?\s*(?:at\s+)?{_TIME}", re.IGNORECASE)
_TIME_BEFORE = re.compile(rf"{_TIME}\s*(?:,|\||-|–|—|•|on)?\s*$", re.IGNORECASE)
_RELATIVE = re.compile(
    r"\b(?:\d+|an?)\s+(?:sec(?:ond)?|min(?:ute)?|hour|hr|day|week|month|year)s?\b(?:\s+ago)?"
    r"|\b(?:just\s+now|yesterday|today)\b",
    re.I,
)
# "Published ..." before "Updated ...": the first is the publication date.
_PUBLISHED = re.compile(r"\b(?:published|posted|first published|created|date)\b", re.I)

_FIXED_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 60, "WEST": 60, "CET": 60, "WAT": 60,
    "CEST": 120, "EET": 120, "SAST": 120, "CAT": 120, "EEST": 180, "MSK": 180, "EAT": 180,
    "IST": 330, "PKT": 300, "HKT": 480, "SGT": 480, "AWST": 480, "JST": 540, "KST": 540,
    "ACST": 570, "AEST": 600, "ACDT": 630, "AEDT": 660, "NZST": 720, "NZDT": 780,
    "EDT": -240, "EST": -300, "CDT": -300, "CST": -360, "MDT": -360, "MST": -420,
    "PDT": -420, "PST": -480, "AKDT": -480, "AKST": -540, "HST": -600,
}  # fmt: skip
_REGION_ZONES = {
    "ET": "America/New_York", "CT": "America/Chicago",
    "MT": "America/Denver", "PT": "America/Los_Angeles",
}  # fmt: skip


def parse_printed(text: str) -> When | None:
    """The publication date in one printed line ('Published 12:20pm Jan 7, 2024 | Updated...')."""
    published = _PUBLISHED.search(text)
    start = published.start() if published else 0
    return _first_date(text, start) or (_first_date(text, 0) if start else None)


def _first_date(text: str, start: int) -> When | None:
    found: list[tuple[int, When]] = []
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.search(text, start)
        if match:
            day = _make_day(match.group("year"), _MONTHS[match.group("month")[:3].lower()], match)
            if day is not None:
                found.append((match.start(), _with_time(day, text, match.start(), match.end())))
    iso = _ISO.search(text, start)
    if iso:
        parsed = parse_iso(iso.group(0))
        if parsed is not None:
            found.append((iso.start(), parsed))
    numeric = _NUMERIC.search(text, start)
    if numeric:
        day = _numeric_day(numeric)
        if day is not None:
            found.append((numeric.start(), _with_time(day, text, numeric.start(), numeric.end())))
    return min(found, key=lambda item: item[0])[1] if found else None


def _make_day(year: str, month: int, match: re.Match[str]) -> date | None:
    try:
        return date(int(year), month, int(match.group("day")))
    except ValueError:
        return None


def _numeric_day(match: re.Match[str]) -> date | None:
    first, second, year = int(match.group("a")), int(match.group("b")), int(match.group("year"))
    if first > 12 >= second:
        day, month = first, second
    elif second > 12 >= first:
        day, month = second, first
    else:
        return None  # 06/01/2026: January or June? Do not guess.
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _with_time(day: date, text: str, start: int, end: int) -> When:
    """The day, with the time printed right after (or right before) it when there is one."""
    for match in (_TIME_AFTER.match(text[end : end + 40]), _TIME_BEFORE.search(text[:start])):
        if match is None or not _looks_like_time(match):
            continue
        moment = _combine(day, match)
        if moment is not None:
            return moment
    return day


def _looks_like_time(match: re.Match[str]) -> bool:
    """`09:00`, `9pm` or `9.27 PM`, not a bare number such as a day count."""
    return bool(match.group("minute") or match.group("ampm"))


def _combine(day: date, match: re.Match[str]) -> When | None:
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    ampm = (match.group("ampm") or "").lower().replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23:
        return None
    zone = zone_of(match.group("zone") or "", day)
    if zone is None:
        return day  # a time without a zone: only the day is certain
    second = int(match.group("second") or 0)
    return datetime.combine(day, time(hour, minute, second), tzinfo=zone)


def zone_of(label: str, day: date) -> tzinfo | None:
    """The time zone a printed label names on a given day, or None when it names none."""
    label = label.strip().upper().replace(" ", "")
    if label in _FIXED_ZONES:
        return timezone(timedelta(minutes=_FIXED_ZONES[label]))
    if label in _REGION_ZONES:
        return ZoneInfo(_REGION_ZONES[label])
    offset = re.fullmatch(r"(?:GMT|UTC)?([+-])(\d{1,2}):?(\d\d)?", label)
    if offset is None:
        return None
    minutes = int(offset.group(2)) * 60 + int(offset.group(3) or 0)
    if minutes > 14 * 60:
        return None
    return timezone(timedelta(minutes=-minutes if offset.group(1) == "-" else minutes))


def parse_iso(value: str) -> When | None:
    """An ISO 8601 date or date-time from metadata; a date-time without offset gives the day."""
    text = value.strip()
    match = _ISO.fullmatch(text) or _ISO.match(text)
    if match is None:
        return None
    try:
        day = date(int(match.group("year")), int(match.group("month")), int(match.group("day")))
    except ValueError:
        return None
    if match.group("hour") is None or match.group("zone") is None:
        return day
    zone = zone_of("Z" if match.group("zone") == "Z" else match.group("zone"), day)
    hour, minute = int(match.group("hour")), int(match.group("minute"))
    second = int(match.group("second") or 0)
    if zone is None or hour > 23:
        return day
    return datetime.combine(day, time(hour, minute, second), tzinfo=zone)


def is_relative(text: str) -> bool:
    """True for '5 hours ago', '1 day ago': dates a saved copy cannot resolve."""
    return bool(_RELATIVE.search(text))
