"""A saved page's headline: its statements cleaned of decoration, then one chosen.

A page states its headline up to five times (`pagemeta.TITLE_SOURCES`). The social and
`<title>` statements are written for other places (a browser tab, a shared link) and carry
decoration around the headline: the site's name (" | TechCrunch", " - Taipei Times",
" | The Gateway Pundit | by ..."), a section before it (" - National | Globalnews.ca",
" | World News | Metro News"), or a topic label in front. Two cleanings, neither of which
needs to know the site in advance:

1. a segment (between " | ", " - ", " – " ...) that names the site, as the page itself
   names it (`og:site_name`, the publisher, its host), ends the headline, and short
   capitalised section labels just before it go with it;
2. a social or `<title>` statement that holds the page's own headline (JSON-LD or `<h1>`)
   as a whole segment is that headline with decoration: the headline is taken.

Which cleaned statement wins is the outlet's choice where the registry knows it
(`outlets.headline_order`), else the default order of `TITLE_SOURCES`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from generator.importer.pagemeta import TITLE_SOURCES

Statement = tuple[str, str]
"""(source, text), as `PageMeta.titles` holds them."""

_DECORATED = frozenset({"og", "twitter", "title"})
"""Statements written for elsewhere (shares, tabs) that may carry the site's name."""
_OWN = ("ld", "h1")
"""Statements of the headline written for the page itself."""
_SEPARATOR = re.compile(r"\s+(?:[|–—-]|::)\s+|\s*｜\s*")
_BEFORE_HEADLINE = re.compile(r"(?:^|:\s+|\s(?:[|–—-]|::)\s+)$")
_AFTER_HEADLINE = re.compile(r"^(?:$|\s+(?:[|–—-]|::)\s)")
_SECTION_WORD = re.compile(r"^[A-Z0-9&][\w&'’.-]*$")
_MIN_LABEL = 5
"""A host's first label names the site ("globalnews" of globalnews.ca) when it is this long;
shorter ones are as often "news", "m" or "en" as a name."""
_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,60}$")
"""Fallback for `<title>` when no segment names the site: the last short segment."""


def clean_statements(
    titles: Sequence[Statement], site_names: Iterable[str], urls: Iterable[str]
) -> tuple[Statement, ...]:
    """Every statement without its decoration (see the module docstring)."""
    names = _site_keys(site_names, urls)
    cut = [(source, _cut(source, text, names)) for source, text in titles]
    own = [text for source, text in cut if source in _OWN]
    return tuple(
        (source, _own_inside(text, own) if source in _DECORATED else text)
        for source, text in cut
        if text
    )


def choose(titles: Sequence[Statement], order: Sequence[str] = TITLE_SOURCES) -> str | None:
    """The first statement of the first source in `order` that the page makes."""
    stated = dict(reversed(titles))  # the first statement of each source
    return next((stated[s] for s in order if stated.get(s)), None)


def _cut(source: str, text: str, names: frozenset[str]) -> str:
    if source not in _DECORATED:
        return text
    parts, seps = _SEPARATOR.split(text), _SEPARATOR.findall(text)
    if len(parts) > 1 and _names_site(parts[0], names):  # "Site | Headline"
        parts, seps = parts[1:], seps[1:]
    at = next((i for i in range(1, len(parts)) if _names_site(parts[i], names)), None)
    if at is None:
        whole = _joined(parts, seps)
        return _TITLE_SUFFIX.sub("", whole) if source == "title" else whole
    while at > 1 and _is_section(parts[at - 1]):
        at -= 1
    return _joined(parts[:at], seps)


def _joined(parts: Sequence[str], seps: Sequence[str]) -> str:
    return "".join(p + s for p, s in zip(parts[:-1], seps, strict=False)) + parts[-1]


def _own_inside(text: str, own: Sequence[str]) -> str:
    """The page's own headline when `text` is it plus decoration around whole segments."""
    for headline in own:
        at = text.find(headline)
        if at < 0 or headline == text:
            continue
        before, after = text[:at], text[at + len(headline) :]
        if _BEFORE_HEADLINE.search(before) and _AFTER_HEADLINE.match(after):
            return headline
    return text


def _is_section(part: str) -> bool:
    """A section label such as "National", "World News", "Politics News"."""
    words = part.split()
    return 1 <= len(words) <= 3 and all(_SECTION_WORD.match(w) for w in words)


def _names_site(part: str, names: frozenset[str]) -> bool:
    """The segment is the site's name, perhaps with one more word ("Mirror Online")."""
    key = _key(part)
    if not key:
        return False
    forms = {key, key.replace(" ", ""), _key(part, keep_the=True).replace(" ", "")}
    if forms & names:
        return True
    head = key.rsplit(" ", 1)[0] if " " in key else ""
    return bool(head) and head in names


def _site_keys(site_names: Iterable[str], urls: Iterable[str]) -> frozenset[str]:
    keys = {_key(name) for name in site_names}
    keys |= {_key(name).replace(" ", "") for name in site_names}
    for url in urls:
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
        label = host.split(".")[0]
        keys |= {host} | ({label} if len(label) >= _MIN_LABEL else set())
    return frozenset(k for k in keys if k)


def _key(text: str, keep_the: bool = False) -> str:
    words = re.sub(r"[^\w.]+", " ", text.casefold()).replace("www.", "").split()
    if not keep_the and words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    return " ".join(words).strip(".")
