"""Paginated lists (`pages.paginate`): pages cut from the oldest end, so that an item
added as the newest leaves every page as it was but the first and, when the first is
split, the page split off it and the one behind that."""

from __future__ import annotations

import itertools

import pytest

from generator.pages import Pager, paginate

FIRST = "outlets/o/"


def pages_of(total: int, size: int) -> list[Pager]:
    """The pages of a list of `total` items, newest first, numbered by age (0 oldest)."""
    return paginate([total - 1 - n for n in range(total)], size, FIRST)


@pytest.mark.parametrize("size", [1, 2, 3, 20])
@pytest.mark.parametrize("total", [0, 1, 2, 3, 5, 19, 20, 21, 39, 40, 41, 100])
def test_the_pages_hold_every_item_once_in_order(total: int, size: int) -> None:
    pages = pages_of(total, size)
    assert [item for page in pages for item in page.items] == list(range(total))[::-1]
    first, *behind = pages
    assert first.first and first.path == FIRST and first.previous_path is None
    assert all(len(page.items) == size and not page.first for page in behind)
    assert len(first.items) == total if total < size else size <= len(first.items) < 2 * size


@pytest.mark.parametrize(("total", "size"), [(5, 2), (41, 20), (100, 3), (1, 20)])
def test_pages_are_numbered_from_the_oldest_and_linked_in_order(total: int, size: int) -> None:
    pages = pages_of(total, size)
    assert [page.number for page in pages] == list(range(len(pages), 0, -1))
    assert [page.path for page in pages[1:]] == [f"{FIRST}page/{p.number}/" for p in pages[1:]]
    for newer, older in itertools.pairwise(pages):
        assert (newer.next_path, older.previous_path) == (older.path, newer.path)
    assert pages[-1].next_path is None


@pytest.mark.parametrize("size", [1, 2, 3, 20])
@pytest.mark.parametrize("total", [0, 1, 2, 5, 19, 20, 39, 40, 57])
def test_an_item_added_as_the_newest_changes_the_first_page_and_once_in_a_while_two_more(
    total: int, size: int
) -> None:
    """The first page changes; when it is split (every `size` items), the page split off
    it is new and the one behind that links to it instead of to the first."""
    before = {page.path: page for page in pages_of(total, size)}
    after = {page.path: page for page in pages_of(total + 1, size)}
    changed = {path for path, page in after.items() if before.get(path) != page}
    assert set(before) <= set(after)
    new = set(after) - set(before)
    assert len(new) == (1 if (total + 1) // size > max(1, total // size) else 0)
    linked = {after[path].next_path for path in new} - {None}
    assert changed == {FIRST} | new | linked
    for path in linked:
        assert before[path].items == after[path].items
