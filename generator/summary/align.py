"""Sentences -> facts: the same statement in several sources, by TF-IDF cosine.

Terms are stemmed content words and bare numbers, with variant spellings of a name mapped
to one form (so Korochenko matches Korotchenko). Candidate pairs come from an inverted
index over each sentence's rarest terms, which keeps the work linear in the topic's size.
Sentences of one source that say the same (wire copies, a repeated line) become one unit
with several references; units of different sources that say the same form a fact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import mul

import numpy as np
import numpy.typing as npt

from generator.sorted_sets import distinct, found_in
from generator.summary.arrays import Indices, SparseRows, met
from generator.summary.model import Ref
from generator.summary.sentences import Sentence, stem

# Cosine at or above which two sentences of different sources state the same fact.
AGREE = 0.3
# Cosine at or above which two sentences of one source are copies of each other.
COPY = 0.8
# Cosine at or above which two sentences talk about the same thing (to compare figures).
RELATED = 0.2
# Blocking: each sentence is indexed under its BLOCK_TERMS rarest terms; a term shared by
# more than MAX_POSTINGS sentences is too common to say two sentences are related.
BLOCK_TERMS = 6
MAX_POSTINGS = 200
# Candidate pairs whose cosines are computed in one sparse product (bounds the memory).
CHUNK = 100_000
# Unit pairs screened at once for being already grouped (see `_facts`).
FACT_CHUNK = 2048

Matrix = SparseRows
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Pair:
    """Two sentences and their cosine similarity."""

    a: int
    """`Sentence.key`, the smaller one."""
    b: int
    similarity: float


@dataclass(frozen=True, slots=True, eq=False)
class Pairs:
    """Sentence pairs as arrays (there can be a million in a large topic), most similar first.

    Ties are ordered by the smaller key, then the larger: `first[k] < second[k]`."""

    first: Indices
    second: Indices
    similarity: Floats

    def __len__(self) -> int:
        return len(self.first)

    def where(self, keep: npt.NDArray[np.bool_]) -> Pairs:
        """The pairs for which `keep` is true, in the same order."""
        return Pairs(self.first[keep], self.second[keep], self.similarity[keep])

    def among(self, keys: Collection[int], floor: float) -> Iterator[Pair]:
        """The pairs at or above `floor` whose two sentences are both in `keys`, in order."""
        wanted = np.sort(np.fromiter(keys, dtype=np.int64, count=len(keys)))
        keep = (
            (self.similarity >= floor)
            & found_in(self.first, wanted)
            & found_in(self.second, wanted)
        )
        return self.where(keep).pairs()

    def pairs(self) -> Iterator[Pair]:
        """Each pair as a `Pair`, in order."""
        for a, b, value in zip(
            self.first.tolist(), self.second.tolist(), self.similarity.tolist(), strict=True
        ):
            yield Pair(a, b, value)


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence as one source has it, in one or more of its articles."""

    sentence: Sentence
    """The first occurrence: its text is what is shown."""
    source: str
    refs: tuple[Ref, ...]
    keys: tuple[int, ...]
    """`Sentence.key` of every copy, the shown one first."""


@dataclass(frozen=True, slots=True, eq=False)
class Alignment:
    """What the sentences of a topic have in common."""

    units: tuple[Unit, ...]
    """In reading order (source by source)."""
    facts: tuple[tuple[int, ...], ...]
    """Indexes into `units` of statements that two or more sources share, one unit each."""
    related: Pairs
    """Cross-source sentence pairs at or above RELATED, most similar first."""
    vectors: Matrix
    """Unit-length TF-IDF vector of each sentence: row `Sentence.key`."""
    rows: dict[int, dict[int, float]] = field(default_factory=dict, repr=False)
    """Rows of `vectors` already read as {column: weight} (the lead and the agreed facts
    compare the same few sentences many times)."""

    def similarity(self, a: int, b: int) -> float:
        """Cosine of two sentences, by key: the same sum, in the same order, as `cosine`."""
        weights, other = self._weights(a), self._weights(b)
        # sum(weights.get(term, 0.0) * value for term, value in other.items()), in maps
        found = map(weights.get, other.keys(), repeat(0.0))
        products: Iterator[float] = map(mul, found, other.values())
        return sum(products)

    def _weights(self, key: int) -> dict[int, float]:
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = dict(zip(*_row(self.vectors, key), strict=True))
        return row


