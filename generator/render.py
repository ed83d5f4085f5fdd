"""Site -> files in the staging folder: pages, feeds, sitemap, archive.json, theme assets.

Files are written as they are made, so a build holds no more than one page in memory at
a time. A page or feed whose key (page_keys.py) is the one the previous build wrote it
under is not made again: the previous site's file is linked in. Template errors become
BuildErrors that name the template and line.
"""

from __future__ import annotations

import contextlib
import enum
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO

import jinja2

from generator import archive, feeds, hosting, parallel, search_shards, sitemap, urls
from generator.cache import BuildCache, code_version, key_of
from generator.errors import BuildError
from generator.models import OutputFile
from generator.page_keys import PageKeys
from generator.pages import PageSpec, all_pages
from generator.site import Site
from generator.theme import STATIC_DIR, make_environment, template_fingerprint

PARALLEL_FROM = 500
"""Pages and feeds from which a second process keys half of them and takes or makes
those: below, forking costs more than it saves."""


@dataclass(frozen=True, slots=True)
class Built:
    """A folder of built files, as the build that wrote them recorded them."""

    root: Path
    keys: Mapping[str, str]
    """Path -> the key the file was made under."""
    files: Mapping[str, Sequence[int]]
    """Path -> [size, mtime_ns] when that build ended: a file changed since is not taken."""
    folders: Mapping[str, int] = field(default_factory=dict)
    """Folder path ("" for the top) -> mtime_ns when that build ended (`Swept`)."""
    folders_at: int = 0
    """`Swept.at` of that build."""
    prefix: str = field(init=False, repr=False, compare=False)
    """The root's path and a slash: `holds` runs for every file of every build, and
    joining a string to it took 0.5 s against 0.7 s for `os.path.join` (the 148,410
    pages of a 100,000-article site, stat included)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "prefix", os.path.join(self.root, ""))

    def holds(self, path: str, key: str | None) -> bool:
        """Whether the file at `path` was made under `key` and is untouched since."""
        if key is None or self.keys.get(path) != key:
            return False
        try:
            info = os.stat(self.prefix + path)
        except OSError:
            return False
        recorded = self.files.get(path)
        return recorded is not None and [info.st_size, info.st_mtime_ns] == list(recorded)


class Taken(enum.IntEnum):
    """How `Previous.take` took a file (false when it did not)."""

    NO = 0
    AS_IT_WAS = 1
    """The staging folder held it, untouched since the build that made it."""
    PUT = 2
    """Linked or copied in from the live site."""


@dataclass(frozen=True, slots=True)
class Previous:
    """Files of earlier builds that a build may take instead of making them again."""

    live: Built | None = None
    """The site in the output folder (the last build's)."""
    here: Built | None = None
    """What the staging folder already holds: the site before that, kept for this build
    to update (output.staged's `keep`); None when the staging folder started empty."""
    in_place: bool = False
    """The staging folder gets only what changed and is then moved into the live site
    (the preview); a file taken stays where it is."""

    def take(self, path: str, key: str | None, staging: Path) -> Taken:
        """Put the file an earlier build made under `key` in `staging` (or leave it there);
        `Taken.NO` (false) when it must be made."""
        if self.here is not None and self.here.holds(path, key):
            return Taken.AS_IT_WAS
        if self.live is None or not self.live.holds(path, key):
            return Taken.NO
        if not self.in_place:
            _put_file(self.live.root / path, staging / path)
        return Taken.PUT

    def holds_bytes(self, path: str, data: bytes, staging: Path) -> bool:
        """Whether the file that will be the new site's already has these bytes."""
        if self.in_place and self.live is not None:
            where = self.live.root
        elif self.here is not None:
            where = staging
        else:
            return False
        try:
            return (where / path).read_bytes() == data
        except OSError:
            return False


@dataclass(frozen=True, slots=True)
class Sources:
    """What pages are keyed by besides templates and settings."""

    articles: Mapping[str, str] = field(default_factory=dict)
    """Article id -> hash of its source file (Content.digests)."""
    topics: Mapping[str, str] = field(default_factory=dict)
    """Topic id -> the key of its summary (its fields and its articles' sources)."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """What render_into wrote."""

    keys: dict[str, str]
    """Path -> key, for every file that has one (the next build compares them)."""
    paths: frozenset[str]
    """Every file of the site (of its pages, feeds, assets and data; not the index)."""
    pages: int
    """HTML files."""
    made: int
    """Pages and feeds made by this build (the others were taken from the previous)."""
    taken: int
    files: Mapping[str, Sequence[int]] | None = None
    """The output's `freshness.output_state` after the build, as the build learnt it
    while writing (build.py sets it; None: walk the output to know it)."""
    untouched: frozenset[str] = frozenset()
    """Pages and feeds the staging folder held as the build that made them left them
    (`Taken.AS_IT_WAS`): their recorded state stands (`sweep`)."""
    folders: Mapping[str, int] | None = None
    """The output's folders after the build (`Swept.folders`; None: not known)."""
    folders_at: int = 0
    """When the sweep that learnt `folders` began (`Swept.at`)."""
    cuts: Mapping[str, search_shards.PageCut] = field(default_factory=dict)
    """Key -> what Pagefind reads of the page made under it, for each indexed page this
    build made when the site is searched: the search index's plan need not read them
    back (cutting 13,000 pages there took 2 s of one core at 10,000 articles)."""


@dataclass(frozen=True, slots=True)
class FirstPages:
    """Pages to render before all others (the preview's open pages: Hugo's "fast render"),
    and who to tell once they are made."""

    paths: frozenset[str]
    """Their files (`articles/x/index.html`)."""
    ready: Callable[[Path], None]
    """Called with the staging folder once it holds those of them that changed (and the
    theme assets that did); not called when none changed."""


@dataclass(frozen=True, slots=True)
class _Plan:
    """A file to key, then to take from an earlier build or make."""

    path: str
    key: Callable[[], str | None]
    make: Callable[[], bytes]


class SitePlan:
    """Every file of a site to take or make, and how to key each, before anything is
    written (`plan_site`); `render_into` goes on from here. A build can key pages ahead
    (`key_until`) while something else still decides whether this site is the one to
    write (see `build.Speculation`)."""

    def __init__(
        self,
        plans: list[_Plan],
        pages: list[PageSpec],
        assets: list[OutputFile],
        keys: PageKeys,
        templates: str,
    ) -> None:
        self.plans, self.pages, self.assets = plans, pages, assets
        self.keys, self.templates = keys, templates
        self.keyed = 0
        """How many plans, from the first, have their key already (`key_until`)."""

    def key_until(self, stop: Callable[[], bool], every: int = 32) -> None:
        """Key the plans in order until all are keyed or `stop()` says to stop (asked
        every `every` plans); the keys stay with the plans."""
        plans = self.plans
        while self.keyed < len(plans) and not stop():
            for position in range(self.keyed, min(self.keyed + every, len(plans))):
                plan = plans[position]
                plans[position] = _Plan(plan.path, partial(_known, plan.key()), plan.make)
            self.keyed = min(self.keyed + every, len(plans))


def _known(key: str | None) -> str | None:
    """A key computed ahead (`SitePlan.key_until`)."""
    return key


def plan_site(
    site: Site,
    site_templates: Path,
    sources: Sources | None = None,
    cache: BuildCache | None = None,
) -> SitePlan:
    """The `SitePlan` of `site`: its theme assets, its pages and feeds with their keys
    still to compute."""
    sources = sources or Sources()
    cache = cache or BuildCache.disabled()
    asset_paths, assets = hosting.fingerprinted(theme_assets(site_templates))
    compiled = compiled_templates(cache)
    env = make_environment(site, site_templates, asset_paths, compiled, read_compiled=cache.read)
    templates = template_fingerprint(site_templates)
    found, names = cache.find("template-names", key_of("template-names", templates))
    keys = PageKeys(
        site, env, templates, asset_paths, sources.articles, sources.topics,
        names if found else None,
    )  # fmt: skip
    pages = all_pages(site)
    for template in sorted({p.template for p in pages}):  # learnt here, not in a worker
        keys.names_used(template)
    plans = [
        _Plan(urls.output_file(p.path), partial(keys.page, p), partial(render_page, env, p))
        for p in pages
    ]
    for feed in feeds.planned_feeds(site):
        key = partial(keys.feed, feed.path, feed.page, feed.title, feed.articles)
        plans.append(_Plan(feed.path, key, partial(_feed_bytes, site, feed)))
    _check_unique([p.path for p in plans] + [f.path for f in assets])
    return SitePlan(plans, pages, assets, keys, templates)


def render_into(
    staging: Path,
    site: Site,
    site_templates: Path,
    sources: Sources | None = None,
    previous: Previous | None = None,
    cache: BuildCache | None = None,
    first: FirstPages | None = None,
    planned: SitePlan | None = None,
) -> Rendered:
    """Write every file of the built site into `staging` (an empty folder); the pages
    `first` names before the others. `planned`: the `plan_site` of this site, when the
    caller made it already."""
    sources = sources or Sources()
    cache = cache or BuildCache.disabled()
    if planned is None:
        planned = plan_site(site, site_templates, sources, cache)
    plans, pages, assets, keys = planned.plans, planned.pages, planned.assets, planned.keys
    templates = planned.templates
    _write_changed(staging, previous, assets)
    make_one = partial(_key_and_make, staging, previous, site.config.search.enabled)
    early = _render_first(staging, make_one, plans, first)
    links = urls.Links.for_config(site.config)
    fixed = [sitemap.sitemap(site, [p.path for p in pages if p.in_sitemap])]
    fixed += [sitemap.robots(site), hosting.headers(links)]
    fixed.append(hosting.redirects(links, site.topics))
    _check_unique([p.path for p in plans] + [f.path for f in [*assets, *fixed]] + [archive.PATH])
    data_keys: list[str | None] = []

    def write_the_rest() -> None:  # while the other process starts on the pages
        _write_changed(staging, previous, fixed)
        data_keys.append(write_archive(staging, site, sources, previous, cache))

    # Keying every page is most of an edit's render stage on a large site: each process
    # keys pages and takes or makes each file until none is left.
    rest = [p for p in plans if p.path not in early]
    done_rest = parallel.on_both_cores(make_one, rest, PARALLEL_FROM, write_the_rest)
    data_key = data_keys[0]
    cache.keep("template-names", key_of("template-names", templates), keys.known_names)
    outcome = early | {p.path: one for p, one in zip(rest, done_rest, strict=True)}
    done = [outcome[p.path] for p in plans]
    paths = [p.path for p in plans] + [f.path for f in [*assets, *fixed]] + [archive.PATH]
    made = sum(1 for _, was_made, _, _ in done if was_made)
    made_under = {p.path: k for p, (k, _, _, _) in zip(plans, done, strict=True) if k is not None}
    cuts = {k: cut for k, _, cut, _ in done if k is not None and cut is not None}
    untouched = frozenset(p.path for p, (_, _, _, kept) in zip(plans, done, strict=True) if kept)
    if data_key is not None:
        made_under[archive.PATH] = data_key
    return Rendered(
        keys=made_under,
        paths=frozenset(paths),
        pages=sum(1 for path in paths if path.endswith(".html")),
        made=made,
        taken=len(plans) - made,
        untouched=untouched,
        cuts=cuts,
    )


def write_archive(
    staging: Path, site: Site, sources: Sources, previous: Previous | None, cache: BuildCache
) -> str | None:
    """Put archive.json in `staging`: the earlier build's file when it is the same, else
    written anew with the records that did not change copied from the last build's.
    Returns its key (None when it has none: always written)."""
    planned = archive.plan(site, sources.articles, sources.topics)
    key = planned.key
    if key is not None and previous is not None and previous.take(archive.PATH, key, staging):
        cache.find("archive", key)  # its layout stays for the next build
        return key
    earlier = _earlier_archive(previous, cache)
    try:
        layout = archive.write(staging / archive.PATH, planned, earlier)
    except OSError:
        if earlier is None:
            raise
        layout = archive.write(staging / archive.PATH, planned)  # a file gone short
    if key is not None:
        cache.keep("archive", key, layout)
    return key


def _earlier_archive(previous: Previous | None, cache: BuildCache) -> archive.Earlier | None:
    """The archive.json of an earlier build that is as that build left it, with where its
    records lie (kept in the cache under its key), or None."""
    for built in (previous.live, previous.here) if previous is not None else ():
        key = built.keys.get(archive.PATH) if built is not None else None
        if built is None or key is None or not built.holds(archive.PATH, key):
            continue
        found, layout = cache.find("archive", key)
        size = built.files[archive.PATH][0]
        if found and all(start + length <= size for start, length in layout.values()):
            return archive.Earlier(built.root / archive.PATH, layout)
    return None


def compiled_templates(cache: BuildCache) -> Path | None:
    """The folder of compiled templates for this code (Jinja's check of each against its
    source does not cover the environment's options), or None for a build without a
    cache. A cold build writes into it but takes nothing from it."""
    if cache.path is None:
        return None
    root = cache.path.parent / "templates"
    folder = root / code_version()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for other in root.iterdir():
            if other != folder:
                shutil.rmtree(other, ignore_errors=True)
    except OSError:
        return None
    return folder


def render_site(site: Site, site_templates: Path) -> list[OutputFile]:
    """Every file of the built site in memory, sorted by path (for tools and tests; a
    build writes them as it goes with render_into)."""
    with tempfile.TemporaryDirectory(prefix="briefing-render-") as folder:
        root = Path(folder)
        render_into(root, site, site_templates)
        found = sorted(p for p in root.rglob("*") if p.is_file())
        return [OutputFile(p.relative_to(root).as_posix(), p.read_bytes()) for p in found]


def _write_changed(staging: Path, previous: Previous | None, files: Iterable[OutputFile]) -> None:
    """Write the files whose bytes the new site does not already have."""
    for item in files:
        if not (previous and previous.holds_bytes(item.path, item.data, staging)):
            _write(staging, item.path, item.data)


_Done = tuple[str | None, bool, search_shards.PageCut | None, bool]
"""A file's key, whether it was made (True) or taken from an earlier build, when it was
made and is indexed what Pagefind reads of it, and whether the staging folder held it
as it was (`Taken.AS_IT_WAS`)."""


def _render_first(
    staging: Path,
    make_one: Callable[[_Plan], _Done],
    plans: Sequence[_Plan],
    first: FirstPages | None,
) -> dict[str, _Done]:
    """Key and take or make the pages `first` names (`make_one`: `_key_and_make`), and
    tell it when one was made: path -> what `_key_and_make` returns."""
    if first is None:
        return {}
    done = {p.path: make_one(p) for p in plans if p.path in first.paths}
    if any(made for _, made, _, _ in done.values()):
        first.ready(staging)
    return done


def _key_and_make(staging: Path, previous: Previous | None, searched: bool, plan: _Plan) -> _Done:
    """Take the file from an earlier build or make it (see `_Done`); `searched`: the
    site has a search index."""
    key = plan.key()
    taken = previous.take(plan.path, key, staging) if previous is not None else Taken.NO
    if taken:
        return key, False, None, taken is Taken.AS_IT_WAS
    data = plan.make()
    _write(staging, plan.path, data)
    if searched and key is not None and search_shards.is_indexed(plan.path):
        return key, True, search_shards.page_cut(data), False
    return key, True, None, False


def _write(staging: Path, path: str, data: bytes) -> None:
    """Write a file of the new site. Freeing a file's blocks is what costs most on many
    disks (on this project's benchmark machine, 3 ms a file against 0.1 ms to rewrite
    one), so a file the staging folder holds alone is rewritten where it is; one it
    shares with another site (a hard link) is replaced, never changed."""
    target = staging / path
    try:
        info = os.stat(target)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return
    if info.st_nlink == 1:
        with open(target, "r+b") as file:
            file.write(data)
            file.truncate()
    else:
        _replace_with(target, lambda new: new.write_bytes(data))


def _put_file(source: Path, target: Path) -> None:
    """Make `target` a copy of `source`: a hard link where there is no file yet (no build
    changes a file in place that another site shares), the bytes where there is one."""
    try:
        info = os.stat(target)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        return
    if info.st_nlink == 1:
        # A staging folder whose record is lost (a cache folder deleted) still mostly
        # holds the same pages: reading is cheaper than writing them all again.
        with open(source, "rb") as new, open(target, "r+b") as old:
            if info.st_size == os.fstat(new.fileno()).st_size and _same_bytes(new, old):
                return
            new.seek(0)
            old.seek(0)
            shutil.copyfileobj(new, old, COPY_CHUNK)  # where it is, as `_write` does
            old.truncate()
    else:
        _replace_with(target, lambda new: os.link(source, new))


COPY_CHUNK = 1 << 20
"""Bytes read at a time when files are compared or copied: archive.json is 843 MB at
100,000 articles, and two whole copies of it in memory would have been most of a peak."""


def _same_bytes(first: BinaryIO, second: BinaryIO) -> bool:
    """Whether two open files of the same size hold the same bytes, chunk by chunk."""
    while chunk := first.read(COPY_CHUNK):
        if second.read(len(chunk)) != chunk:
            return False
    return True


def _replace_with(target: Path, make: Callable[[Path], object]) -> None:
    new = target.with_name(f".{target.name}.{os.getpid()}.new")
    new.unlink(missing_ok=True)
    make(new)
    os.replace(new, target)


@dataclass(frozen=True, slots=True)
class Swept:
    """What `sweep` left in the staging folder (outside the folders it skipped)."""

    files: dict[str, list[int]]
    """Each file: [size, mtime_ns] (`freshness.output_state`)."""
    folders: dict[str, int]
    """Each folder ("" for the top): its mtime_ns as the sweep left it."""
    at: int
    """When the sweep began (`time.time_ns`)."""


def sweep(
    staging: Path,
    keep: frozenset[str],
    skip: Collection[str],
    kept: Built | None = None,
    untouched: Collection[str] = (),
) -> Swept:
    """Delete the files of `staging` that are not in `keep` (nor under the folders
    `skip`), and folders left empty: a staging folder that held an earlier site becomes
    exactly the new one. Returns the state of what is left: the build's record of its
    output, without walking it a second time.

    `kept` is the record of the site the staging folder held, `untouched` the files the
    build left as that site had them (`Taken.AS_IT_WAS`). A folder whose modification
    time is the one recorded holds the entries recorded (adding, removing or renaming
    one sets the time), and is not listed: its strays are known from the record. Only a
    folder changed less than RACY_NS before the recording sweep began is listed anyway
    (the clock that sets the time is coarse: a change right after it was read could
    leave it as it was). Listing 150,000 folders took 16-18 s at 100,000 articles where
    their blocks had left the page cache (a stat of each needs only its inode)."""
    from generator.freshness import RACY_NS

    started = time.time_ns()
    walk = _Sweep(keep, skip, frozenset(untouched), kept, RACY_NS)
    walk.listed(str(staging), "")  # the top is always listed: the build writes in it
    return Swept(walk.files, walk.folders, started)


def refresh(folder: Path, source: Path, files: Iterable[str]) -> Swept:
    """Make `folder`, a site far from the one in `source` (`build.keep_copy`), hold
    exactly that site's `files`: each file it holds alone gets the new bytes where it is
    (none when they are the same), each it shares is replaced by a link to the new one,
    each it lacks is linked; the rest is swept. Freeing a file's blocks is what costs most
    (`_write`): deleting the 28,908 files of a site of 10,000 articles took 3.5 s, and
    rewriting them 0.7 s. A file of `source` that has other links (the search index's,
    links to the index store's files) is linked all the same: the next build then finds
    the index in place. Returns the folder's state, as a sweep learns it."""
    for path in files:
        new, target = source / path, folder / path
        if os.stat(new).st_nlink > 1 and target.is_file():
            _replace_with(target, partial(os.link, new))
        else:
            _put_file(new, target)
    return sweep(folder, frozenset(files), ())


class _Sweep:
    """One `sweep`: what it left, folder by folder."""

    def __init__(
        self,
        keep: frozenset[str],
        skip: Collection[str],
        untouched: frozenset[str],
        kept: Built | None,
        racy: int,
    ) -> None:
        self.keep, self.skip, self.untouched = keep, skip, untouched
        self.recorded_files: Mapping[str, Sequence[int]] = kept.files if kept else {}
        self.recorded_folders: Mapping[str, int] = kept.folders if kept else {}
        self.trusted_before = kept.folders_at - racy if kept else 0
        self.children = _children(self.recorded_files, self.recorded_folders)
        self.files: dict[str, list[int]] = {}
        self.folders: dict[str, int] = {}

    def folder(self, path: str, name: str) -> bool:
        """Sweep the folder at `path` (site path `name`); True when it is left empty."""
        recorded = self.recorded_folders.get(name)
        try:
            mtime = os.stat(path).st_mtime_ns
        except FileNotFoundError:
            return True
        if recorded is not None and mtime == recorded and recorded < self.trusted_before:
            return self._as_recorded(path, name, mtime)
        return self.listed(path, name, mtime)

    def listed(self, path: str, name: str, mtime: int | None = None) -> bool:
        """Sweep a folder by its listing: one scandir, and one stat per file kept that
        the build changed. A symlink is an entry like a file (a stray one is unlinked,
        never followed); a kept one is recorded by what it points to, as the output's
        walk does."""
        prefix = f"{name}/" if name else ""
        with os.scandir(path) as found:
            entries = list(found)
        left = changed = 0
        for entry in entries:
            child = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if child in self.skip or not self.folder(entry.path, child):
                    left += 1
                else:
                    os.rmdir(entry.path)
                    changed += 1
            elif child not in self.keep:
                os.unlink(entry.path)
                changed += 1
            else:
                left += 1
                if entry.is_file():
                    self._keep_state(child, entry.path)
        self._note_folder(path, name, left, None if changed else mtime)
        return left == 0

    def _as_recorded(self, path: str, name: str, mtime: int) -> bool:
        """Sweep a folder whose entries are the recorded ones, without listing it."""
        prefix = f"{name}/" if name else ""
        files, folders = self.children.get(name, ((), ()))
        left = changed = 0
        for folder in folders:
            child = prefix + folder
            if child in self.skip or not self.folder(f"{path}/{folder}", child):
                left += 1
            else:
                with contextlib.suppress(FileNotFoundError):  # gone already
                    os.rmdir(f"{path}/{folder}")
                changed += 1
        for file in files:
            child = prefix + file
            if child not in self.keep:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(f"{path}/{file}")
                changed += 1
            elif self._keep_state(child, f"{path}/{file}"):
                left += 1
        self._note_folder(path, name, left, None if changed else mtime)
        return left == 0

    def _keep_state(self, child: str, path: str) -> bool:
        """Note the state of a file kept; False when it is not there."""
        recorded = self.recorded_files.get(child)
        if recorded is not None and child in self.untouched:
            self.files[child] = list(recorded)
            return True
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return False
        if stat.S_ISREG(info.st_mode):
            self.files[child] = [info.st_size, info.st_mtime_ns]
        return True

    def _note_folder(self, path: str, name: str, left: int, mtime: int | None) -> None:
        """Note a folder's time as the sweep leaves it (`mtime` when it did not change
        it), unless the folder is left empty and goes."""
        if left:
            self.folders[name] = os.stat(path).st_mtime_ns if mtime is None else mtime


def _children(
    files: Mapping[str, object], folders: Mapping[str, int]
) -> dict[str, tuple[list[str], list[str]]]:
    """Folder -> the names of its files and of its folders, per a record."""
    children: dict[str, tuple[list[str], list[str]]] = {}
    for path in files:
        parent, _, name = path.rpartition("/")
        children.setdefault(parent, ([], []))[0].append(name)
    for path in folders:
        if path:
            parent, _, name = path.rpartition("/")
            children.setdefault(parent, ([], []))[1].append(name)
    return children


def _feed_bytes(site: Site, feed: feeds.Feed) -> bytes:
    return feeds.feed_file(site, feed).data


def render_page(env: jinja2.Environment, page: PageSpec) -> bytes:
    """One page's bytes; template problems name the template and line."""
    try:
        template = env.get_template(page.template)
        return template.render(page=page, **page.context).encode("utf-8")
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(
            f"{exc.filename or exc.name}:{exc.lineno}: template error: {exc.message}"
        ) from None
    except jinja2.UndefinedError as exc:
        raise BuildError(
            f"{page.template}: template error while rendering /{page.path}: {exc.message}"
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise BuildError(f"template not found: {exc.name} (needed for /{page.path})") from None


def theme_assets(site_templates: Path) -> dict[str, bytes]:
    """Theme assets by name; a file in templates/static/ replaces the built-in one."""
    override = site_templates / "static"
    found = {p.name: p for p in STATIC_DIR.iterdir() if p.is_file()}
    if override.is_dir():
        found |= {
            p.name: p for p in override.iterdir() if p.is_file() and not p.name.startswith(".")
        }
    return {name: path.read_bytes() for name, path in sorted(found.items())}


def _check_unique(paths: Iterable[str]) -> None:
    """Two renderers writing one path is a bug or a slug clash: never overwrite silently."""
    seen: set[str] = set()
    for path in paths:
        if path in seen:
            raise BuildError(f"two pages would be written to {path}; rename one of their sources")
        seen.add(path)
