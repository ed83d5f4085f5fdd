"""Find which articles tell the same story (the fuzzy part of grouping).

1. `features.extract`: each article's words, names and figures, and its date.
2. Similar pairs: a weighted sum of cosines (words, names, figures) over distinctive
   terms, scaled down by the time between the two articles. One sparse product per time
   block finds them (an inverted index in matrix form): articles sharing no distinctive
   term are never compared, and terms too common within a block to tell stories apart
   are left out, so the work grows with the number of articles, not its square.
3. Weighted average-link agglomeration (WPGMA): the two most similar groups merge, and a
   merged group is as similar to a third as the mean of its two halves, until no two
   groups reach the threshold. Averaging keeps a chain of loosely related articles from
   pulling two different incidents of the same kind together. All pairs of groups that
   are each other's most similar merge at once, in rounds of sparse products.

Articles are taken in id order and every tie is broken by position in that order, so
the result does not depend on the order of the input.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from generator import parallel
from generator.config import TopicsConfig
from generator.features import (
    Counted,
    Features,
    Memo,
    extract_leads,
    features_of,
    hapax_weight,
    idf_level,
)
from generator.leads import Leads, leads_of
from generator.models import Article
from generator.sorted_sets import distinct, found_in, without
from generator.sparse_import import import_sparse

WORD_WEIGHT = 0.7
NAME_WEIGHT = 0.3
"""Shared people, places and organisations: what tells two earthquakes apart."""
FIGURE_WEIGHT = 0.1
UNDATED_FACTOR = 0.7
"""Similarity of a pair with an undated article is scaled by this: content alone must
be stronger evidence than content and a matching date."""
MAX_POSTING = 200
"""A term found in more articles than this within a time block is not distinctive there."""
KEEP_FRACTION = 0.5
"""Pairs less similar than this fraction of the threshold count as unrelated (sparsity)."""
MAX_LINKS = 30
"""An article keeps its links to its most similar articles only: in a dense neighbourhood
(a month of one long-running story) the rest change nothing but cost time and memory."""
CHUNK_ROWS = 2000
PARALLEL_FROM = 8
"""Slices of CHUNK_ROWS rows from which a forked child multiplies some (16,000 articles).
At 10,000 articles (5 slices, 0.13 s of products) a child bought nothing: in 11 builds
after a lead edit each way, the group stage took 0.50-0.57 s with it, twice
0.65-0.67 s, and 0.49-0.52 s without (medians 0.51 s both)."""

if TYPE_CHECKING:
    from generator.features import Matrix
Indices = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Pairs:
    """Candidate pairs of articles (by row), `left < right`, and their similarity."""

    left: Indices
    right: Indices
    similarity: npt.NDArray[np.float64]


def cluster(
    articles: Sequence[Article], settings: TopicsConfig, memo: Memo | None = None
) -> list[list[Article]]:
    """Partition `articles` into stories; each list is one story, in id order. A `memo`
    (the build cache) spares work done by earlier builds, never changing the result."""
    return cluster_leads(leads_of(articles), settings, memo)


def cluster_leads(
    leads: Leads, settings: TopicsConfig, memo: Memo | None = None
) -> list[list[Article]]:
    """`cluster` of articles whose leads are cut already."""
    if len(leads.articles) < 2:
        return [[a] for a in leads.articles]
    features = extract_leads(leads.articles, leads.texts, memo)
    return stories_of(leads.articles, labels_of(features, settings))


def labels_of(features: Features, settings: TopicsConfig) -> list[int]:
    """Each article's story (the lowest row in it), from its features."""
    return agglomerate(len(features), similar_pairs(features, settings), settings.threshold)


def labels_of_counted(counted: Counted, settings: TopicsConfig) -> list[int]:
    """`labels_of` the counted leads: the part of grouping that reads no cache (and the
    only one that needs scipy), which a build can leave to a forked child."""
    return labels_of(features_of(counted), settings)


class Overtaken(Exception):
    """The grouping that `placed` guesses at was made before the guess (its `until`)."""


