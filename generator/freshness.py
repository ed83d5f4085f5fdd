"""Is the built site already what a build would make? Then a build has nothing to do.

A build records, in the cache folder, a digest of everything it read (the generator's
code, site.yaml, every file under content/ and templates/, its options and
SOURCE_DATE_EPOCH) and the size and modification time of every file it left in the
output folder. The next build computes the same digest first: when it matches and the
output folder is exactly as that build left it, the site is up to date and nothing is
rewritten. Any difference, even one byte in one file or a file touched in build/, means
a full build.

Hashing every input file took most of a build with nothing to do on a large archive. So
the record also keeps each input file's hash beside its size, times and inode, and a
file whose status is the same is not read again. The kernel sets a file's change time
(ctime) on every write and no tool can set it back, so the same status means the same
bytes, except for a write in the same clock tick as the hashing: as git does with its
"racily clean" files, a file changed less than RACY_NS before the hashing began is
always read.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import stat
import time
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import cache as build_cache

RECORD_DIR = "builds"
"""Folder (in the cache folder) of the records, one per output folder: `serve` and
`build` write different folders and must not forget each other's."""
RECORD_VERSION = 7
SHA256_SIZE = 32
"""Bytes of a file's hash (anything else stands for an unreadable file)."""
RECORD_SUFFIX = ".pickle"
"""Records are pickles of plain values, private to the machine as the build cache is: at
10,000 articles a record is 9 MB of JSON, and every build reads two and writes one
(0.43 s as JSON, 0.20 s as a pickle)."""
RACY_NS = 2_000_000_000
"""A file changed this close to (or after) the last hashing is read again whatever its
status says (file systems whose times tick in seconds)."""
KEEP_RECORDS = 8
"""Records kept (the newest): a preview's temporary output folder leaves one behind."""


@dataclass(frozen=True, slots=True)
class Record:
    """What the last complete build read and wrote."""

    inputs: str
    output: str
    files: Mapping[str, Sequence[int]]
    """Output path -> [size, mtime_ns] (a `FileStates`)."""
    summary: dict[str, object]
    """Its report: pages, articles, topics, warnings."""
    keys: dict[str, str]
    """Output path -> the key it was made under (render.py: what it depends on)."""
    sources: Sources
    """What the build read (`Scan.sources`)."""
    read_at: int
    """`Scan.read_at` of that build."""
    anchors: dict[str, str]
    """Article page -> the page whose search shard it joins (`search_shards.anchors_of`):
    the preview's indexer shards the pages as the build would."""
    folders: dict[str, int] = field(default_factory=dict)
    """Output folder -> mtime_ns, when the build learnt them (`render.Swept`)."""
    folders_at: int = 0
    """`render.Swept.at` of that build."""


class FileStates(Mapping[str, Sequence[int]]):
    """Output path -> [size, mtime_ns], as a record keeps them: the paths in one string,
    the sizes and times in two arrays (`packed`). A record of 100,000 articles names
    288,639 files: every build reads two records and writes one, and as a dict of lists
    a record took 0.49 s to unpickle and 0.57 s to pickle (the collector off, as in a
    build); with the states packed, 0.27-0.30 s and 0.36 s, and the first lookup makes
    the index of paths (0.1 s)."""

    __slots__ = ("_index", "_mtimes", "_paths", "_sizes")

    def __init__(self, paths: list[str], sizes: array[int], mtimes: array[int]) -> None:
        self._paths, self._sizes, self._mtimes = paths, sizes, mtimes
        self._index: dict[str, int] | None = None

    @staticmethod
    def packed(files: Mapping[str, Sequence[int]]) -> tuple[str, bytes, bytes]:
        """What a record keeps of `files`. Paths are joined by NUL, which no path holds."""
        if isinstance(files, FileStates):
            paths, sizes, mtimes = files._paths, files._sizes, files._mtimes
        else:
            paths = list(files)
            sizes = array("q", [state[0] for state in files.values()])
            mtimes = array("q", [state[1] for state in files.values()])
        return "\0".join(paths), sizes.tobytes(), mtimes.tobytes()

    @classmethod
    def unpacked(cls, packed: tuple[str, bytes, bytes]) -> FileStates:
        joined, sizes, mtimes = packed
        paths = joined.split("\0") if joined else []
        states = cls(paths, array("q", sizes), array("q", mtimes))
        if not len(paths) == len(states._sizes) == len(states._mtimes):
            raise ValueError("a record's file states do not match their paths")
        return states

    def _positions(self) -> dict[str, int]:
        if self._index is None:
            self._index = dict(zip(self._paths, range(len(self._paths)), strict=True))
        return self._index

    def __getitem__(self, path: str) -> list[int]:
        at = self._positions()[path]
        return [self._sizes[at], self._mtimes[at]]

    def get(self, path: str, default: object = None) -> Any:
        at = self._positions().get(path)
        return default if at is None else [self._sizes[at], self._mtimes[at]]

    def __contains__(self, path: object) -> bool:
        return path in self._positions()

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def __eq__(self, other: object) -> bool:
        """The same paths with the same states as `other` (any mapping of them)."""
        if not isinstance(other, Mapping) or len(other) != len(self._paths):
            return False
        positions, sizes, mtimes = self._positions(), self._sizes, self._mtimes
        for path, state in other.items():
            at = positions.get(path)
            if at is None or len(state) != 2 or state[0] != sizes[at] or state[1] != mtimes[at]:
                return False
        return True

    __hash__ = None  # type: ignore[assignment]  # mutable-looking: as a dict, unhashable


