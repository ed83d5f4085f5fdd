"""bench/build_scale.py's edits: each one changes the archive, however often the same
seed is drawn on one archive (the benchmark keeps its archives between runs)."""

from __future__ import annotations

import random
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def build_scale(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(REPO / "bench"))
    import build_scale as module

    return module


def _archive(root: Path) -> Path:
    folder = root / "content" / "articles" / "2024"
    folder.mkdir(parents=True)
    for n in range(3):
        (folder / f"story-{n}.md").write_text(
            f'---\ntitle: "Story {n}"\noutlet: Outlet {n}\nauthor: ["A {n}"]\n'
            f"date: 2024-01-0{n + 1}T10:00:00+00:00\n---\n\nFirst paragraph {n}.\n\n"
            f"Second paragraph {n}.\n",
            encoding="utf-8",
        )
    return root


def test_an_article_added_with_a_seed_drawn_before_is_a_new_article(
    tmp_path: Path, build_scale: ModuleType
) -> None:
    site = _archive(tmp_path)
    articles = site / "content" / "articles"
    build_scale.add_one(site, random.Random(7))
    first = {p.name: p.read_bytes() for p in articles.rglob("*.md")}
    build_scale.add_one(site, random.Random(7))  # the next run of the benchmark
    second = {p.name: p.read_bytes() for p in articles.rglob("*.md")}
    assert len(first) == 4 and len(second) == 5
    assert all(second[name] == data for name, data in first.items())
    (new,) = set(second) - set(first)
    assert new.startswith("added-")
    number = new.removeprefix("added-").removesuffix(".md")
    assert f'author: ["Added Author {number}"]' in second[new].decode()


def test_the_same_seed_adds_the_same_article_to_two_copies_of_an_archive(
    tmp_path: Path, build_scale: ModuleType
) -> None:
    copies = [_archive(tmp_path / "a"), _archive(tmp_path / "b")]
    for site in copies:
        build_scale.add_one(site, random.Random(3))
        build_scale.add_one(site, random.Random(3))
    found = [
        {p.relative_to(site): p.read_bytes() for p in (site / "content").rglob("*.md")}
        for site in copies
    ]
    assert found[0] == found[1] and len(found[0]) == 5
