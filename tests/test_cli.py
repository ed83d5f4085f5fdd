"""The command line: one line per error, exit status 1, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main


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
