"""The array versions of the summary steps against plain, obviously correct versions.

Alignment, copy detection and the lead's shared word pairs are computed with numpy and
scipy so that a topic's cost stays small; the prefilters of dates, figures and speech
verbs skip the regexes on sentences that cannot match. Each is checked here against a
direct Python computation of what it replaced, on fictional texts written for these tests.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator import markup, sorted_sets
from generator.models import Article, Body
from generator.summary import align, arrays, dates, figures, lead, names, sources, speakers
from generator.summary.sentences import Sentence, article_sentences, stem, terms_of, words_of

TEXTS = (
    "The river Alder burst its banks on Monday. About 300 homes in Port Alder were flooded, "
    "the mayor said. Rescue teams from three counties worked through the night.",
    "Floodwater covered Port Alder on Monday after the river Alder burst its banks. Some 350 "
    "homes were flooded, according to the council. “We have never seen it this high,” said "
    "resident Mara Quill.",
    "The river Alder burst its banks on Monday, flooding about 300 homes in Port Alder. "
    "Three counties sent rescue teams. The mayor said the clean-up would take weeks.",
    "A bridge on the coast road was closed as a precaution. Engineers will inspect it on "
    "Friday. The road carries 12,000 vehicles a day.",
)


def make_article(index: int, text: str, outlet: str) -> Article:
    rendered = markup.render(text)
    return Article(
        f"a{index}", f"articles/a{index}.md", f"Flood in Port Alder {index}", outlet, (), None,
        False, Body(rendered.html, rendered.paragraphs),
    )  # fmt: skip


@pytest.fixture
def articles() -> list[Article]:
    outlets = ("The Alder Post", "Coastal News", "The Alder Post", "Valley Radio")
    return [make_article(i, t, o) for i, (t, o) in enumerate(zip(TEXTS, outlets, strict=True))]


@pytest.fixture
def sentences(articles: list[Article]) -> tuple[Sentence, ...]:
    return article_sentences(articles)


def plain_vectors(sentences: tuple[Sentence, ...]) -> list[dict[str, float]]:
    """TF-IDF as dictionaries (the definition `align.vectorise` implements)."""
    df = Counter(t for s in sentences for t in set(s.terms))
    vectors = []
    for s in sentences:
        weights = {
            t: c * (math.log((len(sentences) + 1) / (df[t] + 1)) + 1)
            for t, c in Counter(s.terms).items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({t: w / norm for t, w in weights.items()})
    return vectors


def plain_candidates(vectors: list[dict[str, float]]) -> set[tuple[int, int]]:
    df = Counter(t for v in vectors for t in v)
    postings: dict[str, list[int]] = defaultdict(list)
    for index, vector in enumerate(vectors):
        for _, term in sorted((df[t], t) for t in vector if df[t] >= 2)[: align.BLOCK_TERMS]:
            postings[term].append(index)
    pairs: set[tuple[int, int]] = set()
    for members in postings.values():
        kept = members[: align.MAX_POSTINGS]
        pairs.update((i, j) for x, i in enumerate(kept) for j in kept[x + 1 :])
    return pairs


def test_vectors_match_the_definition(sentences: tuple[Sentence, ...]) -> None:
    matrix = align.vectorise(sentences, {})
    expected = plain_vectors(sentences)
    for a in range(len(sentences)):
        for b in range(len(sentences)):
            dot = sum(w * expected[b].get(t, 0.0) for t, w in expected[a].items())
            assert align.cosine(matrix, a, b) == pytest.approx(dot, abs=1e-12)


def test_candidate_pairs_match_the_blocking_rule(sentences: tuple[Sentence, ...]) -> None:
    first, second = align.candidate_pairs(align.vectorise(sentences, {}))
    found = set(zip(first.tolist(), second.tolist(), strict=True))
    assert found == plain_candidates(plain_vectors(sentences))
    assert found  # the flood texts share terms


@pytest.mark.parametrize("cells", [0, arrays.LOOKUP_CELLS])
def test_row_dots_by_table_and_by_search_are_the_dot_products(
    sentences: tuple[Sentence, ...], cells: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every pair of rows, read from the dense matrix or found by binary search (0
    cells: always the search): the same values, bit for bit, as the row-by-row sum."""
    monkeypatch.setattr(arrays, "LOOKUP_CELLS", cells)
    matrix = align.vectorise(sentences, {})
    size = len(sentences)
    first = np.repeat(np.arange(size, dtype=np.int64), size)
    second = np.tile(np.arange(size, dtype=np.int64), size)
    found = matrix.row_dots(first, second).tolist()
    assert found == [align.cosine(matrix, a, b) for a, b in zip(first, second, strict=True)]


