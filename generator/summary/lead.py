"""The lead: 3-5 sentences, taken whole from the articles, that tell the story.

Each sentence gets a salience from a few measurable signals: how close it is to the
topic's centroid, how much of it other sources also say (cosine to their closest sentence
and the share of its word pairs they use), how close it is to the headlines, and where it
stands in its article (openings carry the news; a sentence that starts with "He" or "But"
leans on one before it; a teaser cut with "..." is incomplete). The weights are fixed
constants, set once against the AllSides reference summaries (bench/score_summaries.py).
The lead takes the most salient sentences, skipping near-repeats, until it has about
LEAD_WORDS words, and shows them in reading order.

Why whole sentences and these signals (measured on AllSides, 5-fold over clusters where
anything was fitted; `bench/score_summaries.py --ceilings`): even a salience that knew each
sentence's ROUGE precision against the reference would lift this selection only to R-1
0.467 / R-2 0.207, so a better ranking has little to win; learned rankers (ridge on 25
signals, logistic on the oracle's picks), SumBasic, concept coverage and submodular
coverage did no better than these weights. Deleting spans that keep a sentence grammatical
(attributions, leading adverbials, parentheticals, appositives, relative and participial
clauses) gained at most +0.004 / +0.003 even when an oracle chose which to delete, and
dropping "..., officials said" turns a report into our own assertion. Knowing how long the
reference is would be worth R-1 0.453 / R-2 0.181 by itself, but nothing in a topic predicts
it (no signal we tried correlates with it beyond |r| = 0.1).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from operator import attrgetter

import numpy as np

from generator.models import Article
from generator.sorted_sets import distinct, found_in
from generator.summary.align import Alignment, codes_of
from generator.summary.arrays import Indices
from generator.summary.sentences import Sentence, stem_token, terms_of, words_of

LEAD_WORDS = 110
MIN_SENTENCES = 3
MAX_SENTENCES = 5
# Two lead sentences closer than this say the same thing: the second is skipped.
REPEAT = 0.5
# A sentence this short ("New York Post reported.") leans on its neighbours: not a lead line.
MIN_WORDS = 5
LEANS_BACK = re.compile(
    r"^(?:He|She|It|This|They|That|These|Those|His|Her|Their|Its|But|And|Also|However|"
    r"Meanwhile|Still|So|Then|Yet|Additionally|Moreover)\b"
)


@dataclass(frozen=True, slots=True)
class Signals:
    """What the salience of one sentence is computed from (each about 0-1)."""

    centroid: float
    """Cosine to the topic's centroid."""
    support: float
    """Cosine to the closest sentence of another source."""
    headline: float
    """Share of the headlines' words."""
    shared_pairs: float
    """Share of the sentence's word pairs that other sources use too."""
    opening: float
    """First sentence of its article."""
    position: float
    """Place in the article, 0 (first) to 1 (seventh or later)."""
    incomplete: float
    """Ends with "..." (a teaser or a cut excerpt)."""
    leans_back: float
    """Starts with a pronoun or a connective."""
    length: float
    """Words / 60, at most 1."""


# Fitted once on the AllSides clusters (see the module docstring); not per cluster.
WEIGHTS = Signals(
    centroid=0.9, support=0.9, headline=1.0, shared_pairs=0.8, opening=0.0, position=-0.15,
    incomplete=-0.05, leans_back=-0.05, length=-0.3,
)  # fmt: skip


_VALUES = attrgetter(*(f.name for f in fields(Signals)))
_WEIGHTS = tuple(float(w) for w in _VALUES(WEIGHTS))


def salience(signals: Signals) -> float:
    """Weighted sum of the signals (in field order: the same float sum every time)."""
    return sum(float(v) * w for v, w in zip(_VALUES(signals), _WEIGHTS, strict=True))


def unit_signals(
    alignment: Alignment, members: Sequence[Article], source_of: Mapping[str, str]
) -> list[Signals]:
    """The signals of every unit (sentence as its source has it)."""
    heads = [u.sentence for u in alignment.units]
    centrality = _centrality(alignment)
    support = _support(alignment)
    titles = Counter(t for a in members for t in set(terms_of(words_of(a.title))))
    title_norm = math.sqrt(sum(c * c for c in titles.values())) or 1.0
    shared = _shared_pairs(heads, members, source_of)
    signals = []
    for sentence, central, shared_pairs in zip(heads, centrality, shared, strict=True):
        terms = set(sentence.terms)
        signals.append(
            Signals(
                centroid=central,
                support=support[sentence.key],
                headline=sum(map(titles.__getitem__, terms))
                / (title_norm * math.sqrt(len(terms) or 1)),
                shared_pairs=shared_pairs,
                opening=float(sentence.position == 0),
                position=min(sentence.position, 6) / 6,
                incomplete=float(sentence.text.endswith(("...", "…"))),
                leans_back=float(LEANS_BACK.match(sentence.text) is not None),
                length=min(len(sentence.text.split()), 60) / 60,
            )
        )
    return signals


