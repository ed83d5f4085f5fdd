"""The build cache: values found only by the inputs that made them, never stale."""

from __future__ import annotations

import importlib.metadata
import pickle
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import cache as cache_module
from generator import content as content_module
from generator import parallel as parallel_module
from generator import summarize as summarize_module
from generator.build import BuildOptions, build
from generator.cache import CACHE_FILE, BuildCache, Memory, key_of, library_version
from generator.frontmatter import dump

BODY = "Floodwater covered Port Alder's harbour road after the river Wend rose {n} metres."


def test_a_value_is_made_once_and_found_by_its_key(tmp_path: Path) -> None:
    made: list[int] = []
    first = BuildCache(tmp_path)
    assert first.get_or_make("k", "a", lambda: made.append(1) or 41) == 41
    first.save()
    second = BuildCache(tmp_path)
    assert second.get_or_make("k", "a", lambda: made.append(2) or 42) == 41
    assert made == [1] and (second.hits, second.misses) == (1, 0)


def test_entries_a_build_did_not_use_are_dropped(tmp_path: Path) -> None:
    first = BuildCache(tmp_path)
    first.get_or_make("k", "old", lambda: 1)
    first.get_or_make("other", "x", lambda: 2)
    first.save()
    second = BuildCache(tmp_path)
    second.get_or_make("k", "new", lambda: 3)
    second.save()
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        rows = sorted(db.execute("SELECT kind, key FROM entries").fetchall())
    assert rows == [("k", "new"), ("other", "x")]


def test_no_cache_reads_nothing_and_still_stores(tmp_path: Path) -> None:
    failed = BuildCache(tmp_path)  # a build that ends in an error stores nothing
    failed.get_or_make("k", "a", lambda: 1)
    failed.close()
    warm = BuildCache(tmp_path)
    warm.get_or_make("k", "a", lambda: 1)
    warm.save()
    cold = BuildCache(tmp_path, read=False)
    assert cold.get_or_make("k", "a", lambda: 2) == 2
    cold.save()
    assert BuildCache(tmp_path).get_or_make("k", "a", lambda: 3) == 2


@pytest.mark.parametrize("damage", [b"not a database", b""])
def test_a_damaged_cache_file_is_a_miss_not_an_error(tmp_path: Path, damage: bytes) -> None:
    (tmp_path / CACHE_FILE).write_bytes(damage)
    store = BuildCache(tmp_path)
    assert store.get_or_make("k", "a", lambda: 5) == 5
    store.save()  # may or may not manage to write: it must not raise


def test_keys_depend_on_every_part_and_on_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    assert key_of("a", "bc") != key_of("ab", "c")
    assert key_of("a", b"b") == key_of("a", "b")
    before = key_of("x")
    monkeypatch.setattr(cache_module, "code_version", lambda: "another release")
    assert key_of("x") != before


