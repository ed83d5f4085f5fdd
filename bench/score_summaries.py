"""Score topic leads against the AllSides reference summaries (ROUGE F1, with stemming).

    python bench/score_summaries.py [--data ../shared/data/summaries/allsides.jsonl]
                                    [--words 110] [--oracle] [--ceilings] [--split]

Prints, in one run, mean ROUGE-1/2/L F1 over the clusters for: the first sentences of the
first article, centroid selection, LexRank, and ours (`summarize_topic(...).lead`); every
text is cut to the same number of words. `--oracle` adds a greedy oracle that sees the
reference (the ceiling for whole-sentence extraction; slow). `--ceilings` adds two that
see the reference through our own selection: the lead `choose_lead` makes when each
sentence's salience is its ROUGE-1 + ROUGE-2 precision against the reference (the best any
per-sentence salience can do with it), and our lead stopped after the number of its
sentences that scores best (what knowing the reference's length is worth). `--split` also
prints ours on the even and the odd clusters apart (a check that one half does not carry
the score).
The baselines use the same sentences as ours (generator.summary.sentences).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator import markup
from generator.models import Article, Body, Topic
from generator.summarize import align_topic, summarize_topic
from generator.summary import lead
from generator.summary.sentences import Sentence, article_sentences

DEFAULT_DATA = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "summaries" / "allsides.jsonl"
)
ZONE = ZoneInfo("UTC")
Vector = dict[str, float]


@dataclass(frozen=True, slots=True)
class Cluster:
    """One AllSides story: its articles (as the pipeline sees them) and the reference."""

    name: str
    articles: tuple[Article, ...]
    reference: str


def load_clusters(path: Path) -> list[Cluster]:
    """The clusters of a summaries file, articles in file order."""
    clusters = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        articles = tuple(_article(row["cluster"], i, a) for i, a in enumerate(row["articles"]))
        clusters.append(Cluster(row["cluster"], articles, row["reference"]))
    return clusters


def _article(cluster: str, index: int, data: dict[str, str | None]) -> Article:
    text = data.get("text") or ""
    rendered = markup.render(text)
    day = date.fromisoformat(data["date"]) if data.get("date") else None
    moment = datetime.combine(day, time(), tzinfo=ZONE) if day else None
    return Article(
        f"{cluster}/{index}", f"articles/{cluster}/{index}.md", data.get("title") or "",
        data.get("outlet"), (), moment, False, Body(rendered.html, rendered.paragraphs),
    )  # fmt: skip


def topic_for(cluster: Cluster) -> Topic:
    """The topic the pipeline would make: named after its first article."""
    first = cluster.articles[0]
    outlets = tuple(sorted({a.outlet for a in cluster.articles if a.outlet}))
    ids = tuple(a.id for a in cluster.articles)
    return Topic(cluster.name.replace("/", "-"), first.title, ids, outlets, None, None)


def ours(cluster: Cluster) -> str:
    summary = summarize_topic(topic_for(cluster), cluster.articles, ZONE)
    return " ".join(s.text for s in summary.lead)


def first_sentences(cluster: Cluster) -> str:
    return " ".join(s.text for s in article_sentences(cluster.articles[:1]))


def _vectors(sentences: Sequence[Sentence]) -> list[Vector]:
    df = Counter(t for s in sentences for t in set(s.terms))
    total = len(sentences)
    vectors = []
    for sentence in sentences:
        tf = Counter(sentence.terms)
        weights = {t: c * (math.log((total + 1) / (df[t] + 1)) + 1) for t, c in tf.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({t: w / norm for t, w in weights.items()})
    return vectors


def _cosine(a: Vector, b: Vector) -> float:
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def _pick(sentences: Sequence[Sentence], order: Sequence[int], words: int) -> str:
    """Best first, skipping near-repeats (cosine > 0.5), until `words` words."""
    vectors = _vectors(sentences)
    chosen: list[int] = []
    count = 0
    for index in order:
        if any(_cosine(vectors[index], vectors[j]) > 0.5 for j in chosen):
            continue
        chosen.append(index)
        count += len(sentences[index].text.split())
        if count >= words:
            break
    return " ".join(sentences[i].text for i in sorted(chosen))


def centroid(cluster: Cluster, words: int) -> str:
    sentences = article_sentences(cluster.articles)
    vectors = _vectors(sentences)
    total: Counter[str] = Counter()
    for vector in vectors:
        total.update(vector)
    norm = math.sqrt(sum(w * w for w in total.values())) or 1.0
    center = {t: w / norm for t, w in total.items()}
    scores = [_cosine(v, center) for v in vectors]
    return _pick(sentences, sorted(range(len(scores)), key=lambda i: -scores[i]), words)


def lexrank(cluster: Cluster, words: int) -> str:
    """LexRank (Erkan & Radev 2004): PageRank over the cosine > 0.1 sentence graph."""
    sentences = article_sentences(cluster.articles)
    vectors = _vectors(sentences)
    n = len(sentences)
    links = [
        [j for j in range(n) if j != i and _cosine(vectors[i], vectors[j]) > 0.1] for i in range(n)
    ]
    rank = [1.0 / n] * n
    for _ in range(50):
        rank = [
            0.15 / n + 0.85 * sum(rank[j] / max(len(links[j]), 1) for j in links[i])
            for i in range(n)
        ]
    return _pick(sentences, sorted(range(n), key=lambda i: -rank[i]), words)


class Scorer:
    """ROUGE-1/2/L F1 with stemming, on texts cut to a number of words."""

    def __init__(self, words: int) -> None:
        from rouge_score import rouge_scorer

        self.words = words
        self.rouge = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)

    def __call__(self, reference: str, text: str) -> tuple[float, float, float]:
        cut = " ".join(text.split()[: self.words])
        scores = self.rouge.score(reference, cut)
        return scores["rouge1"].fmeasure, scores["rouge2"].fmeasure, scores["rougeL"].fmeasure

    def precision(self, reference: str, text: str) -> float:
        """ROUGE-1 + ROUGE-2 precision of a whole text (uncut) against the reference."""
        scores = self.rouge.score(reference, text)
        return float(scores["rouge1"].precision + scores["rouge2"].precision)


def oracle(cluster: Cluster, score: Scorer) -> str:
    """Greedy: add the sentence that most raises R-1 + R-2 against the reference."""
    sentences = article_sentences(cluster.articles)
    chosen: list[int] = []
    best = 0.0
    while True:
        gains = []
        for i in range(len(sentences)):
            if i not in chosen:
                text = " ".join(sentences[j].text for j in sorted([*chosen, i]))
                r1, r2, _ = score(cluster.reference, text)
                gains.append((r1 + r2, i))
        if not gains or max(gains)[0] <= best:
            return " ".join(sentences[j].text for j in sorted(chosen))
        best, index = max(gains)
        chosen.append(index)


def best_salience(cluster: Cluster, score: Scorer) -> str:
    """Our selection with the reference's own verdict on each sentence as its salience."""
    alignment = align_topic(cluster.articles).alignment
    precisions = [score.precision(cluster.reference, u.sentence.text) for u in alignment.units]
    chosen = lead.choose_lead(alignment, precisions)
    return " ".join(alignment.units[i].sentence.text for i in chosen)


