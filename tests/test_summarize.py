"""Cross-source summaries: the seed topic's summary, its JSON, its page, and small topics."""

from __future__ import annotations

import dataclasses
import json
import pickle
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from generator import markup
from generator.build import summary_of_topic
from generator.config import load_config
from generator.content import load_content
from generator.models import Article, Body, Topic
from generator.render import render_site
from generator.site import make_site
from generator.summarize import summarize_topic
from generator.summary.model import Summary
from generator.summary.sentences import split_sentences

REPO = Path(__file__).resolve().parents[1]
ZONE = ZoneInfo("Europe/London")
INDEPENDENT = "2022/08/the-independent-north-korea-offers-russia-100-000-volunteers-to-fight"
REVIEW = "undated/national-review-north-korea-offers-russia-100-000-volunteers-for-war"
# Lines of the saved pages (content/sources/) that are page furniture, not article text.
FURNITURE = (
    "Comments", "Related:", "Join our commenting forum", "Thank you for registering",
    "Please refresh", "PHOTOS:", "Pyongyang military parade", "More National Review",
    "Leave a Reply", "Your email address", "Back to top",
)  # fmt: skip


def topic_of(members: list[Article], topic_id: str = "seed") -> Topic:
    ordered = sorted(members, key=lambda a: (a.date is None, a.date or datetime.min, a.id))
    return Topic(
        topic_id, ordered[0].title, tuple(a.id for a in ordered),
        tuple(sorted({a.outlet for a in ordered if a.outlet})), None, None,
    )  # fmt: skip


@pytest.fixture(scope="module")
def seed() -> tuple[Topic, list[Article], Summary]:
    content = load_content(REPO / "content", ZONE)
    members = sorted(content.articles, key=lambda a: (a.date is None, a.id))
    topic = topic_of(members)
    return topic, members, summarize_topic(topic, members, ZONE)


def texts(statements: Any) -> list[str]:
    return [s.text for s in statements]


def articles_cited(statement: Any) -> set[str]:
    return {r.article_id for c in statement.citations for r in c.refs}


def test_seed_agreed_volunteers(seed: tuple[Topic, list[Article], Summary]) -> None:
    summary = seed[2]
    hits = [s for s in summary.agreed if "100,000" in s.text and "volunteers" in s.text]
    assert hits, texts(summary.agreed)
    assert articles_cited(hits[0]) == {INDEPENDENT, REVIEW}
    assert set(hits[0].sources) == {"The Independent", "National Review"}


def test_seed_name_difference(seed: tuple[Topic, list[Article], Summary]) -> None:
    names = [d for d in seed[2].differences if d.kind == "name"]
    korotchenko = [
        d for d in names if {v.value for v in d.variants} == {"Korotchenko", "Korochenko"}
    ]
    assert len(korotchenko) == 1
    by_source = {v.source: v.value for v in korotchenko[0].variants}
    assert by_source == {"The Independent": "Korotchenko", "National Review": "Korochenko"}
    donbas = [d for d in names if "Donbass" in {v.value for v in d.variants}]
    assert donbas and {v.value for v in donbas[0].variants} == {"Donbas", "Donbass"}
    # Word forms of one name are not spelling differences.
    flagged = {v.value for d in names for v in d.variants}
    assert not flagged & {"Russia", "Russian", "Korea", "Korean", "Koreans", "Ukraine", "Ukrainian"}


def only_texts(summary: Summary, source: str) -> list[str]:
    groups = [g for g in summary.only if g.source == source]
    assert len(groups) == 1, [g.source for g in summary.only]
    return texts(groups[0].statements)


def test_seed_only_in_the_independent(seed: tuple[Topic, list[Article], Summary]) -> None:
    only = only_texts(seed[2], "The Independent")
    assert any("1.3 million active personnel" in t for t in only)
    assert any("epic fail" in t and "MI6" in t for t in only)
    assert not any("1.3 million" in t or "epic fail" in t for t in texts(seed[2].agreed))


def test_seed_only_in_national_review(seed: tuple[Topic, list[Article], Summary]) -> None:
    only = only_texts(seed[2], "National Review")
    assert any("15,000 or 25,000" in t for t in only)
    assert any("Matsegora" in t and "interview" in t for t in only)
    assert not any("15,000" in t or "Matsegora" in t for t in texts(seed[2].agreed))


