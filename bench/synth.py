"""Generate a realistic synthetic briefing archive (deterministic for a seed).

    python bench/synth.py DIR --articles 1000 [--seed 7]

N articles of 500-1,200 words from 36 outlets over four years; about 40% of stories are
covered by 2-6 outlets that share facts (names, places, figures, quotes) with their own
wording and some differing figures, the rest by one. The text is made of a fixed word
list, so it looks like prose to tokenisers without copying anyone's writing.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.frontmatter import dump
from generator.slugs import slugify

OUTLETS = [
    f"The {a} {b}"
    for a in ("Daily", "Evening", "Northern", "Coastal", "Morning", "Weekly")
    for b in ("Meridian", "Ledger", "Courier", "Herald", "Post", "Sentinel")
]
FIRST = "Ada Boris Carla Dmitri Elena Farid Greta Hugo Ines Jonas Kira Luca Mira Nils".split()
LAST = "Quill Hale Nand Ives Birch Brandt Korsak Lindqvist Moreau Okafor Petrov Sato".split()
PLACES = "Port Alder|Wend Valley|Kestrel Bay|Orsk|Lower Marn|Halden|Vetra|Isle of Fenn".split("|")
ORGS = "the council|the ministry|the port authority|the weather service|the union".split("|")
EVENTS = "bridge closure|flood|strike|election|fire|trade deal|rail crash|drought".split("|")
VERBS = "said|reported|warned|confirmed|announced|denied|estimated|claimed|added|noted".split("|")
FILLER = (
    "the officials in a statement on the matter after the meeting that week while many residents "
    "waited for further details about what would happen next and how long the situation could last "
    "according to people familiar with the plans who asked not to be named because they were not "
    "authorised to speak publicly about the decision which has drawn criticism from local groups"
).split()


@dataclass(frozen=True)
class Story:
    """Facts shared by every article about one event."""

    event: str
    place: str
    org: str
    person: str
    figure: int
    when: datetime


def make_story(rng: random.Random, start: datetime) -> Story:
    return Story(
        event=rng.choice(EVENTS),
        place=rng.choice(PLACES),
        org=rng.choice(ORGS),
        person=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        figure=rng.randrange(10, 90_000),
        when=start + timedelta(minutes=rng.randrange(4 * 365 * 24 * 60)),
    )


def sentence(rng: random.Random, story: Story) -> str:
    figure = story.figure if rng.random() > 0.15 else int(story.figure * rng.uniform(0.8, 1.2))
    facts = [
        f"{story.person} {rng.choice(VERBS)} that {figure:,} people were affected "
        f"by the {story.event} in {story.place}",
        f"{story.org.capitalize()} {rng.choice(VERBS)} the {story.event} would continue",
        f"\u201cWe are doing everything we can,\u201d {story.person} {rng.choice(VERBS)}",
        f"Residents of {story.place} {rng.choice(VERBS)} {rng.randrange(2, 40)} roads were closed",
    ]
    words = rng.sample(FILLER, rng.randrange(8, 20))
    return f"{rng.choice(facts)} {' '.join(words)}."


def article_text(rng: random.Random, story: Story) -> str:
    target = rng.randrange(500, 1200)
    paragraphs: list[str] = []
    count = 0
    while count < target:
        para = " ".join(sentence(rng, story) for _ in range(rng.randrange(2, 5)))
        paragraphs.append(para)
        count += len(para.split())
    return "\n\n".join(paragraphs) + "\n"


def write_archive(root: Path, articles: int, seed: int = 7) -> None:
    """Write site.yaml and `articles` Markdown files under root."""
    rng = random.Random(seed)
    (root / "content" / "articles").mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(
        f"title: Synthetic archive ({articles} articles)\nbase_url: https://bench.example/\n"
    )
    start = datetime(2021, 1, 1, tzinfo=UTC)
    written = 0
    while written < articles:
        story = make_story(rng, start)
        covering = rng.sample(OUTLETS, rng.randrange(2, 7) if rng.random() < 0.4 else 1)
        for outlet in covering[: articles - written]:
            write_article(root, rng, story, outlet, written)
            written += 1


def write_article(root: Path, rng: random.Random, story: Story, outlet: str, number: int) -> None:
    date = story.when + timedelta(hours=rng.randrange(0, 36))
    title = f"{story.event.capitalize()} in {story.place}: {story.person} speaks ({number})"
    meta = {
        "title": title,
        "outlet": outlet,
        "author": [f"{rng.choice(FIRST)} {rng.choice(LAST)}"],
        "date": date,
        "tags": [story.event],
    }
    folder = root / "content" / "articles" / f"{date:%Y}" / f"{date:%m}"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{slugify(outlet)}-{slugify(title, 60)}.md"
    (folder / name).write_text(dump(meta, "\n" + article_text(rng, story)), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_archive(args.directory, args.articles, args.seed)


if __name__ == "__main__":
    main()
