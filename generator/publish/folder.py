"""Publish to a folder, the web root of any server: `/srv/www/briefings` or `file:///...`.

The new state of the folder is assembled beside it (`.name.tmp-PID`) and swapped in with
one rename exchange, as output.py swaps a build in: a reader, or a publish killed at any
moment, sees the old site whole or the new one whole. The assembled folder holds the new
site plus everything the user put there (hard-linked, so a large `.well-known/` or media
folder costs nothing); only files the previous publish wrote may disappear.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator import output
from generator.errors import PublishError
from generator.publish import manifest
from generator.publish.job import Job, Outcome, Publisher
from generator.publish.manifest import Manifest
from generator.publish.plan import Plan, State, make_plan, refusal
from generator.publish.tree import MANIFEST, Tree, blob_id


@dataclass(frozen=True, slots=True)
class Listing:
    """What is in the target folder now, as '/'-separated relative paths."""

    files: frozenset[str]
    """Regular files (the manifest excepted)."""
    links: frozenset[str]
    """Symbolic links, to files or folders (kept as links, never followed)."""
    empty_dirs: frozenset[str]
    """Folders with nothing in them (kept: someone made them)."""


def run(job: Job) -> Outcome:
    """Plan the publish, check it, and unless a dry run swap the new folder in."""
    target = locate(job.url).resolve()  # a symlinked web root: swap the folder it points to
    check_target(target, job.site_dir)
    listing = scan(target)
    previous = read_manifest(target, job.where)
    plan = make_plan(job.tree, previous, states(target, listing, job.tree, previous))
    problem = refusal(plan, job.settings.max_deletions, job.where)
    if job.dry_run:
        return Outcome(plan, f"would be refused without --force: {problem}" if problem else "")
    if problem and not job.force:
        raise PublishError(problem)
    if target.parent.is_dir():
        output.remove_leftovers(target)  # staging of a killed publish, even when up to date
    if plan.empty and target.is_dir():
        return Outcome(plan, "already up to date")
    replace(target, listing, plan, job.tree)
    return Outcome(plan)


def locate(url: str) -> Path:
    """The folder a target names: `file:///srv/www` or a path."""
    if url.lower().startswith("file://"):
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise PublishError(f"{url}: a file:// URL must name a local folder (file:///path)")
        return Path(unquote(parts.path))
    return Path(url).expanduser()


def check_target(target: Path, site_dir: Path) -> None:
    """Refuse targets whose swap would move something that is not a web root."""
    folder = target.resolve()
    if folder == Path(folder.anchor) or folder == Path.home().resolve():
        raise PublishError(f"refusing to publish into {folder}: choose a dedicated folder")
    if site_dir.resolve().is_relative_to(folder):
        raise PublishError(f"refusing to publish into {folder}: it contains the site itself")
    if folder.exists() and not folder.is_dir():
        raise PublishError(f"refusing to publish into {folder}: it is a file")


def scan(target: Path) -> Listing:
    """List the target folder without following links (an absent folder is empty)."""
    files: set[str] = set()
    links: set[str] = set()
    empty: set[str] = set()
    for folder, dirs, names in os.walk(target):
        here = Path(folder)
        base = here.relative_to(target)
        if not dirs and not names and here != target:
            empty.add(base.as_posix())
        for name in [*dirs, *names]:
            path, relative = here / name, (base / name).as_posix()
            if path.is_symlink():
                links.add(relative)
            elif path.is_file() and relative != MANIFEST:
                files.add(relative)
    return Listing(frozenset(files), frozenset(links), frozenset(empty))


def read_manifest(target: Path, where: str) -> Manifest:
    """The manifest the previous publish left, or an empty one."""
    try:
        data = (target / MANIFEST).read_bytes()
    except FileNotFoundError:
        return Manifest()
    except OSError as exc:
        raise PublishError(f"{where}: cannot read {MANIFEST}: {exc.strerror}") from None
    return manifest.parse(data, f"{target / MANIFEST}")


def states(target: Path, listing: Listing, tree: Tree, previous: Manifest) -> dict[str, State]:
    """The target's state of each path of the new site and of the previous manifest."""
    new = tree.digests()
    found: dict[str, State] = {}
    for path in set(new) | previous.paths():
        if path in listing.files:
            same = new.get(path) == blob_id((target / path).read_bytes())
            found[path] = State.SAME if same else State.DIFFERENT
        elif path in listing.links or (target / path).exists():
            found[path] = State.DIFFERENT  # a link or a folder where the site has a file
    return found


def replace(target: Path, listing: Listing, plan: Plan, tree: Tree) -> None:
    """Assemble the new folder beside the target and swap it in."""
    target.parent.mkdir(parents=True, exist_ok=True)
    output.remove_leftovers(target)  # folders of publishes that were killed
    staging = target.parent / f".{target.name}.tmp-{os.getpid()}"
    try:
        assemble(staging, target, listing, plan, tree)
        output._swap(staging, target)  # to become output.swap_in (asked for)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if not isinstance(exc, OSError):
            raise
        raise PublishError(
            f"cannot publish to {target}: {exc.strerror or exc} ({exc.filename or target}); "
            "the folder is unchanged"
        ) from None
    shutil.rmtree(staging, ignore_errors=True)  # after the swap it holds the old folder


def assemble(staging: Path, target: Path, listing: Listing, plan: Plan, tree: Tree) -> None:
    """Fill `staging` with the folder's new state: kept files, then the new site."""
    staging.mkdir()
    if target.is_dir():
        shutil.copymode(target, staging)
    gone = {*plan.removed, *plan.written}
    for relative in sorted(listing.empty_dirs):
        _make_dirs(staging, target, relative)
    for relative in sorted(listing.files - gone):
        _make_dirs(staging, target, str(Path(relative).parent))
        _link_or_copy(target / relative, staging / relative)
    for relative in sorted(listing.links - gone):
        _make_dirs(staging, target, str(Path(relative).parent))
        (staging / relative).symlink_to(os.readlink(target / relative))
    for relative in plan.written:
        _make_dirs(staging, target, str(Path(relative).parent))
        shutil.copyfile(tree.root / relative, staging / relative)
    (staging / MANIFEST).write_bytes(manifest.dump(plan.manifest))


def _make_dirs(staging: Path, target: Path, relative: str) -> None:
    """Create a folder and its parents, each with the mode it has at the target."""
    if relative in ("", "."):
        return
    parts = Path(relative).parts
    for depth in range(1, len(parts) + 1):
        made = staging.joinpath(*parts[:depth])
        if not made.is_dir():
            made.mkdir()
            old = target.joinpath(*parts[:depth])
            if old.is_dir() and not old.is_symlink():
                shutil.copymode(old, made)


def _link_or_copy(source: Path, destination: Path) -> None:
    # A hard link shares the file with the old folder, which is safe because neither
    # publish nor the swap ever writes into an existing file; copy where links fail.
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


PUBLISHER = Publisher(run=run, pages_files=True)
"""The folder publisher, for the registry."""
