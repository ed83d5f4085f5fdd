"""Story grouping: same story together, other stories apart, whatever the input order."""

from __future__ import annotations

import dataclasses
import json
import pickle
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from generator import clustering, parallel
from generator import features as features_module
from generator.build import cached_cluster
from generator.cache import BuildCache, Memory, key_of
from generator.clustering import Pairs, agglomerate, cluster, similar_pairs
from generator.config import TopicsConfig
from generator.content import parse_article
from generator.features import Features, extract
from generator.leads import what_cluster_reads
from generator.models import Article, Body, Paragraph

STORIES = Path(__file__).resolve().parent / "fixtures" / "stories"
SETTINGS = TopicsConfig()


def load_stories() -> tuple[list[Article], dict[str, str]]:
    """The fictional fixture articles and the story each belongs to."""
    articles = []
    for path in sorted(STORIES.glob("*.md")):
        article, problems = parse_article(
            path.read_bytes(), f"articles/{path.name}", ZoneInfo("UTC")
        )
        assert article is not None and not problems, problems
        articles.append(article)
    expected = json.loads((STORIES / "stories.json").read_text())
    return articles, {aid: story for story, ids in expected.items() for aid in ids}


def partition(groups: list[list[Article]]) -> set[frozenset[str]]:
    return {frozenset(a.id for a in group) for group in groups}


def test_stories_group_as_expected() -> None:
    articles, story_of = load_stories()
    expected: dict[str, set[str]] = {}
    for aid, story in story_of.items():
        expected.setdefault(story, set()).add(aid)
    assert partition(cluster(articles, SETTINGS)) == {frozenset(v) for v in expected.values()}


@pytest.mark.parametrize("seed", range(5))
def test_input_order_does_not_matter(seed: int) -> None:
    articles, _ = load_stories()
    shuffled = articles[:]
    random.Random(seed).shuffle(shuffled)
    groups = cluster(shuffled, SETTINGS)
    assert groups == cluster(articles, SETTINGS)
    assert all([a.id for a in g] == sorted(a.id for a in g) for g in groups)


def test_same_text_beyond_the_window_is_another_story() -> None:
    articles, _ = load_stories()
    first = next(a for a in articles if a.id == "herald-port-alder-bridge-closed")
    assert first.date is not None
    later = dataclasses.replace(
        first, id="repeat", date=first.date + timedelta(days=SETTINGS.window_days + 1)
    )
    assert partition(cluster([first, later], SETTINGS)) == {
        frozenset({first.id}),
        frozenset({"repeat"}),
    }
    nearby = dataclasses.replace(later, date=first.date + timedelta(days=1))
    assert len(cluster([first, nearby], SETTINGS)) == 1


def test_undated_article_joins_on_content_alone() -> None:
    articles, story_of = load_stories()
    undated = next(a for a in articles if a.date is None)
    group = next(g for g in cluster(articles, SETTINGS) if undated in g)
    assert {story_of[a.id] for a in group} == {story_of[undated.id]}
    assert len(group) > 1


def test_threshold_one_keeps_everything_apart() -> None:
    articles, _ = load_stories()
    strict = dataclasses.replace(SETTINGS, threshold=1.0)
    assert len(cluster(articles, strict)) == len(articles)


@pytest.mark.parametrize("count", [0, 1])
def test_tiny_inputs(count: int) -> None:
    articles, _ = load_stories()
    assert cluster(articles[:count], SETTINGS) == [[a] for a in articles[:count]]


def placed_after(
    articles: Sequence[Article], added: Sequence[str], settings: TopicsConfig
) -> list[int]:
    """`clustering.placed` of the articles `added`, from the grouping of the others: the
    guess a build makes when they are new."""
    ordered = sorted(articles, key=lambda a: a.id)
    row = {a.id: at for at, a in enumerate(ordered)}
    labels = list(range(len(ordered)))
    for story in cluster([a for a in ordered if a.id not in added], settings):
        for article in story:
            labels[row[article.id]] = row[story[0].id]
    return clustering.placed(extract(ordered), settings, labels, [row[i] for i in added])


def grouped(articles: Sequence[Article], settings: TopicsConfig) -> list[int]:
    return clustering.labels_of(extract(sorted(articles, key=lambda a: a.id)), settings)


