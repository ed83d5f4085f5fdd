"""The Jinja2 environment: built-in theme, site overrides, filters and globals.

A template in the site's templates/ folder replaces the built-in one of the same name
(as a Hugo theme or MkDocs `custom_dir` does). Autoescape is on for every template and
undefined variables are errors; URLs that reach an attribute pass `safe_url` first,
because autoescaping does not stop `javascript:`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup, escape

from generator import coverage, footnotes, urls
from generator.markup import safe_url
from generator.models import Article, Topic
from generator.site import MONTHS, Site

if TYPE_CHECKING:
    from generator.summary.model import Citation

THEME_DIR = Path(__file__).parent / "theme"
TEMPLATES_DIR = THEME_DIR / "templates"
STATIC_DIR = THEME_DIR / "static"


def template_dirs(site_templates: Path) -> list[Path]:
    """Template search order: the site's overrides, then the built-in theme."""
    return [site_templates, TEMPLATES_DIR] if site_templates.is_dir() else [TEMPLATES_DIR]


class _WrittenOnly(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept for the next build, none taken: a cold build compiles
    every template from its source, and the first build after it need not (compiling
    them took 0.045 s of that build at 1,000 articles)."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        return None


def _bytecode_cache(compiled: Path | None, read: bool) -> jinja2.BytecodeCache | None:
    if compiled is None:
        return None
    return jinja2.FileSystemBytecodeCache(str(compiled)) if read else _WrittenOnly(str(compiled))


def make_environment(
    site: Site,
    site_templates: Path,
    assets: Mapping[str, str],
    compiled: Path | None = None,
    read_compiled: bool = True,
) -> jinja2.Environment:
    """An environment bound to one Site: its links, labels and dates. `compiled`: a
    folder where compiled templates are kept for the next build (Jinja checks each
    against its template's source, and its own and Python's version), and taken from
    unless `read_compiled` is false (a cold build compiles every template anew)."""
    env = _Environment(
        bytecode_cache=_bytecode_cache(compiled, read_compiled),
        loader=jinja2.FileSystemLoader([str(p) for p in template_dirs(site_templates)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # One environment renders one build: no template changes under it, so checking
        # every template's file at each `get_template` (and each `{% import %}`) is waste.
        auto_reload=False,
    )
    helpers = ThemeHelpers(site, assets)
    env.globals.update(helpers.globals())
    env.filters.update(helpers.filters())
    return env


class _Environment(jinja2.Environment):
    """Jinja2's environment, with each template's globals in a plain dict.

    Jinja chains a template's globals to the environment's (a ChainMap), so that globals
    added later still show; ours are all set before the first template loads. A ChainMap
    is read in Python, and every page reads all of it twice (to make its context, and
    again at each `{% from ... import %}`): 30-50 µs of every page, a quarter of a short one."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


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
        self.once = Once()
        self.strips: dict[str, tuple[Topic, coverage.Strip]] = {}

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
            "coverage": self.coverage,
            "cite_links": self.cite_links,
            "once": self.once,
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

    def cite_links(self, citations: Iterable[Citation], articles: Mapping[str, Article]) -> Markup:
        """The links after a summary statement: `Outlet, ¶N` to each paragraph of each
        citation, separated by ` · ` (`articles` is the page's: the topic's members).

        What `_summary.html`'s `refs` macro drew with two nested loops; a summary has
        hundreds of such links, and in Python they cost a tenth as much."""
        links = []
        for citation in citations:
            links.append(
                " · ".join(
                    f'<a href="{escape(self.article_url(r.article_id, r.paragraph))}"'
                    f" data-no-footnote>{escape(outlet_label(_cited(articles, r.article_id)))},"
                    f" ¶{escape(r.paragraph)}</a>"
                    for r in citation.refs
                )
            )
        return Markup(" · ".join(links))

    def coverage(self, topic: Topic) -> coverage.Strip:
        """The topic's coverage strip, made once per topic (every list showing the topic
        draws it); the same Strip object each time, so `once` can key lanes by it."""
        found = self.strips.get(topic.id)
        if found is None or found[0] is not topic:
            found = self.strips[topic.id] = (topic, coverage.strip(topic, self.site.by_id))
        return found[1]

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


def _cited(articles: Mapping[str, Article], article_id: str) -> Article:
    """The cited article; a template error (as a lookup in the template was) if the page
    does not hold it."""
    try:
        return articles[article_id]
    except KeyError:
        raise jinja2.UndefinedError(f"the page holds no article {article_id!r}") from None


def outlet_label(article: Article) -> str:
    """The outlet's name, or 'unknown outlet'."""
    return article.outlet or "unknown outlet"


_SCALARS = (str, int, float, bool, type(None))


class Once:
    """`once(macro, *args)`: a macro's output, made once per build for each argument list.

    A macro of an imported template sees only its arguments and the globals, which are
    fixed for a build, so the same arguments give the same output: a byline or a list
    item shown on many pages (an article is listed under its outlet, authors, tags,
    month and topic) is rendered once. Arguments are keyed by value when they are
    scalars (with their type: `1` and `True` print differently) and by identity when
    they are frozen dataclasses (an Article, a Topic, a coverage Lane), which are never
    changed; with any other argument the macro is simply called. The macro itself is
    keyed by identity: an imported template's macros are made once per build, whereas a
    macro of the page's own template (which may read the page's variables) is made anew
    for each page, so its output is never taken for another page.
    """

    def __init__(self) -> None:
        self.made: dict[tuple[object, ...], tuple[object, tuple[object, ...]]] = {}
        """Key -> (output, the arguments: held so that the ids in the key stay theirs)."""

    def __call__(self, macro: Callable[..., object], *args: object, **kwargs: object) -> object:
        named = tuple(sorted(kwargs.items()))
        key = _key(macro, args + tuple(value for _, value in named), tuple(n for n, _ in named))
        if key is None:
            return macro(*args, **kwargs)
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = (macro(*args, **kwargs), (*args, *kwargs.values()))
        return found[0]


def _key(
    macro: Callable[..., object], values: tuple[object, ...], names: tuple[str, ...]
) -> tuple[object, ...] | None:
    """The memo key of a call, or None when an argument is neither a scalar nor frozen."""
    parts: list[object] = [macro, names]
    for value in values:
        kind = type(value)
        if kind in _SCALARS:
            parts.append((kind, value))
        elif _frozen(kind):
            parts.append(id(value))
        else:
            return None
    return tuple(parts)


def _frozen(kind: type) -> bool:
    params = getattr(kind, "__dataclass_params__", None)
    return params is not None and bool(params.frozen)
