"""What grouping compares: the words, names and figures of each article, and its date.

Each article becomes three L2-normalised TF-IDF vectors over its title, standfirst and the
start of its body (where a news story says what happened and to whom): stemmed words,
names (runs of capitalised words) and figures (numbers). Row i of every matrix is
article i of the input; the vocabulary is numbered in input order, so the same input
gives the same matrices.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import numpy as np
import numpy.typing as npt
import snowballstemmer

from generator import parallel
from generator.leads import LEAD_CHARS, LEAD_TERMS, lead_text
from generator.models import Article, pickled_by_fields
from generator.sparse_import import import_sparse

HAPAX_WEIGHT = 0.3
"""Weight of terms found in one article only (typos, slugs, asides): they never match
another article, but at full weight they would dilute every similarity of their article."""
PARALLEL_FROM = 1_000
"""From this many texts a forked child counts tokens too: 0.10 s instead of 0.13 s for
1,000 lead texts, 0.8-1.0 s instead of 1.3-1.6 s for 10,000 (`parallel`)."""
SPAWN_FROM = 20_000
"""Where no child can be forked (the preview runs threads), from this many texts a
spawned process counts half of them; below, starting it (a new interpreter, the texts
pickled to it) costs more than it saves."""
LEAD_CHUNKS = 8
"""Parts the texts are cut into for the two processes to take (`parallel`)."""
RUN_ROWS = 64
"""Kept rows are copied run by run (`_copy_rows`) when their runs are this long on
average; shorter runs (rows reordered) are copied entry by entry."""
HAPAX_ARCHIVE = 100
"""Archive size from which HAPAX_WEIGHT holds in full. In a smaller archive most words
occur once because it is small, not because they are noise: their weight rises toward 1."""

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing don down during each
    few for from further get got had has have having he her here hers herself him himself his
    how i if in into is it its itself just last ll like may me might more most mr mrs ms my
    myself new no nor not now of off on once one only or other our ours ourselves out over
    own people re s same say said says she should since so some such t than that the their
    theirs them themselves then there these they this those through to told too two under
    until up ve very was we were what when where which while who whom why will with would
    year years you your yours yourself yourselves according""".split()
)
# Within a whitespace-separated token: runs of letters ("korea's" gives "korea" and "s",
# too short to count) and numbers with their separators.
_LETTERS = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A run of capitalised words ("Kim Jong-un", "Bank of England") that does not open a
# sentence, where a capital marks grammar, not a name. The capital first, and what comes
# before it checked behind it (not the text's first character, not after a word character
# or a sentence's end): the search then skips to the next capital at C speed, twice as
# fast as a lookahead tried at every position (and looking behind at every position would
# triple the cost).
_NAME = re.compile(
    r"[A-Z](?<=[\s\S][A-Z])(?<![.!?:\"“]\s[A-Z])(?<!\w[A-Z])[\w'’-]*(?:\s+(?:of\s+)?[A-Z][\w'’-]*)*"
)

if TYPE_CHECKING:
    from typing import TypeAlias

    from scipy import sparse

    Matrix: TypeAlias = sparse.csr_matrix
# scipy is imported where a matrix is made: a build whose grouping comes from its cache
# (most edits) needs none, and importing scipy.sparse took a tenth of a second (by
# `import_sparse`, which leaves out numpy submodules scipy never uses: twice that without).
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Features:
    """The comparable parts of a list of articles; row i describes article i."""

    words: Matrix
    """Stemmed content words and numbers (TF-IDF, rows of unit length)."""
    names: Matrix
    """Names: capitalised runs and their last word, lower-cased (TF-IDF, unit rows)."""
    figures: Matrix
    """Numbers as written, thousands separators dropped (TF-IDF, unit rows)."""
    days: npt.NDArray[np.float64]
    """Publication time in days since 1970 (UTC), NaN when the article is undated."""

    def __len__(self) -> int:
        return len(self.days)


def extract(
    articles: Sequence[Article], lead_chars: int = LEAD_CHARS, memo: Memo | None = None
) -> Features:
    """Features of `articles`, in their order. With a `memo` (the build cache), each lead
    text is counted only when no earlier build counted the same text: the matrices are
    the same either way (`assembled` numbers the terms as counting all at once does)."""
    texts = [lead_text(article, lead_chars) for article in articles]
    return extract_leads(articles, texts, memo)


