"""People across sources: one key per person whatever the spelling, and how each source
describes them (defence expert / journalist / talk show host).

A person's key is the canonical spelling of the surname, lower-cased: "Igor Korotchenko",
"Mr Korotchenko" and "Korochenko" are one person. Two sources describe a person
differently when their descriptions share no word for what the person is.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator.summary.model import Difference, Ref, Variant
from generator.summary.sentences import STOPWORDS, Sentence, stem
from generator.summary.speakers import DEMONYM, Attribution

_LETTERS = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True, slots=True)
class People:
    """Names of people in a topic, with their spellings made one."""

    canonical: Mapping[str, str]
    """Variant spelling of a word -> canonical spelling (from `names.spellings`)."""
    names: Mapping[str, str]
    """Person key -> the fullest name seen, in canonical spelling."""

    def key(self, name: str) -> str:
        """The person key of a name: canonical surname, lower-cased."""
        surname = name.split()[-1]
        return self.canonical.get(surname, surname).lower()

    def display(self, key: str) -> str:
        """The fullest name of a person key."""
        return self.names.get(key, key.title())

    def spelled(self, name: str) -> str:
        """A name in canonical spelling."""
        return " ".join(self.canonical.get(w, w) for w in name.split())


def gather_people(attributions: Sequence[Attribution], canonical: Mapping[str, str]) -> People:
    """People named as speakers; each under the fullest form of the name."""
    people = People(canonical, {})
    fullest: dict[str, str] = {}
    for item in attributions:
        if item.name and item.is_person:
            key, name = people.key(item.name), people.spelled(item.name)
            if len(name.split()) > len(fullest.get(key, "").split()):
                fullest[key] = name
    return People(canonical, fullest)


def _description_words(description: str) -> frozenset[str]:
    """Stems of what a description says a person is, demonyms and grammar left out."""
    words = _LETTERS.findall(description)
    return frozenset(
        stem(w.lower()) for w in words if w.lower() not in STOPWORDS and not DEMONYM.match(w)
    )


def description_differences(
    attributions: Sequence[Attribution],
    sentences: Sequence[Sentence],
    source_of: Mapping[str, str],
    refs_of: Mapping[int, tuple[Ref, ...]],
    people: People,
) -> list[Difference]:
    """People that two sources describe with no word in common."""
    said: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for item in attributions:
        if item.name and item.is_person and item.description:
            source = source_of[sentences[item.sentence].article_id]
            said[people.key(item.name)][source].setdefault(item.description, item.sentence)
    found = []
    for key, by_source in sorted(said.items()):
        if _disagree(by_source):
            variants = tuple(
                Variant(source, description, sentences[k].text, refs_of[k])
                for source, descriptions in by_source.items()
                for description, k in descriptions.items()
            )
            found.append(Difference("description", people.display(key), variants))
    return found


def _disagree(by_source: Mapping[str, Mapping[str, int]]) -> bool:
    """Some two sources describe the person with no common word."""
    words = [
        frozenset().union(*(_description_words(d) for d in descriptions))
        for descriptions in by_source.values()
    ]
    return any(a and b and not (a & b) for i, a in enumerate(words) for b in words[i + 1 :])
