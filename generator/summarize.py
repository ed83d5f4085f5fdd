"""Cross-source summary of one topic (pure; every statement traceable to a paragraph).

`summarize_topic(topic, members, zone)` reads the member articles and says what an analyst
needs on one screen: a lead, what two or more sources agree on, what only one reports,
where they differ (figures, spellings of names, descriptions of people, wording of quotes,
dates), who said what, a timeline and the people, organisations and places named. It is
extractive: every text is a sentence (or the quoted words) of an article, and carries the
article id and paragraph number where it stands. Wire copies (near-identical texts) and
several articles of one outlet count as one source. Offline and model-free: TF-IDF
alignment, normalised figures, fuzzy name matching with word-form filters, quote speakers.
The steps are in `generator/summary/`.

archive.json: `topics[].summary` (null when summaries are off) is:

    {"single_source": bool,
     "sources":  [{"label", "articles": [id], "wire_copy": bool}],
     "lead":     [STATEMENT],               3-5 sentences (one source: its opening)
     "agreed":   [STATEMENT],               reported by two or more sources
     "only":     [{"source", "statements": [STATEMENT], "omitted": int}],
     "differences": [{"kind": "figure" | "name" | "description" | "quote" | "date",
                      "subject": str,        what differs ("volunteers", "Korochenko")
                      "variants": [{"source", "value", "text", "refs": [REF]}]}],
     "quotes":   [{"speaker": str | null, "text", "citations": [CITATION]}],
     "timeline": {"published": [{"article", "source", "date": ISO 8601 | null}],
                  "events": [{"when": "2022-07-05" | "2022-07" | "2022" | null,
                              "expression", "text", "citations": [CITATION]}]},
     "entities": [{"name", "kind": "person" | "organisation" | "place" | "other",
                   "spellings": [str], "sources": [label], "refs": [REF]}]}

    STATEMENT = {"text", "citations": [CITATION]}   text: the sentence shown
    CITATION  = {"source": label, "text": the source's own sentence or words,
                 "refs": [REF]}                      one REF, or one per wire copy
    REF       = {"article": article id, "paragraph": n}   the `#pN` anchor of our copy

`source` is always a `sources[].label`. A value in `differences` is the differing words
("15,000 or 25,000", "Korotchenko", "talk show host", a quote's wording); `text` is the
sentence it comes from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from generator.models import Article, Topic
from generator.summary import dates, figures, lead, names, people, quotes, speakers
from generator.summary.align import Alignment, Unit, align, term_map
from generator.summary.entities import gather_entities
from generator.summary.model import (
    DIFFERENCE_KINDS,
    Citation,
    Difference,
    OnlyIn,
    Ref,
    Source,
    Statement,
    Summary,
)
from generator.summary.sentences import Sentence, article_sentences
from generator.summary.sources import group_sources, source_of
from generator.summary.timeline import make_timeline

__all__ = ["Summary", "summarize_topic"]

MAX_AGREED = 12
MAX_ONLY = 20
# Related sentences this close may disagree on a figure or a date (below: other matters).
COMPARE = 0.25


@dataclass(frozen=True, slots=True)
class Aligned:
    """A topic's sentences, sources and names, and what the sources have in common."""

    sentences: tuple[Sentence, ...]
    sources: tuple[Source, ...]
    label_of: Mapping[str, str]
    """Article id -> `Source.label`."""
    mentions: tuple[names.NameMention, ...]
    spellings: tuple[names.Spelling, ...]
    canonical: Mapping[str, str]
    """Variant spelling of a name -> the spelling used for it."""
    alignment: Alignment


def align_topic(members: Sequence[Article]) -> Aligned:
    """The first steps of a summary, shared with bench/score_summaries.py (its ceilings)."""
    sentences = article_sentences(members)
    sources = group_sources(members)
    label_of = source_of(sources)
    sentence_source = {s.key: label_of[s.article_id] for s in sentences}
    runs = [names.capitalised_runs(s) for s in sentences]
    known = names.mid_sentence_words(sentences, runs)
    mentions = tuple(
        m
        for sentence, own in zip(sentences, runs, strict=True)
        for m in names.name_mentions(sentence, known, own)
    )
    spellings = names.spellings(mentions, sentence_source)
    canonical = names.canonical_words(spellings)
    alignment = align(sentences, label_of, term_map(canonical))
    return Aligned(sentences, sources, label_of, mentions, spellings, canonical, alignment)