Sources = dict[str, list[int | str]]
"""Input file (relative to the site) -> [size, mtime_ns, ctime_ns, inode, sha256 hex]."""


@dataclass(frozen=True, slots=True)
class Scan:
    """The inputs of a build, hashed."""

    digest: str
    sources: Sources
    """Each readable input file's status and hash, for the next scan."""
    read_at: int
    """When the scan began (ns since the epoch)."""

    def hashes(self, folder: str) -> dict[str, bytes]:
        """Path under `folder` (a folder of the site, e.g. `content`) -> file hash."""
        prefix = folder.rstrip("/") + "/"
        return {
            path[len(prefix) :]: bytes.fromhex(str(known[4]))
            for path, known in self.sources.items()
            if path.startswith(prefix)
        }


def input_digest(
    site: Path, inputs: tuple[Path, ...], options: str, last: Record | Scan | None = None
) -> Scan:
    """A hash of every input of a build: code, options, site.yaml and the files and
    folders of `inputs` (what the build reads of content/, and templates/). A file whose
    status is what `last` (the previous build's record, or scan) saw is not read again."""
    started = time.time_ns()
    known, trusted_before = (last.sources, last.read_at - RACY_NS) if last else ({}, 0)
    digest = hashlib.sha256(f"{build_cache.code_version()}\0{options}\0".encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode() + b"\0")
    # Absolute, not resolved (a symlinked content folder stays inside the site): with
    # the site "." (a build run in its folder), `Path(".") / "content"` is "content",
    # and cutting len(".") + 1 characters off each path named "ntent/articles/..."; no
    # hash was then found by path, and every build read and hashed every article again.
    root = os.path.abspath(site)
    prefix = len(root) + 1
    sources: Sources = {}
    for item in (site / "site.yaml", *inputs):
        absolute = os.path.abspath(item)  # paths differ: stats never compared
        for path, info in sorted(_files(absolute)):
            relative = path[prefix:]
            status: list[int | str] = [
                info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino
            ]  # fmt: skip
            seen = known.get(relative)
            if seen is not None and seen[:4] == status and info.st_ctime_ns < trusted_before:
                hexed = str(seen[4])
                content = bytes.fromhex(hexed)
            else:
                content = _content_hash(path)
                hexed = content.hex()
            digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
            digest.update(content)
            if len(content) == SHA256_SIZE:
                status.append(hexed)
                sources[relative] = status
    return Scan(digest.hexdigest(), sources, started)


def _content_hash(path: str) -> bytes:
    try:
        with open(path, "rb") as file:
            return hashlib.sha256(file.read()).digest()
    except OSError as exc:  # the loader reports it; here it only makes the digest differ
        return f"unreadable {exc.errno}".encode()


def output_state(out: Path) -> dict[str, list[int]]:
    """Size and modification time of every file under `out`, in no particular order: a
    build with nothing changed spends most of its time here (28,922 files in 15,115
    folders at 10,000 articles: 0.73 s as a sorted walk, 0.49 s unsorted)."""
    prefix = len(str(out)) + 1
    return {path[prefix:]: [info.st_size, info.st_mtime_ns] for path, info in _files(str(out))}


def _files(top: str) -> list[tuple[str, os.stat_result]]:
    """Every file at or below `top` (a file or a folder) with its stat, in no particular
    order. Symlinked files are followed and symlinked folders are not, as the content
    loader does. os.scandir and a loop, not Path objects or a recursive generator: this
    runs on every build (for 10,000 articles in year and month folders, the generator's
    three levels of yields were a fifth of the inputs' check)."""
    try:
        info = os.stat(top)
    except OSError:
        return []
    if stat.S_ISREG(info.st_mode):
        return [(top, info)]
    if not stat.S_ISDIR(info.st_mode):
        return []
    found: list[tuple[str, os.stat_result]] = []
    pending = [top]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif entry.is_file():
                    found.append((entry.path, entry.stat()))
    return found


def up_to_date(record: Record | None, inputs: str, out: Path) -> Record | None:
    """The record of the last build (`read_record`) when its inputs were these and
    `out` is as it left it; None when a build is needed."""
    if record is None or record.inputs != inputs:
        return None
    if not out.is_dir() or output_state(out) != record.files:
        return None
    return record


