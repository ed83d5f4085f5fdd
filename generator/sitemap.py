"""sitemap.xml (sitemaps.org 0.9) and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from generator import urls
from generator.models import OutputFile
from generator.site import Site

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(site: Site, paths: Sequence[str]) -> OutputFile:
    """Every indexable page, with its absolute URL, in path order."""
    links = urls.Links.for_config(site.config)
    root = ET.Element("urlset", {"xmlns": SITEMAP})
    for path in sorted(paths):
        ET.SubElement(ET.SubElement(root, "url"), "loc").text = links.absolute(path)
    ET.indent(root)
    body = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return OutputFile("sitemap.xml", b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n")


def robots(site: Site) -> OutputFile:
    """Allow everything and point at the sitemap."""
    links = urls.Links.for_config(site.config)
    text = f"User-agent: *\nAllow: /\n\nSitemap: {links.absolute('sitemap.xml')}\n"
    return OutputFile("robots.txt", text.encode("utf-8"))
