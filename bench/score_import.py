"""Score `briefing import` on the labelled extraction set (../shared/data/extraction/).

    .venv/bin/python bench/score_import.py [--data DIR] [--kind html|text] [--details]

Every page is imported for real (HTML pages into one temporary archive, their pasted-text
copies into another, with one configuration: the default) and the written articles are read
back with `generator.content.parse_article`, so the figures are what an archive would hold.

Scoring, as the data README says:
- body: token F1 (bag of `\\w+` tokens, as the Zyte benchmark tokenises) between the gold
  body and the article's rendered text, mean over all pages;
- title: exact match after whitespace and quote normalisation;
- date (day): the calendar day, the prediction read in the gold's UTC offset; date (minute)
  also needs the minute where the gold has a time of day (reported, not a floor);
- author: set overlap (Jaccard) of normalised names.
Title, date and author are scored on the pages whose gold has them (the fundus subset).

Two more title figures, in a second table, because the gold headline is the site's metadata
headline, which a pasted copy often does not print:
- title = own headline: the title written is one of the headlines the page itself states
  (its saved HTML's JSON-LD, og:title, twitter:title, <h1> or <title>, cleaned as import
  cleans them), on every page, labelled or not: for pasted text, how often the header
  reader finds the page's headline;
- gold headline stated: the gold headline is among what the input states (HTML: one of
  those statements; pasted text: a line of the text), the most `title exact` can reach.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import statistics
import sys
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura

from generator.config import SiteConfig
from generator.content import parse_article
from generator.importer import ImportOptions, import_paths
from generator.importer.headlines import clean_statements
from generator.importer.pagemeta import read_meta
from generator.models import Article

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "extraction"
T = TypeVar("T")
_TOKEN = re.compile(r"\w+")
_TAG = re.compile(r"<[^>]+>")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "`": "'"})
_LIST_MARK = re.compile(r"^[*+•·▪►-]\s+")


@dataclass(frozen=True, slots=True)
class PageScore:
    """One page's scores; None where the gold has no value for the field."""

    name: str
    body: float
    title: bool | None
    day: bool | None
    minute: bool | None
    author: float | None
    title_own: bool
    """The title is one of the headlines the page's saved HTML states."""
    title_stated: bool | None
    """The gold headline is among what the input states (None without a gold title)."""


@dataclass(frozen=True, slots=True)
class Table:
    """Mean scores of one kind of input."""

    kind: str
    pages: int
    body: float
    title: float
    day: float
    minute: float
    author: float
    title_own: float
    title_stated: float


def token_f1(gold: str, predicted: str) -> float:
    """Bag-of-tokens F1 between two texts."""
    expected, found = Counter(_TOKEN.findall(gold)), Counter(_TOKEN.findall(predicted))
    overlap = sum((expected & found).values())
    if overlap == 0:
        return 1.0 if not expected and not found else 0.0
    precision, recall = overlap / sum(found.values()), overlap / sum(expected.values())
    return 2 * precision * recall / (precision + recall)


def same_title(gold: str, predicted: str | None) -> bool:
    """Exact match after whitespace and quote normalisation."""
    return predicted is not None and _squeeze(gold) == _squeeze(predicted)


def _squeeze(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split())


def same_day(gold: str, article: Article) -> bool:
    """The article's date falls on the gold's day (read in the gold's offset)."""
    expected = datetime.fromisoformat(gold)
    if article.date is None:
        return False
    if not article.date_has_time:
        return article.date.date() == expected.date()
    return article.date.astimezone(expected.tzinfo).date() == expected.date()


def same_minute(gold: str, article: Article) -> bool:
    """Same day, and the same instant to the minute when the gold has a time of day."""
    expected = datetime.fromisoformat(gold)
    if not same_day(gold, article):
        return False
    if expected.time() == datetime.min.time():
        return True  # the gold has only a day
    if article.date is None or not article.date_has_time:
        return False
    return abs((article.date - expected).total_seconds()) < 60


def author_overlap(gold: list[str], predicted: tuple[str, ...]) -> float:
    """Jaccard overlap of normalised names."""
    expected, found = {_name(n) for n in gold}, {_name(n) for n in predicted}
    if not expected and not found:
        return 1.0
    return len(expected & found) / len(expected | found)


def _name(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.sub(r"[^\w\s]", " ", plain.casefold()).split())


def plain_text(article: Article) -> str:
    """What a reader sees of the body: rendered HTML without tags."""
    return html.unescape(_TAG.sub(" ", article.body_html))


def score_kind(data: Path, kind: str) -> list[PageScore]:
    """Import every page of one kind into a fresh archive and score what was written."""
    rows = [json.loads(line) for line in (data / "ground_truth.jsonl").open(encoding="utf-8")]
    column = "file" if kind == "html" else "text_file"
    config = SiteConfig(timezone="UTC")
    with tempfile.TemporaryDirectory() as site:
        site_dir = Path(site)
        files = [data / row[column] for row in rows]
        results = import_paths(site_dir, config, files, ImportOptions())
        scores = []
        for row, result, path in zip(rows, results, files, strict=True):
            article = _read(site_dir, result.output, config.zone)
            own = own_headlines(data / row["file"])
            stated = own if kind == "html" else _lines(path)
            scores.append(_score(row, article, own, stated))
    return scores