def _rows(folder: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(folder / CACHE_FILE) as db:
        return sorted(db.execute("SELECT kind, key FROM entries").fetchall())


def test_entries_of_other_code_are_never_read_and_go_with_its_first_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real keys differ by code version; the same literal keys here show that the
    version noted in the file, not only the keys, keeps old entries out (and out of
    memory: a build after an upgrade held them all to its end)."""
    monkeypatch.setattr(cache_module, "code_version", lambda: "last release")
    old = BuildCache(tmp_path)
    old.get_or_make("k", "a", lambda: 1)
    old.get_or_make("other", "b", lambda: 2)
    old.save()
    monkeypatch.setattr(cache_module, "code_version", lambda: "this release")
    failed = BuildCache(tmp_path)
    assert failed.find("k", "a") == (False, None)
    assert failed._entries("other") == {}  # nothing of the old code held
    failed.get_or_make("k", "c", lambda: 3)  # written into its transaction, then dropped
    failed.close()
    assert _rows(tmp_path) == [("k", "a"), ("other", "b")]  # a failed build keeps them
    memory = Memory()
    memory.values = {"k": {"x": 0}}  # a preview reads missing values one by one
    assert BuildCache(tmp_path, memory=memory).find("k", "a") == (False, None)
    upgraded = BuildCache(tmp_path)
    upgraded.get_or_make("k", "c", lambda: 3)
    upgraded.save()
    assert _rows(tmp_path) == [("k", "c")]
    assert BuildCache(tmp_path).find("k", "c") == (True, 3)
    monkeypatch.setattr(cache_module, "code_version", lambda: "last release")
    assert BuildCache(tmp_path).find("k", "c") == (False, None)


def test_a_file_from_before_versions_were_noted_is_read_as_other_code(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        db.execute(
            "CREATE TABLE entries (kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,"
            " PRIMARY KEY (kind, key)) WITHOUT ROWID"
        )
        db.execute("INSERT INTO entries VALUES ('k', 'a', ?)", (pickle.dumps(1),))
    store = BuildCache(tmp_path)
    assert store.find("k", "a") == (False, None)
    store.get_or_make("k", "b", lambda: 2)
    store.save()
    assert _rows(tmp_path) == [("k", "b")]
    assert BuildCache(tmp_path).find("k", "b") == (True, 2)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.yaml").write_text(
        'title: "T"\ntimezone: Europe/London\nsearch: {enabled: false}\n'
    )
    for n, outlet in enumerate(["The Ledger", "The Post"]):
        write(root, f"a{n}", outlet, BODY.format(n=4))
    return root


def write(site: Path, name: str, outlet: str, body: str) -> None:
    meta = {
        "title": f"Flood ({outlet})",
        "outlet": outlet,
        "author": [],
        "date": "2024-03-05T10:00:00Z",
    }
    (site / "content" / "articles" / f"{name}.md").write_text(dump(meta, "\n" + body + "\n"))


class Calls:
    """Counts the real calls of a stage function, which still does its work."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> None:
        self.count = 0
        real = getattr(module, name)

        def counted(*args: object, **kwargs: object) -> object:
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)


def page(site: Path, article: str) -> str:
    return (site / "build" / "articles" / article / "index.html").read_text()


