"""Slugs are non-empty, ASCII, bounded and safe as file names."""

from __future__ import annotations

import pytest

from generator.slugs import MAX_LENGTH, path_slug, slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Hello, World!", "hello-world"),
        ("Zürich café’s Œuvre", "zurich-cafes-oeuvre"),
        ("FOO!", "foo"),
        ("CON", "con-"),
        ("  --  ", None),
        ("..", None),
        ("🎉🎉", None),
        ("Новости", None),
    ],
)
def test_slugify(text: str, slug: str | None) -> None:
    result = slugify(text)
    assert result.isascii() and result
    if slug is None:
        assert result.startswith("x-")
    else:
        assert result == slug


def test_long_titles_are_cut_at_a_word() -> None:
    slug = slugify("word " * 200)
    assert len(slug) <= MAX_LENGTH and not slug.endswith("-")


def test_empty_slugs_differ_for_different_text() -> None:
    assert slugify("🎉") != slugify("🎈")


def test_path_slug() -> None:
    assert path_slug("2022/08/Some Title") == "2022/08/some-title"