def extract_leads(
    articles: Sequence[Article], texts: Sequence[str], memo: Memo | None = None
) -> Features:
    """`extract` of articles whose lead texts are cut already."""
    return features_of(counted_leads(articles, texts, memo))


@dataclass(frozen=True, slots=True)
class Counted:
    """The term counts of leads before any weighting: what `features_of` needs, made
    without the memo (or scipy) by whichever process groups."""

    kinds: tuple[Counts | Entries, ...]
    """Words, names and figures: as `assembled` or as `LeadCounts` keeps them."""
    days: npt.NDArray[np.float64]
    hapax: float
    """The weight of the words found in one lead only (see HAPAX_WEIGHT)."""


def counted_leads(
    articles: Sequence[Article], texts: Sequence[str], memo: Memo | None = None
) -> Counted:
    """The term counts of the leads `texts` of `articles` (in their order). With a `memo`
    (the build cache), each lead text is counted only when no earlier build counted the
    same text."""
    memo = memo or Recount()
    count = partial(_lead_terms_in_two, texts)
    kept = memo.counted(texts)
    kinds: tuple[Counts | Entries, ...]
    if kept is None:
        found = memo.values(LEAD_TERMS, texts, count)
        kinds = tuple(assembled([getattr(f, k) for f in found]) for k in KINDS)
    else:
        keys, last = kept
        counted = counted_again(last, keys, count)
        memo.keep_counted(counted)
        kinds = counted.kinds
    hapax = hapax_weight(len(articles))
    days = np.array([_days(article) for article in articles], dtype=np.float64)
    return Counted(kinds, days, hapax)


def hapax_weight(articles: int) -> float:
    """The weight of words found in one lead only, in an archive of `articles`."""
    return 1 - (1 - HAPAX_WEIGHT) * min(1.0, articles / HAPAX_ARCHIVE)


def features_of(counted: Counted) -> Features:
    """The weighted features of counted leads."""
    words, names, figures = (
        kind if isinstance(kind, Counts) else matrix_of(kind) for kind in counted.kinds
    )
    return Features(
        words=tfidf(words, counted.hapax),
        names=tfidf(names),
        figures=tfidf(figures),
        days=counted.days,
    )


def _days(article: Article) -> float:
    return article.date.timestamp() / 86400 if article.date else math.nan


class Memo(Protocol):
    """Values kept from earlier builds (the build cache), each found by everything that
    goes into it: `inputs[i]` with this code makes value i, so a kept one is never stale."""

    def values(
        self, kind: str, inputs: Sequence[str], make: Callable[[list[int]], list[T]]
    ) -> list[T]:
        """The value of each input, in order; those not kept come from one call of
        `make(positions of their inputs)`."""
        ...

    def counted(self, texts: Sequence[str]) -> tuple[Sequence[str], LeadCounts | None] | None:
        """When this memo keeps the lead counts of a whole grouping: the key of each text
        (`key_of(LEAD_TERMS, text)`) and the counts the last grouping kept (None when
        there are none); else None, and each text's terms are `values` of LEAD_TERMS."""
        ...

    def keep_counted(self, counted: LeadCounts) -> None:
        """Keep the lead counts of this grouping for the next one."""
        ...


class Recount:
    """No memo: every value is made."""

    def values(
        self, kind: str, inputs: Sequence[str], make: Callable[[list[int]], list[T]]
    ) -> list[T]:
        """`make` of every position."""
        return make(list(range(len(inputs))))

    def counted(self, texts: Sequence[str]) -> None:
        """No kept counts: each text is counted (`values`)."""
        return None

    def keep_counted(self, counted: LeadCounts) -> None:
        """Nothing is kept."""


