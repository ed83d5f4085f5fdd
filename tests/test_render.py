"""Rendering: the same files whether one process renders them or two."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from generator import parallel, render
from generator.build import BuildOptions, build
from generator.errors import BuildError

from .conftest import FIXTURES, site_copy
from .test_golden import tree

SITE = FIXTURES / "golden-site"


def built(out: Path) -> dict[str, bytes]:
    build(BuildOptions(site_copy(SITE, out.parent), out=out))
    return tree(out)


def test_two_processes_render_the_same_site_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "PARALLEL_FROM", 10**9)
    alone = built(tmp_path / "one")
    monkeypatch.setattr(render, "PARALLEL_FROM", 2)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    assert threading.active_count() == 1, "the test needs a process without other threads"
    assert built(tmp_path / "two") == alone


def test_a_template_error_in_the_child_half_is_a_build_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "site.yaml").write_text('title: "T"\nsearch: {enabled: false}\n')
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text("{{ page.no_such_thing }}\n")
    monkeypatch.setattr(render, "PARALLEL_FROM", 2)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    with pytest.raises(BuildError, match=r"404\.html: template error while rendering /404\.html"):
        build(BuildOptions(site))


def test_a_sweep_leaves_exactly_the_files_kept(tmp_path: Path) -> None:
    """Strays go (files, symlinks, folders left empty, folders that were empty); kept
    files stay and are recorded as a walk of the output records them; the skipped
    folder is left whole and unrecorded; nothing outside the folder is touched."""
    from generator.freshness import output_state

    site, outside = tmp_path / "site", tmp_path / "outside"
    outside.mkdir()
    (outside / "target.txt").write_text("keep me")
    files = {
        "index.html": "kept",
        "old.html": "stray",
        "articles/a/index.html": "kept",
        "articles/b/index.html": "stray",
        "articles/b/deep/x.txt": "stray",
        "pagefind/entry.json": "index",
        "static/app.css": "kept",
    }
    for path, text in files.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(text)
    (site / "empty" / "inner").mkdir(parents=True)
    (site / "linked-dir").symlink_to(outside, target_is_directory=True)
    (site / "static" / "linked.txt").symlink_to(outside / "target.txt")
    kept = frozenset({"index.html", "articles/a/index.html", "static/app.css", "static/linked.txt"})

    state = render.sweep(site, kept, {"pagefind"}).files

    left = {p.relative_to(site).as_posix() for p in site.rglob("*") if not p.is_dir()}
    assert left == kept | {"pagefind/entry.json"}
    assert sorted(p.name for p in site.iterdir()) == [
        "articles",
        "index.html",
        "pagefind",
        "static",
    ]
    assert not (site / "articles" / "b").exists()
    assert (outside / "target.txt").read_text() == "keep me"
    walked = output_state(site)
    assert state == {path: walked[path] for path in kept}


def test_a_sweep_with_a_record_lists_only_the_folders_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Folders whose time is the recorded one are swept from the record: its strays go
    unlisted; a file added by hand sets its folder's time, which is then listed; files
    the build left as they were keep their recorded state, the others are stat'ed."""
    import os
    import time

    from generator.freshness import output_state

    site = tmp_path / "site"
    for path in ("index.html", "articles/a/index.html", "articles/b/index.html", "s/x.css"):
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(path)
    folders = {
        name: os.stat(site / name).st_mtime_ns for name in ("", "articles", "articles/a", "s")
    }
    folders["articles/b"] = os.stat(site / "articles/b").st_mtime_ns
    recorded = {p: list(s) for p, s in output_state(site).items()}
    recorded["index.html"] = [1, 2]  # stands for the file: the sweep must not stat it
    kept_site = render.Built(site, {}, recorded, folders, time.time_ns() + 10**10)
    (site / "articles/a/extra.html").write_text("added by hand")
    later = folders["articles/a"] + 10**9
    os.utime(site / "articles/a", ns=(later, later))
    listed: list[str] = []
    scandir = os.scandir

    def spy(path: str) -> object:
        listed.append(os.path.relpath(path, site))
        return scandir(path)

    monkeypatch.setattr(render.os, "scandir", spy)
    keep = frozenset({"index.html", "articles/a/index.html", "s/x.css"})
    swept = render.sweep(site, keep, (), kept_site, untouched={"index.html", "s/x.css"})
    monkeypatch.undo()

    assert sorted(listed) == [".", "articles/a"]
    left = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert left == keep
    assert not (site / "articles/b").exists()
    walked = output_state(site)
    assert swept.files == {
        "index.html": [1, 2],
        "articles/a/index.html": walked["articles/a/index.html"],
        "s/x.css": walked["s/x.css"],
    }
    assert swept.folders.keys() == {"", "articles", "articles/a", "s"}
    assert all(swept.folders[f] == os.stat(site / f).st_mtime_ns for f in swept.folders)


def test_a_sweep_lists_folders_changed_too_recently_to_trust(tmp_path: Path) -> None:
    """A folder whose recorded time is within RACY_NS of the recording is listed even
    when its time is unchanged: a stray the record does not know is found."""
    import os
    import time

    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "kept.html").write_text("kept")
    (site / "a" / "unknown.html").write_text("not in the record")
    mtime = os.stat(site / "a").st_mtime_ns
    record = {"a/kept.html": [4, os.stat(site / "a" / "kept.html").st_mtime_ns]}
    kept_site = render.Built(site, {}, record, {"": 0, "a": mtime}, time.time_ns())
    render.sweep(site, frozenset({"a/kept.html"}), (), kept_site)
    assert sorted(p.name for p in (site / "a").iterdir()) == ["kept.html"]


def test_a_sweep_takes_a_recorded_folder_that_is_gone_in_its_stride(tmp_path: Path) -> None:
    """A folder the record lists but that is gone (its parent's time set back, as a
    coarse clock could leave it) is no error."""
    import os
    import shutil
    import time

    site = tmp_path / "site"
    (site / "a" / "b").mkdir(parents=True)
    (site / "a" / "kept.html").write_text("kept")
    (site / "a" / "b" / "old.html").write_text("stray")
    times = {name: os.stat(site / name).st_mtime_ns for name in ("", "a", "a/b")}
    record = {"a/kept.html": [4, 0], "a/b/old.html": [5, 0]}
    kept_site = render.Built(site, {}, record, times, time.time_ns() + 10**10)
    shutil.rmtree(site / "a" / "b")
    os.utime(site / "a", ns=(times["a"], times["a"]))
    swept = render.sweep(site, frozenset({"a/kept.html"}), (), kept_site)
    assert sorted(swept.files) == ["a/kept.html"]
    assert sorted(p.name for p in (site / "a").iterdir()) == ["kept.html"]


@pytest.mark.parametrize("size", [0, 10, render.COPY_CHUNK * 2 + 7])
def test_a_file_put_over_one_it_holds_alone_gets_its_bytes_where_it_is(
    tmp_path: Path, size: int
) -> None:
    """`_put_file` over a file no other site shares: the bytes are compared chunk by
    chunk and, where they differ (at the very end, or in length), written into that file
    (same inode); where they are the same, the file is left as it is."""
    import os

    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    source, target = tmp_path / "source", tmp_path / "target"
    source.write_bytes(data)
    for old in (data[:-1] + b"x" if data else b"", data + b"more", data):
        target.write_bytes(old)
        os.utime(target, ns=(1, 1))
        inode = target.stat().st_ino
        render._put_file(source, target)
        assert target.read_bytes() == data and target.stat().st_ino == inode
        assert (target.stat().st_mtime_ns == 1) == (old == data)
