"""Front matter: parse errors with lines, and an exact round trip."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.frontmatter import FrontMatterError, dump, parse


def test_parse_splits_meta_and_body() -> None:
    doc = parse("---\ntitle: A\ndate: 2022-08-08\n---\n\nBody\n")
    assert doc.meta == {"title": "A", "date": date(2022, 8, 8)}
    assert doc.body == "\nBody\n"
    assert doc.body_line == 5
    assert doc.key_lines == {"title": 2, "date": 3}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("title: A\n", 1, "no front matter"),
        ("---\ntitle: A\n", 1, "not closed"),
        ("---\ntitle: [a\n---\n", 2, "invalid YAML"),
        ("---\n- a\n---\n", 2, "must be a mapping"),
    ],
)
def test_parse_errors(text: str, line: int, message: str) -> None:
    with pytest.raises(FrontMatterError) as info:
        parse(text)
    assert info.value.line == line
    assert message in info.value.message


@pytest.mark.parametrize(
    "tricky",
    [
        "NO",
        "12:30",
        "0777",
        "yes",
        "null",
        "~",
        "- x",
        "a: b",
        "#c",
        "\u0085",
        "\u2028x",
        '"q"',
        "'",
        "\\",
    ],
)
def test_yaml_special_strings_stay_strings(tricky: str) -> None:
    assert parse(dump({"title": tricky}, "")).meta == {"title": tricky}


def test_dates_round_trip() -> None:
    meta = {
        "date": datetime(2022, 8, 8, 9, 0, tzinfo=timezone(timedelta(hours=-4))),
        "day": date(2022, 1, 2),
    }
    assert parse(dump(meta, "")).meta == meta


text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
values = st.one_of(st.none(), st.booleans(), st.integers(), text, st.lists(text, max_size=3))


@given(st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), values, max_size=6), text)
def test_round_trip_is_exact(meta: dict[str, object], body: str) -> None:
    doc = parse(dump(meta, "\n" + body))
    expected = {k: list(v) if isinstance(v, tuple) else v for k, v in meta.items()}
    assert doc.meta == expected
    assert doc.body == "\n" + body


@pytest.mark.parametrize("key", ["no", "yes", "on", "off", "y", "n", "null", "true", "_x", "a b"])
def test_yaml_special_keys_stay_strings(key: str) -> None:
    assert parse(dump({key: "v"}, "")).meta == {key: "v"}
