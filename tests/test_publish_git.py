"""Git targets, on a real local bare repository: one commit per publish, nothing lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.config import PublishTarget
from generator.errors import PublishError
from generator.publish import git as git_publisher
from generator.publish.job import Job
from generator.publish.tree import MANIFEST, read_tree

from .conftest import REPO
from .publish_site import ARTICLE, ARTICLE_PAGE, git, make_site, run_publish

KILL_TRIALS = int(os.environ.get("BRIEFING_KILL_TRIALS", "3"))
"""kill -9 trials; the fault suite runs more (`BRIEFING_KILL_TRIALS=20`)."""


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    repo = tmp_path / "pages.git"
    git("init", "--quiet", "--bare", str(repo))
    return repo


@pytest.fixture
def site(tmp_path: Path, bare: Path) -> Path:
    url = f"git+{bare.as_uri()}#gh-pages"
    return make_site(tmp_path, f"publish:\n  pages:\n    url: {url}\n    cname: news.example.org\n")


def commits(bare: Path) -> list[str]:
    return git("--git-dir", str(bare), "log", "--format=%s", "gh-pages").splitlines()


def files_at(bare: Path, ref: str = "gh-pages") -> list[str]:
    listing = git("--git-dir", str(bare), "ls-tree", "-r", "--name-only", ref)
    return listing.splitlines()


def clone(bare: Path, where: Path) -> Path:
    git("clone", "--quiet", "--branch", "gh-pages", str(bare), str(where))
    return where


def test_one_commit_per_publish(site: Path, bare: Path) -> None:
    said = run_publish(site, "pages")
    assert said[-1].startswith("published to pages: ") and "commit " in said[-1]
    assert commits(bare) == [commits(bare)[0]]
    assert commits(bare)[0].startswith("Publish Golden fixture archive: ")
    present = files_at(bare)
    assert {".nojekyll", "CNAME", "404.html", "_headers", MANIFEST, ARTICLE_PAGE} <= set(present)
    assert ".briefing-build" not in present
    cname = git("--git-dir", str(bare), "show", "gh-pages:CNAME")
    assert cname == "news.example.org\n"
    assert "already up to date" in run_publish(site, "pages")[-1]
    assert len(commits(bare)) == 1
    (site / ARTICLE).unlink()
    run_publish(site, "pages")
    assert len(commits(bare)) == 2
    assert ARTICLE_PAGE not in files_at(bare) and "CNAME" in files_at(bare)
    body = git("--git-dir", str(bare), "log", "-1", "--format=%B", "gh-pages")
    assert "Briefing-Tree: " in body


def test_dry_run_changes_nothing(site: Path, bare: Path) -> None:
    said = run_publish(site, "pages", dry_run=True)
    assert "+ index.html" in said and said[-1].startswith("dry run: would publish")
    assert git("--git-dir", str(bare), "branch", "--list") == ""
    run_publish(site, "pages")
    tip = git("--git-dir", str(bare), "rev-parse", "gh-pages")
    (site / ARTICLE).unlink()
    said = run_publish(site, "pages", dry_run=True)
    assert f"- {ARTICLE_PAGE}" in said
    assert git("--git-dir", str(bare), "rev-parse", "gh-pages") == tip


def test_foreign_commit_on_published_files_is_refused(
    site: Path, bare: Path, tmp_path: Path
) -> None:
    run_publish(site, "pages")
    work = clone(bare, tmp_path / "work")
    (work / "index.html").write_text("<p>edited by hand</p>")
    git("commit", "--quiet", "-am", "Hand edit", cwd=work)
    git("push", "--quiet", "origin", "gh-pages", cwd=work)
    tip = git("--git-dir", str(bare), "rev-parse", "gh-pages")
    with pytest.raises(PublishError, match=r"made since the last publish change index\.html"):
        run_publish(site, "pages")
    assert git("--git-dir", str(bare), "rev-parse", "gh-pages") == tip
    said = run_publish(site, "pages", dry_run=True)
    assert "would be refused without --force" in said[-1]
    run_publish(site, "pages", force=True)
    assert commits(bare)[1:] == ["Hand edit", commits(bare)[2]]  # history kept, not rewritten
    page = git("--git-dir", str(bare), "show", "gh-pages:index.html")
    assert "edited by hand" not in page


def test_amended_publish_commit_counts_as_foreign(site: Path, bare: Path, tmp_path: Path) -> None:
    run_publish(site, "pages")
    work = clone(bare, tmp_path / "work")
    (work / "404.html").write_text("changed")
    git("commit", "--quiet", "--amend", "--no-edit", "-a", cwd=work)
    git("push", "--quiet", "--force", "origin", "gh-pages", cwd=work)
    with pytest.raises(PublishError, match="commits briefing publish did not make"):
        run_publish(site, "pages")


def test_branch_made_by_someone_else_is_refused(site: Path, bare: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    git("init", "--quiet", "--initial-branch", "gh-pages", str(work))
    (work / "index.html").write_text("<p>another tool's site</p>")
    git("add", "index.html", cwd=work)
    git("commit", "--quiet", "-m", "Other tool", cwd=work)
    git("push", "--quiet", str(bare), "gh-pages", cwd=work)
    with pytest.raises(PublishError, match="commits briefing publish did not make"):
        run_publish(site, "pages")
    assert commits(bare) == ["Other tool"]


def test_files_others_add_are_kept(site: Path, bare: Path, tmp_path: Path) -> None:
    run_publish(site, "pages")
    work = clone(bare, tmp_path / "work")
    (work / "README").write_text("Published by our archive.\n")
    (work / ".well-known").mkdir()
    (work / ".well-known" / "security.txt").write_text("Contact: mailto:desk@example.org\n")
    git("add", "README", ".well-known", cwd=work)
    git("commit", "--quiet", "-m", "Add README", cwd=work)
    git("push", "--quiet", "origin", "gh-pages", cwd=work)
    (site / ARTICLE).unlink()
    run_publish(site, "pages")
    present = files_at(bare)
    assert {"README", ".well-known/security.txt"} <= set(present)
    assert ARTICLE_PAGE not in present
    assert len(commits(bare)) == 3


def test_delete_guard(tmp_path: Path, bare: Path) -> None:
    url = f"git+{bare.as_uri()}#gh-pages"
    site = make_site(tmp_path, f"publish:\n  pages: {{url: '{url}', max_deletions: 2}}\n")
    run_publish(site, None)
    for article in sorted((site / "content/articles/2024/04").glob("*.md")):
        article.unlink()
    with pytest.raises(PublishError, match=r"refusing to delete \d+ files"):
        run_publish(site, None)
    assert len(commits(bare)) == 1
    run_publish(site, None, force=True)
    assert len(commits(bare)) == 2


def test_branch_defaults_to_gh_pages(tmp_path: Path, bare: Path) -> None:
    site = make_site(tmp_path)
    run_publish(site, f"git+{bare.as_uri()}")
    assert "index.html" in files_at(bare, "gh-pages")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("git+https://reader:s3cr3t-token@127.0.0.1:9/none.git", "git ls-remote failed"),
        ("git+file:///srv/x.git#-evil", "expected git"),
        ("git+file:///srv/x.git#two..dots", "not a valid branch name"),
        ("git+ext://sh -c touch%20/tmp/pwned#main", "no publisher for 'git\\+ext://'"),
    ],
)
def test_refusals_and_errors_hide_credentials(tmp_path: Path, url: str, message: str) -> None:
    site = make_site(tmp_path)
    with pytest.raises(PublishError, match=message) as info:
        run_publish(site, url)
    assert "s3cr3t" not in str(info.value)


def _job(tree_dir: Path, url: str, scratch: Path) -> Job:
    tree = read_tree(tree_dir)
    return Job(url, PublishTarget(url=url), tree, scratch, "kill test", False, True, scratch)


_CHILD = """
import sys, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from tests.test_publish_git import _job
from generator.publish import git
with tempfile.TemporaryDirectory(dir=sys.argv[4]) as scratch:
    job = _job(Path(sys.argv[1]), sys.argv[2], Path(scratch))
    print("ready", flush=True)
    git.run(job)
