"""The Jinja2 environment: built-in theme, site overrides, filters and globals.

A template in the site's templates/ folder replaces the built-in one of the same name
(as a Hugo theme or MkDocs `custom_dir` does). Autoescape is on for every template and
undefined variables are errors; URLs that reach an attribute pass `safe_url` first,
because autoescaping does not stop `javascript:`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from generator import coverage, footnotes, urls
from generator.markup import safe_url
from generator.models import Article
from generator.site import MONTHS, Site

THEME_DIR = Path(__file__).parent / "theme"
TEMPLATES_DIR = THEME_DIR / "templates"
STATIC_DIR = THEME_DIR / "static"


def template_dirs(site_templates: Path) -> list[Path]:
    """Template search order: the site's overrides, then the built-in theme."""
    return [site_templates, TEMPLATES_DIR] if site_templates.is_dir() else [TEMPLATES_DIR]


def make_environment(
    site: Site, site_templates: Path, assets: Mapping[str, str]
) -> jinja2.Environment:
    """An environment bound to one Site: its links, labels and dates."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in template_dirs(site_templates)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    helpers = ThemeHelpers(site, assets)
    env.globals.update(helpers.globals())
    env.filters.update(helpers.filters())
    return env


def template_fingerprint(site_templates: Path) -> str:
    """A hash of every template in use: part of the cache key of rendered pages."""
    digest = hashlib.sha256()
    for folder in template_dirs(site_templates):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(
                    path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes()
                )
    return digest.hexdigest()


class ThemeHelpers:
    """Functions templates call; all derived from the Site, none with side effects."""

    def __init__(self, site: Site, assets: Mapping[str, str]) -> None:
        self.site = site
        self.assets = assets
        self.links = urls.Links.for_config(site.config)
        self.outlet_slugs = {g.name.casefold(): g.slug for g in site.outlets}
        self.author_slugs = {g.name.casefold(): g.slug for g in site.authors}
        self.tag_slugs = {g.name.casefold(): g.slug for g in site.tags}

    def globals(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "config": self.site.config,
            "url": self.links.url,
            "absolute_url": self.links.absolute,
            "has_host": self.links.has_host,
            "article_url": self.article_url,
            "topic_url": lambda topic_id: self.links.url(urls.topic(topic_id)),
            "outlet_url": self.outlet_url,
            "author_url": lambda name: self.links.url(
                urls.author(self.author_slugs[name.casefold()])
            ),
            "tag_url": lambda name: self.links.url(urls.tag(self.tag_slugs[name.casefold()])),
            "outlet_label": outlet_label,
            "topic_of": lambda article: self.site.topic_of.get(article.id),
            "articles_of": self.articles_of,
            "month_name": lambda number: MONTHS[number - 1],
            "asset_url": self.asset_url,
            "coverage": lambda topic: coverage.strip(topic, self.site.by_id),
            "topics_covered": lambda ids: coverage.topics_covered(ids, self.site.topic_of),
        }

    def filters(self) -> dict[str, Any]:
        return {
            "date_label": self.date_label,
            "iso_date": self.iso_date,
            "safe_url": safe_url,
            "footnotes": footnotes.links_in,
        }

    def asset_url(self, name: str) -> str:
        """URL of a theme asset under its fingerprinted name (`style.css` -> ...)."""
        if name not in self.assets:
            raise jinja2.TemplateRuntimeError(f"no theme asset named {name!r}")
        return self.links.url(self.assets[name])

    def article_url(self, article_id: str, paragraph: int | None = None) -> str:
        """URL of our copy of an article, pointing at a paragraph when given."""
        anchor = f"#p{paragraph}" if paragraph else ""
        return self.links.url(urls.article(article_id)) + anchor

    def outlet_url(self, name: str | None) -> str:
        """URL of an outlet's page, or '' for an unknown outlet."""
        slug = self.outlet_slugs.get(name.casefold()) if name else None
        return self.links.url(urls.outlet(slug)) if slug else ""

    def articles_of(self, ids: tuple[str, ...]) -> Iterator[Article]:
        """The articles with these ids, in the given order."""
        return (self.site.by_id[i] for i in ids)

    def date_label(self, moment: datetime | None, has_time: bool = True) -> str:
        """`8 August 2022, 14:00 BST` in the site time zone; no locale involved."""
        if moment is None:
            return "undated"
        local = moment.astimezone(self.site.config.zone)
        day = f"{local.day} {MONTHS[local.month - 1]} {local.year}"
        return f"{day}, {local:%H:%M} {local.tzname()}" if has_time else day

    def iso_date(self, moment: datetime | None, has_time: bool = True) -> str:
        """Machine-readable form for `<time datetime>`."""
        if moment is None:
            return ""
        local = moment.astimezone(self.site.config.zone)
        return local.isoformat() if has_time else local.date().isoformat()


def outlet_label(article: Article) -> str:
    """The outlet's name, or 'unknown outlet'."""
    return article.outlet or "unknown outlet"
