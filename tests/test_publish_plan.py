"""Plans: what is added, changed, removed, claimed, and what is refused without --force."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.publish.manifest import Manifest
from generator.publish.plan import (
    State,
    interim_manifest,
    listing,
    make_plan,
    refusal,
    summary,
)
from generator.publish.tree import Entry, Tree

A, B, C = "a" * 40, "b" * 40, "c" * 40
NEW = Tree(Path("/unused"), (Entry("index.html", A), Entry("new.html", B), Entry("same.css", C)))


@dataclass(frozen=True)
class Case:
    previous: dict[str, str]
    states: dict[str, State]
    added: list[str]
    changed: list[str]
    removed: list[str]
    conflicts: list[str]
    claimed: list[str]


ALL = ["index.html", "new.html", "same.css"]
CASES = {
    "empty target": Case({}, {}, added=ALL, changed=[], removed=[], conflicts=[], claimed=ALL),
    "second publish": Case(
        {"index.html": B, "old.html": A, "same.css": C},
        {"index.html": State.DIFFERENT, "old.html": State.SAME, "same.css": State.SAME},
        added=["new.html"],
        changed=["index.html"],
        removed=["old.html"],
        conflicts=[],
        claimed=ALL,
    ),
    "a user's file in the way, ours already gone": Case(
        {"gone.html": A},
        {"index.html": State.DIFFERENT},
        added=["new.html", "same.css"],
        changed=["index.html"],
        removed=[],
        conflicts=["index.html"],
        claimed=ALL,
    ),
    "an identical file someone else put there stays theirs": Case(
        {},
        {"same.css": State.SAME, "README": State.SAME},
        added=["index.html", "new.html"],
        changed=[],
        removed=[],
        conflicts=[],
        claimed=["index.html", "new.html"],
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_make_plan(case: Case) -> None:
    old = Manifest(tuple(Entry(p, d) for p, d in sorted(case.previous.items())))
    plan = make_plan(NEW, old, case.states)
    assert list(plan.added) == case.added
    assert list(plan.changed) == case.changed
    assert list(plan.removed) == case.removed
    assert list(plan.conflicts) == case.conflicts
    assert sorted(plan.manifest.paths()) == case.claimed


def test_refusal_and_force_free_plans() -> None:
    plan = make_plan(NEW, Manifest(), {})
    assert refusal(plan, 0, "www") is None
    many = make_plan(
        Tree(Path("/"), ()),
        Manifest((Entry("x", A), Entry("y", B))),
        {
            "x": State.SAME,
            "y": State.SAME,
        },
    )
    assert refusal(many, 2, "www") is None
    assert refusal(many, 1, "www") == (
        "www: refusing to delete 2 files (more than max_deletions, 1); "
        "check with --dry-run, then publish with --force"
    )
    clash = make_plan(NEW, Manifest(), {"index.html": State.DIFFERENT, "new.html": State.DIFFERENT})
    assert refusal(clash, 256, "www") == (
        "www: refusing to overwrite index.html and 1 more: publish did not write it; "
        "move it away or publish with --force"
    )


def test_interim_manifest_claims_old_and_new() -> None:
    old = Manifest((Entry("old.html", A), Entry("index.html", B)))
    plan = make_plan(NEW, old, {"old.html": State.SAME, "index.html": State.DIFFERENT})
    merged = interim_manifest(plan, old)
    assert [e.path for e in merged.files] == ["index.html", "new.html", "old.html", "same.css"]
    assert dict((e.path, e.digest) for e in merged.files)["index.html"] == A


def test_listing_and_summary() -> None:
    plan = make_plan(
        NEW,
        Manifest((Entry("old.html", A),)),
        {
            "old.html": State.SAME,
            "index.html": State.DIFFERENT,
            "same.css": State.SAME,
        },
    )
    assert listing(plan) == ["~ index.html", "+ new.html", "- old.html"]
    assert summary(plan) == "1 added, 1 changed, 1 removed"
    assert summary(make_plan(Tree(Path("/"), ()), Manifest(), {})) == "no changes"