@pickled_by_fields  # a build loads 10,000 from its cache: twice as fast as by __setstate__
@dataclass(frozen=True, slots=True)
class TermCounts:
    """The terms of one kind in one text and how often each occurs."""

    terms: str
    """The distinct terms, "\n"-joined (no term holds white space), in order of first
    appearance: counting token by token, then term by term of each token."""
    counts: bytes
    """Occurrences of each term, as float64 (what the count matrices hold)."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class LeadTerms:
    """What one lead text gives the count matrices (what the build cache keeps per text)."""

    words: TermCounts
    names: TermCounts
    figures: TermCounts


@dataclass(frozen=True, slots=True)
class Counts:
    """How often each term occurs in each text: rows are texts, columns `terms`."""

    matrix: Matrix
    terms: tuple[str, ...]


def assembled(parts: Sequence[TermCounts]) -> Counts:
    """One row per text; columns numbered in order of first appearance over the texts in
    order, which is the numbering counting every text at once gives: whichever texts came
    from a memo, the same texts give the same matrix, bit for bit."""
    vocabulary: defaultdict[str, int] = defaultdict(itertools.count().__next__)
    indptr, indices = array("q", [0]), array("q")
    for part in parts:
        if part.terms:
            indices.extend(map(vocabulary.__getitem__, part.terms.split("\n")))
        indptr.append(len(indices))
    data = np.frombuffer(b"".join(p.counts for p in parts), dtype=np.float64).copy()
    shape = (len(parts), len(vocabulary))
    import_sparse()
    from scipy import sparse

    matrix = sparse.csr_matrix((data, np.asarray(indices), np.asarray(indptr)), shape=shape)
    matrix.sort_indices()
    return Counts(matrix, tuple(vocabulary))


KINDS = ("words", "names", "figures")
"""The kinds of terms of a `LeadTerms`, in order."""


@dataclass(frozen=True, slots=True)
class Entries:
    """One kind of term counts of every lead, as `assembled` lays them out before sorting:
    each row's terms in the order its `TermCounts` lists them, numbered in order of first
    appearance over the rows."""

    indptr: npt.NDArray[np.int64]
    columns: npt.NDArray[np.int64]
    counts: npt.NDArray[np.float64]
    terms: tuple[str, ...]
    """The term of each column number."""

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled small: columns and counts (whole numbers) as 32-bit integers where
        they fit, the terms as one text (no term holds a line break): half the bytes,
        and one string instead of one per term (`BuildCache.keep_large`)."""
        columns, counts = _narrowed(self.columns), _narrowed(self.counts)
        return _entries, (self.indptr, columns, counts, "\n".join(self.terms), len(self.terms))


