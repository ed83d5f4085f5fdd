"""Printed and stated publication dates, with their zones."""

from __future__ import annotations

from datetime import date

import pytest

from generator.importer.dates import is_relative, parse_iso, parse_printed

PRINTED = [
    ("Monday 08 August 2022 09:00 EDT", "2022-08-08T09:00:00-04:00"),
    ("Friday 22 November 2024 08:49 GMT", "2024-11-22T08:49:00+00:00"),
    (
        "Published: 15:56 BST, 27 April 2024 | Updated: 15:57 BST, 27 April 2024",
        "2024-04-27T15:56:00+01:00",
    ),
    ("Published April 26, 2023 2:20pm EDT", "2023-04-26T14:20:00-04:00"),
    ("Jane Doe / NEWS.EXAMPLE / Apr 16, 2026, 14:04 IST", "2026-04-16T14:04:00+05:30"),
    ("Posted Jan. 5, 2024 at 9:30 p.m. ET", "2024-01-05T21:30:00-05:00"),
    ("Posted July 5, 2024 at 9:30 a.m. ET", "2024-07-05T09:30:00-04:00"),
    ("Published on 16/01/2026 - 13:55 GMT+1", "2026-01-16T13:55:00+01:00"),
    ("2025-03-29T11:36:01Z", "2025-03-29T11:36:01+00:00"),
    ("12:20pm Jan 7, 2024", "2024-01-07"),
    ("Tue, 26 November 2024 9:27PM", "2024-11-26"),
    ("May 14, 2025", "2025-05-14"),
    ("* 06 February 2026", "2026-02-06"),
    ("Politics / January 11, 2024", "2024-01-11"),
    ("By Jane Doe published 19 May 2026", "2026-05-19"),
    ("Jen DoePublished Jul 17, 2024, 11:21am | Updated Jul 17, 2024, 6:39pm", "2024-07-17"),
]


@pytest.mark.parametrize(("line", "expected"), PRINTED)
def test_printed(line: str, expected: str) -> None:
    found = parse_printed(line)
    assert found is not None and found.isoformat() == expected


@pytest.mark.parametrize(
    "line",
    [
        "Published on 06/01/2026 - 13:55",
        "5 hours ago",
        "Updated yesterday",
        "31 February 2024",
        "No date here",
    ],
)
def test_no_date_rather_than_a_guess(line: str) -> None:
    assert parse_printed(line) is None


def test_relative() -> None:
    assert (
        is_relative("Kyle Doe 7 hours")
        and is_relative("2 minutes ago")
        and not is_relative("7 sisters")
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-07T01:20:00+00:00", "2024-01-07T01:20:00+00:00"),
        ("2024-01-07T12:20:00+1100", "2024-01-07T12:20:00+11:00"),
        ("2024-01-07T12:20:00", "2024-01-07"),
        ("2024-01-07", "2024-01-07"),
    ],
)
def test_iso(value: str, expected: str) -> None:
    found = parse_iso(value)
    assert found is not None and found.isoformat() == expected


def test_iso_rejects_impossible_days() -> None:
    assert parse_iso("2024-02-30") is None
    assert parse_iso("2024-02-29") == date(2024, 2, 29)
