"""The header of a pasted article: headline, dek, byline and date above its body.

Pages print them in a small cluster just above the first paragraph, in a few orders
(headline, dek, byline, date; or date, headline, byline). The headline is chosen among the
lines shortly above the body by how headline-like each is: a block of its own, a length a
headline has, no full stop, a byline or date close below, the same words repeated in a
"Share this story" line. The dek is the line right under the headline when a byline or date
follows it, or when it does not read as the first paragraph. Bylines and dates are only
read inside the cluster, so a date in a "related stories" list is never taken.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from generator.importer import boilerplate, bylines, dates

_LOOK_BACK = 25
"""Lines above the body where the headline may be."""
_LOOK_INTO = 3
"""Lines of the body run that may still be header (the run can swallow a long dek)."""
_AROUND_TITLE = 14
"""Lines around the headline where its byline and date may be."""
_BULLET = re.compile(r"^(?:[*+•·▪►]|\d{1,2}[.)])\s+")
# Breadcrumbs ("Home › News") and all-capitals kickers ("MIDDLE EAST CRISIS") are not headlines.
_KICKER = re.compile(r"[›»>|/]|^[^a-z]+$")
_STATUS = re.compile(r"^(?:updated|published|posted|first published|last updated)\b", re.I)


class HeaderLine(Protocol):
    """What the header reader needs of a line (text.Line has it)."""

    @property
    def index(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def furniture(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Header:
    """What was found above the body, and where the body really starts."""

    title: str | None
    dek: str | None
    authors: tuple[str, ...]
    date: dates.When | None
    body_start: int
    """Position (in the list of non-blank lines) of the first body line."""


def read_header(lines: Sequence[HeaderLine], start: int, outlets: Sequence[str]) -> Header:
    """Headline, dek, byline and date for a body that starts at `lines[start]`."""
    title_at = _title_position(lines, start)
    if title_at is None:
        return Header(None, None, (), _date_near(lines, start, start), start)
    title = _BULLET.sub("", lines[title_at].text)
    dek_at = _dek_position(lines, title_at, start)
    authors, author_at = _authors_near(lines, title_at, start, outlets)
    date, date_at = _date_after(lines, title_at, start)
    if date is None:
        date = _date_near(lines, title_at, start)
    last = max(p for p in (title_at, dek_at, author_at, date_at) if p is not None)
    body_start = start if start > last else last + 1
    dek = lines[dek_at].text if dek_at is not None else None
    return Header(title, dek, authors, date, body_start)


def _title_position(lines: Sequence[HeaderLine], start: int) -> int | None:
    first = max(0, start - _LOOK_BACK)
    last = min(len(lines), start + _LOOK_INTO)
    scored = [(headline_score(lines, p, start), p) for p in range(first, last)]
    best = max(scored, default=(0.0, -1))
    if best[0] <= 0:
        return None
    return _above_if_dek(lines, best[1])


def _above_if_dek(lines: Sequence[HeaderLine], at: int) -> int:
    """The line above when it is the shorter headline and `lines[at]` its dek."""
    above = at - 1
    while above >= 0 and lines[above].furniture:
        above -= 1
    if above < 0:
        return at
    text = _BULLET.sub("", lines[above].text)
    words = len(text.split())
    if not _could_be_headline(lines[above], text, words) or _KICKER.search(text):
        return at
    return above if 4 <= words < len(lines[at].text.split()) else at


def headline_score(lines: Sequence[HeaderLine], at: int, start: int) -> float:
    """How much `lines[at]` looks like the headline of a body starting at `start`."""
    text = _BULLET.sub("", lines[at].text)
    words = len(text.split())
    if not _could_be_headline(lines[at], text, words):
        return 0.0
    score = 2.0 + (2.0 if 6 <= words <= 25 else 0.0)
    if _has_meta_below(lines, at):
        score += 3.0
    if _repeated(lines, at, text):
        score += 2.0
    if text.endswith((".", ":")):
        score -= 3.0
    if _BULLET.match(lines[at].text):
        score -= 2.0  # menu entries are bullets; headlines rarely are
    distance = start - at
    return score - (0.15 * distance if distance > 0 else 1.5 - distance)


def _could_be_headline(line: HeaderLine, text: str, words: int) -> bool:
    if line.furniture or not 3 <= words <= 40 or len(text) > 300:
        return False
    if text.islower() or boilerplate.is_caption(text) or _is_meta(text):
        return False
    return not text.endswith((",", ";")) and not text.startswith(("(", "©"))


def _is_meta(text: str) -> bool:
    """A byline or a date line."""
    return bool(bylines.from_byline(text)) or _date_line(text) is not None


def _has_meta_below(lines: Sequence[HeaderLine], at: int) -> bool:
    return any(_is_meta(line.text) for line in lines[at + 1 : at + 5])


def _repeated(lines: Sequence[HeaderLine], at: int, text: str) -> bool:
    """The same headline elsewhere on the page ("Share this story: ...", breadcrumbs)."""
    if len(text) < 20:
        return False
    return any(text in line.text for i, line in enumerate(lines) if i != at)


def _dek_position(lines: Sequence[HeaderLine], title_at: int, start: int) -> int | None:
    at = title_at + 1
    while at < len(lines) and lines[at].furniture and at < start + _LOOK_INTO:
        at += 1
    if at >= len(lines) or at > start + _LOOK_INTO:
        return None
    text = lines[at].text
    words = len(text.split())
    if _is_meta(text) or boilerplate.is_caption(text) or not 6 <= words <= 60:
        return None
    if bylines.from_name_line(text) or _BULLET.match(text):
        return None
    if _has_meta_below(lines, at) or at < start or not text.endswith((".", "!", "?", ":")):
        return at
    return None


def _authors_near(
    lines: Sequence[HeaderLine], title_at: int, start: int, outlets: Sequence[str]
) -> tuple[tuple[str, ...], int | None]:
    """Byline below the headline: "By ..." first, else a name line next to a date."""
    stop = min(len(lines), max(start, title_at + 1) + _LOOK_INTO, title_at + _AROUND_TITLE + 1)
    for at in range(title_at + 1, stop):
        text = lines[at].text
        if text.casefold() in ("by", "by:") and at + 1 < len(lines):
            text, at = f"By {lines[at + 1].text}", at + 1  # "By" on a line of its own
        names = bylines.from_byline(text, outlets)
        if names:
            return names, at
    for at in range(title_at + 1, stop):
        names = bylines.from_name_line(lines[at].text, outlets)
        if names and _next_to_date(lines, at, title_at):
            return names, at
    return (), None


def _next_to_date(lines: Sequence[HeaderLine], at: int, title_at: int) -> bool:
    """A name line is a byline when a date or the headline block is right beside it."""
    if _date_line(lines[at].text) is not None:
        return True
    neighbours = [lines[i].text for i in (at - 1, at + 1) if 0 <= i < len(lines)]
    return any(_date_line(text) or dates.is_relative(text) for text in neighbours) or (
        at <= title_at + 2
    )


def _date_after(
    lines: Sequence[HeaderLine], title_at: int, start: int
) -> tuple[dates.When | None, int | None]:
    stop = min(len(lines), max(start, title_at + 1) + _LOOK_INTO, title_at + _AROUND_TITLE + 1)
    for at in range(title_at + 1, stop):
        found = _date_line(lines[at].text)
        if found is not None:
            return found, at
    return None, None


def _date_near(lines: Sequence[HeaderLine], title_at: int, start: int) -> dates.When | None:
    """A date line just above the headline (some pages print it there)."""
    for at in range(title_at - 1, max(-1, title_at - 4), -1):
        found = _date_line(lines[at].text)
        if found is not None:
            return found
    return None


def _date_line(text: str) -> dates.When | None:
    """The date of a short line that is about a date, not a sentence mentioning one."""
    if len(text.split()) > 20 or (text.endswith(".") and not _STATUS.match(text)):
        return None
    return dates.parse_printed(text)
