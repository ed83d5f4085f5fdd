"""Links as footnotes for print: the targets of every link in a piece of rendered HTML.

A printed topic page is a briefing on paper, where a link is only useful if its address
is written out. The theme numbers links with a CSS counter, in document order, and
prints this list, in the same order, as numbered notes at the end.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

SKIP = "data-no-footnote"
"""Links with this attribute (navigation such as outlet and author names) get no note."""


class _LinkCollector(HTMLParser):
    """Collects the href of every `<a>` that has one, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "a" and "href" in names and SKIP not in names:
            self.targets.append(names["href"] or "")


def links_in(html: str, page_url: str) -> tuple[str, ...]:
    """Every link target in `html`, made absolute against the page's own URL.

    Counts exactly the elements the stylesheet numbers, `a[href]:not([data-no-footnote])`,
    so the numbers printed beside the links and the notes agree.
    """
    collector = _LinkCollector()
    collector.feed(str(html))
    collector.close()
    return tuple(urljoin(page_url, target.strip()) for target in collector.targets)
