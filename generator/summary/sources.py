"""Articles -> sources: one outlet's articles are one voice, and so are wire copies.

Two articles are wire copies when most of their five-word shingles are shared (one text
carried by several outlets). Agreement needs two sources, so a wire story reprinted by
ten outlets counts once, and is shown as one source naming every outlet.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

from generator.models import Article
from generator.summary.arrays import met
from generator.summary.model import Source
from generator.summary.sentences import words_of

SHINGLE = 5
# Share of the smaller text's shingles that makes two articles copies of one text.
COPY_CONTAINMENT = 0.8
# Only one shingle in SAMPLE is indexed: enough to find copies, linear in the text.
SAMPLE = 4
# A shingle carried by more articles than this is boilerplate, not evidence of copying.
MAX_POSTINGS = 50
UNKNOWN = "unknown outlet"
# Odd 64-bit constants for the shingle hash (arithmetic wraps modulo 2**64).
_MULTIPLIER = np.uint64(0x100000001B3)
_MIXER = np.uint64(0xBF58476D1CE4E5B9)


def shingles(article: Article) -> frozenset[int]:
    """Sampled hashes of the article's five-word shingles (lower-cased).

    A shingle's hash combines the CRC-32 of its words (a polynomial over 64-bit integers,
    then mixed), computed for all windows at once; every SAMPLE-th hash value is kept."""
    words = [w for p in article.paragraphs for w in words_of(p.text.lower())]
    if len(words) < SHINGLE:
        return frozenset()
    distinct = {w: n for n, w in enumerate(dict.fromkeys(words))}
    index = np.fromiter(map(distinct.__getitem__, words), dtype=np.int64, count=len(words))
    codes = np.array([zlib.crc32(w.encode()) for w in distinct], dtype=np.uint64)[index]
    windows = np.zeros(len(words) - SHINGLE + 1, dtype=np.uint64)
    for offset in range(SHINGLE):
        windows = windows * _MULTIPLIER + codes[offset : offset + len(windows)]
    windows ^= windows >> np.uint64(31)
    windows *= _MIXER
    windows ^= windows >> np.uint64(29)
    return frozenset(windows[windows % np.uint64(SAMPLE) == 0].tolist())


def wire_pairs(articles: Sequence[Article]) -> list[tuple[int, int]]:
    """Index pairs of articles that are copies of one text.

    Shared shingles are counted as `B @ B.T` for the article-by-shingle incidence B, less
    the shingles of more than MAX_POSTINGS articles."""
    if len(articles) < 2:
        return []
    sets = [shingles(a) for a in articles]
    sizes = np.array([len(codes) for codes in sets])
    codes = np.array([code for own in sets for code in sorted(own)], dtype=np.uint64)
    rows = np.repeat(np.arange(len(sets)), sizes)
    columns = np.unique(codes, return_inverse=True)[1].reshape(-1)
    carried = np.bincount(columns)[columns] if len(columns) else columns
    keep = carried <= MAX_POSTINGS
    rows, columns = rows[keep], columns[keep]
    order = np.argsort(columns * len(sets) + rows)  # each (row, column) once: one order
    first, second = met(rows[order], columns[order])
    pairs, shared = np.unique(first * len(sets) + second, return_counts=True)
    first, second = pairs // len(sets), pairs % len(sets)
    enough = shared >= COPY_CONTAINMENT * np.minimum(sizes[first], sizes[second])
    return sorted(zip(first[enough].tolist(), second[enough].tolist(), strict=True))


def group_sources(articles: Sequence[Article]) -> tuple[Source, ...]:
    """The sources of a topic's (chronological) members, in order of first appearance."""
    parent = list(range(len(articles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_outlet: dict[str, int] = {}
    for index, article in enumerate(articles):
        if article.outlet:
            first = by_outlet.setdefault(article.outlet.casefold(), index)
            parent[find(index)] = find(first)
    copies = wire_pairs(articles)
    for i, j in copies:
        parent[find(j)] = find(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(articles)):
        groups[find(index)].append(index)
    copied = {i for pair in copies for i in pair}
    ordered = sorted(groups.values(), key=min)
    labels = _labels([[articles[i] for i in g] for g in ordered])
    return tuple(
        Source(label, tuple(articles[i].id for i in g), any(i in copied for i in g))
        for label, g in zip(labels, ordered, strict=True)
    )


def _labels(groups: Iterable[Sequence[Article]]) -> list[str]:
    """Outlet names joined, unique ("unknown outlet 2" for a second unnamed source)."""
    labels: list[str] = []
    for members in groups:
        names = list(dict.fromkeys(a.outlet for a in members if a.outlet))
        label = ", ".join(names) or UNKNOWN
        count = sum(1 for other in labels if other == label or other.startswith(label + " "))
        labels.append(f"{label} {count + 1}" if count else label)
    return labels


def source_of(sources: Iterable[Source]) -> dict[str, str]:
    """Article id -> the label of its source."""
    return {aid: s.label for s in sources for aid in s.article_ids}
