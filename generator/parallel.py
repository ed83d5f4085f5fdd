"""Both cores for the heavy stages: a forked child computes items of a list beside us
(`on_both_cores`), or one task while we do another (`beside`).

Forking shares the inputs with the child without pickling them (only the results come
back through a pipe), which is what makes it pay for rendering pages and summarising
topics. It is done only from a process with no other thread: a fork copies locks that
other threads may hold (the preview server runs threads, so it computes alone).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from traceback import format_exc
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from generator.errors import GeneratorError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
# multiprocessing is imported where a child is started: a build with nothing changed
# never starts one, and importing it took a fifth of such a build's imports.

CHUNK = 256
"""Results a child sends at a time."""

In = TypeVar("In")
Out = TypeVar("Out")


def on_both_cores(
    function: Callable[[In], Out],
    items: Sequence[In],
    least: int,
    meanwhile: Callable[[], None] | None = None,
) -> list[Out]:
    """`[function(item) for item in items]`, computed by this process and a forked child
    when there are at least `least` items and a second core to run it. Each takes the
    next item nobody has taken (a counter in shared memory), so neither waits for the
    other at the end whatever the items cost. With every other item each, the render
    stage of a cold build of 10,000 articles took 8.7 s of CPU in this process, which
    also wrote archive.json and the other files, and 7.0 s in the child; taking items as
    they go, 9.5 and 9.1 s. `meanwhile` runs in this process first, while the child has
    started on the items. Which process computes an item changes nothing in its result:
    `function` must not depend on what a process computed before."""
    if len(items) < max(least, 2) or not can_fork():
        if meanwhile is not None:
            meanwhile()
        return [function(item) for item in items]
    import multiprocessing

    context = multiprocessing.get_context("fork")
    counter = _Counter(context.RawValue("q", 0), context.Lock(), len(items))
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_compute_into, args=(function, items, counter, sender, os.getpid()), daemon=True
    )
    child.start()
    sender.close()
    try:
        if meanwhile is not None:
            meanwhile()
        done = dict(_computed(function, items, counter))
        done.update(_received(receiver))
    except EOFError:
        child.join()
        raise RuntimeError("a worker process ended without its results") from None
    except BaseException:
        child.kill()  # its work is of no use now: do not wait for it
        child.join()
        raise
    finally:
        receiver.close()
    child.join()
    return [done[index] for index in range(len(items))]


def beside(here: Callable[[], None], there: Callable[[], Out]) -> Out:
    """`there()`, computed by a forked child while `here()` runs in this process, and its
    result sent back: two processes, where two threads would take turns with the
    interpreter's lock. Neither is stopped by the other's error: `here`'s is raised once
    `there` has ended, `there`'s once `here` has. Where no child can be forked, `here`
    runs in a thread beside `there` instead."""
    if not can_fork():
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="beside") as pool:
            running = pool.submit(here)
            result = there()
            running.result()
        return result
    later = Later(there)
    try:
        here()
    except BaseException:
        later.wait()  # `there` ends first; `here`'s error is the one raised
        raise
    return later.result()


class Later(Generic[Out]):
    """`there()`, computed by a forked child from now on while this process goes on (the
    caller checks `can_fork` first): `ready` says whether it has ended, `result` waits
    for its value (or raises its error, as `beside` does), `cancel` stops it."""

    def __init__(self, there: Callable[[], Out]) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._child = context.Process(
            target=_result_into, args=(there, sender, os.getpid()), daemon=True
        )
        self._child.start()
        sender.close()

    def ready(self) -> bool:
        """Whether the child has sent its result (or ended without one)."""
        return self._receiver.closed or self._receiver.poll()

    def wait(self) -> Out | BaseException:
        """Wait for the child to end: its result, or the error it sent (or ended with)."""
        try:
            outcome: Any = self._receiver.recv()
        except EOFError:
            outcome = RuntimeError("a worker process ended without its result")
        finally:
            self._receiver.close()
            self._child.join()
        return cast(Out | BaseException, outcome)

    def result(self) -> Out:
        """The child's result, once it has sent it; its error raised."""
        outcome = self.wait()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def cancel(self) -> None:
        """Stop the child: its result is of no use now."""
        if not self._receiver.closed:
            self._receiver.close()
            self._child.kill()
            self._child.join()