def _centrality(alignment: Alignment) -> list[float]:
    """Cosine of each unit to the centroid of all units (their normalised sum)."""
    rows = np.array([u.sentence.key for u in alignment.units], dtype=np.int64)
    total = alignment.vectors.column_sums(rows)
    norm = float(np.sqrt(total @ total)) or 1.0
    return [float(v) for v in alignment.vectors.times(rows, total / norm)]


def _support(alignment: Alignment) -> list[float]:
    """Sentence key -> cosine to the closest sentence of another source (0 if none)."""
    related = alignment.related
    best = np.zeros(alignment.vectors.shape[0])
    np.maximum.at(best, related.first, related.similarity)
    np.maximum.at(best, related.second, related.similarity)
    return [float(value) for value in best]


def _shared_pairs(
    heads: Sequence[Sentence], members: Sequence[Article], source_of: Mapping[str, str]
) -> list[float]:
    """Per sentence, the share of its distinct word pairs (stems, in order) that another
    source also uses, in a sentence or a headline. Counted with arrays: a pair is a code
    `first * V + second` over the topic's stems, and its users are distinct sources."""
    texts = [*(s.words for s in heads), *(words_of(a.title) for a in members)]
    sources = [
        *(source_of[s.article_id] for s in heads),
        *(source_of[a.id] for a in members),
    ]
    tokens = [w for words in texts for w in words]
    seen = {w: n for n, w in enumerate(dict.fromkeys(tokens))}
    flat = np.fromiter(map(seen.__getitem__, tokens), dtype=np.int64, count=len(tokens))
    stems: dict[str, int] = {}
    stem_ids = np.array([stems.setdefault(stem_token(w), len(stems)) for w in seen] or [0])
    flat = stem_ids[flat]
    of_token = np.repeat(np.arange(len(texts)), [len(words) for words in texts])
    within = of_token[:-1] == of_token[1:]
    codes = (flat[:-1] * len(stems) + flat[1:])[within]
    owner = of_token[:-1][within]
    owner, codes = _distinct_rows(owner, codes)
    source_codes = codes_of(sources)
    used, _ = _distinct_rows(codes, source_codes[owner])
    values, users = np.unique(used, return_counts=True)
    several = found_in(codes, values[users > 1])  # values: sorted
    shared = np.bincount(owner, weights=several, minlength=len(texts))
    total = np.bincount(owner, minlength=len(texts))
    return [float(v) for v in (shared / np.maximum(total, 1))[: len(heads)]]


def _distinct_rows(first: Indices, second: Indices) -> tuple[Indices, Indices]:
    """The distinct (first, second) pairs, sorted."""
    if not len(first):
        return first, second
    scale = int(second.max()) + 1
    combined = distinct(first * scale + second)
    return combined // scale, combined % scale


def choose_lead(alignment: Alignment, scores: Sequence[float]) -> list[int]:
    """Unit indexes of the lead, in reading order."""
    fact_of = {i: n for n, group in enumerate(alignment.facts) for i in group}
    chosen: list[int] = []
    words = 0
    for index in sorted(range(len(scores)), key=lambda i: (-scores[i], i)):
        too_short = len(alignment.units[index].sentence.text.split()) < MIN_WORDS
        if too_short or _repeats(alignment, index, chosen, fact_of):
            continue
        chosen.append(index)
        words += len(alignment.units[index].sentence.text.split())
        if len(chosen) >= MAX_SENTENCES or (words >= LEAD_WORDS and len(chosen) >= MIN_SENTENCES):
            break
    return sorted(chosen, key=lambda i: (alignment.units[i].sentence.position, i))


def _repeats(
    alignment: Alignment, index: int, chosen: Sequence[int], fact_of: Mapping[int, int]
) -> bool:
    """The unit says what a chosen one says: same fact, or a close cosine."""
    if index in fact_of and any(fact_of.get(j) == fact_of[index] for j in chosen):
        return True
    key = alignment.units[index].sentence.key
    return any(alignment.similarity(key, alignment.units[j].sentence.key) > REPEAT for j in chosen)


def opening(alignment: Alignment) -> list[int]:
    """A single source's lead: the opening sentences of its first article."""
    first = alignment.units[0].sentence.article_id if alignment.units else None
    chosen: list[int] = []
    words = 0
    for index, unit in enumerate(alignment.units):
        if unit.sentence.article_id != first:
            continue
        chosen.append(index)
        words += len(unit.sentence.text.split())
        if len(chosen) >= MAX_SENTENCES or (words >= LEAD_WORDS and len(chosen) >= MIN_SENTENCES):
            break
    return chosen
