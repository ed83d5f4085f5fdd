"""Quotes across sources: who said what, who carries it, and whose wording differs.

Two sources carry the same quote when most words of the shorter wording are in the other
(a word matches a close spelling, so "resilient" meets "resident"), and the speakers do
not contradict. The wordings differ when, after leaving out what one source cut at either
end, a word is replaced, added or dropped inside the quote.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import repeat

from generator.summary.model import Citation, Difference, Quote, Ref, Variant
from generator.summary.people import People
from generator.summary.sentences import Sentence, words_of
from generator.summary.speakers import Attribution

# Share of the shorter wording's words found in the other: the same quote.
SAME_QUOTE = 0.6
# Similarity (0-100) at which two words are one word spelled or heard differently.
CLOSE_WORD = 75
# A quote this short with no named speaker is a scare quote ("volunteers"), not a quote.
MIN_WORDS = 3
# Blocking: a word carried by more quotes than this does not find pairs.
MAX_POSTINGS = 100


@dataclass(frozen=True, slots=True)
class QuoteMention:
    """The words one speaker is quoted with in one sentence."""

    sentence: int
    source: str
    speaker: str | None
    """People key of a named speaker, else None."""
    described: str | None
    """Who the sentence says spoke, when unnamed ("North Korean source")."""
    pieces: tuple[str, ...]
    """The quotations of this speaker in the sentence, without quote marks."""

    @property
    def words(self) -> str:
        """The quotations joined with " … "."""
        return " … ".join(self.pieces)

    def matching(self, other: str) -> str:
        """The quotations that another source's wording also has (all if none does)."""
        theirs = {w.lower() for w in words_of(other)}
        kept = [
            p
            for p in self.pieces
            if overlap(p, other) >= SAME_QUOTE or {w.lower() for w in words_of(p)} <= theirs
        ]
        return " … ".join(kept or self.pieces)


def quote_mentions(
    attributions: Sequence[Attribution],
    sentences: Sequence[Sentence],
    source_of: Mapping[str, str],
    people: People,
) -> list[QuoteMention]:
    """One mention per attribution that quotes words, scare quotes left out."""
    found = []
    for item in attributions:
        if not item.quotes:
            continue
        words = " … ".join(item.quotes)
        key = people.key(item.name) if item.name and item.is_person else None
        if key is None and len(words_of(words)) < MIN_WORDS:
            continue
        speaker_text = None if key else (item.name or item.description)
        source = source_of[sentences[item.sentence].article_id]
        found.append(QuoteMention(item.sentence, source, key, speaker_text, item.quotes))
    return found


def overlap(a: str, b: str) -> float:
    """Share of the shorter wording's words that the other has (close spellings count)."""
    return _overlap(a, b)


# A quote is repeated by every source and article that carries it: pairs recur.
@lru_cache(maxsize=1 << 14)
def _overlap(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    left, right = _lower_words(a), _lower_words(b)
    if not left or not right:
        return 0.0
    short, long = sorted((left, right), key=len)
    if len(short) < MIN_WORDS:
        return 1.0 if short == long else 0.0
    if not Counter(short) - Counter(long):
        return 1.0  # every word has an exact match: the loop below would find them all
    unused = list(long)
    matched = 0
    for word in short:
        hit = next((w for w in unused if w == word), None)
        if hit is None and len(word) >= 5:
            hit = next((w for w in unused if fuzz.ratio(w, word) >= CLOSE_WORD), None)
        if hit is not None:
            unused.remove(hit)
            matched += 1
    return matched / len(short)


def _lower_words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in words_of(text))


def group_quotes(mentions: Sequence[QuoteMention]) -> list[list[QuoteMention]]:
    """Mentions of one quote across sources, at most one per source, most similar first."""
    scored = []
    texts = [m.words for m in mentions]
    sources = [m.source for m in mentions]
    speakers = [m.speaker for m in mentions]
    for i, j in _candidates(mentions):
        if sources[i] == sources[j]:
            continue
        # Speakers that do not contradict: either unnamed, or the same (tested inline:
        # this loop meets every candidate pair of the topic).
        one, other = speakers[i], speakers[j]
        if one is None or other is None or one == other:
            value = _overlap(texts[i], texts[j])
            if value >= SAME_QUOTE:
                scored.append((value, i, j))
    groups: list[list[int]] = [[i] for i in range(len(mentions))]
    group_of = list(range(len(mentions)))
    for _value, i, j in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        gi, gj = group_of[i], group_of[j]
        sources_i = {mentions[k].source for k in groups[gi]}
        if gi != gj and not sources_i & {mentions[k].source for k in groups[gj]}:
            groups[gi].extend(groups[gj])
            for k in groups[gj]:
                group_of[k] = gi
            groups[gj] = []
    return [[mentions[k] for k in sorted(g)] for g in groups if g]


def _candidates(mentions: Sequence[QuoteMention]) -> set[tuple[int, int]]:
    """Pairs sharing a word (or the speaker): the only ones that can be one quote."""
    postings: dict[str, list[int]] = defaultdict(list)
    for index, mention in enumerate(mentions):
        keys = {w.lower()[:4] for w in words_of(mention.words) if len(w) >= 4}
        keys.add(f"@{mention.speaker}")
        for key in keys:
            postings[key].append(index)
    pairs: set[tuple[int, int]] = set()
    for members in postings.values():
        for x, i in enumerate(members[:MAX_POSTINGS]):
            pairs.update(zip(repeat(i), members[x + 1 : MAX_POSTINGS]))
    return pairs


def make_quotes(
    groups: Sequence[Sequence[QuoteMention]], refs_of: Mapping[int, tuple[Ref, ...]], people: People
) -> tuple[Quote, ...]:
    """Quote items: speaker, longest wording, each source's wording and paragraph."""
    quotes = []
    for group in groups:
        named = next((m.speaker for m in group if m.speaker), None)
        speaker = people.display(named) if named else next((m.described for m in group), None)
        longest = max(group, key=lambda m: len(m.words)).words
        citations = tuple(Citation(m.source, m.words, refs_of[m.sentence]) for m in group)
        quotes.append(Quote(speaker, longest, citations))
    return tuple(quotes)


def wording_differs(a: str, b: str) -> bool:
    """A word replaced, added or dropped inside the quote (a cut at either end is no change)."""
    left, right = [w.lower() for w in words_of(a)], [w.lower() for w in words_of(b)]
    codes = SequenceMatcher(None, left, right, autojunk=False).get_opcodes()
    while codes and codes[0][0] in ("insert", "delete"):
        codes.pop(0)
    while codes and codes[-1][0] in ("insert", "delete"):
        codes.pop()
    return any(code != "equal" for code, *_ in codes)


def quote_differences(
    groups: Sequence[Sequence[QuoteMention]],
    sentences: Sequence[Sentence],
    refs_of: Mapping[int, tuple[Ref, ...]],
    people: People,
) -> list[Difference]:
    """Quotes that two sources word differently, with each wording and its sentence."""
    found = []
    for group in groups:
        if len(group) < 2:
            continue
        first = group[0]
        others = group[1:]
        shown = [first.matching(others[0].words)] + [m.matching(first.words) for m in others]
        if any(wording_differs(shown[0], text) for text in shown[1:]):
            named = next((m.speaker for m in group if m.speaker), None)
            who = people.display(named) if named else "an unnamed speaker"
            variants = tuple(
                Variant(m.source, text, sentences[m.sentence].text, refs_of[m.sentence])
                for m, text in zip(group, shown, strict=True)
            )
            found.append(Difference("quote", f"words of {who}", variants))
    return found
