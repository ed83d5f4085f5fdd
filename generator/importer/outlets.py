"""The outlet registry, and recognising an outlet from a URL, a site name or page furniture.

The registry ships in `generator/data/outlets.yaml`; site.yaml's `outlets:` adds entries, and
extends a built-in entry of the same name (its names win, domains and signatures add up).
Recognition never guesses: a domain must be an outlet's domain (or a sub-domain of it), a
site name must be an outlet's name, and pasted text must carry a signature line or name one
outlet, and only one, in its furniture.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

import yaml

from generator.config import OutletConfig, SiteConfig
from generator.schema import coerce

Registry = tuple[OutletConfig, ...]


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
def builtin_registry() -> Registry:
    """`generator/data/outlets.yaml`, checked by the same schema as site.yaml's `outlets:`."""
    text = resources.files("generator").joinpath("data/outlets.yaml").read_text("utf-8")
    registry: list[OutletConfig] = []
    for index, item in enumerate(yaml.safe_load(text) or ()):
        outlet, problems = coerce(OutletConfig, item, {}, f"outlets.{index}.")
        if problems:  # the file ships with the package: a problem here is a bug
            raise AssertionError(f"generator/data/outlets.yaml: {problems[0]}")
        registry.append(outlet)
    return tuple(registry)


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
    than any other, so that a newsletter plug for another outlet cannot win.
    """
    normal = [_squeeze(line) for line in lines]
    for outlet in registry:
        signatures = {_squeeze(s) for s in outlet.signatures}
        if signatures and any(line in signatures for line in normal):
            return outlet
    counts = Counter(_mentions(normal, registry))
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
    # Full names of two words or more only: "Metro" or "Nature" are everyday words.
    words = [re.escape(_squeeze(outlet.name))] if " " in outlet.name.strip() else []
    words += [re.escape(d.lower()) for d in outlet.domains]
    if not words:
        return None
    return re.compile(r"(?<![\w.])(?:" + "|".join(words) + r")(?![\w])")


def _squeeze(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split())
