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


def test_remove_strays_leaves_exactly_the_files_kept(tmp_path: Path) -> None:
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

    state = render.remove_strays(site, kept, "pagefind")

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
