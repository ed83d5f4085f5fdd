"""People, organisations and places the articles name, and the sources naming each.

Without a model the kind comes from cues in the text: a person is quoted or has an
honorific or a first name before a surname used alone; an organisation has a word like
Council, Ministry or News, or is an acronym; a place has a demonym beside it (Russia /
Russian), a place word (Republic, Region) or follows "in", "to" or "from". A name with no
cue is listed as "other".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator.summary.model import ENTITY_KINDS, Entity, Ref
from generator.summary.names import NameMention, word_forms
from generator.summary.people import People
from generator.summary.sentences import Sentence
from generator.summary.speakers import HONORIFIC, ORG_WORDS

_PLACE_WORDS = re.compile(
    r"\b(?:Republic|Region|Oblast|Province|State|States|City|Island|Islands|Kingdom|County|"
    r"Valley|Sea|River|Mountains?|Bay|Street|Square|Peninsula|Strait|Gulf|Ocean|Coast)\b"
)
_PLACE_BEFORE = re.compile(r"\b(?:in|to|from|into|across|near|throughout|at)\s+(?:the\s+)?$")
_HONORIFIC_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sir|Dame|Lord|Lady|Prof)\.?\s+$")
_CALENDAR = re.compile(
    r"^(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Jan|Feb|Mar|Apr|"
    r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?$"
)
MAX_ENTITIES = 40
_DIRECTIONS = frozenset("North South East West Northern Southern Eastern Western".split())
_THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Seen:
    """What the text shows about one name."""

    forms: dict[str, int]
    refs: dict[str, Ref]
    sources: set[str]
    cues: set[str]


def classify(name: str, cues: set[str]) -> str:
    """person, organisation, place or other, from the cues gathered for a name."""
    if "person" in cues:
        return "person"
    if ORG_WORDS.search(name) or (name.isupper() and len(name) > 1):
        return "organisation"
    if "place" in cues or _PLACE_WORDS.search(name):
        return "place"
    return "person" if "maybe person" in cues else "other"


def gather_entities(
    mentions: Sequence[NameMention],
    sentences: Sequence[Sentence],
    source_of: Mapping[str, str],
    people: People,
) -> tuple[Entity, ...]:
    """Entities with their sources, most widely reported first."""
    seen: dict[str, _Seen] = {}
    words = {w for m in mentions for w in m.text.split()}
    adjectives = demonyms(words)
    longer = {m.text for m in mentions if " " in m.text}
    # Each name that a longer one starts with, then a space ("Richard Moore" of "Richard
    # Moore Jr"): a look-up per mention instead of a walk over every longer name.
    starts = {name[:i] for name in longer for i, char in enumerate(name) if char == " "}
    for mention in mentions:
        name = people.spelled(HONORIFIC.sub("", mention.text))
        last = name.split()[-1]
        if _CALENDAR.match(name) or last in adjectives or last.rstrip("s") in adjectives:
            continue
        if name in _DIRECTIONS:
            continue
        key = people.key(name) if name in people.names.values() or _surname(name, people) else name
        entry = seen.setdefault(key, _Seen({}, {}, set(), set()))
        sentence = sentences[mention.sentence]
        entry.forms[mention.text] = entry.forms.get(mention.text, 0) + 1
        entry.refs.setdefault(sentence.article_id, Ref(sentence.article_id, sentence.paragraph))
        entry.sources.add(source_of[sentence.article_id])
        entry.cues.update(_cues(mention, sentence, adjectives))
        if _looks_like_person(mention, sentence, starts):
            entry.cues.add("maybe person")
    return _entities(seen, people)


def demonyms(words: set[str]) -> set[str]:
    """Words that are another word's adjective or people: Russian (Russia), Korean (Korea)."""
    found = set()
    for word in words:
        for stem_length in (len(word) - 1, len(word) - 2, len(word) - 3):
            base = [
                w for w in words if len(w) >= 4 and w != word and word.startswith(w[:stem_length])
            ]
            if any(len(b) < len(word) and word_forms(b, word) for b in base):
                found.add(word)
                break
    return found


def _looks_like_person(mention: NameMention, sentence: Sentence, starts: set[str]) -> bool:
    """Two or three capitalised words, not after "the", not the start of a longer name
    (`starts`: the starts of longer names, each followed by a space in its name)."""
    parts = mention.text.split()
    if not 2 <= len(parts) <= 3 or any(p.isupper() for p in parts):
        return False
    if mention.text in starts:
        return False
    return not _THE_BEFORE.search(sentence.text, 0, mention.start)


def _surname(name: str, people: People) -> bool:
    """The name is a known person's name or surname alone."""
    return any(name == full or name == full.split()[-1] for full in people.names.values())


def _cues(mention: NameMention, sentence: Sentence, adjectives: set[str]) -> set[str]:
    before = sentence.text[: mention.start]
    cues = set()
    if _HONORIFIC_BEFORE.search(before):
        cues.add("person")
    last = mention.text.split()[-1]
    if _PLACE_BEFORE.search(before) or any(word_forms(last, a) for a in adjectives):
        cues.add("place")
    return cues


def _entities(seen: Mapping[str, _Seen], people: People) -> tuple[Entity, ...]:
    found = []
    for key, entry in seen.items():
        is_person = key in people.names
        name = people.display(key) if is_person else max(entry.forms, key=lambda f: entry.forms[f])
        kind = "person" if is_person else classify(name, entry.cues)
        others = tuple(sorted(f for f in entry.forms if f != name and f not in name))
        found.append(
            Entity(name, kind, others, tuple(sorted(entry.sources)), tuple(entry.refs.values()))
        )
    order = {kind: i for i, kind in enumerate(ENTITY_KINDS)}
    found.sort(key=lambda e: (-len(e.sources), -len(e.refs), order[e.kind], e.name))
    return tuple(found[:MAX_ENTITIES])


def by_kind(entities: Sequence[Entity]) -> dict[str, list[Entity]]:
    """Entities grouped by kind, in ENTITY_KINDS order."""
    groups: dict[str, list[Entity]] = defaultdict(list)
    for entity in entities:
        groups[entity.kind].append(entity)
    return {kind: groups[kind] for kind in ENTITY_KINDS if groups[kind]}
