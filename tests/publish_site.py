"""Shared by the publish tests: a small fictional site to publish, and tree snapshots."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from generator.publish import publish

from .conftest import FIXTURES

GOLDEN_SITE = FIXTURES / "golden-site"
ARTICLE = "content/articles/2024/04/coastline-marathon.md"
"""An article of the fixture site that tests delete."""
ARTICLE_PAGE = "articles/2024/04/coastline-marathon/index.html"


def make_site(root: Path, publish_yaml: str = "") -> Path:
    """A copy of the golden fixture site with `publish_yaml` appended to site.yaml."""
    site = root / "site"
    shutil.copytree(GOLDEN_SITE, site)
    with (site / "site.yaml").open("a", encoding="utf-8") as config:
        config.write(publish_yaml)
    return site


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (not following links) -> its bytes."""
    found: dict[str, bytes] = {}
    for here, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(here) / name
            if path.is_file() and not path.is_symlink():
                found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def run_publish(
    site: Path, target: str | None, dry_run: bool = False, force: bool = False
) -> list[str]:
    """Publish and return what it said."""
    said: list[str] = []
    assert publish(site, target, dry_run, force, said.append) == 0
    return said


def git(*args: str, cwd: Path | None = None) -> str:
    """Run git for a test (fixed identity, no user config)."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Someone Else",
        "GIT_AUTHOR_EMAIL": "else@example.org",
        "GIT_COMMITTER_NAME": "Someone Else",
        "GIT_COMMITTER_EMAIL": "else@example.org",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout
