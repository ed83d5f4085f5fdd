"""sitemap.xml (sitemaps.org 0.9) and robots.txt."""

from __future__ import annotations

import html
from collections.abc import Sequence

from generator import urls
from generator.models import OutputFile
from generator.site import Site

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
EMPTY = f'<urlset xmlns="{SITEMAP}" />'


def sitemap(site: Site, paths: Sequence[str]) -> OutputFile:
    """Every indexable page, with its absolute URL, in path order.

    Written as text (escaped as XML character data): ElementTree took half a second
    for a large archive's, on every build. Escaped with `html.escape` (&, <, >), not
    xml.sax.saxutils.escape, whose module imports urllib.request, http.client and ssl:
    0.03 s of every build."""
    links = urls.Links.for_config(site.config)
    entries = [
        f"  <url>\n    <loc>{html.escape(links.absolute(path), quote=False)}</loc>\n  </url>\n"
        for path in sorted(paths)
    ]
    body = f'<urlset xmlns="{SITEMAP}">\n{"".join(entries)}</urlset>' if entries else EMPTY
    return OutputFile("sitemap.xml", f"{DECLARATION}\n{body}\n".encode())


def robots(site: Site) -> OutputFile:
    """Allow everything and point at the sitemap."""
    links = urls.Links.for_config(site.config)
    text = f"User-agent: *\nAllow: /\n\nSitemap: {links.absolute('sitemap.xml')}\n"
    return OutputFile("robots.txt", text.encode("utf-8"))
