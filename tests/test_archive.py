"""archive.json: written record by record, the records an edit left alone copied from the
last build's file, it is exactly `json.dumps` of the whole document."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator import archive
from generator.build import BuildOptions, build

from .conftest import FIXTURES

SITE = FIXTURES / "golden-site"


def plain_dump(path: Path) -> bytes:
    document = json.loads(path.read_text(encoding="utf-8"))
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8") + b"\n"


def test_archive_json_is_json_dumps_of_the_document(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site, ignore=shutil.ignore_patterns(".cache", "build"))
    (site / "site.yaml").write_text((site / "site.yaml").read_text() + "search: {enabled: false}\n")
    build(BuildOptions(site))
    archive = site / "build" / "archive.json"
    assert archive.read_bytes() == plain_dump(archive)
    # Again after an edit, with most records copied from the last build's file.
    bridge = site / "content" / "articles" / "2024" / "03" / "ledger-bridge-shut.md"
    bridge.write_text(bridge.read_text().replace("Port Alder bridge shut", "Bridge shut"))
    build(BuildOptions(site))
    data = json.loads(archive.read_text())
    assert any(a["title"].startswith("Bridge shut") for a in data["articles"])
    assert archive.read_bytes() == plain_dump(archive)
    assert list(data) == ["articles", "generator", "site", "topics", "version"]


BRIDGE = Path("content/articles/2024/03/ledger-bridge-shut.md")


def edited_site(tmp_path: Path) -> Path:
    """The golden site built once, then one article's title edited."""
    site = tmp_path / "site"
    shutil.copytree(SITE, site, ignore=shutil.ignore_patterns(".cache", "build"))
    (site / "site.yaml").write_text((site / "site.yaml").read_text() + "search: {enabled: false}\n")
    build(BuildOptions(site))
    bridge = site / BRIDGE
    bridge.write_text(bridge.read_text().replace("Port Alder bridge shut", "Bridge shut"))
    return site


def clean_archive(site: Path, tmp_path: Path) -> bytes:
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns(".cache", "build"))
    build(BuildOptions(clean, cache=False))
    return (clean / "build" / "archive.json").read_bytes()


def count_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the records made (not copied) from now on."""
    made: list[str] = []
    real = archive._record

    def record(item: Any, site: Any) -> bytes:
        made.append(item.id)
        return real(item, site)

    monkeypatch.setattr(archive, "_record", record)
    return made


def test_an_edit_makes_only_the_records_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = edited_site(tmp_path)
    made = count_made(monkeypatch)
    build(BuildOptions(site))
    data = json.loads((site / "build" / "archive.json").read_text())
    assert len(data["articles"]) + len(data["topics"]) > 10
    edited = next(a for a in data["articles"] if a["path"].endswith("ledger-bridge-shut.md"))
    assert edited["id"] in made  # its topic's record too, if the summary quotes the title
    assert len(made) <= 1 + sum(edited["id"] in t["articles"] for t in data["topics"])
    monkeypatch.undo()
    assert (site / "build" / "archive.json").read_bytes() == clean_archive(site, tmp_path)


@pytest.mark.parametrize("damage", ["touched", "shortened", "layout lost"])
def test_a_last_archive_that_cannot_be_trusted_is_not_copied_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    site = edited_site(tmp_path)
    last = site / "build" / "archive.json"
    if damage == "touched":  # same size, other bytes: its recorded time no longer holds
        data = last.read_bytes()
        last.write_bytes(data.replace(b'"title":"', b'"title":"X', 1)[: len(data)])
    elif damage == "shortened":  # the layout would reach past its end
        with last.open("r+b") as file:
            file.truncate(last.stat().st_size // 2)
    else:
        import sqlite3

        db = sqlite3.connect(site / ".cache" / "build-cache.sqlite")
        db.execute("DELETE FROM entries WHERE kind = 'archive'")
        db.commit()
        db.close()
    made = count_made(monkeypatch)
    build(BuildOptions(site))
    data = json.loads((site / "build" / "archive.json").read_text())
    assert len(made) == len(data["articles"]) + len(data["topics"])  # all made anew
    monkeypatch.undo()
    assert (site / "build" / "archive.json").read_bytes() == clean_archive(site, tmp_path)


def test_unchanged_neighbours_are_copied_in_one_range(monkeypatch: pytest.MonkeyPatch) -> None:
    """Records adjacent in the earlier file and in the new one are one copy; a made record
    or a list's end breaks the run."""
    earlier = io.BytesIO(b"[AA,BBB,CC],[DD]")
    copies: list[tuple[int, int]] = []

    def copy(source: Any, out: Any, start: int, length: int) -> None:
        copies.append((start, length))
        out.write(earlier.getvalue()[start : start + length])

    monkeypatch.setattr(archive, "_copy_range", copy)
    out = io.BytesIO()
    pieces = [b"[", (1, 2), b",", (4, 3), b",", b"new", b",", (8, 2), b"],[", (13, 2), b"]"]
    archive._write_pieces(out, earlier, iter(pieces))
    assert out.getvalue() == b"[AA,BBB,new,CC],[DD]"
    assert copies == [(1, 6), (8, 2), (13, 2)]


