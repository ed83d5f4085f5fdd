"""Pagefind bundles merged offline into one, as one Pagefind run over all their pages gives.

A shard's pages are indexed in parts (`search_shards`), each part by its own Pagefind
run, and the parts' bundles merged here into the bundle the browser loads: an edit
re-indexes only the part holding the pages it changed, a fraction of the shard, and the
other parts' bundles come from the index store. The merged bundle holds what one run
over all the pages writes (the same pages, words, positions, filters and chunks), with
the pages numbered in one canonical order (by the hash of each page's fragment, which
Pagefind names it by) instead of the order Pagefind happened to walk the folder in, a
word's forms with diacritics in alphabetical order, and its files compressed a little
less (LEVEL). So it is the same on every file system, and merging the bundles of any
split of the pages gives the same files (tests/test_search_merge.py checks this against
Pagefind's own run over them all).

The format (Pagefind 1.5's `index/mod.rs`, `index_words.rs`; `search_index` has the
rest): a word-index chunk is `[[word, pages, variants], ...]` sorted by word, where
`pages` is `[[page, locs, meta_locs], ...]` with page numbers as differences from the
previous one, and `variants` (forms with diacritics) is `[[form, pages], ...]`.
`locs` are the word's positions in the page, which a merge leaves as they are;
`meta_locs` number the metadata fields among all of the index's (its meta file's last
list), marked by negative numbers, and are renumbered when the parts knew fewer
fields. Words are cut into chunks once a chunk holds CHUNK_SIZE positions and pages.
"""

from __future__ import annotations

import bisect
import itertools
import json
import operator
import os
import shutil
import zlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator.search_index import (
    COUNTS,
    ENTRY,
    SIGNATURE,
    IndexFormatError,
    compress,
    decode,
    encode_cbor,
    encode_entry,
    full_hash,
    short_names,
    sort_counts,
)

DROPPED = -1
"""The number of a page the merge leaves out (`Merge.add`), in a part's renumbering."""
CHUNK_SIZE = 20_000
"""Positions (and pages) a word-index chunk holds before the next one starts
(Pagefind's default `index_chunk_size`)."""
HASH_DIGITS = 7
"""Hex digits of a fragment, word-index or filter file's name after the language."""
LEVEL = 4
"""Gzip level of the files a merge writes. The word index of a 3,791-page shard (100,000
articles, 131 chunks): 6.44 MB at 4 in 0.24 s, against 6.27 MB in 0.56 s at 6 and 6.23
MB in 1.31 s at Pagefind's 9 (at 1, 6.67 MB in 0.15 s): 3 % more bytes a search fetches,
for 0.3 s less in every edit's build at that size."""
META_DIGITS = 8
"""Hex digits of the meta file's name beyond the language's length (Pagefind's rule)."""
LANGUAGE_FILES = ("fragment", "index", "filter")
"""The bundle's folders of per-language files, rewritten by a merge; every other file
(the scripts, styles and WebAssembly) is the same in every bundle and is linked."""


class Unmergeable(IndexFormatError):
    """Bundles that a merge cannot combine: with sort orders (`data-pagefind-sort`, which
    briefing's theme does not use), whose values the bundles do not hold."""


@dataclass
class _Page:
    """A page of a part: its fragment's name and file, and its word count."""

    name: str
    path: Path
    words: int
    full: str = ""
    """The full hash of its fragment, read only when another page's name begins alike."""


