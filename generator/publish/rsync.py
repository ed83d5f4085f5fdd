"""Publish with rsync: `user@host:/srv/www` (over ssh), `rsync://host/module/path` (an
rsync daemon) or `rsync:///srv/www` (a local folder, kept in place rather than swapped).

rsync is told exactly which files to send and which to delete (`--files-from` with
`--delete-missing-args`): never `--delete`, so the only files that can disappear are the
ones the previous publish wrote. A dry run of the same command, itemized, says what is at
the target; the manifest there is fetched and sent back with rsync itself. Files arrive
with `--delay-updates` (renamed into place together at the end), and the manifest is
sent twice: first listing every file this publish may write, last listing the result, so
a transfer killed midway never leaves a file of ours unclaimed.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.errors import PublishError
from generator.publish import manifest
from generator.publish.job import Job, Outcome, Publisher, scheme_of, scrub
from generator.publish.manifest import Manifest
from generator.publish.plan import State, interim_manifest, make_plan, refusal
from generator.publish.tree import MANIFEST

_BASE = ("rsync", "--checksum", "--mkpath", "-s")
"""Compare by content (a build gives every file a new time), create the destination
folder's parents (rsync >= 3.2.3), and keep file names away from the remote shell (`-s`)."""
_VANISHED = 24  # "some files vanished": our sources are private, so never expected
_ADDED = "+++++++++"


def run(job: Job) -> Outcome:
    """Plan the publish from an itemized dry run, check it, and unless a dry run sync."""
    dest = destination(job.url)
    previous = fetch_manifest(job, dest)
    candidates = sorted(previous.paths() - set(job.tree.digests()))
    plan = make_plan(job.tree, previous, survey(job, dest, candidates))
    problem = refusal(plan, job.settings.max_deletions, job.where)
    if job.dry_run:
        return Outcome(plan, f"would be refused without --force: {problem}" if problem else "")
    if problem and not job.force:
        raise PublishError(problem)
    if plan.empty:
        return Outcome(plan, "already up to date")
    send_manifest(job, dest, interim_manifest(plan, previous))
    rsync(
        job, "--delay-updates", *_file_list(job, "send", [*plan.written, *plan.removed]), dest=dest
    )
    send_manifest(job, dest, plan.manifest)
    return Outcome(plan)


def destination(url: str) -> str:
    """The rsync destination for a target URL, ending in '/'."""
    if scheme_of(url) == "rsync" and not urlsplit(url).netloc:
        return unquote(urlsplit(url).path).rstrip("/") + "/"  # rsync:///local/folder
    if url.startswith("-"):
        raise PublishError(f"{url}: not a valid rsync destination")
    return url.rstrip("/") + "/"


def rsync(job: Job, *args: str, dest: str, source: Path | None = None) -> str:
    """Run rsync (no shell) from `source` (default: the built site) to `dest`."""
    origin = f"{source or job.tree.root}"
    command = [*_BASE, *args, "--", origin + ("/" if source is None else ""), dest]
    result = subprocess.run(
        command, capture_output=True, env={**os.environ, "LC_ALL": "C"}, check=False
    )
    if result.returncode != 0:
        raise PublishError(f"rsync failed: {_message(result, job.url)}")
    return result.stdout.decode("utf-8", "surrogateescape")


def fetch_manifest(job: Job, dest: str) -> Manifest:
    """The manifest the previous publish left at `dest`, or an empty one."""
    local = job.scratch / "previous-manifest.json"
    command = [*_BASE, "--", dest + MANIFEST, str(local)]
    result = subprocess.run(
        command, capture_output=True, env={**os.environ, "LC_ALL": "C"}, check=False
    )
    if result.returncode != 0:
        if b"No such file or directory" in result.stderr:
            return Manifest()
        raise PublishError(f"rsync failed reading the manifest: {_message(result, job.url)}")
    return manifest.parse(local.read_bytes(), f"{job.where} {MANIFEST}")


def survey(job: Job, dest: str, candidates: list[str]) -> dict[str, State]:
    """Ask rsync, without changing anything, how each file at `dest` compares."""
    for path in candidates:  # a missing parent in the source makes rsync warn, not delete
        try:
            (job.tree.root / path).parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
    paths = [entry.path for entry in job.tree.entries] + candidates
    listing = rsync(
        job, "--dry-run", "-ii", "--out-format=%i %n", *_file_list(job, "survey", paths), dest=dest
    )
    return parse_itemized(listing.splitlines())


def parse_itemized(lines: Iterable[str]) -> dict[str, State]:
    """rsync's `%i %n` lines -> the state of each file at the destination."""
    states: dict[str, State] = {}
    for line in lines:
        changes, path = line[:11], line[12:]  # %i is always 11 characters wide
        if changes.rstrip() == "*deleting":
            states[path] = State.DIFFERENT
        elif len(changes) == 11 and changes[1] == "f":
            if changes[2:] == _ADDED:
                states[path] = State.ABSENT
            else:
                states[path] = State.DIFFERENT if changes[0] in "<>c" else State.SAME
    return states


def send_manifest(job: Job, dest: str, contents: Manifest) -> None:
    """Put `contents` at `dest` as its manifest."""
    folder = job.scratch / "manifest"
    folder.mkdir(exist_ok=True)
    (folder / MANIFEST).write_bytes(manifest.dump(contents))
    rsync(job, dest=dest, source=folder / MANIFEST)


def _file_list(job: Job, name: str, paths: list[str]) -> tuple[str, ...]:
    listing = job.scratch / f"{name}.files"
    listing.write_bytes(b"".join(os.fsencode(path) + b"\0" for path in paths))
    return ("--from0", f"--files-from={listing}", "--delete-missing-args")


def _message(result: subprocess.CompletedProcess[bytes], url: str) -> str:
    lines = result.stderr.decode("utf-8", "replace").strip().splitlines() or ["(no message)"]
    code = " (some files vanished)" if result.returncode == _VANISHED else ""
    return scrub(" / ".join(lines[-3:]), url) + code


PUBLISHER = Publisher(run=run, pages_files=False)
"""The rsync publisher, for the registry."""