@pytest.mark.parametrize(
    "added",
    [
        *([a] for a in json.loads((STORIES / "stories.json").read_text())["port-alder-bridge"]),
        ["herald-kestrel-bay-bridge-closed"],  # a story of two: it joins the other
        ["herald-orsk-library-budget"],  # a story of its own
        ["courier-halden-lantern-festival", "ledger-halden-festival-crowds"],  # a new story
        ["ledger-port-alder-bridge-crack", "herald-kestrel-bay-bridge-closed"],
    ],
)
def test_an_added_article_is_placed_where_grouping_puts_it(added: list[str]) -> None:
    articles, _ = load_stories()
    assert placed_after(articles, added, SETTINGS) == grouped(articles, SETTINGS)


def test_an_added_article_that_brings_a_story_in_is_placed_where_grouping_puts_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At this threshold the repair plan stays apart from the rest of the Port Alder
    story until the undated girder article joins it: the story's similarity to the plan
    then reaches the threshold and the two merge. Joining the new article to the story it
    is most like misses that (what `placed` falls back to beyond GUESS_ROWS); grouping
    the stories near it again gives the grouping of all."""
    settings = dataclasses.replace(SETTINGS, threshold=0.36)
    articles, _ = load_stories()
    added = ["undated-port-alder-girder"]
    whole = grouped(articles, settings)
    ids = sorted(a.id for a in articles)
    story = {ids[at] for at, label in enumerate(whole) if label == whole[ids.index(added[0])]}
    assert "herald-port-alder-bridge-repair-plan" in story
    without = [a for a in articles if a.id not in added]
    assert not any("herald-port-alder-bridge-repair-plan" in {a.id for a in s} and len(s) > 1
                   for s in cluster(without, settings))  # fmt: skip
    assert placed_after(articles, added, settings) == whole
    monkeypatch.setattr(clustering, "GUESS_ROWS", 0)
    assert placed_after(articles, added, settings) != whole


def made_up_archive(size: int, seed: int, hours: int = 1) -> list[Article]:
    """`size` dated articles of made-up words, some words in many of them and most in few
    (a Zipf-like draw), with a made-up name and figure each, `hours` apart."""
    rng = random.Random(seed)
    vocabulary = [f"wort{n}x" for n in range(400)]
    weights = [1 / (n + 1) for n in range(len(vocabulary))]
    articles = []
    for n in range(size):
        words = " ".join(rng.choices(vocabulary, weights, k=25))
        name = f"Mira Quell{rng.randrange(60)}x"
        text = f"{words}, {name} said of {rng.randrange(40)} zorbs."
        body = Body("", (Paragraph(1, text),))
        articles.append(
            Article(
                id=f"a{n:04d}",
                path=f"articles/a{n:04d}.md",
                title=f"Report {words.split()[0]}",
                outlet=None,
                authors=(),
                date=datetime(2023, 3, 1, tzinfo=UTC) + timedelta(hours=n * hours),
                date_has_time=True,
                body=body,
            )
        )
    return articles


def test_an_added_article_changes_the_weights_of_the_rows_it_says_only() -> None:
    """Every row that `_reweighted` does not name keeps its weights bit for bit when an
    article is added, so the guess's neighbourhood and those rows' stories are all that
    may group differently; the named rows hold a term whose count crossed a step, and
    most of them weigh their terms anew."""
    archive = made_up_archive(150, seed=3)
    added = dataclasses.replace(made_up_archive(151, seed=4)[-1], id="zz-added")
    before, after = extract(archive), extract([*archive, added])
    reweighted = clustering._reweighted(clustering.combined(after), [len(archive)])
    assert reweighted is not None and 0 < len(reweighted) < len(archive)
    for kind in ("words", "names", "figures"):
        old, new = getattr(before, kind), getattr(after, kind)
        for row in range(len(archive)):
            one, two = old[row], new[row]
            same = np.array_equal(one.indices, two.indices) and np.array_equal(one.data, two.data)
            assert same or row in reweighted, (kind, row)
    changed = [
        row
        for row in reweighted.tolist()
        if any(
            not np.array_equal(getattr(before, k)[row].data, getattr(after, k)[row].data)
            for k in ("words", "names", "figures")
        )
    ]
    # A row holding one term of a kind keeps that kind's unit weight whatever its idf.
    assert len(changed) > len(reweighted) / 2


@pytest.mark.parametrize("seed", range(2))
def test_an_added_article_changes_no_similarity_between_rows_it_does_not_name(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between two rows that neither `_reweighted` nor `recounted` names, an added
    article changes no similarity, bit for bit: what `placed` groups again (their
    stories, and the new article's neighbourhood) is all that can group differently.
    MAX_POSTING is lowered to counts at which the article makes terms common in the time
    blocks a pair is counted in (its own and the one before, or the one after)."""
    archive = made_up_archive(150, seed=seed, hours=5)  # 31 days: four blocks
    added = dataclasses.replace(made_up_archive(150, seed=seed + 10, hours=5)[70], id="zz-added")
    before, after = extract(archive), extract([*archive, added])
    new = [len(archive)]
    reweighted = clustering._reweighted(clustering.combined(after), new)
    assert reweighted is not None
    recounts = 0
    for most in range(6, 60, 4):
        monkeypatch.setattr(clustering, "MAX_POSTING", most)
        recounted = clustering._Similarities(
            clustering.combined(after), after.days, SETTINGS
        ).recounted(new)
        recounts += len(recounted) > 0
        named = {*reweighted.tolist(), *recounted.tolist()}
        links = []
        for features in (before, after):
            similarities = clustering._Similarities(
                clustering.combined(features), features.days, SETTINGS
            )
            links.append([similarities(row) for row in range(len(archive))])
        for row in set(range(len(archive))) - named:
            old, now = links[0][row], links[1][row]
            was = ~np.isin(old.rows, list(named))
            kept = ~np.isin(now.rows, [*named, *new])
            assert np.array_equal(old.rows[was], now.rows[kept]), (most, row)
            assert np.array_equal(old.similarity[was], now.similarity[kept]), (most, row)
    assert recounts >= 3


