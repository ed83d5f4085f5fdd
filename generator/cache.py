"""A persistent cache of what a build derives (parsed articles, topics, summaries), kept
in the site's git-ignored cache folder and keyed by content hash.

Every key starts with the code version: a hash of the generator's own files and of the
versions of the libraries whose output we keep, so that a new release, an edited module
or an upgraded library never reads an entry made by other code. What else a value depends
on (file bytes, settings, time zone) is hashed into its key by the caller, so an entry can
only be found by the very inputs that made it: the cache is never stale, only missed.

Storage is one SQLite file: each build's writes go in one transaction, so a build killed
midway leaves the previous entries whole. The file names the code version that wrote its
entries: a build of other code reads none of them (none could match its keys) and its first
write clears them. A value too large for a row, of which a build keeps one (`keep_large`),
is a file beside it. Entries a build did not use are dropped at its end, so the cache
holds about one build's worth. Values are pickles, which is safe only because the cache
is written by this program on this machine: it is git-ignored, and a cache folder from
elsewhere must never be copied in.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import re
import sqlite3
import sys
import zlib
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # freshness imports this module
    from generator.freshness import Scan

CACHE_FILE = "build-cache.sqlite"
FORMAT = 4
"""Bumped when the layout of the database changes."""
COMPRESSED_KINDS = frozenset({"summary"})
"""Kinds whose values are stored compressed (zlib, level 1). A build reads every stored
summary at its start and holds each until it ends (its topic's, `Lazy`): at 100,000
articles, 17,707 pickles of 17 KB on average, 302 MB, which took 0.27-0.56 s to read.
Compressed, they are 27 % of that; each costs 0.17 ms to compress when made and 0.07 ms
to decompress when read."""
PACKED_KINDS = frozenset({"article", "cluster-reads"})
"""Kinds that every build looks up whole, a value per article: their values are stored
many to a row, as one pickle (`_Packs`), not a row and a pickle each. At 10,000 articles
fetching 10,000 rows and unpickling each took 0.25 s of every build, and one pickle of
them all 0.09 s: the pickle of each value named its classes again, and the rows were
copied out of SQLite one by one."""
PACK_SIZE = 4096
"""Values a pack holds at most: a build that makes many writes a pack as soon as it has
made this many, not all at its end (which would hold a second copy of them in memory)."""
SMALL_PACKS = 8
"""Packs of fewer than PACK_SIZE // 4 values (an edit's build adds one, of the values it
made) from which they are merged into one."""
_LIBRARIES = (
    "markdown-it-py", "numpy", "scipy", "snowballstemmer", "Jinja2", "PyYAML", "rapidfuzz",
    "pagefind_bin_extended",
)  # fmt: skip
"""Libraries whose behaviour shapes cached values and built files."""
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS entries (
    kind TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (kind, key)
) WITHOUT ROWID""",
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
)

T = TypeVar("T")
V = TypeVar("V")


@functools.cache
def code_version() -> str:
    """A hash of everything that shapes cached values besides their inputs: this
    package's files, Python's version and the libraries' versions."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml", ".json"):
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    for name in _LIBRARIES:
        digest.update(f"{name}=={library_version(name)}\0".encode())
    return digest.hexdigest()


def library_version(name: str, installed: Sequence[str] | None = None) -> str:
    """The installed version of a distribution, or "none". A name found once among
    `installed` (by default the `.dist-info` folders on the path, which pip names
    `<name>-<version>.dist-info`) is read from the folder's name: importing
    importlib.metadata to ask it took a tenth of a build with nothing changed, and 0.01 s
    of an edit. Otherwise (not there, there twice, another kind of install)
    importlib.metadata answers."""
    if installed is None:
        installed = _dist_info_folders()
    wanted = _normalised(name)
    found = [
        version
        for dist, _, version in (
            f.removesuffix(".dist-info").partition("-") for f in installed or ()
        )
        if _normalised(dist) == wanted
    ]
    if len(found) == 1 and found[0] and "-" not in found[0]:
        return found[0]
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "none"


@functools.cache
def _dist_info_folders() -> tuple[str, ...]:
    """The names of the `.dist-info` folders in the folders of sys.path (read once)."""
    found: list[str] = []
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:  # a zip file, a path hook, a missing folder
            continue
        found.extend(n for n in names if n.endswith(".dist-info"))
    return tuple(found)


def _normalised(name: str) -> str:
    """A distribution or folder name as pip compares them (PEP 503: runs of `-_.` are
    one `_` here, case does not matter)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def key_of(*parts: str | bytes) -> str:
    """The cache key of a value made from `parts` by the current code."""
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)  # length-prefixed: unambiguous
    return digest.hexdigest()


