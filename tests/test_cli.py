"""The command line: one line per error, exit status 1, no traceback."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import build
from generator.cli import main

from .conftest import FIXTURES, site_copy


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("build", "new", "import", "serve", "publish"):
        assert command in out


def test_new_then_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", str(tmp_path / "archive")]) == 0
    assert main(["build", "--site", str(tmp_path / "archive"), "--strict"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("built ") and "0 articles, 0 topics, 0 warnings in" in last


def test_new_refuses_non_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.txt").write_text("keep")
    assert main(["new", str(tmp_path)]) == 1
    assert "already exists and is not empty" in capsys.readouterr().err


def test_config_error_is_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "site.yaml").write_text("feeds:\n  size: ten\ntitel: x\n")
    assert main(["build", "--site", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "site.yaml:3: titel: unknown key (did you mean 'title'?)",
        "site.yaml:2: feeds.size: expected an integer, got 'ten'",
    ]


def test_missing_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--site", str(tmp_path)]) == 1
    assert "site.yaml: not found" in capsys.readouterr().err


def briefing(*args: str) -> subprocess.CompletedProcess[str]:
    """The `briefing` command in a process of its own, its output piped (block-buffered:
    what the quick exit of `cli.run` must flush, unless PYTHONUNBUFFERED is set)."""
    command = [sys.executable, "-m", "generator", *args]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=300, env=env
    )


def test_the_command_ends_with_its_output_written_and_the_build_recorded(
    tmp_path: Path,
) -> None:
    site = tmp_path / "archive"
    assert briefing("new", str(site)).returncode == 0
    first = briefing("build", "--site", str(site), "--timings")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().splitlines()[-1].startswith("built ")
    assert "render" in first.stderr  # the timings, printed to stderr before the exit
    assert (site / "build" / "index.html").is_file()
    again = briefing("build", "--site", str(site))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("up to date")  # the record was on disk at the exit


def test_the_command_exits_with_the_errors_status_and_lines(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("titel: x\n")
    result = briefing("build", "--site", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "site.yaml:1: titel: unknown key (did you mean 'title'?)"
    ]


def test_a_build_called_in_a_process_that_goes_on_keeps_nothing(tmp_path: Path) -> None:
    """Only the command's own process leaves its build's objects to its end."""
    assert main(["new", str(tmp_path / "archive")]) == 0
    before = len(build.LEFT_TO_EXIT)
    assert main(["build", "--site", str(tmp_path / "archive")]) == 0
    assert len(build.LEFT_TO_EXIT) == before


def test_a_build_that_ends_its_process_leaves_the_collector_off(tmp_path: Path) -> None:
    """What the build made stays for the process's end, unscanned by the collector."""
    assert main(["new", str(tmp_path / "archive")]) == 0
    options = build.BuildOptions(tmp_path / "archive", ends_process=True)
    before = len(build.LEFT_TO_EXIT)
    try:
        build.build(options)
        assert len(build.LEFT_TO_EXIT) == before + 1
        assert not gc.isenabled()
    finally:
        del build.LEFT_TO_EXIT[before:]
        gc.enable()
    build.build(build.BuildOptions(tmp_path / "archive", cache=False))
    assert gc.isenabled()  # any other build turns it on again


NOT_FOR_AN_EDIT = (
    "generator.clustering",  # grouping from the cache: 0.03 s with the stemmers
    "scipy",
    "xml.sax.saxutils",  # urllib, http.client and ssl: 0.03 s
    "pagefind.service",  # asyncio and ssl: 0.02 s
    "importlib.metadata",  # 0.01 s
    "markdown_it",  # the edited article is plain paragraphs (`markup._plain_paragraphs`)
    "numpy.f2py",  # and numpy.testing: scipy.sparse imports them unless `import_sparse`
    "numpy.ma",  # np.unique imports it (in scipy.sparse.diags: `features._unit_rows`)
)
"""Modules whose import an edit that leaves every article's lead as it was does not pay
for (together 0.1 s of such an edit's 0.7 at 1,000 articles, before markdown_it)."""


def test_an_edit_that_leaves_every_lead_as_it_was_imports_no_grouping(tmp_path: Path) -> None:
    site = site_copy(FIXTURES / "golden-site", tmp_path)
    article = site / "content/articles/2024/03/ledger-bridge-shut.md"
    script = (
        "import sys; from generator.cli import main; "
        f"status = main(['build', '--site', {str(site)!r}]); "
        f"print(status, *(name in sys.modules for name in {NOT_FOR_AN_EDIT!r}))"
    )

    def imported() -> list[str]:
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        status, *found = result.stdout.splitlines()[-1].split()
        assert status == "0", result.stderr
        return [name for name, there in zip(NOT_FOR_AN_EDIT, found, strict=True) if there == "True"]

    assert "generator.clustering" in imported()  # the first build groups
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("Tomas Hale", "Tomas Hales"), encoding="utf-8")
    assert imported() == []
    article.write_text(text.replace("Port Alder bridge", "Port Alder's bridge"), encoding="utf-8")
    regrouped = set(imported())  # a lead changed (scipy is imported where it groups:
    assert "generator.clustering" in regrouped  # here, or in a forked child)
    assert not {"markdown_it", "numpy.f2py", "numpy.ma"} & regrouped


@pytest.mark.parametrize(("given", "seen"), [(None, "1"), ("3", "3")])
def test_the_command_holds_blas_to_one_thread_unless_told(given: str | None, seen: str) -> None:
    """Set before numpy is imported, so that its OpenBLAS starts no thread per core;
    a user's own setting is left as it is."""
    script = (
        "import os, sys, generator.cli as cli; "
        "cli.main = lambda **_: print(os.environ.get('OPENBLAS_NUM_THREADS'), "
        "'numpy' in sys.modules) or 0; cli.run()"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.split() == [seen, "False"]
