"""Figures: a number with what it counts, normalised, and where sources give different ones.

"100,000 volunteers", "1.3 million active personnel", "15,000 or 25,000", "about 100
soldiers a day", "$2bn", "40%". Values are normalised (1.3 million -> 1300000; a range or
an alternative keeps both ends) so "100,000" and "100 000" agree and "15,000" and "25,000"
do not. Two figures are compared only when they count the same thing (a shared word of
what they count) in related sentences of different sources.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator.summary.align import Pairs
from generator.summary.model import Difference, Ref, Variant
from generator.summary.sentences import STOPWORDS, Sentence, spellings_of, stem

_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9,
           "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12}  # fmt: skip
_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
          "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
          "a hundred": 100, "a thousand": 1e3, "a dozen": 12, "dozens": 24, "hundreds": 200,
          "thousands": 2e3, "millions": 2e6}  # fmt: skip
_NUM = (
    r"(?:\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|"
    + "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True))
    + ")"
)
_SCALE = r"(?:\s?(?:thousand|million|billion|trillion|bn|mn|tn|[kmb])\b)?"
_ONE = rf"[$£€¥]?{_NUM}{_SCALE}"
_FIGURE = re.compile(
    rf"(?<![\w.,:/])(?P<mod>(?:about|around|nearly|almost|over|some|roughly|approximately|"
    rf"up to|at least|more than|less than|fewer than|as many as|an estimated)\s+)?"
    rf"(?P<low>{_ONE})(?:\s?(?:-|–|to|or|and)\s?(?P<high>{_ONE}))?"
    rf"(?P<pct>\s?(?:%|per cent|percent))?(?![\w])",
    re.IGNORECASE,
)
# A sentence has a figure only if it has a digit or a number word: most are ruled out fast.
_DIGIT = re.compile(r"\d")
_NUMBER_WORDS = spellings_of(w for phrase in _WORDS for w in phrase.split() if w != "a")
_MONTHS = re.compile(
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*$", re.IGNORECASE
)
_UNIT_WORD = re.compile(r"(?<!\w)[A-Za-z][\w’'-]*")
UNIT_WORDS = 3
# Differences shown at most: the most closely related sentences' come first. Real topics
# have a handful; templated copy ("14 roads", "13 roads", ...) could have thousands.
MAX_DIFFERENCES = 12
# Units too general to show that two figures count the same thing.
_GENERIC = frozenset(stem(w) for w in "number figure total people times year years day".split())
_SCALED = re.compile(r"^(.*?)\s?(thousand|million|billion|trillion|bn|mn|tn|[kmb])$")
_GROUPING = re.compile(r"[,\u202f\u00a0 ]")


@dataclass(frozen=True, slots=True)
class Figure:
    """A number in a sentence and what it counts."""

    sentence: int
    """`Sentence.key`."""
    text: str
    """As written, with what it counts: "nearly 1.3 million active personnel"."""
    low: float
    high: float
    """Equal to `low` unless a range or an alternative ("15,000 or 25,000")."""
    unit: tuple[str, ...]
    """Stems of the words for what is counted."""


def number_value(text: str) -> float | None:
    """1.3 million -> 1300000.0; "100,000" -> 100000.0; "five" -> 5.0."""
    bare = text.lower().lstrip("$£€¥").strip()
    scale = 1.0
    match = _SCALED.match(bare)
    if match and match.group(1):
        bare, scale = match.group(1).strip(), _SCALES[match.group(2)]
    if bare in _WORDS:
        return float(_WORDS[bare]) * scale
    try:
        return float(_GROUPING.sub("", bare)) * scale
    except ValueError:
        return None


def figures_in(sentence: Sentence) -> list[Figure]:
    """The figures of a sentence, dates and years left out."""
    text = sentence.text
    if not _may_have_figures(sentence):
        return []
    found = []
    for match in _FIGURE.finditer(text):
        low = number_value(match.group("low"))
        high = number_value(match.group("high")) if match.group("high") else low
        if low is None or high is None or _is_date(text, match):
            continue
        after = _UNIT_WORD.findall(text[match.end() : match.end() + 60])
        before = _UNIT_WORD.findall(text[max(0, match.start() - 60) : match.start()])
        words = _unit_words(after) or _unit_words(_skip_function_words(before[::-1]))
        shown = " ".join([match.group().strip(), *_shown_unit(after)])
        found.append(Figure(sentence.key, shown, low, high, tuple(stem(w.lower()) for w in words)))
    return found


def _may_have_figures(sentence: Sentence) -> bool:
    """A digit or a number word: without one the figure regex cannot match."""
    return _DIGIT.search(sentence.text) is not None or not _NUMBER_WORDS.isdisjoint(sentence.words)


def _is_date(text: str, match: re.Match[str]) -> bool:
    """A year (2022), a day of a month (Aug. 8) or a time, not a count."""
    raw = match.group()
    if _MONTHS.search(text[: match.start()]) or text[match.end() : match.end() + 1] == ":":
        return True
    plain = raw.strip()
    return plain.isdigit() and len(plain) == 4 and 1800 <= int(plain) <= 2100


def _unit_words(words: Sequence[str]) -> list[str]:
    """Up to three content words next to the number, stopping at a function word."""
    taken = []
    for word in words[:UNIT_WORDS]:
        if word.lower() in STOPWORDS:
            break
        taken.append(word)
        if word.islower() and word.endswith("s") and not word.endswith("ss"):
            break  # a plural noun ends what is counted: "40 firefighters" (fought)
    return taken


def _skip_function_words(words: Sequence[str]) -> list[str]:
    """Words before a bare number, nearest first, past "at", "to", "of the"."""
    index = 0
    while index < min(len(words), 3) and words[index].lower() in STOPWORDS:
        index += 1
    return list(words[index:])


def _shown_unit(after: Sequence[str]) -> list[str]:
    return _unit_words(after)


def comparable(a: Figure, b: Figure) -> bool:
    """Both count the same thing: a shared, specific word of what they count."""
    return bool((set(a.unit) & set(b.unit)) - _GENERIC)


def figure_differences(
    sentences: Sequence[Sentence],
    related: Pairs,
    source_of: Mapping[str, str],
    floor: float,
) -> list[Difference]:
    """Figures of the same thing that differ between related sentences of two sources.

    A sentence's figures are read when a pair first needs them: the walk stops at
    MAX_DIFFERENCES, so on a large topic most sentences are never parsed."""
    close = related.similarity >= floor
    # Not numpy.union1d: its first call imports numpy.ma (8 ms of an edit's build).
    keys = sorted({*related.first[close].tolist(), *related.second[close].tolist()})
    by_sentence: dict[int, list[Figure]] = {}
    seen: set[frozenset[tuple[str, float, float]]] = set()
    found = []
    for pair in related.among([k for k in keys if _may_have_figures(sentences[k])], floor):
        figures_a = _figures_of(pair.a, sentences, by_sentence)
        figures_b = _figures_of(pair.b, sentences, by_sentence) if figures_a else []
        if not figures_b:
            continue
        source_a = source_of[sentences[pair.a].article_id]
        source_b = source_of[sentences[pair.b].article_id]
        for a in figures_a:
            for b in figures_b:
                key = frozenset(((source_a, a.low, a.high), (source_b, b.low, b.high)))
                if key in seen or (a.low, a.high) == (b.low, b.high) or not comparable(a, b):
                    continue
                seen.add(key)
                variants = tuple(_variant(f, sentences, source_of) for f in (a, b))
                found.append(Difference("figure", _subject(a, b), variants))
                if len(found) >= MAX_DIFFERENCES:
                    return found
    return found


def _figures_of(
    key: int, sentences: Sequence[Sentence], memo: dict[int, list[Figure]]
) -> list[Figure]:
    """`figures_in` of a sentence, once."""
    if key not in memo:
        memo[key] = figures_in(sentences[key])
    return memo[key]


def _subject(a: Figure, b: Figure) -> str:
    """What both figures count, as the first one words it."""
    shared = set(a.unit) & set(b.unit)
    words = a.text.split()
    return next((w for w in reversed(words) if stem(w.lower().strip(".,")) in shared), a.text)


def _variant(
    figure: Figure, sentences: Sequence[Sentence], source_of: Mapping[str, str]
) -> Variant:
    sentence = sentences[figure.sentence]
    ref = Ref(sentence.article_id, sentence.paragraph)
    return Variant(source_of[sentence.article_id], figure.text, sentence.text, (ref,))
