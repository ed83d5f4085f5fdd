"""Site -> files in the staging folder: pages, feeds, sitemap, archive.json, theme assets.

Files are written as they are made, so a build holds no more than one page in memory at
a time. A page or feed whose key (page_keys.py) is the one the previous build wrote it
under is not made again: the previous site's file is linked in. Template errors become
BuildErrors that name the template and line.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import jinja2

from generator import archive, feeds, hosting, parallel, sitemap, urls
from generator.errors import BuildError
from generator.models import OutputFile
from generator.page_keys import PageKeys
from generator.pages import PageSpec, all_pages
from generator.site import Site
from generator.theme import STATIC_DIR, make_environment, template_fingerprint

PARALLEL_FROM = 500
"""Files to make from which a second process makes half: below, forking costs more."""


@dataclass(frozen=True, slots=True)
class Previous:
    """The files of the previous build that may be taken again: each path with the key
    it was made under, in a folder whose files are as that build left them."""

    out: Path
    keys: Mapping[str, str]
    files: Mapping[str, Sequence[int]]
    """Path -> [size, mtime_ns] as the previous build recorded them."""
    in_place: bool = False
    """The new site is `out` itself, updated file by file (the preview): `staging` gets
    only what changed, and a file taken stays where it is."""

    def take(self, path: str, key: str | None, staging: Path) -> bool:
        """Link the previous file into `staging` when it was made under `key` and is
        untouched since; False when it must be made."""
        if key is None or self.keys.get(path) != key:
            return False
        source = self.out / path
        try:
            info = os.stat(source)
        except OSError:
            return False
        if [info.st_size, info.st_mtime_ns] != list(self.files.get(path, ())):
            return False
        if self.in_place:
            return True
        target = staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            # No build changes a file in place (each writes new files and swaps folders),
            # so both sites can share it.
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        return True

    def updated_in_place(self) -> Previous:
        """The same files, for a build that updates `out` itself."""
        return dataclasses.replace(self, in_place=True)

    def holds(self, path: str, data: bytes) -> bool:
        """Whether, updating in place, the file at `path` already has these bytes."""
        if not self.in_place:
            return False
        try:
            return (self.out / path).read_bytes() == data
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


@dataclass(frozen=True, slots=True)
class _Plan:
    path: str
    key: str | None
    make: Callable[[], bytes]


def render_into(
    staging: Path,
    site: Site,
    site_templates: Path,
    sources: Sources | None = None,
    previous: Previous | None = None,
) -> Rendered:
    """Write every file of the built site into `staging` (an empty folder)."""
    sources = sources or Sources()
    asset_paths, assets = hosting.fingerprinted(theme_assets(site_templates))
    env = make_environment(site, site_templates, asset_paths)
    keys = PageKeys(
        site, env, template_fingerprint(site_templates), asset_paths,
        sources.articles, sources.topics,
    )  # fmt: skip
    pages = all_pages(site)
    plans = [
        _Plan(urls.output_file(p.path), keys.page(p), partial(render_page, env, p)) for p in pages
    ]
    for feed in feeds.planned_feeds(site):
        key = keys.feed(feed.path, feed.page, feed.title, feed.articles)
        plans.append(_Plan(feed.path, key, partial(_feed_bytes, site, feed)))
    fixed = [*assets, sitemap.sitemap(site, [p.path for p in pages if p.in_sitemap])]
    links = urls.Links.for_config(site.config)
    fixed += [sitemap.robots(site), archive.archive_json(site), hosting.headers(links)]
    fixed.append(hosting.redirects(links, site.topics))
    _check_unique([p.path for p in plans] + [f.path for f in fixed])
    for item in fixed:
        if not (previous and previous.holds(item.path, item.data)):
            _write(staging, item.path, item.data)
    to_make = [p for p in plans if not (previous and previous.take(p.path, p.key, staging))]
    parallel.halves(partial(_make_into, staging), to_make, PARALLEL_FROM)
    paths = [p.path for p in plans] + [f.path for f in fixed]
    return Rendered(
        keys={p.path: p.key for p in plans if p.key is not None},
        paths=frozenset(paths),
        pages=sum(1 for path in paths if path.endswith(".html")),
        made=len(to_make),
        taken=len(plans) - len(to_make),
    )


def render_site(site: Site, site_templates: Path) -> list[OutputFile]:
    """Every file of the built site in memory, sorted by path (for tools and tests; a
    build writes them as it goes with render_into)."""
    with tempfile.TemporaryDirectory(prefix="briefing-render-") as folder:
        root = Path(folder)
        render_into(root, site, site_templates)
        found = sorted(p for p in root.rglob("*") if p.is_file())
        return [OutputFile(p.relative_to(root).as_posix(), p.read_bytes()) for p in found]


def _make_into(staging: Path, plan: _Plan) -> None:
    _write(staging, plan.path, plan.make())


def _write(staging: Path, path: str, data: bytes) -> None:
    target = staging / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


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