class _Pages:
    """The pages of a word, or of one of its forms, in the merged bundle: those of one
    part whose pages keep their order in the merge, as read (`read`, renumbered by
    `new`), and the others' as (number, positions, metadata positions), numbered as in
    the merged bundle (`numbered`).

    The part kept as read is an edit's base: the last merge, less the pages the edit
    changed. Most of its lists are written as they are, or with a page number or two
    changed around a page left out or put in (`_packed_in_order`). Taking each of its
    pages apart and putting it back took 0.9 s of CPU in the 2.2 s merge of an edited
    shard at 100,000 articles."""

    __slots__ = ("new", "numbered", "read")

    def __init__(self) -> None:
        self.read: list[Any] | None = None
        self.new: list[int] = []
        self.numbered: list[tuple[int, list[int], list[int]]] = []

    def add_in_order(self, pages: list[Any], new: list[int]) -> None:
        """Add the pages as read (`[[difference, positions, metadata positions], ...]`)
        of a part whose pages keep their order in the merge and whose metadata fields
        are numbered as in it, renumbered by `new`."""
        if self.read is None:
            self.read, self.new = pages, new
        else:
            self.numbered.extend(_absolute(pages, new))

    def packed(self) -> list[list[Any]]:
        """The pages as the word index lists them (see `_packed`); [] when the merge
        leaves out every one of them."""
        if self.read is None:
            return _packed(self.numbered)
        if len(self.numbered) <= IN_ORDER_INSERTS:
            return _packed_in_order(self.read, self.new, self.numbered)
        self.numbered.extend(_absolute(self.read, self.new))
        self.read = None
        return _packed(self.numbered)


IN_ORDER_INSERTS = 64
"""Most pages of other parts put one by one into a word's list kept as read; with more
(a cold build's parts, where a small part may happen to be in order), the lists are
taken apart and sorted."""


@dataclass
class _Word:
    """A word's pages, and each of its forms' pages."""

    pages: _Pages = field(default_factory=_Pages)
    variants: dict[str, _Pages] = field(default_factory=dict)


@dataclass(frozen=True)
class _Part:
    """One bundle as read: its language's meta file, word index and filters, decoded,
    and its files."""

    files: Mapping[str, Path]
    entry: dict[str, Any]
    language: str
    meta: list[Any]
    chunks: list[list[Any]]
    """The word-index chunks, each `[[word, pages, variants], ...]`."""
    filters: list[Any]
    """The filters, each `[filter, [[value, [page, ...]], ...]]`."""
    dropped: frozenset[Path] = frozenset()
    """The fragment files of its pages that the merge leaves out (`Merge.add`)."""


def merge(parts: Sequence[Mapping[str, Path]], target: Path) -> dict[str, Path]:
    """Write into the new folder `target` the bundle that indexes the pages of all the
    bundles `parts` (each its files: path inside the bundle -> where the file is; each
    of one language, the same for all, and of the same Pagefind), with its files linked
    from theirs where they are the same. Raises IndexFormatError if a bundle is not in
    the form this module knows. Returns the files linked (`Merge.write`)."""
    merging = Merge()
    for files in parts:
        merging.add(files)
    return merging.write(target)


class Merge:
    """A merge that reads its bundles one by one (`add`: an edit's build reads the kept
    parts of a shard while Pagefind makes the edited one), then writes (`write`)."""

    def __init__(self) -> None:
        self.parts: list[_Part] = []

    def add(self, files: Mapping[str, Path], dropped: Collection[Path] = ()) -> None:
        """Read the bundle of these files (see `merge`), leaving out of the merge its
        pages whose fragment files are `dropped`: the merge then writes what one run
        over the other pages writes. An edit's build takes its shard's last bundle
        without the pages it changed, and Pagefind indexes only those pages anew."""
        with _format_errors():
            part = _read_part(files)
            if dropped:
                part = replace(part, dropped=frozenset(dropped))
            self.parts.append(part)

    def write(self, target: Path) -> dict[str, Path]:
        """Write the merged bundle into the new folder `target` (see `merge`); the files
        linked from the bundles' (path inside it -> the file linked)."""
        with _format_errors():
            return _merge(self.parts, target)


@contextmanager
def _format_errors() -> Iterator[None]:
    """Any error of decoding a bundle raised as IndexFormatError."""
    try:
        yield
    except (zlib.error, LookupError, TypeError, ValueError) as exc:
        if isinstance(exc, IndexFormatError):
            raise
        raise IndexFormatError(f"{type(exc).__name__}: {exc}") from exc


