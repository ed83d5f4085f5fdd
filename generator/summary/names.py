"""Names in the text, and spellings of one name that differ between sources.

Korotchenko / Korochenko and Donbas / Donbass are one name spelled two ways; Russia /
Russian or Korea / Koreas are word forms of one name, not a discrepancy. A spelling pair
needs close letters (an edit or two), the same first letter, both forms at least five
letters long, different sources using them, and no sentence using both (which would make
them two names).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator.summary.model import Difference, Ref, Variant
from generator.summary.sentences import STOPWORDS, Sentence

# A run of capitalised words, with short lower-case joiners inside ("Council for Foreign
# Relations", "Donetsk People's Republic"). A capital inside a word ("pro-Russian") starts
# no run, and a hyphenated adjective ("Russian-occupied", "York-based") ends one.
# The capital comes first and the look-behind after it (as `(?<![\w’'\-])[A-Z]` reads):
# a pattern that starts with a character class lets `re` skip to the next capital
# instead of trying the look-behind at every position (a quarter faster).
_WORD = r"[A-Z](?<![\w’'\-][A-Z])[a-zA-Z0-9’']*(?:-(?:[A-Z][a-zA-Z0-9’']*|[a-z]{1,3}(?![a-z])))*"
_RUN = re.compile(
    rf"{_WORD}(?:(?:\s+(?:of|for|the|de|du|da|al|bin|van|von|der|le|la))*\s+{_WORD})*"
)
_JOINERS = frozenset("of for the de du da al bin van von der le la".split())
# A sentence's first word when it is grammar, not a name: "Calling", "Ranked", "Additionally".
_GRAMMAR_START = re.compile(r"^(?:\w+(?:ing|ed|ly)|\w+[’']s)$")
# An acronym before a full name is a separate name: "MI6 Richard Moore".
_ACRONYM_THEN_NAME = re.compile(r"^([A-Z0-9]{2,}) ([A-Z][a-z]+ [A-Z][a-z].*)$")
_POSSESSIVE = re.compile(r"[’']s?$")
# Endings that turn a name into another word form of it: Russia/Russian, Iraq/Iraqi,
# Ukraine/Ukrainian, China/Chinese, Korea/Koreas, Britain/Britain's.
_FORM_ENDINGS = ("s", "es", "n", "an", "ian", "ans", "ians", "ns", "i", "is", "ese", "ish")
MIN_LENGTH = 5


@dataclass(frozen=True, slots=True)
class NameMention:
    """A run of capitalised words in a sentence."""

    text: str
    """As written, possessive dropped: "Igor Korotchenko", "Council for Foreign Relations"."""
    sentence: int
    """`Sentence.key`."""
    start: int
    """Character offset in the sentence text."""
    initial: bool
    """The run starts the sentence (so its first capital may be grammar, not a name)."""


@dataclass(frozen=True, slots=True)
class Spelling:
    """One name written in more than one way across sources."""

    canonical: str
    """The most used form (earliest on a tie)."""
    forms: tuple[str, ...]
    """Every form, canonical first."""


def capitalised_runs(sentence: Sentence) -> list[tuple[int, int, str]]:
    """(start, end, text) of each run of capitalised words: found once per sentence, read
    by both `mid_sentence_words` and `name_mentions`."""
    return [(m.start(), m.end(), m.group()) for m in _RUN.finditer(sentence.text)]


def name_mentions(
    sentence: Sentence,
    known: frozenset[str] = frozenset(),
    runs: Sequence[tuple[int, int, str]] | None = None,
) -> list[NameMention]:
    """Capitalised runs; a sentence-initial common word ("However", "The") is dropped."""
    found: list[NameMention] = []
    text = sentence.text
    lead = len(text) - len(text.lstrip("“\"‘'( "))
    for start, end, matched in capitalised_runs(sentence) if runs is None else runs:
        run = _POSSESSIVE.sub("", matched)
        if start <= lead:
            run = _drop_grammar(run, known)
            start = end - len(run) if run else start
        acronym = _ACRONYM_THEN_NAME.match(run)
        parts = [acronym.group(1), acronym.group(2)] if acronym else [run]
        for part in parts:
            if part and not all(w.lower() in STOPWORDS for w in part.split()):
                found.append(NameMention(part, sentence.key, start, start <= lead))
    return found


def _drop_grammar(run: str, known: frozenset[str]) -> str:
    """A run at a sentence start without its first word, when that word is not a name."""
    first, _, rest = run.partition(" ")
    words = rest.split()
    is_grammar = (
        first.lower() in STOPWORDS
        or _GRAMMAR_START.match(first) is not None
        or (words and words[0] in _JOINERS)
        or (not rest and first not in known)
    )
    if not is_grammar:
        return run
    while words and words[0] in _JOINERS:
        words.pop(0)
    return " ".join(words)


def mid_sentence_words(
    sentences: Sequence[Sentence], runs: Sequence[Sequence[tuple[int, int, str]]] | None = None
) -> frozenset[str]:
    """Capitalised words seen away from a sentence start: names, not grammar.

    `runs`: each sentence's `capitalised_runs`, when the caller has them already."""
    words: set[str] = set()
    for own in [capitalised_runs(s) for s in sentences] if runs is None else runs:
        for start, _end, run in own:
            if start > 2:
                words.update(_POSSESSIVE.sub("", w) for w in run.split())
    return frozenset(words)


