"""Atomic output: the old site stays whole until the new one is complete."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from generator import output
from generator.errors import BuildError
from generator.models import OutputFile


def files(text: str) -> list[OutputFile]:
    return [OutputFile("index.html", text.encode()), OutputFile("a/b/c.html", b"deep")]


def test_write_then_replace(tmp_path: Path) -> None:
    out = tmp_path / "build"
    output.write_site(out, files("one"))
    output.write_site(out, [OutputFile("index.html", b"two")])
    assert (out / "index.html").read_text() == "two"
    assert not (out / "a").exists()
    assert (out / output.MARKER).is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["build"]


def test_failure_while_writing_keeps_old_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "build"
    output.write_site(out, files("old"))
    real_write = Path.write_bytes

    def failing(self: Path, data: bytes) -> int:
        if self.name == "c.html":
            raise OSError(28, "No space left on device", str(self))
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(BuildError, match=r"No space left on device.*previous site kept"):
        output.write_site(out, files("new"))
    assert (out / "index.html").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["build"]


def test_leftovers_of_killed_builds_are_removed(tmp_path: Path) -> None:
    stale = tmp_path / ".build.tmp-999999999"
    stale.mkdir()
    output.write_site(tmp_path / "build", files("x"))
    assert not stale.exists()


def test_refuses_root_and_home(tmp_path: Path) -> None:
    for place in (Path("/"), Path.home()):
        with pytest.raises(BuildError, match="refusing"):
            output.check_output_dir(place, tmp_path, [])


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")
def test_two_folders_are_exchanged_in_one_step(tmp_path: Path) -> None:
    """On Linux the swap is one `renameat2(RENAME_EXCHANGE)`, found in the C library the
    process has loaded: each path then holds what the other held."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "one.html").write_text("1")
    (second / "two.html").write_text("2")
    assert output.exchange(first, second)
    assert [p.name for p in first.iterdir()] == ["two.html"]
    assert [p.name for p in second.iterdir()] == ["one.html"]


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")
def test_an_exchange_the_kernel_refuses_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="second"):
        output.exchange(tmp_path / "first", tmp_path / "second")


def test_without_renameat2_the_swap_is_two_renames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the system is not Linux, `exchange` looks for no `renameat2` (no C library
    is loaded) and the swap keeps the old site until the new one is in, by renames."""
    monkeypatch.setattr(output.sys, "platform", "darwin")
    assert not output.exchange(tmp_path / "first", tmp_path / "second")
    out = tmp_path / "build"
    output.write_site(out, files("one"))
    output.write_site(out, [OutputFile("index.html", b"two")])
    assert (out / "index.html").read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["build"]