def test_similar_pairs_sorted_and_above_the_floor(sentences: tuple[Sentence, ...]) -> None:
    pairs = align.similar_pairs(align.vectorise(sentences, {}), 0.2)
    values = pairs.similarity.tolist()
    assert values and min(values) >= 0.2
    keys = [(-p.similarity, p.a, p.b) for p in pairs.pairs()]
    assert keys == sorted(keys)
    assert all(p.a < p.b for p in pairs.pairs())


def test_among_keeps_order_and_membership(sentences: tuple[Sentence, ...]) -> None:
    pairs = align.similar_pairs(align.vectorise(sentences, {}), 0.1)
    keys = {0, 3, 4, 6}
    expected = [p for p in pairs.pairs() if p.similarity >= 0.25 and {p.a, p.b} <= keys]
    assert list(pairs.among(keys, 0.25)) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(-50, 50), max_size=40),
    st.lists(st.integers(-50, 50), max_size=20),
)
def test_found_in_is_membership(values: list[int], table: list[int]) -> None:
    """`found_in` (binary search in a sorted table) is np.isin, duplicates and all."""
    found = sorted_sets.found_in(
        np.array(values, dtype=np.int64), np.sort(np.array(table, dtype=np.int64))
    )
    assert found.dtype == np.bool_
    assert found.tolist() == [value in table for value in values]


def test_wire_copies_found_and_distinct_texts_not() -> None:
    story = " ".join(
        f"Sentence {w} of the long wire story about the flood." for w in TEXTS[0].split()
    )
    copies = [
        make_article(0, story, "Wire A"),
        make_article(1, TEXTS[3], "Valley Radio"),
        make_article(2, story + " An extra line at the end.", "Wire B"),
    ]
    assert sources.wire_pairs(copies) == [(0, 2)]
    assert sources.wire_pairs(copies[:1]) == []
    assert sources.shingles(copies[0]) == sources.shingles(make_article(5, story, "Other"))


def test_shared_pairs_match_sets(articles: list[Article], sentences: tuple[Sentence, ...]) -> None:
    label_of = {a.id: a.outlet or "" for a in articles}
    users: dict[tuple[str, str], set[str]] = defaultdict(set)
    texts = [(label_of[s.article_id], s.words) for s in sentences]
    texts += [(label_of[a.id], words_of(a.title)) for a in articles]
    for source, words in texts:
        for pair in pairwise(stem(w.lower()) for w in words):
            users[pair].add(source)
    expected = []
    for sentence in sentences:
        own = set(pairwise(stem(w.lower()) for w in sentence.words))
        shared = sum(1 for p in own if users[p] - {label_of[sentence.article_id]})
        expected.append(shared / (len(own) or 1))
    found = lead._shared_pairs(list(sentences), articles, label_of)
    assert found == pytest.approx(expected)
    assert max(found) > 0


SAMPLES = (
    "The council met on Aug. 8, 2022 and again in mid-March.",
    "It happened last week, officials said on Friday's briefing.",
    "Nothing was dated here, but may the market recover.",
    "The plan dates from 1998 and was revised in 2021.",
    "Today the mayor spoke; yesterday she did not.",
    "About two dozen people and 1.3 million dollars were involved.",
    "Hundreds of volunteers and some 40% of the residents came.",
    "No number words appear in this sentence at all.",
)


def sentence_of(text: str, key: int = 0) -> Sentence:
    words = words_of(text)
    return Sentence(key, "a", 1, 0, text, words, terms_of(words))


