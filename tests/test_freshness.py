"""A build with nothing changed leaves the site alone; any change means a full build."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.freshness import (
    FileStates,
    output_state,
    read_record,
    record_path,
    write_kept_record,
)
from generator.frontmatter import dump


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.yaml").write_text('title: "T"\nsearch: {enabled: false}\n')
    meta = {"title": "Flood", "outlet": "The Post", "author": [], "date": "2024-03-05"}
    (root / "content" / "articles" / "a.md").write_text(dump(meta, "\nThe river rose.\n"))
    build(BuildOptions(root))
    return root


def test_nothing_changed_means_nothing_rewritten(site: Path) -> None:
    page = site / "build" / "articles" / "a" / "index.html"
    stamp = page.stat().st_mtime_ns
    report = build(BuildOptions(site))
    assert report.unchanged and report.articles == 1 and report.pages > 0
    assert page.stat().st_mtime_ns == stamp


_ARTICLE_B = dump(
    {"title": "Storm", "outlet": "The Post", "author": [], "date": "2024-03-06"},
    "\nThe wind rose.\n",
)


def _edit_article(site: Path) -> None:
    path = site / "content" / "articles" / "a.md"
    path.write_text(path.read_text().replace("rose", "rose again"))


def _add_template(site: Path) -> None:
    (site / "templates").mkdir()
    (site / "templates" / "404.html").write_text("gone\n")


def _touch_output(site: Path) -> None:
    (site / "build" / "404.html").write_text("hand edit\n")


def _delete_output(site: Path) -> None:
    (site / "build" / "sitemap.xml").unlink()


def _edit_config(site: Path) -> None:
    (site / "site.yaml").write_text('title: "T2"\nsearch: {enabled: false}\n')


def _add_note(site: Path) -> None:
    (site / "content" / "topics").mkdir()
    (site / "content" / "topics" / "flood.md").write_text("---\ntitle: Floods\n---\nNote.\n")


@pytest.mark.parametrize(
    "change",
    [_edit_article, _add_template, _touch_output, _delete_output, _edit_config, _add_note],
)
def test_any_change_means_a_full_build(site: Path, change: Callable[[Path], None]) -> None:
    before = {p: p.read_bytes() for p in (site / "build").rglob("*") if p.is_file()}
    change(site)
    report = build(BuildOptions(site))
    assert not report.unchanged
    assert build(BuildOptions(site)).unchanged
    if change in (_touch_output, _delete_output):  # the site is whole again
        assert {p: p.read_bytes() for p in (site / "build").rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    "options",
    [
        {"base_url": "https://other.example/"},
        {"drafts": True},
        {"strict": True},
        {"cache": False},
    ],
)
def test_other_options_mean_a_full_build(site: Path, options: dict[str, object]) -> None:
    assert not build(BuildOptions(site, **options)).unchanged  # type: ignore[arg-type]


def test_source_date_epoch_is_an_input(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert not build(BuildOptions(site)).unchanged


def test_another_output_folder_means_a_full_build(site: Path, tmp_path: Path) -> None:
    assert not build(BuildOptions(site, out=tmp_path / "elsewhere")).unchanged


def test_the_target_of_a_symlinked_article_is_an_input(site: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.md"
    meta = {"title": "Linked", "outlet": "The Post", "author": [], "date": "2024-03-06"}
    outside.write_text(dump(meta, "\nFirst text.\n"))
    (site / "content" / "articles" / "b.md").symlink_to(outside)
    build(BuildOptions(site))
    build(BuildOptions(site))
    outside.write_text(dump(meta, "\nSecond text.\n"))
    assert not build(BuildOptions(site)).unchanged


def test_the_record_of_a_first_build_is_honest(tmp_path: Path) -> None:
    """The first build writes the topic id registry and records the inputs with it, so
    the next build is 'up to date': that holds only if a full build reading that registry
    gives the same site, checked here on an archive with multi-outlet stories."""
    from .adversarial.test_faults import write_archive

    site = tmp_path / "site"
    write_archive(site, 40)
    (site / "site.yaml").write_text("title: Record\nsearch: {enabled: false}\n")
    build(BuildOptions(site))
    first = {p: p.read_bytes() for p in sorted((site / "build").rglob("*")) if p.is_file()}
    assert build(BuildOptions(site)).unchanged
    assert not build(BuildOptions(site, cache=False)).unchanged
    assert {p: p.read_bytes() for p in sorted((site / "build").rglob("*")) if p.is_file()} == first


def test_a_record_read_in_part_leaves_out_only_what_the_build_read(site: Path) -> None:
    """A record read for its site's files alone (`whole=False`) is the whole record
    without the inputs' hashes and the search anchors."""
    whole = read_record(site / ".cache", site / "build")
    part = read_record(site / ".cache", site / "build", whole=False)
    assert whole is not None and part is not None and whole.sources
    assert part == replace(whole, sources={}, anchors={})


