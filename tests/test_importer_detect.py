"""Kind of input by content: binary formats, HTML, Markdown with front matter, pasted text."""

from __future__ import annotations

import pytest

from generator.importer.detect import Kind, binary_kind, kind_of


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.4 ...", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n...", "a PNG image"),
        (b"PK\x03\x04...", "a ZIP archive (or a Word/OpenDocument file)"),
        (b"text with a \x00 inside", "a binary file"),
        ("plain text".encode("utf-16"), None),
        (b"<html></html>", None),
    ],
)
def test_binary_kind(data: bytes, expected: str | None) -> None:
    assert binary_kind(data) == expected


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", "page.txt", Kind.HTML),
        ("<!-- saved from url=(0042) -->\n<html lang=en>", "page", Kind.HTML),
        (
            '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">',
            "x.xhtml",
            Kind.HTML,
        ),
        ("<p>One</p><p>Two</p>", "fragment.htm", Kind.HTML),
        ("<p>One</p><p>Two</p>", "notes.txt", Kind.TEXT),
        ("---\ntitle: A story\n---\n\nBody.", "story.txt", Kind.MARKDOWN),
        ("---\ntitle: [broken\n---\n\nBody.", "story.md", Kind.MARKDOWN),
        ("---\n\nA pasted page that starts with a rule.\n", "paste.md", Kind.TEXT),
        ("Headline\n\nBy A Writer\n\nBody text with <b>a tag</b> in it.", "paste.html", Kind.TEXT),
    ],
)
def test_kind_of(text: str, name: str, expected: Kind) -> None:
    assert kind_of(text, name) is expected
