"""Pagefind's index in one canonical form: the same pages give the same files, byte for byte.

Pagefind 1.5 writes its word index and page fragments in a stable order, but not its
filter indexes (upstream issue #638): each `filter/<hash>.pf_filter` lists the values of
one filter in the order of a randomly seeded hash map, and the `pf_meta` file lists the
filters in another such order. Since every file is named after a hash of its content,
the filter files, the meta file and `pagefind-entry.json` (which names the meta file)
change from run to run. This module sorts both lists, as later Pagefind sources do, and
renames what changed the way Pagefind names files, so the browser finds them as before.

The formats (Pagefind's `index_metadata.rs`, `index_filter.rs`, `output/mod.rs`): each
index file is gzip of `pagefind_dcd` followed by CBOR. A filter file is
`[filter, [[value, [page, ...]], ...]]`; the meta file is `[version, pages,
index_chunks, filters, sorts, meta_fields]` with `filters` a list of `[filter, hash]`.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import libipld

SIGNATURE = b"pagefind_dcd"
"""What every decompressed index file starts with (Pagefind checks it before decoding)."""
GZIP_HEADER = bytes.fromhex("1f8b08000000000002ff")
"""The gzip header Pagefind writes: no name, no time, best compression, unknown system."""
ENTRY = "pagefind-entry.json"
"""The file the browser reads first: it names each language's meta file."""
META_FILTERS = 3
"""Position of the filter list in the meta file's CBOR array."""
COUNTS = "filter-counts.json"
"""Our file in the bundle: filter -> value -> pages, as Pagefind's `filters()` counts
them. The search page sums the shards' counts from the manifest instead of fetching
every shard's filter files before the first search."""
FILTER_HASH_LENGTH = 7
"""Hex digits in a filter file's name after the language prefix (as Pagefind names them)."""


@dataclass(frozen=True)
class FilterFile:
    """One filter's index, sorted, with the content hash its file is named by."""

    filter: str
    """The filter's name, e.g. `outlet`."""
    data: bytes
    """The uncompressed file: signature and CBOR."""
    digest: str
    """`full_hash` of the CBOR part; the file name is a prefix of it."""


class IndexFormatError(ValueError):
    """The index is not in the form described above (another Pagefind version)."""


def canonicalise(bundle: Path) -> None:
    """Rewrite the unstable files of the Pagefind index in `bundle` in sorted order, and
    write COUNTS beside them.

    Files whose content does not change keep their names; the others are renamed after
    their new content, and the meta file and `pagefind-entry.json` name the new ones.
    Raises IndexFormatError if a file is not in the form this module knows.
    """
    try:
        _canonicalise(bundle)
    except (zlib.error, LookupError, TypeError, ValueError) as exc:
        raise IndexFormatError(f"{type(exc).__name__}: {exc}") from exc


def _canonicalise(bundle: Path) -> None:
    entry_path = bundle / ENTRY
    entry = json.loads(entry_path.read_bytes())
    counts: dict[str, dict[str, int]] = {}
    for language in entry["languages"].values():
        language["hash"] = _canonical_language(bundle, language["hash"], counts)
    _replace(entry_path, encode_entry(entry))
    _replace(bundle / COUNTS, encode_entry(sort_counts(counts)))