"""


def _start(new: Path, url: str, scratch: Path) -> tuple[subprocess.Popen[str], float]:
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(new), url, str(REPO), str(scratch)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert child.stdout is not None and child.stdout.readline() == "ready\n"
    return child, time.monotonic()


def _kill_9(child: subprocess.Popen[str]) -> None:
    """kill -9 the publish, then let the git commands it started end as they would."""
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            os.killpg(child.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError("git commands of the killed publish still running after 60 s")


def _tree_id(bare: Path) -> str:
    return git("--git-dir", str(bare), "rev-parse", "gh-pages^{tree}").strip()


def test_kill_9_midway_leaves_the_branch_whole(tmp_path: Path, bare: Path) -> None:
    url = f"git+{bare.as_uri()}#gh-pages"
    old, new, scratch = tmp_path / "old", tmp_path / "new", tmp_path / "scratch"
    for root, label in ((old, "old"), (new, "new")):
        for number in range(1000):
            path = root / f"part-{number % 10}" / f"page-{number}.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"<p>{label} {number}</p>\n")
    scratch.mkdir()
    git_publisher.run(_job(old, url, scratch / "first"))
    old_tip, old_tree = git("--git-dir", str(bare), "rev-parse", "gh-pages").strip(), _tree_id(bare)
    child, started = _start(new, url, scratch)
    assert child.wait(timeout=60) == 0
    duration, new_tree = time.monotonic() - started, _tree_id(bare)
    rng = random.Random(11)
    for _trial in range(KILL_TRIALS):
        git("--git-dir", str(bare), "update-ref", "refs/heads/gh-pages", old_tip)
        child, started = _start(new, url, scratch)
        time.sleep(rng.uniform(0, duration))
        _kill_9(child)
        assert _tree_id(bare) in (old_tree, new_tree)
        git("--git-dir", str(bare), "fsck", "--strict", "--no-dangling")
    git_publisher.run(_job(new, url, scratch / "last"))
    assert _tree_id(bare) == new_tree