def files_in(folder: Path) -> dict[str, Path]:
    """The files of the bundle in `folder`, as `merge` takes them."""
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}


def _read_part(files: Mapping[str, Path]) -> _Part:
    entry = json.loads(files[ENTRY].read_bytes())
    languages = entry["languages"]
    if len(languages) != 1:
        raise IndexFormatError(f"{len(languages)} languages in one bundle")
    language, about = next(iter(languages.items()))
    meta = decode(files[f"pagefind.{about['hash']}.pf_meta"].read_bytes())
    if len(meta) != 6:
        raise IndexFormatError(f"a meta file of {len(meta)} parts")
    if meta[4]:
        raise Unmergeable("pages with sort orders (data-pagefind-sort)")
    chunks = [decode(files[f"index/{name}.pf_index"].read_bytes())[0] for _, _, name in meta[2]]
    filters = [decode(files[f"filter/{name}.pf_filter"].read_bytes()) for _, name in meta[3]]
    return _Part(files, entry, language, meta, chunks, filters)


def _merge(parts: list[_Part], target: Path) -> dict[str, Path]:
    first = parts[0]
    for part in parts[1:]:  # the entries name Pagefind's version and options
        if (part.language, part.meta[0], _options(part)) != (
            first.language,
            first.meta[0],
            _options(first),
        ):
            raise IndexFormatError("bundles of another language or Pagefind version")
    language = first.language
    pages = [_pages_of(part) for part in parts]
    kept = [
        [page for page in found if page.path not in part.dropped]
        for part, found in zip(parts, pages, strict=True)
    ]
    order = _canonical_order([page for found in kept for page in found], language)
    number = {id(page): n for n, page in enumerate(order)}
    renumbered = [[number.get(id(page), DROPPED) for page in found] for found in pages]
    fields = _fields(parts, pages)
    words: dict[str, _Word] = {}
    filters: dict[str, dict[str, list[int]]] = {}
    for part, new in zip(parts, renumbered, strict=True):
        field_of = [fields.index(name) if name in fields else DROPPED for name in part.meta[5]]
        _add_words(words, part, new, field_of)
        _add_filters(filters, part, new)

    target.mkdir(parents=True)
    for folder in LANGUAGE_FILES:
        (target / folder).mkdir()
    names = short_names([page.full for page in order], len(language) + 1 + HASH_DIGITS)
    linked = {
        f"fragment/{name}.pf_fragment": page.path for page, name in zip(order, names, strict=True)
    }
    linked.update((name, path) for name, path in first.files.items() if not _language_file(name))
    for name, path in linked.items():
        _link(path, target / name)
    chunks = _write_words(target, words, language)
    filter_list, counts = _write_filters(target, filters, language)
    meta = [
        first.meta[0],
        [[name, page.words] for page, name in zip(order, names, strict=True)],
        chunks,
        filter_list,
        [],
        fields,
    ]
    data = SIGNATURE + encode_cbor(meta)
    meta_name = f"{language}_{full_hash(data[len(SIGNATURE) :])[: len(language) + META_DIGITS]}"
    _put(target / f"pagefind.{meta_name}.pf_meta", compress(data, LEVEL))
    entry = dict(first.entry)
    about = dict(first.entry["languages"][language])
    about.update(hash=meta_name, page_count=len(order))
    entry["languages"] = {language: about}
    (target / COUNTS).write_bytes(encode_entry(sort_counts(counts)))
    (target / ENTRY).write_bytes(encode_entry(entry))  # last: the bundle is complete
    return linked


def _options(part: _Part) -> dict[str, Any]:
    """What a bundle's entry says besides its language's files."""
    return {key: value for key, value in part.entry.items() if key != "languages"}


def _pages_of(part: _Part) -> list[_Page]:
    files = part.files
    return [
        _Page(name, files[f"fragment/{name}.pf_fragment"], words) for name, words in part.meta[1]
    ]


