"""A hostile archive: every payload of the corpus in every place content can come from.

Entry points (each placement is counted in `Placements`):

- an article per group of payloads, with the group in every front-matter field and in
  every Markdown context of the body (paragraph, heading, quote, list, table, link text
  and target, image, autolink), and its file name made from the first payload;
- `url:` of each article: one URL-like payload per article (a URL must be one value);
- an analyst note per article's topic (title, body, exclude list);
- site.yaml: title, description, owner, language, extra, base_url path and the outlet
  registry (name, short name, home page, signatures);
- the inbox: a pasted-text file per payload (headline, byline, body) and a saved HTML
  page per group (metadata, body text, raw markup, links and images).
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from generator.frontmatter import dump, quote
from generator.slugs import slugify

PROSE = (
    "The harbour authority said on Monday that the bridge would stay closed while engineers "
    "checked every span, and residents of the valley were told to expect delays for weeks. "
)


@dataclass
class Placements:
    """How many times payloads were placed, per entry point."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, entry: str, number: int = 1) -> None:
        self.counts[entry] += number

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        lines = [f"  {entry}: {count}" for entry, count in sorted(self.counts.items())]
        return "\n".join([f"payload placements: {self.total}", *lines])


def joined(group: tuple[str, ...]) -> str:
    """A group of payloads as one value (escaping is per character, so each is tested)."""
    return " ".join(group)


def markdown_body(group: tuple[str, ...]) -> str:
    """Every payload of the group in every Markdown context."""
    parts = []
    for p in group:
        parts += [
            p,
            f"Text before {p} and after.",
            f"## {p}",
            f"> {p}",
            f"- {p}\n- item",
            f"| a | b |\n|---|---|\n| {p} | x |",
            f"[{p}]({p}) and ![{p}]({p}) and <{p}>",
            f"[ref {p}][r]\n\n[r]: {p}",
        ]
    return "\n\n".join(parts) + "\n"


def article_meta(group: tuple[str, ...], url: str, index: int) -> dict[str, object]:
    text = joined(group)
    return {
        "title": text,
        "dek": text,
        "outlet": f"{text} {index}",
        "author": list(group),
        "date": f"2024-03-{1 + index % 28:02d}T09:00:00+01:00",
        "url": url,
        "language": text,
        "tags": list(group),
        "topic": text,
        "source_file": text,
        "source_sha256": text,
        "duplicate_of": text,
    }


def file_name(group: tuple[str, ...], index: int) -> str:
    """A file name made from the first payload (only `/` and NUL cannot be in one)."""
    stem = group[0].replace("/", "_").replace("\0", "_").replace("\n", " ")
    return f"{index:03d}-{stem[:80]}.md"


def write_articles(
    content: Path, groups: list[tuple[str, ...]], urls: list[str], placed: Placements
) -> None:
    folder = content / "articles" / "2024"
    folder.mkdir(parents=True, exist_ok=True)
    for index, group in enumerate(groups):
        meta = article_meta(group, urls[index % len(urls)], index)
        (folder / file_name(group, index)).write_text(dump(meta, "\n" + markdown_body(group)))
        for key in meta:
            if key not in ("date", "url"):
                placed.add(f"front matter {key}", len(group))
        placed.add("front matter url")
        placed.add("markdown body (8 contexts)", len(group))
        placed.add("article file name")
        write_note(content, group)
        placed.add("analyst note (title, body, exclude)", len(group))


def write_note(content: Path, group: tuple[str, ...]) -> None:
    folder = content / "topics"
    folder.mkdir(parents=True, exist_ok=True)
    meta = {"title": joined(group), "exclude": list(group)}
    (folder / f"{slugify(joined(group))}.md").write_text(dump(meta, "\n" + markdown_body(group)))


def site_yaml(
    payloads: tuple[str, ...], groups: list[tuple[str, ...]], urls: list[str], base: str
) -> str:
    """site.yaml with the corpus in every string setting and an outlet per article."""
    text = quote(joined(payloads))
    lines = [
        f"title: {text}",
        f"description: {text}",
        f"owner: {text}",
        f"language: {quote(payloads[0])}",
        f"base_url: {quote(base)}",
        "search: {enabled: true}",
        "page_size: 1000",
        f"extra: {{note: {text}}}",
        "outlets:",
    ]
    for index, group in enumerate(groups):
        lines += [
            f"  - name: {quote(joined(group) + f' {index}')}",
            f"    short_name: {quote(group[-1])}",
            f"    home: {quote(urls[index % len(urls)])}",
            f"    signatures: [{', '.join(quote(p) for p in group)}]",
        ]
    return "\n".join(lines) + "\n"


def pasted_text(payload: str) -> str:
    """A pasted article with the payload as headline, byline and inside paragraphs."""
    return "\n\n".join(
        [payload, f"By {payload}", "12 March 2024", f"{PROSE}{payload} {PROSE}", PROSE * 3]
    )


def saved_page(group: tuple[str, ...], index: int) -> str:
    """A saved HTML page: payloads escaped in metadata, raw in markup, in links and images.

    The site name starts with the page number: long outlet names that share their first
    40 characters give colliding article ids (see test_slugs.py, an importer bug)."""
    first = html.escape(group[0], quote=True)
    title = html.escape(joined(group), quote=True)
    raw = "\n".join(f"<p>{PROSE}{p} {PROSE}</p>" for p in group)
    text = "\n".join(f"<p>{PROSE}{html.escape(p)}</p>" for p in group)
    links = "\n".join(
        f'<p>{PROSE}<a href="{html.escape(p, quote=True)}">link</a> '
        f'<img src="{html.escape(p, quote=True)}" alt="{html.escape(p, quote=True)}"></p>'
        for p in group
    )
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{index} {first}">
<meta name="author" content="{first}">
<meta name="description" content="{title}">
<meta property="og:url" content="{first}">
<link rel="canonical" href="{first}">
<meta property="article:published_time" content="2024-03-{1 + index % 28:02d}T10:00:00Z">
</head><body><article><h1>{title}</h1><p class="byline">By {first}</p>
{raw}
{text}
{links}
<p>{PROSE * 4}</p>
</article></body></html>
"""


def write_inbox(content: Path, groups: list[tuple[str, ...]], placed: Placements) -> None:
    inbox = content / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    number = 0
    for index, group in enumerate(groups):
        (inbox / f"saved-{index:03d}.html").write_text(saved_page(group, index), encoding="utf-8")
        placed.add("import: saved HTML (metadata, raw markup, links, images)", len(group))
        for payload in group:
            (inbox / f"pasted-{number:03d}.txt").write_text(pasted_text(payload), encoding="utf-8")
            placed.add("import: pasted text (headline, byline, body)")
            number += 1


def write_hostile_site(
    root: Path, payloads: tuple[str, ...], group_size: int, urls: tuple[str, ...], base: str
) -> Placements:
    """Write the whole hostile archive under `root`; returns what was placed where."""
    groups = [payloads[i : i + group_size] for i in range(0, len(payloads), group_size)]
    url_list = list(urls)
    placed = Placements()
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(site_yaml(payloads, groups, url_list, base))
    for key in ("title", "description", "owner", "extra"):
        placed.add(f"site.yaml {key}", len(payloads))
    placed.add("site.yaml language")
    placed.add("site.yaml base_url path")
    placed.add("site.yaml outlets (name, short_name, signatures)", len(payloads))
    placed.add("site.yaml outlets home", len(groups))
    write_articles(root / "content", groups, url_list, placed)
    write_inbox(root / "content", groups, placed)
    return placed
