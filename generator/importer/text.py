"""Pasted text (a browser's select-all, copy) -> Draft.

No library does this, so the method is ours, in three steps:

1. every non-blank line gets a score: prose (sentences, or long) counts its words, a short
   line (menu item, headline, label) costs a little, furniture a little less (it is dropped
   but does not break an article), and a stop (comments, "More from", copyright) costs so
   much that an article never runs across one;
2. the article body is the run of lines with the highest total (maximum subarray), so a
   caption or an "Advertisement" between paragraphs is crossed but a menu is not;
   Comments and footers end the search outright once some prose came before them, so a
   long comment thread is never mistaken for the article;
3. the header above the body is read for the headline, dek, byline and date
   (`header.py`).

Inside the body only furniture lines are dropped; short lines stay (they are subheadings
far more often than junk), so removal never costs a paragraph.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from generator.importer import boilerplate, bylines, dates
from generator.importer.draft import Draft
from generator.importer.header import Header, read_header
from generator.importer.markdown import escape_text

# A full stop (or ?, !, :) possibly inside closing quotes; a bare closing quote is not one.
_SENTENCE_END = re.compile(r"[.!?…:;][\"”’')\]]*$")
_BULLET = re.compile(r"^(?:[*+•·▪►–-]|\d{1,2}[.)])\s+")
_WRAP_WIDTH = 50
"""A line at least this long that stops mid-sentence may be hard-wrapped."""
_CONTINUES = re.compile(r"^(?!by\s|\d{1,3}[.)]\s)[a-z0-9(“\"'‘]")
_STOP_COST = -30.0
_SHORT_COST = -4.0
_FURNITURE_COST = -1.5
_ISOLATED = 0.25
"""Weight of a prose line between two non-prose lines."""
_PROSE_BEFORE_END = 50.0
"""Words of prose needed before a comments header or copyright line ends the page."""


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line of the pasted text."""

    index: int
    """0-based position among all lines (blank ones included)."""
    text: str
    """Stripped, inner whitespace squeezed."""
    score: float
    """Words for prose, a cost for anything else (see the module docstring)."""
    furniture: bool
    stop: bool
    alone: bool = False
    """A blank line (or the edge of the text) above and below: a block of its own."""


def extract(text: str, outlets: Sequence[str] = ()) -> Draft:
    """Find the article in pasted text; `outlets` are known outlet names (for bylines)."""
    lines = _lines(text)
    start, end = _best_run(lines[: _hard_end(lines)])
    header = read_header(lines, start, outlets)
    start = max(start, header.body_start)
    body_lines = _trim_tail(lines[start:end], header)
    body = "\n\n".join(escape_text(line.text) for line in body_lines if not line.furniture)
    outside = tuple(line.text for line in lines[:start] + lines[end:])
    return Draft(
        title=header.title,
        body=body,
        dek=header.dek,
        authors=header.authors,
        date=header.date,
        furniture=outside,
    )


def _lines(text: str) -> list[Line]:
    raw = _unwrapped([" ".join(line.split()) for line in text.split("\n")])
    lines = [
        dataclasses.replace(_line(i, line), alone=_blank(raw, i - 1) and _blank(raw, i + 1))
        for i, line in enumerate(raw)
        if line
    ]
    return _discount_isolated(_repeats_as_furniture(lines))


def _unwrapped(raw: list[str]) -> list[str]:
    """Hard-wrapped text (from e-mail or PDF) joined back into paragraphs: a long line that
    stops mid-sentence continues on the next line when that one starts in lower case. The
    joined lines leave blank ones behind, so line numbers stay those of the text."""
    out = list(raw)
    for i in range(len(out) - 1, 0, -1):
        previous, line = out[i - 1], out[i]
        if (
            len(previous) >= _WRAP_WIDTH
            and not _SENTENCE_END.search(previous)
            and _CONTINUES.match(line)
        ):
            out[i - 1], out[i] = f"{previous} {line}", ""
    return out


