"""The walk that turns a page's context into its key (`page_keys._Walk`).

What a value stands for depends on its type, found once per type: these check that a
subclass is hashed as its base, that a value the walk cannot hash makes the page
keyless, and that what a page refers to (an article by id, its topic) is in its key.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any

import pytest

from generator.page_keys import Unkeyable, _hash_parts, _Walk


class Text(str):
    pass


@dataclass(frozen=True)
class Link:
    label: str
    target: str


def walk(topical: bool = False, article_key: str = "k1", topic_key: str = "t1") -> _Walk:
    return _Walk({"2024/01/a": article_key}, {}, {"2024/01/a": topic_key}, topical)


@pytest.mark.parametrize(
    ("value", "same_as"),
    [
        (Text("plain"), "plain"),
        (MappingProxyType({"a": 1}), {"a": 1}),
        (OrderedDict(a=1), {"a": 1}),
        ((1, "x"), [1, "x"]),
        (tuple(range(20)), list(range(20))),  # long: hashed on its own
        (True, True),
    ],
)
def test_a_subclass_or_another_container_is_hashed_as_the_plain_value(
    value: Any, same_as: Any
) -> None:
    assert walk().digest(value) == walk().digest(same_as)


@pytest.mark.parametrize(
    ("value", "other"),
    [
        ("plain", "plain "),
        ({"a": 1}, {"a": 2}),
        ((1, "x"), ("x", 1)),
        (1, 1.0),
        (1, True),
        (date(2024, 1, 1), date(2024, 1, 2)),
        (Link("a", "b"), Link("a", "c")),
        (None, "None"),
        # Texts holding NUL, the character that separates the parts when none does:
        (("a\0sb",), ("a", "b")),
        (("a", "b"), ("a\0sb",)),
        (("a\0",), ("a", "")),
        ("\0", ""),
        (tuple("abcdefghijklmnopq"), ("abcdefghijklmnopq",)),  # long ones too
        (("a\0sb", *"cdefghijklmnopq"), ("a", "b", *"cdefghijklmnopq")),
        (("\ud800",), ("\ud801",)),  # lone surrogates are encoded, not refused
    ],
)
def test_different_values_give_different_digests(value: Any, other: Any) -> None:
    assert walk().digest(value) != walk().digest(other)


@pytest.mark.parametrize(
    ("parts", "other"),
    [
        (["a", "b"], ["a\0b"]),
        (["a\0b"], ["a", "b"]),
        ([], [""]),
        (["x"], ['["x"]']),  # a list's JSON is not another list joined
    ],
)
def test_lists_of_texts_hash_apart(parts: list[str], other: list[str]) -> None:
    assert _hash_parts(parts) != _hash_parts(other)


@pytest.mark.parametrize("value", [object(), {1, 2}, [b"bytes"], {"a": Link}, (lambda: 0)])
def test_a_value_the_walk_cannot_hash_makes_the_page_keyless(value: Any) -> None:
    with pytest.raises(Unkeyable):
        walk().digest(value)


def test_an_article_id_stands_for_the_articles_source_and_its_topic() -> None:
    context = {"related": ("2024/01/a", "elsewhere")}
    assert walk().digest(context) != walk(article_key="k2").digest(context)
    assert walk().digest(context) == walk(topic_key="t2").digest(context)  # not topical
    assert walk(True).digest(context) != walk(True, topic_key="t2").digest(context)
    assert walk().digest("2024/01/a") != walk(article_key="k2").digest("2024/01/a")


def test_a_name_stands_with_its_slugs_in_any_case() -> None:
    """A text that names an outlet, author or tag is keyed with its slugs: the `*_url`
    helpers link it (in any case), or find no such name."""
    plain = _Walk({}, {}, {}, False, {})
    named = _Walk({}, {}, {}, False, {"ada hale": "a:ada-hale "})
    moved = _Walk({}, {}, {}, False, {"ada hale": "a:ada-hale-2 "})
    for value in ("Ada Hale", "ADA HALE", ("Ada Hale",), {"Ada Hale": 1}, {"by": "ada hale"}):
        assert len({plain.digest(value), named.digest(value), moved.digest(value)}) == 3
    assert named.digest("Ada Hale reports") == plain.digest("Ada Hale reports")
    assert (named.named("ADA HALE"), plain.named("Ada Hale")) == ("a:ada-hale ", "")