def record_path(cache: Path, out: Path, kept: bool = False) -> Path:
    """Where the record of builds into `out` is kept; `kept`: the record of the site
    before the last, kept (in `kept_site`) for the next build to update."""
    return cache / RECORD_DIR / f"{_name_of(out)}{'.kept' if kept else ''}{RECORD_SUFFIX}"


def kept_site(cache: Path, out: Path) -> Path:
    """Where the site a build replaces in `out` is kept for the next build."""
    return cache / "sites" / _name_of(out)


def _name_of(out: Path) -> str:
    """A short name for an output folder, under which its record and kept site go."""
    return hashlib.sha256(os.fsencode(out.resolve())).hexdigest()[:16]


def keep_record(cache: Path, out: Path) -> None:
    """The record of `out` becomes that of the kept site (after a swap moved it there)."""
    try:
        os.replace(record_path(cache, out), record_path(cache, out, kept=True))
    except OSError:
        record_path(cache, out, kept=True).unlink(missing_ok=True)


def read_record(cache: Path, out: Path, kept: bool = False, whole: bool = True) -> Record | None:
    """The record of the last complete build into `out` (or of the site it replaced).
    Not `whole`: without what the build read and how its index was sharded (`sources`
    and `anchors` left empty), kept in the record as pickles of their own: a build reads
    only the kept site's files and keys, and unpickling the rest took 0.12-0.16 s of
    every build at 100,000 articles (the kept record: 0.14-0.15 s read so, 0.27-0.31 s
    whole)."""
    try:
        data = pickle.loads(record_path(cache, out, kept).read_bytes())
        if data.get("version") != RECORD_VERSION or data["output"] != str(out.resolve()):
            return None
        sources, anchors = (
            (pickle.loads(data["sources"]), pickle.loads(data["anchors"])) if whole else ({}, {})
        )
        return Record(
            data["inputs"], data["output"], FileStates.unpacked(data["files"]),
            data["summary"], data["keys"], sources, data["read_at"], anchors, data["folders"],
            data["folders_at"],
        )  # fmt: skip
    except Exception:  # unreadable or damaged (pickle raises many kinds): no record
        return None


def write_record(
    cache: Path,
    inputs: str,
    out: Path,
    summary: dict[str, object],
    keys: dict[str, str],
    files: Mapping[str, Sequence[int]] | None = None,
    scan: Scan | None = None,
    anchors: Mapping[str, str] | None = None,
    folders: Mapping[str, int] | None = None,
    folders_at: int = 0,
) -> None:
    """Record a complete build (atomically; a failure to record only costs speed).
    `files`: the output's `output_state` when the build knows it without a walk; `scan`:
    how the build hashed its inputs, for the next scan to trust what did not change;
    `anchors`: how its search index was sharded; `folders`: the output's folders and
    their times, when the build learnt them (`folders_at`), else none."""
    out = out.resolve()
    data = {
        "version": RECORD_VERSION,
        "inputs": inputs,
        "output": str(out),
        "files": FileStates.packed(output_state(out) if files is None else files),
        "sources": pickle.dumps(scan.sources if scan else {}, protocol=pickle.HIGHEST_PROTOCOL),
        "read_at": scan.read_at if scan else 0,
        "summary": summary,
        "keys": keys,
        "anchors": pickle.dumps(anchors or {}, protocol=pickle.HIGHEST_PROTOCOL),
        "folders": dict(folders) if files is not None and folders is not None else {},
        "folders_at": folders_at,
    }
    path = record_path(cache, out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, path)
        _prune(path.parent)
    except OSError:
        return


def write_kept_record(
    cache: Path, out: Path, files: Mapping[str, Sequence[int]], folders: Mapping[str, int], at: int
) -> None:
    """Record the site kept for the next build (`kept_site`) when it holds the files of
    the last build into `out`, the same bytes under the same keys, with states of its own
    (`files`, `folders` as a sweep that began at `at` left them): the last build's record
    with those states. Raises OSError when that record cannot be read or this written."""
    recorded = record_path(cache, out).read_bytes()
    try:
        data = pickle.loads(recorded)
        data.update(files=FileStates.packed(files), folders=dict(folders), folders_at=at)
    except Exception as exc:  # damaged (pickle raises many kinds): as if unreadable
        raise OSError(f"the record of {out} cannot be read: {exc}") from exc
    path = record_path(cache, out, kept=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    """Keep the newest KEEP_RECORDS records (and the kept sites of those only)."""
    for legacy in folder.glob("*.json"):  # records as earlier versions wrote them
        legacy.unlink(missing_ok=True)
    records = sorted(
        folder.glob(f"*{RECORD_SUFFIX}"), key=lambda p: p.stat().st_mtime_ns, reverse=True
    )
    for old in records[KEEP_RECORDS:]:
        old.unlink(missing_ok=True)
    wanted = {p.name.split(".")[0] for p in records[:KEEP_RECORDS]}
    sites = folder.parent / "sites"
    if sites.is_dir():
        for site in sites.iterdir():
            if site.name not in wanted:
                shutil.rmtree(site, ignore_errors=True)
