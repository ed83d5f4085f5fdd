"""Edit builds of two checkouts of briefing, timed in turn on two copies of one archive.

    .venv/bin/python bench/ab_edits.py OTHER_CHECKOUT ARCHIVE [--rounds 8]
        [--part lead|body|any|added|newest|returned] [--work DIR]

ARCHIVE is a site folder (`build_scale.py` writes them: `--work`/archive-N). It is copied
twice into --work, once for each checkout, each copy with its own `.cache/` (a cache
made by one checkout's code is of no use to the other's). Each copy is built twice first
(the first may rebuild everything for its code). Then each round makes the same edit to
both copies (`build_scale.edit_one` with the round's seed: a sentence added to one
article, in its lead, past it, or anywhere; or, with `--part added`, an article added by
`build_scale.add_one`, by a new author with a new tag; with `--part newest`, dated after
every other, as today's coverage is; with `--part returned`, one of the archive's own
articles taken out, both copies built without it (not timed), and put back: an article
that arrives as real coverage does, which the build's guess at the grouping must place
among stories that did not have it) and builds each, in an order
that alternates between rounds, so that the two checkouts meet the same machine: on a
shared machine the speed moves by 20-40% within an hour, more than most changes do. Each build is a
whole `briefing build` process under /usr/bin/time. It prints both checkouts' median
wall and CPU seconds, every round's wall seconds, how many of the builds grouped twice
(their guess at the grouping failed), and whether the two sites were the same byte for
byte at the end. Both checkouts' modules are compiled to bytecode first
(as `build_scale.py` does its own); before 2026-12-04, 21:00, the other checkout's were
not, and where PYTHONDONTWRITEBYTECODE was set its builds compiled them every time.
"""

from __future__ import annotations

import argparse
import compileall
import filecmp
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_scale import Run, add_one, build_once, edit_one

HERE = Path(__file__).resolve().parents[1]


def same_sites(first: Path, second: Path) -> bool:
    """Whether two built sites hold the same files with the same bytes."""
    compared = filecmp.dircmp(first, second)
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(first, second, compared.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(same_sites(first / name, second / name) for name in compared.common_dirs)


def compiled_checkouts(other: Path) -> dict[str, Path]:
    """This checkout and `other`, by the names the results give them, their modules
    compiled to bytecode first, as installing does: where PYTHONDONTWRITEBYTECODE is set,
    a checkout without bytecode would compile its modules in every build (0.1-0.3 s of an
    edit's)."""
    checkouts = {"this": HERE, "other": other.resolve()}
    for code in checkouts.values():
        compileall.compile_dir(code / "generator", quiet=1)
    return checkouts


def taken_out(sites: dict[str, Path], rng: random.Random, work: Path) -> list[tuple[Path, Path]]:
    """The same article, chosen by `rng`, moved out of each site into `work`: for each
    site, where it was and where it is."""
    first = next(iter(sites.values()))
    articles = sorted(first.glob("content/articles/**/*.md"))
    relative = rng.choice(articles).relative_to(first)
    taken = []
    for name, site in sites.items():
        outside = work / f"taken-out-{name}.md"
        shutil.move(site / relative, outside)
        taken.append((site / relative, outside))
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="the other checkout (its folder)")
    parser.add_argument("archive", type=Path, help="a site folder to copy")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument(
        "--part", choices=("lead", "body", "any", "added", "newest", "returned"), default="lead"
    )
    parser.add_argument("--work", type=Path, default=None, help="where the copies go")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ab-edits-"))
    checkouts = compiled_checkouts(args.other)
    sites: dict[str, Path] = {}
    for name in checkouts:
        sites[name] = work / f"site-{name}"
        shutil.rmtree(sites[name], ignore_errors=True)
        shutil.copytree(args.archive, sites[name], symlinks=True)
        for _ in range(2):
            build_once(sites[name], code=checkouts[name])
    runs: dict[str, list[Run]] = {name: [] for name in checkouts}
    for round_number in range(args.rounds):
        order = list(checkouts) if round_number % 2 == 0 else list(checkouts)[::-1]
        if args.part == "returned":
            taken = taken_out(sites, random.Random(1000 + round_number), work)
            for name in order:
                build_once(sites[name], code=checkouts[name])
            for inside, outside in taken:
                shutil.move(outside, inside)
        for site in sites.values():
            rng = random.Random(1000 + round_number)
            if args.part in ("added", "newest"):
                add_one(site, rng, newest=args.part == "newest")
            elif args.part != "returned":
                edit_one(site, rng, args.part)
        for name in order:
            runs[name].append(build_once(sites[name], code=checkouts[name]))
    for name, found in runs.items():
        wall = statistics.median(run.seconds for run in found)
        cpu = statistics.median(run.cpu_seconds for run in found)
        rounds = " ".join(f"{run.seconds:.2f}" for run in found)
        twice = sum(1 for run in found if run.groupings > 1)
        print(
            f"{name} ({checkouts[name]}): wall {wall:.3f} s, CPU {cpu:.3f} s; rounds {rounds};"
            f" grouped twice in {twice} of {len(found)}"
        )
    same = same_sites(sites["this"] / "build", sites["other"] / "build")
    print("the two sites are", "the same byte for byte" if same else "DIFFERENT")


if __name__ == "__main__":
    main()
