"""Fuzz targets: the text importer, the front-matter reader and writer, Markdown rendering.

Each target takes bytes and raises AssertionError on a broken promise (a crash of any
other kind is a finding too). The same functions run under Hypothesis in
`test_properties.py` and under atheris (libFuzzer, coverage-guided) from here:

    .venv/bin/python tests/adversarial/fuzz_targets.py markup -atheris_runs=100000
    .venv/bin/python tests/adversarial/fuzz_targets.py importer -max_total_time=600

Crashers atheris finds are written as `crash-*` files in the working folder; add each
one to `CRASHERS` in test_properties.py as a regression example.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

_instrumented: contextlib.AbstractContextManager[Any] = contextlib.nullcontext()
if __name__ == "__main__":  # run as a script: make `generator` importable, and instrument it
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import atheris  # type: ignore[import-untyped,unused-ignore]  # only needed for fuzzing

    _instrumented = atheris.instrument_imports(include=["generator", "markdown_it", "yaml"])

with _instrumented:
    from generator import frontmatter, markup
    from generator.importer import decode
    from generator.importer import text as text_input
from tests.adversarial.active import Policy, check_html  # noqa: E402 - after sys.path

HANG_SECONDS = 1.0
"""No 4 KiB input may take longer than this (a hang guard, not a speed test)."""
MAX_INPUT = 4096
POLICY = Policy("/static/", ("/",))


def _text(data: bytes) -> str:
    return data[:MAX_INPUT].decode("utf-8", "replace")


def assert_inert(html: str, what: str) -> None:
    """No active content in an HTML fragment."""
    findings = list(check_html(f"<html><body>{html}</body></html>", what, POLICY))
    assert not findings, findings


def timed(what: str, work: Callable[[], Any]) -> Any:
    # CPU time, not wall time: a hang is work, and other processes on a loaded machine
    # (builds, Pagefind, a browser in the next test) once stretched 0.15 s to 1.2 s.
    started = time.process_time()
    result = work()
    seconds = time.process_time() - started
    assert seconds < HANG_SECONDS, f"{what} took {seconds:.2f} s of CPU"
    return result


def target_markup(data: bytes) -> None:
    """Markdown -> HTML: no crash, no hang, nothing active, paragraphs numbered in order."""
    text = _text(data)
    rendered = timed("render", lambda: markup.render(text))
    assert_inert(rendered.html, "render")
    assert [p.number for p in rendered.paragraphs] == list(range(1, len(rendered.paragraphs) + 1))
    assert_inert(timed("render_inline", lambda: markup.render_inline(text)), "render_inline")


def target_importer(data: bytes) -> None:
    """Pasted bytes -> Draft: decodes or refuses; the body renders to inert HTML."""
    try:
        decoded = decode.decode(data[:MAX_INPUT], decode.declared_charset(data))
    except decode.DecodeError:
        return
    draft = timed("extract", lambda: text_input.extract(decoded.text, ["The Daily Meridian"]))
    assert "\x00" not in draft.body
    assert_inert(markup.render(draft.body).html, "imported body")
    for value in (draft.title, draft.dek, *draft.authors):
        assert value is None or "\n" not in value.strip(), value


def target_frontmatter(data: bytes) -> None:
    """Front matter reader: parses or raises FrontMatterError; what it reads, it writes back."""
    text = _text(data)
    try:
        document = frontmatter.parse(text)
    except frontmatter.FrontMatterError as exc:
        assert exc.line >= 1
        return
    meta = {k: v for k, v in document.meta.items() if writable(v)}
    again = frontmatter.parse(frontmatter.dump(meta, document.body))
    assert again.meta == meta
    assert again.body == document.body


def writable(value: Any) -> bool:
    """Values our writer promises to round-trip: scalars and flat lists of them."""
    scalar = (type(None), bool, int, str, date, datetime)
    if isinstance(value, list):
        return all(isinstance(v, scalar) for v in value)
    if isinstance(value, float):
        return value == value  # NaN never equals itself
    return isinstance(value, scalar)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "markup": target_markup,
    "importer": target_importer,
    "frontmatter": target_frontmatter,
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [libFuzzer flags]")
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
