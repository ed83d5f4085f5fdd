"""Sentences -> facts: the same statement in several sources, by TF-IDF cosine.

Terms are stemmed content words and bare numbers, with variant spellings of a name mapped
to one form (so Korochenko matches Korotchenko). Candidate pairs come from an inverted
index over each sentence's rarest terms, which keeps the work linear in the topic's size.
Sentences of one source that say the same (wire copies, a repeated line) become one unit
with several references; units of different sources that say the same form a fact.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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

Vector = dict[str, float]


@dataclass(frozen=True, slots=True)
class Pair:
    """Two sentences and their cosine similarity."""

    a: int
    """`Sentence.key`, the smaller one."""
    b: int
    similarity: float


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence as one source has it, in one or more of its articles."""

    sentence: Sentence
    """The first occurrence: its text is what is shown."""
    source: str
    refs: tuple[Ref, ...]
    keys: tuple[int, ...]
    """`Sentence.key` of every copy, the shown one first."""


@dataclass(frozen=True, slots=True)
class Alignment:
    """What the sentences of a topic have in common."""

    units: tuple[Unit, ...]
    """In reading order (source by source)."""
    facts: tuple[tuple[int, ...], ...]
    """Indexes into `units` of statements that two or more sources share, one unit each."""
    related: tuple[Pair, ...]
    """Cross-source sentence pairs at or above RELATED, most similar first."""
    vectors: tuple[Vector, ...]
    """Unit-length TF-IDF vector of each sentence, by `Sentence.key`."""


def term_map(canonical: Mapping[str, str]) -> dict[str, str]:
    """Stemmed variant spelling -> stemmed canonical spelling."""
    return {stem(form.lower()): stem(name.lower()) for form, name in canonical.items()}


def vectorise(sentences: Sequence[Sentence], mapping: Mapping[str, str]) -> list[Vector]:
    """Unit-length TF-IDF vectors, IDF taken over the topic's sentences."""
    docs = [[mapping.get(t, t) for t in s.terms] for s in sentences]
    df = Counter(t for terms in docs for t in set(terms))
    total = len(docs)
    vectors = []
    for terms in docs:
        weights = {
            t: c * (math.log((total + 1) / (df[t] + 1)) + 1) for t, c in Counter(terms).items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({t: w / norm for t, w in weights.items()})
    return vectors


def cosine(a: Vector, b: Vector) -> float:
    """Dot product of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def candidate_pairs(vectors: Sequence[Vector]) -> set[tuple[int, int]]:
    """Pairs sharing one of their rarest shared terms, without common-term blow-up."""
    df = Counter(t for vector in vectors for t in vector)
    postings: dict[str, list[int]] = defaultdict(list)
    for index, vector in enumerate(vectors):
        shared = sorted((df[t], t) for t in vector if df[t] >= 2)
        for _, term in shared[:BLOCK_TERMS]:
            postings[term].append(index)
    pairs: set[tuple[int, int]] = set()
    for members in postings.values():
        for x, i in enumerate(members[:MAX_POSTINGS]):
            pairs.update((i, j) for j in members[x + 1 : MAX_POSTINGS])
    return pairs


def similar_pairs(vectors: Sequence[Vector], floor: float) -> list[Pair]:
    """Candidate pairs with cosine >= floor, most similar first."""
    found = []
    for i, j in candidate_pairs(vectors):
        value = cosine(vectors[i], vectors[j])
        if value >= floor:
            found.append(Pair(i, j, value))
    return sorted(found, key=lambda p: (-p.similarity, p.a, p.b))


def align(
    sentences: Sequence[Sentence], source_of: Mapping[str, str], mapping: Mapping[str, str]
) -> Alignment:
    """Units per source, facts shared across sources, and related cross-source pairs."""
    vectors = vectorise(sentences, mapping)
    pairs = similar_pairs(vectors, RELATED)
    source = [source_of[s.article_id] for s in sentences]
    units, unit_of = _units(sentences, source, [p for p in pairs if p.similarity >= COPY])
    cross = [p for p in pairs if source[p.a] != source[p.b]]
    facts = _facts(cross, unit_of, [u.source for u in units])
    return Alignment(tuple(units), facts, tuple(cross), tuple(vectors))


def _units(
    sentences: Sequence[Sentence], source: Sequence[str], copies: Sequence[Pair]
) -> tuple[list[Unit], list[int]]:
    """Merge copies within a source; returns the units and the unit of each sentence."""
    first = list(range(len(sentences)))
    for pair in sorted(copies, key=lambda p: (p.a, p.b)):
        if source[pair.a] == source[pair.b] and first[pair.b] == pair.b:
            first[pair.b] = first[pair.a]
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
    cross: Sequence[Pair], unit_of: Sequence[int], unit_source: Sequence[str]
) -> tuple[tuple[int, ...], ...]:
    """Greedy grouping, most similar pairs first, at most one unit per source in a group."""
    group_of: dict[int, int] = {}
    groups: list[list[int]] = []
    for pair in cross:
        if pair.similarity < AGREE:
            break
        a, b = unit_of[pair.a], unit_of[pair.b]
        ga, gb = group_of.get(a), group_of.get(b)
        if ga is None and gb is None:
            group_of[a] = group_of[b] = len(groups)
            groups.append([a, b])
        elif ga is None or gb is None:
            group, unit = (ga, b) if gb is None else (gb, a)
            if group is not None and unit_source[unit] not in {
                unit_source[u] for u in groups[group]
            }:
                groups[group].append(unit)
                group_of[unit] = group
    return tuple(tuple(sorted(g)) for g in sorted(groups, key=min))
