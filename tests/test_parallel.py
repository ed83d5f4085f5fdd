"""The forked child (every other item): same results, same errors, and the same site."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from generator import build as build_module
from generator import content as content_module
from generator import parallel
from generator.build import BuildOptions, build
from generator.errors import BuildError

from .conftest import FIXTURES, site_copy
from .test_golden import tree


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    assert threading.active_count() == 1, "these tests need a process without other threads"


def test_results_in_order() -> None:
    assert parallel.halves(lambda n: n * n, list(range(9)), 2) == [n * n for n in range(9)]


@pytest.mark.parametrize("chunk", [1, 2, 3, 256])
def test_results_in_order_across_the_childs_chunks(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child sends its results `CHUNK` at a time (the parent never holds the pickle
    of them all): any chunk size, a last chunk short or full, gives them in order."""
    monkeypatch.setattr(parallel, "CHUNK", chunk)
    for size in (2, 3, 8, 13):
        expected = [str(n) * 3 for n in range(size)]
        assert parallel.halves(lambda n: str(n) * 3, list(range(size)), 2) == expected


def test_a_user_error_in_the_child_comes_back_as_itself() -> None:
    def fail_late(n: int) -> int:
        if n == 7:  # odd positions are the child's
            raise BuildError("item 7 is broken")
        return n

    with pytest.raises(BuildError, match="item 7 is broken"):
        parallel.halves(fail_late, list(range(9)), 2)


def test_a_bug_in_the_child_comes_back_with_its_traceback() -> None:
    with pytest.raises(RuntimeError, match=r"(?s)worker process.*ZeroDivisionError"):
        parallel.halves(lambda n: 1 // (n - 7), list(range(9)), 2)


def test_no_fork_from_a_threaded_process() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not parallel.can_fork()
    finally:
        stop.set()
        thread.join()


def test_parsing_and_summarising_in_two_processes_build_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = site_copy(FIXTURES / "golden-site", tmp_path)
    build(BuildOptions(site, out=tmp_path / "one", cache=False))
    monkeypatch.setattr(content_module, "PARALLEL_FROM", 2)
    monkeypatch.setattr(build_module, "PARALLEL_FROM", 2)
    build(BuildOptions(site, out=tmp_path / "two", cache=False))
    assert tree(tmp_path / "two") == tree(tmp_path / "one")