def _narrowed(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """`values` as 32-bit integers when that keeps every value, else as they are."""
    narrow = values.astype(np.int32)
    return narrow if np.array_equal(narrow, values) else values


def _entries(
    indptr: npt.NDArray[np.int64],
    columns: npt.NDArray[Any],
    counts: npt.NDArray[Any],
    terms: str,
    size: int,
) -> Entries:
    """`Entries` from what `Entries.__reduce__` pickled."""
    split = tuple(terms.split("\n")) if size else ()
    return Entries(indptr, columns.astype(np.int64), counts.astype(np.float64), split)


@dataclass(frozen=True, slots=True)
class LeadCounts:
    """The term counts of a grouping's leads, kept whole for the next grouping, which
    takes the rows of the leads it still has and counts only new ones. Loading 100,000
    leads' `LeadTerms` one cache entry each and assembling them took 4.8 s of every
    grouping of 100,000 articles that an edit made necessary."""

    keys: tuple[str, ...]
    """The key of each row's lead text (`key_of(LEAD_TERMS, text)`)."""
    kinds: tuple[Entries, Entries, Entries]
    """Words, names and figures (`LeadTerms`' order)."""

    def whole(self) -> bool:
        """Whether its arrays fit together (a row for each key, an entry for each count,
        a term for each column): what a kept file must show before it is used."""
        for entries in self.kinds:
            indptr, columns = entries.indptr, entries.columns
            if len(indptr) != len(self.keys) + 1 or indptr[0] != 0 or len(columns) != indptr[-1]:
                return False
            if len(entries.counts) != len(columns) or np.any(np.diff(indptr) < 0):
                return False
            if len(columns) and not 0 <= columns.min() <= columns.max() < len(entries.terms):
                return False
        return len(self.kinds) == len(KINDS)


def counted_again(
    last: LeadCounts | None,
    keys: Sequence[str],
    count: Callable[[list[int]], list[LeadTerms]],
) -> LeadCounts:
    """The counts of the leads whose keys are `keys`, in order: rows of `last` where it
    has the key, the others from one call of `count(their positions)`. The columns are
    numbered as `assembled` numbers them over the same leads, so `matrix_of` gives its
    matrix bit for bit, whatever `last` held."""
    row_of = {key: row for row, key in enumerate(last.keys)} if last is not None else {}
    old = np.array([row_of.get(key, -1) for key in keys], dtype=np.int64)
    missing = np.flatnonzero(old < 0).tolist()
    fresh = count(missing) if missing else []
    kinds = tuple(
        _entries_again(
            last.kinds[number] if last is not None else None, old, missing,
            [getattr(terms, kind) for terms in fresh],
        )
        for number, kind in enumerate(KINDS)
    )  # fmt: skip
    return LeadCounts(tuple(keys), kinds)  # type: ignore[arg-type]


def _entries_again(
    last: Entries | None, old: npt.NDArray[np.int64], missing: list[int], fresh: list[TermCounts]
) -> Entries:
    """One kind's `Entries` of the rows `old` (a row of `last`, or -1 for the rows at
    `missing`, whose counts are `fresh`)."""
    known = last.terms if last is not None else ()
    # New terms numbered after the known ones, as `assembled` numbers them all.
    numbering: defaultdict[str, int] = defaultdict(
        itertools.count(len(known)).__next__, zip(known, itertools.count())
    )
    lengths = np.zeros(len(old), dtype=np.int64)
    taken = np.flatnonzero(old >= 0)
    if last is not None:
        lengths[taken] = np.diff(last.indptr)[old[taken]]
    fresh_columns = []
    for position, terms in zip(missing, fresh, strict=True):
        found = array(
            "q", map(numbering.__getitem__, terms.terms.split("\n") if terms.terms else ())
        )
        fresh_columns.append(found)
        lengths[position] = len(found)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    columns = np.empty(indptr[-1], dtype=np.int64)
    counts = np.empty(indptr[-1], dtype=np.float64)
    if last is not None and len(taken):
        _copy_rows(last, old, taken, indptr, columns, counts)
    for position, found, terms in zip(missing, fresh_columns, fresh, strict=True):
        columns[indptr[position] : indptr[position + 1]] = found
        counts[indptr[position] : indptr[position + 1]] = np.frombuffer(terms.counts)
    terms_of = known + tuple(itertools.islice(numbering, len(known), None))
    if last is None:  # numbered in order of first appearance already
        return Entries(indptr, columns, counts, terms_of)
    # Each term's first place (`minimum.at`, 0.01 s for 5.7 million entries, against
    # 0.76 s for np.unique's sort), and the terms found, in order of it.
    first = np.full(len(terms_of), len(columns), dtype=np.int64)
    np.minimum.at(first, columns, np.arange(len(columns), dtype=np.int64))
    found_terms = int(np.count_nonzero(first < len(columns)))
    in_order = np.argsort(first, kind="stable")[:found_terms]
    number = np.empty(len(terms_of), dtype=np.int64)
    number[in_order] = np.arange(len(in_order))
    return Entries(indptr, number[columns], counts, tuple(terms_of[i] for i in in_order.tolist()))


def _copy_rows(
    last: Entries,
    old: npt.NDArray[np.int64],
    taken: npt.NDArray[np.int64],
    indptr: npt.NDArray[np.int64],
    columns: npt.NDArray[np.int64],
    counts: npt.NDArray[np.float64],
) -> None:
    """Copy row `old[p]` of `last` into row p of `columns` and `counts` (laid out by
    `indptr`), for each p in `taken`. Rows that follow each other in both are copied as
    one slice: after an edit the kept rows are a few long runs. Indexing every entry
    instead (three index arrays as long as the entries, 5.3 million words at 100,000
    articles) made `counted_again` take 0.85-1.03 s there, against 0.13 s, most of it
    spent backing the arrays' new memory (this machine's VM backs each fresh megabyte
    in 3-5 ms)."""
    apart = (np.diff(taken) != 1) | (np.diff(old[taken]) != 1)
    starts = np.flatnonzero(np.concatenate([[True], apart]))
    if len(starts) <= 1 + len(taken) // RUN_ROWS:
        ends = np.append(starts[1:], len(taken)) - 1
        for first, final in zip(taken[starts].tolist(), taken[ends].tolist(), strict=True):
            source = slice(last.indptr[old[first]], last.indptr[old[final] + 1])
            target = slice(indptr[first], indptr[final + 1])
            columns[target] = last.columns[source]
            counts[target] = last.counts[source]
        return
    size = np.diff(indptr)[taken]
    within = np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size)
    source_at = np.repeat(last.indptr[old[taken]], size) + within
    target_at = np.repeat(indptr[taken], size) + within
    columns[target_at] = last.columns[source_at]
    counts[target_at] = last.counts[source_at]