def test_seed_description_and_quote_differences(seed: tuple[Topic, list[Article], Summary]) -> None:
    differences = seed[2].differences
    described = [d for d in differences if d.kind == "description"]
    values = {(v.source, v.value) for d in described for v in d.variants}
    assert ("The Independent", "Russian defence expert") in values
    assert ("The Independent", "Russian journalist") in values
    assert ("National Review", "talk show host") in values
    wording = [{v.value for v in d.variants} for d in differences if d.kind == "quote"]
    assert {
        "resilient, undemanding and motivated",
        "resident and undemanding … motivated",
    } in wording


def all_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from all_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from all_strings(item)


def test_seed_no_page_furniture(seed: tuple[Topic, list[Article], Summary]) -> None:
    strings = list(all_strings(seed[2].to_json()))
    for line in FURNITURE:
        assert not any(line in s for s in strings), line


def test_every_statement_is_a_sentence_of_its_paragraph(
    seed: tuple[Topic, list[Article], Summary],
) -> None:
    paragraphs = {(a.id, p.number): p.text for a in seed[1] for p in a.paragraphs}
    data = seed[2].to_json()
    checked = 0
    for item in _cited_items(data):
        for ref in item["refs"]:
            assert item["text"].replace(" … ", "") or True
            for piece in item["text"].split(" … "):
                assert piece in paragraphs[(ref["article"], ref["paragraph"])], piece
                checked += 1
    assert checked > 30


