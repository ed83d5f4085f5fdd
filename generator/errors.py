"""Errors a user can cause, and the diagnostics that carry their location.

A user error is reported as one line (`path:line: message`) and exit status 1; anything
else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(Enum):
    """How bad a diagnostic is: warnings are counted, errors stop the build."""

    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in the input, located as precisely as we can."""

    path: str
    """File the problem is in, relative to the site when possible."""
    line: int | None
    """1-based line number, or None when the problem concerns the whole file."""
    message: str
    """What is wrong, and where useful how to fix it."""
    severity: Severity = Severity.WARNING

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{where}: {prefix}{self.message}"


class GeneratorError(Exception):
    """A problem the user can fix; shown as one line, never a traceback."""


class ConfigError(GeneratorError):
    """site.yaml is missing or invalid. Carries every problem found, not only the first."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class ContentError(GeneratorError):
    """content/ cannot be turned into a site (for example two files on one output path)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics


class BuildError(GeneratorError):
    """The build cannot complete: unsafe output directory, template error, strict mode."""


class PublishError(GeneratorError):
    """A publish target refused or failed."""