class Memory:
    """Values a long-lived process (`briefing serve`) keeps between its builds, so that
    a rebuild finds them without reading or unpickling the cache file: kind -> key ->
    value, replaced after each build by what that build used."""

    def __init__(self) -> None:
        self.values: dict[str, dict[str, Any]] = {}
        self.derived: dict[str, dict[int, tuple[object, Any]]] = {}
        """kind -> id of a value of the last build -> (the value, what was derived from
        it): `BuildCache.derive`."""
        self.scan: Scan | None = None
        """The last build's `freshness.Scan` of its input files: the next one reads
        only the files whose status changed."""
        self.large: dict[str, Any] = {}
        """kind -> the value `BuildCache.keep_large` kept last."""


class BuildCache:
    """Entries by kind and key, read once per kind and written back when the build ends.

    `read=False` (`briefing build --no-cache`) ignores what is stored, so every value is
    made afresh, and still stores the results for the next build. With a `memory`, values
    of the previous build of the same process are looked up there first."""

    def __init__(
        self, folder: Path | None, read: bool = True, memory: Memory | None = None
    ) -> None:
        self.path = folder / CACHE_FILE if folder is not None else None
        self.read = read
        self.memory = memory
        self._kept: dict[str, dict[str, Any]] = {}
        self._stored: dict[str, dict[str, bytes]] = {}
        self._packs: dict[str, _Packs] = {}
        """Packed kind (PACKED_KINDS) -> its stored values and packs (read once)."""
        self._fresh: dict[str, dict[str, Any]] = {}
        """Packed kind -> values to store in a new pack: made by this build and not yet
        written, or held by a pack that goes (`_save_packs`)."""
        self._used: dict[str, set[str]] = {}
        self._made: dict[str, dict[str, bytes]] = {}
        """Values made while the database could not take them at once (kept in memory
        and written by `save`)."""
        self._writer: sqlite3.Connection | None = None
        self._writing = self.path is not None
        self._cleared: set[str] = set()
        self._derived: dict[str, dict[int, tuple[object, Any]]] = {}
        self._file_is_current: bool | None = None
        """Whether the file's entries were written by this code (read once)."""
        self._recalled: dict[str, dict[str, Any]] | None = None
        """kind -> key -> value found or kept since `recall` (None before it)."""
        self.hits = 0
        self.misses = 0

    def recall(self) -> None:
        """From now on, remember each value found or kept, and find it again: a value is
        otherwise taken out of the cache on use (`_look_up`), and a build that assembles
        its site a second time (`build.Speculation`) would make it anew."""
        if self._recalled is None:
            self._recalled = {}

    @classmethod
    def disabled(cls) -> BuildCache:
        """A cache that stores nothing (for callers without a site folder)."""
        return cls(None, read=False)

    def get_or_make(self, kind: str, key: str, make: Callable[[], T]) -> T:
        """The stored value of `kind` under `key`, or `make()`'s, which is then stored."""
        found, value = self.find(kind, key)
        if found:
            return value  # type: ignore[no-any-return]
        made = make()
        self.keep(kind, key, made)
        return made

    def derive_many(
        self, kind: str, values: Sequence[V], make: Callable[[list[V]], list[T]]
    ) -> list[T]:
        """`make(values)`; with a memory, each result is remembered for the very same
        (frozen) value until the next build of the process, which finds it when it still
        has that value (a preview's rebuild keeps the articles that did not change) and
        makes only the others, by one call of `make`."""
        if self.memory is None:
            return make(list(values))
        remembered = self.memory.derived.get(kind, {})
        derived: list[Any] = []
        missing: list[int] = []
        for position, value in enumerate(values):
            known = remembered.get(id(value))
            if known is not None and known[0] is value:
                derived.append(known[1])
            else:
                derived.append(None)
                missing.append(position)
        for position, made in zip(missing, make([values[p] for p in missing]), strict=True):
            derived[position] = made
        own = self._derived.setdefault(kind, {})
        for value, result in zip(values, derived, strict=True):
            # Holding the value keeps its id from being reused while it is remembered.
            own[id(value)] = (value, result)
        return derived

    def get_or_make_many(
        self, kind: str, keys: Sequence[str], make: Callable[[list[int]], list[T]]
    ) -> list[T]:
        """The values under `keys`, in order; those not stored come from one call of
        `make(positions of the missing keys)` (which may compute them in parallel)."""
        found = iter(self.find_many(kind, keys))
        return self._many(kind, keys, make, lambda _, key: next(found))

    def find_many(self, kind: str, keys: Sequence[str]) -> list[tuple[bool, Any]]:
        """`find` of each key, in order, in one loop: a build of 100,000 articles looks
        up 100,000 keys of a kind, and `find`'s calls per key cost a second of it."""
        remembered = self.memory.values.get(kind) if self.memory is not None else None
        if (remembered and self.read) or self._recalled is not None:
            return [self.find(kind, key) for key in keys]
        if kind in PACKED_KINDS:
            return self._find_many_packed(kind, keys)
        stored = self._entries(kind)
        used = self._used.setdefault(kind, set())
        kept = self._kept.setdefault(kind, {}) if self.memory is not None else None
        found: list[tuple[bool, Any]] = []
        for key in keys:
            data = stored.pop(key, None)
            if data is not None:
                try:
                    value = _value_of(kind, data)
                except Exception:  # a damaged entry is a miss, never an error
                    data = None
            if data is None:
                self.misses += 1
                found.append((False, None))
                continue
            self.hits += 1
            used.add(key)
            if kept is not None:
                kept[key] = value
            found.append((True, value))
        return found

    def get_or_make_many_lazily(
        self,
        kind: str,
        keys: Sequence[str],
        make: Callable[[list[int]], list[T]],
        remake: Callable[[int], T],
        keep_made: bool = True,
    ) -> list[T | Lazy]:
        """`get_or_make_many`, but a stored value is unpickled only when first used
        (`Lazy`): for values most builds never read, such as the summaries of topics
        whose pages are taken from the last build (1,449 of them took 0.7 s to unpickle
        at 10,000 articles, for an edit that shows one). `remake(position)` makes a
        value whose stored entry turns out to be damaged. Without `keep_made`, the
        values `make` gives are not kept (the caller keeps them: `make` may give `Lazy`
        values still to be made)."""

        def look(position: int, key: str) -> tuple[bool, Any]:
            return self._find_lazily(kind, key, partial(remake, position))

        return self._many(kind, keys, make, look, keep_made)

    def _many(
        self,
        kind: str,
        keys: Sequence[str],
        make: Callable[[list[int]], list[T]],
        look: Callable[[int, str], tuple[bool, Any]],
        keep_made: bool = True,
    ) -> list[Any]:
        """The values `look(position, key)` finds, the others made by one `make` call."""
        values: list[Any] = []
        missing: list[int] = []
        for position, key in enumerate(keys):
            found, value = look(position, key)
            values.append(value)
            if not found:
                missing.append(position)
        for position, value in zip(missing, make(missing), strict=True):
            if keep_made:
                self.keep(kind, keys[position], value)
            values[position] = value
        return values

    def _find_lazily(self, kind: str, key: str, remake: Callable[[], Any]) -> tuple[bool, Any]:
        """`find`, with a value stored in the file found as a `Lazy` of its pickle."""
        found, value, stored = self._look_up(kind, key)
        if stored is not None:
            return True, self._hit(kind, key, Lazy(stored, remake, kind))
        if not found:
            self.misses += 1
        return found, value

    def find(self, kind: str, key: str) -> tuple[bool, Any]:
        """(True, value) when `key` is in memory or in the file, else (False, None)."""
        found, value, stored = self._look_up(kind, key)
        if found:
            return True, value
        if stored is not None:
            try:
                value = _value_of(kind, stored)
            except Exception:  # a damaged entry is a miss, never an error
                pass
            else:
                return True, self._hit(kind, key, value)
        self.misses += 1
        return False, None

    def _look_up(self, kind: str, key: str) -> tuple[bool, Any, bytes | None]:
        """(True, value, None) for a value in memory, (False, None, its pickle) for one
        in the file, else (False, None, None)."""
        if self._recalled is not None and key in self._recalled.get(kind, {}):
            return True, self._hit(kind, key, self._recalled[kind][key]), None
        remembered = self.memory.values.get(kind, {}) if self.memory is not None else {}
        if remembered and self.read:
            if key in remembered:
                return True, self._hit(kind, key, remembered[key]), None
            # The preview's rebuild after an edit: one value is new, and reading every
            # stored value of its kind to find it cost a second on a large archive.
            # (Entries it replaces stay in the file until a build without memory.) A
            # packed value is not fetched alone: the pack holding it is not known.
            return False, None, None if kind in PACKED_KINDS else self._fetch(kind, key)
        if kind in PACKED_KINDS:
            return (*self._packed_value(kind, key), None)
        # Taken out on use: memory holds each stored value once, and what remains at
        # the end is what this build did not use.
        return False, None, self._entries(kind).pop(key, None)

    def keep(self, kind: str, key: str, value: Any, stored: bytes | None = None) -> None:
        """Store a value made by this build: written at once into the build's open
        transaction (so a large build does not hold every new value's bytes until it
        ends), committed by `save`; a value of a packed kind with others, PACK_SIZE at a
        time. `stored`: the bytes it is stored as, when already made (`Made`)."""
        self._used.setdefault(kind, set()).add(key)
        if kind in PACKED_KINDS:
            fresh = self._fresh.setdefault(kind, {})
            fresh[key] = value
            if len(fresh) >= PACK_SIZE:
                self._write_pack(kind, fresh)
                fresh.clear()
        else:
            data = _stored_form(kind, value) if stored is None else stored
            if not self._write(kind, key, data):
                self._made.setdefault(kind, {})[key] = data
        if self.memory is not None:
            self._kept.setdefault(kind, {})[key] = value
        if self._recalled is not None:
            self._recalled.setdefault(kind, {})[key] = value

    def find_large(self, kind: str) -> Any:
        """The value `keep_large` kept last under `kind` with this code, or None."""
        if self.memory is not None and kind in self.memory.large:
            return self.memory.large[kind]
        if not self.read or self.path is None:
            return None
        try:
            version, value = pickle.loads(self._large_file(kind).read_bytes())
        except Exception:  # missing, damaged or of another layout: none kept
            return None
        return value if version == code_version() else None

    def keep_large(self, kind: str, value: Any) -> None:
        """Keep one value of `kind` in place of the last, in a file of its own beside the
        database: a row of 50 MB (the lead counts of 100,000 articles) took SQLite a
        second to write and another to read. The file is replaced at once, whatever
        becomes of the build: such a value must be right whichever build finds it (what
        it holds is found by the keys it holds)."""
        if self.memory is not None:
            self.memory.large[kind] = value
        if self.path is None:
            return
        target = self._large_file(kind)
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(pickle.dumps((code_version(), value), pickle.HIGHEST_PROTOCOL))
            os.replace(partial, target)
        except OSError:  # a cache that cannot be written only costs the next build time
            partial.unlink(missing_ok=True)

    def _large_file(self, kind: str) -> Path:
        assert self.path is not None
        return self.path.with_name(f"{kind}.pickle")

    def _packed(self, kind: str) -> _Packs:
        """The stored values of a packed kind, read at the first call."""
        if kind not in self._packs:
            rows = self._load(_pack_kind(kind)) if self.read else {}
            self._packs[kind] = _Packs.read(rows)
        return self._packs[kind]

    def _find_many_packed(self, kind: str, keys: Sequence[str]) -> list[tuple[bool, Any]]:
        """`find_many` of a packed kind (`_packed_value` of each key, in one loop: a
        build of 100,000 articles looks up 100,000 keys of each such kind)."""
        values = self._packed(kind).values
        found = [(True, values[key]) if key in values else (False, None) for key in keys]
        hits = [key for key in keys if key in values]
        self.hits += len(hits)
        self.misses += len(keys) - len(hits)
        self._used.setdefault(kind, set()).update(hits)
        if self.memory is not None:
            self._kept.setdefault(kind, {}).update((key, values[key]) for key in hits)
        return found

    def _packed_value(self, kind: str, key: str) -> tuple[bool, Any]:
        """(True, the value) of a packed kind when stored, else (False, None)."""
        values = self._packed(kind).values
        if key in values:  # not taken out: a pack's values are unpickled together
            return True, self._hit(kind, key, values[key])
        return False, None

    def _write_pack(self, kind: str, values: dict[str, Any]) -> None:
        """Store `values` of a packed kind as a new pack (in the build's transaction, or
        by `save` when the database cannot take it now)."""
        name, data = _pack_row(values)
        if not self._write(_pack_kind(kind), name, data):
            self._made.setdefault(_pack_kind(kind), {})[name] = data

    def _write(self, kind: str, key: str, data: bytes) -> bool:
        """Insert one entry in the build's transaction; False when the database cannot
        take it now (another build holds it, or it is damaged): `save` tries again."""
        if not self._writing or self.path is None:
            return False
        try:
            # A short wait: a build must not stall behind another that holds the file.
            writer = self._open_writer(self.path, timeout=0.5)
            if not self.read and kind not in self._cleared:
                writer.execute("DELETE FROM entries WHERE kind = ?", (kind,))
            self._cleared.add(kind)
            writer.execute(
                "INSERT OR REPLACE INTO entries (kind, key, value) VALUES (?, ?, ?)",
                (kind, key, data),
            )
        except (sqlite3.Error, OSError):
            self._abandon_writer()
            return False
        return True

    def _open_writer(self, path: Path, timeout: float) -> sqlite3.Connection:
        """The build's one writing connection, in its transaction (opened once)."""
        if self._writer is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            _create_tables(self._writer)
            self._writer.execute("BEGIN IMMEDIATE")
            if not _written_by_this_code(self._writer):
                # Every key holds the code version, so no build of this code could find
                # those entries. In this build's transaction: a failed build keeps them.
                self._writer.execute("DELETE FROM entries")
                self._writer.execute(
                    "INSERT OR REPLACE INTO meta (name, value) VALUES ('code', ?)",
                    (code_version(),),
                )
        return self._writer

    def close(self) -> None:
        """End without saving (a failed build): what this build wrote is rolled back and
        the database is free for other builds. `save` closes too."""
        self._abandon_writer()

    def _abandon_writer(self) -> None:
        """Close the writer; an open transaction is rolled back. Values written in it
        are then missing from the cache (made again by a later build, never stale); the
        values made after go to `_made`, which `save` writes."""
        self._writing = False
        self._cleared.clear()
        if self._writer is not None:
            with contextlib.suppress(sqlite3.Error):
                self._writer.close()
            self._writer = None

    def _hit(self, kind: str, key: str, value: Any) -> Any:
        self.hits += 1
        self._used.setdefault(kind, set()).add(key)
        if self.memory is not None:
            self._kept.setdefault(kind, {})[key] = value
        if self._recalled is not None:
            self._recalled.setdefault(kind, {})[key] = value
        return value

    def save(self) -> None:
        """Store the new entries and drop those of the kinds used that this build did not
        use, in one transaction; a cache that cannot be written only costs the next build
        its speed."""
        if self.memory is not None:
            self.memory.values = self._kept
            self.memory.derived = self._derived
        if self.path is None or not self._used:
            self._abandon_writer()
            return
        try:
            writer = self._open_writer(self.path, timeout=30)
            for kind in sorted(self._used):
                self._save_kind(writer, kind)
            writer.execute("COMMIT")
        except (sqlite3.Error, OSError):
            pass
        finally:
            self._abandon_writer()

    def _save_kind(self, db: sqlite3.Connection, kind: str) -> None:
        if kind in PACKED_KINDS:
            self._save_packs(db, kind)
            return
        if self.read:
            unused = self._stored.get(kind, {}).keys() - self._used[kind]
            self._stored.pop(kind, None)
            db.executemany(
                "DELETE FROM entries WHERE kind = ? AND key = ?", ((kind, k) for k in unused)
            )
        elif kind not in self._cleared:  # what is stored was never looked at: may be stale
            db.execute("DELETE FROM entries WHERE kind = ?", (kind,))
        db.executemany(
            "INSERT OR REPLACE INTO entries (kind, key, value) VALUES (?, ?, ?)",
            ((kind, key, value) for key, value in sorted(self._made.get(kind, {}).items())),
        )

    def _save_packs(self, db: sqlite3.Connection, kind: str) -> None:
        """Drop the packs `_Packs.to_dissolve` names, and store the values they held
        that this build used, with those it made, in new packs."""
        packs, named = self._packs.get(kind), _pack_kind(kind)
        fresh = self._fresh.pop(kind, {})
        if self.read and packs is not None:  # (a preview's rebuild reads none: memory)
            dissolved = packs.to_dissolve(self._used[kind])
            for key, value in packs.regathered(dissolved, self._used[kind]).items():
                fresh.setdefault(key, value)
            db.executemany(
                "DELETE FROM entries WHERE kind = ? AND key = ?", ((named, n) for n in dissolved)
            )
        elif not self.read and named not in self._cleared:  # never looked at: may be stale
            db.execute("DELETE FROM entries WHERE kind = ?", (named,))
        items = list(fresh.items())
        for start in range(0, len(items), PACK_SIZE):
            name, data = _pack_row(dict(items[start : start + PACK_SIZE]))
            self._made.setdefault(named, {})[name] = data
        db.executemany(
            "INSERT OR REPLACE INTO entries (kind, key, value) VALUES (?, ?, ?)",
            ((named, name, data) for name, data in self._made.pop(named, {}).items()),
        )

    def _entries(self, kind: str) -> dict[str, bytes]:
        if kind not in self._stored:
            self._stored[kind] = self._load(kind) if self.read else {}
        return self._stored[kind]

    def _fetch(self, kind: str, key: str) -> bytes | None:
        """One stored value, or None."""
        if self.path is None or not self.path.is_file():
            return None
        query = "SELECT value FROM entries WHERE kind = ? AND key = ?"
        try:
            if self._writer is not None:  # see _load
                row = self._writer.execute(query, (kind, key)).fetchone()
            else:
                db = _connect(self.path)
                try:
                    if not self._is_current(db):
                        return None
                    row = db.execute(query, (kind, key)).fetchone()
                finally:
                    db.close()
        except sqlite3.Error:
            return None
        return None if row is None else bytes(row[0])

    def _load(self, kind: str) -> dict[str, bytes]:
        if self.path is None or not self.path.is_file():
            return {}
        if self._writer is not None:
            # Through the build's own connection: another one could not read while this
            # build's transaction holds the file (SQLite takes an exclusive lock once a
            # large transaction spills to disk), and would wait for it in vain.
            try:
                query = "SELECT key, value FROM entries WHERE kind = ?"
                return dict(self._writer.execute(query, (kind,)).fetchall())
            except sqlite3.Error:
                return {}
        try:
            db = _connect(self.path)
            try:
                if not self._is_current(db):
                    # A build after an upgrade would otherwise hold every old entry in
                    # memory to the end (0.9 GB more at 100,000 articles) for nothing.
                    return {}
                rows = db.execute("SELECT key, value FROM entries WHERE kind = ?", (kind,))
                return dict(rows.fetchall())
            finally:
                db.close()
        except sqlite3.Error:  # damaged or locked for too long: build without it
            return {}

    def _is_current(self, db: sqlite3.Connection) -> bool:
        """`_written_by_this_code`, asked once per build (a reading connection; the
        writer clears what other code wrote when it opens)."""
        if self._file_is_current is None:
            self._file_is_current = _written_by_this_code(db)
        return self._file_is_current


