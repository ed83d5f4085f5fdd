"""The YAML front matter format, both directions.

Reading uses `yaml.safe_load` only. Writing is our own small emitter rather than
`yaml.safe_dump`: every string is double-quoted with JSON-compatible escapes, so values
such as `NO`, `12:30` or `0777` stay strings, and characters YAML treats as line breaks
(U+0085, U+2028, U+2029) are escaped instead of corrupted. `parse(dump(m, b))` gives
back exactly `m` and `b`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml

FENCE = "---"
# libyaml's loader is ~10x faster; it is the same safe constructor set as `safe_load`.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# YAML reads these as line breaks or rejects them even inside double quotes.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


class FrontMatterError(ValueError):
    """The front matter block is missing or malformed; `line` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class Document:
    """A Markdown file split into its front matter and body."""

    meta: dict[str, Any]
    body: str
    body_line: int
    """1-based line number where the body starts in the file."""
    key_lines: dict[str, int]
    """1-based line of each top-level key, for precise messages."""


def parse(text: str) -> Document:
    """Split `---` front matter from the body and load it safely."""
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if lines[0].rstrip("\r") != FENCE:
        raise FrontMatterError(1, "no front matter: the file must start with a line '---'")
    end = _closing_fence(lines)
    block = "\n".join(line.rstrip("\r") for line in lines[1:end])
    try:
        meta = yaml.load(block, Loader=SAFE_LOADER) if block.strip() else {}
    except yaml.YAMLError:
        raise _yaml_error(block) from None
    if not isinstance(meta, dict):
        raise FrontMatterError(2, "front matter must be a mapping of keys to values")
    body = "\n".join(lines[end + 1 :])
    return Document({str(k): v for k, v in meta.items()}, body, end + 2, _key_lines(lines[1:end]))


def _yaml_error(block: str) -> FrontMatterError:
    """Locate a YAML error with the pure-Python loader, whose messages are clearer."""
    try:
        yaml.safe_load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        return FrontMatterError(
            mark.line + 2 if mark else 2, f"invalid YAML in front matter: {problem}"
        )
    return FrontMatterError(2, "invalid YAML in front matter")


def _closing_fence(lines: list[str]) -> int:
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r") in (FENCE, "..."):
            return index
    raise FrontMatterError(1, "front matter is not closed: add a line '---' after it")


def _key_lines(block: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for offset, line in enumerate(block):
        match = re.match(r"""^["']?([^\s:"'#][^:"']*)["']?\s*:""", line)
        if match:
            found.setdefault(match.group(1).strip(), offset + 2)
    return found


def dump(meta: dict[str, Any], body: str) -> str:
    """Write front matter (keys in the given order) and body as one Markdown text."""
    lines = [
        FENCE,
        *(f"{_key(key)}: {_scalar_or_list(value)}" for key, value in meta.items()),
        FENCE,
    ]
    return "\n".join(lines) + "\n" + body


_PLAIN_KEY = re.compile(r"[a-z][a-z0-9_]*\Z")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
"""Keys that YAML 1.1 would read as booleans or null, which must be quoted to stay strings."""


def _key(key: str) -> str:
    """A key as written: plain when it reads back as the same string, else quoted."""
    if _PLAIN_KEY.match(key) and key not in _YAML_WORDS:
        return key
    return quote(key)


def _scalar_or_list(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return quote(value)
    raise TypeError(f"cannot write {type(value).__name__} to front matter")


def _float(value: float) -> str:
    """A float as YAML 1.1 reads it back: `.inf`, `.nan`, and a dot before any exponent
    (`repr` gives `inf` and `1e+100`, which YAML reads as strings)."""
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}.0{e}{exponent}" if e and "." not in mantissa else text


def quote(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly `text`."""
    encoded = json.dumps(text, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)
