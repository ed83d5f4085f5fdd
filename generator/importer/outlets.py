"""The outlet registry, and recognising an outlet from a URL, a site name or page furniture.

The registry ships in `generator/data/outlets.yaml`; site.yaml's `outlets:` adds entries, and
extends a built-in entry of the same name (its names win, domains and signatures add up).
Recognition never guesses: a domain must be an outlet's domain (or a sub-domain of it), a
site name must be an outlet's name, and pasted text must carry a signature line or name one
outlet, and only one, in its furniture.

The built-in file also says how to read an outlet's pages where that differs from the
default (`headline:` which statement of the headline it means, as its own parser in fundus
reads it). Those keys are the importer's alone: `headline_order` reads them, the registry
of `OutletConfig`s does not carry them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

from generator.config import OutletConfig, SiteConfig
from generator.importer.pagemeta import TITLE_SOURCES
from generator.schema import coerce

Registry = tuple[OutletConfig, ...]
_LONGER_NAME = r"(?!\s+of\s+[A-Z])"
"""After an outlet's name: not "of X", the rest of a longer name ("The Times of Trenton").
(A capitalised word after it proves nothing: pasted menus run names together.)"""
_READING_KEYS = frozenset({"headline"})
"""Keys of outlets.yaml entries that say how to read the outlet's pages (importer only)."""


def load_registry(config: SiteConfig) -> Registry:
    """Built-in outlets extended by site.yaml's: a same-named entry adds its domains and
    signatures to the built-in one, and its names and home page win."""
    builtin = {_key(o.name): o for o in builtin_registry()}
    own = [_merged(o, builtin.get(_key(o.name))) for o in config.outlets]
    mine = {_key(o.name) for o in own}
    return tuple(own) + tuple(o for key, o in builtin.items() if key not in mine)


def _merged(own: OutletConfig, builtin: OutletConfig | None) -> OutletConfig:
    if builtin is None:
        return own
    return OutletConfig(
        name=own.name,
        short_name=own.short_name or builtin.short_name,
        home=own.home or builtin.home,
        domains=tuple(dict.fromkeys(own.domains + builtin.domains)),
        signatures=tuple(dict.fromkeys(own.signatures + builtin.signatures)),
    )


@cache
def _builtin_entries() -> tuple[dict[str, Any], ...]:
    text = resources.files("generator").joinpath("data/outlets.yaml").read_text("utf-8")
    return tuple(yaml.safe_load(text) or ())


@cache
def builtin_registry() -> Registry:
    """`generator/data/outlets.yaml`, checked by the same schema as site.yaml's `outlets:`."""
    registry: list[OutletConfig] = []
    for index, item in enumerate(_builtin_entries()):
        fields = {k: v for k, v in item.items() if k not in _READING_KEYS}
        outlet, problems = coerce(OutletConfig, fields, {}, f"outlets.{index}.")
        if problems:  # the file ships with the package: a problem here is a bug
            raise AssertionError(f"generator/data/outlets.yaml: {problems[0]}")
        registry.append(outlet)
    return tuple(registry)


@cache
def _headline_orders() -> dict[str, tuple[str, ...]]:
    orders: dict[str, tuple[str, ...]] = {}
    for item in _builtin_entries():
        sources = tuple(item.get("headline") or ())
        if any(s not in TITLE_SOURCES for s in sources):  # a bug in the shipped file
            raise AssertionError(f"generator/data/outlets.yaml: {item['name']}: {sources}")
        if sources:
            orders[_key(item["name"])] = sources
    return orders


def headline_order(name: str | None) -> tuple[str, ...]:
    """Which statements of the headline (`og`, `ld`, ...) the outlet called `name` means as
    its headline, most trusted first; empty when the default order serves.

    Publishers disagree: the Daily Mail's JSON-LD headline is the long printed one and its
    `og:title` the headline it files the story under, while The Independent does the
    reverse. fundus keeps one parser per publisher for this reason; the registry keeps the
    one fact that matters here.
    """
    return _headline_orders().get(_key(name), ()) if name else ()


def _key(name: str) -> str:
    """Names compared without case, punctuation, or a leading 'The'."""
    words = re.sub(r"[^\w]+", " ", name.casefold()).split()
    return " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


def by_url(url: str | None, registry: Registry) -> OutletConfig | None:
    """The outlet whose domain the URL is on (sub-domains included)."""
    if not url:
        return None
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
    return by_host(host, registry)


def by_host(host: str, registry: Registry) -> OutletConfig | None:
    """The outlet owning a host name such as `www.independent.co.uk`."""
    host = host.lower().rstrip(".")
    best: tuple[int, OutletConfig] | None = None
    for outlet in registry:
        for domain in outlet.domains:
            domain = domain.lower()
            if (host == domain or host.endswith("." + domain)) and (
                best is None or len(domain) > best[0]
            ):
                best = (len(domain), outlet)
    return best[1] if best else None


def by_name(name: str | None, registry: Registry) -> OutletConfig | None:
    """The outlet called `name` (or by its short name), ignoring case and a leading 'The'."""
    if not name:
        return None
    key = _key(name)
    for outlet in registry:
        if key in {_key(outlet.name), _key(outlet.short_name or outlet.name)}:
            return outlet
    return by_host(name, registry) if "." in name and " " not in name.strip() else None


def by_furniture(lines: Sequence[str], registry: Registry) -> OutletConfig | None:
    """The one outlet that page furniture (lines outside the article) identifies.

    A signature line decides at once. Otherwise each outlet's domains and full name are
    counted in the furniture; the outlet must be named at least twice and far more often
    than any other, so that a newsletter plug for another outlet cannot win. A name counts
    only as printed, capitals included: "Join the Conversation" under an article does not
    name The Conversation.
    """
    normal = [_squeeze(line) for line in lines]
    for outlet in registry:
        signatures = {_squeeze(s) for s in outlet.signatures}
        if signatures and any(line in signatures for line in normal):
            return outlet
    counts = Counter(_mentions([_spaced(line) for line in lines], registry))
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2:
        return None
    if len(ranked) > 1 and ranked[1][1] * 2 > ranked[0][1]:
        return None
    return next(o for o in registry if o.name == ranked[0][0])


def _mentions(lines: Iterable[str], registry: Registry) -> Iterable[str]:
    patterns = [(o.name, _mention_pattern(o)) for o in registry]
    for line in lines:
        for name, pattern in patterns:
            if pattern is not None and pattern.search(line):
                yield name


def _mention_pattern(outlet: OutletConfig) -> re.Pattern[str] | None:
    # Full names of two words or more only: "Metro" or "Nature" are everyday words. Names
    # match with their capitals and not as the start of a longer name; domains in any case.
    name = re.escape(_spaced(outlet.name)) + _LONGER_NAME if " " in outlet.name.strip() else ""
    words = [name] if name else []
    words += ["(?i:" + re.escape(d) + ")" for d in outlet.domains]
    if not words:
        return None
    return re.compile(r"(?<![\w.])(?:" + "|".join(words) + r")(?![\w])")


def _squeeze(text: str) -> str:
    return _spaced(text).casefold()


def _spaced(text: str) -> str:
    return " ".join(text.replace("’", "'").split())
