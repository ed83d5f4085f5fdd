"""Folder targets: swapped in atomically, the user's files kept, only our files deleted."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.config import PublishTarget
from generator.errors import PublishError
from generator.publish import folder
from generator.publish.job import Job
from generator.publish.tree import MANIFEST, read_tree

from .conftest import REPO
from .publish_site import ARTICLE, ARTICLE_PAGE, make_site, run_publish, snapshot

KILL_TRIALS = int(os.environ.get("BRIEFING_KILL_TRIALS", "5"))
"""kill -9 trials per test; the fault suite runs more (`BRIEFING_KILL_TRIALS=20`)."""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path, "publish:\n  www:\n    url: ../www\n    cname: news.example.org\n")


def test_publish_twice_then_remove_an_article(site: Path) -> None:
    www = site.parent / "www"
    said = run_publish(site, None)
    assert said[-1].startswith("published to www: ") and " 0 removed" in said[-1]
    first = snapshot(www)
    assert {"index.html", "404.html", ".nojekyll", "CNAME", MANIFEST, ARTICLE_PAGE} <= set(first)
    assert first["CNAME"] == b"news.example.org\n"
    assert ".briefing-build" not in first
    assert "already up to date" in run_publish(site, "www")[-1]
    assert snapshot(www) == first
    (site / ARTICLE).unlink()
    said = run_publish(site, "www")
    assert ARTICLE_PAGE not in snapshot(www)
    assert re.search(r" [1-9][0-9]* removed", said[-1])
    listed = json.loads((www / MANIFEST).read_text())["files"]
    assert ARTICLE_PAGE not in listed and "index.html" in listed


def test_user_files_survive_and_are_never_deleted(site: Path) -> None:
    www = site.parent / "www"
    run_publish(site, "www")
    (www / ".well-known").mkdir()
    (www / ".well-known" / "security.txt").write_text("Contact: mailto:desk@example.org\n")
    (www / "README").write_text("This folder is served by our web server.\n")
    (www / "media").mkdir()  # an empty folder someone made
    (www / "latest").symlink_to("index.html")
    (site / ARTICLE).unlink()
    run_publish(site, "www")
    after = snapshot(www)
    assert after[".well-known/security.txt"].startswith(b"Contact:")
    assert after["README"].startswith(b"This folder")
    assert (www / "media").is_dir() and os.readlink(www / "latest") == "index.html"
    assert ARTICLE_PAGE not in after


def test_dry_run_changes_nothing(site: Path) -> None:
    www = site.parent / "www"
    said = run_publish(site, "www", dry_run=True)
    assert not www.exists()
    assert "+ index.html" in said and said[-1].startswith("dry run: would publish to www:")
    run_publish(site, "www")
    before = snapshot(www)
    (site / ARTICLE).unlink()
    said = run_publish(site, "www", dry_run=True)
    assert f"- {ARTICLE_PAGE}" in said
    assert snapshot(www) == before


def test_refuses_to_overwrite_a_file_it_did_not_write(site: Path) -> None:
    www = site.parent / "www"
    www.mkdir()
    (www / "index.html").write_text("<p>someone else's page</p>")
    with pytest.raises(PublishError, match=r"refusing to overwrite index\.html: publish did not"):
        run_publish(site, "www")
    assert (www / "index.html").read_text() == "<p>someone else's page</p>"
    run_publish(site, "www", force=True)
    assert b"someone else" not in (www / "index.html").read_bytes()


def test_delete_guard(tmp_path: Path) -> None:
    site = make_site(tmp_path, "publish:\n  www: {url: ../www, max_deletions: 1}\n")
    www = tmp_path / "www"
    run_publish(site, None)
    before = snapshot(www)
    for article in sorted((site / "content/articles/2024/04").glob("*.md")):
        article.unlink()
    with pytest.raises(PublishError, match=r"refusing to delete \d+ files \(more than max_del"):
        run_publish(site, None)
    assert snapshot(www) == before
    said = run_publish(site, None, dry_run=True)
    assert "would be refused without --force" in said[-1]
    run_publish(site, None, force=True)
    assert "articles/2024/04/coastline-marathon/index.html" not in snapshot(www)


@pytest.mark.parametrize(
    ("where", "message"),
    [("/", "choose a dedicated folder"), ("~", "choose a dedicated folder"), (".", "the site")],
)
def test_refuses_unsafe_folders(site: Path, where: str, message: str) -> None:
    target = str(site) if where == "." else where
    with pytest.raises(PublishError, match=message):
        run_publish(site, target)


def test_file_url(site: Path) -> None:
    www = site.parent / "elsewhere"
    run_publish(site, www.as_uri())
    assert (www / "index.html").is_file()


def _job(tree_dir: Path, url: Path, scratch: Path) -> Job:
    tree = read_tree(tree_dir)
    return Job(str(url), PublishTarget(url=str(url)), tree, scratch, "t", False, True, scratch)


def _write_site(root: Path, files: int, label: str) -> None:
    for number in range(files):
        path = root / f"section-{number % 10}" / f"page-{number}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<p>{label} page {number}</p>\n" * 40)


_CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from tests.test_publish_folder import _job
from generator.publish import folder
job = _job(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
print("ready", flush=True)
folder.run(job)
"""


def _start(new: Path, www: Path, scratch: Path) -> tuple[subprocess.Popen[str], float]:
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(new), str(www), str(scratch), str(REPO)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline() == "ready\n"
    return child, time.monotonic()


def test_kill_9_midway_leaves_the_old_or_the_new_site_whole(tmp_path: Path) -> None:
    old, new, www = tmp_path / "old", tmp_path / "new", tmp_path / "www"
    _write_site(old, 1000, "old")
    _write_site(new, 1000, "new")
    folder.run(_job(old, www, tmp_path))
    old_state = snapshot(www)
    child, started = _start(new, www, tmp_path)
    assert child.wait(timeout=60) == 0
    duration = time.monotonic() - started
    new_state = snapshot(www)
    rng = random.Random(7)
    for _trial in range(KILL_TRIALS):
        folder.run(_job(old, www, tmp_path))
        child, started = _start(new, www, tmp_path)
        time.sleep(rng.uniform(0, duration))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        state = snapshot(www)
        assert state in (old_state, new_state)  # (with 20 trials, about 3 in 4 are old)
    folder.run(_job(new, www, tmp_path))
    assert snapshot(www) == new_state
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "old", "www"]


def test_a_symlinked_web_root_keeps_its_link(site: Path) -> None:
    releases = site.parent / "releases" / "current"
    releases.mkdir(parents=True)
    (site.parent / "www").symlink_to(releases)
    run_publish(site, "www")
    run_publish(site, "www")  # the second swap too
    assert (site.parent / "www").is_symlink()
    assert (releases / "index.html").is_file()
    assert sorted(p.name for p in releases.parent.iterdir()) == ["current"]
