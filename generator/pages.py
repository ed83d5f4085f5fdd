"""Which pages a Site has: path, template and what the template is given.

Pure and cheap: no rendering happens here, so the list can be diffed to render only
what changed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from generator import urls
from generator.config import OutletConfig
from generator.coverage import topics_covered
from generator.models import Topic
from generator.site import Group, Site


@dataclass(frozen=True, slots=True)
class Pager:
    """One page of a paginated list (see `paginate`)."""

    number: int
    """The page's place counted from the oldest page (1); the first page's is the highest."""
    items: tuple[Any, ...]
    path: str
    first: bool
    """Whether this is the list's first page (its own path, the newest items)."""
    previous_path: str | None
    """The page of newer items, if any."""
    next_path: str | None
    """The page of older items, if any."""


@dataclass(frozen=True, slots=True)
class PageSpec:
    """A page to render."""

    path: str
    """Site-relative path ('' is the home page; pages end in '/')."""
    template: str
    title: str
    description: str = ""
    context: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    """Template variables besides the globals (`site`, `url`, ...)."""
    in_sitemap: bool = True
    """False for redirects, the 404 page and later pages of lists."""


def paginate(items: Sequence[Any], size: int, first_path: str) -> list[Pager]:
    """Split `items` (newest first) into pages; an empty list still has one page.

    The pages are cut from the oldest end: page N (`<first_path>page/N/`, counted from
    the oldest) keeps its items while none older than they is added or removed. Adding
    the newest article, the usual change to an archive, then remakes a list's first
    page, and the one split off it every `size` articles, instead of every page behind
    it, in every list the article is in. The first page shows the newest full page's
    items and the rest: `size` up to twice as many less one.
    """
    total = len(items)
    count = max(1, total // size)  # pages: the rest goes on the first

    def path(number: int) -> str:
        return first_path if number == count else urls.page(first_path, number)

    def cut(number: int) -> tuple[Any, ...]:
        end = total - (number - 1) * size  # just past the page's oldest item
        return tuple(items[0 if number == count else end - size : end])

    return [
        Pager(
            number,
            cut(number),
            path(number),
            number == count,
            path(number + 1) if number < count else None,
            path(number - 1) if number > 1 else None,
        )
        for number in range(count, 0, -1)
    ]


def all_pages(site: Site) -> list[PageSpec]:
    """Every HTML page of the site, in a stable order."""
    makers = (_home, _articles, _topics, _outlets, _authors, _tags, _archive, _special)
    return [page for make in makers for page in make(site)]


@dataclass(frozen=True, slots=True)
class GroupHeading:
    """What each page of an outlet's, author's or tag's list says of the whole list.

    Its name and size, not its articles: a page depends on what its context holds
    (page_keys.py), so an edit then remakes the page that lists the article, not every
    page of the list."""

    slug: str
    name: str
    count: int | None
    """Articles in the whole list; None on the pages behind the first (see `paginate`:
    they would change with every article added)."""
    outlet: OutletConfig | None = None
    """The registry entry, for outlets that have one."""
    topics: int | None = 0
    """Topics an outlet's articles are in (0 for authors and tags; None as `count`)."""


@dataclass(frozen=True, slots=True)
class PeriodHeading:
    """What each page of a year's or month's list says of the whole list (as GroupHeading)."""

    key: str
    """`2022` or `2022/08`."""
    label: str
    count: int | None
    """Articles in the whole period; None on the pages behind the first (as GroupHeading)."""


def _spec(path: str, template: str, title: str, description: str = "", **context: Any) -> PageSpec:
    return PageSpec(path, template, title, description, MappingProxyType(context))


def _home(site: Site) -> Iterator[PageSpec]:
    size = site.config.page_size
    yield _spec(
        "", "home.html", site.config.title, site.config.description,
        topics=site.topics[:size], articles=site.articles[:size],
    )  # fmt: skip


def _articles(site: Site) -> Iterator[PageSpec]:
    for article in site.articles:
        topic = site.topic_of.get(article.id)
        others = tuple(i for i in topic.article_ids if i != article.id) if topic else ()
        description = article.dek or article.body.opening
        yield _spec(
            urls.article(article.id), "article.html", article.title, _clip(description),
            article=article, topic=topic, others=others,
        )  # fmt: skip


def _topics(site: Site) -> Iterator[PageSpec]:
    by_outlet = outlet_filters(site)
    # Every topics page lists the filters: by name and count only, so that a page
    # depends on the topics it shows, not on every topic (page_keys.py).
    links = tuple(
        FilterLink(c.outlet.name, c.outlet.slug, len(c.topics), c.path) for c in by_outlet
    )
    # The pages behind the first show no counts (see `paginate`).
    uncounted = tuple(replace(link, count=None) for link in links)
    for pager in paginate(site.topics, site.config.page_size, "topics/"):
        description = f"Every story in {site.config.title}."
        yield _listing(
            pager, "topics.html", "Topics", description,
            filters=links if pager.first else uncounted, outlet=None,
            topic_count=len(site.topics) if pager.first else None,
        )  # fmt: skip
    for choice, link, bare in zip(by_outlet, links, uncounted, strict=True):
        title = f"Topics covered by {choice.outlet.name}"
        counted = f"{len(choice.topics)} topics covered by {choice.outlet.name}."
        for pager in paginate(choice.topics, site.config.page_size, choice.path):
            yield _listing(
                pager, "topics.html", title, counted if pager.first else f"{title}.",
                filters=links if pager.first else uncounted, outlet=link if pager.first else bare,
                topic_count=len(choice.topics) if pager.first else None,
            )  # fmt: skip
    for topic in site.topics:
        description = f"{len(topic.article_ids)} articles from {len(topic.outlets)} outlets."
        members = tuple(site.by_id[i] for i in topic.article_ids)
        # `articles` holds the members only: the summary cites no other article, and a
        # page depends on what its context holds (page_keys.py).
        yield _spec(
            urls.topic(topic.id), "topic.html", topic.title, description,
            topic=topic, members=members, articles=MappingProxyType({a.id: a for a in members}),
        )  # fmt: skip
        for alias in topic.aliases:
            target = MappingProxyType({"target": urls.topic(topic.id)})
            yield PageSpec(urls.topic(alias), "redirect.html", topic.title, "", target, False)


@dataclass(frozen=True, slots=True)
class OutletFilter:
    """The topics index narrowed to the topics one outlet covered."""

    outlet: Group
    topics: tuple[Topic, ...]
    """Newest activity first, as in the index."""
    path: str
    """`outlets/<slug>/topics/`: the filtered index's first page."""


@dataclass(frozen=True, slots=True)
class FilterLink:
    """One outlet of the topics index's filter, as a topics page shows it."""

    name: str
    slug: str
    count: int | None
    """Topics the outlet covered; None on the pages behind the first (see `paginate`)."""
    path: str
    """`outlets/<slug>/topics/`: the filtered index's first page."""


def outlet_filters(site: Site) -> tuple[OutletFilter, ...]:
    """One filter per outlet that covered any topic, in the order of the outlets page."""
    order = {topic.id: n for n, topic in enumerate(site.topics)}
    found = []
    for group in site.outlets:
        covered = tuple(
            sorted(topics_covered(group.article_ids, site.topic_of), key=lambda t: order[t.id])
        )
        if covered:
            found.append(OutletFilter(group, covered, f"{urls.outlet(group.slug)}topics/"))
    return tuple(found)


def _listing(pager: Pager, template: str, title: str, description: str, **context: Any) -> PageSpec:
    """A page of a list: the first in the sitemap, the others not (and numbered)."""
    if pager.first:
        return _spec(pager.path, template, title, description, pager=pager, **context)
    numbered = f"{title} (page {pager.number})"
    spec = _spec(pager.path, template, numbered, description, pager=pager, **context)
    return replace(spec, in_sitemap=False)


def _group_pages(groups: Sequence[Group], kind: str, site: Site) -> Iterator[PageSpec]:
    index_title = {"outlets": "Outlets", "authors": "Authors", "tags": "Tags"}[kind]
    covering = {
        g.slug: topics_covered(g.article_ids, site.topic_of) if kind == "outlets" else ()
        for g in groups
    }
    headings = tuple(
        GroupHeading(g.slug, g.name, len(g.article_ids), g.outlet, len(covering[g.slug]))
        for g in groups
    )
    yield _spec(
        f"{kind}/",
        f"{kind}.html",
        index_title,
        f"{index_title} in {site.config.title}.",
        groups=headings,
    )
    for group, heading in zip(groups, headings, strict=True):
        first = f"{kind}/{group.slug}/"
        # The pages behind the first show no counts (see `paginate`).
        uncounted = replace(heading, count=None, topics=None)
        counted = f"{len(group.article_ids)} articles: {group.name}."
        for pager in paginate(group.article_ids, site.config.page_size, first):
            yield _listing(
                pager, "group.html", group.name,
                counted if pager.first else f"Older articles: {group.name}.",
                group=heading if pager.first else uncounted, kind=kind,
                covered=covering[group.slug] if pager.first else (),
            )  # fmt: skip


def _outlets(site: Site) -> Iterator[PageSpec]:
    return _group_pages(site.outlets, "outlets", site)


def _authors(site: Site) -> Iterator[PageSpec]:
    return _group_pages(site.authors, "authors", site)


def _tags(site: Site) -> Iterator[PageSpec]:
    return _group_pages(site.tags, "tags", site)


def _archive(site: Site) -> Iterator[PageSpec]:
    undated = tuple(a.id for a in site.articles if a.date is None)
    years, months = (
        tuple(PeriodHeading(p.key, p.label, len(p.article_ids)) for p in periods)
        for periods in (site.years, site.months)
    )
    yield _spec(
        "archive/", "archive.html", "Archive", "Articles by date.",
        years=years, months=months, undated_count=len(undated),
    )  # fmt: skip
    for period, heading in zip((*site.years, *site.months), (*years, *months), strict=True):
        uncounted = replace(heading, count=None)  # behind the first page (see `paginate`)
        for pager in paginate(period.article_ids, site.config.page_size, urls.period(period.key)):
            shown = heading if pager.first else uncounted
            yield _listing(
                pager, "period.html", period.label, f"Articles of {period.label}.", period=shown
            )
    if undated:
        for pager in paginate(undated, site.config.page_size, "archive/undated/"):
            yield _listing(pager, "period.html", "Undated", "Articles without a date.", period=None)


def _special(site: Site) -> Iterator[PageSpec]:
    yield PageSpec(
        "404.html", "404.html", "Page not found", "", MappingProxyType({}), in_sitemap=False
    )
    if site.config.search.enabled:
        yield _spec(
            "search/", "search.html", "Search", f"Search {site.config.title}.",
            article_count=len(site.articles),
        )  # fmt: skip


def _clip(text: str, limit: int = 200) -> str:
    """Shorten a description at a word boundary."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