def _canonical_order(pages: list[_Page], language: str) -> list[_Page]:
    """The pages sorted by the full hash of their fragments. A page's name is a prefix
    of that hash (the shortest unique among its bundle's); only pages whose names begin
    alike need their fragments read."""
    prefix = len(language) + 1 + HASH_DIGITS
    alike: dict[str, list[_Page]] = {}
    for page in pages:
        alike.setdefault(page.name[:prefix], []).append(page)
    for group in alike.values():
        if len(group) == 1:
            group[0].full = group[0].name
            continue
        for page in group:
            data = zlib.decompress(page.path.read_bytes(), wbits=31)
            if not data.startswith(SIGNATURE):
                raise IndexFormatError(f"no signature in {page.path.name}")
            page.full = f"{language}_{full_hash(data[len(SIGNATURE) :])}"
            if not page.full.startswith(page.name):
                raise IndexFormatError(f"{page.path.name} is not named by its content")
    ordered = sorted(pages, key=lambda page: page.full)
    for earlier, later in itertools.pairwise(ordered):
        if earlier.full == later.full:
            raise IndexFormatError(f"two pages with the fragment {earlier.name}")
    return ordered


def _absolute(
    pages: list[Any], new: list[int], drops: bool = True
) -> list[tuple[int, list[int], list[int]]]:
    """A word's pages with their numbers made absolute and then renumbered by `new`,
    without the pages left out (DROPPED; `drops` false: `new` leaves out none)."""
    numbers = map(new.__getitem__, itertools.accumulate(map(_number, pages)))
    if not drops:  # every page kept (a cold build's parts): zipped without a loop of ours
        return list(zip(numbers, map(_LOCS, pages), map(_META, pages), strict=True))
    return [
        (number, page[1], page[2])
        for number, page in zip(numbers, pages, strict=True)
        if number != DROPPED
    ]


def _packed_in_order(
    pages: list[Any], new: list[int], others: list[tuple[int, list[int], list[int]]]
) -> list[list[Any]]:
    """`_packed` of the pages of a part that keep their order in the merge, as read and
    renumbered by `new`, with the pages of other parts (`others`, few) put in their
    places: only the pages whose difference from the page before changed are made anew,
    the others are written as they were read."""
    numbers = list(map(new.__getitem__, itertools.accumulate(map(_number, pages))))
    entries = pages
    if DROPPED in numbers:
        kept = list(map(operator.ne, numbers, itertools.repeat(DROPPED)))
        numbers = list(itertools.compress(numbers, kept))
        entries = list(itertools.compress(pages, kept))
    if others:
        entries = list(pages) if entries is pages else entries
        for number, locs, meta in others:
            at = bisect.bisect_left(numbers, number)
            numbers.insert(at, number)
            entries.insert(at, [None, locs, meta])  # its difference is set below
    differences = list(map(operator.sub, numbers, itertools.chain((0,), numbers)))
    written = list(map(_number, entries))
    if differences == written:
        return entries
    packed = list(entries) if entries is pages else entries
    for at in itertools.compress(itertools.count(), map(operator.ne, differences, written)):
        packed[at] = [differences[at], packed[at][1], packed[at][2]]
    return packed


def _renumber_fields(
    pages: list[tuple[int, list[int], list[int]]], field_of: list[int]
) -> list[tuple[int, list[int], list[int]]]:
    """Metadata positions with the part's field numbers made the merged index's."""
    return [
        (page, locs, [-field_of[-m - 1] - 1 if m < 0 else m for m in meta])
        for page, locs, meta in pages
    ]


def _add_words(words: dict[str, _Word], part: _Part, new: list[int], field_of: list[int]) -> None:
    """Add the part's words and their forms, each with its pages (those the merge leaves
    out are taken out as it writes them: `_write_words`)."""
    same_fields = field_of == list(range(len(field_of)))
    kept = [number for number in new if number != DROPPED]
    if same_fields and all(map(operator.lt, kept, itertools.islice(kept, 1, None))):
        for held, pages in _lists(words, part):
            held.add_in_order(pages, new)
        return
    drops = len(kept) < len(new)
    for held, pages in _lists(words, part):
        here = _absolute(pages, new, drops)
        held.numbered.extend(here if same_fields else _renumber_fields(here, field_of))