def best_length(cluster: Cluster, score: Scorer) -> str:
    """Our lead, stopped after the number of sentences (in reading order) that scores best."""
    sentences = [s.text for s in summarize_topic(topic_for(cluster), cluster.articles, ZONE).lead]
    prefixes = [" ".join(sentences[:n]) for n in range(1, len(sentences) + 1)]
    return max(prefixes, key=lambda text: sum(score(cluster.reference, text)[:2]), default="")


def mean_scores(
    clusters: Sequence[Cluster], method: Callable[[Cluster], str], score: Scorer
) -> tuple[float, float, float]:
    """Mean ROUGE-1/2/L F1 of a method over clusters."""
    rows = [score(c.reference, method(c)) for c in clusters]
    return tuple(statistics.fmean(r[i] for r in rows) for i in range(3))  # type: ignore[return-value]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--words", type=int, default=110)
    parser.add_argument("--oracle", action="store_true", help="add the greedy oracle (slow)")
    parser.add_argument(
        "--ceilings", action="store_true", help="add our selection's ceilings (see above)"
    )
    parser.add_argument("--split", action="store_true", help="ours on even and odd clusters")
    args = parser.parse_args(argv)
    clusters = load_clusters(args.data)
    score = Scorer(args.words)
    methods: list[tuple[str, Callable[[Cluster], str]]] = [
        ("first sentences of the first article", first_sentences),
        ("centroid", lambda c: centroid(c, args.words)),
        ("LexRank", lambda c: lexrank(c, args.words)),
        ("ours (summarize_topic lead)", ours),
    ]
    if args.oracle:
        methods.append(("oracle (sees the reference)", lambda c: oracle(c, score)))
    if args.ceilings:
        methods.append(
            ("our selection, best salience (sees ref.)", lambda c: best_salience(c, score))
        )
        methods.append(("ours, best length (sees ref.)", lambda c: best_length(c, score)))
    print(f"{len(clusters)} clusters, texts cut to {args.words} words; ROUGE F1 with stemming")
    print(f"{'method':<40} {'R-1':>6} {'R-2':>6} {'R-L':>6}")
    for name, method in methods:
        r1, r2, rl = mean_scores(clusters, method, score)
        print(f"{name:<40} {r1:6.4f} {r2:6.4f} {rl:6.4f}")
    if args.split:
        for half, part in (("even", clusters[0::2]), ("odd", clusters[1::2])):
            r1, r2, rl = mean_scores(part, ours, score)
            print(f"{'ours, ' + half + ' clusters':<40} {r1:6.4f} {r2:6.4f} {rl:6.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
