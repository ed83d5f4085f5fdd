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
"""Lines above the body where the headline may be (furniture not counted)."""
_LOOK_INTO = 3
"""Lines of the body run that may still be header (the run can swallow a long dek)."""
_LOOK_INSIDE = 15
"""Lines of the body run where a headline with its byline or date below may still be."""
_AROUND_TITLE = 14
"""Lines around the headline where its byline and date may be."""
_BULLET = re.compile(r"^(?:[*+•·▪►]|\d{1,2}[.)])\s+")
# Breadcrumbs ("Home › News") and all-capitals kickers ("MIDDLE EAST CRISIS") are not headlines.
_KICKER = re.compile(r"[›»>]|/.*/|\|.*\||^(?:\S+\s+){0,3}\|\s+(?:\S+\s*){0,3}$|^[^a-z]+$")
# Menu rows: a few capitalised words and nothing else ("Newsletters Events Podcasts Videos").
_NAV_LIKE = re.compile(r"^(?:[A-Z0-9][\w&'’-]*\s*){1,6}$")
_FULL_STOP = re.compile(r"\.[\"”’')\]]*$")
"""A full stop, perhaps inside closing quotes: the end of a sentence."""
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
    @property
    def alone(self) -> bool: ...


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
    title_at = _title_position(lines, start, outlets)
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


def _title_position(lines: Sequence[HeaderLine], start: int, outlets: Sequence[str]) -> int | None:
    last = min(len(lines), start + _LOOK_INSIDE)
    scored = [
        (headline_score(lines, p, start, outlets), p)
        for p in range(_look_back_from(lines, start), last)
    ]
    best = max(scored, default=(0.0, -1))
    if best[0] <= 0:
        return None
    return _above_if_dek(lines, best[1], outlets)


def _look_back_from(lines: Sequence[HeaderLine], start: int) -> int:
    """The first line where the headline may be: `_LOOK_BACK` lines above the body, not
    counting furniture (a block of share buttons can stand between the two)."""
    seen, at = 0, start
    while at > 0 and seen < _LOOK_BACK:
        at -= 1
        seen += not lines[at].furniture
    return at


def _above_if_dek(lines: Sequence[HeaderLine], at: int, outlets: Sequence[str]) -> int:
    """The line above when it is the headline and `lines[at]` its dek.

    Both candidates often have the byline below them; the headline comes first. The line
    above must be a block of its own, not prose, not a menu entry or a breadcrumb holding
    the headline ("HomeNews<headline>").
    """
    above = at - 1
    while above >= 0 and lines[above].furniture:
        above -= 1
    if above < 0 or not lines[above].alone or lines[above].score > 0:
        return at
    text = lines[above].text
    words = len(text.split())
    if _in_list(lines, above) or not _could_be_headline(lines[above], text, words, outlets):
        return at
    if lines[at].text in text or _NAV_LIKE.match(text):
        return at
    return above


def headline_score(
    lines: Sequence[HeaderLine], at: int, start: int, outlets: Sequence[str] = ()
) -> float:
    """How much `lines[at]` looks like the headline of a body starting at `start`.

    Lines inside the body run only qualify with a byline or date right below them (the
    run may have swallowed a comment thread or a promo printed above the article).
    """
    text = _BULLET.sub("", lines[at].text)
    words = len(text.split())
    if not _could_be_headline(lines[at], text, words, outlets):
        return 0.0
    if at >= start + _LOOK_INTO and not (lines[at].alone and _has_meta_below(lines, at, 3, True)):
        return 0.0
    if at >= start and lines[at].score > 0 and _FULL_STOP.search(text):
        return 0.0  # a sentence of the body itself
    score = 2.0 + (2.0 if 4 <= words <= 35 else 0.0) + _meta_bonus(lines, at)
    score += (2.0 if _repeated(lines, at, text) else 0.0) + (1.0 if lines[at].alone else 0.0)
    if text.endswith((".", ":")):
        score -= 3.0
    if _in_list(lines, at):
        score -= 2.0  # menu entries are bullets; headlines rarely are
    if any(_is_byline(line.text) for line in lines[max(0, at - 3) : at]):
        score -= 3.0  # below a byline: a caption or a dek, not the headline
    if at >= start:
        return score - 1.5
    between = sum(1 for line in lines[at + 1 : start] if not line.furniture)
    return score - 0.1 * between


