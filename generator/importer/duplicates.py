"""Syndicated copies: the same story text arriving from another file.

Two bodies are the same text when most of the shorter one's five-word shingles occur in the
other (containment, so a copy with an extra paragraph or a missing footer still matches).
Two outlets writing about one event in their own words share only quotes, far below the
threshold; grouping those is the topics stage's work, not this one's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator import frontmatter

SHINGLE = 5
THRESHOLD = 0.8
"""Share of the shorter text's shingles found in the other."""
MIN_SHINGLES = 20
"""Shorter bodies are too small to call copies."""
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Known:
    """An article already in the archive (or imported earlier in this run)."""

    article: str
    """Path relative to content/."""
    shingles: frozenset[str]
    source_sha256: str | None


def shingles(body: str) -> frozenset[str]:
    """Five-word shingles of a Markdown body, case-folded, markup and punctuation ignored."""
    words = _WORD.findall(re.sub(r"\]\([^)]*\)", "]", body).casefold())
    return frozenset(" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def find_copy(body: frozenset[str], known: Iterable[Known], skip: str | None) -> str | None:
    """The first known article (by path) whose text `body` duplicates, except `skip`."""
    if len(body) < MIN_SHINGLES:
        return None
    for other in sorted(known, key=lambda k: k.article):
        if other.article == skip or len(other.shingles) < MIN_SHINGLES:
            continue
        shared = len(body & other.shingles)
        if shared >= THRESHOLD * min(len(body), len(other.shingles)):
            return other.article
    return None


def scan(content_dir: Path) -> list[Known]:
    """Every readable article under content/articles/ (unreadable ones are the build's concern)."""
    found: list[Known] = []
    for path in sorted((content_dir / "articles").rglob("*.md")):
        try:
            doc = frontmatter.parse(path.read_text("utf-8-sig").replace("\r\n", "\n"))
        except (OSError, UnicodeDecodeError, frontmatter.FrontMatterError):
            continue
        sha = doc.meta.get("source_sha256")
        rel = path.relative_to(content_dir).as_posix()
        found.append(Known(rel, shingles(doc.body), sha if isinstance(sha, str) else None))
    return found
