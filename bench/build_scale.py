"""Build speed and memory on synthetic archives of N articles: the table of issue 9.

    .venv/bin/python bench/build_scale.py [--sizes 1000,10000,100000] [--runs 3]
        [--work DIR] [--import-count 200]

For each size it writes (once, kept in --work) an archive from bench/synth.py, then times
whole `briefing build` processes, each under /usr/bin/time for its peak memory:
- cold: `--no-cache` (nothing reused; Pagefind's index cache emptied too);
- warm: the same input again, nothing changed;
- first edit: after one article's body changed (a different article each run), the
  first build after the cold one;
- edit: the same again, after that build (a user's usual edit);
- edit (body), edit (lead): the same again, the sentence added past the article's lead
  (what grouping reads: the grouping is taken from the cache) or to its first paragraph
  (the articles are grouped again), so that each kind has its own figure;
- added: after an article was added (`add_one`: another's text under a new title, by a
  new author, with a new tag), the commonest change to an archive.
Each figure is the median of --runs runs; the seconds per stage come from `--timings`
of the median run. CPU seconds (user and system, the build's processes and Pagefind's)
are the median of their own: on a shared machine they move less with other people's
load than wall seconds do, so they compare two versions of the code better.
The package's modules are compiled to bytecode first, as installing
it does: where PYTHONDONTWRITEBYTECODE is set (this project's benchmark machine sets
it), every build process would otherwise compile them from source, a third of a second.
Import throughput is measured on --import-count pasted-text pages and
as many HTML pages written from the same stories. The machine is printed first.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import OUTLETS, article_text, make_story, write_archive

import generator
from generator.leads import LEAD_CHARS
from generator.slugs import slugify

PYTHON = sys.executable
STAGES = ("load", "group", "summarise", "render", "write")
_STAGE = re.compile(r"^\s*(\w+)\s+([\d.]+) s$", re.MULTILINE)
_TIME = re.compile(r"^TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)$", re.MULTILINE)


@dataclass(frozen=True)
class Run:
    """One build process: wall seconds, peak resident MB, seconds per stage, and CPU
    seconds (user and system, with its child processes)."""

    seconds: float
    peak_mb: float
    stages: dict[str, float]
    cpu_seconds: float
    groupings: int = 1
    """How many times the build grouped and summarised (twice when its guess failed)."""


def machine() -> str:
    """CPU model, cores, memory and Python: the context of every figure."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else model
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def build_once(site: Path, *flags: str, code: Path | None = None) -> Run:
    """One `briefing build` in a fresh process, measured by /usr/bin/time; by the
    checkout `code` when given (first on the path; the build runs from the site's parent
    folder, as `python -m` puts the working folder before PYTHONPATH)."""
    command = ["/usr/bin/time", "-f", "TIME %e %M %U %S", PYTHON, "-m", "generator", "build"]
    command += ["--site", str(site), "--timings", *flags]
    environment, folder = None, None
    if code is not None:
        environment, folder = dict(os.environ, PYTHONPATH=str(code)), site.resolve().parent
    result = subprocess.run(
        command, capture_output=True, text=True, env=environment, cwd=folder, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stdout}\n{result.stderr}")
    seconds, kilobytes, user, system = _TIME.findall(result.stderr)[-1]
    stages: dict[str, float] = {}
    for name, value in _STAGE.findall(result.stderr):  # a build that groups twice lists
        stages[name] = stages.get(name, 0.0) + float(value)  # group and summarise twice
    groupings = sum(1 for name, _ in _STAGE.findall(result.stderr) if name == "group")
    cpu = float(user) + float(system)
    return Run(float(seconds), int(kilobytes) / 1024, stages, cpu, groupings)