def _repeats_as_furniture(lines: list[Line]) -> list[Line]:
    """A line printed twice in a row is a ticker or a widget, not a paragraph."""
    twice = {
        i
        for i in range(len(lines) - 1)
        if lines[i].text == lines[i + 1].text and lines[i].score > 0
    }
    twice |= {i + 1 for i in twice}
    return [
        dataclasses.replace(line, score=_FURNITURE_COST, furniture=True) if i in twice else line
        for i, line in enumerate(lines)
    ]


def _blank(raw: Sequence[str], index: int) -> bool:
    return not 0 <= index < len(raw) or not raw[index]


def _discount_isolated(lines: list[Line]) -> list[Line]:
    """Prose with no prose on either side (furniture skipped) is most often a teaser in a
    list of other stories ("headline / summary / time"); it counts for less, unless a byline
    or a date stands right above it (the first paragraph of a short article)."""
    solid = [line for line in lines if not line.furniture]
    prose = [line.score > 0 for line in solid]
    teasers = {
        line.index
        for at, line in enumerate(solid)
        if prose[at]
        and not (at > 0 and (prose[at - 1] or _is_header_line(solid[at - 1].text)))
        and not (at + 1 < len(solid) and prose[at + 1])
    }
    return [
        dataclasses.replace(line, score=line.score * _ISOLATED) if line.index in teasers else line
        for line in lines
    ]


def _is_header_line(text: str) -> bool:
    """A byline or a short dated line."""
    if bylines.from_byline(text):
        return True
    return len(text.split()) <= 12 and dates.parse_printed(text) is not None


def _line(index: int, text: str) -> Line:
    if not text:
        return Line(index, text, 0.0, False, False)
    if boilerplate.is_stop(text):
        return Line(index, text, _STOP_COST, True, True)
    if boilerplate.is_furniture(text):
        return Line(index, text, _FURNITURE_COST, True, False)
    return Line(index, text, prose_score(text), False, False)


def prose_score(text: str) -> float:
    """Words for a line that reads as prose, a small cost for anything else."""
    content = _BULLET.sub("", text)
    words = len(content.split())
    lower = sum(1 for w in content.split() if w[:1].islower())
    if words >= 30 or (words >= 5 and _SENTENCE_END.search(content) and lower * 3 >= words):
        return float(words)
    return _SHORT_COST


def _hard_end(lines: Sequence[Line]) -> int:
    """Where comments or the footer begin, once an article-like run came before them.

    "Comments" or "Join the conversation" also stand in page headers as links; they only end
    the page when a run of two prose lines or more (50 words) precedes them.
    """
    best = current = 0.0
    prose = best_prose = 0
    for index, line in enumerate(lines):
        article_before = best >= _PROSE_BEFORE_END and best_prose >= 2
        if line.stop and article_before and boilerplate.is_end(line.text):
            return index
        if current <= 0:
            current, prose = 0.0, 0
        current += line.score
        prose += line.score > 0
        if current > best:
            best, best_prose = current, prose
    return len(lines)


def _best_run(lines: Sequence[Line]) -> tuple[int, int]:
    """Start and end (exclusive) of the highest-scoring run of lines (Kadane)."""
    best, best_span = 0.0, (0, 0)
    total, start = 0.0, 0
    for index, line in enumerate(lines):
        if total <= 0:
            total, start = 0.0, index
        total += line.score
        if total > best:
            best, best_span = total, (start, index + 1)
    return best_span


def _trim_tail(lines: Sequence[Line], header: Header) -> list[Line]:
    """Drop what trails the last paragraph: short lines, the author's bio line."""
    kept = list(lines)
    while kept and (
        kept[-1].score <= 0 or kept[-1].furniture or _is_bio(kept[-1].text, header.authors)
    ):
        kept.pop()
    return kept


def _is_bio(text: str, authors: Sequence[str]) -> bool:
    """ "Jane Doe is a reporter for ..." under the article, naming its own author."""
    return any(
        text.startswith(name) and re.match(r"\s+(?:is|was|writes|covers)\b", text[len(name) :])
        for name in authors
    )
