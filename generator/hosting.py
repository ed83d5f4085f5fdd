"""Static-hosting conventions: fingerprinted asset names, `_headers` and `_redirects`.

Netlify and Cloudflare Pages read `_headers` and `_redirects` from the site root; other
hosts ignore them. Fingerprinted assets (`style.3f2a1b9c.css`) can be cached for a year
because a changed file gets a new name; pages get a short cache lifetime.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from generator import urls
from generator.models import OutputFile, Topic

ASSET_CACHE = "public, max-age=31536000, immutable"
PAGE_CACHE = "public, max-age=300, must-revalidate"


def fingerprint(name: str, data: bytes) -> str:
    """`style.css` -> `style.<8 hex digits of SHA-256>.css`."""
    digest = hashlib.sha256(data).hexdigest()[:8]
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"


def carries_fingerprint(name: str, data: bytes) -> bool:
    """Whether `name` is the fingerprinted name of a file with these bytes: such a file
    never changes under its name, so it may be cached for good."""
    parts = name.split(".")
    if len(parts) < 2:
        return False
    unmarked = ".".join(parts[:-2] + parts[-1:]) if len(parts) > 2 else parts[0]
    return fingerprint(unmarked, data) == name


def fingerprinted(assets: Mapping[str, bytes]) -> tuple[dict[str, str], list[OutputFile]]:
    """Map each asset name to its fingerprinted path under static/, and the files."""
    paths = {name: f"static/{fingerprint(name, data)}" for name, data in sorted(assets.items())}
    return paths, [OutputFile(paths[name], assets[name]) for name in sorted(assets)]


def headers(links: urls.Links) -> OutputFile:
    """`_headers`: long cache for fingerprinted assets, short for pages, safe defaults."""
    base = links.base_path
    text = (
        f"{base}static/*\n  Cache-Control: {ASSET_CACHE}\n\n"
        f"{base}*\n  Cache-Control: {PAGE_CACHE}\n"
        "  X-Content-Type-Options: nosniff\n"
        "  Referrer-Policy: strict-origin-when-cross-origin\n"
    )
    return OutputFile("_headers", text.encode("utf-8"))


def redirects(links: urls.Links, topics: Iterable[Topic]) -> OutputFile:
    """`_redirects`: former topic URLs (after merges) lead to the topic's page."""
    lines = [
        f"{links.url(urls.topic(alias))} {links.url(urls.topic(topic.id))} 301"
        for topic in topics
        for alias in topic.aliases
    ]
    return OutputFile("_redirects", "".join(f"{line}\n" for line in sorted(lines)).encode("utf-8"))
