"""Is the built site already what a build would make? Then a build has nothing to do.

A build records, in the cache folder, a digest of everything it read (the generator's
code, site.yaml, every file under content/ and templates/, its options and
SOURCE_DATE_EPOCH) and the size and modification time of every file it left in the
output folder. The next build computes the same digest first: when it matches and the
output folder is exactly as that build left it, the site is up to date and nothing is
rewritten. Any difference, even one byte in one file or a file touched in build/, means
a full build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator import cache as build_cache

RECORD_DIR = "builds"
"""Folder (in the cache folder) of the records, one per output folder: `serve` and
`build` write different folders and must not forget each other's."""
RECORD_VERSION = 2
KEEP_RECORDS = 8
"""Records kept (the newest): a preview's temporary output folder leaves one behind."""


@dataclass(frozen=True, slots=True)
class Record:
    """What the last complete build read and wrote."""

    inputs: str
    output: str
    files: dict[str, list[int]]
    """Output path -> [size, mtime_ns]."""
    summary: dict[str, object]
    """Its report: pages, articles, topics, warnings."""
    keys: dict[str, str]
    """Output path -> the key it was made under (render.py: what it depends on)."""


def input_digest(site: Path, inputs: tuple[Path, ...], options: str) -> str:
    """A hash of every input of a build: code, options, site.yaml and the files and
    folders of `inputs` (what the build reads of content/, and templates/)."""
    digest = hashlib.sha256(f"{build_cache.code_version()}\0{options}\0".encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode() + b"\0")
    prefix = len(str(site)) + 1
    for item in (site / "site.yaml", *inputs):
        for path, _ in _files(str(item)):
            digest.update(path[prefix:].encode("utf-8", "surrogateescape") + b"\0")
            digest.update(_content_hash(path))
    return digest.hexdigest()


def _content_hash(path: str) -> bytes:
    try:
        with open(path, "rb") as file:
            return hashlib.sha256(file.read()).digest()
    except OSError as exc:  # the loader reports it; here it only makes the digest differ
        return f"unreadable {exc.errno}".encode()


def output_state(out: Path) -> dict[str, list[int]]:
    """Size and modification time of every file under `out`."""
    prefix = len(str(out)) + 1
    return {path[prefix:]: [info.st_size, info.st_mtime_ns] for path, info in _files(str(out))}


def _files(top: str) -> Iterator[tuple[str, os.stat_result]]:
    """Every file at or below `top` (a file or a folder), sorted, with its stat. Symlinked
    files are followed and symlinked folders are not, as the content loader does.
    os.scandir, not Path objects: this runs on every build."""
    try:
        info = os.stat(top)
    except OSError:
        return
    if stat.S_ISREG(info.st_mode):
        yield top, info
        return
    if not stat.S_ISDIR(info.st_mode):
        return
    with os.scandir(top) as found:
        entries = sorted(found, key=lambda e: e.name)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _files(entry.path)
        elif entry.is_file():
            yield entry.path, entry.stat()


def up_to_date(cache: Path, inputs: str, out: Path) -> Record | None:
    """The record of the last build when its inputs were these and `out` is as it left
    it; None when a build is needed."""
    record = read_record(cache, out)
    if record is None or record.inputs != inputs:
        return None
    if not out.is_dir() or output_state(out) != record.files:
        return None
    return record


def record_path(cache: Path, out: Path, kept: bool = False) -> Path:
    """Where the record of builds into `out` is kept; `kept`: the record of the site
    before the last, kept (in `kept_site`) for the next build to update."""
    return cache / RECORD_DIR / f"{_name_of(out)}{'.kept' if kept else ''}.json"


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


def read_record(cache: Path, out: Path, kept: bool = False) -> Record | None:
    """The record of the last complete build into `out` (or of the site it replaced)."""
    try:
        data = json.loads(record_path(cache, out, kept).read_text(encoding="utf-8"))
        if data.get("version") != RECORD_VERSION or data["output"] != str(out.resolve()):
            return None
        return Record(data["inputs"], data["output"], data["files"], data["summary"], data["keys"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_record(
    cache: Path,
    inputs: str,
    out: Path,
    summary: dict[str, object],
    keys: dict[str, str],
    files: Mapping[str, Sequence[int]] | None = None,
) -> None:
    """Record a complete build (atomically; a failure to record only costs speed).
    `files`: the output's `output_state` when the build knows it without a walk."""
    out = out.resolve()
    data = {
        "version": RECORD_VERSION,
        "inputs": inputs,
        "output": str(out),
        "files": output_state(out) if files is None else files,
        "summary": summary,
        "keys": keys,
    }
    path = record_path(cache, out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)
        _prune(path.parent)
    except OSError:
        return


def _prune(folder: Path) -> None:
    """Keep the newest KEEP_RECORDS records (and the kept sites of those only)."""
    records = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in records[KEEP_RECORDS:]:
        old.unlink(missing_ok=True)
    wanted = {p.name.split(".")[0] for p in records[:KEEP_RECORDS]}
    sites = folder.parent / "sites"
    if sites.is_dir():
        for site in sites.iterdir():
            if site.name not in wanted:
                shutil.rmtree(site, ignore_errors=True)
