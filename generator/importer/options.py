"""The values `briefing import` takes and gives back (re-exported by `generator.importer`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """What happened to one input. Only FAILED makes the command exit with status 1."""

    IMPORTED = "imported"
    """Written, with every field found."""
    NEEDS_REVIEW = "needs review"
    """Written, but title, outlet, author or date could not be determined (left null)."""
    DUPLICATE = "duplicate"
    """Written with `duplicate_of:`: the same text is already in the archive."""
    UNCHANGED = "unchanged"
    """These exact bytes were imported before and their article is there: nothing written."""
    SKIPPED = "skipped"
    """Not written because the article was edited after import (`--force` overwrites)."""
    WOULD_IMPORT = "would import"
    """`--dry-run`: what would have been written; nothing was."""
    FAILED = "failed"
    """Not imported (empty, binary, too large, undecodable, not an article); nothing written."""


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """Flags of `briefing import`; each one set overrides what detection finds."""

    outlet: str | None = None
    """`--outlet NAME`: a registry name or short name gives the registry's full name."""
    author: str | None = None
    """`--author NAME`: several authors separated by "and", "&", ";" or "," ("A and B")."""
    date: str | None = None
    """`--date WHEN`: ISO 8601 date or date-time; a time without offset is in the site zone."""
    url: str | None = None
    """`--url URL`: the original address (http or https)."""
    dry_run: bool = False
    """Write nothing; report what would be written."""
    force: bool = False
    """Import again even when unchanged, and overwrite articles edited after import."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The outcome for one input."""

    source: str
    """The input as the user named it."""
    status: str
    """A `Status` value."""
    message: str
    """E.g. `imported to content/articles/2022/08/x.md` or `failed: empty file`."""
    output: str | None
    """The article written (or that would be), relative to the site folder."""

    @property
    def line(self) -> str:
        """The one line the CLI prints for this input."""
        return f"{self.source}: {self.message}"

    @property
    def failed(self) -> bool:
        """True when this input makes the command fail."""
        return self.status == Status.FAILED
