"""Set operations on flat numpy arrays by sorting, in place of numpy's own.

numpy's set functions go through np.unique, whose first call without counts or indexes
imports numpy.ma (np.setdiff1d, np.union1d, and np.isin for most sizes): 10 ms of the
build after an edit, which imports nothing else it does not use. And numpy 2.4's
hash-based np.unique was ~10 times slower than a sort on the few thousand integers of
a topic's sentence pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt

Indices = npt.NDArray[np.int64]
ScalarT = TypeVar("ScalarT", bound=np.generic)


def distinct(values: npt.NDArray[ScalarT]) -> npt.NDArray[ScalarT]:
    """`np.unique(values)`: the distinct values in order, NaN once and last."""
    ordered = np.sort(values)
    if not len(ordered):
        return ordered
    changed = ordered[1:] != ordered[:-1]
    if ordered.dtype.kind == "f":  # NaN != NaN: all but the first NaN cut
        changed &= ~(np.isnan(ordered[1:]) & np.isnan(ordered[:-1]))
    kept: npt.NDArray[ScalarT] = ordered[np.concatenate([[True], changed])]
    return kept


def found_in(values: Indices, table: Indices) -> npt.NDArray[np.bool_]:
    """`np.isin(values, table)` for a sorted `table`, by binary search."""
    if not len(table):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(table, values), len(table) - 1)
    found: npt.NDArray[np.bool_] = table[at] == values
    return found


def without(values: Indices, removed: Sequence[int]) -> Indices:
    """`np.setdiff1d(values, removed)`: the distinct values not removed, in order."""
    found = distinct(values.astype(np.int64))
    return found[~found_in(found, np.sort(np.asarray(removed, dtype=np.int64)))]