def median_run(runs: list[Run]) -> Run:
    """The run with the median wall time (its stages and memory go with it), with the
    median CPU seconds of all runs."""
    ordered = sorted(runs, key=lambda r: r.seconds)
    cpu = sorted(r.cpu_seconds for r in runs)[len(runs) // 2]
    middle = ordered[len(ordered) // 2]
    return Run(middle.seconds, middle.peak_mb, middle.stages, cpu)


def edit_one(site: Path, rng: random.Random, part: str = "any") -> None:
    """Add a sentence to one paragraph of one article, both chosen at random, as a
    user's edit would (an edit in the first paragraphs also changes the grouping's input).
    `part`: "any" paragraph, "lead" (the first) or "body" (one that begins past the lead
    grouping reads, `leads.LEAD_CHARS` characters; an article without one is passed)."""
    articles = sorted((site / "content" / "articles").rglob("*.md"))
    while True:
        path = rng.choice(articles)
        head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
        paragraphs = body.strip("\n").split("\n\n")
        starts = [sum(len(p) for p in paragraphs[:i]) for i in range(len(paragraphs))]
        past_lead = [i for i, start in enumerate(starts) if start > LEAD_CHARS]
        if part != "body" or past_lead:
            break
    if part == "lead":
        where = 0
    elif part == "body":
        where = rng.choice(past_lead)
    else:
        where = rng.randrange(len(paragraphs))
    paragraphs[where] += f" An added sentence, edit {rng.random():.6f}."
    path.write_text(head + "\n---\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


def add_one(site: Path, rng: random.Random, newest: bool = False) -> None:
    """Add an article beside one chosen at random: its text under a new title, by a new
    author and with a new tag, as importing another report of a story does (it joins
    that story, mostly, and its author's and tag's pages are new). It has the chosen
    article's date, somewhere in the middle of every list it joins; or, with `newest`,
    a date a minute after the archive's newest, as today's coverage has.

    Its number is one no article added earlier has: the benchmarks draw from the same
    seeds on every run, and an archive kept between runs holds the articles added by the
    last one, so the same number would rewrite an article with the same text (a build
    then finds nothing changed) instead of adding one."""
    articles = sorted((site / "content" / "articles").rglob("*.md"))
    path = rng.choice(articles)
    head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    taken = {p.stem for p in articles}
    number = rng.randrange(10**9)
    while f"added-{number}" in taken:
        number = rng.randrange(10**9)
    fields = {
        "title": f'"Another report, number {number}"',
        "author": f'["Added Author {number}"]',
        "tags": f'["added-{number}"]',
    }
    if newest:
        fields["date"] = (newest_date(articles) + timedelta(minutes=1)).isoformat()
    lines = [line for line in head.splitlines() if line.partition(":")[0] not in fields]
    lines += [f"{name}: {value}" for name, value in fields.items()]
    added = path.with_name(f"added-{number}.md")
    added.write_text("\n".join(lines) + "\n---\n" + body, encoding="utf-8")


def newest_date(articles: list[Path]) -> datetime:
    """The latest `date:` in the front matter of the article files (all dated)."""
    dates = []
    for path in articles:
        found = _DATE.search(path.read_text(encoding="utf-8"))
        if found:
            dates.append(datetime.fromisoformat(found.group(1)))
    return max(dates)


_DATE = re.compile(r"^date: *(\S+)$", re.MULTILINE)


def measure_builds(site: Path, runs: int) -> dict[str, Run]:
    """Median cold, warm and one-edit builds of the archive in `site`.

    Two edits follow each cold build: the first updates the site the cold build kept
    for it in .cache/sites/ (the cache folder was deleted for the cold build, so the
    site it replaced had no record: it keeps a linked copy of its own instead, see
    `build.keep_copy`); the second is an edit as a user's next one is, after a normal
    build."""
    rng = random.Random(1)
    kinds = ("cold", "warm", "first edit", "edit", "edit (body)", "edit (lead)", "added")
    results: dict[str, list[Run]] = {kind: [] for kind in kinds}
    for _ in range(runs):
        shutil.rmtree(site / ".cache", ignore_errors=True)
        results["cold"].append(build_once(site, "--no-cache"))
        results["warm"].append(build_once(site))
        edit_one(site, rng)
        results["first edit"].append(build_once(site))
        edit_one(site, rng)
        results["edit"].append(build_once(site))
        for part in ("body", "lead"):
            edit_one(site, rng, part)
            results[f"edit ({part})"].append(build_once(site))
        add_one(site, rng)
        results["added"].append(build_once(site))
    return {kind: median_run(found) for kind, found in results.items()}


def pasted_page(story_text: str, title: str, outlet: str, when: str, author: str) -> str:
    """A page as a browser copy gives it: furniture, headline, byline, date, body."""
    return (
        f"Skip to content\nNews\nWorld\nSport\n{title}\nBy {author}\n{when}\n\n"
        f"{story_text}\nShare this article\nMore from {outlet}\n"
    )


def html_page(story_text: str, title: str, outlet: str, when: str, author: str) -> str:
    """A saved page: metadata in the head, the article among navigation and footer."""
    body = "".join(f"<p>{p}</p>\n" for p in story_text.strip().split("\n\n"))
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:site_name" content="{outlet}">'
        f'<meta name="author" content="{author}">'
        f'<meta property="article:published_time" content="{when}"></head><body>'
        f'<nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>{title}</h1>'
        f"{body}</article><footer>Copyright {outlet}</footer></body></html>"
    )


def measure_import(count: int, work: Path) -> dict[str, float]:
    """Articles per second of `briefing import` on pasted text and on HTML pages."""
    rng = random.Random(3)
    rates: dict[str, float] = {}
    for kind, maker, suffix in (("text", pasted_page, ".txt"), ("html", html_page, ".html")):
        site = Path(tempfile.mkdtemp(prefix=f"import-{kind}-", dir=work))
        inbox = site / "content" / "inbox"
        inbox.mkdir(parents=True)
        (site / "site.yaml").write_text("title: Import bench\n")
        for number in range(count):
            story = make_story(rng, datetime(2023, 1, 1, tzinfo=UTC))
            outlet = rng.choice(OUTLETS)
            title = f"{story.event.capitalize()} in {story.place} ({number})"
            when = f"{story.when:%Y-%m-%d}T09:00:00+00:00"
            page = maker(article_text(rng, story), title, outlet, when, story.person)
            (inbox / f"{slugify(title)}{suffix}").write_text(page, encoding="utf-8")
        started = time.perf_counter()
        command = [PYTHON, "-m", "generator", "import", "--site", str(site)]
        subprocess.run(command, capture_output=True, check=False)
        rates[kind] = count / (time.perf_counter() - started)
        shutil.rmtree(site, ignore_errors=True)
    return rates


def archive_for(size: int, work: Path) -> Path:
    """The synthetic archive of `size` articles, written on first use."""
    site = work / f"archive-{size}"
    if not (site / "site.yaml").is_file():
        shutil.rmtree(site, ignore_errors=True)
        write_archive(site, size)
    return site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "briefing-bench")
    parser.add_argument("--import-count", type=int, default=200)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    compileall.compile_dir(Path(generator.__file__).parent, quiet=1)
    print(f"machine: {machine()}\n", flush=True)
    print("| articles | build | seconds | CPU s | peak MB | " + " | ".join(STAGES) + " |")
    print("|---:|---|---:|---:|---:|" + "---:|" * len(STAGES), flush=True)
    for size in (int(s) for s in args.sizes.split(",")):
        for kind, run in measure_builds(archive_for(size, args.work), args.runs).items():
            stages = " | ".join(f"{run.stages.get(s, 0):.2f}" for s in STAGES)
            figures = f"{run.seconds:.2f} | {run.cpu_seconds:.2f} | {run.peak_mb:.0f}"
            print(f"| {size:,} | {kind} | {figures} | {stages} |", flush=True)
    if args.import_count:
        rates = measure_import(args.import_count, args.work)
        text, html = rates["text"], rates["html"]
        print(f"\nimport: {text:.1f} pasted-text articles/s, {html:.1f} HTML articles/s")


if __name__ == "__main__":
    main()
