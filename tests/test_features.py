"""Text features: which words, names and figures an article is compared on."""

from __future__ import annotations

import dataclasses
import math
import multiprocessing
import pickle
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
import snowballstemmer
from scipy import sparse

from generator import features as features_module
from generator.features import (
    Features,
    extract,
    figure_terms,
    name_terms,
    names_in,
)
from generator.leads import lead_text
from generator.models import Article, Body, Paragraph


def article(title: str, *paragraphs: str, dated: bool = True) -> Article:
    return Article(
        id=title.lower().replace(" ", "-"),
        path="articles/x.md",
        title=title,
        outlet=None,
        authors=(),
        date=datetime(2023, 3, 14, 12, tzinfo=UTC) if dated else None,
        date_has_time=dated,
        body=Body("", tuple(Paragraph(i, text) for i, text in enumerate(paragraphs, start=1))),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It was Mayor Hugo Lindqvist.", ["mayor hugo lindqvist", "lindqvist"]),
        ("Built by the Bank of England.", ["bank england", "england"]),  # stopwords go
        ("Officials met. Police said nothing.", []),  # sentence starts are grammar
        ("Port Alder’s bridge", ["alder"]),  # only the opening word is skipped
        ("He left Port Alder’s harbour.", ["port alder", "alder"]),
        ("They saw “Doctor Who” and The Times.", ["doctor", "times"]),
    ],
)
def test_names(text: str, expected: list[str]) -> None:
    assert names_in(text) == expected


@pytest.mark.parametrize(
    ("run", "terms"),
    [("The Geysers", ("geysers",)), ("The", ()), ("Kim Jong-un’s", ("kim jong-un", "jong-un"))],
)
def test_name_terms(run: str, terms: tuple[str, ...]) -> None:
    assert tuple(name_terms(run)) == terms


@pytest.mark.parametrize(
    ("token", "figures"),
    [("100,000", ["100000"]), ("4.6-magnitude", ["4.6"]), ("(2013).", ["2013"]), ("word", [])],
)
def test_figure_terms(token: str, figures: list[str]) -> None:
    assert list(figure_terms(token)) == figures


def test_lead_text_is_cut_at_the_limit() -> None:
    long = article("Title", "a" * 50, "b" * 50, "c" * 50)
    text = lead_text(long, 70)
    assert text.startswith("Title.\n" + "a" * 50)
    assert "c" not in text and text.count("b") == 20


def test_vectors_have_unit_rows_and_shared_terms() -> None:
    first = article("Flood in Halden", "Mira Okafor said 1,200 homes were flooded in Halden.")
    second = article("Halden floods", "About 1,200 homes flooded, Mira Okafor said.", dated=False)
    other = article("Budget vote", "The council approved the budget on Tuesday.")
    features = extract([first, second, other])
    for matrix in (features.words, features.names, features.figures):
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        assert np.allclose(norms[norms > 0], 1.0)
    words = (features.words @ features.words.T).toarray()
    assert words[0, 1] > 0.3 > words[0, 2]
    assert (features.figures @ features.figures.T)[0, 1] == pytest.approx(1.0)
    assert features.days[0] == pytest.approx(
        datetime(2023, 3, 14, 12, tzinfo=UTC).timestamp() / 86400
    )
    assert math.isnan(features.days[1])


def test_same_input_same_features() -> None:
    texts = [article(f"Story {n}", f"Text about thing {n} and {n * 7}.") for n in range(5)]
    one, two = extract(texts), extract(texts)
    assert (one.words != two.words).nnz == 0 and (one.names != two.names).nnz == 0


