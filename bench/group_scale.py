"""Grouping time and memory on a synthetic archive of N articles (deterministic seed).

    python bench/group_scale.py [--sizes 10000,100000] [--seed 7]

Articles come from bench/synth.py's story generator (500-1,200 words, 36 outlets over four
years, about 40% of stories covered by 2-6 outlets) and are built in memory, so the
figures are those of `topics.group_topics` alone, not of reading Markdown. Each size runs
in a fresh process: the peak memory is that process's peak resident size less its size
before grouping. B-cubed F1 against the generated stories is a sanity check only (the
word list is tiny, so unrelated stories share far more words than real news does).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from score_grouping import b_cubed
from synth import OUTLETS, Story, article_text, make_story

from generator.config import TopicsConfig
from generator.models import Article, Paragraph
from generator.topics import group_topics

START = datetime(2021, 1, 1, tzinfo=UTC)


def synthetic_articles(count: int, seed: int) -> tuple[list[Article], dict[str, str]]:
    """`count` articles as synth.py writes them, and the story of each (by article id)."""
    rng = random.Random(seed)
    articles: list[Article] = []
    story_of: dict[str, str] = {}
    while len(articles) < count:
        story = make_story(rng, START)
        covering = rng.sample(OUTLETS, rng.randrange(2, 7) if rng.random() < 0.4 else 1)
        for outlet in covering[: count - len(articles)]:
            articles.append(synthetic_article(rng, story, outlet, len(articles)))
            story_of[articles[-1].id] = f"{story.when:%Y%m%d%H%M}-{story.person}"
    return articles, story_of


def synthetic_article(rng: random.Random, story: Story, outlet: str, number: int) -> Article:
    """One outlet's article on `story`, as synth.write_article makes it, in memory."""
    date = story.when + timedelta(hours=rng.randrange(0, 36))
    text = article_text(rng, story)
    paragraphs = text.strip().split("\n\n")
    article_id = f"{date:%Y/%m}/a{number:06d}"
    return Article(
        id=article_id,
        path=f"articles/{article_id}.md",
        title=f"{story.event.capitalize()} in {story.place}: {story.person} speaks",
        outlet=outlet,
        authors=(),
        date=date,
        date_has_time=True,
        body_markdown=text,
        body_html="",
        paragraphs=tuple(Paragraph(i, p) for i, p in enumerate(paragraphs, start=1)),
    )


def resident_mb() -> float:
    """Current resident size of this process in MB (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def measure(size: int, seed: int) -> dict[str, float]:
    """Group `size` synthetic articles; time, peak memory and sanity scores."""
    articles, story_of = synthetic_articles(size, seed)
    before = resident_mb()
    started = time.perf_counter()
    topics = group_topics(articles, (), TopicsConfig())
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = {aid: topic.id for topic in topics for aid in topic.article_ids}
    precision, recall = b_cubed(found, story_of)
    return {
        "articles": size, "topics": len(topics), "seconds": seconds,
        "peak_mb": peak - before, "precision": precision, "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated sizes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.seed)))
        return
    print("| articles | topics | grouping seconds | peak MB | B3 precision | B3 recall | B3 F1 |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in (int(s) for s in args.sizes.split(",")):
        command = [sys.executable, __file__, "--one", str(size), "--seed", str(args.seed)]
        row = json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
        print(
            f"| {size:,} | {row['topics']:,} | {row['seconds']:.1f} | {row['peak_mb']:.0f} | "
            f"{row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
