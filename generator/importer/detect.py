"""What kind of input a file is, by its content (the extension is only a tie-breaker).

Binary files are recognised by their magic numbers or by NUL bytes; HTML by its opening
tags; Markdown by a `---` front matter block of `key:` lines; anything else that
decodes is pasted text.
"""

from __future__ import annotations

import re
from enum import Enum


class Kind(Enum):
    """The three kinds of input `briefing import` understands."""

    HTML = "html"
    MARKDOWN = "markdown"
    TEXT = "text"


# Leading bytes of formats people save by mistake, and what to call them in a message.
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a RIFF media file"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "a program"),
)
_UTF16_OR_32 = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_HTML_START = re.compile(
    r"\s*(?:<!--.*?-->\s*)*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html|head|body|meta|title|article)\b",
    re.IGNORECASE | re.DOTALL,
)
_TAGS = re.compile(r"</?(?:p|div|span|a|br|article|section|h[1-6]|ul|li|script)\b[^>]*>", re.I)
_KEY_LINE = re.compile(r"^[A-Za-z_][\w-]*\s*:(\s|$)")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".mhtml")


def binary_kind(data: bytes) -> str | None:
    """A description such as 'a PDF document' when the bytes are not text, else None."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if data.startswith(_UTF16_OR_32):
        return None  # NUL bytes are normal there; the decoder checks the rest
    if b"\x00" in data[:65536]:
        return "a binary file"
    return None


def kind_of(text: str, name: str) -> Kind:
    """HTML, Markdown with front matter, or pasted text, judged by the decoded content."""
    head = text[:4096]
    if _HTML_START.match(head):
        return Kind.HTML
    if text.startswith("---\n") and _has_mapping_front_matter(text):
        return Kind.MARKDOWN
    # A fragment without <html>: only when tags are dense, or the name says HTML.
    tags = len(_TAGS.findall(head))
    if tags >= 8 or (tags >= 2 and name.lower().endswith(_HTML_SUFFIXES)):
        return Kind.HTML
    return Kind.TEXT


def _has_mapping_front_matter(text: str) -> bool:
    """A closed `---` block near the top with at least one `key:` line (valid or not)."""
    lines = text.split("\n", 80)[1:80]
    if "---" not in lines:
        return False
    block = lines[: lines.index("---")]
    return any(_KEY_LINE.match(line) for line in block)
