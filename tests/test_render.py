"""Rendering: the same files whether one process renders them or two."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from generator import parallel, render
from generator.build import BuildOptions, build
from generator.errors import BuildError

from .conftest import FIXTURES
from .test_golden import tree

SITE = FIXTURES / "golden-site"


def built(out: Path) -> dict[str, bytes]:
    build(BuildOptions(SITE, out=out))
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
