"""The summary stage of two checkouts of briefing on one site, timed side by side.

    .venv/bin/python bench/ab_summaries.py OTHER_CHECKOUT SITE [--rounds 4] [--every 1]

Each round runs both at once, this checkout's code on one core and OTHER_CHECKOUT's on
the other (`taskset`), and swaps the cores for the next round. On a shared machine the
speed moves by 20-40% within an hour, more than a change to the summaries does; two runs
side by side meet the same machine, so their ratio is what can be compared (one after
the other, four runs each way could not tell a 6% change from the machine). Each
process loads and groups the site as a build does (not timed), then summarises every
`--every`-th topic; its CPU seconds are printed, and whether the two checkouts wrote the
same summaries, byte for byte (their archive.json forms).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]

# Run in each checkout's process: its own `generator` first on the path.
PROGRAM = """
import json, sys, time
from pathlib import Path
checkout, site, every, out = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
sys.path.insert(0, checkout)
from generator.config import load_config
from generator.content import load_content
from generator.summarize import summarize_topic
from generator.topics import group_topics
config = load_config(site)
content = load_content(site / config.paths.content, config.zone)
topics = group_topics(content.articles, content.notes, config.topics)[::every]
by_id = {a.id: a for a in content.articles}
started = time.process_time()
dumped = {
    t.id: summarize_topic(t, [by_id[i] for i in t.article_ids], config.zone).to_json()
    for t in topics
}
seconds = time.process_time() - started
Path(out).write_text(json.dumps(dumped, sort_keys=True), encoding="utf-8")
print(json.dumps({"topics": len(topics), "cpu": seconds}))
"""


def start(
    checkout: Path, site: Path, every: int, out: Path, core: int | None
) -> subprocess.Popen[str]:
    """One checkout's run, pinned to `core` where `taskset` is there to pin it."""
    command = [sys.executable, "-c", PROGRAM, str(checkout), str(site), str(every), str(out)]
    if core is not None:
        command = ["taskset", "-c", str(core), *command]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def finished(run: subprocess.Popen[str]) -> dict[str, float]:
    output, _ = run.communicate()
    if run.returncode != 0:
        raise SystemExit(f"a run failed (exit {run.returncode})")
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="the other checkout (its folder)")
    parser.add_argument("site", type=Path)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--every", type=int, default=1, help="summarise every N-th topic")
    args = parser.parse_args()
    pin = shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2
    ratios = []
    with tempfile.TemporaryDirectory(prefix="ab-summaries-") as scratch:
        ours, theirs = Path(scratch) / "this.json", Path(scratch) / "other.json"
        for number in range(args.rounds):
            here, there = (0, 1) if number % 2 == 0 else (1, 0)
            runs = [
                start(HERE, args.site, args.every, ours, here if pin else None),
                start(args.other.resolve(), args.site, args.every, theirs, there if pin else None),
            ]
            mine, other = (finished(run) for run in runs)
            ratios.append(mine["cpu"] / other["cpu"])
            print(
                f"round {number + 1}: {int(mine['topics'])} topics, this checkout "
                f"{mine['cpu']:.2f} s CPU, the other {other['cpu']:.2f} s "
                f"(ratio {ratios[-1]:.3f})"
            )
            same = ours.read_bytes() == theirs.read_bytes()
            print("  summaries: " + ("the same, byte for byte" if same else "DIFFERENT"))
    print(f"median ratio (this / other): {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