def _cited_items(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object with `text` and `refs` (citations and variants)."""
    if isinstance(value, dict):
        if "refs" in value and "text" in value:
            yield value
        for item in value.values():
            yield from _cited_items(item)
    elif isinstance(value, list):
        for item in value:
            yield from _cited_items(item)


def test_json_structure(seed: tuple[Topic, list[Article], Summary]) -> None:
    data = seed[2].to_json()
    assert set(data) == {
        "single_source", "sources", "lead", "agreed", "only", "differences", "quotes",
        "timeline", "entities",
    }  # fmt: skip
    assert json.loads(json.dumps(data)) == data
    assert 3 <= len(data["lead"]) <= 5
    assert data["timeline"]["published"][0] == {
        "article": INDEPENDENT, "source": "The Independent", "date": "2022-08-08T14:00:00+01:00",
    }  # fmt: skip
    assert data["timeline"]["published"][1]["date"] is None
    kinds = {d["kind"] for d in data["differences"]}
    assert {"name", "description", "quote"} <= kinds


def test_quotes_have_speakers(seed: tuple[Topic, list[Article], Summary]) -> None:
    speakers = {q.speaker for q in seed[2].quotes}
    assert {"Richard Moore", "Alexander Matsegora"} <= speakers
    shared = [q for q in seed[2].quotes if len(q.citations) == 2]
    assert any("100,000 North Korean volunteers" in q.text for q in shared)


def test_entities(seed: tuple[Topic, list[Article], Summary]) -> None:
    entities = {e.name: e for e in seed[2].entities}
    people = {name for name, e in entities.items() if e.kind == "person"}
    assert {"Richard Moore", "Alexander Matsegora"} <= people
    korochenko = [e for e in entities.values() if "Korotchenko" in " ".join([e.name, *e.spellings])]
    assert len(korochenko) == 1 and len(korochenko[0].sources) == 2
    assert entities["Russia"].kind == "place"


def test_topic_page_shows_the_summary(seed: tuple[Topic, list[Article], Summary]) -> None:
    topic, members, summary = seed
    config = load_config(REPO)
    site = make_site(config, members, [dataclasses.replace(topic, summary=summary)])
    files = {f.path: f.data.decode() for f in render_site(site, REPO / "templates")}
    page = files["topics/seed/index.html"]
    for heading in (
        "Lead", "Agreed", "Only in The Independent", "Only in National Review",
        "Where the accounts differ", "Quotes", "Timeline", "People, organisations, places",
    ):  # fmt: skip
        assert re.search(rf"<h2 id=\"[^\"]+\">{re.escape(heading)}</h2>", page), heading
    assert "Both outlets report" in page
    assert "Korotchenko" in page and "Korochenko" in page
    assert f'href="/briefings/articles/{INDEPENDENT}/#p7"' in page
    body = re.sub(r"<[^>]+>", " ", page)
    for line in FURNITURE:
        assert line not in body, line


def article(
    aid: str, outlet: str | None, text: str, hours: int | None = 0, title: str = "A fire"
) -> Article:
    rendered = markup.render(text)
    date = (
        datetime(2024, 3, 1, 9, tzinfo=UTC) + timedelta(hours=hours) if hours is not None else None
    )
    return Article(
        aid, f"articles/{aid}.md", title, outlet, (), date, date is not None,
        Body(rendered.html, rendered.paragraphs),
    )  # fmt: skip


# Fictional texts written for these tests.
FIRE = (
    "A fire destroyed the old grain mill in Lower Marn on Tuesday, the county fire service said.\n\n"
    "About 40 firefighters fought the blaze for six hours before it was under control.\n\n"
    "“We were lucky the wind dropped,” said station chief Hanna Quill."
)
FIRE_OTHER = (
    "The historic grain mill in Lower Marn burned down on Tuesday, according to the county fire service.\n\n"
    "Some 60 firefighters fought the blaze for six hours, the service said.\n\n"
    "The mill had been empty since 2019, said the owner, Tomas Birch."
)


def test_single_source_topic() -> None:
    member = article("a/fire", "The Ledger", FIRE)
    summary = summarize_topic(topic_of([member]), [member], ZONE)
    assert summary.single_source
    assert texts(summary.lead)[0].startswith("A fire destroyed the old grain mill")
    assert summary.agreed == () and summary.only == () and summary.differences == ()
    assert summary.quotes[0].speaker == "Hanna Quill"


def test_wire_copies_count_as_one_source() -> None:
    members = [
        article("a/fire", "The Ledger", FIRE),
        article("b/fire", "The Courier", FIRE, hours=1),
        article("c/fire", "The Herald", FIRE_OTHER, hours=2),
    ]
    summary = summarize_topic(topic_of(members), members, ZONE)
    assert [s.label for s in summary.sources] == ["The Ledger, The Courier", "The Herald"]
    assert summary.sources[0].wire_copy and not summary.sources[1].wire_copy
    assert not summary.single_source
    for statement in summary.agreed:
        assert len(statement.citations) == 2  # the copies are one voice
    copied = [c for s in summary.agreed for c in s.citations if c.source.startswith("The Ledger")]
    assert copied and {r.article_id for r in copied[0].refs} == {"a/fire", "b/fire"}
    figures = [d for d in summary.differences if d.kind == "figure"]
    assert [{v.value for v in d.variants} for d in figures] == [
        {"About 40 firefighters", "Some 60 firefighters"}
    ]


def test_copies_alone_are_single_source() -> None:
    members = [article("a/fire", "The Ledger", FIRE), article("b/fire", None, FIRE, hours=None)]
    summary = summarize_topic(topic_of(members), members, ZONE)
    assert summary.single_source and summary.sources[0].wire_copy
    assert summary.timeline.publications[-1].moment is None


def test_a_summary_leaves_its_articles_packed(tmp_path: Path) -> None:
    """The build summarises articles that came packed (from the cache, or from the
    process that parsed them) from opened copies: the build's own stay packed, and the
    summary is the one their unpacked selves give."""
    members = [article("a", "Courier", FIRE), article("b", "Ledger", FIRE_OTHER, hours=2)]
    packed = [pickle.loads(pickle.dumps(a)) for a in members]
    config = load_config(REPO)
    topic = topic_of(members)
    made = summary_of_topic({a.id: a for a in packed}, config, topic)
    assert made == summarize_topic(topic, members, config.zone)
    assert all(a.body.is_packed for a in packed)


def test_plural_titles_do_not_end_a_sentence() -> None:
    """Plural titles ("Sens.", "Reps.") before names do not end a sentence, as "Sen." does not."""
    text = (
        "The bill needs moderates such as Sens. Ada Birch and Carl Mott. "
        "Reps. Dora Lind and Eli Voss voted against it. Cpl. Finn Hale was there."
    )
    assert split_sentences(text) == [
        "The bill needs moderates such as Sens. Ada Birch and Carl Mott.",
        "Reps. Dora Lind and Eli Voss voted against it.",
        "Cpl. Finn Hale was there.",
    ]
