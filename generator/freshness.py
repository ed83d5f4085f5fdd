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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator import cache as build_cache

RECORD_FILE = "last-build.json"
RECORD_VERSION = 1


@dataclass(frozen=True, slots=True)
class Record:
    """What the last complete build read and wrote."""

    inputs: str
    output: str
    files: dict[str, list[int]]
    """Output path -> [size, mtime_ns]."""
    summary: dict[str, object]
    """Its report: pages, articles, topics, warnings."""


def input_digest(site: Path, inputs: tuple[Path, ...], options: str) -> str:
    """A hash of every input of a build: code, options, site.yaml and the files and
    folders of `inputs` (what the build reads of content/, and templates/)."""
    digest = hashlib.sha256(f"{build_cache.code_version()}\0{options}\0".encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode() + b"\0")
    for path in _input_files(site, inputs):
        digest.update(path.relative_to(site).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _input_files(site: Path, inputs: tuple[Path, ...]) -> Iterator[Path]:
    for item in (site / "site.yaml", *inputs):
        if item.is_file():
            yield item
        for root, dirs, files in os.walk(item):
            dirs.sort()
            for name in sorted(files):
                yield Path(root) / name


def output_state(out: Path) -> dict[str, list[int]]:
    """Size and modification time of every file under `out`."""
    state: dict[str, list[int]] = {}
    for root, dirs, files in os.walk(out):
        dirs.sort()
        for name in files:
            path = Path(root) / name
            info = path.lstat()
            state[path.relative_to(out).as_posix()] = [info.st_size, info.st_mtime_ns]
    return state


def up_to_date(cache: Path, inputs: str, out: Path) -> Record | None:
    """The record of the last build when its inputs were these and `out` is as it left
    it; None when a build is needed."""
    record = read_record(cache)
    if record is None or record.inputs != inputs or record.output != str(out.resolve()):
        return None
    if not out.is_dir() or output_state(out) != record.files:
        return None
    return record


def read_record(cache: Path) -> Record | None:
    try:
        data = json.loads((cache / RECORD_FILE).read_text(encoding="utf-8"))
        if data.get("version") != RECORD_VERSION:
            return None
        return Record(data["inputs"], data["output"], data["files"], data["summary"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_record(cache: Path, inputs: str, out: Path, summary: dict[str, object]) -> None:
    """Record a complete build (atomically; a failure to record only costs speed)."""
    out = out.resolve()
    data = {
        "version": RECORD_VERSION,
        "inputs": inputs,
        "output": str(out),
        "files": output_state(out),
        "summary": summary,
    }
    try:
        cache.mkdir(parents=True, exist_ok=True)
        temporary = cache / f".{RECORD_FILE}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(temporary, cache / RECORD_FILE)
    except OSError:
        return