def placed(
    features: Features,
    settings: TopicsConfig,
    labels: Sequence[int],
    new: Sequence[int],
    until: Callable[[], bool] | None = None,
) -> list[int]:
    """A guess at `labels_of(features)` from the labels of a grouping without the rows
    `new` (there each labelled as a story of its own): the stories within GUESS_REACH
    links at the threshold of a new row, and those of the rows whose similarities to
    others the new rows changed (`_reweighted`, `_Similarities.recounted`) with the
    stories a link from them, are grouped again, with the new rows, from their rows'
    similarities (`_regrouped`); the others stay as they were. Where that holds more
    than GUESS_ROWS rows, only the stories near the new rows are grouped again, and where
    even those do, each new row instead joins the story it is most like (`_each_joined`).

    Only a guess, for a build to go on with while the grouping is made (`build.
    Speculation`). A new row changes most the merges near it: it joins a story, and the
    story's mean similarity to its neighbours moves, so that two stories merge or one
    splits; joining it to the story it is most like missed those. It also changes the
    similarities among other rows in two ways. The rows holding a term whose count of
    articles crosses a step of its idf (`features.idf_of`) weigh their terms anew,
    wherever they are in time (for one synthetic article at the median: 21 rows of
    1,000, 5 of 10,000, 10 of 100,000; at most 290, 76, 613 of 200 tried); no other
    row's weights move, unless the count of all articles crosses a step, where every
    row's do. And a term that the new row makes found in more than MAX_POSTING articles
    of its time blocks stops counting between the rows holding it there (13 of 100
    articles at 100,000: 200 rows each). With one labelled article left out at a time,
    the guess was the grouping of all of them for 100 of 100 (joining alone: 90), and at
    10,000 synthetic articles for 20 of 20 (joining alone: 12).

    `until()` says whether the grouping guessed at is made: asked every UNTIL_ROWS rows
    whose similarities were found, it raises Overtaken once it is. (At 10,000 articles
    one placing in ten took 0.4-0.8 s, where grouping them all took about 0.5 s.)"""
    vectors = combined(features)
    label = np.array(labels, dtype=np.int64)
    similarities_to = _Similarities(vectors, features.days, settings)
    reweighted = _reweighted(vectors, new)
    recounted = similarities_to.recounted(new)
    # Every row's weights changed (None): the stories near the new rows are the best guess.
    shifted = recounted if reweighted is None else distinct(np.concatenate([reweighted, recounted]))
    known = _Known(until)
    found = _neighbourhood(similarities_to, label, new, shifted, settings, known)
    if found is None and len(shifted):
        # Too many to group again (a common name's count crossing a step of its idf moved
        # 558 and 608 articles' weights at 100,000): the stories near the new rows then,
        # which still hold where those weights changed no merge.
        found = _neighbourhood(similarities_to, label, new, shifted[:0], settings, known)
    if found is None:
        return _each_joined(similarities_to, label, new, settings)
    rows, similarities = found
    return _regrouped(label, rows, similarities, settings)


UNTIL_ROWS = 128
"""Rows whose similarities `placed` finds between two questions to its `until`: ~25 ms
of them at 10,000 articles, ~85 ms at 100,000 (a question costs a few microseconds)."""


class _Known(dict[int, "Links"]):
    """Each row's links found by `placed` (`_Similarities`), kept for another look; every
    UNTIL_ROWS rows, `until` is asked whether to stop (Overtaken)."""

    def __init__(self, until: Callable[[], bool] | None) -> None:
        super().__init__()
        self.until = until

    def links(self, similarities_to: _Similarities, row: int) -> Links:
        found = self.get(row)
        if found is None:
            found = self[row] = similarities_to(row)
            if self.until is not None and len(self) % UNTIL_ROWS == 0 and self.until():
                raise Overtaken
        return found


GUESS_REACH = 2
"""Links at the threshold from a new row within which `placed` groups stories again: one
link reaches the stories it may join, two the stories those may merge with. At 10,000
synthetic articles (before the stories of reweighted rows were grouped again too), one
held 16 guesses of 20 and two 18; the whole component of the graph at the threshold
(7,864 articles there) the same 18, for 40 times the time."""
GUESS_ROWS = 5_000
"""Rows of a neighbourhood beyond which `placed` only joins each new row to a story. At
100,000 synthetic articles, 14 articles left out in turn and placed (6 of them making a
term common in their time blocks): 13 guesses held with 5,000, 11 with 2,000; placing
took 0.3-2.4 s (`_Similarities`, 0.66 ms a row)."""


def _reweighted(vectors: Matrix, new: Sequence[int]) -> Indices | None:
    """The rows other than `new` whose weights the new rows changed: those holding a term
    whose count of articles crossed a step of its idf (`features.idf_of`; a column of
    `combined` is held by the articles its kind's term is); None when the count of all
    articles did, or the weight of words found once changed (every row's weights did)."""
    size, before = vectors.shape[0], vectors.shape[0] - len(new)
    if idf_level(size) != idf_level(before) or hapax_weight(size) != hapax_weight(before):
        return None
    terms, held = np.unique(vectors[list(new)].indices, return_counts=True)
    columns = vectors[:, terms].tocsc()
    after = np.diff(columns.indptr)
    crossed = np.flatnonzero(idf_level(after) != idf_level(after - held)).tolist()
    found = [columns.indices[columns.indptr[t] : columns.indptr[t + 1]] for t in crossed]
    return without(np.concatenate([np.zeros(0, dtype=np.int64), *found]), new)


