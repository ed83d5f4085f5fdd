"""Author names from bylines and name lines."""

from __future__ import annotations

import pytest

from generator.importer.bylines import from_byline, from_name_line, split_names

BYLINES = [
    ("By Jane Doe", ("Jane Doe",)),
    ("By Jane Doe and John Roe", ("Jane Doe", "John Roe")),
    ("By Jane Doe, John Roe and Ann Poe", ("Jane Doe", "John Roe", "Ann Poe")),
    ("By Jane Doe and John Roe The Associated Press", ("Jane Doe", "John Roe")),
    ("By Jane Doe For Dailynews.Example", ("Jane Doe",)),
    ("By Jane Doe | Example News", ("Jane Doe",)),
    ("by Jane Doe Apr. 28, 2023 1:15 pm", ("Jane Doe",)),
    ("By Jane Doe published 19 May 2026", ("Jane Doe",)),
    ("By Jane O’Doe Follow", ("Jane O’Doe",)),
    ("By Associated Press", ("Associated Press",)),
    ("By Desk Staff", ("Desk Staff",)),
    ("Words by Jane Doe", ("Jane Doe",)),
    ("By the way, this is a sentence.", ()),
    ("by far the largest", ()),
    ("Jane Doe", ()),
]


@pytest.mark.parametrize(("line", "expected"), BYLINES)
def test_from_byline(line: str, expected: tuple[str, ...]) -> None:
    assert from_byline(line) == expected


NAME_LINES = [
    ("Jane Doe", ("Jane Doe",)),
    ("Jane Doe-Roe", ("Jane Doe-Roe",)),
    ("Anna Van Der Berg | Published 4 months ago", ("Anna Van Der Berg",)),
    ("Jane Doe 5 hours ago", ("Jane Doe",)),
    ("Jane DoePublished Jul 17, 2024, 11:21am", ("Jane Doe",)),
    ("Jane Doe Travel News Reporter", ("Jane Doe",)),
    ("Jane Doe Political Correspondent", ("Jane Doe",)),
    ("* Jane Doe0", ("Jane Doe",)),
    ("A Heat Shield for the Most Important Ice on Earth", ()),
    ("Local News", ()),
    ("GET SUPPORT", ()),
    ("Shop SUPPORT DM", ()),
    ("Federal PoliticsPolitics", ()),
    ("Share this article", ()),
]


@pytest.mark.parametrize(("line", "expected"), NAME_LINES)
def test_from_name_line(line: str, expected: tuple[str, ...]) -> None:
    assert from_name_line(line) == expected


def test_outlet_name_after_the_name_is_cut() -> None:
    assert from_name_line("Jane Doe The Harbour Ledger", ["The Harbour Ledger"]) == ("Jane Doe",)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ada Quill and Jonas Petrov", ("Ada Quill", "Jonas Petrov")),
        ("Ada Quill, Jonas Petrov", ("Ada Quill", "Jonas Petrov")),
        ("Ada Quill; Jonas Petrov & Mira Sato", ("Ada Quill", "Jonas Petrov", "Mira Sato")),
        ("Ada Quill, Ada Quill", ("Ada Quill",)),
    ],
)
def test_split_names(value: str, expected: tuple[str, ...]) -> None:
    assert split_names(value) == expected
