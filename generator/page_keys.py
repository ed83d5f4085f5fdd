"""What each output file's bytes depend on, as one key: a file whose key is the one the
previous build wrote it under is not made again; the previous site's copy is taken.

A page's key hashes everything its template can read:
- always: the code version, every template, the site's settings, the theme assets and
  the slugs of the outlets, authors and tags that are not `slugify` of their name (a
  second name with the same slug, numbered);
- the page's own fields and context, walked value by value: an article stands for the
  hash of its source file (`Content.digests`), a topic for the key of its summary (its
  fields, its notes and its articles' sources), a text that is an article id for that
  article (templates look ids up with `articles_of`), and a text that is the name of an
  outlet, author or tag (as the `*_url` helpers find it: in any case) with its slugs;
- the slugs of the texts of its templates that are such names (a link to one outlet
  written into a template).
The helpers' links of the names a page shows are then in its key: each name is found
in its context or its templates, and its slug is either its `slugify` or one of the
site's listed. So a new name (an article by a new author) changes only the pages that
show it, not every page;
- when the template, or any template it extends, includes or imports, names `site`,
  the whole site; when it names `topic_of` or `topics_covered`, the topic of every
  article the page refers to.
A template whose references cannot be followed (a computed `{% include %}`), a missing
template or a context value of an unknown type makes the page keyless: it is rendered
every time. The key can therefore only be missed, never stale; tests compare an
incremental build with a clean one.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from jinja2 import meta, nodes

from generator.cache import as_text, key_of
from generator.models import Article, Topic
from generator.pages import PageSpec
from generator.site import Site
from generator.slugs import slugify

SITE_WIDE = frozenset({"site"})
"""Template names through which a page can read anything of the site."""
TOPICAL = frozenset({"topic_of", "topics_covered"})
"""Template names through which a page reads the topic of an article it refers to."""
TEXT = "'"
"""What marks a text of a template among the names it reads (no name starts so)."""


class Unkeyable(Exception):
    """A value the walk cannot hash; its page is rendered every time."""


class PageKeys:
    """Keys of one build's pages and feeds."""

    def __init__(
        self,
        site: Site,
        env: jinja2.Environment,
        templates: str,
        assets: Mapping[str, str],
        article_keys: Mapping[str, str],
        topic_keys: Mapping[str, str],
        known_names: dict[str, frozenset[str] | None] | None = None,
    ) -> None:
        """`known_names`: `names_used` of templates, as an earlier build of the same
        templates found them (parsing the templates costs more than keying the pages)."""
        self.site = site
        self.env = env
        self.known_names = {} if known_names is None else known_names
        self.article_keys = article_keys
        self.topic_keys = topic_keys
        names, numbered = _names(site)
        self.names = names
        self._named_texts: dict[str, str] = {}
        self.base = key_of(
            "pages", templates, as_text(site.config), repr(sorted(assets.items())), repr(numbered)
        )
        topic_key_of = {aid: topic_keys.get(t.id, "-") for aid, t in site.topic_of.items()}
        self._walks = {
            topical: _Walk(article_keys, topic_keys, topic_key_of, topical, names)
            for topical in (False, True)
        }

    @functools.cached_property
    def whole_site(self) -> str | None:
        """Everything the Site holds: every article's source and every topic's key; None
        when a topic has no key."""
        if any(t.id not in self.topic_keys for t in self.site.topics):
            return None
        articles = (self.article_keys.get(a.id) or repr(a) for a in self.site.articles)
        topics = (self.topic_keys[t.id] for t in self.site.topics)
        return key_of("site", self.base, repr(self.site.updated), *articles, "|", *topics)

    def page(self, page: PageSpec) -> str | None:
        """The page's key, or None when it must be rendered every time."""
        names = self.names_used(page.template)
        if names is None:
            return None
        parts = [self.base, page.template, page.path, page.title, page.description]
        parts.append(repr(page.in_sitemap))
        parts.append(self.named_texts(page.template, names))
        walk = self._walks[bool(names & TOPICAL)]
        parts.append(walk.named(page.title) + "|" + walk.named(page.description))
        if names & SITE_WIDE:
            if self.whole_site is None:
                return None
            parts.append(self.whole_site)
        try:
            parts.append(walk.digest(page.context))
        except Unkeyable:
            return None
        return _hash_parts(parts)  # `base` holds the code version, as key_of would add

    def feed(self, path: str, page: str, title: str, articles: tuple[Article, ...]) -> str:
        """A feed's key: its place, title and entries, and the site's last change when
        the feed shows it: as the date of an undated entry, or its own when it has no
        entry. Not otherwise: every article added as the newest moves that date, and
        would remake the feed of every topic and outlet."""
        entries = (self.article_keys.get(a.id) or repr(a) for a in articles)
        shown = not articles or any(a.date is None for a in articles)
        updated = repr(self.site.updated) if shown else ""
        return key_of("feed", self.base, path, page, title, updated, *entries)

    def named_texts(self, template: str, used: frozenset[str]) -> str:
        """The texts of a template (`used`: its `names_used`) that are names of outlets,
        authors or tags, with their slugs: a text that becomes such a name, or ceases to
        be one, changes the key of the template's pages."""
        found = self._named_texts.get(template)
        if found is None:
            texts = sorted(name[1:] for name in used if name.startswith(TEXT))
            slugs = ((text, self.names.get(text.casefold())) for text in texts)
            found = self._named_texts[template] = "".join(f"{t}={s}\n" for t, s in slugs if s)
        return found

    def names_used(self, template: str) -> frozenset[str] | None:
        """`find_names_used`, remembered in `known_names`."""
        if template not in self.known_names:
            self.known_names[template] = self.find_names_used(template)
        return self.known_names[template]

    def find_names_used(self, template: str) -> frozenset[str] | None:
        """Every name a template and the templates it references read (their locals
        too: a superset of what they take from the context and globals), and their texts
        (each after TEXT), or None when a reference cannot be followed. A walk of the
        parsed templates: Jinja's own `meta.find_undeclared_variables` compiles them,
        which costs more than it saves."""
        seen: set[str] = set()
        found: set[str] = set()
        pending = [template]
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            try:
                source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
                tree = self.env.parse(source)
            except (jinja2.TemplateError, OSError):
                return None
            found.update(node.name for node in tree.find_all(nodes.Name))
            texts = (node.value for node in tree.find_all(nodes.Const))
            found.update(TEXT + text for text in texts if isinstance(text, str))
            for referenced in meta.find_referenced_templates(tree):
                if referenced is None:
                    return None
                pending.append(referenced)
        return frozenset(found)


