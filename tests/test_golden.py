"""Golden build: the fixture archive's output, compared file by file.

`pytest --update-golden` rewrites tests/golden/ from the current build; reviewers read
the diff. Builds are run with a fixed environment, so the tree must not depend on the
clock, the locale or the hash seed (test_determinism.py checks that separately).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.output import MARKER

from .conftest import FIXTURES, site_copy

SITE = FIXTURES / "golden-site"
GOLDEN = Path(__file__).resolve().parent / "golden"


# Pagefind's index is deterministic (generator/search_index.py; test_faults.py compares two
# clean builds), but its bytes belong to the installed Pagefind version, which the pin lets
# move (and to zlib's deflate); test_search.py checks the index itself.
UNSTABLE = "pagefind"


def tree(root: Path) -> dict[str, bytes]:
    """Every output file by path, except the marker and Pagefind's index."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != MARKER and p.relative_to(root).parts[0] != UNSTABLE
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("golden") / "build"
    build(BuildOptions(site_copy(SITE, out.parent), out=out))
    return out


def test_golden_tree(built: Path, update_golden: bool) -> None:
    actual = tree(built)
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(built, GOLDEN, ignore=shutil.ignore_patterns(MARKER, UNSTABLE))
        pytest.skip("golden files rewritten")
    expected = tree(GOLDEN)
    assert sorted(actual) == sorted(expected), "files added or missing; see --update-golden"
    changed = [path for path in expected if actual[path] != expected[path]]
    assert not changed, f"files differ from tests/golden/: {changed[:10]}"


def test_draft_is_not_built(built: Path) -> None:
    assert not (built / "articles/2024/04/kestrel-draft-budget").exists()


def test_hostile_markdown_is_inert(built: Path) -> None:
    page = (built / "articles/2024/04/meridian-library-reopens/index.html").read_text()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page
    assert 'href="javascript:' not in page
    assert 'href="https://example.org/library"' in page
    assert 'href="mailto:desk@example.org"' in page