def _lists(words: dict[str, _Word], part: _Part) -> Iterator[tuple[_Pages, list[Any]]]:
    """Each page list of the part's words and their forms, as read, with the `_Pages` of
    the merge that it joins (made when the merge has none yet)."""
    for chunk in part.chunks:
        for word, pages, variants in chunk:
            found = words.get(word)
            if found is None:
                found = words[word] = _Word()
            yield found.pages, pages
            for form, forms_pages in variants:
                forms = found.variants.get(form)
                if forms is None:
                    forms = found.variants[form] = _Pages()
                yield forms, forms_pages


def _add_filters(filters: dict[str, dict[str, list[int]]], part: _Part, new: list[int]) -> None:
    """Add the part's filter values, each with the pages the merge keeps (Pagefind lists
    only values that some page has, and only filters that have values)."""
    for filter_name, values in part.filters:
        for value, pages in values:
            kept = [new[page] for page in pages if new[page] != DROPPED]
            if kept:
                filters.setdefault(filter_name, {}).setdefault(value, []).extend(kept)


def _fields(parts: list[_Part], pages: list[list[_Page]]) -> list[str]:
    """The metadata fields of the merged index: every field that a page it holds has
    (Pagefind's list, sorted). A part's own list is right unless it leaves pages out:
    a field only those pages had is gone. Only the fragments of the pages left out are
    read, and the others' only while such a field is in doubt."""
    fields = {name for part in parts if not part.dropped for name in part.meta[5]}
    for part, found in zip(parts, pages, strict=True):
        doubtful = set(part.meta[5]) - fields
        if not part.dropped or not doubtful:
            fields |= doubtful
            continue
        left_out = set().union(*(_page_fields(p) for p in found if p.path in part.dropped))
        fields |= doubtful - left_out  # then a page the merge keeps has it
        doubtful &= left_out
        for page in found:
            if not doubtful:
                break
            if page.path not in part.dropped:
                held = doubtful & _page_fields(page)
                fields |= held
                doubtful -= held
    return sorted(fields)


def _page_fields(page: _Page) -> set[str]:
    """The metadata fields a page has (its fragment's `meta`)."""
    data = zlib.decompress(page.path.read_bytes(), wbits=31)
    if not data.startswith(SIGNATURE):
        raise IndexFormatError(f"no signature in {page.path.name}")
    meta = json.loads(data[len(SIGNATURE) :])["meta"]
    if not isinstance(meta, dict):
        raise IndexFormatError(f"no metadata in {page.path.name}")
    return set(meta)


def _packed(pages: list[tuple[int, list[int], list[int]]]) -> list[list[Any]]:
    """Pages sorted by number (each once in a word's list), each numbered by the
    difference from the one before: `[number, positions, metadata positions]` (lists,
    which `encode_cbor` takes)."""
    pages.sort(key=_number)  # by an int: list.sort's fast path, not tuple comparisons
    numbers = list(map(_number, pages))
    deltas = map(operator.sub, numbers, itertools.chain((0,), numbers))
    return list(map(list, zip(deltas, map(_LOCS, pages), map(_META, pages), strict=True)))


_number, _LOCS, _META = operator.itemgetter(0), operator.itemgetter(1), operator.itemgetter(2)


def _variants(word: _Word) -> list[list[Any]]:
    """The word's forms with diacritics that some page the merge keeps has, in the order
    of the forms. (Pagefind lists them as its pages first have them, which depends on
    its page numbers; the browser looks each form up by its text.)"""
    if not word.variants:  # most words
        return []
    found = ((form, pages.packed()) for form, pages in sorted(word.variants.items()))
    return [[form, packed] for form, packed in found if packed]