def word_forms(a: str, b: str) -> bool:
    """True when one name is a word form of the other (Russia / Russian, Korea / Koreas)."""
    short, long = sorted((a.lower(), b.lower()), key=len)
    for cut in (0, 1):
        stem = short[: len(short) - cut] if cut else short
        ending = long[len(stem) :]
        # Donbass is not a plural of Donbas: a plural adds -es after an s.
        plural_of_s = cut == 0 and ending == "s" and short.endswith("s")
        if long.startswith(stem) and ending in _FORM_ENDINGS and not plural_of_s:
            return True
    return long == short + "y"  # German / Germany


def close_spelling(a: str, b: str) -> bool:
    """Two spellings of one name: close letters, same start, not word forms."""
    from rapidfuzz.distance import Levenshtein

    if a == b or min(len(a), len(b)) < MIN_LENGTH or a[0].lower() != b[0].lower():
        return False
    limit = 1 if min(len(a), len(b)) <= 6 else 2
    distance = Levenshtein.distance(a.lower(), b.lower(), score_cutoff=limit)
    return distance <= limit and not word_forms(a, b)


def spellings(
    mentions: Sequence[NameMention], source_of_sentence: Mapping[int, str]
) -> tuple[Spelling, ...]:
    """Names spelled differently by different sources, as groups of forms."""
    uses: dict[str, list[int]] = defaultdict(list)
    for mention in mentions:
        for word in mention.text.split():
            if word[:1].isupper() and not word.isupper():
                uses[word].append(mention.sentence)
    forms = sorted(uses, key=lambda w: (w[0].lower(), len(w), w))
    parent = {form: form for form in forms}
    for a, b in _candidate_pairs(forms):
        if close_spelling(a, b) and _distinct_sources(uses[a], uses[b], source_of_sentence):
            parent[_root(parent, b)] = _root(parent, a)
    groups: dict[str, list[str]] = defaultdict(list)
    for form in forms:
        groups[_root(parent, form)].append(form)
    found = []
    for members in groups.values():
        if len(members) > 1:
            ranked = sorted(members, key=lambda f: (-len(uses[f]), min(uses[f])))
            found.append(Spelling(ranked[0], tuple(ranked)))
    return tuple(sorted(found, key=lambda s: s.canonical))


def _root(parent: dict[str, str], form: str) -> str:
    while parent[form] != form:
        form = parent[form]
    return form


def _candidate_pairs(forms: Sequence[str]) -> list[tuple[str, str]]:
    """Pairs with the same first letter and lengths within two: all a spelling pair can be."""
    blocks: dict[str, list[str]] = defaultdict(list)
    for form in forms:
        blocks[form[0].lower()].append(form)
    pairs = []
    for block in blocks.values():
        for i, a in enumerate(block):  # sorted by length: stop once too long
            for b in block[i + 1 :]:
                if len(b) - len(a) > 2:
                    break
                pairs.append((a, b))
    return pairs


def _distinct_sources(
    a: Sequence[int], b: Sequence[int], source_of_sentence: Mapping[int, str]
) -> bool:
    """Some source writes one form and not the other, and no sentence has both."""
    if set(a) & set(b):
        return False
    sources_a = {source_of_sentence[k] for k in a}
    sources_b = {source_of_sentence[k] for k in b}
    return sources_a != sources_b


def canonical_words(found: Sequence[Spelling]) -> dict[str, str]:
    """Every non-canonical form -> its canonical form."""
    return {form: s.canonical for s in found for form in s.forms[1:]}


def spelling_differences(
    found: Sequence[Spelling],
    mentions: Sequence[NameMention],
    sentences: Sequence[Sentence],
    source_of: Mapping[str, str],
    refs_of: Mapping[int, tuple[Ref, ...]],
) -> list[Difference]:
    """Each spelling group as a difference: every source's form and its first sentence."""
    first: dict[tuple[str, str], int] = {}
    for mention in mentions:
        for word in mention.text.split():
            source = source_of[sentences[mention.sentence].article_id]
            first.setdefault((source, word), mention.sentence)
    differences = []
    for spelling in found:
        variants = tuple(
            Variant(source, form, sentences[key].text, refs_of[key])
            for (source, form), key in sorted(first.items(), key=lambda item: item[1])
            if form in spelling.forms
        )
        differences.append(Difference("name", spelling.canonical, variants))
    return differences