def _neighbourhood(
    similarities_to: _Similarities,
    label: Indices,
    new: Sequence[int],
    shifted: Indices,
    settings: TopicsConfig,
    known: _Known,
) -> tuple[Indices, dict[int, Links]] | None:
    """The rows of the stories within GUESS_REACH links at the threshold of a row of
    `new` (whole stories, and the new rows), in order, and each one's links to every
    row (`_Similarities`); None when they are more than GUESS_ROWS. The stories of the
    rows `shifted` (whose similarities to others the new rows changed) count as linked
    to a new row. `known` keeps each row's links found, for another call to take."""
    members: dict[int, Indices] = {}
    chosen = {int(row) for row in new}
    frontier = sorted(chosen)
    for reach in range(GUESS_REACH + 1):
        following: list[int] = []
        for row in frontier:
            links = known.links(similarities_to, row)
            if reach == GUESS_REACH:
                continue
            linked = label[links.rows[links.similarity >= settings.threshold]]
            if reach == 0:
                linked = np.concatenate([linked, label[shifted]])
            for story in distinct(linked).tolist():
                if story not in members:
                    members[story] = np.flatnonzero(label == story)
                fresh = [m for m in members[story].tolist() if m not in chosen]
                chosen.update(fresh)
                following.extend(fresh)
            if len(chosen) > GUESS_ROWS:
                return None
        frontier = following
    return np.array(sorted(chosen), dtype=np.int64), known


def _regrouped(
    label: Indices, rows: Indices, similarities: Mapping[int, Links], settings: TopicsConfig
) -> list[int]:
    """`label` with the `rows` (whole stories) agglomerated again from their
    similarities to every row, as `similar_pairs` keeps them: each row's MAX_LINKS
    strongest, counted over all its links, not only those among `rows`."""
    right = [similarities[int(r)].rows for r in rows]
    left = [np.full(len(found), r) for r, found in zip(rows, right, strict=True)]
    similarity = [similarities[int(r)].similarity for r in rows]
    pairs = _sorted(
        Pairs(np.concatenate(left), np.concatenate(right), np.concatenate(similarity)),
        len(label),
    )
    # A pair of two rows of the neighbourhood was found from both ends: once is enough.
    once = np.ones(len(pairs.left), dtype=np.bool_)
    once[1:] = (np.diff(pairs.left) != 0) | (np.diff(pairs.right) != 0)
    pairs = Pairs(pairs.left[once], pairs.right[once], pairs.similarity[once])
    pairs = _strongest(pairs, len(label), MAX_LINKS)
    inside = np.zeros(len(label), dtype=np.bool_)
    inside[rows] = True
    among = inside[pairs.left] & inside[pairs.right]
    position = np.zeros(len(label), dtype=np.int64)
    position[rows] = np.arange(len(rows))
    local = Pairs(
        position[pairs.left[among]], position[pairs.right[among]], pairs.similarity[among]
    )
    grouped = np.array(agglomerate(len(rows), local, settings.threshold), dtype=np.int64)
    result = label.copy()
    result[rows] = rows[grouped]  # rows are in order: a group's lowest row is its label
    moved: list[int] = result.tolist()
    return moved


def _each_joined(
    similarities_to: _Similarities, label: Indices, new: Sequence[int], settings: TopicsConfig
) -> list[int]:
    """`label` with each new row, in turn, joined to the story whose mean similarity to
    it is the highest, if that reaches the threshold, as average-link agglomeration
    merges a group with the group it is most like. (A row that a new row joined before
    it stays where it is.)"""
    label = label.copy()
    for row in new:
        if np.count_nonzero(label == label[row]) > 1:
            continue
        links = similarities_to(int(row))
        total = np.bincount(label[links.rows], weights=links.similarity, minlength=len(label))
        size = np.bincount(label, minlength=len(label))
        mean = np.divide(total, size, out=np.zeros(len(label)), where=size > 0)
        mean[label[row]] = 0.0
        best = int(np.argmax(mean))  # of equal means, the story that comes first
        if mean[best] >= settings.threshold:
            label[(label == best) | (label == label[row])] = min(best, int(label[row]))
    result: list[int] = label.tolist()
    return result


@dataclass(frozen=True, slots=True)
class Links:
    """A row's similarities to the rows it is similar to at all (`_Similarities`)."""

    rows: Indices
    """Those rows, in order."""
    similarity: Floats


