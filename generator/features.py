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
from typing import Any

import numpy as np
import numpy.typing as npt
import snowballstemmer
from scipy import sparse

from generator.models import Article

LEAD_CHARS = 3000
"""How much of the body is read: a story's who, what and where come first."""
HAPAX_WEIGHT = 0.3
"""Weight of terms found in one article only (typos, slugs, asides): they never match
another article, but at full weight they would dilute every similarity of their article."""
PARALLEL_FROM = 20_000
"""From this many articles a second process counts half of the tokens; below, starting
one costs more than it saves."""
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
# sentence, where a capital marks grammar, not a name. The lookahead first: looking
# behind at every position would triple the cost of the expression.
_NAME = re.compile(r"(?=[A-Z])(?<![.!?:\"“]\s)(?<!^)\b[A-Z][\w'’-]*(?:\s+(?:of\s+)?[A-Z][\w'’-]*)*")

Matrix = sparse.csr_matrix


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


def extract(articles: Sequence[Article], lead_chars: int = LEAD_CHARS) -> Features:
    """Features of `articles`, in their order."""
    texts = [lead_text(article, lead_chars) for article in articles]
    tokens, runs = _count_in_two(texts)
    hapax = 1 - (1 - HAPAX_WEIGHT) * min(1.0, len(articles) / HAPAX_ARCHIVE)
    return Features(
        words=tfidf(tokens.merge(_WordTerms(snowballstemmer.stemmer("english"))), hapax),
        names=tfidf(runs.merge(name_terms)),
        figures=tfidf(tokens.merge(figure_terms)),
        days=np.array([_days(article) for article in articles], dtype=np.float64),
    )


def lead_text(article: Article, limit: int) -> str:
    """Title, standfirst and the first `limit` characters of the body, as plain text."""
    parts = [article.title, article.dek or ""]
    size = 0
    for paragraph in article.paragraphs:
        if size >= limit:
            break
        parts.append(paragraph.text[: limit - size])
        size += len(parts[-1])
    # A full stop after title and standfirst keeps names from running across them.
    return ".\n".join(part for part in parts if part)


def _days(article: Article) -> float:
    return article.date.timestamp() / 86400 if article.date else math.nan


@dataclass(frozen=True, slots=True)
class Counts:
    """How often each token occurs in each text: rows are texts, columns `tokens`."""

    matrix: Matrix
    tokens: tuple[str, ...]

    def merge(self, terms_of: Callable[[str], Sequence[str]]) -> Counts:
        """Counts of terms, each token counted under every term `terms_of` gives it (or none).

        Tokens are normalised once per distinct token, not once per occurrence."""
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        columns: list[int] = []
        for row, token in enumerate(self.tokens):
            for term in terms_of(token):
                rows.append(row)
                columns.append(vocabulary.setdefault(term, len(vocabulary)))
        ones = np.ones(len(rows), dtype=np.float64)
        shape = (len(self.tokens), len(vocabulary))
        mapping = sparse.csr_matrix((ones, (rows, columns)), shape=shape)
        merged: Matrix = (self.matrix @ mapping).tocsr()
        merged.sort_indices()
        return Counts(merged, tuple(vocabulary))

    def stacked(self, below: Counts) -> Counts:
        """These rows, then those of `below`, over one vocabulary: ours, then its new tokens
        (the numbering `count_tokens` gives all the texts at once)."""
        vocabulary = {token: column for column, token in enumerate(self.tokens)}
        renumber = np.array(
            [vocabulary.setdefault(token, len(vocabulary)) for token in below.tokens],
            dtype=np.int64,
        )
        width = len(vocabulary)
        top = sparse.csr_matrix(
            (self.matrix.data, self.matrix.indices, self.matrix.indptr),
            shape=(self.matrix.shape[0], width),
        )
        bottom = sparse.csr_matrix(
            (below.matrix.data, renumber[below.matrix.indices], below.matrix.indptr),
            shape=(below.matrix.shape[0], width),
        )
        return Counts(sparse.vstack([top, bottom], format="csr"), tuple(vocabulary))


def _count_in_two(texts: Sequence[str]) -> tuple[Counts, Counts]:
    """Word tokens and name runs of `texts`; a large archive is split with a second
    process (spawned: forking a process that runs threads, as `serve` does, is unsafe)."""
    if len(texts) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return _count_texts(texts)
    half = len(texts) // 2
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        later = pool.submit(_count_texts, texts[half:])
        tokens, runs = _count_texts(texts[:half])
        more_tokens, more_runs = later.result()
    return tokens.stacked(more_tokens), runs.stacked(more_runs)


def _count_texts(texts: Sequence[str]) -> tuple[Counts, Counts]:
    return count_tokens(texts, _lower_split), count_tokens(texts, _NAME.findall)


def count_tokens(texts: Iterable[str], tokenize: Callable[[str], list[str]]) -> Counts:
    """How often each token occurs in each text, at C speed (no Python code per token)."""
    # Columns are numbered in order of first appearance: deterministic for a given input.
    vocabulary: defaultdict[str, int] = defaultdict(itertools.count().__next__)
    indptr, indices, data = array("q", [0]), array("q"), array("d")
    for text in texts:
        counts = Counter(tokenize(text))
        indices.extend(map(vocabulary.__getitem__, counts.keys()))
        data.extend(counts.values())
        indptr.append(len(indices))
    shape = (len(indptr) - 1, len(vocabulary))
    arrays = (np.asarray(data), np.asarray(indices), np.asarray(indptr))
    return Counts(sparse.csr_matrix(arrays, shape=shape), tuple(vocabulary))


def _lower_split(text: str) -> list[str]:
    # Splitting on white space is four times faster than a regular expression; the
    # punctuation left on the tokens is removed once per distinct token, in _WordTerms.
    return text.lower().split()


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


def tfidf(counts: Counts, hapax_weight: float = 1.0) -> Matrix:
    """Rows of unit length: (1 + log tf) * idf, terms of one row only weighted down."""
    rows = counts.matrix.copy()
    frequency = np.bincount(rows.indices, minlength=rows.shape[1])
    idf = np.log((rows.shape[0] + 1) / (frequency + 1)) + 1
    idf[frequency < 2] *= hapax_weight
    rows.data = (1 + np.log(rows.data)) * idf[rows.indices]
    return _unit_rows(rows)


def _unit_rows(matrix: Matrix) -> Matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    scaled: Matrix = sparse.diags(1 / norms) @ matrix
    return scaled.tocsr()