def last_one_to_place() -> tuple[Features, list[int], int]:
    """A made-up archive's features, the labels of its grouping without its last row
    (there a story of its own), and that row: a guess's input for an article added."""
    archive = made_up_archive(150, seed=7, hours=5)
    ordered = sorted(archive, key=lambda a: a.id)
    added = len(ordered) - 1
    labels = list(range(len(ordered)))
    for story in cluster(ordered[:added], SETTINGS):
        for article in story:
            labels[ordered.index(article)] = ordered.index(story[0])
    return extract(ordered), labels, added


def test_too_many_reweighted_rows_leave_the_stories_near_the_new_one_grouped_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the stories of the rows an added article reweighted hold more than
    GUESS_ROWS rows, the stories near it are still grouped again (as if none had been
    reweighted), not merely joined."""
    features, labels, added = last_one_to_place()
    monkeypatch.setattr(clustering, "GUESS_ROWS", 100)
    monkeypatch.setattr(clustering, "_each_joined", None)  # a call would fail
    monkeypatch.setattr(clustering, "_reweighted", lambda vectors, new: np.arange(added))
    every = clustering.placed(features, SETTINGS, labels, [added])
    monkeypatch.setattr(clustering, "_reweighted", lambda vectors, new: np.arange(0))
    monkeypatch.setattr(clustering._Similarities, "recounted", lambda self, new: np.arange(0))
    assert clustering.placed(features, SETTINGS, labels, [added]) == every
    assert every != labels  # the added article was placed, not left on its own


def test_every_row_is_reweighted_when_the_count_of_articles_crosses_a_step() -> None:
    small = made_up_archive(60, seed=5)  # under HAPAX_ARCHIVE: the weight of hapaxes moves
    assert clustering._reweighted(clustering.combined(extract(small)), [59]) is None


def test_an_added_article_is_placed_alone_beyond_the_window_or_the_threshold() -> None:
    # Dated articles only: an undated one pairs with both, and grouping then joins them.
    articles = [a for a in load_stories()[0] if a.date is not None]
    first = next(a for a in articles if a.id == "herald-port-alder-bridge-closed")
    assert first.date is not None
    for days, joins in [(1, True), (SETTINGS.window_days + 1, False)]:
        copy = dataclasses.replace(first, id="repeat", date=first.date + timedelta(days=days))
        labels = placed_after([*articles, copy], ["repeat"], SETTINGS)
        ids = sorted(a.id for a in [*articles, copy])
        assert (labels[ids.index("repeat")] == labels[ids.index(first.id)]) is joins
        assert labels == grouped([*articles, copy], SETTINGS)
    strict = dataclasses.replace(SETTINGS, threshold=1.0)
    assert placed_after(articles, [first.id], strict) == list(range(len(articles)))


def test_an_added_article_is_placed_on_distinctive_terms_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A term in more than MAX_POSTING of the articles it could pair with tells nothing:
    with none distinctive, grouping and the guess keep every article apart."""
    monkeypatch.setattr(clustering, "MAX_POSTING", 1)
    articles, _ = load_stories()
    added = ["ledger-port-alder-bridge-crack"]
    assert placed_after(articles, added, SETTINGS) == list(range(len(articles)))
    assert grouped(articles, SETTINGS) == list(range(len(articles)))