class _Similarities:
    """Each row's links to every row, as `similar_pairs` has them (before its
    MAX_LINKS cut): a dated pair at most a block apart over the terms distinctive in the
    later of the two blocks (found in at most MAX_POSTING articles of it and the block
    before), a pair with an undated article over the terms distinctive in the archive;
    time-scaled, below the keeping floor none. For a few rows at a time (`placed`), where
    `similar_pairs` pairs them all. (Sums may differ from its products in the last bit.)"""

    def __init__(self, vectors: Matrix, days: Floats, settings: TopicsConfig) -> None:
        self.vectors, self.days, self.settings = vectors, days, settings
        self.block = np.floor(days / settings.window_days)  # NaN: undated
        self.archive = np.bincount(vectors.indices, minlength=vectors.shape[1])
        self.counts: dict[float, npt.NDArray[np.int64]] = {}
        dated = np.flatnonzero(~np.isnan(days))
        self.by_day = dated[np.argsort(days[dated], kind="stable")]
        self.sorted_days = days[self.by_day]
        self.undated = np.flatnonzero(np.isnan(days))

    def _in_block(self, block: float) -> npt.NDArray[np.int64]:
        """How many articles of a block hold each term."""
        found = self.counts.get(block)
        if found is None:
            rows = np.flatnonzero(self.block == block)
            held = self.vectors[rows].indices
            found = self.counts[block] = np.bincount(held, minlength=self.vectors.shape[1])
        return found

    def _distinctive(self, terms: Indices, block: float) -> npt.NDArray[np.bool_]:
        """Whether each term is distinctive for pairs whose later block is `block`."""
        reach = self._in_block(block)[terms] + self._in_block(block - 1)[terms]
        distinctive: npt.NDArray[np.bool_] = reach <= MAX_POSTING
        return distinctive

    def recounted(self, new: Sequence[int]) -> Indices:
        """The rows other than `new` whose similarities to each other the rows `new`
        changed by counting: those holding a term that the new rows made found in more
        than MAX_POSTING articles of the blocks a pair is counted in (a new row's block
        and the one before or after it, or the archive, for pairs with an undated
        article), so that it is no longer distinctive there."""
        found = [np.zeros(0, dtype=np.int64)]
        for row in new:
            terms = self.vectors[row].indices.astype(np.int64)
            holders = self.vectors[:, terms].tocsc()
            block = float(self.block[row])
            blocks = [] if np.isnan(block) else [(block - 1, block), (block, block + 1)]
            for pair in blocks:
                reach = self._in_block(pair[0])[terms] + self._in_block(pair[1])[terms]
                crossed = self._crossed(reach, terms, new, pair)
                for term in crossed.tolist():
                    rows = holders.indices[holders.indptr[term] : holders.indptr[term + 1]]
                    found.append(rows[np.isin(self.block[rows], pair)].astype(np.int64))
            if len(self.undated):
                crossed = self._crossed(self.archive[terms], terms, new, None)
                for term in crossed.tolist():
                    rows = holders.indices[holders.indptr[term] : holders.indptr[term + 1]]
                    found.append(rows.astype(np.int64))
        return without(np.concatenate(found), new)

    def _crossed(
        self,
        reach: npt.NDArray[np.int64],
        terms: Indices,
        new: Sequence[int],
        blocks: tuple[float, ...] | None,
    ) -> Indices:
        """Positions in `terms` of those found in more than MAX_POSTING articles
        (`reach`, counted in `blocks`, or the archive: None) with the rows `new`, and in
        at most MAX_POSTING without them."""
        counted = [r for r in new if blocks is None or self.block[r] in blocks]
        held = np.zeros(len(terms), dtype=np.int64)
        for row in counted:
            held += found_in(terms, np.sort(self.vectors[row].indices))
        crossed: Indices = np.flatnonzero((reach > MAX_POSTING) & (reach - held <= MAX_POSTING))
        return crossed

    def _candidates(self, row: int) -> Indices:
        """The rows that may be near `row` in time, in order: every row for an undated
        one; else the undated and those dated within a day more than the window."""
        day = self.days[row]
        if np.isnan(day):
            return np.arange(len(self.days))
        reach = self.settings.window_days + 1  # time_factor draws the exact line
        start, end = np.searchsorted(self.sorted_days, [day - reach, day + reach])
        return np.sort(np.concatenate([self.by_day[start:end], self.undated]))

    def __call__(self, row: int) -> Links:
        days, block = self.days, self.block
        candidates = self._candidates(row)
        factor = time_factor(days[candidates], np.full(len(candidates), days[row]), self.settings)
        near = candidates[factor > 0]
        factor = factor[factor > 0]
        query = self.vectors[row]
        terms, weights = query.indices.astype(np.int64), query.data
        rows = self.vectors[near]
        # A pair's later block (NaN, and then MAX_POSTING over the archive, when either
        # article is undated: the maximum of a NaN is NaN).
        later = np.maximum(block[near], block[row])
        products = np.zeros(len(near))
        anywhere = self.archive[terms] <= MAX_POSTING
        counted_weights = np.zeros(self.vectors.shape[1])
        for value in distinct(later):  # NaN: pairs with an undated article
            within = np.flatnonzero(np.isnan(later) if np.isnan(value) else later == value)
            counted = anywhere if np.isnan(value) else self._distinctive(terms, float(value))
            counted_weights[terms] = weights * counted
            # Each row's sum runs over its entries in order, the other terms' adding 0.0:
            # the sums over the query's terms alone, bit for bit, without cutting those
            # terms out of the rows (0.66 ms a row at 100,000 articles, against 0.99 ms).
            products[within] = (rows @ counted_weights)[within]
        similarity = products * factor
        floor = self.settings.threshold * KEEP_FRACTION
        kept = (similarity > 0) & (similarity >= floor) & (near != row)
        return Links(near[kept], similarity[kept])


