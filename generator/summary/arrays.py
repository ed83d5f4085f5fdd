"""Sparse rows and co-occurrence counting with numpy alone, for one topic's few thousand
sentences. scipy.sparse did the same, but importing it took a quarter of a second of
every `briefing build` that summarises a topic (an edit summarises one), and its
per-call overhead was most of the cost at this size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Indices = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
LOOKUP_CELLS = 4_000_000
"""Largest rows x columns for which `row_dots` finds entries in a table of every cell
(32 MB): a direct look-up instead of a binary search."""


@dataclass(frozen=True, slots=True, eq=False)
class SparseRows:
    """A matrix in compressed sparse rows: row r holds the columns
    `indices[indptr[r]:indptr[r + 1]]` (ascending, each once) with the values of `data`
    there. The layout of scipy's csr_array, so that sums come in the same order."""

    indptr: Indices
    indices: Indices
    data: Floats
    shape: tuple[int, int]

    @classmethod
    def counted(cls, rows: Indices, columns: Indices, shape: tuple[int, int]) -> SparseRows:
        """How often each (row, column) occurs among the entries given."""
        codes = np.sort(rows * shape[1] + columns)
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else codes
        distinct = codes[starts]
        counts = np.diff(np.r_[starts, len(codes)]).astype(np.float64)
        own_rows = distinct // shape[1]
        indptr = np.r_[0, np.cumsum(np.bincount(own_rows, minlength=shape[0]))].astype(np.int64)
        return cls(indptr, distinct % shape[1], counts, shape)

    def entry_rows(self) -> Indices:
        """The row of each stored entry."""
        return np.repeat(np.arange(self.shape[0], dtype=np.int64), np.diff(self.indptr))

    def row_dots(self, first: Indices, second: Indices) -> Floats:
        """Dot product of row first[k] with row second[k], for every k: each row of
        `first` entry by entry in column order, times the other row's value in that
        column. While the matrix has at most LOOKUP_CELLS cells (every topic of the
        benchmark archives: their sentence vectors have at most a few hundred terms), that
        value is read from the matrix made dense, zero where the row lacks the column
        (`np.zeros` leaves the pages never written unmapped); else it is found by binary
        search over the entries' (row, column) codes, which the layout keeps sorted (the
        search was 15% of the summary stage). The products and their sums are the same
        either way, bit for bit: a missing entry adds 0.0 to its row's sum."""
        width = self.shape[1]
        pair, entry = self._expanded(first)
        wanted = second[pair] * width + self.indices[entry]
        codes = self.entry_rows() * width + self.indices
        if self.shape[0] * width <= LOOKUP_CELLS:
            dense = np.zeros(self.shape[0] * width, dtype=np.float64)
            dense[codes] = self.data
            products = self.data[entry] * dense[wanted]
        else:
            found = np.minimum(np.searchsorted(codes, wanted), max(len(codes) - 1, 0))
            hit = codes[found] == wanted if len(codes) else np.zeros(0, dtype=bool)
            products = np.where(hit, self.data[entry] * self.data[found], 0.0)
        return np.bincount(pair, weights=products, minlength=len(first)).astype(np.float64)

    def column_sums(self, rows: Indices) -> Floats:
        """The sum of the given rows (in that order)."""
        _, entries = self._expanded(rows)
        columns, values = self.indices[entries], self.data[entries]
        return np.bincount(columns, weights=values, minlength=self.shape[1]).astype(np.float64)

    def times(self, rows: Indices, vector: Floats) -> Floats:
        """The product of the given rows with a vector of one value per column."""
        owner, entries = self._expanded(rows)
        values = self.data[entries] * vector[self.indices[entries]]
        return np.bincount(owner, weights=values, minlength=len(rows)).astype(np.float64)

    def _expanded(self, rows: Indices) -> tuple[Indices, Indices]:
        """The entries of the given rows, in order: for each, its place in `rows` and
        its index in `indices` and `data`."""
        starts = self.indptr[rows]
        lengths = (self.indptr[rows + 1] - starts).astype(np.int64)
        owner = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
        # Entry k of the output is entry (k - where its row's run begins) of that row.
        shift = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        return owner, shift + np.arange(len(owner), dtype=np.int64)


def met(rows: Indices, columns: Indices) -> tuple[Indices, Indices]:
    """Every pair (a < b) of rows that share a column, once per column shared: the
    entries above the diagonal of `B @ B.T` for the incidence matrix B, before they
    are added up. The entries must come sorted by column, then row, each (row, column)
    once."""
    starts = np.flatnonzero(np.r_[True, columns[1:] != columns[:-1]]) if len(columns) else rows
    lengths = np.diff(np.r_[starts, len(columns)])
    later = np.repeat(starts + lengths, lengths) - np.arange(len(columns)) - 1
    left = np.repeat(np.arange(len(columns)), later)
    right = np.arange(len(left)) - np.repeat(np.cumsum(later) - later, later) + left + 1
    return rows[left], rows[right]
