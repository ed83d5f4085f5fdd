"""The site.yaml schema and `load_config()`.

Every field's `doc` is its reference documentation (the README's site.yaml section is
generated from the same text by `briefing config-reference`). Unknown keys are errors with
a did-you-mean; every problem is reported at once.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from generator.errors import ConfigError
from generator.schema import coerce, doc, duplicate_keys, key_lines

CONFIG_NAME = "site.yaml"


def _check_base_url(value: str) -> str | None:
    parts = urlsplit(value)
    if value.startswith("/") and not parts.netloc:
        return None
    if parts.scheme in ("http", "https") and parts.netloc:
        return None
    return "expected an http(s) URL such as 'https://example.org/briefings/' or a path like '/'"


def _check_timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "expected an IANA time zone such as 'UTC' or 'Europe/London'"
    return None


def _check_relative(value: str) -> str | None:
    if not value or value.startswith("~"):
        return "expected a folder path"
    return None


@dataclass(frozen=True, slots=True)
class PathsConfig:
    """Where things are, relative to the folder holding site.yaml."""

    content: str = field(
        default="content",
        metadata=doc("Articles, topic notes, sources and inbox.", check=_check_relative),
    )
    templates: str = field(
        default="templates",
        metadata=doc(
            "Template overrides: a file here replaces the built-in template of the same name.",
            check=_check_relative,
        ),
    )
    output: str = field(
        default="build",
        metadata=doc(
            "Where the site is written (replaced atomically on each build).", check=_check_relative
        ),
    )
    cache: str = field(
        default=".cache",
        metadata=doc(
            "Build cache (the search index by content); safe to delete.", check=_check_relative
        ),
    )


@dataclass(frozen=True, slots=True)
class FeedsConfig:
    """Atom feeds."""

    size: int = field(default=20, metadata=doc("Entries in each feed.", min=1))
    per_outlet: bool = field(default=True, metadata=doc("Write a feed for every outlet."))
    per_topic: bool = field(default=True, metadata=doc("Write a feed for every topic."))


@dataclass(frozen=True, slots=True)
class OutletConfig:
    """One outlet of the registry: how it is named and recognised."""

    name: str = field(metadata=doc("Full name as shown on pages, e.g. 'The Independent'."))
    short_name: str | None = field(
        default=None, metadata=doc("Short label for tight places, e.g. 'Independent'.")
    )
    home: str | None = field(default=None, metadata=doc("Home page URL."))
    domains: tuple[str, ...] = field(
        default=(),
        metadata=doc(
            "Web domains of the outlet, e.g. ['independent.co.uk'].",
        ),
    )
    signatures: tuple[str, ...] = field(
        default=(),
        metadata=doc(
            "Lines of page furniture that identify the outlet in pasted text, "
            "e.g. 'More National Review'."
        ),
    )


@dataclass(frozen=True, slots=True)
class ImportConfig:
    """`briefing import`."""

    max_size_mb: float = field(
        default=20.0, metadata=doc("Inputs larger than this are refused.", min=0.001)
    )


@dataclass(frozen=True, slots=True)
class TopicsConfig:
    """Grouping articles into topics (stories). The defaults work on news of any kind."""

    window_days: float = field(
        default=10.0,
        metadata=doc(
            "Articles further apart in time than this never join each other directly "
            "(undated articles are compared on content alone).",
            min=0.5,
        ),
    )
    half_life_days: float = field(
        default=3.0,
        metadata=doc(
            "Closeness in time: the similarity of two articles counts half when they are "
            "this many days apart, a quarter at twice that.",
            min=0.1,
        ),
    )
    threshold: float = field(
        default=0.14,
        metadata=doc(
            "Similarity needed to join a topic (0-1; shared words, names and figures, "
            "scaled by closeness in time); higher makes smaller topics.",
            min=0.0,
            max=1.0,
        ),
    )


@dataclass(frozen=True, slots=True)
class SearchConfig:
    """Full-text search (Pagefind), built into the site: no external service."""

    enabled: bool = field(
        default=True,
        metadata=doc(
            "Index articles and topics at every build and add the search page and header box."
        ),
    )


def _check_publish_url(value: str) -> str | None:
    if not value.strip() or value.startswith("-"):
        return "expected a folder path or a URL such as 'git+file:///srv/site.git#gh-pages'"
    return None


def _check_cname(value: str) -> str | None:
    labels = value.split(".")
    if len(labels) < 2 or not all(re.fullmatch(r"[A-Za-z0-9-]{1,63}", x) for x in labels):
        return "expected a bare domain name such as 'news.example.org'"
    return None


@dataclass(frozen=True, slots=True)
class PublishTarget:
    """One place `briefing publish` puts the site."""

    url: str = field(
        metadata=doc(
            "Where to publish: a folder (a path or file:///srv/www), a git branch "
            "(git+file:///srv/site.git#gh-pages, git+ssh://host/repo.git#pages, ...), "
            "or rsync (user@host:/path, rsync://host/module/path, rsync:///local/path). "
            "A relative folder is relative to the folder holding site.yaml.",
            check=_check_publish_url,
        )
    )
    base_url: str | None = field(
        default=None,
        metadata=doc(
            "Public address of the site on this target; default: the site's `base_url`.",
            check=_check_base_url,
        ),
    )
    cname: str | None = field(
        default=None,
        metadata=doc(
            "Custom domain written to a `CNAME` file (git and folder targets), "
            "e.g. 'news.example.org'.",
            check=_check_cname,
        ),
    )
    max_deletions: int = field(
        default=256,
        metadata=doc(
            "Refuse a publish that would delete more files than this, unless --force.", min=0
        ),
    )
    gzip: bool = field(
        default=False,
        metadata=doc(
            "Add pre-compressed `.gz` copies of text files, for servers that serve them "
            "(nginx `gzip_static`)."
        ),
    )


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """site.yaml: everything about the archive that is not content."""

    title: str = field(
        default="Briefing archive", metadata=doc("Site name, shown in every page header and feed.")
    )
    description: str = field(
        default="",
        metadata=doc("One or two sentences about the archive, used in meta tags and feeds."),
    )
    base_url: str = field(
        default="/",
        metadata=doc(
            "Public address of the site, e.g. 'https://example.org/briefings/'; may be a sub-path.",
            check=_check_base_url,
        ),
    )
    language: str = field(
        default="en",
        metadata=doc("Language of the site's own text (BCP 47), used for `<html lang>`."),
    )
    timezone: str = field(
        default="UTC",
        metadata=doc(
            "IANA zone in which dates are shown and date-only values are read.",
            check=_check_timezone,
        ),
    )
    owner: str = field(
        default="", metadata=doc("Who keeps the archive; shown in the footer and as feed author.")
    )
    page_size: int = field(
        default=20, metadata=doc("Items per page of every paginated list.", min=1)
    )
    paths: PathsConfig = field(default_factory=PathsConfig, metadata=doc("Folder locations."))
    feeds: FeedsConfig = field(default_factory=FeedsConfig, metadata=doc("Atom feeds."))
    outlets: tuple[OutletConfig, ...] = field(
        default=(), metadata=doc("Outlet registry, added to the built-in one.")
    )
    import_: ImportConfig = field(
        default_factory=ImportConfig, metadata=doc("`briefing import` settings.", yaml="import")
    )
    topics: TopicsConfig = field(default_factory=TopicsConfig, metadata=doc("Grouping settings."))
    search: SearchConfig = field(default_factory=SearchConfig, metadata=doc("Full-text search."))
    publish: dict[str, PublishTarget] = field(
        default_factory=dict,
        metadata=doc(
            "Publish targets by name, for `briefing publish NAME`; each has `url`, `base_url`, "
            "`cname`, `max_deletions` and `gzip`."
        ),
    )
    extra: dict[str, Any] = field(
        default_factory=dict, metadata=doc("Free-form values for your templates (`site.extra`).")
    )

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, always ending in '/' (e.g. '/briefings/')."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def absolute_base(self) -> str:
        """base_url ending in '/'; may lack a host when base_url is only a path."""
        return self.base_url if self.base_url.endswith("/") else self.base_url + "/"

    @property
    def zone(self) -> ZoneInfo:
        """The site time zone."""
        return ZoneInfo(self.timezone)


def parse_config(text: str, name: str = CONFIG_NAME) -> SiteConfig:
    """Validate site.yaml text, raising ConfigError with every problem found."""
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"{name}{line}: invalid YAML: {reason}"]) from None
    lines = key_lines(text)
    config, problems = coerce(SiteConfig, data, lines)
    problems = duplicate_keys(text) + problems
    if problems:
        raise ConfigError([_format(name, p.key, p.line, p.message) for p in problems])
    assert isinstance(config, SiteConfig)
    return config


def _format(name: str, key: str, line: int | None, message: str) -> str:
    where = f"{name}:{line}" if line else name
    return f"{where}: {key}: {message}"


def load_config(site_dir: Path) -> SiteConfig:
    """Read `site_dir/site.yaml`; a missing file is an error (is this a briefing site?)."""
    path = site_dir / CONFIG_NAME
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            [f"{path}: not found (is {site_dir} a briefing site? `briefing new DIR` makes one)"]
        ) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{path}: not UTF-8 text"]) from None
    return parse_config(text)


def with_base_url(config: SiteConfig, base_url: str) -> SiteConfig:
    """A copy of `config` published at another address (checked like site.yaml)."""
    problem = _check_base_url(base_url)
    if problem:
        raise ConfigError([f"--base-url: {problem}, got {base_url!r}"])
    return dataclasses.replace(config, base_url=base_url)


def reference(cls: type[Any] = SiteConfig, prefix: str = "") -> list[str]:
    """Markdown table rows documenting every key of the schema (for the README)."""
    rows: list[str] = []
    hints = typing.get_type_hints(cls)
    for fld in dataclasses.fields(cls):
        name = prefix + str(fld.metadata.get("yaml", fld.name))
        rows.append(f"| `{name}` | {fld.metadata.get('doc', '')} | {_default_text(fld)} |")
        nested = _nested_schema(hints[fld.name])
        if nested is not None:
            rows.extend(reference(nested[0], name + nested[1]))
    return rows


def _nested_schema(hint: Any) -> tuple[type[Any], str] | None:
    """The dataclass inside a section or list type, and how its keys are written."""
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return hint, "."
    args = typing.get_args(hint)
    item = args[0] if typing.get_origin(hint) is tuple and args else None
    if isinstance(item, type) and dataclasses.is_dataclass(item):
        return item, "[]."
    return None


def _default_text(fld: dataclasses.Field[Any]) -> str:
    if fld.default is not dataclasses.MISSING:
        return f"`{fld.default!r}`" if fld.default not in ((), None) else "—"
    if dataclasses.is_dataclass(fld.default_factory):
        return "(section)"
    if fld.default_factory is not dataclasses.MISSING:
        return "—"
    return "required"
