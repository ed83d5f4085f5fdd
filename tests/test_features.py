"""Text features: which words, names and figures an article is compared on."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from generator.features import extract, figure_terms, lead_text, name_terms, names_in
from generator.models import Article, Paragraph


def article(title: str, *paragraphs: str, dated: bool = True) -> Article:
    return Article(
        id=title.lower().replace(" ", "-"),
        path="articles/x.md",
        title=title,
        outlet=None,
        authors=(),
        date=datetime(2023, 3, 14, 12, tzinfo=UTC) if dated else None,
        date_has_time=dated,
        body_markdown="",
        body_html="",
        paragraphs=tuple(Paragraph(i, text) for i, text in enumerate(paragraphs, start=1)),
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


def test_counting_in_two_processes_gives_the_same_features(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [
        article(f"Story {n}", f"Mira Okafor saw {n * 13} boats at Port Alder.", "More text here.")
        for n in range(12)
    ]
    alone = extract(texts)
    monkeypatch.setattr("generator.features.PARALLEL_FROM", 2)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    shared = extract(texts)
    for one, two in [(alone.words, shared.words), (alone.names, shared.names)]:
        assert one.shape == two.shape and (one != two).nnz == 0