def _result_into(there: Callable[[], Out], sender: Connection, parent: int) -> None:
    """The child of a `Later`: the result of `there`, or its error as `_compute_into`
    sends one."""
    _die_with_parent(parent)
    try:
        sender.send(there())
    except Exception as exc:
        sender.send(_sendable(exc))
    finally:
        sender.close()


class _Counter:
    """The next item to take, shared by the processes (in memory mapped for both)."""

    def __init__(self, value: Any, lock: Any, count: int) -> None:
        self.value, self.lock, self.count = value, lock, count

    def take(self) -> int | None:
        """The index of an item no process has taken, or None when all are."""
        with self.lock:
            index = self.value.value
            if index >= self.count:
                return None
            self.value.value = index + 1
        return int(index)


def _computed(
    function: Callable[[In], Out], items: Sequence[In], counter: _Counter
) -> list[tuple[int, Out]]:
    """The items this process takes, computed: (index, result) each."""
    done = []
    while (index := counter.take()) is not None:
        done.append((index, function(items[index])))
    return done


def can_fork() -> bool:
    """A second core, the fork start method, no other thread in this process, and this
    process not a child of another (a `Later`'s child groups 100,000 articles with
    `on_both_cores` too, while its parent uses the other core)."""
    import multiprocessing

    return (
        (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )


def _received(receiver: Connection) -> list[Any]:
    """The child's results, chunk by chunk until its end (None); its error raised."""
    results: list[Any] = []
    while (chunk := receiver.recv()) is not None:
        if isinstance(chunk, BaseException):
            raise chunk
        results.extend(chunk)
    return results


def _compute_into(
    function: Callable[[In], Out],
    items: Sequence[In],
    counter: _Counter,
    sender: Connection,
    parent: int,
) -> None:
    """The child's share: its (index, result) pairs in chunks of `CHUNK` then None, or a
    user error or an error of the system (a file that cannot be written) as it is, or a
    bug with its traceback. In chunks, not at once: the parent
    then never holds the pickle of a whole share beside what it unpickles (the articles
    of 50,000 files were 0.6 GB of it). All are made before the first is sent: the
    parent reads only once its own share is done, and a send waits for the reader."""
    _die_with_parent(parent)
    try:
        results = _computed(function, items, counter)
        for start in range(0, len(results), CHUNK):
            sender.send(results[start : start + CHUNK])
        sender.send(None)
    except Exception as exc:
        sender.send(_sendable(exc))
    finally:
        sender.close()


def _die_with_parent(parent: int) -> None:
    """A child writes pages into the build's staging folder: if the build is killed, the
    child must not go on writing into a folder the next build is removing (Linux only;
    elsewhere the child ends when it finds the pipe closed)."""
    import ctypes
    import signal

    # The C library among the symbols loaded already: `ctypes.util.find_library` would
    # run `ldconfig` in a subprocess, 1.5-4 ms before the child could start on its items.
    prctl = getattr(ctypes.CDLL(None), "prctl", None)
    if prctl is None:
        return
    prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _sendable(exc: Exception) -> BaseException:
    """What a child sends of its error: a user error or an error of the system as it is
    (as the parent would have raised it), a bug as a RuntimeError holding its traceback."""
    if isinstance(exc, GeneratorError | OSError):
        return _portable(exc)
    return RuntimeError(f"failed in a worker process:\n{format_exc()}")


def _portable(exc: BaseException) -> BaseException:
    """The error itself when it survives pickling, else its message as the same kind."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(str(exc))
    return exc
