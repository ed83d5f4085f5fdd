"""Site -> OutputFiles: pages, feeds, sitemap, archive.json and theme assets.

Renderers return bytes; only output.py writes. Template errors become BuildErrors that
name the template and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import jinja2

from generator import archive, feeds, sitemap, urls
from generator.errors import BuildError
from generator.models import OutputFile
from generator.pages import PageSpec, all_pages
from generator.site import Site
from generator.theme import STATIC_DIR, make_environment


def render_site(site: Site, site_templates: Path) -> list[OutputFile]:
    """Every file of the built site, sorted by path."""
    env = make_environment(site, site_templates)
    pages = all_pages(site)
    files = [*render_pages(env, pages), *feeds.all_feeds(site), *_static(site_templates)]
    files.append(sitemap.sitemap(site, [p.path for p in pages if p.in_sitemap]))
    files.append(sitemap.robots(site))
    files.append(archive.archive_json(site))
    _check_unique(files)
    return sorted(files, key=lambda f: f.path)


def render_pages(env: jinja2.Environment, pages: Iterable[PageSpec]) -> Iterator[OutputFile]:
    """Render each page with its template."""
    for page in pages:
        yield OutputFile(urls.output_file(page.path), render_page(env, page))


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


def _static(site_templates: Path) -> Iterator[OutputFile]:
    """Theme assets; a file in templates/static/ replaces the built-in one."""
    override = site_templates / "static"
    names = {p.name for p in STATIC_DIR.iterdir() if p.is_file()}
    if override.is_dir():
        names |= {p.name for p in override.iterdir() if p.is_file() and not p.name.startswith(".")}
    for name in sorted(names):
        source = override / name if (override / name).is_file() else STATIC_DIR / name
        yield OutputFile(f"static/{name}", source.read_bytes())


def _check_unique(files: list[OutputFile]) -> None:
    """Two renderers writing one path is a bug or a slug clash: never overwrite silently."""
    seen: set[str] = set()
    for item in files:
        if item.path in seen:
            raise BuildError(
                f"two pages would be written to {item.path}; rename one of their sources"
            )
        seen.add(item.path)