def test_pairs_are_symmetric_in_time_and_ordered() -> None:
    articles, _ = load_stories()
    ordered = sorted(articles, key=lambda a: a.id)
    pairs = similar_pairs(extract(ordered), SETTINGS)
    assert np.all(pairs.left < pairs.right)
    codes = pairs.left * len(ordered) + pairs.right
    assert np.all(np.diff(codes) > 0)
    kestrel = [i for i, a in enumerate(ordered) if "kestrel" in a.id]
    alder = [i for i, a in enumerate(ordered) if "port-alder" in a.id and a.date is not None]
    linked = set(zip(pairs.left.tolist(), pairs.right.tolist(), strict=True))
    assert not any((min(k, p), max(k, p)) in linked for k in kestrel for p in alder)


def test_pairs_multiplied_in_slices_by_two_processes_are_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The products are cut into slices of rows that a forked child shares: any slice
    size, in one process or two, gives the same pairs, bit for bit."""
    articles, _ = load_stories()
    features = extract(sorted(articles, key=lambda a: a.id))
    alone = similar_pairs(features, SETTINGS)
    assert len(alone.left) > 5
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(clustering, "PARALLEL_FROM", 2)
    for rows in (1, 3, 7):
        monkeypatch.setattr(clustering, "CHUNK_ROWS", rows)
        shared = similar_pairs(features, SETTINGS)
        for mine, theirs in zip(
            dataclasses.astuple(alone), dataclasses.astuple(shared), strict=True
        ):
            assert np.array_equal(mine, theirs)


def graph(edges: dict[tuple[int, int], float]) -> Pairs:
    left, right = zip(*sorted(edges), strict=True)
    values = [edges[key] for key in sorted(edges)]
    return Pairs(np.array(left), np.array(right), np.array(values))


@pytest.mark.parametrize(
    ("threshold", "groups"),
    [
        # a-b merge first; (a+b)-c is then the mean of 0.5 and nothing: 0.25.
        (0.3, [0, 0, 2]),
        (0.2, [0, 0, 0]),
        (0.95, [0, 1, 2]),
    ],
)
def test_agglomerate_averages_merged_groups(threshold: float, groups: list[int]) -> None:
    labels = agglomerate(3, graph({(0, 1): 0.9, (1, 2): 0.5}), threshold)
    assert canonical(labels) == groups


def canonical(labels: list[int]) -> list[int]:
    first: dict[int, int] = {}
    return [first.setdefault(label, row) for row, label in enumerate(labels)]


def reference_wpgma(size: int, edges: dict[tuple[int, int], float], threshold: float) -> list[int]:
    """Textbook WPGMA on a dense matrix: merge the most similar pair, average the rows."""
    similarity = np.zeros((size, size))
    for (a, b), value in edges.items():
        similarity[a, b] = similarity[b, a] = value
    alive = list(range(size))
    members = {row: {row} for row in range(size)}
    while len(alive) > 1:
        best, a, b = max((similarity[a, b], a, b) for a in alive for b in alive if a < b)
        if best < threshold:
            break
        similarity[a, :] = similarity[:, a] = (similarity[a, :] + similarity[b, :]) / 2
        alive.remove(b)
        members[a] |= members.pop(b)
    labels = [0] * size
    for group, rows in members.items():
        for row in rows:
            labels[row] = group
    return labels


@pytest.mark.parametrize("seed", range(20))
def test_agglomerate_is_weighted_average_linkage(seed: int) -> None:
    rng = random.Random(seed)
    size = rng.randrange(2, 30)
    edges = {
        (a, b): rng.random() for a in range(size) for b in range(a + 1, size) if rng.random() < 0.3
    }
    if not edges:
        edges = {(0, 1): 0.5}
    threshold = rng.uniform(0.1, 0.6)
    expected = canonical(reference_wpgma(size, edges, threshold))
    assert canonical(agglomerate(size, graph(edges), threshold)) == expected


def test_agglomerate_one_group_absorbing_many() -> None:
    # A dense graph: groups absorb member after member (long chains of halved weights)
    # and still merge as the textbook algorithm does.
    rng = random.Random(7)
    size = 60
    edges = {(a, b): rng.uniform(0.3, 1.0) for a in range(size) for b in range(a + 1, size)}
    expected = canonical(reference_wpgma(size, edges, 0.35))
    assert canonical(agglomerate(size, graph(edges), 0.35)) == expected


def test_agglomerate_labels_each_group_by_its_smallest_row() -> None:
    labels = agglomerate(6, graph({(1, 4): 0.9, (4, 5): 0.8, (0, 2): 0.2}), 0.3)
    assert labels == [0, 1, 2, 3, 1, 1]


def _with_body(article: Article, paragraphs: tuple[Paragraph, ...]) -> Article:
    return dataclasses.replace(article, body=Body("changed", paragraphs))


@pytest.mark.parametrize("seed", range(3))
def test_what_cluster_reads_is_all_that_matters(seed: int) -> None:
    """Articles whose `what_cluster_reads` is unchanged group the same, whatever else
    changed (the build's cache of the grouping relies on it); a changed lead changes it."""
    articles, _ = load_stories()
    rng = random.Random(seed)
    changed = []
    for article in articles:
        filler = Paragraph(len(article.paragraphs) + 1, "Tide charts for Gull Island. " * 150)
        padded = _with_body(article, (*article.paragraphs, filler))
        noise = Paragraph(len(padded.paragraphs) + 1, rng.choice(["Zurich", "ferry", "budget"]))
        later = _with_body(padded, (*padded.paragraphs, noise))  # past the lead of `padded`
        assert what_cluster_reads(later) == what_cluster_reads(padded)
        changed.append((padded, later))
    assert partition(cluster([p for p, _ in changed], SETTINGS)) == partition(
        cluster([later for _, later in changed], SETTINGS)
    )
    first = articles[0]
    lead_edit = _with_body(first, (Paragraph(1, "Another opening."), *first.paragraphs[1:]))
    assert what_cluster_reads(lead_edit) != what_cluster_reads(first)


def _edited_lead(article: Article, sentence: str) -> Article:
    first, *rest = article.paragraphs
    return _with_body(article, (Paragraph(first.number, f"{first.text} {sentence}"), *rest))


@pytest.mark.parametrize("memory", [True, False], ids=["preview", "new-process"])
@pytest.mark.parametrize("keyed", [True, False], ids=["files", "no-files"])
def test_regrouping_after_edits_is_grouping_from_scratch(
    tmp_path: Path, memory: bool, keyed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build regroups after lead edits, removals and additions with what its cache
    kept from earlier builds (in memory in the preview, else in the file; what clustering
    reads of an article kept under the key of the article's file when it has one): the
    stories are those of grouping the same articles without any cache."""
    articles, _ = load_stories()
    kept = Memory() if memory else None
    rng = random.Random(3)
    sentences = ["Mira Okafor of Port Alder said 40 ferries wait.", "Budget talks resumed.", ""]

    def digests() -> dict[str, str] | None:  # a file's key stands for all of its article
        return {a.id: key_of("file", repr(a)) for a in articles} if keyed else None

    for step in range(5):
        cache = BuildCache(tmp_path, memory=kept)
        grouped = cached_cluster(cache, articles, SETTINGS, digests())
        assert grouped == cluster(articles, SETTINGS), step
        cache.save()
        position = rng.randrange(len(articles))
        articles[position] = _edited_lead(articles[position], sentences[step % 3] + str(step))
        if step == 2:
            articles.append(dataclasses.replace(articles.pop(0), id="added-late"))
    made = BuildCache(tmp_path, memory=kept)
    counted: list[str] = []
    count = features_module._lead_terms_in_two

    def counting(texts: Sequence[str], positions: Sequence[int]) -> Any:
        counted.extend(texts[p] for p in positions)
        return count(texts, positions)

    monkeypatch.setattr(features_module, "_lead_terms_in_two", counting)
    cached_cluster(made, articles, SETTINGS, digests())
    # The grouping and (kept by file) what is read of the article edited last; its lead
    # alone is counted, beside the last grouping's lead counts.
    assert made.misses == (2 if keyed else 1)
    assert len(counted) == 1


class CountingPickle:
    """`pickle` as generator.models sees it, keeping the bodies it unpacks."""

    HIGHEST_PROTOCOL = pickle.HIGHEST_PROTOCOL
    dumps = staticmethod(pickle.dumps)

    def __init__(self) -> None:
        self.unpacked: list[Any] = []

    def loads(self, data: bytes) -> Any:
        self.unpacked.append(pickle.loads(data))
        return self.unpacked[-1]


def test_regrouping_reads_the_bodies_of_edited_leads_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles come from the cache with their bodies packed (`Body`); regrouping after
    a lead edit cuts the lead of the edited article only (what is read of the others is
    kept under their files' keys, with their leads' keys, which find their terms), and
    groups as grouping from scratch does."""
    articles, _ = load_stories()
    digests = {a.id: key_of("file", repr(a)) for a in articles}
    cache = BuildCache(tmp_path)
    cached_cluster(cache, articles, SETTINGS, digests)
    cache.save()
    position = 2
    articles[position] = _edited_lead(articles[position], "Budget talks resumed.")
    digests[articles[position].id] = key_of("file", repr(articles[position]))
    packed = [pickle.loads(pickle.dumps(a)) for a in articles]  # as the cache gives them
    counting = CountingPickle()
    monkeypatch.setattr("generator.models.pickle", counting)
    grouped = cached_cluster(BuildCache(tmp_path), packed, SETTINGS, digests)
    monkeypatch.undo()
    edited = (articles[position].body_html, articles[position].paragraphs)
    assert counting.unpacked and all(body == edited for body in counting.unpacked)
    assert grouped == cluster(articles, SETTINGS)


def test_grouping_leaves_the_bodies_it_reads_packed() -> None:
    """Grouping reads every article's lead once, while the build holds every article to
    its end: the bodies stay packed (one pickle each, not their objects), and group as
    bodies unpacked do."""
    articles, _ = load_stories()
    packed = [pickle.loads(pickle.dumps(a)) for a in articles]  # as the cache gives them
    assert cluster(packed, SETTINGS) == cluster(articles, SETTINGS)
    assert all(a.body.is_packed for a in packed)


def reciprocal_rounds(
    size: int, edges: dict[tuple[int, int], float], threshold: float
) -> list[int]:
    """Reference for ties: `agglomerate`'s rule on a dense matrix, one group at a time.
    Each round, two groups that are each other's most similar (of equals, the one with
    the lowest row) and reach the threshold merge; a merged group's similarity to
    another is the mean of its halves'."""
    similarity = np.zeros((size, size))
    for (a, b), value in edges.items():
        similarity[a, b] = similarity[b, a] = value
    members = {row: [row] for row in range(size)}  # by smallest row, in order

    def nearest(group: int) -> tuple[float, int]:
        found = [(similarity[group, other], -other) for other in members if other != group]
        best, other = max(found, default=(0.0, 0))
        return best, -other

    while True:
        pairs = []
        for group in members:
            best, other = nearest(group)
            if best > 0 and best >= threshold and group < other and nearest(other)[1] == group:
                pairs.append((group, other))
        if not pairs:
            break
        for group, other in pairs:
            mean = (similarity[group] + similarity[other]) / 2
            similarity[group], similarity[:, group] = mean, mean
            similarity[group, group] = 0.0
            similarity[other], similarity[:, other] = 0.0, 0.0
            members[group] += members.pop(other)
    labels = [0] * size
    for group, rows in members.items():
        for row in rows:
            labels[row] = group
    return labels


def tie_heavy_edges(
    rng: random.Random, size: int, density: float, steps: int
) -> dict[tuple[int, int], float]:
    """Random edges among `size` rows, their similarities rounded to 1/`steps` (many
    equal ones; 0: not rounded); never none."""
    edges = {
        (a, b): round(value * steps) / steps if steps else value
        for a in range(size)
        for b in range(a + 1, size)
        if rng.random() < density and (value := rng.uniform(0.05, 1.0))
    }
    return {key: value for key, value in edges.items() if value > 0} or {(0, 1): 0.5}


@pytest.mark.parametrize("seed", range(4))
def test_agglomerate_breaks_ties_by_lowest_row(seed: int) -> None:
    """Graphs with many equal similarities merge by the rule the reference spells out."""
    rng = random.Random(seed)
    for _ in range(50):
        size = rng.randrange(2, 40)
        edges = tie_heavy_edges(rng, size, 0.3, rng.choice([4, 8, 0]))
        threshold = rng.choice([0.1, 0.25, 0.5])
        expected = reciprocal_rounds(size, edges, threshold)
        assert agglomerate(size, graph(edges), threshold) == expected


def test_agglomerate_chain_of_equal_links() -> None:
    # 0-1, 1-2 and 2-3 equally similar: 0 and 1 (the lowest rows) merge first, then
    # (0+1)-2 is a quarter away while 2-3 still holds.
    edges = {(0, 1): 0.5, (1, 2): 0.5, (2, 3): 0.5}
    assert agglomerate(4, graph(edges), 0.3) == [0, 0, 2, 2]


def test_agglomerate_threshold_zero_leaves_lone_rows_alone() -> None:
    assert agglomerate(4, graph({(0, 2): 0.01}), 0.0) == [0, 1, 0, 3]


@pytest.mark.parametrize("seed", range(8))
def test_components_are_scipys(seed: int) -> None:
    """The graph's components as scipy's csgraph finds them (labelled by their smallest
    node), over sparse and dense random graphs, chains in shuffled order and no edges."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 400))
    edges = int(rng.integers(0, size * (3 if seed % 2 else 1)))
    left, right = rng.integers(0, size, edges), rng.integers(0, size, edges)
    if seed == 7:  # one long chain, its links in random order: many rounds of hooking
        order = rng.permutation(size - 1)
        left, right = order, order + 1
    found = clustering.components(size, left.astype(np.int64), right.astype(np.int64))
    graph = sparse.coo_matrix((np.ones(len(left)), (left, right)), shape=(size, size))
    _, expected = connected_components(graph, directed=False)
    smallest = {}
    for node, label in enumerate(expected.tolist()):
        smallest.setdefault(label, node)
    assert found.tolist() == [smallest[label] for label in expected.tolist()]


@pytest.mark.parametrize("seed", range(8))
def test_the_lowest_keys_of_each_end_are_those_of_a_stable_sort(seed: int) -> None:
    """`_first_of_each` against ordering the entries by key (a stable sort) and taking
    each end's first `count`, with many equal keys (within an end and at its cut)."""
    rng = np.random.default_rng(seed)
    count = int(rng.integers(1, 6))
    ends = rng.integers(0, int(rng.integers(1, 40)), 300)
    ends = ends[np.bincount(ends)[ends] > count]  # the crowded ends, as `_strongest` gives
    values = rng.integers(0, [2, 5, 10**9][seed % 3], len(ends)) / 7
    keys = ends * 4.0 - values / (values.max(initial=0) + 1)
    order = np.argsort(keys, kind="stable")
    rank = np.zeros(len(ends), dtype=np.int64)
    seen: dict[int, int] = {}
    for position in order.tolist():
        rank[position] = seen.get(int(ends[position]), 0)
        seen[int(ends[position])] = rank[position] + 1
    want = np.flatnonzero(rank < count)
    assert np.array_equal(clustering._first_of_each(ends, keys, count), want)


def strongest_one_by_one(pairs: Pairs, size: int, count: int) -> set[tuple[int, int]]:
    """Reference: each article's links by similarity (equal ones in input order), the
    first `count` of each kept."""
    links: dict[int, list[tuple[float, int, int]]] = {}
    for position, (a, b, value) in enumerate(
        zip(pairs.left.tolist(), pairs.right.tolist(), pairs.similarity.tolist(), strict=True)
    ):
        links.setdefault(a, []).append((-value, position, b))
        links.setdefault(b, []).append((-value, position + len(pairs.left), a))
    kept = set()
    for article, found in links.items():
        for _, _, other in sorted(found)[:count]:
            kept.add((min(article, other), max(article, other)))
    return kept


@pytest.mark.parametrize("seed", range(6))
def test_each_article_keeps_its_strongest_links(seed: int) -> None:
    rng = random.Random(seed)
    size = rng.randrange(2, 60)
    edges = tie_heavy_edges(rng, size, 0.4, rng.choice([3, 10, 0]))
    order = list(edges)
    rng.shuffle(order)
    pairs = Pairs(
        np.array([a for a, _ in order]),
        np.array([b for _, b in order]),
        np.array([edges[key] for key in order]),
    )
    count = rng.choice([1, 3, 8])
    kept = clustering._strongest(pairs, size, count)
    found = set(zip(kept.left.tolist(), kept.right.tolist(), strict=True))
    assert found == strongest_one_by_one(pairs, size, count)


@pytest.mark.parametrize("seed", range(6))
def test_terms_are_keyed_by_block_as_spelled_out(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`_block_keyed` against its rule written out entry by entry: a term of an article in
    block b is keyed (term, b) on both sides and (term, b + 1) on the left, where that
    key exists; a key with more than MAX_POSTING articles in its block and the one
    before is left out."""
    from scipy import sparse

    monkeypatch.setattr(clustering, "MAX_POSTING", 4)
    rng = np.random.default_rng(seed)
    rows, terms = int(rng.integers(1, 30)), int(rng.integers(1, 8))
    dense = np.where(rng.random((rows, terms)) < 0.4, rng.random((rows, terms)), 0.0)
    block = rng.integers(0, 4, rows)
    left, right = clustering._block_keyed(sparse.csr_matrix(dense), block)

    span = int(block.max()) + 2
    count: dict[tuple[int, int], int] = {}
    for i, t in zip(*np.nonzero(dense), strict=True):
        count[(int(t), int(block[i]))] = count.get((int(t), int(block[i])), 0) + 1
    keys = sorted(count, key=lambda k: k[0] * span + k[1])
    column = {key: number for number, key in enumerate(keys)}

    def distinctive(key: tuple[int, int]) -> bool:
        return count[key] + count.get((key[0], key[1] - 1), 0) <= 4

    want_left, want_right = np.zeros((rows, len(keys))), np.zeros((rows, len(keys)))
    for i, t in zip(*np.nonzero(dense), strict=True):
        own, after = (int(t), int(block[i])), (int(t), int(block[i]) + 1)
        if distinctive(own):
            want_left[i, column[own]] = want_right[i, column[own]] = dense[i, t]
        if after in count and distinctive(after):
            want_left[i, column[after]] = dense[i, t]
    assert np.array_equal(left.toarray(), want_left)
    assert np.array_equal(right.toarray(), want_right)


@pytest.mark.parametrize("seed", range(8))
def test_products_keep_the_pairs_spelled_out(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """`_products` against its rule written out pair by pair: an entry of left @ right.T
    that reaches the floor, taken once (the lower rank first, or of equal ranks the lower
    article), scaled by the time factor, kept when it still reaches the floor. Whole and
    half values keep every sum exact, so the pairs must match to the bit; some keyed rows
    are subsets (undated articles), some days undated, and the slices are small."""
    from scipy import sparse

    monkeypatch.setattr(clustering, "CHUNK_ROWS", int(np.random.default_rng(seed).integers(1, 9)))
    rng = np.random.default_rng(seed)
    size = int(rng.integers(2, 40))
    days = np.floor(rng.random(size) * 40) / 2
    days[rng.random(size) < [0.0, 0.3][seed % 2]] = np.nan
    subset = seed % 3 == 0
    rows = np.flatnonzero(rng.random(size) < 0.6) if subset else np.arange(size)
    columns = np.arange(size)
    terms = int(rng.integers(1, 6))
    values = lambda count: np.where(  # noqa: E731
        rng.random((count, terms)) < 0.5, rng.integers(1, 4, (count, terms)) / 8, 0.0
    )
    left, right = values(len(rows)), values(size)
    rank = rng.integers(0, 3, size)
    settings = TopicsConfig(threshold=float(rng.choice([0.02, 0.1, 0.3])))
    keyed = clustering._Keyed(sparse.csr_matrix(left), sparse.csr_matrix(right), rows, columns)
    found = clustering._products(keyed, days, rank, settings)

    floor = settings.threshold * clustering.KEEP_FRACTION
    want = set()
    for i, first in enumerate(rows.tolist()):
        for second in columns.tolist():
            value = float(left[i] @ right[second])
            if value == 0 or value < floor:
                continue
            if not (rank[first] < rank[second] or (rank[first] == rank[second] and first < second)):
                continue
            factor = clustering.time_factor(days[[first]], days[[second]], settings)[0]
            if value * factor >= floor:
                want.add((first, second, value * factor))
    got = zip(found.left.tolist(), found.right.tolist(), found.similarity.tolist(), strict=True)
    assert sorted(got) == sorted(want)
    assert found.left.dtype == found.right.dtype == np.int64


@pytest.mark.parametrize("seed", range(8))
def test_unique_keys_are_numpys(seed: int) -> None:
    """Sorted unique values, where each value went and how often each occurs, as
    np.unique gives them; values too wide to pack with their positions included."""
    rng = np.random.default_rng(seed)
    size = int(rng.integers(0, 2000))
    top = [1, 5, 10**6, 2**40, 2**62][seed % 5]
    values = rng.integers(-3 if seed == 6 else 0, top, size, dtype=np.int64)
    found = clustering.unique_keys(values)
    want = np.unique(values, return_inverse=True, return_counts=True)
    for mine, numpys in zip(found, want, strict=True):
        assert np.array_equal(mine, numpys.ravel())
        assert mine.dtype == np.int64


def test_placing_stops_once_the_grouping_it_guesses_at_is_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`until` is asked every UNTIL_ROWS rows whose links were found: while it says no the
    guess is the one made without it; once it says yes, placing stops (Overtaken)."""
    features, labels, added = last_one_to_place()
    monkeypatch.setattr(clustering, "UNTIL_ROWS", 2)
    asked: list[int] = []

    def not_yet() -> bool:
        asked.append(1)
        return False

    guess = clustering.placed(features, SETTINGS, labels, [added])
    assert clustering.placed(features, SETTINGS, labels, [added], not_yet) == guess
    assert len(asked) > 1  # the neighbourhood's rows were found two at a time
    with pytest.raises(clustering.Overtaken):
        clustering.placed(features, SETTINGS, labels, [added], lambda: True)
