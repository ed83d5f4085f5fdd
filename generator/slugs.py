"""URL slugs: non-empty, ASCII, bounded, and safe as file names everywhere.

Collisions (`Foo`, `foo`, `FOO!` all give `foo`) are the caller's to detect; this module
only promises that every slug is usable on its own.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_LENGTH = 80
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Names Windows refuses for files, whatever the extension.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)


# Latin letters that Unicode decomposition leaves alone (NFKD keeps "Œ" whole).
_LETTERS = str.maketrans(
    dict(
        zip(
            "ŒœÆæØøŁłĐđÞþðıħß",
            ["OE", "oe", "AE", "ae", "O", "o", "L", "l", "D", "d", "Th", "th", "d", "i", "h", "ss"],
            strict=True,
        )
    )
)


def slugify(text: str, max_length: int = MAX_LENGTH) -> str:
    """Lower-case ASCII words joined by '-'; text with no ASCII letters gets a hash slug."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_LETTERS))
        .encode("ascii", "ignore")
        .decode("ascii")
    )
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    if not slug:
        digest = hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()
        return f"x-{digest[:10]}"
    return f"{slug}-" if slug in _RESERVED else slug


def path_slug(relative: str) -> str:
    """Slug of a `/`-separated path, segment by segment (`2022/08/Foo Bar` -> `2022/08/foo-bar`)."""
    # A path of slashes alone has no segment: its slug is the whole text's, never empty.
    return "/".join(slugify(part) for part in relative.split("/") if part) or slugify(relative)
