"""Time the summary stage alone: `summarize_topic` over every topic of a site.

    python bench/summary_speed.py SITE [--dump out.json] [--slowest 5] [--every N]
        [--code CHECKOUT]

Loads content/ and groups it as a build does, then summarises each topic and prints the
total time, the number of topics and articles, and the slowest topics (with their size),
so that a topic's cost can be checked against its own article count. `--dump` writes every
summary's archive.json form, to compare the output of two versions of the code. CPU
seconds are printed beside wall seconds: on a shared machine they move less with other
people's load. (Run it several times for a median: a second run in one process would find
the memos of stems and quote overlaps warm, unlike a build.) `--every N` summarises every
N-th topic only; `--code` times another checkout's generator (bench/ab_summaries.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--dump", type=Path, help="write every summary as JSON here")
    parser.add_argument("--slowest", type=int, default=5)
    parser.add_argument("--every", type=int, default=1, help="summarise every N-th topic")
    parser.add_argument("--code", type=Path, default=HERE, help="the checkout whose code runs")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))  # before the generator is imported
    from generator.config import load_config
    from generator.content import load_content
    from generator.summarize import summarize_topic
    from generator.topics import group_topics

    config = load_config(args.site)
    content = load_content(args.site / config.paths.content, config.zone)
    topics = group_topics(content.articles, content.notes, config.topics)[:: args.every]
    by_id = {a.id: a for a in content.articles}
    timings = []
    dumped = {}
    started, cpu_started = time.perf_counter(), time.process_time()
    for topic in topics:
        members = [by_id[i] for i in topic.article_ids]
        begun = time.perf_counter()
        summary = summarize_topic(topic, members, config.zone)
        timings.append((time.perf_counter() - begun, len(members), topic.id))
        if args.dump:
            dumped[topic.id] = summary.to_json()
    total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(
        f"{len(topics)} topics, {len(content.articles)} articles: {total:.2f} s summarising "
        f"({cpu:.2f} s CPU)"
    )
    for seconds, size, name in sorted(timings, reverse=True)[: args.slowest]:
        print(f"  {seconds * 1000:8.1f} ms  {size:3d} articles  {name}")
    if args.dump:
        args.dump.write_text(json.dumps(dumped, indent=1, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main()