def forced(sentence: Sentence, hint: str) -> Sentence:
    """The sentence with an extra token that passes the prefilter: the regex always runs."""
    words = (*sentence.words, hint)
    return Sentence(0, "a", 1, 0, sentence.text, words, terms_of(words))


@pytest.mark.parametrize("text", SAMPLES)
def test_date_prefilter_loses_nothing(text: str) -> None:
    sentence, zone = sentence_of(text), dates.ZoneInfo("UTC")
    assert dates.date_mentions(sentence, None, zone) == dates.date_mentions(
        forced(sentence, "today"), None, zone
    )


def test_date_prefilter_rules_out_undated() -> None:
    assert dates._HINTS.isdisjoint(sentence_of(SAMPLES[2]).words)
    assert not dates._HINTS.isdisjoint(sentence_of(SAMPLES[1]).words)


@pytest.mark.parametrize("text", SAMPLES)
def test_figure_prefilter_loses_nothing(text: str) -> None:
    sentence = sentence_of(text)
    assert figures.figures_in(sentence) == figures.figures_in(forced(sentence, "two"))


def test_speech_verb_prefilter() -> None:
    assert speakers.sentence_attributions(sentence_of("The bridge was closed.")) == []
    found = speakers.sentence_attributions(sentence_of("The bridge is safe, the mayor said."))
    assert found and found[0][2] == "the mayor"


def test_pairs_arrays_are_int64() -> None:
    matrix = align.vectorise([sentence_of(t, i) for i, t in enumerate(SAMPLES)], {})
    first, second = align.candidate_pairs(matrix)
    assert first.dtype == np.int64 and second.dtype == np.int64


def plain_figure_differences(
    sentences: tuple[Sentence, ...], related: align.Pairs, source_of: dict[str, str], floor: float
) -> list[object]:
    """Every sentence's figures first, then the pairs (what the lazy walk replaced)."""
    by_sentence = {s.key: f for s in sentences if (f := figures.figures_in(s))}
    seen: set[frozenset[tuple[str, float, float]]] = set()
    found: list[object] = []
    for pair in related.among(by_sentence, floor):
        label_a = source_of[sentences[pair.a].article_id]
        label_b = source_of[sentences[pair.b].article_id]
        for a in by_sentence[pair.a]:
            for b in by_sentence[pair.b]:
                key = frozenset(((label_a, a.low, a.high), (label_b, b.low, b.high)))
                if key in seen or (a.low, a.high) == (b.low, b.high):
                    continue
                if not figures.comparable(a, b):
                    continue
                seen.add(key)
                found.append(((a.text, b.text), figures._subject(a, b)))
                if len(found) >= figures.MAX_DIFFERENCES:
                    return found
    return found


def test_lazy_figures_match_the_eager_walk(articles: list[Article]) -> None:
    texts = [*TEXTS, *(f"Some {300 + 10 * n} homes in Port Alder were flooded." for n in range(30))]
    many = [make_article(i, t, f"Outlet {i}") for i, t in enumerate(texts)]
    for group in (articles, many):
        sentences = article_sentences(group)
        label_of = {a.id: a.outlet or "" for a in group}
        related = align.align(sentences, label_of, {}).related
        found = figures.figure_differences(sentences, related, label_of, 0.25)
        shown = [(tuple(v.value for v in d.variants), d.subject) for d in found]
        assert shown == plain_figure_differences(sentences, related, label_of, 0.25)
    assert len(shown) == figures.MAX_DIFFERENCES  # the walk stopped early


# Patterns written with their first character ahead of the word boundary or look-behind
# (so that `re` skips to it) against the forms they replaced, which read as meant.
_NAME_WORD = (
    r"(?<![\w’'\-])(?:[A-Z][a-zA-Z0-9’']*(?:-(?:[A-Z][a-zA-Z0-9’']*|[a-z]{1,3}(?![a-z])))*|[A-Z])"
)
PLAIN_PATTERNS = {
    "quote": (speakers.QUOTE, r"“[^“”]+”|\"[^\"]+\"|(?<!\w)‘[^‘’]+’(?!\w)"),
    "title": (speakers._ABBREVIATED, r"\b(Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Capt|St|Prof)\."),
    "name run": (
        names._RUN,
        rf"{_NAME_WORD}(?:(?:\s+(?:of|for|the|de|du|da|al|bin|van|von|der|le|la))*\s+{_NAME_WORD})*",
    ),
}
# Pieces that meet each pattern's edges: quote marks, titles, joiners, word characters
# on either side (letters, digits, "_", accented), apostrophes, hyphens and spaces.
PIECES = st.sampled_from(
    ["“", "”", '"', "‘", "’", "'", "-", ".", " ", "_", "1", "é", "x", "Mr", "Mrs", "St", "Prof",
     "Port", "of", "A"]
)  # fmt: skip