def own_headlines(page: Path) -> frozenset[str]:
    """The headlines a saved page states about itself, cleaned as import cleans them."""
    tree = trafilatura.load_html(page.read_text(encoding="utf-8", errors="replace"))
    meta = read_meta(tree)
    statements = clean_statements(meta.titles, meta.site_names, meta.urls)
    return frozenset(_squeeze(text) for _, text in statements)


def _lines(path: Path) -> frozenset[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return frozenset(_squeeze(_LIST_MARK.sub("", line.strip())) for line in text.splitlines())


def _read(site_dir: Path, output: str | None, zone: ZoneInfo) -> Article | None:
    if output is None:
        return None
    rel = output.removeprefix("content/")
    article, _ = parse_article((site_dir / output).read_bytes(), rel, zone)
    return article


def _score(
    row: dict[str, object], article: Article | None, own: frozenset[str], stated: frozenset[str]
) -> PageScore:
    name = str(row["file"]).rsplit("/", 1)[-1].rsplit(".", 1)[0]
    gold_title, gold_date, gold_authors = row.get("title"), row.get("date"), row.get("authors")
    in_input = _squeeze(str(gold_title)) in stated if gold_title else None
    if article is None:
        return PageScore(name, 0.0, _none_or(row, "title", False), _none_or(row, "date", False),
                         _none_or(row, "date", False), _none_or(row, "authors", 0.0), False,
                         in_input)  # fmt: skip
    return PageScore(
        name=name,
        body=token_f1(str(row["body"]), plain_text(article)),
        title=same_title(str(gold_title), article.title) if gold_title else None,
        day=same_day(str(gold_date), article) if gold_date else None,
        minute=same_minute(str(gold_date), article) if gold_date else None,
        author=author_overlap(list(gold_authors), article.authors)  # type: ignore[call-overload]
        if gold_authors
        else None,
        title_own=article.title is not None and _squeeze(article.title) in own,
        title_stated=in_input,
    )


def _none_or(row: dict[str, object], key: str, value: T) -> T | None:
    return value if row.get(key) else None


def table(kind: str, scores: list[PageScore]) -> Table:
    """Means over the pages that have each field."""

    def mean(values: list[float | bool | None]) -> float:
        present = [float(v) for v in values if v is not None]
        return statistics.mean(present) if present else 0.0

    return Table(
        kind=kind,
        pages=len(scores),
        body=mean([s.body for s in scores]),
        title=mean([s.title for s in scores]),
        day=mean([s.day for s in scores]),
        minute=mean([s.minute for s in scores]),
        author=mean([s.author for s in scores]),
        title_own=mean([s.title_own for s in scores]),
        title_stated=mean([s.title_stated for s in scores]),
    )


def render(tables: list[Table]) -> str:
    """The issue's table (plus date to the minute)."""
    columns: tuple[str, ...] = ("input", "pages", "body token F1 (mean)", "title exact")
    columns += ("date (day)", "author")
    columns += ("date (minute)",)
    lines = ["| " + " | ".join(columns) + " |", "|---" * len(columns) + "|"]
    names = {"html": "HTML", "text": "pasted text"}
    for t in tables:
        lines.append(
            f"| {names[t.kind]} | {t.pages} | {t.body:.3f} | {t.title:.3f} | {t.day:.3f} "
            f"| {t.author:.3f} | {t.minute:.3f} |"
        )
    second = ("input", "title = own headline (all pages)", "gold headline stated (ceiling)")
    lines += ["", "| " + " | ".join(second) + " |", "|---" * len(second) + "|"]
    for t in tables:
        lines.append(f"| {names[t.kind]} | {t.title_own:.3f} | {t.title_stated:.3f} |")
    return "\n".join(lines)


def main() -> int:
    """Print the quality table (and per-page scores with --details)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--kind", choices=("html", "text"), action="append")
    parser.add_argument("--details", action="store_true", help="print every page's scores")
    args = parser.parse_args()
    if not (args.data / "ground_truth.jsonl").is_file():
        print(f"no labelled data at {args.data}", file=sys.stderr)
        return 1
    tables = []
    for kind in args.kind or ("html", "text"):
        scores = score_kind(args.data, kind)
        if args.details:
            for s in sorted(scores, key=lambda s: s.body):
                print(
                    f"{kind} {s.body:.3f} t={s.title} d={s.day} m={s.minute} a={s.author} "
                    f"own={s.title_own} stated={s.title_stated} {s.name}"
                )
        tables.append(table(kind, scores))
    print(render(tables))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
