"""Pinned quality floor of topic leads: ROUGE F1 against AllSides reference summaries.

The floor numbers are in summary_floors.json; lowering one is an explicit, reviewed edit.
bench/score_summaries.py prints the same figures beside the baselines.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FLOORS = json.loads((Path(__file__).parent / "summary_floors.json").read_text())["allsides"]


def test_allsides_lead_rouge_floor(shared_data: Path) -> None:
    pytest.importorskip("rouge_score")
    sys.path.insert(0, str(REPO / "bench"))
    import score_summaries as bench

    clusters = bench.load_clusters(shared_data / "summaries" / "allsides.jsonl")
    r1, r2, _ = bench.mean_scores(clusters, bench.ours, bench.Scorer(FLOORS["words"]))
    assert r1 >= FLOORS["rouge1"], f"ROUGE-1 {r1:.4f} below the floor"
    assert r2 >= FLOORS["rouge2"], f"ROUGE-2 {r2:.4f} below the floor"
