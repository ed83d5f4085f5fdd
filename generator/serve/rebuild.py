"""One rebuild: import new inbox files, build, tell open pages, say one line.

The build itself is whatever `Builder` the server was given: `SiteBuilder` runs the one
pipeline of `briefing build` (tests inject their own, as MkDocs does). A build that fails
for any reason keeps the last good site; its error goes to the banner of every page.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from generator.cache import Memory
from generator.errors import ConfigError, ContentError, GeneratorError
from generator.models import BuildReport
from generator.serve.indexing import BackgroundIndex
from generator.serve.state import BuildState, BuildStatus
from generator.serve.watch import ChangeCollector, Watcher, is_temporary

if TYPE_CHECKING:
    from generator.render import FirstPages

Say = Callable[[str], None]


class Builder(Protocol):
    """Builds the site into the folder being served; raises GeneratorError on user errors."""

    def build(self) -> BuildReport:
        """Build once, replacing the served folder only on success."""
        ...


@dataclass(frozen=True, slots=True)
class SiteBuilder:
    """`briefing build` of a site into the preview's private output folder."""

    site_dir: Path
    out: Path
    """The folder served; a temporary one, never the site's own build/."""
    base_url: str
    """The preview's address, e.g. `http://127.0.0.1:8000/briefings/`."""
    memory: Memory = field(default_factory=Memory)
    """Parsed articles, topics and summaries of the last build, kept for the next one."""
    search: BackgroundIndex | None = None
    """Remakes the search index after the reload; None: each build remakes it first."""
    state: BuildState | None = None
    """The server's: the pages open in it are rendered first and shown before the build
    ends (with `search` only, whose builds update the served folder in place)."""

    def build(self) -> BuildReport:
        """One build through `generator.build`: what did not change is taken from memory;
        the search index, once there is one, is remade after the build (an indexing
        still running is called off first, and redone after)."""
        from generator.build import BuildOptions, build

        options = BuildOptions(self.site_dir, self.out, self.base_url, memory=self.memory)
        if self.search is None:
            return build(options)
        self.search.interrupt()  # an indexing begun since the change: it would slow us
        with self.search.lock:
            later = self.search.has_index()
            options = replace(options, search_later=later, in_place=True, first=self.first())
            report = build(options)
        if later and (not report.unchanged or self.search.redo):
            self.search.request()
        return report

    def first(self) -> FirstPages | None:
        """The open pages, to render and show first; None after a failed build (its
        banner goes only when the whole build has succeeded) or with no page open."""
        from generator.render import FirstPages

        if self.state is None or self.state.current().errors:
            return None
        pages = self.state.open_pages()
        return FirstPages(pages, self.state.show_first) if pages else None


@dataclass(frozen=True, slots=True)
class Attempt:
    """The outcome of one rebuild."""

    status: BuildStatus
    """What pages were told (its errors are empty after a success)."""
    report: BuildReport | None
    """The build's report; None when it failed."""
    seconds: float


def attempt_build(builder: Builder, state: BuildState, say: Say) -> Attempt:
    """Build once and publish the outcome; no content can make this raise."""
    started = time.perf_counter()
    report: BuildReport | None = None
    try:
        report = builder.build()
        errors: tuple[str, ...] = ()
    except GeneratorError as exc:
        errors = error_lines(exc)
    except Exception as exc:  # a bug: keep serving, but show where it happened
        say("".join(traceback.format_exception(exc)).rstrip())
        errors = (f"internal error (a bug in briefing): {type(exc).__name__}: {exc}",)
    return Attempt(state.publish(errors), report, time.perf_counter() - started)


def error_lines(exc: GeneratorError) -> tuple[str, ...]:
    """The user-facing lines of a build error (`path:line: message` where known)."""
    if isinstance(exc, ContentError):
        return tuple(str(d) for d in exc.diagnostics)
    if isinstance(exc, ConfigError):
        return tuple(exc.problems)
    return tuple(str(exc).splitlines() or [type(exc).__name__])


def summary(attempt: Attempt, changes: Sequence[Path], site: Path) -> str:
    """The one line said after a rebuild: what changed, what happened, how long."""
    cause = f" after {describe(changes, site)} changed" if changes else ""
    took = f"{attempt.seconds:.2f} s"
    if attempt.report is None:
        errors = attempt.status.errors
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return f"build failed{cause} in {took}: {errors[0] if errors else ''}{more}"
    report = attempt.report
    warned = f", {len(report.warnings)} warnings" if report.warnings else ""
    verb = "rebuilt" if changes else "built"
    return f"{verb} {report.pages} pages{cause}{warned} in {took}"


def describe(changes: Sequence[Path], site: Path) -> str:
    """`content/x.md`, or `content/x.md and 4 more files`, relative to the site."""
    # Files that still exist first: an editor's vanished temp file says little.
    first = min(changes, key=lambda path: (not path.exists(), path))
    name = first.relative_to(site).as_posix() if first.is_relative_to(site) else str(first)
    return name if len(changes) == 1 else f"{name} and {len(changes) - 1} more files"


@dataclass(frozen=True, slots=True)
class Rebuilder:
    """Rebuilds a site on demand and reports each rebuild."""

    site: Path
    """The site folder (absolute): changes are named relative to it."""
    builder: Builder
    state: BuildState
    say: Say

    def rebuild(self, changes: Sequence[Path] = ()) -> Attempt:
        """Build now, publish the outcome, say one line (and the build's warnings)."""
        attempt = attempt_build(self.builder, self.state, self.say)
        self.say(summary(attempt, changes, self.site))
        for warning in attempt.report.warnings if attempt.report else ():
            self.say(warning)
        return attempt


def inbox_arrivals(changes: Sequence[Path], inbox: Path) -> list[Path]:
    """Files (not deleted, not temporary) that changed in content/inbox/."""
    return [
        path
        for path in changes
        if path.is_relative_to(inbox) and not is_temporary(path.name) and path.is_file()
    ]


def import_arrivals(site: Path, arrivals: Sequence[Path], say: Say) -> None:
    """Import new inbox files as `briefing import` would; problems are said, not raised."""
    from generator.config import load_config
    from generator.importer import ImportOptions, import_paths

    try:
        results = import_paths(site, load_config(site), list(arrivals), ImportOptions())
    except ConfigError:
        return  # site.yaml is broken: the build that follows shows why
    except GeneratorError as exc:
        say(f"warning: import: {exc}")
        return
    for result in results:
        say(f"import: {result.line}")


def run_rebuilds(
    rebuilder: Rebuilder, collector: ChangeCollector, watcher: Watcher, inbox: Path
) -> None:
    """Rebuild after every burst of changes until the collector is closed."""
    while (changes := collector.next_burst()) is not None:
        arrivals = inbox_arrivals(changes, inbox)
        if arrivals:
            import_arrivals(rebuilder.site, arrivals, rebuilder.say)
            # The import's own writes land in content/: fold them into this rebuild.
            changes = sorted({*changes, *collector.settle()})
        watcher.watch_new_folders()
        rebuilder.rebuild(changes)
