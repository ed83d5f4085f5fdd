"""Where every page lives: the one place that knows the URL scheme.

Paths here are relative to the site root and end in `/` for pages (written as
`<path>index.html`) or name a file (`feed.xml`). `Links` turns them into the URLs pages
use: prefixed with the base path, so the site works at a domain root and under a sub-path.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.config import SiteConfig


def article(article_id: str) -> str:
    """`articles/<id>/`."""
    return f"articles/{article_id}/"


def topic(topic_id: str) -> str:
    """`topics/<id>/`."""
    return f"topics/{topic_id}/"


def outlet(slug: str) -> str:
    """`outlets/<slug>/`."""
    return f"outlets/{slug}/"


def author(slug: str) -> str:
    """`authors/<slug>/`."""
    return f"authors/{slug}/"


def tag(slug: str) -> str:
    """`tags/<slug>/`."""
    return f"tags/{slug}/"


def period(key: str) -> str:
    """`archive/2022/`, `archive/2022/08/`."""
    return f"archive/{key}/"


def page(first: str, number: int) -> str:
    """Page `number` (counted from the oldest) behind the first page `first` of a list."""
    return f"{first}page/{number}/"


def output_file(path: str) -> str:
    """The file a path is written to: pages become `.../index.html`."""
    return f"{path}index.html" if path == "" or path.endswith("/") else path


@dataclass(frozen=True, slots=True)
class Links:
    """Turns site-relative paths into URLs for one configuration."""

    base_path: str
    """Path prefix ending in '/', e.g. '/briefings/'."""
    absolute_base: str
    """base_url ending in '/'; without a host when the site was configured with a path only."""

    @classmethod
    def for_config(cls, config: SiteConfig) -> Links:
        return cls(config.base_path, config.absolute_base)

    def url(self, path: str) -> str:
        """URL for links inside the site (`/briefings/topics/x/`)."""
        return self.base_path + path

    def absolute(self, path: str) -> str:
        """Full URL for canonical links, feeds and the sitemap."""
        return self.absolute_base + path

    @property
    def has_host(self) -> bool:
        """True when base_url names a host, so absolute URLs are real addresses."""
        return "://" in self.absolute_base
