"""The adversarial suite's counts (payloads x entry points, fuzz runs, kill trials,
requests), shown in the terminal summary of every run that includes the suite."""

from __future__ import annotations

from collections.abc import Callable

import pytest

COUNTS = pytest.StashKey[dict[str, str]]()
Tally = Callable[[str, str], None]


@pytest.fixture(scope="session")
def tally(pytestconfig: pytest.Config) -> Tally:
    """`tally(name, text)`: record one count line for the summary."""
    found = pytestconfig.stash.setdefault(COUNTS, {})

    def record(name: str, text: str) -> None:
        found[name] = text

    return record


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    found = terminalreporter.config.stash.get(COUNTS, {})
    if found:
        terminalreporter.section("adversarial suite counts")
        for name, text in sorted(found.items()):
            terminalreporter.write_line(f"{name}: {text}")