def test_a_warm_build_parses_and_summarises_nothing_and_writes_the_same_site(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Counted in this process: no summary left to a child (`build.Aside`).
    monkeypatch.setattr(parallel_module, "can_fork", lambda: False)
    build(BuildOptions(site))
    first = {p: p.read_bytes() for p in sorted((site / "build").rglob("*")) if p.is_file()}
    parsed = Calls(monkeypatch, content_module, "parse_article")
    summarised = Calls(monkeypatch, summarize_module, "summarize_topic")
    build(BuildOptions(site))
    assert (parsed.count, summarised.count) == (0, 0)
    build(BuildOptions(site, cache=False))
    assert (parsed.count, summarised.count) == (2, 1)
    assert {p: p.read_bytes() for p in first} == first


def test_each_input_that_changes_is_picked_up(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(BuildOptions(site))
    parsed = Calls(monkeypatch, content_module, "parse_article")
    # An article: only it is parsed again, and its page shows the edit.
    write(site, "a1", "The Post", BODY.format(n=9))
    build(BuildOptions(site))
    assert parsed.count == 1 and "9 metres" in page(site, "a1")
    # Settings that reading depends on (the time zone): every article again.
    (site / "site.yaml").write_text('title: "T"\ntimezone: Asia/Tokyo\nsearch: {enabled: false}\n')
    build(BuildOptions(site))
    assert parsed.count == 3 and "JST" in page(site, "a0")
    # A template (never cached, always read).
    (site / "templates").mkdir()
    (site / "templates" / "article.html").write_text("<p>override {{ page.title }}</p>\n")
    build(BuildOptions(site))
    assert page(site, "a0").startswith("<p>override")
    # The code: a new version of the generator reads nothing the old one cached.
    monkeypatch.setattr(cache_module, "code_version", lambda: "another release")
    build(BuildOptions(site))
    assert parsed.count == 5


def test_no_cache_option_parses_everything(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(BuildOptions(site))
    parsed = Calls(monkeypatch, content_module, "parse_article")
    build(BuildOptions(site, cache=False))
    assert parsed.count == 2


def test_a_cold_build_compiles_every_template_and_keeps_them_for_the_next(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--no-cache` takes no compiled template from `.cache/templates/`, but writes them
    there: the first build after it does not compile them again."""
    import jinja2

    build(BuildOptions(site))
    kept = site / ".cache" / "templates"
    spoiled = sorted(kept.rglob("*.cache"))
    assert spoiled
    for path in spoiled:  # what a cold build must not read
        path.write_bytes(b"not a compiled template")
    loaded = Calls(monkeypatch, jinja2.FileSystemBytecodeCache, "load_bytecode")
    compiled = Calls(monkeypatch, jinja2.Environment, "compile")
    build(BuildOptions(site, cache=False))
    assert loaded.count == 0 and compiled.count > 0
    assert all(path.read_bytes() != b"not a compiled template" for path in spoiled)
    compiled.count = 0
    write(site, "a1", "The Post", BODY.format(n=8))
    build(BuildOptions(site))
    assert loaded.count > 0 and compiled.count == 0  # each taken from the cold build's
    assert "8 metres" in page(site, "a1")


def test_memory_serves_a_long_lived_process_without_the_file(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = Memory()
    build(BuildOptions(site, memory=memory))
    (site / ".cache" / CACHE_FILE).unlink()
    parsed = Calls(monkeypatch, content_module, "parse_article")
    write(site, "a1", "The Post", BODY.format(n=7))
    build(BuildOptions(site, memory=memory))
    assert parsed.count == 1 and "7 metres" in page(site, "a1")
    build(BuildOptions(site, memory=memory, cache=False))
    assert parsed.count == 3


def test_memory_holds_only_what_the_last_build_used(tmp_path: Path) -> None:
    memory = Memory()
    first = BuildCache(tmp_path, memory=memory)
    first.get_or_make("k", "old", lambda: 1)
    first.save()
    second = BuildCache(tmp_path, memory=memory)
    assert second.get_or_make("k", "old", lambda: 2) == 1
    second.get_or_make("k", "new", lambda: 3)
    second.save()
    assert memory.values == {"k": {"old": 1, "new": 3}}
    third = BuildCache(tmp_path, memory=memory)
    third.get_or_make("k", "new", lambda: 4)
    third.save()
    assert memory.values == {"k": {"new": 3}}


def test_new_values_are_written_as_they_come_and_committed_by_save(tmp_path: Path) -> None:
    store = BuildCache(tmp_path)
    for n in range(50):
        store.get_or_make("k", f"v{n}", lambda n=n: "x" * 1000 + str(n))  # type: ignore[misc]
    assert store._made == {}  # nothing held back in memory
    other = BuildCache(tmp_path)  # another build meanwhile: sees nothing uncommitted
    assert other.find("k", "v1") == (False, None)
    other.close()
    store.save()
    assert BuildCache(tmp_path).find("k", "v7") == (True, "x" * 1000 + "7")


def test_a_build_that_cannot_write_at_once_saves_at_the_end(tmp_path: Path) -> None:
    holder = sqlite3.connect(tmp_path / CACHE_FILE, isolation_level=None)
    holder.execute(
        "CREATE TABLE IF NOT EXISTS entries (kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID"
    )
    holder.execute("BEGIN IMMEDIATE")  # another build holds the database
    store = BuildCache(tmp_path)
    store.get_or_make("k", "a", lambda: 7)
    assert store._made  # kept in memory instead
    holder.execute("COMMIT")
    holder.close()
    store.save()
    assert BuildCache(tmp_path).find("k", "a") == (True, 7)


def test_a_large_transaction_does_not_lock_this_build_out(tmp_path: Path) -> None:
    """Values too large for SQLite's page cache make it lock the file exclusively: the
    build's later reads must go through its own connection, not wait for it."""
    BuildCache(tmp_path).save()
    seed = BuildCache(tmp_path)
    seed.get_or_make("later", "x", lambda: "stored before")
    seed.save()
    store = BuildCache(tmp_path)
    store.get_or_make("big", "a", lambda: "x" * 8_000_000)  # spills to the file
    # Through another connection this would wait 30 s for the lock, then find nothing.
    assert store.find("later", "x") == (True, "stored before")
    store.save()


def test_with_memory_a_missing_value_is_read_alone_from_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A preview's rebuild finds all but the edited values in memory; the others come
    from the file one by one, not by reading every stored value of the kind."""
    memory = Memory()
    first = BuildCache(tmp_path, memory=memory)
    first.get_or_make("k", "a", lambda: "remembered")
    first.save()
    other_process = BuildCache(tmp_path)  # e.g. `briefing build` meanwhile
    other_process.get_or_make("k", "a", lambda: "remembered")
    other_process.get_or_make("k", "b", lambda: "from the file")
    other_process.save()
    loads = Calls(monkeypatch, BuildCache, "_load")
    second = BuildCache(tmp_path, memory=memory)
    assert second.find("k", "a") == (True, "remembered")
    assert second.find("k", "b") == (True, "from the file")
    assert second.find("k", "c") == (False, None)
    assert loads.count == 0
    second.save()


def test_cached_articles_and_summaries_load_equal_to_what_was_stored() -> None:
    """Articles, topics and every part of their summaries pickle as their fields
    (models.pickled_by_fields): what loads is what was stored."""
    import pickle
    from dataclasses import replace
    from zoneinfo import ZoneInfo

    from generator.config import TopicsConfig
    from generator.content import load_content
    from generator.topics import group_topics

    from .conftest import FIXTURES

    zone = ZoneInfo("Europe/London")
    content = load_content(FIXTURES / "golden-site" / "content", zone)
    by_id = {article.id: article for article in content.articles}
    topics = [
        replace(
            t, summary=summarize_module.summarize_topic(t, [by_id[i] for i in t.article_ids], zone)
        )
        for t in group_topics(content.articles, content.notes, TopicsConfig())
    ]
    assert any(t.summary is not None and t.summary.agreed for t in topics)
    for value in (*content.articles, *topics):
        assert pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)) == value


def test_a_value_derived_in_one_build_is_found_by_the_next_for_the_same_object(
    tmp_path: Path,
) -> None:
    memory = Memory()
    kept, fresh = tuple(["the article"]), tuple(["the article"])  # equal, not the same
    other = tuple(["another"])
    calls: list[list[tuple[str]]] = []

    def make(values: list[tuple[str]]) -> list[str]:
        calls.append(values)
        return [value[0].upper() for value in values]

    first = BuildCache(tmp_path, memory=memory)
    assert first.derive_many("reads", [kept, other], make) == ["THE ARTICLE", "ANOTHER"]
    first.save()
    second = BuildCache(tmp_path, memory=memory)
    assert second.derive_many("reads", [kept, fresh, other], make) == [
        "THE ARTICLE",
        "THE ARTICLE",
        "ANOTHER",
    ]
    assert calls[1] == [fresh] and calls[1][0] is fresh  # the same objects: not made again
    second.save()
    third = BuildCache(tmp_path, memory=memory)
    third.save()  # a build that did not use them: forgotten
    assert memory.derived == {}
    alone = BuildCache(tmp_path)  # no memory: made every time
    alone.derive_many("reads", [kept], make)
    alone.derive_many("reads", [kept], make)
    assert len(calls) == 4


@dataclass(frozen=True)
class Value:
    """A stored value with a field and a method."""

    text: str

    def shout(self) -> str:
        return self.text.upper()


def test_lazily_found_values_unpickle_on_first_use_and_read_as_the_value(tmp_path: Path) -> None:
    """`get_or_make_many_lazily`: stored values come back as `Lazy`, unpickled when first
    read, then read, compare, hash, print and pickle as the value; missing ones are made."""
    import pickle

    first = BuildCache(tmp_path)
    first.get_or_make_many("k", ["a", "b"], lambda missing: [Value("one"), Value("two")])
    first.save()
    second = BuildCache(tmp_path)
    made: list[list[int]] = []

    def make(missing: list[int]) -> list[Value]:
        made.append(missing)
        return [Value("three")]

    found = second.get_or_make_many_lazily("k", ["a", "c", "b"], make, lambda p: Value("?"))
    assert made == [[1]] and found[1] == Value("three")
    lazy = found[0]
    assert isinstance(lazy, cache_module.Lazy) and not lazy._ready
    assert lazy.text == "one" and lazy.shout() == "ONE" and lazy._ready
    assert lazy == Value("one") and lazy == found[0] and lazy != found[2]
    assert hash(lazy) == hash(Value("one")) and repr(lazy) == repr(Value("one"))
    assert pickle.loads(pickle.dumps(found[2])) == Value("two")
    with pytest.raises(AttributeError):
        _ = lazy.missing
    second.save()
    third = BuildCache(tmp_path)  # all three were used: all three are kept
    assert [third.find("k", key)[0] for key in "abc"] == [True, True, True]


def test_a_lazily_found_value_that_cannot_be_unpickled_is_made_again(tmp_path: Path) -> None:
    """A damaged entry found lazily is made by `remake` when first read, never an error."""
    first = BuildCache(tmp_path)
    first.get_or_make("k", "a", lambda: "stored")
    first.save()
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        db.execute("UPDATE entries SET value = ? WHERE key = 'a'", (b"not a pickle",))
    db.close()
    second = BuildCache(tmp_path)
    [lazy] = second.get_or_make_many_lazily("k", ["a"], lambda missing: [], lambda p: "remade")
    assert lazy.upper() == "REMADE" and lazy == "remade"
    second.save()


def test_a_build_with_cached_summaries_unpickles_only_those_it_shows(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit in one topic unpickles no other topic's summary (their pages and
    archive.json records are taken from the last build), and its site is a clean build's."""
    other = "Wildfire smoke closed the Kestrel Bay ferry terminal for {n} days, officials said."
    for n, outlet in enumerate(["The Ledger", "The Post"]):
        write(site, f"b{n}", outlet, other.format(n=3))
    build(BuildOptions(site))
    write(site, "a0", "The Ledger", BODY.format(n=5))
    import pickle

    from generator.summary.model import Summary

    unpickled: list[Summary] = []
    real = pickle.loads

    def loads(data: bytes) -> object:
        value = real(data)
        if isinstance(value, Summary):
            unpickled.append(value)
        return value

    monkeypatch.setattr(cache_module.pickle, "loads", loads)
    summarised = Calls(monkeypatch, summarize_module, "summarize_topic")
    build(BuildOptions(site))
    assert (summarised.count, unpickled) == (1, [])
    build(BuildOptions(site, cache=False, out=site / "clean"))
    assert tree(site / "build") == tree(site / "clean")


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_library_versions_read_from_dist_info_names_are_importlibs() -> None:
    """The versions code_version reads from `.dist-info` folder names are those
    importlib.metadata gives, for every library that shapes cached values."""
    for name in cache_module._LIBRARIES:
        try:
            expected = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            expected = "none"
        assert library_version(name) == expected, name


@pytest.mark.parametrize(
    ("installed", "expected"),
    [
        (["markdown_it_py-9.1.0.dist-info"], "9.1.0"),  # names compare as pip does
        (["Markdown.It_Py-9.1.0.dist-info"], "9.1.0"),
        (["markdown_it_py_extra-1.0.dist-info"], None),  # another distribution
        (["markdown_it_py-9.1.0.dist-info", "markdown_it_py-9.2.0.dist-info"], None),
        (["markdown_it_py-.dist-info"], None),  # no version in the name
        ([], None),
    ],
)
def test_a_dist_info_name_is_trusted_only_when_it_is_the_only_one(
    installed: list[str], expected: str | None
) -> None:
    """Found once, the folder's name gives the version; otherwise importlib.metadata
    answers (None here: whatever it says)."""
    found = library_version("markdown-it-py", installed)
    assert found == (expected or importlib.metadata.version("markdown-it-py"))


@pytest.mark.parametrize("memory", [False, True])
def test_finding_many_keys_at_once_is_finding_each(tmp_path: Path, memory: bool) -> None:
    """`find_many` gives what `find` of each key gives, in order (a damaged entry and a
    repeated key are misses), and leaves the cache as `find` would: what it used is kept
    by `save`, and remembered by a memory."""
    first = BuildCache(tmp_path)
    for key in "abcd":
        first.keep("k", key, key.upper())
    first.save()
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        db.execute("UPDATE entries SET value = ? WHERE key = 'c'", (b"not a pickle",))
    db.close()
    keys = ["b", "x", "a", "c", "b"]
    results = []
    for many in (False, True):
        cache = BuildCache(tmp_path, memory=Memory() if memory else None)
        found = cache.find_many("k", keys) if many else [cache.find("k", k) for k in keys]
        results.append((found, cache.hits, cache.misses, cache._used, cache._kept))
    assert results[0] == results[1]
    assert results[1][0] == [(True, "B"), (False, None), (True, "A"), (False, None), (False, None)]


def test_a_large_value_is_one_file_found_by_this_code_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`keep_large` replaces the kind's one value at once; it is found by this code, not by
    another release, not by a `--no-cache` build, and a damaged file is none."""
    first = BuildCache(tmp_path)
    assert first.find_large("counts") is None
    first.keep_large("counts", [1, 2])
    first.keep_large("counts", [3])  # replaced, not added
    first.close()  # kept whatever becomes of the build
    assert BuildCache(tmp_path).find_large("counts") == [3]
    assert BuildCache(tmp_path, read=False).find_large("counts") is None
    assert [p.name for p in tmp_path.iterdir() if "counts" in p.name] == ["counts.pickle"]
    monkeypatch.setattr(cache_module, "code_version", lambda: "another release")
    assert BuildCache(tmp_path).find_large("counts") is None
    monkeypatch.undo()
    (tmp_path / "counts.pickle").write_bytes(b"\x80\x05damaged")
    assert BuildCache(tmp_path).find_large("counts") is None


def test_a_large_value_is_held_in_memory_for_the_next_build(tmp_path: Path) -> None:
    kept = Memory()
    BuildCache(tmp_path, memory=kept).keep_large("counts", [5])
    (tmp_path / "counts.pickle").unlink()
    assert BuildCache(tmp_path, memory=kept).find_large("counts") == [5]


def test_a_value_is_taken_on_use_unless_the_cache_recalls_it(tmp_path: Path) -> None:
    """A build finds each stored value once (it is taken out); after `recall`, what it
    found or kept is found again, as a second assembly of its site needs."""
    first = BuildCache(tmp_path)
    for key in "abcd":
        first.keep("k", key, key.upper())
    first.save()
    cache = BuildCache(tmp_path)
    assert cache.find("k", "a") == (True, "A")
    assert cache.find("k", "a") == (False, None)
    cache.recall()
    assert cache.find("k", "b") == (True, "B")
    assert cache.find_many("k", ["b", "c"]) == [(True, "B"), (True, "C")]
    assert cache.find_many("k", ["c", "a"]) == [(True, "C"), (False, None)]
    lazily = cache.get_or_make_many_lazily("k", ["d", "d"], lambda missing: [], lambda p: "?")
    assert lazily[0] is lazily[1] and lazily[0] == "D"
    cache.keep("k", "e", "E")
    assert cache.find("k", "e") == (True, "E")
    cache.save()
    assert sorted(BuildCache(tmp_path).find_many("k", list("abcde"))) == sorted(
        [(True, "A"), (True, "B"), (True, "C"), (True, "D"), (True, "E")]
    )


def _packs(folder: Path, kind: str = "article") -> list[int]:
    """How many values each stored pack of `kind` holds, largest first."""
    with sqlite3.connect(folder / CACHE_FILE) as db:
        rows = db.execute("SELECT value FROM entries WHERE kind = ?", (f"{kind}/packs",))
        sizes = sorted((len(pickle.loads(value)) for (value,) in rows), reverse=True)
    db.close()
    return sizes


@pytest.fixture
def small_packs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "PACK_SIZE", 8)  # small: fewer than 2
    monkeypatch.setattr(cache_module, "SMALL_PACKS", 2)


@pytest.mark.usefixtures("small_packs")
def test_values_of_a_packed_kind_are_stored_many_to_a_row(tmp_path: Path) -> None:
    """Values of a kind every build reads whole go PACK_SIZE to a row, one pickle; they
    are found as stored values are, and again on a second look (not taken out)."""
    first = BuildCache(tmp_path)
    made = first.get_or_make_many("article", list("abcdefghij"), lambda m: [f"v{p}" for p in m])
    first.save()
    assert made == [f"v{p}" for p in range(10)] and _packs(tmp_path) == [8, 2]
    second = BuildCache(tmp_path)
    found = second.find_many("article", ["j", "a", "x", "a"])
    assert found == [(True, "v9"), (True, "v0"), (False, None), (True, "v0")]
    assert second.find("article", "b") == (True, "v1") and second.find("article", "y") == (
        False,
        None,
    )
    assert (second.hits, second.misses) == (4, 2)


@pytest.mark.usefixtures("small_packs")
def test_packs_mostly_unused_go_and_their_used_values_stay(tmp_path: Path) -> None:
    """A pack more than a quarter of whose values a build did not use is dropped at its
    end, the values it used stored again; a pack it used whole stays as it was."""
    first = BuildCache(tmp_path)
    for key in "abcdefghijklmnop":
        first.keep("article", key, key.upper())
    first.save()
    second = BuildCache(tmp_path)
    assert all(hit for hit, _ in second.find_many("article", list("abcdefghijklmop")))
    second.save()
    assert _packs(tmp_path) == [8, 8]  # n unused: a quarter at most, the pack stays
    third = BuildCache(tmp_path)
    assert all(hit for hit, _ in third.find_many("article", list("abcdefghijklm")))
    third.save()
    assert _packs(tmp_path) == [8, 5]
    found = BuildCache(tmp_path).find_many("article", list("abcdefghijklmnop"))
    assert "".join(value or "-" for _, value in found) == "ABCDEFGHIJKLM---"


@pytest.mark.usefixtures("small_packs")
def test_small_packs_are_merged(tmp_path: Path) -> None:
    """Each build adds a pack of the values it made (an edit: one); past SMALL_PACKS
    small packs, they become one."""
    keys: list[str] = []
    for build_number in range(7):
        cache = BuildCache(tmp_path)
        keys.append(f"k{build_number}")
        cache.get_or_make_many("article", keys, lambda missing: ["made" for _ in missing])
        cache.save()
        assert sum(1 for size in _packs(tmp_path) if size < 2) <= 3  # SMALL_PACKS + 1
    assert sum(_packs(tmp_path)) == len(keys) and len(_packs(tmp_path)) < len(keys)
    last = BuildCache(tmp_path)
    assert all(hit for hit, _ in last.find_many("article", keys))


def test_a_damaged_pack_is_a_miss_and_goes(tmp_path: Path) -> None:
    first = BuildCache(tmp_path)
    first.keep("article", "a", "A")
    first.keep("k", "b", "B")
    first.save()
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        db.execute("UPDATE entries SET value = ? WHERE kind = 'article/packs'", (b"garbage",))
    db.close()
    second = BuildCache(tmp_path)
    assert second.get_or_make("article", "a", lambda: "again") == "again"
    assert second.find("k", "b") == (True, "B")
    second.save()
    assert _packs(tmp_path) == [1]
    assert BuildCache(tmp_path).find("article", "a") == (True, "again")


def test_no_cache_replaces_the_packs(tmp_path: Path) -> None:
    first = BuildCache(tmp_path)
    first.keep("article", "a", "old")
    first.keep("article", "b", "old")
    first.save()
    cold = BuildCache(tmp_path, read=False)
    assert cold.get_or_make("article", "a", lambda: "new") == "new"
    cold.save()
    assert _packs(tmp_path) == [1]
    again = BuildCache(tmp_path)
    assert again.find_many("article", ["a", "b"]) == [(True, "new"), (False, None)]


def test_with_memory_a_packed_value_not_remembered_is_made(tmp_path: Path) -> None:
    """The preview's rebuild finds packed values in its memory; one not there is made
    (a value is not fetched alone from a pack), and stored."""
    memory = Memory()
    first = BuildCache(tmp_path, memory=memory)
    first.keep("article", "a", "A")
    first.save()
    second = BuildCache(tmp_path, memory=memory)
    assert second.find_many("article", ["a", "b"]) == [(True, "A"), (False, None)]
    second.keep("article", "b", "B")
    second.save()
    assert second._packs == {}  # the stored packs were never read
    assert BuildCache(tmp_path).find_many("article", ["a", "b"]) == [(True, "A"), (True, "B")]


@pytest.mark.parametrize("memory", [False, True])
def test_finding_many_packed_keys_at_once_is_finding_each(tmp_path: Path, memory: bool) -> None:
    first = BuildCache(tmp_path)
    for key in "abcd":
        first.keep("article", key, key.upper())
    first.save()
    keys = ["b", "x", "a", "b"]
    results = []
    for many in (False, True):
        cache = BuildCache(tmp_path, memory=Memory() if memory else None)
        found = (
            cache.find_many("article", keys) if many else [cache.find("article", k) for k in keys]
        )
        results.append((found, cache.hits, cache.misses, cache._used, cache._kept))
    assert results[0] == results[1]
    assert results[1][0] == [(True, "B"), (False, None), (True, "A"), (True, "B")]


def test_summaries_are_stored_compressed_and_found_as_they_were(tmp_path: Path) -> None:
    """A kind of COMPRESSED_KINDS is stored zlib-compressed; found, lazily found or
    found through a memory's fetch, it is the value kept. A damaged entry is a miss."""
    value = {"text": "The river rose two metres. " * 200, "n": 7}
    first = BuildCache(tmp_path)
    for key in "abc":
        first.keep("summary", key, value)
    first.save()
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        stored = dict(db.execute("SELECT key, value FROM entries WHERE kind = 'summary'"))
        db.execute("UPDATE entries SET value = ? WHERE key = 'c'", (b"not compressed",))
    db.close()
    assert pickle.loads(zlib.decompress(stored["a"])) == value
    assert len(stored["a"]) < len(pickle.dumps(value)) // 4
    cache = BuildCache(tmp_path)
    assert cache.find("summary", "a") == (True, value)
    lazily = cache.get_or_make_many_lazily("summary", ["b", "c"], lambda m: [], lambda p: "made")
    assert lazily[0] == value and lazily[1] == "made"
    memory = Memory()
    warm = BuildCache(tmp_path, memory=memory)
    warm.find("summary", "a")
    warm.save()  # the memory holds "a"
    other = BuildCache(tmp_path)  # another process's build
    other.find("summary", "a")
    other.keep("summary", "d", value)
    other.save()
    fetching = BuildCache(tmp_path, memory=memory)  # "d" is fetched alone from the file
    assert fetching.find("summary", "d") == (True, value)
    lazily = fetching.get_or_make_many_lazily("summary", ["d"], lambda m: [], lambda p: "made")
    assert lazily[0] == value


def test_a_value_made_elsewhere_travels_as_its_stored_bytes_and_is_kept_as_them(
    tmp_path: Path,
) -> None:
    """`Made` pickles as the bytes the cache stores (another process sends no second
    pickle of the value), and `keep` writes those bytes as they are."""
    value = {"summary": ["a", "b"], "n": 3}
    made = cache_module.Made("summary", value)
    assert made.stored == zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1)
    sent = pickle.loads(pickle.dumps(made))
    assert sent.value == value and sent.stored == made.stored and sent.kind == "summary"
    sent_bytes = pickle.dumps(made)  # the stored bytes, remade into a Made on arrival
    assert made.stored in sent_bytes and b"_made_elsewhere" in sent_bytes
    assert b"value" not in sent_bytes
    first = BuildCache(tmp_path)
    first.keep("summary", "k", sent.value, sent.stored)
    first.save()
    later = BuildCache(tmp_path)
    assert later.get_or_make("summary", "k", lambda: pytest.fail("made again")) == value
