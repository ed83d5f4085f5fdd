"""Full-text search: Pagefind indexes the finished site before it is swapped in.

Pagefind (PyPI `pagefind[extended]`, which ships its binary) reads the built HTML and
writes a static index under `pagefind/`; the search page loads it in the browser, so
search works from any static host with no service behind it. Only elements marked
`data-pagefind-body` (articles and topics) are indexed: pages whose only role is
navigation stay out of the results. Filters (outlet, author, year, topic) and result
metadata come from `data-pagefind-filter` / `data-pagefind-meta` attributes in the theme.
Pagefind's output is then made canonical (`search_index`): the same pages, the same files.
The cached index is keyed by the pages as Pagefind reads them (`search_pages`), so a
change it does not read (a stylesheet's name, the masthead) keeps the index.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import zlib
from pathlib import Path

from generator import search_index, search_pages, urls
from generator.cache import library_version
from generator.config import SiteConfig
from generator.errors import BuildError

BUNDLE_DIR = "pagefind"
"""Folder of the search index inside the site; the search page loads it from there."""
SECTIONS = (urls.article("x").split("/")[0], urls.topic("x").split("/")[0])
"""Folders holding the indexed pages (`articles`, `topics`); Pagefind reads no others."""


KEEP_INDEXES = 3
"""Cached indexes kept per site (the newest ones); older ones are removed."""


def index_site_cached(
    staging: Path, config: SiteConfig, cache: Path, pages_key: str | None = None
) -> None:
    """`index_site`, reusing the index made earlier from the same pages.

    The index is the same for the same pages anyway (`search_index.canonicalise`);
    keeping it under the hash of everything Pagefind reads skips the indexing, the
    slowest stage of a build whose articles did not change. `pages_key`, when the build
    has one, stands for the indexed pages (it hashes every input of each; render.py) and
    spares reading them all to hash them.
    """
    digest = input_digest(staging, config, pages_key)
    store = IndexStore(cache / "pagefind")
    if not store.has(digest):
        index_site(staging, config)
        if (staging / BUNDLE_DIR).is_dir():
            store.keep(digest, staging / BUNDLE_DIR)
    if store.has(digest):
        shutil.rmtree(staging / BUNDLE_DIR, ignore_errors=True)
        store.put(digest, staging / BUNDLE_DIR)


class IndexStore:
    """Indexes kept by their input digest, as lists of files in a pool named by content.

    Two indexes of nearly the same pages share most files (one fragment per page), so
    the pool holds each file once, a kept index costs links, not copies, and dropping an
    old index deletes only the files no kept index has (deleting files is what costs most
    on many disks). Pool files are never changed: indexes are made anew and linked."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pool = root / "files"
        self.lists = root / "indexes"

    def has(self, digest: str) -> bool:
        return (self.lists / f"{digest}.json").is_file()

    def keep(self, digest: str, index: Path) -> None:
        """Add an index to the store, then drop all but the newest KEEP_INDEXES."""
        self.pool.mkdir(parents=True, exist_ok=True)
        self.lists.mkdir(parents=True, exist_ok=True)
        files: dict[str, str] = {}
        for path in sorted(p for p in index.rglob("*") if p.is_file()):
            name = hashlib.sha256(path.read_bytes()).hexdigest()
            files[path.relative_to(index).as_posix()] = name
            if not (self.pool / name).exists():
                link_or_copy(str(path), str(self.pool / name))
        listing = self.lists / f"{digest}.json"
        partial = listing.with_name(f".{listing.name}.{os.getpid()}")
        partial.write_text(json.dumps(files, sort_keys=True), encoding="utf-8")
        os.replace(partial, listing)
        self._prune()

    def put(self, digest: str, target: Path) -> None:
        """Link the files of a kept index into the folder `target`."""
        listing = self.lists / f"{digest}.json"
        files = json.loads(listing.read_text(encoding="utf-8"))
        for relative, name in sorted(files.items()):
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(str(self.pool / name), str(destination))
        os.utime(listing)  # newest use first when pruning

    def _prune(self) -> None:
        listings = sorted(
            self.lists.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True
        )
        for old in listings[KEEP_INDEXES:]:
            old.unlink(missing_ok=True)
        wanted: set[str] = set()
        for listing in listings[:KEEP_INDEXES]:
            wanted.update(json.loads(listing.read_text(encoding="utf-8")).values())
        for pooled in self.pool.iterdir():
            if pooled.name not in wanted:
                pooled.unlink(missing_ok=True)
        for other in self.root.iterdir():  # indexes kept the way earlier versions did
            if other not in (self.pool, self.lists) and not other.name.startswith("."):
                shutil.rmtree(other, ignore_errors=True)


def carry_index(out: Path, staging: Path) -> None:
    """Link the index of the site in `out` into the site being built in `staging`, as it
    is (the preview does this, and remakes the index after the reload)."""
    if (out / BUNDLE_DIR).is_dir():
        shutil.copytree(out / BUNDLE_DIR, staging / BUNDLE_DIR, copy_function=link_or_copy)


def link_or_copy(source: str, target: str) -> None:
    """A hard link where the file system allows (no build changes a file in place that
    has another link: render.py replaces those), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def input_digest(staging: Path, config: SiteConfig, pages_key: str | None = None) -> str:
    """Hash of what Pagefind reads of the pages (`search_pages.cut`: the same index),
    its arguments and version, and of what makes its output canonical (that module's
    code, the CBOR library, zlib) and of the code that decides what it reads.

    Once a page has a body element, Pagefind skips the pages without one (redirects):
    they are left out of the hash then.
    """
    digest = hashlib.sha256(" ".join(index_arguments(Path("."), config)).encode())
    digest.update(library_version("pagefind_bin_extended").encode())
    digest.update(f"{library_version('cbor2')} {zlib.ZLIB_RUNTIME_VERSION}".encode())
    digest.update(Path(search_index.__file__).read_bytes())
    digest.update(Path(search_pages.__file__).read_bytes())
    if pages_key is not None:
        digest.update(f"pages {pages_key}".encode())
        return digest.hexdigest()
    pages = [(page, search_pages.cut(page.read_bytes())) for page in indexed_pages(staging)]
    some_body = any(cut.body for _, cut in pages)
    for page, cut in pages:
        if some_body and cut.body is False:
            continue
        digest.update(page.relative_to(staging).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(cut.content).digest())
    return digest.hexdigest()


def indexed_pages(staging: Path) -> list[Path]:
    """The pages Pagefind indexes (its `--glob`), in a stable order."""
    return [
        page
        for section in SECTIONS
        for page in sorted((staging / section).glob("**/*.html"))
        if page.is_file()
    ]


def index_site(staging: Path, config: SiteConfig) -> None:
    """Write the Pagefind index of the complete site in `staging` (offline, no shell).

    The index is then made canonical, so that the same pages give the same files.
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
    try:
        search_index.canonicalise(staging / BUNDLE_DIR)
    except search_index.IndexFormatError as exc:
        raise BuildError(
            f"search: Pagefind {library_version('pagefind_bin_extended')} wrote an index "
            f"in a form briefing does not know ({exc}); install pagefind[extended] 1.5"
        ) from None


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
