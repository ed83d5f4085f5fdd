"""bench/ab_cold.py runs: two cold builds of a small synthetic archive, each on a fresh
copy of its inputs, compared byte for byte (a build is deterministic, so a checkout
against itself gives the same site)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_ab_cold_builds_fresh_copies_and_compares_the_sites(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    synth = [sys.executable, str(REPO / "bench" / "synth.py"), str(archive), "--articles", "20"]
    subprocess.run(synth, check=True, capture_output=True)
    (archive / "build").mkdir()  # what the archive has built is not copied
    (archive / "build" / "stale.html").write_text("old", encoding="utf-8")
    work = tmp_path / "work"
    command = [sys.executable, str(REPO / "bench" / "ab_cold.py"), str(REPO), str(archive)]
    result = subprocess.run(
        [*command, "--rounds", "1", "--work", str(work)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(" ")[0] for line in lines[:2]] == ["this", "other"]
    assert all("wall" in line and "summarise" in line for line in lines[:2])
    assert lines[2] == "the last two sites are the same byte for byte"
    for name in ("this", "other"):
        site = work / f"site-{name}"
        assert not (site / "build" / "stale.html").exists()
        assert (site / "build" / "index.html").is_file()