def stories_of(articles: Sequence[Article], labels: Sequence[int]) -> list[list[Article]]:
    """The articles (in clustering order) grouped by label, in order of label."""
    groups: dict[int, list[Article]] = {}
    for article, label in zip(articles, labels, strict=True):
        groups.setdefault(label, []).append(article)
    return [groups[label] for label in sorted(groups)]


def similar_pairs(features: Features, settings: TopicsConfig) -> Pairs:
    """Every pair whose time-scaled similarity is worth keeping, without comparing all pairs.

    Similarity is counted over distinctive terms only: a term found in more than
    MAX_POSTING articles of a time block (for undated articles: of the whole archive) says
    nothing about which story an article tells, and leaving it out is what keeps the
    sparse products below linear in size."""
    vectors = combined(features)
    dated = ~np.isnan(features.days)
    found = [_no_pairs()]
    if dated.any():
        found.append(_dated_pairs(vectors, features.days, np.flatnonzero(dated), settings))
    if not dated.all():
        found.append(_undated_pairs(vectors, np.flatnonzero(~dated), settings))
    return _sorted(_strongest(_joined(found), len(features), MAX_LINKS), len(features))


def combined(features: Features) -> Matrix:
    """One row per article whose dot products are the weighted sum of the three cosines."""
    parts = [
        features.words * math.sqrt(WORD_WEIGHT),
        features.names * math.sqrt(NAME_WEIGHT),
        features.figures * math.sqrt(FIGURE_WEIGHT),
    ]
    import_sparse()  # not at the top: see generator.features
    from scipy import sparse

    stacked: Matrix = sparse.hstack(parts, format="csr")
    return stacked


def time_factor(
    first: npt.NDArray[np.float64], second: npt.NDArray[np.float64], settings: TopicsConfig
) -> npt.NDArray[np.float64]:
    """How much similarity counts at these time distances: it halves every half-life."""
    apart = np.abs(first - second)
    # An undated pair's NaN goes through exp2 as NaN (no warning) and is then replaced:
    # the same factors as clearing the NaNs first, without a copy of every distance.
    factor = np.exp2(-apart / settings.half_life_days)
    factor[apart > settings.window_days] = 0.0
    factor[np.isnan(apart)] = UNDATED_FACTOR
    return factor


@dataclass(frozen=True, slots=True)
class _Keyed:
    """Rows to multiply: `left @ right.T` gives the similarities of `rows[i]`, `columns[j]`."""

    left: Matrix
    right: Matrix
    rows: Indices
    columns: Indices


def _dated_pairs(
    vectors: Matrix, days: npt.NDArray[np.float64], dated: Indices, settings: TopicsConfig
) -> Pairs:
    """Pairs of dated articles at most one block apart (a block is `window_days` long)."""
    block = np.floor(days[dated] / settings.window_days).astype(np.int64)
    block -= block.min(initial=0)
    # The keyed rows are made in a function of their own: its term-sized temporaries are
    # gone before the products start (at 100,000 articles, half a gigabyte).
    left, right = _block_keyed(vectors[dated] if len(dated) < len(days) else vectors, block)
    rank = np.zeros(len(days), dtype=np.int64)
    rank[dated] = block
    return _products(_Keyed(left, right, dated, dated), days, rank, settings)


def _block_keyed(sub: Matrix, block: Indices) -> tuple[Matrix, Matrix]:
    """Rows of `sub` (articles in time blocks `block`) keyed for `_products`.

    A term of article i in block b is keyed (term, b) on the right side, and (term, b) and
    (term, b + 1) on the left, so i meets the articles of its own block and the next one."""
    span = int(block.max(initial=0)) + 2
    entry_row = np.repeat(np.arange(len(block), dtype=np.int64), np.diff(sub.indptr))
    own = sub.indices.astype(np.int64) * span + block[entry_row]
    keys, column, count = unique_keys(own)
    # The keys are sorted and unique: the key one above key i, if there is one, is key
    # i + 1 (no search: a binary search per entry took a third of this at 100,000).
    follows = np.concatenate([keys[1:] == keys[:-1] + 1, [False]])
    # Articles with the term in a key's block or the one before: who the key pairs up.
    reach = count + np.concatenate([[0], np.where(follows[:-1], count[:-1], 0)])
    distinctive = reach <= MAX_POSTING
    next_column = np.minimum(column + 1, len(keys) - 1)
    has_after = follows[column]
    own_ok = distinctive[column]
    next_ok = has_after & distinctive[next_column]
    shape = (len(block), len(keys))
    right = _rows_in_order(entry_row[own_ok], column[own_ok], sub.data[own_ok], shape)
    # Each entry's own key and then its next one: the entries stay in order of rows.
    both = np.stack([own_ok, next_ok], axis=1).ravel()
    left = _rows_in_order(
        np.repeat(entry_row, 2)[both],
        np.stack([column, next_column], axis=1).ravel()[both],
        np.repeat(sub.data, 2)[both],
        shape,
    )
    return left, right


