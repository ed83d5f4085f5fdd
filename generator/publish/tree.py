"""The site as it will be published: a folder of files, each named by its content.

A fresh build is turned into a `Tree`: the build marker goes, the files some hosts read
(`.nojekyll`, `CNAME`) and pre-compressed `.gz` copies come in, and every file gets a
digest. The digest is git's blob id, so a git target's tree listing can be compared with
the new site without reading a single blob back.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from generator.output import MARKER

MANIFEST = ".briefing-publish.json"
"""The manifest publish keeps at the target (see manifest.py); never part of a Tree."""
TEXT_SUFFIXES = (".html", ".css", ".js", ".mjs", ".json", ".xml", ".txt", ".svg")
"""Files worth a `.gz` copy: text that compresses well and that servers send often."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One file publish writes (or wrote) at the target."""

    path: str
    """Path relative to the site root, '/'-separated, e.g. 'topics/index.html'."""
    digest: str
    """git blob id of the content (40 hex digits)."""


@dataclass(frozen=True, slots=True)
class Extras:
    """Files added to the build for a particular kind of target."""

    nojekyll: bool = False
    """Add an empty `.nojekyll` (GitHub Pages would otherwise skip `_`-prefixed files)."""
    cname: str | None = None
    """Domain for a `CNAME` file (GitHub Pages, Codeberg Pages)."""
    gzip: bool = False
    """Add `name.gz` beside every text file (nginx `gzip_static` serves them)."""


@dataclass(frozen=True, slots=True)
class Tree:
    """A complete site ready to publish: a folder and every file in it."""

    root: Path
    """The folder holding the files (a private temporary folder)."""
    entries: tuple[Entry, ...]
    """Every file, sorted by path."""

    def digests(self) -> dict[str, str]:
        """Path -> digest, for lookups."""
        return {entry.path: entry.digest for entry in self.entries}


def blob_id(data: bytes) -> str:
    """The id git gives a blob with this content (SHA-1 of a header and the bytes)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def prepare(build_dir: Path, extras: Extras) -> Tree:
    """Turn a finished build (which we own and may change) into the Tree to publish."""
    (build_dir / MARKER).unlink(missing_ok=True)
    (build_dir / MANIFEST).unlink(missing_ok=True)
    if extras.nojekyll:
        (build_dir / ".nojekyll").write_bytes(b"")
    if extras.cname:
        (build_dir / "CNAME").write_text(extras.cname + "\n", encoding="ascii")
    if extras.gzip:
        add_gzip_copies(build_dir)
    return read_tree(build_dir)


def add_gzip_copies(root: Path) -> None:
    """Write `x.gz` beside each text file `x` when compression makes it smaller."""
    for path in sorted(root.rglob("*")):
        if path.suffix in TEXT_SUFFIXES and path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            # mtime=0 keeps the copies identical from one build to the next.
            packed = gzip.compress(data, compresslevel=9, mtime=0)
            if len(packed) < len(data):
                path.with_name(path.name + ".gz").write_bytes(packed)


def read_tree(root: Path) -> Tree:
    """Every regular file under `root`, with its digest (symlinks are not followed)."""
    entries = [
        Entry(relative, blob_id((root / relative).read_bytes()))
        for relative in walk_files(root)
        if relative not in (MARKER, MANIFEST)
    ]
    return Tree(root, tuple(sorted(entries, key=lambda e: e.path)))


def walk_files(root: Path) -> list[str]:
    """Relative '/'-separated paths of the regular files under `root`, sorted."""
    found: list[str] = []
    for folder, _dirs, names in os.walk(root):
        base = Path(folder).relative_to(root)
        for name in names:
            if (Path(folder) / name).is_file() and not (Path(folder) / name).is_symlink():
                found.append((base / name).as_posix())
    return sorted(found)