class Made:
    """A value of a kind kept unpacked (not PACKED_KINDS), made with the bytes it is
    stored as (`keep(kind, key, made.value, made.stored)`). Sent to another process,
    only those bytes go, and the value is unpickled from them there: the process that
    made it also made its stored form, which the receiving one would otherwise make
    after it. A cold build's summaries made by a forked child were pickled to be sent,
    then again to be kept, by the build, on one core, once both were done."""

    __slots__ = ("kind", "stored", "value")

    def __init__(self, kind: str, value: Any, stored: bytes | None = None) -> None:
        self.kind, self.value = kind, value
        self.stored = _stored_form(kind, value) if stored is None else stored

    def __reduce__(self) -> tuple[Callable[[str, bytes], Made], tuple[str, bytes]]:
        return _made_elsewhere, (self.kind, self.stored)


def _made_elsewhere(kind: str, stored: bytes) -> Made:
    """A `Made` sent by another process (see `Made.__reduce__`)."""
    return Made(kind, _value_of(kind, stored), stored)


def _stored_form(kind: str, value: Any) -> bytes:
    """The bytes a value of `kind` is stored as (`_value_of` reads them)."""
    data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return zlib.compress(data, 1) if kind in COMPRESSED_KINDS else data


def _value_of(kind: str, stored: bytes) -> Any:
    """A stored value (raises when its bytes are damaged)."""
    return pickle.loads(zlib.decompress(stored) if kind in COMPRESSED_KINDS else stored)