def _groups(site: Site) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    return (("outlets", site.outlets), ("authors", site.authors), ("tags", site.tags))


def _names(site: Site) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """The slugs of each name of an outlet, author or tag (case-folded, as the `*_url`
    helpers look them up), and the slugs that are not `slugify` of their name."""
    slugs: dict[str, str] = {}
    numbered = []
    for kind, groups in _groups(site):
        for group in groups:
            name = group.name.casefold()
            slugs[name] = f"{slugs.get(name, '')}{kind[0]}:{group.slug} "
            # Of the case-folded name, not the group's spelling: a page's article may
            # spell it otherwise, and only this slug follows from every spelling.
            if group.slug != slugify(name):
                numbered.append((kind, name, group.slug))
    return slugs, numbered


_CATEGORIES: dict[type, str] = {}
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _category(kind: type) -> str:
    """How `_Walk` hashes a value of this type (remembered in `_CATEGORIES`); Unkeyable
    for a type it cannot hash."""
    if issubclass(kind, str):
        category = "text"
    elif kind is type(None) or issubclass(kind, bool | int | float | datetime | date | ZoneInfo):
        category = "repr"
    elif issubclass(kind, Article):
        category = "article"
    elif issubclass(kind, Topic):
        category = "topic"
    elif issubclass(kind, Mapping):
        category = "mapping"
    elif issubclass(kind, tuple | list):
        category = "items"
    elif dataclasses.is_dataclass(kind):
        category = "dataclass"
    else:
        raise Unkeyable(kind.__qualname__)
    _CATEGORIES[kind] = category
    return category


def _field_names(kind: type) -> tuple[str, ...]:
    """The fields of a dataclass, in order (`dataclasses.fields` builds a tuple each call)."""
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(field.name for field in dataclasses.fields(kind))
    return names


