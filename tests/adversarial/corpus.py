"""The hostile-string corpus (`xss_payloads.txt`) and the subsets the suite draws on."""

from __future__ import annotations

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
LONG = os.environ.get("BRIEFING_LONG_TESTS") == "1"
"""Opt-in long runs (more trials, one article per payload, more fuzzing)."""
NEWLINE_MARK = "⏎"


def load_payloads(path: Path = HERE / "xss_payloads.txt") -> tuple[str, ...]:
    """Every payload of the corpus file, with its line-break marks turned into line breaks."""
    found = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("#=") or not line.strip():
            continue
        found.append(line.replace(NEWLINE_MARK, "\n"))
    return tuple(found)


PAYLOADS = load_payloads()


def url_like(payloads: tuple[str, ...] = PAYLOADS) -> tuple[str, ...]:
    """Payloads aimed at URL attributes: a scheme, an entity or a quote near the start."""
    return tuple(
        p
        for p in payloads
        if ":" in p[:24] or p[:1] in "\"' &%\\/`" or "&#" in p[:12] or p.startswith("[")
    )


def chunks(payloads: tuple[str, ...], size: int) -> list[tuple[str, ...]]:
    """Payloads in groups of `size`, in order (the last group may be smaller)."""
    return [payloads[i : i + size] for i in range(0, len(payloads), size)]