def summarize_topic(topic: Topic, members: Sequence[Article], zone: ZoneInfo) -> Summary:
    """The summary of a topic from its member articles (oldest first)."""
    aligned = align_topic(members)
    sentences, sources, label_of = aligned.sentences, aligned.sources, aligned.label_of
    mentions, spellings, canonical = aligned.mentions, aligned.spellings, aligned.canonical
    alignment = aligned.alignment
    refs_of = refs_by_sentence(alignment)
    heads = {unit.sentence.key for unit in alignment.units}
    by_article = _by_article(sentences)
    said = [
        item
        for article in members
        for item in speakers.attributions(by_article.get(article.id, []))
        if item.sentence in heads
    ]
    who = people.gather_people(said, canonical)
    scores = [lead.salience(s) for s in lead.unit_signals(alignment, members, label_of)]
    single = len(sources) < 2
    chosen = lead.opening(alignment) if single else lead.choose_lead(alignment, scores)
    published = {a.id: a.date for a in members}
    mentioned = [
        m
        for key in sorted(heads)
        for m in dates.date_mentions(sentences[key], published[sentences[key].article_id], zone)
    ]
    quote_groups = quotes.group_quotes(quotes.quote_mentions(said, sentences, label_of, who))
    differences: list[Difference] = []
    if not single:
        differences = (
            names.spelling_differences(spellings, mentions, sentences, label_of, refs_of)
            + figures.figure_differences(sentences, alignment.related, label_of, COMPARE)
            + people.description_differences(said, sentences, label_of, refs_of, who)
            + quotes.quote_differences(quote_groups, sentences, refs_of, who)
            + dates.date_differences(
                _by_sentence(mentioned), alignment.related, sentences, label_of, COMPARE
            )
        )
    return Summary(
        topic_id=topic.id,
        single_source=single,
        sources=sources,
        lead=tuple(_statement(alignment, i) for i in chosen),
        agreed=() if single else _agreed(alignment),
        only=() if single else _only(alignment, scores, [s.label for s in sources]),
        differences=tuple(sorted(differences, key=lambda d: DIFFERENCE_KINDS.index(d.kind))),
        quotes=quotes.make_quotes(quote_groups, refs_of, who),
        timeline=make_timeline(members, mentioned, sentences, label_of, refs_of, zone),
        entities=gather_entities(
            [m for m in mentions if m.sentence in heads], sentences, label_of, who
        ),
    )


def _by_article(sentences: Sequence[Sentence]) -> dict[str, list[Sentence]]:
    grouped: dict[str, list[Sentence]] = {}
    for sentence in sentences:
        grouped.setdefault(sentence.article_id, []).append(sentence)
    return grouped


def _by_sentence(mentions: Sequence[dates.DateMention]) -> dict[int, list[dates.DateMention]]:
    grouped: dict[int, list[dates.DateMention]] = {}
    for mention in mentions:
        grouped.setdefault(mention.sentence, []).append(mention)
    return grouped


def _citation(unit: Unit) -> Citation:
    return Citation(unit.source, unit.sentence.text, unit.refs)


def _statement(alignment: Alignment, index: int) -> Statement:
    """A unit as a statement, with the other sources of its fact (if any) cited after it."""
    unit = alignment.units[index]
    group = next((g for g in alignment.facts if index in g), (index,))
    others = [_citation(alignment.units[i]) for i in group if i != index]
    return Statement(unit.sentence.text, (_citation(unit), *others))


def _agreed(alignment: Alignment) -> tuple[Statement, ...]:
    """Facts of two or more sources, most widely reported first, each as its clearest sentence."""
    ordered = sorted(
        alignment.facts,
        key=lambda g: (-len(g), min(alignment.units[i].sentence.position for i in g), g),
    )
    return tuple(_statement(alignment, _clearest(alignment, g)) for g in ordered[:MAX_AGREED])


def _clearest(alignment: Alignment, group: Sequence[int]) -> int:
    """The unit closest to the others, preferring plain statements to quotes and "He said"."""

    def merit(index: int) -> float:
        sentence = alignment.units[index].sentence
        closeness = sum(
            alignment.similarity(sentence.key, alignment.units[j].sentence.key)
            for j in group
            if j != index
        )
        penalty = (
            0.2 * sentence.text.startswith(("“", '"'))
            + 0.2 * sentence.text.endswith(("...", "…"))
            + 0.2 * (lead.LEANS_BACK.match(sentence.text) is not None)
            + 0.1 * min(sentence.position, 6) / 6
        )
        return closeness / max(len(group) - 1, 1) - penalty

    return max(group, key=lambda i: (merit(i), -i))


def _only(
    alignment: Alignment, scores: Sequence[float], labels: Sequence[str]
) -> tuple[OnlyIn, ...]:
    """Per source, its sentences no other source matches: the most salient, in reading order."""
    shared = {i for group in alignment.facts for i in group}
    found = []
    for label in labels:
        own = [i for i, u in enumerate(alignment.units) if u.source == label and i not in shared]
        kept = sorted(sorted(own, key=lambda i: (-scores[i], i))[:MAX_ONLY])
        statements = tuple(_statement(alignment, i) for i in kept)
        if statements:
            found.append(OnlyIn(label, statements, len(own) - len(kept)))
    return tuple(found)


def refs_by_sentence(alignment: Alignment) -> Mapping[int, tuple[Ref, ...]]:
    """Sentence key -> the paragraphs of its unit (every wire copy)."""
    return {key: unit.refs for unit in alignment.units for key in unit.keys}
