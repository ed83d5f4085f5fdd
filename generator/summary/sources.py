"""Articles -> sources: one outlet's articles are one voice, and so are wire copies.

Two articles are wire copies when most of their five-word shingles are shared (one text
carried by several outlets). Agreement needs two sources, so a wire story reprinted by
ten outlets counts once, and is shown as one source naming every outlet.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence

from generator.models import Article
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


def shingles(article: Article) -> frozenset[int]:
    """Sampled hashes of the article's five-word shingles (lower-cased)."""
    words = [w.lower() for p in article.paragraphs for w in words_of(p.text)]
    found = set()
    for i in range(len(words) - SHINGLE + 1):
        code = zlib.crc32(" ".join(words[i : i + SHINGLE]).encode())
        if code % SAMPLE == 0:
            found.add(code)
    return frozenset(found)


def wire_pairs(articles: Sequence[Article]) -> list[tuple[int, int]]:
    """Index pairs of articles that are copies of one text."""
    sets = [shingles(a) for a in articles]
    postings: dict[int, list[int]] = defaultdict(list)
    for index, codes in enumerate(sets):
        for code in codes:
            postings[code].append(index)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in postings.values():
        if len(members) <= MAX_POSTINGS:
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    shared[(i, j)] += 1
    return sorted(
        pair
        for pair, count in shared.items()
        if count >= COPY_CONTAINMENT * min(len(sets[pair[0]]), len(sets[pair[1]]))
    )


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
