"""Pinned quality floors of story grouping: B-cubed F1 on the labelled clusters.

Each file of ../shared/data/clusters (and all of them as one inbox) is written as Markdown
articles, read back and grouped the way a build does it, with the default settings. The
floors are in grouping_floors.json; lowering one is an explicit, reviewed edit.
bench/score_grouping.py prints the same figures with precision, recall and ARI.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from generator.config import TopicsConfig

REPO = Path(__file__).resolve().parents[2]
FLOORS: dict[str, float] = json.loads((Path(__file__).parent / "grouping_floors.json").read_text())


@pytest.fixture(scope="module")
def scores() -> dict[str, float]:
    """F1 per file, measured once for all the floors."""
    data = REPO.parent / "shared" / "data" / "clusters"
    if not data.is_dir():
        pytest.skip("../shared/data is not present")
    sys.path.insert(0, str(REPO / "bench"))
    import score_grouping as bench

    names = [name for name in FLOORS if name != bench.INBOX]
    results = bench.score_all(data, names, TopicsConfig())
    return {s.name: s.f1 for s in results}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_grouping_b_cubed_floor(scores: dict[str, float], name: str) -> None:
    assert scores[name] >= FLOORS[name], f"{name}: B-cubed F1 {scores[name]:.4f} below the floor"
