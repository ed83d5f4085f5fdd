"""How often a build's guess at the grouping of an added article is the grouping made.

    python bench/score_guesses.py [--data DIR] [--only ecbplus,basil] [--sample 100]
    python bench/score_guesses.py --site SITE [--sample 20]

A build that finds new articles goes on with a guess while a forked child groups
(`build.Speculation`): the last grouping, the stories near each new article grouped again
with it (`clustering.placed`). A wrong guess costs the build a second assembly of its site.
Here, for a sample of the labelled articles of ../shared/data/clusters (all files as one
inbox, the path a build takes: `score_grouping.load_articles`), each article in turn is
left out, the others grouped, the article placed, and the guess compared with the
grouping of all of them. Printed: how many guesses held; how many of the misses came
with the other articles' grouping changed (the new article shifted the weights, or
bridged or split their stories: no placing can guess those); and how many guesses
the old rule (each new article a story of its own) would have got right. With
`--site`, the articles of that site's content/ (a `build_scale.py` archive, say) are
taken instead of the labelled data.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from score_grouping import DATA, FILES, ZONE, load_articles, read_labelled

from generator.clustering import labels_of, placed
from generator.config import TopicsConfig
from generator.content import load_content
from generator.features import extract_leads
from generator.leads import leads_of
from generator.models import Article


def canonical(labels: list[int]) -> list[int]:
    """Labels renumbered as each story's lowest row (what `labels_of` gives)."""
    lowest: dict[int, int] = {}
    return [lowest.setdefault(label, row) for row, label in enumerate(labels)]


@dataclass(frozen=True, slots=True)
class Guesses:
    """How the guesses went for a sample of articles, each added in turn."""

    articles: int
    sample: int
    held: int
    shifted: int
    """Misses where the other articles' grouping changed as well."""
    alone: int
    """Guesses that the old rule (a story of its own) would have got right."""
    seconds: float


def score(articles: Sequence[Article], sample: int, seed: int = 1) -> Guesses:
    """Leave each of `sample` articles (chosen by `seed`) out in turn, group the others,
    place it, and compare the guess with the grouping of all."""
    settings = TopicsConfig()
    leads = leads_of(articles)
    features = extract_leads(leads.articles, leads.texts)
    whole = labels_of(features, settings)
    chosen = random.Random(seed).sample(range(len(whole)), min(sample, len(whole)))
    held = shifted = alone = 0
    started = time.perf_counter()
    for row in chosen:
        others = [i for i in range(len(whole)) if i != row]
        rest = leads_of([leads.articles[i] for i in others])
        apart = labels_of(extract_leads(rest.articles, rest.texts), settings)
        labels = list(range(len(whole)))
        for at, label in zip(others, apart, strict=True):
            labels[at] = others[label]
        guess = placed(features, settings, labels, [row])
        held += guess == whole
        alone += canonical(labels) == whole
        whole_without = canonical([label for i, label in enumerate(whole) if i != row])
        shifted += guess != whole and whole_without != canonical(apart)
    seconds = time.perf_counter() - started
    return Guesses(len(whole), len(chosen), held, shifted, alone, seconds)


def labelled_articles(data: Path, names: Sequence[str]) -> list[Article]:
    """The articles of the labelled files `names`, as one inbox."""
    rows = [r for name in names for r in read_labelled(data / f"{name}.jsonl")]
    return load_articles(rows)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the *.jsonl files")
    parser.add_argument("--only", default=",".join(FILES), help="comma-separated file names")
    parser.add_argument("--sample", type=int, default=100, help="articles left out in turn")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--site", type=Path, help="a site whose articles to take instead")
    args = parser.parse_args()
    if args.site is not None:
        articles = list(load_content(args.site / "content", ZONE).articles)
    elif args.data.is_dir():
        articles = labelled_articles(args.data, args.only.split(","))
    else:
        sys.exit(f"{args.data}: not found (the labelled data live in ../shared/data/clusters)")
    found = score(articles, args.sample, args.seed)
    print(f"{found.articles} articles, {found.sample} left out in turn ({found.seconds:.0f} s)")
    print(f"guess held: {found.held} (a story of its own, the old guess: {found.alone})")
    missed = found.sample - found.held
    print(f"missed: {missed}, of which the others' grouping changed: {found.shifted}")


if __name__ == "__main__":
    main()
