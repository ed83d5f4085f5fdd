"""The manifest kept at every target: the files publish wrote there, and only those.

It is what makes publishing safe for everything else at the target. A later publish
removes a file only if the manifest lists it, so what the user put there (`CNAME`,
`.well-known/`, a README) survives every publish. It is stored as `.briefing-publish.json`
at the target's root: JSON, sorted, one file per line, so a diff of it reads well in git.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from generator.errors import PublishError
from generator.publish.tree import Entry

FORMAT = 1
_DIGEST = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True, slots=True)
class Manifest:
    """The files one publish wrote, sorted by path."""

    files: tuple[Entry, ...] = ()
    """Each file with the digest it had when publish wrote it."""

    def paths(self) -> frozenset[str]:
        """The paths listed."""
        return frozenset(entry.path for entry in self.files)


def dump(manifest: Manifest) -> bytes:
    """The manifest file's bytes (deterministic)."""
    files = {entry.path: entry.digest for entry in manifest.files}
    document = {"format": FORMAT, "written_by": "briefing publish", "files": files}
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def parse(data: bytes, where: str) -> Manifest:
    """Read a manifest; raise PublishError naming `where` when it cannot be trusted."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _unreadable(where, f"not valid JSON ({exc})") from None
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(files, dict) or document.get("format") != FORMAT:
        raise _unreadable(where, f"not a format {FORMAT} manifest")
    entries = []
    for path, digest in files.items():
        if not (isinstance(digest, str) and _DIGEST.fullmatch(digest)):
            raise _unreadable(where, f"bad digest for {path!r}")
        if not safe_path(path):
            # A manifest is read from the target, which others can write: a path that
            # climbs out of the site must never reach a delete.
            raise _unreadable(where, f"unsafe path {path!r}")
        entries.append(Entry(path, digest))
    return Manifest(tuple(sorted(entries, key=lambda e: e.path)))


def safe_path(path: str) -> bool:
    """A relative '/'-separated path that stays inside the site root."""
    if not path or path.startswith("/") or "\\" in path or "\0" in path or "\n" in path:
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def _unreadable(where: str, reason: str) -> PublishError:
    return PublishError(
        f"{where}: the publish manifest is unreadable: {reason}; "
        "fix it, or delete it and publish with --force"
    )
