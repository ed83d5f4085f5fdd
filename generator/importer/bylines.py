"""Author names from bylines: "By X and Y", "X | Fox News", a name line under the dek.

A byline with "By" is trusted for anything that looks like a name or a desk ("MND Staff");
a bare name line must look like a personal name (two to four capitalised words, no common
words). What trails a name on the same line (the outlet, "The Associated Press", a role such
as "Reporter", "Published 4 months ago", a date) is cut off.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_BY = re.compile(
    r"^(?:(?:words|written|story|reporting|text|report|analysis)\s+)?by\s*:?\s+(?=\S)",
    re.IGNORECASE,
)
# Words that end the names part of a byline.
# "By X for the Daily Mail": only after "By", where "for" cannot start a headline.
_FOR_OUTLET = re.compile(r"\s+(?i:for)\s+(?:(?i:the)\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*\s*$")
_TRAILER = re.compile(
    r"""\s*(?:[|/•·]|\s-\s|,\s*(?:the\s+)?(?:associated\s+press|reuters|afp)\b
    |\b(?:published|updated|posted|last\s+updated|follow|view\s+profile|more\s+by)\b
    |\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+\d
    |\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b
    |\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d
    |\b\d{1,2}[:./]\d{1,2}|\b\d+\s*(?:min|mins|minutes|hours?|hrs?|days?|weeks?|months?|years?)\b
    |\b(?:the\s+)?(?:associated\s+press|canadian\s+press|press\s+association)\b
    |\b(?:(?:senior|chief|deputy|staff|political|foreign|home|news|sports?|business|health
       |science|technology|tech|economics|environment|education|crime|court|courts|legal|travel
       |entertainment|data|investigations|investigative|global|general|contributing|freelance
       |parliamentary|diplomatic|assistant|associate|managing|executive|digital|multimedia
       |video|audio|photo|opinion|features?|culture|arts|music|film|football|motoring|property
       |consumer|community|royal|defence|defense|security|world|national|international|city
       |money|personal\s+finance|markets|energy|climate|transport|social\s+affairs)\s+)+
       (?:reporter|writer|correspondent|editor|journalist)\b
    |\b(?:reporter|correspondent|journalist|columnist|contributor|editor(?:-at-large)?
       |editor\s+at\s+large|photographer|in\s+[A-Z][a-z]+$)\b)""",
    re.VERBOSE | re.IGNORECASE,
)
_LIST_MARK = re.compile(r"^(?:[*+•·]|\d{1,2}[.)])\s+")
_FOOTNOTE = re.compile(r"(?<=[a-z])[\d*†‡§]+$")
_SPLIT = re.compile(r"\s*(?:,\s*and\s+|\band\s+|&|;|,)\s*", re.IGNORECASE)
_PARTICLES = frozenset(
    "van von der den de del della di da das dos du la le bin bint ibn al el ter ten st".split()
)
_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w'’.-]*|[A-Z]{1,3}\.?|(?:O|D|L)['’][A-Z][\w-]*)$")
# In a bare name line: "Jervis-Bardy", "McDonald", "O’Regan", "J." - not "SUPPORT".
_STRICT_TOKEN = re.compile(
    r"^(?:[A-Z][a-z'’]*(?:[-'’.]?[A-Z]?[a-z'’]+)*\.?|[A-Z]\.|(?:Jr|Sr|II|III)\.?)$"
)
# Capitalised words that are not names: section labels and page words seen next to bylines.
_NOT_NAMES = frozenset(
    """news world politics business sport sports opinion comment comments share home live
    video videos latest local federal national international breaking updated published
    reporter journalist editor staff the and of in on for by from with about more read
    follow subscribe sign log menu search top story stories features feature analysis
    review reviews culture life lifestyle travel health science technology tech climate
    economy money markets entertainment media photo photos image images getty reuters
    associated press agency desk team contributors correspondent newsletter podcast
    advertisement sponsored related tags topics click here today yesterday minute minutes
    hour hours day days week weeks month months year years ago min read print email
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday a an this that these those it
    its we our you your my how why what when where who new best""".split()
)


def from_byline(line: str, outlets: Sequence[str] = ()) -> tuple[str, ...]:
    """Names in a line that starts with "By" (or "Words by"...); () when it does not.

    `outlets` are names to cut when they trail the names ("X The West Australian").
    """
    match = _BY.match(line.strip())
    if match is None:
        return ()
    return _names(line.strip()[match.end() :], strict=False, outlets=outlets)


def from_name_line(line: str, outlets: Sequence[str] = ()) -> tuple[str, ...]:
    """Names in a line that is only names ("Arpan Rai", "Jen Mills | Published ...")."""
    return _names(line.strip(), strict=True, outlets=outlets)


def split_names(text: str) -> tuple[str, ...]:
    """`--author` values and metadata strings: "A and B", "A, B", "A; B", "A & B"."""
    return tuple(dict.fromkeys(n for n in (_tidy(p) for p in _SPLIT.split(text)) if n))


def _names(text: str, strict: bool, outlets: Sequence[str]) -> tuple[str, ...]:
    text = _FOOTNOTE.sub("", _LIST_MARK.sub("", text))
    text = re.sub(r"(?<=[a-z])(?=(?:Published|Updated|Posted)\b)", " ", text)
    trailer = _TRAILER.search(text, 1)
    if trailer is not None:
        text = text[: trailer.start()]
    if not strict:
        text = _FOR_OUTLET.sub("", text)
    for outlet in sorted(outlets, key=len, reverse=True):
        if len(text) > len(outlet) and text.lower().rstrip().endswith(" " + outlet.lower()):
            text = text.rstrip()[: -len(outlet)]
    names = split_names(text)
    if not names or not all(looks_like_name(n, strict) for n in names):
        return ()
    return names


def _tidy(name: str) -> str:
    return " ".join(name.strip(" \t.,:;|-–—*").split())


def looks_like_name(name: str, strict: bool = True) -> bool:
    """Two to four capitalised words (one to five after "By"), none of them a common word."""
    tokens = name.split()
    low, high = (2, 4) if strict else (1, 5)
    if not low <= len(tokens) <= high or len(name) > 50 or any(c.isdigit() for c in name):
        return False
    if strict and name.isupper():
        return False
    for token in tokens:
        if token.lower() in _PARTICLES:
            continue
        if not _NAME_TOKEN.match(token):
            return False
        if strict and (token.lower() in _NOT_NAMES or not _STRICT_TOKEN.match(token)):
            return False
    return not strict or not all(t.lower() in _NOT_NAMES for t in tokens)
