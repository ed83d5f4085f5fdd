"""The only writer of the output folder: write beside it, then swap atomically.

A build writes every file into a temporary sibling folder and, when all are written,
exchanges it with the old output in one step (Linux `renameat2(RENAME_EXCHANGE)`; two
renames elsewhere). A build that fails or is killed leaves the previous site as it was.
We refuse to replace a folder we did not create (it has no marker file), the site
itself, its content or templates, `/` and the home directory.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from generator.errors import BuildError
from generator.models import OutputFile

MARKER = ".briefing-build"
MARKER_TEXT = b"This folder is written by `briefing build` and replaced on every build.\n"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_output_dir(out: Path, site_dir: Path, protected: Iterable[Path]) -> None:
    """Refuse output folders whose replacement would destroy something."""
    out = out.resolve()
    home = Path.home().resolve()
    if out == Path(out.anchor) or out == home:
        raise BuildError(f"refusing to build into {out}: choose a dedicated folder such as build/")
    site = site_dir.resolve()
    if out == site or site.is_relative_to(out):
        raise BuildError(f"refusing to build into {out}: it contains the site itself")
    for folder in protected:
        folder = folder.resolve()
        if out == folder or out.is_relative_to(folder) or folder.is_relative_to(out):
            raise BuildError(f"refusing to build into {out}: it overlaps {folder}")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise BuildError(
            f"refusing to replace {out}: it was not made by `briefing build` (no {MARKER} file)"
        )
    if out.exists() and not out.is_dir():
        raise BuildError(f"refusing to build into {out}: it is a file")


def write_site(
    out: Path, files: Sequence[OutputFile], finish: Callable[[Path], None] | None = None
) -> None:
    """Write `files` as the new content of `out`, atomically.

    `finish` runs on the complete staging folder before the swap (the search indexer
    adds its files there), so its work is atomic too.
    """
    with staged(out) as staging:
        for item in files:
            target = staging / item.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(item.data)
        if finish is not None:
            finish(staging)


@contextmanager
def staged(out: Path, keep: Path | None = None) -> Iterator[Path]:
    """A staging folder beside `out`; when the `with` block ends without an error, it
    becomes `out` in one step. On any error (or a kill) `out` stays as it was and the
    staging folder goes (a killed build's is removed by the next build).

    With `keep`, the site replaced is not deleted but moved to `keep`, and the staging
    folder starts as what `keep` holds (the site before the last): the build updates it
    instead of writing every file anew, and no site's thousands of files and folders are
    deleted on each build (what costs most on many disks). Without `keep`, or when `keep`
    is on another file system, the staging folder starts empty."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)
    staging = out.parent / f".{out.name}.tmp-{os.getpid()}"
    try:
        if not (keep is not None and _moved(keep, staging)):
            staging.mkdir()
        # Replaced, not written into: the kept site may share its files with the live
        # one (`build.keep_copy`), and no build changes the live site in place.
        (staging / MARKER).unlink(missing_ok=True)
        (staging / MARKER).write_bytes(MARKER_TEXT)
        yield staging
        _swap(staging, out)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if not isinstance(exc, OSError):
            raise
        raise BuildError(
            f"cannot write {out}: {exc.strerror or exc} ({exc.filename or out}); previous site kept"
        ) from None
    # After the swap the staging folder holds the replaced site.
    if not (keep is not None and _moved(staging, keep)):
        shutil.rmtree(staging, ignore_errors=True)


def linked_copy(
    source: Path, target: Path, files: Iterable[str], folders: Mapping[str, int]
) -> None:
    """Make the new folder `target` a copy of `source` by hard links (no build changes a
    file in place that another site shares: it replaces it), holding its `files` (paths
    inside it). Raises OSError where a file cannot be linked (another file system, one
    without hard links): a copy of every byte would cost what it saves.

    A folder of `folders` (path -> its recorded mtime_ns) whose mtime in `source` is
    still the recorded one gets that mtime in the copy too, so that a record of `source`
    describes the copy as well (a sweep trusts a folder with its recorded time to hold
    the entries recorded); a later change to the copy sets a newer time."""
    top, made = str(target), {""}
    os.mkdir(top)
    for path in sorted(files):
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(f"{top}/{folder}", exist_ok=True)
            made.add(folder)
        os.link(f"{source}/{path}", f"{top}/{path}")
    for folder, mtime in folders.items():  # every entry is made: no time changes now
        try:
            if os.stat(f"{source}/{folder}" if folder else source).st_mtime_ns == mtime:
                os.utime(f"{top}/{folder}" if folder else top, ns=(mtime, mtime))
        except FileNotFoundError:
            continue


def _moved(source: Path, target: Path) -> bool:
    """Rename a folder; False when it is missing or cannot be moved there."""
    if not source.is_dir():
        return False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(target, ignore_errors=True)
        source.rename(target)
    except OSError:
        return False
    return True


@contextmanager
def scratch(out: Path) -> Iterator[Path]:
    """An empty temporary folder beside `out` (same file system: its files can be moved
    into `out` by rename), removed when the block ends."""
    out = out.resolve()
    remove_leftovers(out)
    folder = out.parent / f".{out.name}.tmp-{os.getpid()}"
    try:
        folder.mkdir()
        yield folder
    except OSError as exc:
        where = exc.filename or out
        raise BuildError(f"cannot write {out}: {exc.strerror or exc} ({where})") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def move_into(staging: Path, out: Path, remove: Iterable[str]) -> list[str]:
    """Move every file of `staging` into `out`, each replacing its namesake in one step,
    then delete the files `remove` names (and folders they leave empty); the paths moved
    in. `out` changes file by file, so only the preview's private folder is updated this
    way."""
    moved = []
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            moved.append(path.relative_to(staging).as_posix())
            target = out / moved[-1]
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    for name in sorted(remove):
        target = out / name
        target.unlink(missing_ok=True)
        folder = target.parent
        while folder != out and folder.is_relative_to(out) and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return moved


def remove_leftovers(out: Path) -> None:
    """Delete staging folders of builds that were killed before they finished."""
    for stale in out.parent.glob(f".{out.name}.tmp-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if not (pid.isdigit() and _alive(int(pid))) or int(pid) == os.getpid():
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    if exchange(staging, out):
        return
    # No atomic exchange here: two renames, with the old site kept until the new one is in.
    backup = out.parent / f".{out.name}.old-{os.getpid()}"
    out.rename(backup)
    staging.rename(out)
    backup.rename(staging)


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step when the kernel can; False when it cannot. The C
    library is found among the symbols the process has loaded (`CDLL(None)`), not by
    `ctypes.util.find_library`, which runs `ldconfig` (1.5-4 ms of every build).
    `renameat2` is Linux's: elsewhere there is no such step to look for."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))
