"""Property tests (Hypothesis) of the fuzz targets, plus a short atheris run when present.

The targets live in `fuzz_targets.py` so that atheris and Hypothesis check the same
promises: no crash, no hang (no 4 KiB input over 1 s), no active content, and an exact
front-matter round trip. Examples and settings are bounded for CI; BRIEFING_LONG_TESTS=1
multiplies them. Crashers found by either tool stay here as examples.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.frontmatter import dump, parse

from .conftest import Tally
from .corpus import LONG, PAYLOADS
from .fuzz_targets import TARGETS, target_frontmatter, target_importer, target_markup

EXAMPLES = 2000 if LONG else 150
FUZZ_RUNS = 200_000 if LONG else 1_000
BOUNDED = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Text that looks like what the targets read: Markdown and HTML punctuation, payloads.
MARKUP_ALPHABET = st.sampled_from([*list("[]()<>!*_`#>-+|~:\\/\"'&;= \n\t.x1aé"), "\u2028"])
markdownish = st.one_of(
    st.text(MARKUP_ALPHABET, max_size=300),
    st.text(max_size=300),
    st.lists(st.sampled_from(PAYLOADS), max_size=6).map("\n\n".join),
    st.builds(lambda a, p, b: a + p + b, st.text(MARKUP_ALPHABET, max_size=40),
              st.sampled_from(PAYLOADS), st.text(MARKUP_ALPHABET, max_size=40)),
)  # fmt: skip
# Inputs known to be slow for Markdown parsers (quadratic or worse in naive ones).
PATHOLOGICAL: list[Any] = [
    "[" * 1000 + "a" + "]" * 1000,
    "*a " * 1300,
    "_" * 4000,
    "> " * 2000,
    "- " * 2000,
    "`" * 2000 + "a",
    "<" * 4000,
    "[a](" * 1000,
    "![" * 2000,  # markdown-it alone: a second or more (generator/markup.py remembers scans)
    "[a" * 2000,
    "[![" * 1365,
    "a\\" * 2000,
    "&#" * 2000,
    "**_" * 1300,
    "1. " * 1300,
    "|a" * 2000 + "\n|-|\n",
    "[x]: <" * 600,
    "\t" * 4000 + "a",
]


def test_hypothesis_budget(tally: Tally) -> None:
    """Five property tests here with this many examples each (Hypothesis stops early only
    when a strategy has fewer distinct inputs)."""
    tally("fuzz hypothesis", f"up to {EXAMPLES} examples x 5 property tests (+ 2 in test_slugs)")


@pytest.mark.parametrize("text", PATHOLOGICAL, ids=range(len(PATHOLOGICAL)))
def test_pathological_markdown_is_bounded(text: str) -> None:
    assert len(text.encode()) <= 4096
    target_markup(text.encode())


@BOUNDED
@given(markdownish)
@example("[a](<javascript:alert(1)>)")
@example("![x](data:image/svg+xml,<svg onload=alert(1)>)")
def test_markdown_renders_inert_and_quickly(text: str) -> None:
    target_markup(text.encode())


# What a browser's copy of a page looks like: lines of words, blank lines, bylines, dates.
line = st.one_of(
    st.text(max_size=120),
    st.sampled_from(["", "By Ada Quill", "12 March 2024", "Advertisement", "More from us"]),
    st.sampled_from(PAYLOADS),
    st.lists(st.sampled_from("the council said on Monday that roads were closed".split()),
             min_size=5, max_size=40).map(" ".join),
)  # fmt: skip
pasted = st.lists(line, max_size=40).map("\n".join)


@BOUNDED
@given(pasted)
def test_text_importer_never_crashes_and_keeps_body_inert(text: str) -> None:
    target_importer(text.encode("utf-8"))


@BOUNDED
@given(st.binary(max_size=600))
def test_text_importer_on_any_bytes(data: bytes) -> None:
    target_importer(data)


no_surrogates = st.characters(exclude_categories=["Cs"])
keys = st.text(no_surrogates, min_size=1, max_size=20)
text_values = st.text(no_surrogates, max_size=40)
offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), text_values,
    st.floats(allow_nan=False),
    st.dates(),
    st.builds(lambda d, tz: d.replace(tzinfo=tz),
              st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)), offsets),
)  # fmt: skip
values = st.one_of(scalars, st.lists(scalars, max_size=4))


@BOUNDED
@given(st.dictionaries(keys, values, max_size=6), text_values)
@example({"a": 1e100}, "")
@example({"a": float("inf")}, "")
@example({"a": datetime(2022, 8, 8, 9, 0, 0, 123456, tzinfo=UTC)}, "")
@example({"a: b": "c", "#x": "y", "- z": [], "": 1}, "")
def test_front_matter_round_trip_any_key_and_value(meta: dict[str, object], body: str) -> None:
    doc = parse(dump(meta, "\n" + body))
    assert doc.meta == meta
    assert doc.body == "\n" + body


@BOUNDED
@given(st.text(max_size=400))
@example("---\n")
@example("---\n? [a]\n: b\n---\n")
@example("---\n&a [*a]\n---\n")
def test_front_matter_reader_on_any_text(text: str) -> None:
    target_frontmatter(("---\n" + text).encode())
    target_frontmatter(text.encode())


def test_front_matter_reader_rejects_alias_bombs_quickly() -> None:
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    target_frontmatter((bomb + "---\n").encode())


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris not installed")
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_atheris_run(name: str, tmp_path: Path, tally: Tally) -> None:
    """A short coverage-guided run of each target; the count goes to the log."""
    script = Path(__file__).with_name("fuzz_targets.py")
    result = subprocess.run(
        [sys.executable, str(script), name, f"-atheris_runs={FUZZ_RUNS}", "-max_len=4096",
         "-rss_limit_mb=2048"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    done = re.search(r"Done (\d+) (?:runs )?in", result.stderr)
    tally(f"fuzz atheris {name}", f"{done.group(1) if done else '?'} executions")
    assert result.returncode == 0, result.stderr[-3000:]
    assert done is not None and int(done.group(1)) >= FUZZ_RUNS - 1