def sort_counts(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Filter counts with filters and values in sorted order."""
    return {name: dict(sorted(values.items())) for name, values in sorted(counts.items())}


def _canonical_language(bundle: Path, meta_hash: str, counts: dict[str, dict[str, int]]) -> str:
    """Sort one language's filter files and meta file; the meta file's new hash. Adds
    the language's pages per filter value to `counts`."""
    language = meta_hash.rpartition("_")[0]
    meta_path = bundle / f"pagefind.{meta_hash}.pf_meta"
    meta = decode(meta_path.read_bytes())
    old_names = {name: hash_ for name, hash_ in meta[META_FILTERS]}
    files = [_sorted_filter(bundle, old_names[name], counts) for name in sorted(old_names)]
    shorts = short_names([f.digest for f in files], FILTER_HASH_LENGTH)
    new_names = [f"{language}_{short}" for short in shorts]
    for hash_ in old_names.values():
        (bundle / "filter" / f"{hash_}.pf_filter").unlink()
    for file, new_name in zip(files, new_names, strict=True):
        _write(bundle / "filter" / f"{new_name}.pf_filter", file.data)
    meta[META_FILTERS] = [[f.filter, n] for f, n in zip(files, new_names, strict=True)]
    data = SIGNATURE + encode_cbor(meta)
    new_hash = f"{language}_{full_hash(data[len(SIGNATURE) :])[: len(language) + 8]}"
    meta_path.unlink()
    _write(bundle / f"pagefind.{new_hash}.pf_meta", data)
    return new_hash


def _sorted_filter(bundle: Path, hash_: str, counts: dict[str, dict[str, int]]) -> FilterFile:
    """A filter file with its values in sorted order, and each value's pages (they are in
    Pagefind 1.5, which merges pages in order; sorting keeps that true)."""
    name, values = decode((bundle / "filter" / f"{hash_}.pf_filter").read_bytes())
    found = counts.setdefault(name, {})
    for value, pages in values:
        found[value] = found.get(value, 0) + len(pages)  # as Pagefind counts them
    body = encode_cbor([name, sorted([value, sorted(pages)] for value, pages in values)])
    return FilterFile(filter=name, data=SIGNATURE + body, digest=full_hash(body))


def short_names(digests: list[str], length: int) -> list[str]:
    """The shortest prefixes (at least `length` digits) that tell the digests apart,
    assigned in order, as Pagefind lengthens a name that collides with an earlier one."""
    names: list[str] = []
    taken: set[str] = set()  # a shard's thousands of fragments: no list scan for each
    for digest in digests:
        size = length
        while digest[:size] in taken and size < len(digest):
            size += 1
        taken.add(digest[:size])
        names.append(digest[:size])
    return names


def full_hash(data: bytes) -> str:
    """Pagefind's content hash: SHA-1, each byte in hex without its leading zero."""
    return "".join(f"{byte:x}" for byte in hashlib.sha1(data).digest())


def decode(compressed: bytes) -> Any:
    """The CBOR value in a Pagefind index file."""
    data = zlib.decompress(compressed, wbits=31)
    if not data.startswith(SIGNATURE):
        raise IndexFormatError("no pagefind_dcd signature")
    return libipld.decode_dag_cbor(data[len(SIGNATURE) :])


def encode_cbor(value: Any) -> bytes:
    """CBOR as Pagefind writes it: definite lengths, each integer in its shortest form.
    Lists, texts and integers only, not tuples: libipld's DAG-CBOR, a subset of CBOR
    that Pagefind's index files keep to (the 255 index files of two 1,000-article
    indexes decoded and encoded back to the same bytes). libipld, not cbor2: the index
    files of a cold build of 1,000 articles encoded in a fifth of the time, decoded in
    half."""
    return libipld.encode_dag_cbor(value)


def compress(data: bytes, level: int = 9) -> bytes:
    """Gzip with a fixed header (no time, no name): the same data, the same bytes.
    At a `level` below 9 the header says so (no "best compression" flag)."""
    deflate = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = deflate.compress(data) + deflate.flush()
    header = GZIP_HEADER if level == 9 else GZIP_HEADER[:8] + b"\x00" + GZIP_HEADER[9:]
    return header + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def encode_entry(entry: Any) -> bytes:
    """`pagefind-entry.json` as Pagefind's serde_json writes it: compact, UTF-8."""
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()


def _write(path: Path, data: bytes) -> None:
    _replace(path, compress(data))


def _replace(path: Path, data: bytes) -> None:
    """Write a new file under `path`, never into the one there: index files may be hard
    links to the build cache or to the previous site."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)
