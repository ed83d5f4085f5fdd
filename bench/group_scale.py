"""Grouping time and memory on a synthetic archive of N articles (deterministic seed).

    python bench/group_scale.py [--sizes 10000,100000] [--seed 7] [--edits]

Articles come from bench/synth.py's story generator (500-1,200 words, 36 outlets over four
years, about 40% of stories covered by 2-6 outlets) and are built in memory, so the
figures are those of `topics.group_topics` alone, not of reading Markdown. Each size runs
in a fresh process: the peak memory is that process's peak resident size less its size
before grouping. B-cubed F1 against the generated stories is a sanity check only (the
word list is tiny, so unrelated stories share far more words than real news does).

`--edits` times the grouping as a build does it instead (`build.cached_cluster` with a
build cache in a temporary folder): cold, then after an edit of one article's first
paragraph in the same process (the preview: the cache's memory kept), then after an edit
of another article in a new process (`briefing build`: the cache read from its file).
Each regrouping is checked against grouping the same articles without any cache.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from score_grouping import b_cubed
from synth import OUTLETS, Story, article_text, make_story

from generator.build import cached_cluster
from generator.cache import BuildCache, Memory
from generator.config import TopicsConfig
from generator.models import Article, Body, Paragraph, Topic
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
        body=Body("", tuple(Paragraph(i, p) for i, p in enumerate(paragraphs, start=1))),
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


def edited(articles: list[Article], position: int) -> list[Article]:
    """`articles` with a sentence added to the first paragraph of the one at `position`."""
    article = articles[position]
    first, *rest = article.paragraphs
    opening = Paragraph(first.number, first.text + " Officials said an inquiry would follow.")
    changed = dataclasses.replace(article, body=Body("", (opening, *rest)))
    return [*articles[:position], changed, *articles[position + 1 :]]


def timed_grouping(articles: list[Article], cache: BuildCache) -> tuple[str, tuple[Topic, ...]]:
    """Seconds to group as a build does, as "wall (CPU)" (the cache saved after, not
    timed), and the topics. The garbage collector is paused, as during a build. CPU
    seconds vary less than wall seconds on a machine shared with other work."""
    gc.disable()
    started, cpu = time.perf_counter(), time.process_time()
    topics = group_topics(articles, (), TopicsConfig(), None, partial(cached_cluster, cache))
    seconds = f"{time.perf_counter() - started:.2f} ({time.process_time() - cpu:.2f})"
    gc.enable()
    cache.save()
    return seconds, topics


def from_scratch(articles: list[Article], topics: tuple[Topic, ...]) -> bool:
    """Whether `topics` are those of grouping `articles` without any cache."""
    return group_topics(articles, (), TopicsConfig()) == topics


def measure_edits(size: int, seed: int, folder: Path, phase: str) -> dict[str, str | bool]:
    """Phase "first": cold, then one edit with the cache's memory kept. Phase "second"
    (run in a new process after it): another edit, the cache read from its file."""
    articles = synthetic_articles(size, seed)[0]
    once = edited(articles, size // 2)
    if phase == "second":
        twice = edited(once, size // 3)
        seconds, topics = timed_grouping(twice, BuildCache(folder))
        return {"new_process": seconds, "same_new": from_scratch(twice, topics)}
    memory = Memory()
    cold, _ = timed_grouping(articles, BuildCache(folder, memory=memory))
    seconds, topics = timed_grouping(once, BuildCache(folder, memory=memory))
    return {"cold": cold, "same_process": seconds, "same_kept": from_scratch(once, topics)}


def edit_table(sizes: list[int], seed: int) -> None:
    """The --edits table: each size in two fresh processes sharing one cache folder."""
    print("| articles | cold s (CPU) | edit, same process | edit, new process | as from scratch |")
    print("|---:|---:|---:|---:|:---:|")
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            row: dict[str, str | bool] = {}
            for phase in ("first", "second"):
                command = [sys.executable, __file__, "--one", str(size), "--seed", str(seed)]
                command += ["--edits", "--phase", phase, "--cache", folder]
                row |= json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
        same = "yes" if row["same_kept"] and row["same_new"] else "NO"
        print(
            f"| {size:,} | {row['cold']} | {row['same_process']} | {row['new_process']} | {same} |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated sizes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--edits", action="store_true", help="time regrouping after edits")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.one and args.edits:
        print(json.dumps(measure_edits(args.one, args.seed, args.cache, args.phase)))
        return
    if args.one:
        print(json.dumps(measure(args.one, args.seed)))
        return
    if args.edits:
        edit_table(sizes, args.seed)
        return
    print("| articles | topics | grouping seconds | peak MB | B3 precision | B3 recall | B3 F1 |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        command = [sys.executable, __file__, "--one", str(size), "--seed", str(args.seed)]
        row = json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
        print(
            f"| {size:,} | {row['topics']:,} | {row['seconds']:.1f} | {row['peak_mb']:.0f} | "
            f"{row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
