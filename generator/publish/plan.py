"""What a publish will do: files added, changed and removed, computed before anything moves.

The same plan drives `--dry-run` (it is printed and nothing else happens), the safety
checks in manifest.py, and the publishers, which carry it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from generator.publish.manifest import Manifest
from generator.publish.tree import Entry, Tree


class State(Enum):
    """A path at the target, compared with the new site's file of the same path."""

    ABSENT = "absent"
    SAME = "same"
    DIFFERENT = "different"


@dataclass(frozen=True, slots=True)
class Plan:
    """The changes one publish makes at its target, each list sorted."""

    added: tuple[str, ...]
    """New files: nothing is at their path yet."""
    changed: tuple[str, ...]
    """Files whose content changes (including `conflicts`)."""
    removed: tuple[str, ...]
    """Files the previous publish wrote that the new site no longer has."""
    conflicts: tuple[str, ...]
    """Files publish did not write that the new site would overwrite (refused without --force)."""
    manifest: Manifest
    """What the target's manifest says after this publish: every file publish wrote."""

    @property
    def written(self) -> tuple[str, ...]:
        """Files to write: added and changed."""
        return tuple(sorted((*self.added, *self.changed)))

    @property
    def empty(self) -> bool:
        """True when the target already holds the new site."""
        return not (self.added or self.changed or self.removed)


def make_plan(tree: Tree, previous: Manifest, states: Mapping[str, State]) -> Plan:
    """Compare the new site with the target.

    `states` gives the target's state of every path of the new site and of the previous
    manifest; a path it lacks is taken as absent.
    """
    ours = previous.paths()
    state = {entry.path: states.get(entry.path, State.ABSENT) for entry in tree.entries}
    new_paths = set(state)
    removed = sorted(p for p in ours - new_paths if states.get(p, State.ABSENT) is not State.ABSENT)
    conflicts = sorted(p for p, s in state.items() if s is State.DIFFERENT and p not in ours)
    # A file identical to ours that someone else put there stays theirs: we neither
    # rewrite it nor claim it, so a later publish will not delete it.
    claimed = [e for e in tree.entries if e.path in ours or state[e.path] is not State.SAME]
    return Plan(
        added=tuple(sorted(p for p, s in state.items() if s is State.ABSENT)),
        changed=tuple(sorted(p for p, s in state.items() if s is State.DIFFERENT)),
        removed=tuple(removed),
        conflicts=tuple(conflicts),
        manifest=Manifest(tuple(claimed)),
    )


def refusal(plan: Plan, max_deletions: int, where: str) -> str | None:
    """Why the plan must not run without --force: it overwrites others' files or deletes
    too many of ours. None when it is safe."""
    if plan.conflicts:
        more = f" and {len(plan.conflicts) - 1} more" if len(plan.conflicts) > 1 else ""
        return (
            f"{where}: refusing to overwrite {plan.conflicts[0]}{more}: publish did not write "
            "it; move it away or publish with --force"
        )
    if len(plan.removed) > max_deletions:
        return (
            f"{where}: refusing to delete {len(plan.removed)} files (more than max_deletions, "
            f"{max_deletions}); check with --dry-run, then publish with --force"
        )
    return None


def interim_manifest(plan: Plan, previous: Manifest) -> Manifest:
    """Every file publish may have written while the plan is being carried out.

    A target updated file by file (rsync) records this before it starts, so a publish
    killed midway still knows, next time, which files are its own.
    """
    merged = {e.path: e for e in previous.files} | {e.path: e for e in plan.manifest.files}
    return Manifest(tuple(Entry(p, merged[p].digest) for p in sorted(merged)))


def summary(plan: Plan) -> str:
    """One line: '3 added, 1 changed, 2 removed'."""
    if plan.empty:
        return "no changes"
    return f"{len(plan.added)} added, {len(plan.changed)} changed, {len(plan.removed)} removed"


def listing(plan: Plan) -> list[str]:
    """One line per file, `+` added, `~` changed, `-` removed, sorted by path."""
    marks = [("+", p) for p in plan.added] + [("~", p) for p in plan.changed]
    marks += [("-", p) for p in plan.removed]
    return [f"{mark} {path}" for mark, path in sorted(marks, key=lambda m: m[1])]
