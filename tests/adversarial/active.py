"""Finds active content in a built site: the parser-based check of the adversarial suite.

Every output file is parsed the way its reader would parse it (HTML pages with lxml's
HTML parser, feeds and the sitemap as XML, the HTML inside Atom `type="html"` elements
as HTML again, archive.json and Pagefind's fragments as JSON) and searched for anything
that could run script: a `<script>` that is not one of the theme's own files, an event
handler attribute, a `javascript:`/`data:`/`vbscript:` URL in an attribute that loads or
navigates, a frame or plugin element, a `<base>`, or a refresh to anywhere but the site.
Text that merely *reads* `<script>` is fine: that is what escaping is for.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree, html  # type: ignore[import-untyped]

URL_ATTRIBUTES = frozenset(
    "href src action formaction xlink:href poster data background srcset cite lowsrc dynsrc "
    "codebase ping longdesc manifest icon profile usemap".split()
)
"""Attributes whose value a browser loads, submits to or navigates to."""
FORBIDDEN_TAGS = frozenset(
    "iframe frame frameset object embed applet base portal isindex math template xmp "
    "plaintext listing bgsound handler foreignobject animate set use image discard "
    "feimage".split()
)
"""Elements the theme never writes: any of them in a page came from content."""
SVG_PARTS = frozenset({"svg", "line", "rect", "g", "title"})
"""The theme draws coverage lanes in inline SVG with these elements only."""
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
BAD_SCHEMES = frozenset({"javascript", "vbscript", "data", "livescript", "mocha", "file"})
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"]*)", re.IGNORECASE)
_STYLE_BAD = re.compile(r"expression\s*\(|javascript:|vbscript:|behavior\s*:|-moz-binding", re.I)


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of active content: where and what."""

    file: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what}"


@dataclass(frozen=True, slots=True)
class Policy:
    """What the theme itself may put in a page."""

    script_prefix: str
    """Theme scripts live here (`/static/` under the base path); their `src` must start so."""
    site_prefixes: tuple[str, ...]
    """Where a refresh (topic redirect pages) may point: the site's own addresses."""


def bad_scheme(url: str) -> str | None:
    """The dangerous scheme a URL would run with in a browser, or None."""
    # Browsers drop tabs and newlines anywhere and trim controls and spaces at the ends;
    # they never percent-decode a scheme (`javascript%3A` is a relative path).
    squeezed = _INVISIBLE.sub("", url)
    match = _SCHEME.match(squeezed)
    if match is None:
        return "backslash" if squeezed.startswith(("\\", "/\\")) else None
    scheme = match.group(1).lower()
    return scheme if scheme in BAD_SCHEMES else None


def check_tree(root: Path, policy: Policy) -> tuple[list[Finding], dict[str, int]]:
    """Every finding in every output file under `root`, and how many files of each kind."""
    findings: list[Finding] = []
    counts: dict[str, int] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        kind, found = _check_file(path, root, policy)
        counts[kind] = counts.get(kind, 0) + 1
        findings.extend(found)
    return findings, counts


def _check_file(path: Path, root: Path, policy: Policy) -> tuple[str, list[Finding]]:
    rel = path.relative_to(root).as_posix()
    data = path.read_bytes()
    if path.suffix == ".html":
        return "html", list(check_html(data, rel, policy))
    if path.suffix == ".xml":
        return "xml", list(check_xml(data, rel, policy))
    if path.suffix == ".json":
        return "json", list(check_json(json.loads(data), rel))
    if path.suffix == ".pf_fragment":
        return "search fragment", list(check_fragment(data, rel))
    return "other", []


def check_html(data: bytes | str, rel: str, policy: Policy) -> Iterator[Finding]:
    """Findings in one HTML document (or fragment)."""
    if isinstance(data, str) and not data.strip():
        return
    document = html.document_fromstring(data) if data.strip() else None
    if document is None:
        return
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        yield from _check_element(element, rel, policy)


