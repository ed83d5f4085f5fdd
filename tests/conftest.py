"""Shared fixtures and the `--update-golden` flag."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared"


def site_copy(site: Path, where: Path) -> Path:
    """A copy of the fixture archive `site` in the folder `where`, to build: a build
    writes its cache into its site's folder, which must never be the repository's."""
    copy = Path(tempfile.mkdtemp(prefix=f"{site.name}-", dir=where)) / site.name
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(".cache", "build"))
    return copy


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current build (review the diff before committing)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or skip: the project must pass its tests without it."""
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip("../shared/data is not present")
    return data
