"""sitemap.xml is written as text: the same bytes ElementTree writes, for any URL."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from generator import urls
from generator.config import load_config
from generator.sitemap import SITEMAP, sitemap

from .conftest import FIXTURES

PATHS = {
    "none": [],
    "home": [""],
    "plain": ["articles/2024/03/bridge/", "", "topics/floods/"],
    "escaped": ["tags/r&d/", "tags/<b>/", 'outlets/caf\u00e9-"quoted"/', "tags/a>b/"],
}


def with_element_tree(site: Any, paths: list[str]) -> bytes:
    """The sitemap as the generator wrote it before, with ElementTree."""
    links = urls.Links.for_config(site.config)
    root = ET.Element("urlset", {"xmlns": SITEMAP})
    for path in sorted(paths):
        ET.SubElement(ET.SubElement(root, "url"), "loc").text = links.absolute(path)
    ET.indent(root)
    body = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"


@pytest.mark.parametrize("name", sorted(PATHS))
@pytest.mark.parametrize("base", ["https://example.org/briefings/", "https://x.org/a&b/"])
def test_the_sitemap_is_what_element_tree_writes(name: str, base: str) -> None:
    config = replace(load_config(FIXTURES / "golden-site"), base_url=base)
    site = SimpleNamespace(config=config)
    written = sitemap(site, PATHS[name]).data  # type: ignore[arg-type]
    assert written == with_element_tree(site, PATHS[name])
    ET.fromstring(written)  # well-formed