def _hash_parts(parts: list[str]) -> str:
    """The SHA-256 of a list of texts, in hex, one list to one hash.

    The texts joined by NUL characters when none holds one (a third of the time of
    `json.dumps`, which was a tenth of keying a page), else their JSON. The two forms
    are told apart by their first character, so no joined list reads as another's JSON."""
    joined = "\0".join(parts)
    unambiguous = joined.count("\0") == len(parts) - 1  # no text has a NUL of its own
    text = "z" + joined if unambiguous else "j" + json.dumps(parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class _Walk:
    """Turns a context into a digest, standing in keys for articles and topics.

    Long lists are hashed on their own and remembered by identity: the same tuple of
    outlet filters or of an outlet's articles is in the context of many pages, and the
    walk is what a build that takes most pages from the previous one spends its time on.
    The values are frozen and alive for the whole build, so identity is safe."""

    LONG = 16

    def __init__(
        self,
        article_keys: Mapping[str, str],
        topic_keys: Mapping[str, str],
        topic_key_of: Mapping[str, str],
        topical: bool,
        names: Mapping[str, str] | None = None,
    ) -> None:
        """`names`: the slugs of each outlet, author and tag name (`_names`)."""
        self.article_keys = article_keys
        self.topic_keys = topic_keys
        self.topic_key_of = topic_key_of
        self.topical = topical
        self.names = names or {}
        # Case-folding never shortens a text: one longer than every name is none.
        self.longest = max(map(len, self.names), default=-1)
        self.known: dict[int, tuple[object, str]] = {}

    def named(self, text: str) -> str:
        """The slugs of the outlet, author or tag that `text` names, or ''."""
        if len(text) > self.longest:
            return ""
        return self.names.get(text.casefold(), "")

    def digest(self, value: Any) -> str:
        """The hash of a value's texts."""
        parts: list[str] = []
        self._value(value, parts)
        return _hash_parts(parts)

    def _value(self, value: Any, parts: list[str]) -> None:
        add = parts.append
        kind = type(value)
        # What a value is depends on its type alone: found once per type (keying every
        # page is most of an edit's render stage, and a chain of isinstance checks, an
        # ABC check for each mapping, was a third of it).
        category = _CATEGORIES.get(kind) or _category(kind)
        if category == "text":
            add("s" + value)
            if value in self.article_keys:
                self._article(value, None, parts)
            if len(value) <= self.longest and (slugs := self.names.get(value.casefold())):
                add("n" + slugs)
        elif category == "article":
            self._article(value.id, value, parts)
        elif category == "topic":
            self._topic(value, parts)
        elif category == "items" or category == "mapping":
            fill = self._items if category == "items" else self._mapping
            if len(value) >= self.LONG:
                add("H" + self._remembered(value, fill))
            else:
                fill(value, parts)
        elif category == "repr":
            add(repr(value))
        else:  # a dataclass
            add(kind.__qualname__)
            for name in _field_names(kind):
                self._value(getattr(value, name), parts)

    def _topic(self, topic: Topic, parts: list[str]) -> None:
        key = self.topic_keys.get(topic.id)
        if key is None:
            raise Unkeyable(f"topic {topic.id} without a key")
        parts.append("T" + key)

    def _mapping(self, value: Mapping[Any, Any], parts: list[str]) -> None:
        add, walk = parts.append, self._value
        add(f"{{{len(value)}")
        article_keys, names, longest = self.article_keys, self.names, self.longest
        for key, item in value.items():
            if type(key) is str:  # most keys: `_value`'s first case, without the call
                add("s" + key)
                if key in article_keys:
                    self._article(key, None, parts)
                if len(key) <= longest and (slugs := names.get(key.casefold())):
                    add("n" + slugs)
            else:
                walk(key, parts)
            walk(item, parts)

    def _items(self, value: Any, parts: list[str]) -> None:
        """A tuple's or a list's items (`_mapping` for a mapping's)."""
        add, walk = parts.append, self._value
        add(f"({len(value)}")
        article_keys, names, longest = self.article_keys, self.names, self.longest
        for item in value:
            if type(item) is str:  # most items: `_value`'s first case, without the call
                add("s" + item)
                if item in article_keys:
                    self._article(item, None, parts)
                if len(item) <= longest and (slugs := names.get(item.casefold())):
                    add("n" + slugs)
            else:
                walk(item, parts)

    def _remembered(self, value: Any, fill: Callable[[Any, list[str]], None]) -> str:
        found = self.known.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        parts: list[str] = []
        fill(value, parts)
        digest = _hash_parts(parts)
        self.known[id(value)] = (value, digest)  # holding the value keeps its id unique
        return digest

    def _article(self, article_id: str, article: Article | None, parts: list[str]) -> None:
        key = self.article_keys.get(article_id)
        if key is None:  # not from a file we hashed: the article's own text stands in
            if article is None:
                return
            key = repr(article)
        parts.append("A" + key)
        if self.topical:
            parts.append("t" + self.topic_key_of.get(article_id, "-"))