def test_ranges_are_copied_by_the_kernel_or_through_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "source"
    source.write_bytes(bytes(range(256)) * 64)
    for kernel in (True, False):
        if not kernel:
            monkeypatch.delattr(os, "copy_file_range", raising=False)
        target = tmp_path / f"target-{kernel}"
        with source.open("rb", buffering=0) as src, target.open("wb", buffering=0) as out:
            out.write(b"head")
            archive._copy_range(src, out, 100, 5000)
            out.write(b"tail")
        assert target.read_bytes() == b"head" + source.read_bytes()[100:5100] + b"tail"


@pytest.fixture(scope="module")
def golden_plan() -> archive.Plan:
    from generator.build import assemble
    from generator.config import load_config
    from generator.content import load_content

    config = load_config(SITE)
    site = assemble(config, load_content(SITE / "content", config.zone))
    sources = {a.id: f"source of {a.id}" for a in site.articles}
    return archive.plan(site, sources, {t.id: f"summary of {t.id}" for t in site.topics})


def test_a_file_of_one_link_is_overwritten_where_it_is(
    tmp_path: Path, golden_plan: archive.Plan
) -> None:
    target = tmp_path / "archive.json"
    target.write_bytes(b"x" * 200_000)  # longer than the archive: the rest is cut off
    inode = target.stat().st_ino
    archive.write(target, golden_plan)
    assert target.stat().st_ino == inode
    assert target.read_bytes() == archive.archive_json(golden_plan.site).data


def test_a_file_shared_with_another_site_is_replaced_never_changed(
    tmp_path: Path, golden_plan: archive.Plan
) -> None:
    target, other_site = tmp_path / "archive.json", tmp_path / "other.json"
    target.write_bytes(b"the other site's")
    os.link(target, other_site)
    archive.write(target, golden_plan)
    assert other_site.read_bytes() == b"the other site's"
    assert target.read_bytes() == archive.archive_json(golden_plan.site).data
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_earlier_file_itself_is_replaced_while_it_is_read(
    tmp_path: Path, golden_plan: archive.Plan
) -> None:
    """The staging folder's own archive.json can be the one copied from (a build whose
    live site is gone): it is read whole before a new file takes its place."""
    target = tmp_path / "archive.json"
    layout = archive.write(target, golden_plan)
    assert len(layout) == len(golden_plan.articles) + len(golden_plan.topics)
    inode = target.stat().st_ino
    archive.write(target, golden_plan, archive.Earlier(target, layout))
    assert target.stat().st_ino != inode
    assert target.read_bytes() == archive.archive_json(golden_plan.site).data
