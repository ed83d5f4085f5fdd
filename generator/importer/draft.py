"""What an extractor found in one input: the values passed from extraction to writing."""

from __future__ import annotations

from dataclasses import dataclass

from generator.importer.dates import When


@dataclass(frozen=True, slots=True)
class Draft:
    """An article as extracted, before the outlet is looked up and flags are applied."""

    title: str | None
    body: str
    """The article body as Markdown (safe: no raw HTML, only allow-listed links)."""
    dek: str | None = None
    """The standfirst under the headline, when the page has one."""
    authors: tuple[str, ...] = ()
    date: When | None = None
    url: str | None = None
    """The original address, when the page states it."""
    site_name: str | None = None
    """The outlet as the page names itself (`og:site_name`, front matter `outlet`)."""
    site_name_is_outlet: bool = False
    """True when `site_name` was written by a person (Markdown `outlet:`): kept as given
    unless the registry knows it under another spelling."""
    language: str | None = None
    """BCP 47 tag from the page, e.g. `en`."""
    headlines: tuple[tuple[str, str], ...] = ()
    """Every statement of the headline a saved page makes, as (source, text) with the
    sources of `pagemeta.TITLE_SOURCES`: `title` is the default choice among them, and an
    outlet that means another one as its headline gets that one once it is known."""
    furniture: tuple[str, ...] = ()
    """Lines outside the article (pasted text): where outlet signatures are looked for."""
    extras: tuple[tuple[str, object], ...] = ()
    """Other front matter to keep as it was (Markdown input: tags, topic, draft, and any
    key import does not know, which the build then warns about)."""