def matrix_of(entries: Entries) -> Counts:
    """The `Counts` of `Entries` (its arrays are not changed)."""
    import_sparse()
    from scipy import sparse

    shape = (len(entries.indptr) - 1, len(entries.terms))
    arrays = (entries.counts.copy(), entries.columns.copy(), entries.indptr.copy())
    matrix = sparse.csr_matrix(arrays, shape=shape)
    matrix.sort_indices()
    return Counts(matrix, entries.terms)


def _lead_terms_in_two(texts: Sequence[str], positions: Sequence[int]) -> list[LeadTerms]:
    """`lead_terms` of the texts at `positions`; many are shared with a forked child, or
    with a spawned process where forking is unsafe (a process that runs threads, as
    `serve` does)."""
    if len(positions) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return lead_terms(texts[p] for p in positions)
    if parallel.can_fork():  # each process cuts its texts too (`leads._LeadTexts`)
        size = -(-len(positions) // LEAD_CHUNKS)
        parts = [positions[start : start + size] for start in range(0, len(positions), size)]
        counted = parallel.on_both_cores(partial(_lead_terms_at, texts), parts, 2)
        return [terms for part in counted for terms in part]
    wanted = [texts[p] for p in positions]
    if len(wanted) < SPAWN_FROM:
        return lead_terms(wanted)
    half = len(wanted) // 2
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        later = pool.submit(lead_terms, wanted[half:])
        return lead_terms(wanted[:half]) + later.result()


def _lead_terms_at(texts: Sequence[str], positions: Sequence[int]) -> list[LeadTerms]:
    return lead_terms(texts[p] for p in positions)


def lead_terms(texts: Iterable[str]) -> list[LeadTerms]:
    """The words, names and figures of each text, with their counts."""
    terms = _Terms(snowballstemmer.stemmer("english"))
    return [terms.of(text) for text in texts]


class _Terms:
    """Turns texts into `LeadTerms`, normalising each distinct token once (not once per
    occurrence): most tokens of a text occur in many others."""

    def __init__(self, stemmer: Any) -> None:
        self.word_terms = _WordTerms(stemmer)
        self.tokens: dict[str, tuple[Sequence[str], Sequence[str]]] = {}
        self.runs: dict[str, Sequence[str]] = {}

    def of(self, text: str) -> LeadTerms:
        """One text's terms, numbered as counting the distinct tokens (in order of first
        appearance) and then each token's terms in order does. Splitting on white space is
        four times faster than a regular expression; the punctuation left on the tokens is
        removed once per distinct token (in _WordTerms)."""
        words: dict[str, int] = {}
        figures: dict[str, int] = {}
        for token, count in Counter(text.lower().split()).items():
            found = self.tokens.get(token)
            if found is None:
                found = self.tokens[token] = (self.word_terms(token), figure_terms(token))
            for term in found[0]:
                words[term] = words.get(term, 0) + count
            for term in found[1]:
                figures[term] = figures.get(term, 0) + count
        names: dict[str, int] = {}
        for run, count in Counter(_NAME.findall(text)).items():
            known = self.runs.get(run)
            if known is None:
                known = self.runs[run] = name_terms(run)
            for term in known:
                names[term] = names.get(term, 0) + count
        return LeadTerms(_term_counts(words), _term_counts(names), _term_counts(figures))


def _term_counts(totals: dict[str, int]) -> TermCounts:
    return TermCounts("\n".join(totals), array("d", totals.values()).tobytes())


class _WordTerms:
    """Lower-cased token ("korea's,") -> stemmed words and bare numbers ("korea")."""

    def __init__(self, stemmer: Any) -> None:
        self.stemmer = stemmer

    def __call__(self, token: str) -> Sequence[str]:
        words = [w for w in _LETTERS.findall(token) if len(w) > 1 and w not in STOPWORDS]
        return [*figure_terms(token), *(str(self.stemmer.stemWord(w)) for w in words)]


def name_terms(run: str) -> Sequence[str]:
    """A run of capitalised words -> the name and, for several words, also its last word."""
    words = [w for w in run.lower().replace("’", "'").split() if w not in STOPWORDS]
    words = [w.removesuffix("'s") for w in words]
    if not words:
        return ()
    return (" ".join(words), words[-1]) if len(words) > 1 else (words[0],)


def names_in(text: str) -> list[str]:
    """The name terms of one text, in order (what the names vectors count)."""
    return [term for run in _NAME.findall(text) for term in name_terms(run)]


def figure_terms(token: str) -> Sequence[str]:
    """Numbers in a token, without thousands separators ("100,000" -> "100000")."""
    return [number.replace(",", "") for number in _NUMBER.findall(token)]


IDF_STEPS = 8
"""Steps per doubling in which a term's idf counts the articles holding it and all the
articles (`idf`)."""


def idf_level(count: npt.NDArray[np.int64] | int) -> npt.NDArray[np.float64]:
    """A count of articles as idf counts it: floor(IDF_STEPS * log2(count + 1))."""
    level: npt.NDArray[np.float64] = np.floor(
        IDF_STEPS * np.log2(np.asarray(count, dtype=np.float64) + 1)
    )
    return level


def idf_of(frequency: npt.NDArray[np.int64], articles: int) -> npt.NDArray[np.float64]:
    """log((articles + 1) / (frequency + 1)) + 1, the two counts taken in steps of an
    eighth of a doubling (`idf_level`; within 0.09 of the exact value).

    The steps keep one added article from moving every article's weights: with exact
    counts it lowers the idf of each of its terms and raises every other's, and at
    100,000 synthetic articles that split or merged stories anywhere in time whose last
    merge lay that close to the threshold (a story three years older than an added
    article, sharing none of its rare terms, split: its merge was 5e-6 from it). In
    steps, only terms whose count of articles crosses a step change weight, so a build's
    guess at the new grouping (`clustering.placed`) knows the only stories that may
    change beyond its neighbourhood: those of the articles holding such a term. (One
    article left out and placed again at 100,000: the guess held for 13 of 14, 3 of the
    same 14 with exact counts.)"""
    steps = idf_level(articles) - idf_level(frequency)
    weight: npt.NDArray[np.float64] = steps * (math.log(2) / IDF_STEPS) + 1
    return weight


def tfidf(counts: Counts, hapax_weight: float = 1.0) -> Matrix:
    """Rows of unit length: (1 + log tf) * idf, terms of one row only weighted down."""
    rows = counts.matrix.copy()
    frequency = np.bincount(rows.indices, minlength=rows.shape[1])
    idf = idf_of(frequency, rows.shape[0])
    idf[frequency < 2] *= hapax_weight
    rows.data = (1 + np.log(rows.data)) * idf[rows.indices]
    return _unit_rows(rows)


def _unit_rows(matrix: Matrix) -> Matrix:
    """Each row divided by its length: the arrays of `sparse.diags(1 / norms) @ matrix`.

    Made directly, as scipy's product makes them: each entry times its row's factor, and
    each row's entries in reverse order (the product lists a row's columns last seen
    first), which the later sums over rows follow. Building the diagonal matrix imported
    numpy.ma (through np.unique), a tenth of the grouping of an edit at 1,000 articles."""
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    indptr = matrix.indptr
    row_of = np.repeat(np.arange(len(norms)), np.diff(indptr))
    reversed_at = (indptr[:-1] + indptr[1:] - 1)[row_of] - np.arange(len(row_of))
    data = (1 / norms)[row_of] * matrix.data[reversed_at]
    import_sparse()
    from scipy import sparse

    scaled: Matrix = sparse.csr_matrix(
        (data, matrix.indices[reversed_at], indptr.copy()), shape=matrix.shape
    )
    return scaled
