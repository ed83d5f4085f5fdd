"""Encodings: BOM, declared charset (latin-1 labels read as cp1252), UTF-8, cp1252, detector."""

from __future__ import annotations

import pytest

from generator.importer.decode import DecodeError, declared_charset, decode

TEXT = "“Café naïve” – 25 €"

CASES = [
    ("utf-8 with BOM", b"\xef\xbb\xbf" + TEXT.encode("utf-8"), None, "utf-8"),
    ("utf-16 with BOM", TEXT.encode("utf-16"), None, "utf-16-le"),
    ("utf-16-be with BOM", b"\xfe\xff" + TEXT.encode("utf-16-be"), None, "utf-16-be"),
    ("plain utf-8", TEXT.encode("utf-8"), None, "utf-8"),
    ("cp1252 smart quotes", TEXT.encode("cp1252"), None, "cp1252"),
    ("latin-1 label on cp1252 bytes", TEXT.encode("cp1252"), "iso-8859-1", "cp1252"),
    ("latin-1 label on utf-8 bytes", TEXT.encode("utf-8"), "latin-1", "utf-8"),
    ("utf-8 label on cp1252 bytes", TEXT.encode("cp1252"), "utf-8", "cp1252"),
    ("unknown label", TEXT.encode("utf-8"), "x-no-such-charset", "utf-8"),
]


@pytest.mark.parametrize(
    ("data", "declared", "encoding"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_decodes_to_the_same_text(data: bytes, declared: str | None, encoding: str) -> None:
    decoded = decode(data, declared)
    assert decoded.text == TEXT
    assert decoded.encoding.replace("_", "-") == encoding


def test_newlines_are_normalised() -> None:
    assert decode(b"a\r\nb\rc\nd").text == "a\nb\nc\nd"


def test_bom_is_stripped_so_a_heading_stays_a_heading() -> None:
    assert decode(b"\xef\xbb\xbf# Title").text == "# Title"


@pytest.mark.parametrize(
    "data",
    [b"\xef\xbb\xbfabc\xff\xfe\xfd", bytes(range(1, 32)) * 40],
    ids=["broken utf-8 after a BOM", "control characters"],
)
def test_not_text(data: bytes) -> None:
    with pytest.raises(DecodeError):
        decode(data)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<meta charset="utf-8">', "utf-8"),
        (b"<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'>", "cp1252"),
        (b'<?xml version="1.0" encoding="windows-1252"?>', "windows-1252"),
        (b"<meta charset=US-ASCII>", "cp1252"),
        (b"<p>no declaration</p>", None),
    ],
)
def test_declared_charset(head: bytes, expected: str | None) -> None:
    assert declared_charset(b"<html><head>" + head + b"</head>") == expected
