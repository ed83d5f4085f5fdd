"""The set operations by sorting give what numpy's own give."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import sorted_sets

NAN = float("nan")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-20, 20), max_size=30))
def test_distinct_integers_are_numpys_unique(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    found = sorted_sets.distinct(array)
    np.testing.assert_array_equal(found, np.unique(array))
    assert found.dtype == np.int64


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([NAN, -1.5, 0.0, 2.0, 3.25]), max_size=30))
def test_distinct_numbers_are_numpys_unique_nan_once(values: list[float]) -> None:
    array = np.array(values, dtype=np.float64)
    np.testing.assert_array_equal(sorted_sets.distinct(array), np.unique(array))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(-20, 20), max_size=30),
    st.lists(st.integers(-20, 20), max_size=10),
)
def test_without_is_numpys_setdiff(values: list[int], removed: list[int]) -> None:
    found = sorted_sets.without(np.array(values, dtype=np.int64), removed)
    np.testing.assert_array_equal(found, np.setdiff1d(np.array(values, dtype=np.int64), removed))
    assert found.dtype == np.int64
