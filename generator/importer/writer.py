"""Where imports go in content/, and the record that keeps edits safe.

- Originals are copied byte-for-byte to `content/sources/<name>` (a name already taken by
  other bytes gets the hash: `<stem>-<sha256[:12]><suffix>`) and never written again.
- Articles go to `content/articles/YYYY/MM/<outlet>-<title>.md` (`undated/` without a date).
- `content/sources/imports.json` (the manifest, beside the originals so that deleting
  `.cache/` or `build/` never loses it) records, for every import, the original's SHA-256,
  the article path and the SHA-256 of the bytes import wrote there. An article whose bytes
  differ from that record was edited by someone and is not overwritten without `--force`.

Files are written to a temporary name and renamed, so an interrupted import never leaves
half an article.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from generator.slugs import MAX_LENGTH, slugify

MANIFEST = "sources/imports.json"
TITLE_SLUG_LENGTH = 55
VARIANT_ROOM = 4
"""Characters kept free for `-2` ... `-999` (free_variant)."""
"""Keeps paths readable; long headlines are cut at a word boundary."""


@dataclass(frozen=True, slots=True)
class Record:
    """One imported original and the article written from it."""

    source_file: str
    """The original, relative to content/ (`sources/x.txt`)."""
    source_sha256: str
    article: str
    """The article, relative to content/ (`articles/2022/08/x.md`)."""
    article_sha256: str
    """SHA-256 of the bytes import wrote to the article."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """Every import recorded in content/sources/imports.json."""

    records: tuple[Record, ...] = ()

    def for_source(self, sha256: str) -> Record | None:
        """The record of an original with these bytes, if it was imported before."""
        return next((r for r in self.records if r.source_sha256 == sha256), None)

    def for_article(self, article: str) -> Record | None:
        """The record of whatever import last wrote to this article path."""
        return next((r for r in self.records if r.article == article), None)

    def with_record(self, record: Record) -> Manifest:
        """A copy where `record` replaces any record of the same original or article."""
        kept = tuple(
            r
            for r in self.records
            if r.source_sha256 != record.source_sha256 and r.article != record.article
        )
        return replace(self, records=tuple(sorted((*kept, record), key=lambda r: r.article)))


def sha256(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def load_manifest(content_dir: Path) -> Manifest:
    """Read the manifest; a missing one is empty, a damaged one raises ValueError."""
    path = content_dir / MANIFEST
    if not path.exists():
        return Manifest()
    data = json.loads(path.read_text("utf-8"))
    return Manifest(tuple(Record(**item) for item in data.get("imports", [])))


def save_manifest(content_dir: Path, manifest: Manifest) -> None:
    """Write the manifest (sorted, stable) atomically."""
    items = [
        {
            "source_file": r.source_file,
            "source_sha256": r.source_sha256,
            "article": r.article,
            "article_sha256": r.article_sha256,
        }
        for r in manifest.records
    ]
    text = json.dumps({"imports": items}, indent=2, ensure_ascii=False) + "\n"
    write_atomic(content_dir / MANIFEST, text.encode("utf-8"))


def article_path(title: str | None, outlet: str | None, when: datetime | date | None) -> str:
    """`articles/2022/08/the-independent-north-korea-offers...md`, relative to content/."""
    folder = f"{when.year:04d}/{when.month:02d}" if when is not None else "undated"
    parts = [slugify(outlet, 40)] if outlet else []
    # The whole name, with room for a `-NN` variant, must fit in the length an article id
    # keeps (slugs.MAX_LENGTH), or two files would build as one page.
    room = MAX_LENGTH - VARIANT_ROOM - sum(len(p) + 1 for p in parts)
    parts.append(slugify(title or "untitled", min(TITLE_SLUG_LENGTH, room)))
    return f"articles/{folder}/{'-'.join(parts)}.md"


def free_variant(content_dir: Path, rel: str, taken: set[str]) -> str:
    """`rel`, or `rel` with `-2`, `-3`... when that file exists or is taken in this run."""
    stem, suffix = rel.rsplit(".", 1)
    candidate, number = rel, 1
    while candidate in taken or (content_dir / candidate).exists():
        number += 1
        candidate = f"{stem}-{number}.{suffix}"
    return candidate


def source_name(content_dir: Path, name: str, digest: str) -> str:
    """Where an original with this name and hash lives (or will) under content/sources/."""
    rel = f"sources/{name}"
    existing = content_dir / rel
    if not existing.exists() or sha256(existing.read_bytes()) == digest:
        return rel
    stem, dot, suffix = name.rpartition(".")
    return f"sources/{stem or suffix}-{digest[:12]}{dot}{suffix if stem else ''}"


def keep_source(content_dir: Path, rel: str, data: bytes) -> None:
    """Copy the original once; an existing file (same bytes) is left untouched."""
    path = content_dir / rel
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as handle:
        handle.write(data)


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".import-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