def unique_keys(values: Indices) -> tuple[Indices, Indices, Indices]:
    """`np.unique(values, return_inverse=True, return_counts=True)` of integers: each
    value packed with its position into one integer and the packed values sorted, where
    numpy's sort of plain integers is several times faster than the argsort that
    np.unique does (at 100,000 articles, 6.2 million keys: 0.2 s against 0.9 s).
    Negative values, or values too large to pack with their positions, go to np.unique."""
    size = len(values)
    bits = max(1, size.bit_length())
    if size == 0 or values.min() < 0 or int(values.max()).bit_length() + bits > 62:
        found = np.unique(values, return_inverse=True, return_counts=True)
        return found[0], found[1].ravel(), found[2]
    packed = np.sort((values << bits) | np.arange(size, dtype=np.int64))
    ordered = packed >> bits
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    counts = np.diff(np.append(starts, size))
    inverse = np.empty(size, dtype=np.int64)
    inverse[packed & ((1 << bits) - 1)] = np.repeat(np.arange(len(starts)), counts)
    return ordered[starts], inverse, counts


def _undated_pairs(vectors: Matrix, undated: Indices, settings: TopicsConfig) -> Pairs:
    """Pairs of an undated article with any other, on terms distinctive in the archive."""
    frequency = np.bincount(vectors.indices, minlength=vectors.shape[1])
    common = frequency[vectors.indices] > MAX_POSTING
    distinctive = vectors.copy()
    distinctive.data[common] = 0.0
    distinctive.eliminate_zeros()
    everyone = np.arange(vectors.shape[0], dtype=np.int64)
    keyed = _Keyed(distinctive[undated], distinctive, undated, everyone)
    days = np.full(vectors.shape[0], np.nan)
    dated = np.ones(vectors.shape[0], dtype=np.int64)
    dated[undated] = 0
    return _products(keyed, days, dated, settings)


def _rows_in_order(
    rows: Indices, columns: Indices, values: npt.NDArray[np.float64], shape: tuple[int, int]
) -> Matrix:
    """`_rows_matrix` of entries given in order of rows, no two at one place: the rows
    are cut where they are and each row's columns sorted, without scipy's conversion
    from coordinates and its search for duplicates (the same arrays)."""
    import_sparse()
    from scipy import sparse

    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    matrix: Matrix = sparse.csr_matrix((values, columns, indptr), shape=shape)
    matrix.sort_indices()
    return matrix


def _rows_matrix(
    rows: Indices, columns: Indices, values: npt.NDArray[np.float64], shape: tuple[int, int]
) -> Matrix:
    import_sparse()
    from scipy import sparse

    return sparse.csr_matrix((values, (rows, columns)), shape=shape)


def _products(keyed: _Keyed, days: Floats, rank: Indices, settings: TopicsConfig) -> Pairs:
    """The pairs of `keyed.left @ keyed.right.T` that reach the keeping floor, a slice of
    rows at a time so that memory stays proportional to what is kept.

    A pair can come out twice, as (i, j) and (j, i), only when both have the same `rank`
    (block, or being undated): then the entry with i < j is the one kept."""
    transposed = keyed.right.T.tocsr()
    starts = list(range(0, keyed.left.shape[0], CHUNK_ROWS))
    chunk = partial(_chunk_pairs, keyed, transposed, days, rank, settings)
    # Both processes take slices: 3.2 s -> 2.0 s in grouping 100,000 articles.
    return _joined([_no_pairs(), *parallel.on_both_cores(chunk, starts, PARALLEL_FROM)])


def _chunk_pairs(
    keyed: _Keyed,
    transposed: Matrix,
    days: Floats,
    rank: Indices,
    settings: TopicsConfig,
    start: int,
) -> Pairs:
    """`_products` of the CHUNK_ROWS rows of `keyed.left` from `start`."""
    floor = settings.threshold * KEEP_FRACTION
    product = (keyed.left[start : start + CHUNK_ROWS] @ transposed).tocoo()
    # Each step keeps positions, and values are taken once at the end: a mask and a copy
    # of every array at every step took twice as long (2.2 s against 1.2 s of CPU over
    # the 83 million entries of the products of 100,000 articles).
    at = np.flatnonzero(product.data >= floor)  # time only lowers similarity: filter first
    first = _taken(keyed.rows, product.row[at].astype(np.int64) + start)
    second = _taken(keyed.columns, product.col[at].astype(np.int64))
    ranks = rank[first], rank[second]
    once = np.flatnonzero((ranks[0] < ranks[1]) | ((ranks[0] == ranks[1]) & (first < second)))
    first, second, at = first[once], second[once], at[once]
    similarity = product.data[at] * time_factor(days[first], days[second], settings)
    keep = np.flatnonzero(similarity >= floor)
    return Pairs(first[keep], second[keep], similarity[keep])


