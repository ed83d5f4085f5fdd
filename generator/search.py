"""Full-text search: Pagefind indexes the finished site before it is swapped in.

Pagefind (PyPI `pagefind[extended]`, which ships its binary) reads the built HTML and
writes a static index under `pagefind/`; the search page loads it in the browser, so
search works from any static host with no service behind it. Only elements marked
`data-pagefind-body` (articles and topics) are indexed: pages whose only role is
navigation stay out of the results. Filters (outlet, author, year, topic) and result
metadata come from `data-pagefind-filter` / `data-pagefind-meta` attributes in the theme.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from generator import urls
from generator.config import SiteConfig
from generator.errors import BuildError

BUNDLE_DIR = "pagefind"
"""Folder of the search index inside the site; the search page loads it from there."""
SECTIONS = (urls.article("x").split("/")[0], urls.topic("x").split("/")[0])
"""Folders holding the indexed pages (`articles`, `topics`); Pagefind reads no others."""


def index_site(staging: Path, config: SiteConfig) -> None:
    """Write the Pagefind index of the complete site in `staging` (offline, no shell).

    An archive without articles has nothing to index (Pagefind refuses an empty index);
    its search page says so instead of loading one.
    """
    if not any((staging / SECTIONS[0]).glob("**/*.html")):
        return
    command = [str(pagefind_binary()), *index_arguments(staging, config)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BuildError(f"search: cannot run {command[0]}: {exc.strerror or exc}") from None
    if result.returncode != 0:
        raise BuildError(f"search: Pagefind failed: {_last_lines(result.stderr or result.stdout)}")
    if not (staging / BUNDLE_DIR / "pagefind.js").is_file():
        raise BuildError(f"search: Pagefind wrote no index into {BUNDLE_DIR}/")


def index_arguments(staging: Path, config: SiteConfig) -> list[str]:
    """Pagefind's command line (after the binary) for one site."""
    return [
        "--site",
        str(staging),
        "--output-subdir",
        BUNDLE_DIR,
        # Only article and topic pages; within them only data-pagefind-body is indexed.
        "--glob",
        "{" + ",".join(SECTIONS) + "}/**/*.html",
        # One index in the site's language: stemming follows site.yaml, not a guess per page.
        "--force-language",
        config.language.split("-")[0].lower(),
        "--silent",
    ]


def pagefind_binary() -> Path:
    """The Pagefind executable that the `pagefind[extended]` package installed."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise BuildError(_MISSING) from None
    binary = get_executable()
    if binary is None or not binary.is_file():
        raise BuildError(_MISSING)
    return binary


_MISSING = (
    "search: the Pagefind binary is not installed "
    "(pip install 'pagefind[extended]', or set `search: {enabled: false}` in site.yaml)"
)


def _last_lines(text: str, count: int = 5) -> str:
    """The end of a tool's output (each line once): where it says what went wrong."""
    lines = dict.fromkeys(line.strip() for line in text.splitlines() if line.strip())
    return " | ".join(list(lines)[-count:]) or "no output"