def _check_element(element: Any, rel: str, policy: Policy) -> Iterator[Finding]:
    tag = element.tag.lower().rsplit("}", 1)[-1]
    if tag == "script":
        src = element.get("src")
        if src is None or not src.startswith(policy.script_prefix):
            yield Finding(rel, f"<script src={src!r}> {(element.text or '')[:60]!r}")
    if tag in FORBIDDEN_TAGS:
        yield Finding(rel, f"<{tag}> element")
    if tag not in SVG_PARTS and any(a.tag == "svg" for a in element.iterancestors()):
        yield Finding(rel, f"<{tag}> inside <svg>")
    if tag == "link" and (element.get("rel") or "").lower() == "import":
        yield Finding(rel, "<link rel=import>")
    if tag == "style" and _STYLE_BAD.search(element.text or ""):
        yield Finding(rel, f"<style> with script: {element.text[:60]!r}")
    if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
        yield from _check_refresh(element.get("content") or "", rel, policy)
    for name, value in element.attrib.items():
        yield from _check_attribute(tag, name.lower().rsplit("}", 1)[-1], value, rel)


def _check_attribute(tag: str, name: str, value: str, rel: str) -> Iterator[Finding]:
    if name.startswith("on"):
        yield Finding(rel, f"<{tag} {name}={value[:60]!r}>: event handler")
    elif name == "srcdoc":
        yield Finding(rel, f"<{tag} srcdoc>")
    elif name == "style" and _STYLE_BAD.search(value):
        yield Finding(rel, f"<{tag} style={value[:60]!r}>")
    elif name in URL_ATTRIBUTES or name.endswith(":href") or name == "href":
        for url in value.split(",") if name == "srcset" else [value]:
            scheme = bad_scheme(url.strip())
            if scheme is not None:
                yield Finding(rel, f"<{tag} {name}={value[:60]!r}>: {scheme} URL")


def _check_refresh(content: str, rel: str, policy: Policy) -> Iterator[Finding]:
    match = _REFRESH_URL.search(content)
    if match is None:
        return
    target = match.group(1).strip()
    if not target.startswith(policy.site_prefixes) or bad_scheme(target):
        yield Finding(rel, f"<meta http-equiv=refresh> to {target[:80]!r}")


def check_xml(data: bytes, rel: str, policy: Policy) -> Iterator[Finding]:
    """Feeds and the sitemap: well-formed, safe link targets, and safe HTML content."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        document = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        yield Finding(rel, f"not well-formed XML: {exc}")
        return
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        local = element.tag.rsplit("}", 1)[-1]
        for name, value in element.attrib.items():
            if name.rsplit("}", 1)[-1] in ("href", "src") and bad_scheme(value):
                yield Finding(rel, f"<{local} {name}={value[:60]!r}>")
        if local in ("loc", "id", "uri", "icon", "logo") and bad_scheme(element.text or ""):
            yield Finding(rel, f"<{local}>{(element.text or '')[:60]!r}")
        if element.get("type") in ("html", "xhtml") and (element.text or "").strip():
            yield from check_html(element.text, f"{rel} <{local}>", policy)


_URL_KEYS = frozenset({"url", "source_url", "base_url", "topic_url", "home"})


def check_json(value: Any, rel: str, key: str = "") -> Iterator[Finding]:
    """archive.json and the like: every URL-valued key holds a safe URL."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from check_json(item, rel, str(name))
    elif isinstance(value, list):
        for item in value:
            yield from check_json(item, rel, key)
    elif isinstance(value, str) and key in _URL_KEYS and bad_scheme(value):
        yield Finding(rel, f"{key}: {value[:60]!r}")


def check_fragment(data: bytes, rel: str) -> Iterator[Finding]:
    """A Pagefind fragment (what a search result shows): its URLs must be safe."""
    text = gzip.decompress(data).removeprefix(b"pagefind_dcd")
    fragment = json.loads(text)
    yield from check_json(fragment, rel)
    for name, value in (fragment.get("meta") or {}).items():
        if name.endswith("url") and bad_scheme(str(value)):
            yield Finding(rel, f"meta {name}: {value!r}")