def _chunk_size(word: list[Any]) -> int:
    """What a word adds to its chunk as Pagefind counts it: each page's positions and
    metadata positions, plus one, and one a form."""
    _, pages, variants = word
    every = [*pages, *(page for _, forms_pages in variants for page in forms_pages)]
    positions = sum(map(len, map(_LOCS, every))) + sum(map(len, map(_META, every)))
    return positions + len(every) + len(variants)


def _write_words(target: Path, words: dict[str, _Word], language: str) -> list[list[str]]:
    """Write the word index in chunks as Pagefind cuts it; the meta file's chunk list."""
    chunks: list[list[list[Any]]] = []
    chunk: list[list[Any]] = []
    size = 0
    for word in sorted(words):
        entry = [word, words[word].pages.packed(), _variants(words[word])]
        if not entry[1] and not entry[2]:  # only pages the merge leaves out had it
            continue
        size += _chunk_size(entry)
        chunk.append(entry)
        if size >= CHUNK_SIZE:
            chunks.append(chunk)
            chunk, size = [], 0
    if chunk:
        chunks.append(chunk)
    bounds = [[chunk[0][0], chunk[-1][0]] for chunk in chunks]
    for before, after in itertools.pairwise(bounds):
        to, start = _prefixes(before[1], after[0])
        if to >= before[0]:
            before[1] = to
        after[0] = start
    # Compressed in a thread as they are encoded: zlib lets other threads run (at
    # 100,000 articles, 0.24 s of an edited shard's 1.8 s merge).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="compress") as pool:
        bodies, packed = [], []
        for chunk in chunks:
            bodies.append(encode_cbor([chunk]))
            packed.append(pool.submit(compress, SIGNATURE + bodies[-1], LEVEL))
        names = short_names([f"{language}_{full_hash(body)}" for body in bodies], len(language) + 8)
        for name, data in zip(names, packed, strict=True):
            _put(target / "index" / f"{name}.pf_index", data.result())
    return [[start, end, name] for (start, end), name in zip(bounds, names, strict=True)]


def _prefixes(before: str, after: str) -> tuple[str, str]:
    """The shortest prefixes that tell the last word of a chunk from the first of the
    next (Pagefind's `get_prefixes`)."""
    common = 0
    for a, b in zip(after, before, strict=False):
        if a != b:
            break
        common += 1
    return before[: common + 1], after[: common + 1]


def _write_filters(
    target: Path, filters: dict[str, dict[str, list[int]]], language: str
) -> tuple[list[list[str]], dict[str, dict[str, int]]]:
    """Write the filter files, values and pages sorted; the meta file's filter list and
    the pages counted per value (`search_index.COUNTS`)."""
    bodies = []
    counts: dict[str, dict[str, int]] = {}
    for name in sorted(filters):
        values = sorted((value, sorted(pages)) for value, pages in filters[name].items())
        counts[name] = {value: len(pages) for value, pages in values}
        bodies.append((name, encode_cbor([name, [list(entry) for entry in values]])))
    names = short_names(
        [f"{language}_{full_hash(body)}" for _, body in bodies], len(language) + 1 + HASH_DIGITS
    )
    for (_, body), file_name in zip(bodies, names, strict=True):
        _put(target / "filter" / f"{file_name}.pf_filter", compress(SIGNATURE + body, LEVEL))
    return [[name, file_name] for (name, _), file_name in zip(bodies, names, strict=True)], counts


def _language_file(name: str) -> bool:
    """Whether a merge writes the file at `name` in the bundle anew."""
    folder = name.split("/")[0]
    return name in (ENTRY, COUNTS) or name.endswith(".pf_meta") or folder in LANGUAGE_FILES


def _put(path: Path, data: bytes) -> None:
    """Write a new file; its folder made first if a file name held a slash (Pagefind
    names files after the site's language, which site.yaml sets)."""
    try:
        path.write_bytes(data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _link(source: Path, target: Path) -> None:
    """A hard link (no file of a bundle is changed in place), else a copy."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        if target.parent.is_dir():
            raise  # the source is missing
        target.parent.mkdir(parents=True)
        _link(source, target)
    except OSError:
        shutil.copyfile(source, target)
