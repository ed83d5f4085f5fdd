"""Importer fixture cases: every `tests/importer_cases/<name>.<txt|html|md>` is imported into a
fresh archive and the article written must equal `<name>.expected.md` byte for byte.

The texts are fictional. `pytest --update-golden tests/test_importer_cases.py` rewrites the
expected files from the current importer; read the diff before committing it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.config import load_config
from generator.importer import ImportOptions, Status, import_paths

CASES = Path(__file__).resolve().parent / "importer_cases"
INPUTS = sorted(
    p for p in CASES.iterdir() if p.suffix in (".txt", ".html", ".md") and ".expected" not in p.name
)


@pytest.mark.parametrize("source", INPUTS, ids=[p.name for p in INPUTS])
def test_case(source: Path, tmp_path: Path, update_golden: bool) -> None:
    shutil.copy(CASES / "site.yaml", tmp_path / "site.yaml")
    (result,) = import_paths(tmp_path, load_config(tmp_path), [source], ImportOptions())
    assert result.status != Status.FAILED, result.line
    assert result.output is not None
    written = (tmp_path / result.output).read_text("utf-8")
    expected = CASES / f"{source.stem}.expected.md"
    if update_golden:
        expected.write_text(written, "utf-8")
    assert written == expected.read_text("utf-8")


def test_every_case_has_an_expected_file() -> None:
    assert INPUTS
    for source in INPUTS:
        assert (CASES / f"{source.stem}.expected.md").is_file(), source.name
