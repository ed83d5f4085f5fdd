"""Cold builds of two checkouts of briefing, timed in turn, each on a fresh copy of one archive.

    .venv/bin/python bench/ab_cold.py OTHER_CHECKOUT ARCHIVE [--rounds 6] [--work DIR]

ARCHIVE is a site folder (`build_scale.py` writes them: `--work`/archive-N). Each build
gets a fresh copy of its `site.yaml`, `content/` and `templates/` (if any) in --work: no
`.cache/`, no `build/`, so each is a first build into a new folder, and no build meets
what an earlier one left. (A copy kept per checkout between builds was tried first: one
copy's builds took 0.4-0.6 s more system time than the other's at 1,000 articles,
whichever checkout built it.) The copy of the previous build is removed before the next
is made. The two checkouts alternate which builds first in each round, so that they meet
the same machine: on a shared machine the speed moves by 20-40% within an hour. Each
build is a whole `briefing build --no-cache` process under /usr/bin/time. It prints each
checkout's median wall, user and system seconds and median seconds per stage, every
round's wall seconds, and whether the last two sites were the same byte for byte. Both
checkouts' modules are compiled to bytecode first, as `build_scale.py` does its own.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ab_edits import compiled_checkouts, same_sites
from build_scale import STAGES, Run, build_once

INPUTS = ("site.yaml", "content", "templates")
"""What of the archive each build gets a copy of."""


def fresh_copy(archive: Path, target: Path) -> Path:
    """`target` made anew with a copy of the archive's inputs, and nothing else."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in INPUTS:
        source = archive / name
        if source.is_dir():
            shutil.copytree(source, target / name, symlinks=True)
        elif source.is_file():
            shutil.copy2(source, target / name)
    return target


def summary_line(name: str, code: Path, found: list[Run]) -> str:
    """A checkout's medians: wall and CPU seconds, each stage, and every round's wall."""
    wall = statistics.median(run.seconds for run in found)
    cpu = statistics.median(run.cpu_seconds for run in found)
    stages = " ".join(
        f"{stage} {statistics.median(run.stages.get(stage, 0.0) for run in found):.2f}"
        for stage in STAGES
    )
    rounds = " ".join(f"{run.seconds:.2f}" for run in found)
    return f"{name} ({code}): wall {wall:.2f} s, CPU {cpu:.2f} s; {stages}; rounds {rounds}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="the other checkout (its folder)")
    parser.add_argument("archive", type=Path, help="a site folder whose inputs are copied")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--work", type=Path, default=None, help="where the copies go")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ab-cold-"))
    checkouts = compiled_checkouts(args.other)
    runs: dict[str, list[Run]] = {name: [] for name in checkouts}
    for round_number in range(args.rounds):
        order = list(checkouts) if round_number % 2 == 0 else list(checkouts)[::-1]
        last = round_number == args.rounds - 1
        for name in order:
            if not last:  # one site on disk at a time; the last round's two are compared
                for other in checkouts:
                    shutil.rmtree(work / f"site-{other}", ignore_errors=True)
            site = fresh_copy(args.archive, work / f"site-{name}")
            runs[name].append(build_once(site, "--no-cache", code=checkouts[name]))
    for name, found in runs.items():
        print(summary_line(name, checkouts[name], found))
    same = same_sites(work / "site-this" / "build", work / "site-other" / "build")
    print("the last two sites are", "the same byte for byte" if same else "DIFFERENT")


if __name__ == "__main__":
    main()
