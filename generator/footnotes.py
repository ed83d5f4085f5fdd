"""Links as footnotes for print: the targets of every link in a piece of rendered HTML.

A printed topic page is a briefing on paper, where a link is only useful if its address
is written out. The theme numbers links with a CSS counter, in document order, and
prints this list, in the same order, as numbered notes at the end.
"""

from __future__ import annotations

import html as entities
import re
from urllib.parse import urljoin

SKIP = "data-no-footnote"
"""Links with this attribute (navigation such as outlet and author names) get no note."""
# The HTML is our own rendered output, never raw input: markupsafe and markdown-it escape
# `<`, `>` and `"` in text and attribute values, so a tag ends at the first `>` and every
# attribute value is double-quoted. That makes two regular expressions an exact reader,
# and one that runs at C speed (an HTMLParser took most of a large topic page's time).
_ANCHOR = re.compile(r"<a(?=[\s>/])([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([^\s"\'>/=]+)(?:\s*=\s*"([^"]*)")?')
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _targets(html: str) -> list[str]:
    found = []
    for match in _ANCHOR.finditer(_COMMENT.sub("", html)):
        attributes = {n.lower(): v for n, v in _ATTRIBUTE.findall(match.group(1))}
        if "href" in attributes and SKIP not in attributes:
            found.append(entities.unescape(attributes["href"]))
    return found


def links_in(html: str, page_url: str) -> tuple[str, ...]:
    """Every link target in `html`, made absolute against the page's own URL.

    Counts exactly the elements the stylesheet numbers, `a[href]:not([data-no-footnote])`,
    so the numbers printed beside the links and the notes agree.
    """
    return tuple(urljoin(page_url, target.strip()) for target in _targets(str(html)))