def term_map(canonical: Mapping[str, str]) -> dict[str, str]:
    """Stemmed variant spelling -> stemmed canonical spelling."""
    return {stem(form.lower()): stem(name.lower()) for form, name in canonical.items()}


def vectorise(sentences: Sequence[Sentence], mapping: Mapping[str, str]) -> Matrix:
    """Unit-length TF-IDF vectors, IDF taken over the topic's sentences.

    Columns are the terms in sorted order, so that a column number orders terms as their
    spelling does (the blocking below breaks ties by it)."""
    docs = [
        s.terms if mapping.keys().isdisjoint(s.terms) else [mapping.get(t, t) for t in s.terms]
        for s in sentences
    ]
    vocabulary = {t: n for n, t in enumerate(sorted({t for terms in docs for t in terms}))}
    columns = np.fromiter((vocabulary[t] for terms in docs for t in terms), dtype=np.int64)
    rows = np.repeat(np.arange(len(docs)), [len(terms) for terms in docs])
    shape = (len(docs), max(len(vocabulary), 1))
    counts = SparseRows.counted(rows, columns, shape)
    df = np.bincount(counts.indices, minlength=shape[1])
    weights = counts.data * (np.log((len(docs) + 1) / (df[counts.indices] + 1)) + 1)
    entry_rows = counts.entry_rows()
    norms = np.sqrt(np.bincount(entry_rows, weights=weights * weights, minlength=len(docs)))
    norms[norms == 0] = 1.0
    return SparseRows(counts.indptr, counts.indices, weights / norms[entry_rows], shape)


def cosine(vectors: Matrix, a: int, b: int) -> float:
    """Dot product of two unit rows."""
    weights = dict(zip(*_row(vectors, a), strict=True))
    return sum(
        weights.get(term, 0.0) * value for term, value in zip(*_row(vectors, b), strict=True)
    )


def _row(vectors: Matrix, key: int) -> tuple[list[int], list[float]]:
    start, end = vectors.indptr[key], vectors.indptr[key + 1]
    return vectors.indices[start:end].tolist(), vectors.data[start:end].tolist()


def candidate_pairs(vectors: Matrix) -> tuple[Indices, Indices]:
    """Pairs (i < j) sharing one of their rarest shared terms, without common-term blow-up.

    Each sentence is posted under its BLOCK_TERMS rarest terms (of those in two or more
    sentences; ties by spelling), a posting list keeps its first MAX_POSTINGS sentences,
    and two sentences are a candidate when they meet in a list: the nonzeros of `B @ B.T`
    for the sentence-by-posting incidence matrix B."""
    size, terms = vectors.shape
    if size < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    df = np.bincount(vectors.indices, minlength=terms)
    rows = np.repeat(np.arange(size), np.diff(vectors.indptr))
    columns = vectors.indices.astype(np.int64)
    shared = df[columns] >= 2
    rows, columns = rows[shared], columns[shared]
    # The entries come by row, then column: a stable sort by (row, df) keeps the columns'
    # order among equal df, as sorting by all three did (np.lexsort, slower).
    order = np.argsort(rows * (int(df.max(initial=0)) + 1) + df[columns], kind="stable")
    rows, columns = rows[order], columns[order]
    keep = _rank_in_runs(rows) < BLOCK_TERMS
    rows, columns = rows[keep], columns[keep]
    order = np.argsort(columns * size + rows)  # each (row, column) once: one order
    rows, columns = rows[order], columns[order]
    keep = _rank_in_runs(columns) < MAX_POSTINGS
    rows, columns = rows[keep], columns[keep]
    first, second = met(rows, columns)
    codes = distinct(first * size + second)
    return codes // size, codes % size


def _rank_in_runs(values: Indices) -> Indices:
    """For a sorted array, each element's place in its run of equal values (0, 1, ...)."""
    if not len(values):
        return values
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    lengths = np.diff(np.r_[starts, len(values)])
    return np.arange(len(values)) - np.repeat(starts, lengths)


def similar_pairs(vectors: Matrix, floor: float) -> Pairs:
    """Candidate pairs with cosine >= floor, most similar first."""
    first, second = candidate_pairs(vectors)
    values = np.concatenate(
        [
            vectors.row_dots(first[start : start + CHUNK], second[start : start + CHUNK])
            for start in range(0, len(first), CHUNK)
        ]
        or [np.zeros(0)]
    )
    keep = values >= floor
    first, second, values = first[keep], second[keep], values[keep]
    # The candidates come sorted by (first, second) (`distinct` codes): a stable sort by
    # similarity alone gives the order of sorting by all three, for less.
    order = np.argsort(-values, kind="stable")
    return Pairs(first[order], second[order], values[order])