def _in_list(lines: Sequence[HeaderLine], at: int) -> bool:
    """An entry of a bulleted list (a menu): a bullet line next to another one. A bullet
    line between two that are not is no list (some pages mark the headline up as the last
    step of their breadcrumbs)."""
    if not _BULLET.match(lines[at].text):
        return False
    neighbours = (lines[i].text for i in (at - 1, at + 1) if 0 <= i < len(lines))
    return any(_BULLET.match(text) for text in neighbours)


def _could_be_headline(
    line: HeaderLine, text: str, words: int, outlets: Sequence[str] = ()
) -> bool:
    if line.furniture or not 3 <= words <= 45 or len(text) > 320:
        return False
    if text.islower() or boilerplate.is_caption(text) or _is_meta(text) or _is_status(text):
        return False
    if bylines.from_name_line(text, outlets) or dates.is_relative(text) or _KICKER.search(text):
        return False
    return not text.endswith((",", ";")) and not text.startswith(("(", "©"))


def _is_status(text: str) -> bool:
    """ "Updated Nov 19, 9:41 AM;Posted Nov 18, 8:19 PM": a status line, even unparsed."""
    return bool(_STATUS.match(text)) and any(c.isdigit() for c in text)


def _is_meta(text: str) -> bool:
    """A byline or a date line."""
    return _is_byline(text) or _date_line(text) is not None or _is_status(text)


def _meta_bonus(lines: Sequence[HeaderLine], at: int) -> float:
    """A byline or date close below is the best sign of a headline; right below a block of
    its own, better (a name line glued to its date is part of the byline)."""
    if lines[at].alone and _has_meta_below(lines, at, 1, True):
        return 5.0
    if _has_meta_below(lines, at):
        return 4.0
    return 3.0 if _has_meta_below(lines, at, 12, True) else 0.0


def _is_byline(text: str) -> bool:
    return text.casefold() in ("by", "by:") or bool(bylines.from_byline(text))


def _has_meta_below(
    lines: Sequence[HeaderLine], at: int, within: int = 4, strict: bool = False
) -> bool:
    """A byline or a date (or, unless strict, a name line) within the next lines that are
    not furniture."""
    below = [line.text for line in lines[at + 1 : at + 3 * within] if not line.furniture]
    below = below[:within]
    return any(_is_meta(t) or (not strict and bylines.from_name_line(t)) for t in below)


def _repeated(lines: Sequence[HeaderLine], at: int, text: str) -> bool:
    """The same headline elsewhere on the page ("Share this story: ...", breadcrumbs)."""
    if len(text.split()) < 6:
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
        if text.casefold() in ("by", "by:"):
            return _names_after_by(lines, at, outlets)
        names = bylines.from_byline(text, outlets)
        if names:
            return names, at
    for at in range(title_at + 1, stop):
        names = bylines.from_name_line(lines[at].text, outlets)
        if names and _next_to_date(lines, at, title_at):
            return names, at
    return (), None


def _names_after_by(
    lines: Sequence[HeaderLine], at: int, outlets: Sequence[str]
) -> tuple[tuple[str, ...], int | None]:
    """ "By" on a line of its own: the names are the lines below it (one or several)."""
    found: list[str] = []
    last = at
    for below in range(at + 1, min(len(lines), at + 7)):
        text = lines[below].text
        names = (
            bylines.from_name_line(text, outlets)
            if found
            else bylines.from_byline(f"By {text}", outlets)
        )
        if not names:
            break
        found.extend(n for n in names if n not in found)
        last = below
    return (tuple(found), last) if found else ((), None)


def _next_to_date(lines: Sequence[HeaderLine], at: int, title_at: int) -> bool:
    """A name line is a byline when a date or the headline block is right beside it."""
    if _date_line(lines[at].text) is not None or dates.is_relative(lines[at].text):
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
        found = None if lines[at].furniture else _date_line(lines[at].text)
        if found is not None:
            return found, at
    return None, None


def _date_near(lines: Sequence[HeaderLine], title_at: int, start: int) -> dates.When | None:
    """A date line just above the headline (some pages print it there)."""
    for at in range(title_at - 1, max(-1, title_at - 4), -1):
        found = None if lines[at].furniture else _date_line(lines[at].text)
        if found is not None:
            return found
    return None


def _date_line(text: str) -> dates.When | None:
    """The date of a short line that is about a date, not a sentence mentioning one."""
    if len(text.split()) > 20 or (text.endswith(".") and not _STATUS.match(text)):
        return None
    return dates.parse_printed(text)
