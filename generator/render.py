"""Site -> OutputFiles: pages, feeds, sitemap, archive.json and theme assets.

Renderers return bytes; only output.py writes. Template errors become BuildErrors that
name the template and line.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path

import jinja2

from generator import archive, feeds, hosting, parallel, sitemap, urls
from generator.errors import BuildError
from generator.models import OutputFile
from generator.pages import PageSpec, all_pages
from generator.site import Site
from generator.theme import STATIC_DIR, make_environment

PARALLEL_FROM = 500
"""Pages from which a second process renders half: below, forking costs more than it saves."""


def render_site(site: Site, site_templates: Path) -> list[OutputFile]:
    """Every file of the built site, sorted by path."""
    asset_paths, assets = hosting.fingerprinted(theme_assets(site_templates))
    env = make_environment(site, site_templates, asset_paths)
    pages = all_pages(site)
    links = urls.Links.for_config(site.config)
    files = [*render_all(env, pages), *feeds.all_feeds(site), *assets]
    files.append(sitemap.sitemap(site, [p.path for p in pages if p.in_sitemap]))
    files.append(sitemap.robots(site))
    files.append(archive.archive_json(site))
    files.append(hosting.headers(links))
    files.append(hosting.redirects(links, site.topics))
    _check_unique(files)
    return sorted(files, key=lambda f: f.path)


def render_all(env: jinja2.Environment, pages: Sequence[PageSpec]) -> list[OutputFile]:
    """Every page; on a multi-core machine half of them in a forked child process."""
    rendered = parallel.halves(partial(render_page, env), pages, PARALLEL_FROM)
    return [
        OutputFile(urls.output_file(p.path), data) for p, data in zip(pages, rendered, strict=True)
    ]


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


def _check_unique(files: list[OutputFile]) -> None:
    """Two renderers writing one path is a bug or a slug clash: never overwrite silently."""
    seen: set[str] = set()
    for item in files:
        if item.path in seen:
            raise BuildError(
                f"two pages would be written to {item.path}; rename one of their sources"
            )
        seen.add(item.path)
