"""Faults: kill -9 mid-build, a folder the build may not write, and determinism.

Builds run as real `python -m generator build` processes. A killed build must leave the
output folder byte-for-byte as the previous good build left it (or, when the kill came
after the swap, exactly the new build), and the next build must succeed and clean up.
CI runs a small archive and few trials; BRIEFING_LONG_TESTS=1 runs bench/synth.py's
1,000-article archive with 20 trials. (kill -9 of `briefing publish` is in
tests/test_publish_folder.py and test_publish_git.py; BRIEFING_KILL_TRIALS=20 for more.)
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import REPO
from .conftest import Tally
from .corpus import LONG

ARTICLES = 1000 if LONG else 30
TRIALS = 20 if LONG else 5
Tree = dict[str, str]


def synth() -> object:
    spec = importlib.util.spec_from_file_location("synth", REPO / "bench" / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synth", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def write_archive(root: Path, articles: int) -> None:
    synth().write_archive(root, articles)  # type: ignore[attr-defined]


def tree(root: Path) -> Tree:
    """Every file under root (relative path -> SHA-256), symlinks and folders included."""
    found: Tree = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[rel + "/"] = "dir"
    return found


def build_command(site: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--site", str(site), "--out", str(out)]


def run_build(site: Path, out: Path, env: dict[str, str] | None = None) -> float:
    started = time.monotonic()
    done = subprocess.run(
        build_command(site, out), cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


def killed_build(site: Path, out: Path, after: float) -> bool:
    """Start a build, SIGKILL its process group after `after` s; True if it had finished."""
    child = subprocess.Popen(
        build_command(site, out),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own group, so Pagefind dies with it
    )
    try:
        child.wait(timeout=after)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
        return False
    return True


EDITED = "content/articles/edited-by-trial.md"


def set_state(site: Path, state: str) -> None:
    """Two versions of the archive: B adds an article and changes site.yaml's title."""
    config = site / "site.yaml"
    lines = config.read_text().split("\n")
    lines[0] = f"title: Synthetic archive, state {state}"
    config.write_text("\n".join(lines))
    extra = site / EDITED
    if state == "A":
        extra.unlink(missing_ok=True)
    else:
        extra.write_text(
            '---\ntitle: "Added in state B"\noutlet: The Daily Ledger\nauthor: [Ada Quill]\n'
            "date: 2024-03-12\n---\n\nA new article that changes many pages.\n"
        )


def without_index(files: Tree) -> Tree:
    """The tree without Pagefind's files (compared on their own below)."""
    return {k: v for k, v in files.items() if not k.startswith("pagefind/")}


REGISTRY = "content/topic-ids.json"
"""The topic-id memory a build writes into content/: ids depend on earlier builds, so each
build here starts from the same registry."""


def reset_registry(site: Path, saved: bytes) -> None:
    (site / REGISTRY).write_bytes(saved)


