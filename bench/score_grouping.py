"""Score story grouping against the labelled clusters in ../shared/data/clusters/.

    python bench/score_grouping.py [--data DIR] [--only ecbplus,basil]

Each file (and all of them together, as one inbox) is written as Markdown articles into a
temporary archive, read back with `content.load_content` and grouped with
`topics.group_topics` under the default settings: the path a build takes. The labels
(`cluster`) are only used to score. Prints B-cubed precision, recall and F1, and the
adjusted Rand index. The data are the outlets' copyright: nothing of them is kept.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.config import TopicsConfig
from generator.content import load_content
from generator.frontmatter import dump
from generator.models import Article
from generator.topics import group_topics

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "clusters"
FILES = ("ecbplus", "basil", "allsides")
INBOX = "all three"
ZONE = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class Labelled:
    """One labelled article of the data: what is written, and its gold story."""

    key: str
    """The data's own id: names nothing in the archive (file names are hashed)."""
    cluster: str
    """Gold story label; used only to score."""
    title: str | None
    text: str
    outlet: str | None
    date: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class Scores:
    """Agreement of a grouping with the gold stories."""

    name: str
    articles: int
    stories: int
    """Gold stories."""
    topics: int
    """Topics found."""
    precision: float
    """B-cubed precision: how pure each article's topic is."""
    recall: float
    """B-cubed recall: how much of each article's story its topic holds."""
    f1: float
    ari: float
    """Adjusted Rand index."""
    seconds: float
    """Time spent in `group_topics`."""


def read_labelled(path: Path) -> list[Labelled]:
    """The rows of one clusters/*.jsonl file."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [
        Labelled(r["id"], r["cluster"], r["title"], r["text"], r["outlet"], r["date"], r["url"])
        for r in rows
    ]


def file_stem(key: str) -> str:
    """A file name that reveals nothing about the row (its id names the gold event)."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return "".join(chr(97 + byte % 26) for byte in digest[:12])


def write_archive(rows: Iterable[Labelled], content: Path) -> dict[str, str]:
    """Write rows as content/articles/*.md; returns article id -> gold story."""
    folder = content / "articles" / "inbox"
    folder.mkdir(parents=True, exist_ok=True)
    gold: dict[str, str] = {}
    for row in rows:
        stem = file_stem(row.key)
        meta = {"title": row.title or None, "outlet": row.outlet, "author": [], "date": row.date}
        meta["url"] = row.url
        body = "\n" + row.text.strip() + "\n"
        (folder / f"{stem}.md").write_text(dump(meta, body), encoding="utf-8")
        gold[f"inbox/{stem}"] = row.cluster
    return gold


def b_cubed(found: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float]:
    """Mean B-cubed precision and recall over the items of `gold`."""
    pairs = Counter((found[item], gold[item]) for item in gold)
    found_sizes = Counter(found[item] for item in gold)
    gold_sizes = Counter(gold.values())
    precision = sum(n * n / found_sizes[f] for (f, _), n in pairs.items()) / len(gold)
    recall = sum(n * n / gold_sizes[g] for (_, g), n in pairs.items()) / len(gold)
    return precision, recall


def adjusted_rand(found: Mapping[str, str], gold: Mapping[str, str]) -> float:
    """Adjusted Rand index of two labelings of the same items."""

    def pairs(counts: Iterable[int]) -> float:
        return sum(n * (n - 1) / 2 for n in counts)

    both = pairs(Counter((found[i], gold[i]) for i in gold).values())
    rows = pairs(Counter(found[i] for i in gold).values())
    cols = pairs(Counter(gold.values()).values())
    expected = rows * cols / pairs([len(gold)]) if len(gold) > 1 else 0.0
    top = (rows + cols) / 2 - expected
    return (both - expected) / top if top else 1.0


def score(name: str, rows: Sequence[Labelled], settings: TopicsConfig) -> Scores:
    """Write, load and group `rows` as a build would, then compare with the gold stories."""
    with tempfile.TemporaryDirectory() as tmp:
        gold = write_archive(rows, Path(tmp))
        content = load_content(Path(tmp), ZONE)
    started = time.perf_counter()
    topics = group_topics(content.articles, content.notes, settings)
    seconds = time.perf_counter() - started
    found = {aid: topic.id for topic in topics for aid in topic.article_ids}
    precision, recall = b_cubed(found, gold)
    f1 = 2 * precision * recall / (precision + recall)
    return Scores(
        name, len(gold), len(set(gold.values())), len(topics), precision, recall, f1,
        adjusted_rand(found, gold), seconds,
    )  # fmt: skip


def load_articles(rows: Sequence[Labelled]) -> tuple[list[Article], dict[str, str]]:
    """The articles a build would read for `rows`, and their gold stories (for experiments)."""
    with tempfile.TemporaryDirectory() as tmp:
        gold = write_archive(rows, Path(tmp))
        return list(load_content(Path(tmp), ZONE).articles), gold


def score_all(data: Path, names: Sequence[str], settings: TopicsConfig) -> list[Scores]:
    """Scores per file, then for all the files as one inbox."""
    rows = {name: read_labelled(data / f"{name}.jsonl") for name in names}
    results = [score(name, rows[name], settings) for name in names]
    if len(names) > 1:
        results.append(score(INBOX, [r for name in names for r in rows[name]], settings))
    return results


def table(results: Sequence[Scores]) -> str:
    """The scores as a Markdown table."""
    lines = [
        "| data | articles | stories | topics | B3 precision | B3 recall | B3 F1 | ARI | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in results:
        lines.append(
            f"| {s.name} | {s.articles} | {s.stories} | {s.topics} | {s.precision:.3f} | "
            f"{s.recall:.3f} | {s.f1:.3f} | {s.ari:.3f} | {s.seconds:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the *.jsonl files")
    parser.add_argument("--only", default=",".join(FILES), help="comma-separated file names")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"{args.data}: not found (the labelled data live in ../shared/data/clusters)")
    print(table(score_all(args.data, args.only.split(","), TopicsConfig())))


if __name__ == "__main__":
    main()
