"""Bytes -> text: which encoding a saved or pasted page is really in.

The order is the one that survives real files (browsers do much the same):

1. a byte-order mark (UTF-8, UTF-16, UTF-32) wins, and is stripped;
2. a declared charset (`<meta charset>`, `<?xml encoding?>`), with `iso-8859-1`, `latin-1`
   and `ascii` read as cp1252 as every browser does. A single-byte label on bytes that are
   valid multi-byte UTF-8 is a mislabel: UTF-8 is taken, since cp1252 text almost never
   happens to be valid UTF-8;
3. strict UTF-8;
4. cp1252 (smart quotes from Windows editors);
5. a statistical detector (charset-normalizer) last: it guesses wrongly on short texts.

Newlines are normalised (`\\r\\n`, `\\r` -> `\\n`). Text with control characters left over
is not text: it is refused rather than imported as garbage.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""",
    re.IGNORECASE,
)
# What browsers actually use for these labels (WHATWG Encoding Standard).
_AS_CP1252 = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii"})
_SINGLE_BYTE = frozenset({"cp1252", "windows-1252"}) | _AS_CP1252
# C0 controls other than tab, newline, form feed; DEL; C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\x80-\x9f]")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text read from bytes, and how."""

    text: str
    """Newlines normalised to `\\n`, no byte-order mark."""
    encoding: str
    """The codec that was used, e.g. `utf-8`, `cp1252`."""


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can trust."""


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB (`<meta charset>`, XML declaration)."""
    match = _DECLARED.search(data[:4096])
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    return "cp1252" if label in _AS_CP1252 else label


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode bytes by the order in the module docstring; raises DecodeError."""
    for attempt in (_by_bom, _by_declaration, _by_utf8, _by_cp1252, _by_detector):
        found = attempt(data, declared)
        if found is not None:
            return _checked(found)
    raise DecodeError("not text in any known encoding")


def _by_bom(data: bytes, declared: str | None) -> Decoded | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(codec), codec)
            except UnicodeDecodeError:
                message = f"starts with a {codec} byte-order mark but is not {codec}"
                raise DecodeError(message) from None
    return None


def _by_declaration(data: bytes, declared: str | None) -> Decoded | None:
    if declared is None:
        return None
    label = "cp1252" if declared.lower() in _AS_CP1252 else declared.lower()
    try:
        codecs.lookup(label)
    except LookupError:
        return None
    if label in _SINGLE_BYTE and _is_multibyte_utf8(data):
        return Decoded(data.decode("utf-8"), "utf-8")
    try:
        return Decoded(data.decode(label), codecs.lookup(label).name)
    except UnicodeDecodeError:
        return None


def _is_multibyte_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not data.isascii()


def _by_utf8(data: bytes, declared: str | None) -> Decoded | None:
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return None


def _by_cp1252(data: bytes, declared: str | None) -> Decoded | None:
    try:
        return Decoded(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError:
        return None  # cp1252 leaves five bytes undefined


def _by_detector(data: bytes, declared: str | None) -> Decoded | None:
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        return None
    return Decoded(str(best), best.encoding)


def _checked(found: Decoded) -> Decoded:
    text = found.text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) // 1000):
        raise DecodeError(f"not text: {controls} control characters after decoding")
    return Decoded(_CONTROL.sub("", text), found.encoding)