def test_kill_9_during_a_build_leaves_the_previous_site_whole(tmp_path: Path, tally: Tally) -> None:
    site, out = tmp_path / "site", tmp_path / "out"
    write_archive(site, ARTICLES)
    for state in ("A", "B"):  # a history of both states in the registry
        set_state(site, state)
        run_build(site, out)
    registry = (site / REGISTRY).read_bytes()
    trees: dict[str, Tree] = {}
    durations = []
    shutil.rmtree(site / ".cache")  # Pagefind runs in both builds below (timed too)
    for state in ("A", "B"):
        set_state(site, state)
        reset_registry(site, registry)
        durations.append(run_build(site, out))
        trees[state] = tree(out)
    assert trees["A"] != trees["B"]
    cache = tmp_path / "cache"
    shutil.copytree(site / ".cache", cache)  # both states' search indexes and build cache
    set_state(site, "A")
    reset_registry(site, registry)
    warm = run_build(site, out)  # B to A again, from the caches: faster, and the same
    assert tree(out) == trees["A"]
    rng = random.Random(20)
    current, outcomes = "A", {"old": 0, "new": 0, "finished first": 0}
    for trial in range(TRIALS):
        target = "A" if current == "B" else "B"
        set_state(site, target)
        fresh_index = trial % 2 == 0  # every other killed build starts cold (runs Pagefind)
        if fresh_index:
            shutil.rmtree(site / ".cache")
        reset_registry(site, registry)
        window = max(durations) if fresh_index else warm  # no cache: a cold build
        if killed_build(site, out, rng.uniform(0.2, window)):
            outcomes["finished first"] += 1
        left = tree(out)
        old = left == trees[current]  # a fresh search index too: it is canonical
        assert old or left == trees[target], "killed build left a mixed site"
        outcomes["old" if old else "new"] += 1
        shutil.rmtree(site / ".cache", ignore_errors=True)
        shutil.copytree(cache, site / ".cache")
        reset_registry(site, registry)
        run_build(site, out)  # the next build succeeds, and removes the killed one's leftovers
        assert tree(out) == trees[target]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "out", "site"]
        current = target
    tally(
        "kill -9 trials",
        f"{TRIALS} on {ARTICLES} articles (build {max(durations):.1f} s cold, {warm:.1f} s warm); "
        f"left the old site {outcomes['old']}, the new site {outcomes['new']} "
        f"({outcomes['finished first']} finished before the kill), mixed 0",
    )


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder other users can read (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="briefing-faults-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def as_other_user() -> dict[str, object]:
    """Run the child as `nobody` when we are root (root may write anywhere)."""
    if os.geteuid() != 0:
        return {}
    return {"user": 65534, "group": 65534, "extra_groups": []}


def test_permission_error_while_writing_keeps_the_site_and_says_so(open_folder: Path) -> None:
    site, parent = open_folder / "site", open_folder / "public"
    write_archive(site, 3)
    (site / "site.yaml").write_text("title: Permissions\nsearch: {enabled: false}\n")
    out = parent / "site"
    run_build(site, out)
    before = tree(out)
    for path in [site, *site.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    if os.geteuid() != 0:
        parent.chmod(0o555)
    try:
        done = subprocess.run(
            build_command(site, out),
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "HOME": str(open_folder), "PYTHONDONTWRITEBYTECODE": "1"},
            **as_other_user(),  # type: ignore[call-overload]
        )
    finally:
        parent.chmod(0o755)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().split("\n")
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "Permission denied" in lines[0] and "previous site kept" in lines[0], lines[0]
    assert tree(out) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make a file another user owns")
def test_an_unreadable_article_is_a_clear_error(open_folder: Path) -> None:
    site = open_folder / "site"
    write_archive(site, 3)
    (site / "site.yaml").write_text("title: Permissions\nsearch: {enabled: false}\n")
    for path in [site, *site.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    secret = next((site / "content" / "articles").rglob("*.md"))
    secret.chmod(0o600)
    done = subprocess.run(
        build_command(site, open_folder / "out"),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "HOME": str(open_folder), "PYTHONDONTWRITEBYTECODE": "1"},
        **as_other_user(),  # type: ignore[call-overload]
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert secret.name in done.stderr


def copy_in_order(source: Path, target: Path, reverse: bool) -> None:
    """Copy a site file by file, in the given order, with differing modification times."""
    files = sorted((p for p in source.rglob("*") if p.is_file()), reverse=reverse)
    for number, path in enumerate(files):
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        os.utime(dest, (1_000_000 + number * 7, 1_000_000 + number * 7))


ENVIRONMENTS = [
    {"PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C", "LANG": "C"},
    {
        "PYTHONHASHSEED": "4242",
        "TZ": "Pacific/Kiritimati",
        "LC_ALL": "C.UTF-8",
        "LANG": "de_DE.UTF-8",
    },
]


@pytest.fixture(scope="module")
def environment_builds(tmp_path_factory: pytest.TempPathFactory) -> list[Tree]:
    """The same archive copied in two file orders and built clean in two environments."""
    tmp_path = tmp_path_factory.mktemp("determinism")
    source = tmp_path / "source"
    write_archive(source, 12)
    shutil.copytree(REPO / "content" / "sources", source / "content" / "sources")
    trees = []
    for number, extra in enumerate(ENVIRONMENTS):
        site = (tmp_path / f"site-{number}").joinpath(*["nested"] * number)
        copy_in_order(source, site, reverse=bool(number))
        env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "TZ")}
        run_build(site, tmp_path / f"out-{number}", {**env, **extra})
        trees.append(tree(tmp_path / f"out-{number}"))
    return trees


def differing(trees: list[Tree]) -> list[str]:
    first, second = trees
    return sorted(k for k in first.keys() | second.keys() if first.get(k) != second.get(k))


def test_two_clean_builds_in_different_environments_are_identical(
    environment_builds: list[Tree], tally: Tally
) -> None:
    files = [without_index(t) for t in environment_builds]
    assert differing(files) == [], differing(files)[:20]
    tally("determinism", f"{len(files[0])} files identical (search index aside)")


def test_two_clean_builds_have_the_same_search_index(
    environment_builds: list[Tree], tally: Tally
) -> None:
    """Pagefind's own filter files differ from run to run (upstream #638); the build
    makes them canonical (generator/search_index.py)."""
    index = [{k: v for k, v in t.items() if k.startswith("pagefind/")} for t in environment_builds]
    assert any(k.startswith("pagefind/filter/") for k in index[0]), sorted(index[0])[:20]
    assert differing(index) == []
    tally("determinism, search index", f"{len(index[0])} files identical")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs of our own (skips where mounting is not allowed)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_keeps_the_site_and_says_so(tmp_path: Path, small_disk: Path) -> None:
    site, out = tmp_path / "site", small_disk / "site"
    write_archive(site, 3)
    (site / "site.yaml").write_text("title: Full disk\nsearch: {enabled: false}\n")
    run_build(site, out)
    before = tree(out)
    big = "\n\n".join(f"Paragraph {i} " + "words " * 200 for i in range(1200))
    (site / "content" / "articles" / "big.md").write_text(
        f"---\ntitle: Big\noutlet: null\nauthor: []\ndate: null\n---\n\n{big}\n"
    )
    done = subprocess.run(
        build_command(site, out), cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().split("\n")
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert "No space left on device" in lines[0] and "previous site kept" in lines[0], lines[0]
    assert tree(out) == before
    assert [p.name for p in small_disk.iterdir()] == ["site"]  # no staging folder left
