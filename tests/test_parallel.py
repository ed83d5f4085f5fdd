"""The forked child (it takes items as this process does): same results, same errors,
and the same site."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
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
    assert parallel.on_both_cores(lambda n: n * n, list(range(9)), 2) == [n * n for n in range(9)]


def test_both_processes_take_items_until_none_is_left() -> None:
    """The child takes the items this process is too busy to take: here all of them
    while `meanwhile` waits, and none are computed twice."""
    parent = os.getpid()
    started = time.monotonic()

    def wait_a_little() -> None:
        time.sleep(0.5)

    def where(n: int) -> tuple[int, bool]:
        return n, os.getpid() == parent

    done = parallel.on_both_cores(where, list(range(40)), 2, wait_a_little)
    assert [n for n, _ in done] == list(range(40))
    assert not any(in_parent for _, in_parent in done)
    assert time.monotonic() - started >= 0.5  # `meanwhile` ran (in this process)
    many = parallel.on_both_cores(where, list(range(2000)), 2)
    assert [n for n, _ in many] == list(range(2000))


@pytest.mark.parametrize("chunk", [1, 2, 3, 256])
def test_results_in_order_across_the_childs_chunks(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child sends its results `CHUNK` at a time (the parent never holds the pickle
    of them all): any chunk size, a last chunk short or full, gives them in order."""
    monkeypatch.setattr(parallel, "CHUNK", chunk)
    for size in (2, 3, 8, 13):
        expected = [str(n) * 3 for n in range(size)]
        assert parallel.on_both_cores(lambda n: str(n) * 3, list(range(size)), 2) == expected


def in_the_child(fail: Callable[[int], int]) -> Callable[[int], int]:
    """`fail` in the forked child; in this process, the item itself, slowly, so that
    the child takes items too."""
    parent = os.getpid()

    def run(n: int) -> int:
        if os.getpid() == parent:
            time.sleep(0.01)
            return n
        return fail(n)

    return run


def test_a_user_error_in_the_child_comes_back_as_itself() -> None:
    def broken(n: int) -> int:
        raise BuildError(f"item {n} is broken")

    with pytest.raises(BuildError, match=r"item \d+ is broken"):
        parallel.on_both_cores(in_the_child(broken), list(range(9)), 2)


def test_a_bug_in_the_child_comes_back_with_its_traceback() -> None:
    with pytest.raises(RuntimeError, match=r"(?s)worker process.*ZeroDivisionError"):
        parallel.on_both_cores(in_the_child(lambda n: 1 // 0), list(range(9)), 2)


def test_an_error_here_stops_the_child() -> None:
    """The parent's error is raised at once: the child's work is of no use then."""
    parent = os.getpid()

    def slow_there(n: int) -> int:
        if os.getpid() != parent:
            time.sleep(30)
        return n

    def broken() -> None:
        time.sleep(0.2)  # the child has taken an item by then
        raise BuildError("the rest of the site is broken")

    started = time.monotonic()
    with pytest.raises(BuildError, match="rest of the site"):
        parallel.on_both_cores(slow_there, list(range(9)), 2, broken)
    assert time.monotonic() - started < 10


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


CHILD_OF_A_KILLED_BUILD = """
import os, sys, time
from generator import parallel

def report_and_wait(n):
    if os.getpid() != parent:
        print(os.getpid(), flush=True)
    time.sleep(60)
    return n

parent = os.getpid()
parallel.os.cpu_count = lambda: 2
parallel.on_both_cores(report_and_wait, list(range(4)), 2)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_the_child_dies_with_a_killed_build() -> None:
    """A build killed outright (SIGKILL: no handler runs) takes its forked child with it,
    so that no child goes on writing into a staging folder the next build removes."""
    build_process = subprocess.Popen(
        [sys.executable, "-c", CHILD_OF_A_KILLED_BUILD], stdout=subprocess.PIPE, text=True
    )
    try:
        assert build_process.stdout is not None
        child = int(build_process.stdout.readline())
        os.kill(child, 0)  # alive
    finally:
        build_process.kill()
        build_process.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, dead but not reaped by init yet, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_beside_computes_there_in_a_child_while_here_runs_here() -> None:
    parent = os.getpid()
    ran_here = []
    result = parallel.beside(lambda: ran_here.append(os.getpid()), lambda: ("there", os.getpid()))
    assert ran_here == [parent]
    assert result[0] == "there" and result[1] != parent


def test_beside_raises_an_error_of_the_system_in_the_child_as_itself(tmp_path: Path) -> None:
    """An error of the system (a file missing, a folder that cannot be written) comes back
    as the build would raise it without a child: the same kind, the same path."""
    with pytest.raises(FileNotFoundError, match="missing"):
        parallel.beside(lambda: None, lambda: (tmp_path / "missing").read_text())


def test_beside_raises_here_s_error_once_there_has_ended(tmp_path: Path) -> None:
    def there() -> None:
        time.sleep(0.3)
        (tmp_path / "done").write_text("the child ended its work")

    def here() -> None:
        raise BuildError("here failed")

    with pytest.raises(BuildError, match="here failed"):
        parallel.beside(here, there)
    assert (tmp_path / "done").is_file()


def test_an_error_of_the_system_in_a_child_s_share_comes_back_as_itself(
    tmp_path: Path,
) -> None:
    def read(n: int) -> str:
        return (tmp_path / f"missing-{n}").read_text()

    with pytest.raises(FileNotFoundError, match="missing-"):
        parallel.on_both_cores(read, list(range(40)), 2)


def test_later_computes_in_a_child_while_this_process_goes_on(tmp_path: Path) -> None:
    parent = os.getpid()
    gate = tmp_path / "go"

    def there() -> tuple[str, int]:
        while not gate.exists():  # held until this process says so
            time.sleep(0.01)
        return "there", os.getpid()

    later = parallel.Later(there)
    time.sleep(0.1)
    assert not later.ready()
    gate.write_text("go")
    result = later.result()
    assert result[0] == "there" and result[1] != parent
    assert later.ready()


def test_later_raises_the_child_s_error_as_beside_does(tmp_path: Path) -> None:
    later = parallel.Later(lambda: (tmp_path / "missing").read_text())
    with pytest.raises(FileNotFoundError, match="missing"):
        later.result()
    with pytest.raises(RuntimeError, match="failed in a worker process"):
        parallel.Later(lambda: 1 // 0).result()


def test_a_cancelled_later_leaves_no_child(tmp_path: Path) -> None:
    import multiprocessing

    later = parallel.Later(lambda: time.sleep(30))
    later.cancel()
    assert multiprocessing.active_children() == []
    later.cancel()  # twice is once


def test_a_child_computes_its_items_alone() -> None:
    """A child's own `on_both_cores` (grouping many articles in a `Later`) starts no
    child of its own: its parent uses the other core."""

    def squares() -> tuple[list[int], bool]:
        return parallel.on_both_cores(lambda n: n * n, list(range(20)), 2), parallel.can_fork()

    assert parallel.Later(squares).result() == ([n * n for n in range(20)], False)