@pytest.mark.parametrize("forked", [True, False])
def test_counting_in_two_processes_gives_the_same_features(
    forked: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forked child takes parts of the texts; where no child can be forked (a process
    running threads), a spawned one counts half of them."""
    texts = [
        article(f"Story {n}", f"Mira Okafor saw {n * 13} boats at Port Alder.", "More text here.")
        for n in range(12)
    ]
    alone = extract(texts)
    monkeypatch.setattr("generator.features.PARALLEL_FROM", 2)
    monkeypatch.setattr("generator.features.SPAWN_FROM", 2)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setattr("generator.parallel.can_fork", lambda: forked)
    started = []
    real = multiprocessing.get_context

    def context(method: str) -> object:
        started.append(method)
        return real(method)

    monkeypatch.setattr(multiprocessing, "get_context", context)
    shared = extract(texts)
    assert started == ["fork" if forked else "spawn"]
    for one, two in [(alone.words, shared.words), (alone.names, shared.names)]:
        assert one.shape == two.shape and (one != two).nnz == 0


def counted_at_once(
    texts: Sequence[str],
    terms_of: Callable[[str], Sequence[str]],
    split: Callable[[str], list[str]],
) -> sparse.csr_matrix:
    """Reference: tokens of all texts numbered in order of first appearance, then each
    token counted under its terms by one product (how counting worked before it was
    kept per text)."""
    tokens: dict[str, int] = {}
    rows, columns, values = [], [], []
    for row, text in enumerate(texts):
        for token, count in Counter(split(text)).items():
            rows.append(row)
            columns.append(tokens.setdefault(token, len(tokens)))
            values.append(float(count))
    counts = sparse.csr_matrix((values, (rows, columns)), shape=(len(texts), len(tokens)))
    terms: dict[str, int] = {}
    pairs = [
        (t, terms.setdefault(term, len(terms)))
        for token, t in tokens.items()
        for term in terms_of(token)
    ]
    mapping = sparse.csr_matrix(
        (np.ones(len(pairs)), ([p[0] for p in pairs], [p[1] for p in pairs])),
        shape=(len(tokens), len(terms)),
    )
    merged: sparse.csr_matrix = (counts @ mapping).tocsr()
    merged.sort_indices()
    return merged


def lower_split(text: str) -> list[str]:
    return text.lower().split()


def same_bits(one: sparse.csr_matrix, two: sparse.csr_matrix) -> bool:
    return one.shape == two.shape and all(
        a.dtype == b.dtype and a.tobytes() == b.tobytes()
        for a, b in [(one.data, two.data), (one.indices, two.indices), (one.indptr, two.indptr)]
    )


def same_features(one: Features, two: Features) -> bool:
    return (
        all(
            same_bits(getattr(one, kind), getattr(two, kind))
            for kind in ("words", "names", "figures")
        )
        and one.days.tobytes() == two.days.tobytes()
    )


def story_articles(seed: int, count: int) -> list[Article]:
    """Articles of words, names and figures drawn from small lists, so that they share many."""
    rng = random.Random(seed)
    words = "Flood flooded floods homes council budget Mira Okafor Port Alder Halden said 1,200 4.5 of the Bank of England, ferry’s".split()
    return [
        article(
            f"Story {n} {rng.choice(words)}",
            *(
                " ".join(rng.choices(words, k=rng.randrange(3, 30)))
                for _ in range(rng.randrange(1, 4))
            ),
            dated=rng.random() < 0.8,
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("seed", range(3))
def test_counts_are_those_of_counting_all_texts_at_once(seed: int) -> None:
    """Counted text by text and assembled, the matrices are bit for bit those of counting
    every text at once: same columns in the same order, same sums (the TF-IDF and every
    similarity after it depend on both)."""
    articles = story_articles(seed, 40)
    texts = [lead_text(a, features_module.LEAD_CHARS) for a in articles]
    stemmer = features_module._WordTerms(snowballstemmer.stemmer("english"))
    expected = {
        "words": counted_at_once(texts, stemmer, lower_split),
        "names": counted_at_once(texts, name_terms, features_module._NAME.findall),
        "figures": counted_at_once(texts, figure_terms, lower_split),
    }
    found = features_module.lead_terms(texts)
    for kind, matrix in expected.items():
        assert same_bits(
            features_module.assembled([getattr(f, kind) for f in found]).matrix, matrix
        )


class DictMemo:
    """A memo kept in a dict (what the build cache does, without its file), recording
    which inputs had to be made."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], Any] = {}
        self.made: list[str] = []

    def values(
        self, kind: str, inputs: Sequence[str], make: Callable[[list[int]], list[Any]]
    ) -> list[Any]:
        missing = [p for p, i in enumerate(inputs) if (kind, i) not in self.kept]
        for position, value in zip(missing, make(missing), strict=True):
            self.kept[(kind, inputs[position])] = value
            self.made.append(inputs[position])
        return [self.kept[(kind, i)] for i in inputs]

    def counted(self, texts: Sequence[str]) -> None:
        return None  # no whole counts kept: each text's terms are `values`

    def keep_counted(self, counted: features_module.LeadCounts) -> None:
        raise AssertionError("not asked to keep counts")


class CountsMemo:
    """A memo keeping the lead counts of the last grouping whole (the build cache's way),
    recording which texts had to be counted."""

    def __init__(self) -> None:
        self.last: features_module.LeadCounts | None = None
        self.counted_texts: list[str] = []

    def values(self, kind: str, inputs: Sequence[str], make: Callable[[list[int]], Any]) -> Any:
        raise AssertionError("each text's terms are not asked for")

    def counted(self, texts: Sequence[str]) -> tuple[list[str], features_module.LeadCounts | None]:
        self.texts = list(texts)
        return [f"key of {text}" for text in texts], self.last

    def keep_counted(self, counted: features_module.LeadCounts) -> None:
        self.last = counted


@pytest.mark.parametrize("seed", range(3))
def test_features_do_not_depend_on_what_was_kept(seed: int) -> None:
    """After edits, additions and removals, features made with a memo of earlier texts
    are bit for bit those made from scratch; only new lead texts are counted."""
    rng = random.Random(seed)
    articles = story_articles(seed, 30)
    memo = DictMemo()
    assert same_features(extract(articles, memo=memo), extract(articles))
    for _ in range(4):
        position = rng.randrange(len(articles))
        edited = article(
            articles[position].title,
            "Mira Okafor of Port Alder said 7 more.",
            f"Edit {rng.random()}",
        )
        articles = [*articles[:position], edited, *articles[position + 1 :]]
        articles = (
            articles[1:] if rng.random() < 0.5 else [*articles, story_articles(seed + 9, 1)[0]]
        )
        kept = {text for _, text in memo.kept}
        memo.made.clear()
        assert same_features(extract(articles, memo=memo), extract(articles))
        texts = {lead_text(a, features_module.LEAD_CHARS) for a in articles}
        assert sorted(memo.made) == sorted(texts - kept)


def edited_again(articles: list[Article], rng: random.Random, seed: int) -> list[Article]:
    """The articles after an edit of one, and a removal, an addition or a shuffle."""
    position = rng.randrange(len(articles))
    edited = article(
        articles[position].title, "Mira Okafor of Port Alder said 7 more.", f"Edit {rng.random()}"
    )
    articles = [*articles[:position], edited, *articles[position + 1 :]]
    change = rng.randrange(3)
    if change == 0:
        return articles[1:]
    if change == 1:
        return [*articles, story_articles(seed + 9 + rng.randrange(99), 1)[0]]
    rng.shuffle(articles)
    return articles


@pytest.mark.parametrize("seed", range(6))
def test_features_from_kept_counts_are_those_made_from_scratch(seed: int) -> None:
    """With the last grouping's counts kept whole, features after edits, additions,
    removals and reorderings are bit for bit those made from scratch, and only the lead
    texts the kept counts lack are counted."""
    rng = random.Random(seed)
    articles = story_articles(seed, 30)
    articles.append(articles[3])  # the same lead twice
    memo = CountsMemo()
    spy = features_module._lead_terms_in_two
    counted: list[str] = []

    def counting(texts: Sequence[str], positions: Sequence[int]) -> Any:
        counted.extend(texts[p] for p in positions)
        return spy(texts, positions)

    features_module._lead_terms_in_two = counting  # type: ignore[assignment]
    try:
        assert same_features(extract(articles, memo=memo), extract(articles))
        for _ in range(5):
            assert memo.last is not None
            kept = {key.removeprefix("key of ") for key in memo.last.keys}
            articles = edited_again(articles, rng, seed)
            counted.clear()
            from_kept = extract(articles, memo=memo)
            texts = [lead_text(a, features_module.LEAD_CHARS) for a in articles]
            assert sorted(counted) == sorted(t for t in texts if t not in kept)
            assert same_features(from_kept, extract(articles))
    finally:
        features_module._lead_terms_in_two = spy  # type: ignore[assignment]


@pytest.mark.parametrize("run_rows", [1, 10**9], ids=["by-runs", "by-entries"])
@pytest.mark.parametrize("edited", [False, True], ids=["any", "edited"])
@pytest.mark.parametrize("seed", range(20))
def test_kept_counts_give_the_assembled_matrix(
    seed: int, edited: bool, run_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`counted_again` of any kept counts (rows dropped, repeated, reordered, new rows,
    empty rows), or of the counts of the same texts edited in a few places, numbers and
    lays out the terms as `assembled` does: the same matrix and terms, and counts kept
    for the next time equal to counting afresh. Kept rows copied run by run or entry by
    entry (`RUN_ROWS`) alike."""
    monkeypatch.setattr(features_module, "RUN_ROWS", run_rows)
    rng = random.Random(seed)
    pool = [" ".join(rng.choices("a b c d e f g h i j k".split(), k=rng.randrange(0, 6)))]
    pool += [
        " ".join(rng.choices("a b c d e f g h x y z".split(), k=rng.randrange(0, 6)))
        for _ in range(12)
    ]

    def terms_of(text: str) -> features_module.LeadTerms:
        counts = features_module._term_counts(dict(Counter(text.split())))
        return features_module.LeadTerms(counts, counts, counts)

    def count_of(texts: Sequence[str]) -> Callable[[list[int]], list[Any]]:
        return lambda positions: [terms_of(texts[p]) for p in positions]

    first = rng.choices(pool, k=rng.randrange(0, 10) if not edited else 200)
    # As the cache keeps them: pickled small (`Entries.__reduce__`).
    last = pickle.loads(pickle.dumps(features_module.counted_again(None, first, count_of(first))))
    texts = rng.choices(pool, k=rng.randrange(0, 12)) if not edited else edits_of(first, rng)
    again = features_module.counted_again(last, texts, count_of(texts))
    afresh = features_module.counted_again(None, texts, count_of(texts))
    expected = features_module.assembled([terms_of(t).words for t in texts])
    found = features_module.matrix_of(again.kinds[0])
    assert same_bits(found.matrix, expected.matrix) and found.terms == expected.terms
    for kept, made in zip(again.kinds, afresh.kinds, strict=True):
        assert kept.terms == made.terms
        for a, b in [
            (kept.indptr, made.indptr),
            (kept.columns, made.columns),
            (kept.counts, made.counts),
        ]:
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


def edits_of(texts: Sequence[str], rng: random.Random) -> list[str]:
    """`texts` with a few of them changed, inserted or removed: the kept rows come in long
    runs, as after an edit of an archive. A changed text is new, so it is counted."""
    edited = list(texts)
    for number in range(rng.randrange(1, 4)):
        at = rng.randrange(len(edited))
        match rng.randrange(3):
            case 0:
                edited[at] = f"{edited[at]} new{number}"
            case 1:
                edited.insert(at, f"inserted{number} a")
            case _:
                del edited[at]
    return edited


LOOKAHEAD_NAME = re.compile(
    r"(?=[A-Z])(?<![.!?:\"“]\s)(?<!^)\b[A-Z][\w'’-]*(?:\s+(?:of\s+)?[A-Z][\w'’-]*)*"
)
"""The names expression as first written (a lookahead tried at every position): the
faster one that checks behind the capital must find the very same runs."""


@pytest.mark.parametrize("seed", range(4))
def test_names_expression_finds_what_the_lookahead_form_finds(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = [
        "a",
        "Z",
        "Q",
        "Bank",
        " ",
        ".",
        "!",
        "?",
        ":",
        '"',
        "“",
        "\n",
        "’",
        "'",
        "-",
        "of",
        "é",
        "1",
    ]
    for _ in range(3000):
        text = "".join(rng.choices(alphabet, k=rng.randrange(0, 25)))
        assert features_module._NAME.findall(text) == LOOKAHEAD_NAME.findall(text), text


def test_kept_counts_that_do_not_fit_together_are_not_whole() -> None:
    texts = ["flood in Port Alder", "budget talks", ""]
    counted = features_module.counted_again(
        None, texts, lambda positions: features_module.lead_terms(texts[p] for p in positions)
    )
    assert counted.whole()
    words = counted.kinds[0]
    broken = [
        dataclasses.replace(counted, keys=counted.keys[:2]),
        dataclasses.replace(words, columns=words.columns[:-1]),
        dataclasses.replace(words, counts=words.counts[:-1]),
        dataclasses.replace(words, terms=words.terms[:-1]),
        dataclasses.replace(words, indptr=words.indptr[::-1].copy()),
    ]
    for damage in broken:
        whole = damage if isinstance(damage, features_module.LeadCounts) else None
        found = whole or dataclasses.replace(counted, kinds=(damage, *counted.kinds[1:]))
        assert not found.whole()