def _counting(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[object]:
    """Record the first argument of every call of `module.name`."""
    calls: list[object] = []
    original = getattr(module, name)

    def counted(first: object, *args: object, **kwargs: object) -> object:
        calls.append(first)
        return original(first, *args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_files_whose_status_is_unchanged_are_not_read_again(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import content, freshness

    monkeypatch.setattr(freshness, "RACY_NS", 0)  # the files were all written just now
    build(BuildOptions(site))  # records the statuses it trusts from now on
    hashed = _counting(monkeypatch, freshness, "_content_hash")
    read = _counting(monkeypatch, content, "_read")
    assert build(BuildOptions(site)).unchanged
    assert hashed == [] and read == []
    path = site / "content" / "articles" / "a.md"
    path.write_text(path.read_text().replace("river rose", "river fell"))  # the same size
    assert not build(BuildOptions(site)).unchanged
    assert hashed == [str(path)] and read == [("articles/a.md", str(path))]
    assert "river fell" in (site / "build" / "articles" / "a" / "index.html").read_text()


def test_files_changed_just_before_the_last_check_are_read_again(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write in the same clock tick as the last check could leave its status as it
    was: files changed within RACY_NS of that check are always read (as git does)."""
    from generator import freshness

    hashed = _counting(monkeypatch, freshness, "_content_hash")
    assert build(BuildOptions(site)).unchanged
    assert str(site / "content" / "articles" / "a.md") in hashed


def test_the_preview_reads_only_the_files_that_changed(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import content, freshness
    from generator.cache import Memory

    monkeypatch.setattr(freshness, "RACY_NS", 0)
    meta = {"title": "Drought", "outlet": "The Post", "author": [], "date": "2024-03-06"}
    (site / "content" / "articles" / "b.md").write_text(dump(meta, "\nThe river fell.\n"))
    memory = Memory()
    build(BuildOptions(site, in_place=True, memory=memory))
    read = _counting(monkeypatch, content, "_read")
    path = site / "content" / "articles" / "a.md"
    path.write_text(path.read_text().replace("river rose", "river fell"))
    build(BuildOptions(site, in_place=True, memory=memory))
    assert read == [("articles/a.md", str(path))]
    assert "river fell" in (site / "build" / "articles" / "a" / "index.html").read_text()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: b"not a pickle at all",
        lambda data: pickle.dumps(["a", "list"]),  # a pickle, not a record
        lambda data: b"",
    ],
    ids=["truncated", "garbage", "wrong-shape", "empty"],
)
def test_a_damaged_record_means_a_full_build(site: Path, damage: Callable[[bytes], bytes]) -> None:
    """A record that cannot be read is no record: the build is a full one (the pages
    made, or taken from the site kept for it, which has a record of its own), and
    writes a good record again."""
    out = site / "build"
    path = record_path(site / ".cache", out)
    assert read_record(site / ".cache", out) is not None
    path.write_bytes(damage(path.read_bytes()))
    assert read_record(site / ".cache", out) is None
    report = build(BuildOptions(site))
    assert not report.unchanged and report.made + report.taken > 0
    assert read_record(site / ".cache", out) is not None


def test_records_of_earlier_versions_are_removed(site: Path) -> None:
    legacy = record_path(site / ".cache", site / "build").with_suffix(".json")
    legacy.write_text("{}")
    _edit_article(site)
    build(BuildOptions(site))
    assert not legacy.exists()


def test_output_state_is_every_file_below_the_folder(tmp_path: Path) -> None:
    """Files at any depth by their path below the folder, with size and modification
    time; a symlinked file is followed (its target's status), a symlinked folder is not,
    and a dangling link is no file."""
    out = tmp_path / "out"
    (out / "a" / "b").mkdir(parents=True)
    (out / "top.html").write_text("top")
    (out / "a" / "b" / "deep.html").write_text("deeper")
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "file.txt").write_text("linked")
    (outside / "folder" / "inner.txt").write_text("not seen")
    (out / "a" / "link.txt").symlink_to(outside / "file.txt")
    (out / "a" / "folder-link").symlink_to(outside / "folder")
    (out / "dangling").symlink_to(tmp_path / "missing")

    def status(path: Path) -> list[int]:
        info = path.stat()
        return [info.st_size, info.st_mtime_ns]

    assert output_state(out) == {
        "top.html": status(out / "top.html"),
        "a/b/deep.html": status(out / "a" / "b" / "deep.html"),
        "a/link.txt": status(outside / "file.txt"),
    }
    assert output_state(tmp_path / "missing") == {}


_STATES = {"index.html": [120, 1_796_425_801_402_445_367], "a/b/c.css": [0, 5], "x y": [7, -1]}


@pytest.mark.parametrize("states", [_STATES, {}], ids=["files", "none"])
def test_file_states_are_what_was_packed(states: dict[str, list[int]]) -> None:
    """A record keeps file states packed; unpacked, they are the same mapping, and equal
    to it (and to a dict of them) either way round."""
    unpacked = FileStates.unpacked(FileStates.packed(states))
    assert dict(unpacked) == states and unpacked == states and states == unpacked
    assert sorted(unpacked) == sorted(states) and len(unpacked) == len(states)
    for path, state in states.items():
        assert path in unpacked and unpacked[path] == state and unpacked.get(path) == state
    assert "missing" not in unpacked and unpacked.get("missing") is None
    assert FileStates.unpacked(FileStates.packed(unpacked)) == states  # packed again


@pytest.mark.parametrize(
    "other",
    [
        {**_STATES, "index.html": [121, 1_796_425_801_402_445_367]},  # another size
        {**_STATES, "x y": [7, 0]},  # another time
        {k: v for k, v in _STATES.items() if k != "x y"},  # a file fewer
        {**_STATES, "new.html": [1, 1]},  # a file more
        {**{k: v for k, v in _STATES.items() if k != "x y"}, "x z": [7, -1]},  # renamed
    ],
    ids=["size", "time", "fewer", "more", "renamed"],
)
def test_file_states_differ_by_any_file(other: dict[str, list[int]]) -> None:
    unpacked = FileStates.unpacked(FileStates.packed(_STATES))
    assert unpacked != other and other != unpacked


def test_file_states_whose_arrays_do_not_match_are_refused() -> None:
    joined, sizes, mtimes = FileStates.packed(_STATES)
    with pytest.raises(ValueError):
        FileStates.unpacked((joined, sizes[:-8], mtimes))


@pytest.mark.parametrize("damaged", [b"", b"not a pickle", pickle.dumps(["a", "list"])])
def test_a_kept_site_is_not_recorded_from_a_damaged_record(site: Path, damaged: bytes) -> None:
    """The kept site's record is the last build's with the kept files' states: from a
    record that cannot be read, none is written (the kept site is then not trusted)."""
    out, cache = site / "build", site / ".cache"
    record_path(cache, out, kept=True).unlink(missing_ok=True)
    record_path(cache, out).write_bytes(damaged)
    with pytest.raises(OSError):
        write_kept_record(cache, out, {}, {}, 0)
    assert not record_path(cache, out, kept=True).exists()


@pytest.mark.parametrize("where", ["the site's folder", "elsewhere"])
def test_a_build_reads_only_the_articles_that_changed(
    site: Path, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan of the inputs names each file by its path in the site, whether the site
    is "." (a build run in its folder) or a path, and the loader takes the articles it
    finds in the cache by those hashes without reading them: a build after one edit reads
    one article file."""
    from generator import content
    from generator.freshness import input_digest

    other = site / "content" / "articles" / "b.md"
    other.write_text(_ARTICLE_B)
    if where == "the site's folder":
        monkeypatch.chdir(site)
        site = Path(".")
    build(BuildOptions(site))
    scan = input_digest(site, (site / "content" / "articles",), "")
    assert {"site.yaml", "content/articles/a.md", "content/articles/b.md"} <= set(scan.sources)
    assert set(scan.hashes("content")) == {"articles/a.md", "articles/b.md"}
    _edit_article(site)
    read: list[object] = []
    real = content._read
    monkeypatch.setattr(content, "_read", lambda *a: (read.append(a[0]), real(*a))[1])
    report = build(BuildOptions(site))
    assert report.articles == 2 and len(read) == 1