def _taken(rows: Indices, positions: Indices) -> Indices:
    """`rows[positions]`, where `rows` is usually every row in order (all articles
    dated): then the positions themselves."""
    if np.array_equal(rows, np.arange(len(rows))):  # 0.1 ms at 100,000 rows
        return positions
    taken: Indices = rows[positions]
    return taken


def _strongest(pairs: Pairs, size: int, count: int) -> Pairs:
    """The pairs among the `count` most similar of either of their articles (of equally
    similar ones, those that come first)."""
    ends = np.concatenate([pairs.left, pairs.right])
    similarity = np.concatenate([pairs.similarity, pairs.similarity])
    degree = np.bincount(ends, minlength=size)
    kept = degree[ends] <= count
    busy = np.flatnonzero(~kept)
    if len(busy):
        # By article, most similar first (similarity < 4, so the key keeps the order).
        ranked = _first_of_each(ends[busy], ends[busy] * 4.0 - similarity[busy], count)
        kept[busy[ranked]] = True
    keep = kept[: len(pairs.left)] | kept[len(pairs.left) :]
    return Pairs(pairs.left[keep], pairs.right[keep], pairs.similarity[keep])


def _first_of_each(ends: Indices, keys: Floats, count: int) -> Indices:
    """The positions of the `count` lowest keys of each end (of equal keys, the first),
    where each end has more than `count` and its keys are all below the next end's.

    The keys alone are sorted, which gives each end's `count`-th lowest key: the entries
    below it are in, and the first of those equal to it make up the number. Sorting the
    keys took a third of the time of ordering the entries by them, which this replaced
    (at 100,000 articles, 10 million entries: `_strongest` 0.55-0.65 s against
    0.85-1.0 s)."""
    ordered = np.sort(keys)
    degree = np.bincount(ends)
    present = np.flatnonzero(degree)
    starts = np.cumsum(degree[present]) - degree[present]
    cut = np.zeros(len(degree))
    cut[present] = ordered[starts + count - 1]
    below = np.zeros(len(degree), dtype=np.int64)  # each end's keys lower than its cut
    below[present] = np.searchsorted(ordered, cut[present]) - starts
    at_cut = cut[ends]
    taken = keys < at_cut
    # The entries equal to their end's cut, by end, each end's in input order: the
    # first ones fill its `count`.
    tied = np.flatnonzero(keys == at_cut)
    tied = tied[np.argsort(ends[tied], kind="stable")]
    tied_ends = ends[tied]
    first = np.flatnonzero(np.concatenate([[True], tied_ends[1:] != tied_ends[:-1]]))
    rank = np.arange(len(tied)) - np.repeat(first, np.diff(np.append(first, len(tied))))
    taken[tied[rank < count - below[tied_ends]]] = True
    found: Indices = np.flatnonzero(taken)
    return found


def _no_pairs() -> Pairs:
    empty = np.zeros(0, dtype=np.int64)
    return Pairs(empty, empty, np.zeros(0, dtype=np.float64))


def _joined(found: Sequence[Pairs]) -> Pairs:
    return Pairs(
        np.concatenate([p.left for p in found]),
        np.concatenate([p.right for p in found]),
        np.concatenate([p.similarity for p in found]),
    )


def _sorted(pairs: Pairs, size: int) -> Pairs:
    """Pairs as (lower row, higher row), ordered."""
    low, high = np.minimum(pairs.left, pairs.right), np.maximum(pairs.left, pairs.right)
    order = np.argsort(low * size + high, kind="stable")
    return Pairs(low[order], high[order], pairs.similarity[order])