@pytest.mark.parametrize("name", sorted(PLAIN_PATTERNS))
@settings(max_examples=600, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
@example("x‘a’ ‘b’ “c” St. Mr. xMr. The Port of Alder-based A")
def test_reordered_patterns_match_as_the_plain_ones(name: str, text: str) -> None:
    fast, plain = PLAIN_PATTERNS[name]
    expected = [(m.span(), m.groups()) for m in re.finditer(plain, text)]
    assert [(m.span(), m.groups()) for m in fast.finditer(text)] == expected


# The speech verbs and date expressions behind a look-ahead for their first letters,
# against the patterns as they were without it.
PLAIN_VERB = (
    r"\b(?:said|says|told|tells|added|adds|stated|claimed|claims|concluded|explained|noted|"
    r"warned|warns|argued|insisted|wrote|writes|tweeted|asked|called|declared|announced|"
    r"recalled|remarked|acknowledged|admitted|suggested|alluded|urged|vowed|stressed|"
    r"confirmed|denied|according to)\b"
)
_PLAIN_MONTH = (
    r"(?:jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?|"
    r"aug(?:ust|\.)?|sept?(?:ember|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)"
)
PLAIN_DATE = re.compile(
    rf"\b(?:(?P<md>{_PLAIN_MONTH}\s+(?P<md_day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<md_year>\d{{4}}))?)"
    rf"|(?P<dm>(?P<dm_day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm_month>{_PLAIN_MONTH})(?:,?\s+(?P<dm_year>\d{{4}}))?)"
    rf"|(?P<m>(?:in|since|last|early|late|mid-?|by|until|from)\s+(?P<m_month>{_PLAIN_MONTH})(?:\s+(?P<m_year>\d{{4}}))?)"
    r"|(?P<wd>(?:on\s+|last\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday))"
    r"|(?P<rel>yesterday|today|last (?:week|month|year)|this (?:week|month|year))"
    r"|(?P<y>(?:in|since|by|until|from)\s+(?P<year>(?:19|20)\d\d)))\b",
    re.IGNORECASE,
)
# Words of every branch in several cases, letters that fold to their first letters
# (long s, dotted and dotless i, Kelvin sign), digits of two scripts, and joiners.
DATE_PIECES = st.sampled_from(
    ["in", "IN", "İn", "ın", "ſince", "Since", "mid-", "Mid", "last", "LAST", "this", "on",
     "early", "by", "until", "from", "Aug.", "august", "MAY", "Sept", "Friday", "friday",
     "ſunday", "yesterday", "Today", "week", "month", "year", "of", "8", "8th", "12", "2022",
     "1998", "٣", "٢٠٢٢", " ", " ", ",", ".", "x", "_", "é", "said", "told", "according to",
     "asked", "ſaid", "Said", "'s"]
)  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(st.lists(DATE_PIECES, max_size=14).map("".join))
@example("He said on Friday, Aug. 8, 2022, and in July 2021 (since 1998; 8th of May).")
@example("ſaid İn july ın May ſince 2020 mid-March LAST WEEK according to X")
def test_guarded_verbs_and_dates_match_as_the_plain_patterns(text: str) -> None:
    verbs = [m.span() for m in re.finditer(PLAIN_VERB, text)]
    assert [m.span() for m in speakers._VERB.finditer(text)] == verbs
    found = [(m.span(), m.groupdict()) for m in PLAIN_DATE.finditer(text)]
    assert [(m.span(), m.groupdict()) for m in dates._EXPRESSION.finditer(text)] == found
