"""`briefing import`: saved pages, pasted text and Markdown -> articles in content/.

Public API (the CLI prints `result.line` for each input, then a total, and exits 1 when
any result failed):

    import_paths(site_dir, config, paths, options) -> tuple[ImportResult, ...]

Stages, one module each: `decode` (bytes -> text), `detect` (kind by content), `mhtml`
(single-file saved pages); then a `Draft` (`draft.py`) from `text` with `header` and
`boilerplate` (pasted text), `html` with `pagemeta`, `headlines`, `treemd` and
`continuation` (saved pages), or `markdown` (Markdown input, and escaping for all); `dates`
and `bylines` read metadata as printed, `outlets` is the registry, `duplicates` finds
syndicated copies, `writer` places files and keeps the manifest, and `session` runs the
stages for each input. `options` holds the values above.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from generator.config import SiteConfig
from generator.importer.options import ImportOptions, ImportResult, Status

__all__ = ["ImportOptions", "ImportResult", "Status", "import_paths"]


def import_paths(
    site_dir: Path, config: SiteConfig, paths: Sequence[Path], options: ImportOptions
) -> tuple[ImportResult, ...]:
    """Import files and folders (no paths: everything in content/inbox/), one result each.

    Never raises for a bad input file; raises GeneratorError only for problems with the
    whole command (a `--date` or `--url` that cannot be used, a damaged manifest).
    """
    from generator.importer import session  # trafilatura is slow to import: only when used

    run = session.Run(site_dir, config, options, session.checked_date(options, config))
    results = []
    for path, exists in session.inputs(paths, run.content / "inbox"):
        if exists:
            results.append(run.import_path(path, str(path)))
        else:
            failed = ImportResult(str(path), Status.FAILED, "failed: no such file or folder", None)
            results.append(failed)
    return tuple(results)