def agglomerate(size: int, pairs: Pairs, threshold: float) -> list[int]:
    """Weighted average-link clustering; returns each row's group (its smallest row).

    WPGMA is reducible: a merged group's similarity to a third is the mean of its two
    halves', never more than the larger. So two groups that are each other's most
    similar (reciprocal nearest neighbours) merge whatever merges elsewhere first, and
    every such pair merges in the same round, with two sparse products instead of a
    merge at a time in Python: at 100,000 articles 14 rounds, 0.7-0.85 s against 7-10 s,
    at 10,000 0.05 s against 0.3 s, with the same groups. Without equal similarities the
    groups are those of merging the most similar pair at a time; of equal ones, a
    group's nearest is the one with the lowest row. A group whose best similarity is
    below the threshold can never reach it again (means only lower it) and leaves the
    matrix."""
    useful = _within_reach(size, pairs, threshold)
    left, right, similarity = pairs.left[useful], pairs.right[useful], pairs.similarity[useful]
    links = _rows_matrix(
        np.concatenate([left, right]),
        np.concatenate([right, left]),
        np.concatenate([similarity, similarity]),
        (size, size),
    )
    label = np.arange(size, dtype=np.int64)  # each row's group, once the group is final
    where = np.arange(size, dtype=np.int64)  # each row's group as a row of `links`, or -1
    smallest = np.arange(size, dtype=np.int64)  # the smallest row of each row of `links`
    while True:
        best, nearest = _nearest(links)
        position = np.arange(len(best), dtype=np.int64)
        can_merge = (nearest >= 0) & (best >= threshold)
        partner = np.where(can_merge, nearest, position)
        lower = np.flatnonzero(can_merge & (partner > position) & (partner[partner] == position))
        if len(lower) == 0:
            break
        upper = partner[lower]
        links, moved = _merged(links, can_merge, lower, upper)
        active = where >= 0
        final = active & (moved[np.maximum(where, 0)] < 0)
        label[final] = smallest[where[final]]
        smallest = _smallest_after(smallest, can_merge, lower, upper)
        where[active] = moved[where[active]]
    active = where >= 0
    label[active] = smallest[where[active]]
    result: list[int] = label.tolist()
    return result


def _nearest(links: Matrix) -> tuple[Floats, Indices]:
    """Each row's highest similarity and the lowest column that has it (0.0, -1 for a
    row without links)."""
    count = np.diff(links.indptr)
    linked = np.flatnonzero(count)
    best = np.zeros(links.shape[0])
    nearest = np.full(links.shape[0], -1, dtype=np.int64)
    if len(linked):
        starts = links.indptr[linked]
        data = links.data[: links.indptr[-1]]
        best[linked] = np.maximum.reduceat(data, starts)
        at_best = data == np.repeat(best, count)
        columns = np.where(at_best, links.indices, links.shape[1])
        nearest[linked] = np.minimum.reduceat(columns, starts)
    return best, nearest


def _merged(
    links: Matrix, can_merge: npt.NDArray[np.bool_], lower: Indices, upper: Indices
) -> tuple[Matrix, Indices]:
    """The similarities once each `lower[k]` absorbed `upper[k]`, among the groups that
    `can_merge` (the others are final and leave), and where each row went (-1: left).
    A merged group's row is the mean of its halves' (`P @ links @ P.T`, P holding the
    halves); rows keep their order, so the lowest row stays the lowest."""
    stays = can_merge.copy()
    stays[upper] = False
    moved = np.where(stays, np.cumsum(stays) - 1, -1)
    moved[upper] = moved[lower]
    taken = np.flatnonzero(moved >= 0)
    weight = np.ones(len(taken))
    halved = np.zeros(len(moved), dtype=np.bool_)
    halved[lower] = halved[upper] = True
    weight[halved[taken]] = 0.5
    count = int(stays.sum())
    mean = _rows_matrix(moved[taken], taken, weight, (count, links.shape[0]))
    product = (mean @ links @ mean.T).tocoo()
    off = product.row != product.col  # a merged pair's similarity to itself
    return _rows_matrix(product.row[off], product.col[off], product.data[off], product.shape), moved


def _smallest_after(
    smallest: Indices, can_merge: npt.NDArray[np.bool_], lower: Indices, upper: Indices
) -> Indices:
    """The smallest row (article) of each row of the matrix `_merged` made."""
    merged = smallest.copy()
    merged[lower] = np.minimum(smallest[lower], smallest[upper])
    stays = can_merge.copy()
    stays[upper] = False
    return merged[stays]


def _within_reach(size: int, pairs: Pairs, threshold: float) -> npt.NDArray[np.bool_]:
    """Pairs inside one component of the graph of pairs at the threshold: no other pair
    can ever matter, since groups only merge along such pairs."""
    strong = pairs.similarity >= threshold
    component = components(size, pairs.left[strong], pairs.right[strong])
    result: npt.NDArray[np.bool_] = component[pairs.left] == component[pairs.right]
    return result


def components(size: int, left: Indices, right: Indices) -> Indices:
    """The connected components of the graph of `size` nodes and the edges
    (left[k], right[k]): each node's label, the smallest node of its component.

    Edges hook the larger of their two labels onto the smaller, then every label is
    replaced by its label's label until none changes (pointer jumping), and again until
    no edge joins two labels: a few rounds of array operations, where scipy's csgraph,
    for one call, cost a tenth of a second of imports."""
    label = np.arange(size, dtype=np.int64)
    while True:
        ends_left, ends_right = label[left], label[right]
        apart = ends_left != ends_right
        if not apart.any():
            return label
        low = np.minimum(ends_left[apart], ends_right[apart])
        high = np.maximum(ends_left[apart], ends_right[apart])
        np.minimum.at(label, high, low)
        while True:
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
