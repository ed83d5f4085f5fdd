"""site.yaml schema: defaults, and every problem reported at once with key and line."""

from __future__ import annotations

import pytest

from generator.config import SiteConfig, parse_config, reference
from generator.errors import ConfigError


def test_empty_file_gives_defaults() -> None:
    config = parse_config("")
    assert config == SiteConfig()
    assert config.base_path == "/"


def test_full_example() -> None:
    config = parse_config(
        "title: T\nbase_url: https://example.org/briefings\ntimezone: Europe/London\n"
        "feeds: {size: 5}\noutlets:\n  - name: The Independent\n    domains: independent.co.uk\n"
        "extra: {anything: [1, 2]}\n"
    )
    assert config.base_path == "/briefings/"
    assert config.absolute_base == "https://example.org/briefings/"
    assert config.feeds.size == 5
    assert config.outlets[0].domains == ("independent.co.uk",)
    assert config.extra == {"anything": [1, 2]}


INVALID = [
    ("feeds:\n  size: ten\n", "site.yaml:2: feeds.size: expected an integer, got 'ten'"),
    ("feeds:\n  size: 0\n", "site.yaml:2: feeds.size: expected an integer >= 1, got 0"),
    ("titel: x\n", "site.yaml:1: titel: unknown key (did you mean 'title'?)"),
    ("timezone: Mars/Olympus\n", "site.yaml:1: timezone: expected an IANA time zone"),
    ("base_url: ftp://x\n", "site.yaml:1: base_url: expected an http(s) URL"),
    ("page_size: true\n", "site.yaml:1: page_size: expected an integer, got true"),
    ("title: a\ntitle: b\n", "site.yaml:2: title: key given twice"),
    ("outlets:\n  - short_name: x\n", "site.yaml:2: outlets.0.name: required key missing"),
    ("title: [unclosed\n", "site.yaml:2: invalid YAML"),
    ("- a list\n", "site.yaml: (top level): expected a mapping, got a list"),
    ("topics: {threshold: 2}\n", "topics.threshold: expected a number from 0.0 to 1.0, got 2"),
]


@pytest.mark.parametrize(("text", "expected"), INVALID)
def test_invalid_config(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert any(expected in problem for problem in info.value.problems), info.value.problems


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config("titel: x\nfeeds: {size: ten}\npage_size: -1\n")
    assert len(info.value.problems) == 3


def test_reference_documents_every_key() -> None:
    rows = "\n".join(reference())
    for key in ("title", "base_url", "feeds.size", "paths.output", "import.max_size_mb", "extra"):
        assert f"`{key}`" in rows
