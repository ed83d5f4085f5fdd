"""The summary stage of two checkouts of briefing on one site, timed side by side.

    .venv/bin/python bench/ab_summaries.py OTHER_CHECKOUT SITE [--rounds 4] [--every 1]

Each round runs both at once, this checkout's code on one core and OTHER_CHECKOUT's on
the other (`taskset`), and swaps the cores for the next round. On a shared machine the
speed moves by 20-40% within an hour, more than a change to the summaries does; two runs
side by side meet the same machine, so their ratio is what can be compared (one after
the other, four runs each way could not tell a 6% change from the machine). Each
process is this checkout's `summary_speed.py` with `--code` naming its checkout: it loads
and groups the site as a build does (not timed), then summarises every `--every`-th
topic. Both CPU times are printed, and whether the two checkouts wrote the same
summaries, byte for byte (their archive.json forms).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SPEED = Path(__file__).resolve().parent / "summary_speed.py"
_CPU = re.compile(r"\(([\d.]+) s CPU\)")


def start(
    checkout: Path, site: Path, every: int, out: Path, core: int | None
) -> subprocess.Popen[str]:
    """One checkout's run of `summary_speed.py`, pinned to `core` where `taskset` is there
    to pin it."""
    command = [
        sys.executable, str(SPEED), str(site), "--code", str(checkout), "--every", str(every),
        "--dump", str(out), "--slowest", "0",
    ]  # fmt: skip
    if core is not None:
        command = ["taskset", "-c", str(core), *command]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def finished(run: subprocess.Popen[str]) -> tuple[int, float]:
    """The topics summarised and the CPU seconds it took, from the run's report."""
    output, _ = run.communicate()
    found = _CPU.search(output)
    if run.returncode != 0 or found is None:
        raise SystemExit(f"a run failed (exit {run.returncode}):\n{output}")
    return int(output.split()[0]), float(found.group(1))


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
                start(SPEED.parents[1], args.site, args.every, ours, here if pin else None),
                start(args.other.resolve(), args.site, args.every, theirs, there if pin else None),
            ]
            (topics, mine), (_, other) = (finished(run) for run in runs)
            ratios.append(mine / other)
            print(
                f"round {number + 1}: {topics} topics, this checkout {mine:.2f} s CPU, "
                f"the other {other:.2f} s (ratio {ratios[-1]:.3f})"
            )
            same = ours.read_bytes() == theirs.read_bytes()
            print("  summaries: " + ("the same, byte for byte" if same else "DIFFERENT"))
    print(f"median ratio (this / other): {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