def align(
    sentences: Sequence[Sentence], source_of: Mapping[str, str], mapping: Mapping[str, str]
) -> Alignment:
    """Units per source, facts shared across sources, and related cross-source pairs."""
    vectors = vectorise(sentences, mapping)
    pairs = similar_pairs(vectors, RELATED)
    source = [source_of[s.article_id] for s in sentences]
    codes = codes_of(source)
    same = codes[pairs.first] == codes[pairs.second]
    copies = pairs.where(same & (pairs.similarity >= COPY))
    units, unit_of = _units(sentences, source, copies)
    cross = pairs.where(~same)
    facts = _facts(cross, unit_of, [u.source for u in units])
    return Alignment(tuple(units), facts, cross, vectors)


def codes_of(labels: Sequence[str]) -> Indices:
    """A number per label, equal for equal labels (to compare sources as arrays)."""
    number = {label: n for n, label in enumerate(dict.fromkeys(labels))}
    return np.fromiter(map(number.__getitem__, labels), dtype=np.int64, count=len(labels))


def _units(
    sentences: Sequence[Sentence], source: Sequence[str], copies: Pairs
) -> tuple[list[Unit], list[int]]:
    """Merge copies within a source; returns the units and the unit of each sentence."""
    first = list(range(len(sentences)))
    order = np.lexsort((copies.second, copies.first))
    for a, b in zip(copies.first[order].tolist(), copies.second[order].tolist(), strict=True):
        if first[b] == b:
            first[b] = first[a]
    members: dict[int, list[int]] = defaultdict(list)
    for key, head in enumerate(first):
        members[head].append(key)
    units: list[Unit] = []
    unit_of = [0] * len(sentences)
    for head in sorted(members):
        for key in members[head]:
            unit_of[key] = len(units)
        refs = [Ref(sentences[k].article_id, sentences[k].paragraph) for k in members[head]]
        unit = Unit(sentences[head], source[head], tuple(dict.fromkeys(refs)), tuple(members[head]))
        units.append(unit)
    return units, unit_of


def _facts(
    cross: Pairs, unit_of: Sequence[int], unit_source: Sequence[str]
) -> tuple[tuple[int, ...], ...]:
    """Greedy grouping, most similar pairs first, at most one unit per source in a group."""
    group_of: dict[int, int] = {}
    groups: list[list[int]] = []
    sources: list[set[str]] = []
    grouped = np.zeros(len(unit_source), dtype=bool)
    first, second = _unit_pairs(cross.where(cross.similarity >= AGREE), unit_of)
    for start in range(0, len(first), FACT_CHUNK):
        a_part, b_part = first[start : start + FACT_CHUNK], second[start : start + FACT_CHUNK]
        # A pair whose units are both grouped changes nothing: skip those in bulk.
        open_ = ~(grouped[a_part] & grouped[b_part])
        for a, b in zip(a_part[open_].tolist(), b_part[open_].tolist(), strict=True):
            ga, gb = group_of.get(a), group_of.get(b)
            if ga is None and gb is None:
                group_of[a] = group_of[b] = len(groups)
                groups.append([a, b])
                sources.append({unit_source[a], unit_source[b]})
                grouped[[a, b]] = True
            elif ga is None or gb is None:
                group, unit = (ga, b) if gb is None else (gb, a)
                if group is not None and unit_source[unit] not in sources[group]:
                    groups[group].append(unit)
                    sources[group].add(unit_source[unit])
                    group_of[unit] = group
                    grouped[unit] = True
    return tuple(tuple(sorted(g)) for g in sorted(groups, key=min))


def _unit_pairs(pairs: Pairs, unit_of: Sequence[int]) -> tuple[Indices, Indices]:
    """The unit pairs of sentence pairs, each at its first (most similar) occurrence.

    A later occurrence of a unit pair cannot change the greedy grouping: both units are
    grouped by then, or the one left out was refused for a reason that still holds."""
    units = np.asarray(unit_of, dtype=np.int64)
    ends = units[pairs.first], units[pairs.second]
    a, b = np.minimum(*ends), np.maximum(*ends)
    _, first_seen = np.unique(a * len(unit_of) + b, return_index=True)
    kept = np.sort(first_seen)
    return a[kept], b[kept]
