"""`briefing import`: saved pages, pasted text and Markdown -> articles in content/.

Public API (the CLI prints `result.line` for each input, then a total, and exits 1 when
any result failed):

    import_paths(site_dir, config, paths, options) -> tuple[ImportResult, ...]

Stages, one module each: `decode` (bytes -> text), `detect` (kind by content), `text`
with `header` and `boilerplate` (pasted text), `html` with `pagemeta` (saved pages),
`markdown` (Markdown input, escaping), `dates` and `bylines` (metadata as printed),
`outlets` (registry), `duplicates` (syndicated copies), `writer` (paths, manifest), and
`session` (the run that ties them together).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from generator.config import SiteConfig
from generator.errors import GeneratorError
from generator.importer.options import ImportOptions, ImportResult, Status

__all__ = ["ImportOptions", "ImportResult", "Status", "import_paths"]


def import_paths(
    site_dir: Path, config: SiteConfig, paths: Sequence[Path], options: ImportOptions
) -> tuple[ImportResult, ...]:
    """Import files and folders (no paths: everything in content/inbox/), one result each.

    Never raises for a bad input file; raises GeneratorError only for problems with the
    whole command (a `--date` or `--url` that cannot be used, a damaged manifest).
    """
    from generator import markup
    from generator.importer import session

    date = None
    if options.date:
        try:
            date = session.parse_when(options.date, config)
        except ValueError:
            raise GeneratorError(
                f"--date: expected an ISO 8601 date or date-time such as 2022-08-08 or "
                f"2022-08-08T09:00:00-04:00, got {options.date!r}"
            ) from None
    if options.url and not (
        options.url.startswith(("http://", "https://")) and markup.is_safe_url(options.url)
    ):
        raise GeneratorError(f"--url: expected an http(s) address, got {options.url!r}")
    content = site_dir / config.paths.content
    try:
        run = session.Run(site_dir, config, options, date)
    except ValueError as exc:
        raise GeneratorError(
            f"{content / 'sources/imports.json'}: cannot be read ({exc})"
        ) from None
    results = []
    for path, exists in session.inputs(paths, content / "inbox"):
        shown = str(path)
        if not exists:
            results.append(
                ImportResult(shown, Status.FAILED, "failed: no such file or folder", None)
            )
        else:
            results.append(run.import_path(path, shown))
    return tuple(results)