def _pack_row(values: dict[str, Any]) -> tuple[str, bytes]:
    """A new pack of `values`: its row's key (random: no pack replaces another) and bytes."""
    return os.urandom(8).hex(), pickle.dumps(values, pickle.HIGHEST_PROTOCOL)


def _pack_kind(kind: str) -> str:
    """The kind of the rows that hold the packs of a packed kind."""
    return f"{kind}/packs"


class _Packs:
    """The stored values of a packed kind (PACKED_KINDS), and which pack holds which."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.members: dict[str, list[str]] = {}
        """Pack (its row's key) -> the keys of its values; none for a damaged pack."""

    @classmethod
    def read(cls, rows: dict[str, bytes]) -> _Packs:
        """The packs of `rows` (pack -> its pickle), each row's bytes let go once read:
        the rows of 100,000 articles are 270 MB."""
        packs = cls()
        while rows:
            name, data = rows.popitem()
            try:
                values = pickle.loads(data)
                if not isinstance(values, dict):
                    raise TypeError("a pack is a dict")
            except Exception:  # a damaged pack holds nothing (and goes at the end)
                packs.members[name] = []
                continue
            packs.members[name] = list(values)
            packs.values.update(values)
        return packs

    def to_dissolve(self, used: set[str]) -> list[str]:
        """The packs to drop at the end of a build that used the values `used`: damaged
        ones, those more than a quarter of whose values went unused (the cache holds
        about one build's worth), and every small one when there are more than
        SMALL_PACKS (each edit adds one)."""
        small = [name for name, keys in self.members.items() if len(keys) < PACK_SIZE // 4]
        merged = set(small) if len(small) > SMALL_PACKS else set()
        return [
            name
            for name, keys in self.members.items()
            if not keys or name in merged or 4 * sum(k not in used for k in keys) > len(keys)
        ]

    def regathered(self, dissolved: list[str], used: set[str]) -> dict[str, Any]:
        """The values of the packs `dissolved` that `used` names and no other pack holds."""
        gone = set(dissolved)
        kept = {k for name, keys in self.members.items() if name not in gone for k in keys}
        return {
            key: self.values[key]
            for name in dissolved
            for key in self.members[name]
            if key in used and key not in kept
        }


def _connect(path: Path) -> sqlite3.Connection:
    """A reading connection. (It makes no table the file lacks but `entries`, which a
    file made by another build always has: making one waits for a build that writes.)"""
    db = sqlite3.connect(path, timeout=30)
    db.execute(_SCHEMA[0])
    return db


def _create_tables(db: sqlite3.Connection) -> None:
    for statement in _SCHEMA:
        db.execute(statement)


def _written_by_this_code(db: sqlite3.Connection) -> bool:
    """Whether the entries in `db` were written by this code version."""
    try:
        row = db.execute("SELECT value FROM meta WHERE name = 'code'").fetchone()
    except sqlite3.OperationalError:  # no meta table: written before versions were noted
        return False
    return row is not None and row[0] == code_version()


def as_text(value: Any) -> str:
    """A stable text of a settings value (a frozen dataclass) for use in keys."""
    return repr(value)


class Lazy:
    """A value from the cache, unpickled when it is first used: its attributes (as a
    template or `archive.py` reads them), equality, hash and text are the value's.
    A stored entry that cannot be unpickled is made again by `remake`, as `find` would
    have: a damaged cache never fails a build. Without a stored entry (None), the value
    is what `remake` gives on first use (a value being made elsewhere meanwhile)."""

    __slots__ = ("_kind", "_ready", "_remake", "_stored", "_value")

    def __init__(self, stored: bytes | None, remake: Callable[[], Any], kind: str = "") -> None:
        self._stored: bytes | None = stored
        self._remake: Callable[[], Any] | None = remake
        self._kind = kind
        """The kind `stored` is of (`_value_of` reads it)."""
        self._value: Any = None
        self._ready = False

    def value(self) -> Any:
        """The value, unpickled (or remade) on the first call."""
        if not self._ready:
            if self._stored is None:
                self._value = self._remake()  # type: ignore[misc]
            else:
                try:
                    self._value = _value_of(self._kind, self._stored)
                except Exception:
                    self._value = self._remake()  # type: ignore[misc]
            self._ready, self._stored, self._remake = True, None, None
        return self._value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # own slots, and the hooks pickle and copy probe for
            raise AttributeError(name)
        return getattr(self.value(), name)

    def __eq__(self, other: object) -> bool:
        return bool(self.value() == (other.value() if isinstance(other, Lazy) else other))

    def __hash__(self) -> int:
        return hash(self.value())

    def __repr__(self) -> str:
        return repr(self.value())

    def __getstate__(self) -> Any:
        return self.value()

    def __setstate__(self, state: Any) -> None:
        self._stored, self._remake, self._value, self._ready = None, None, state, True
        self._kind = ""
