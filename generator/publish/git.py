"""Publish to a git branch (GitHub, GitLab or Codeberg Pages): one commit per publish.

`git+file:///srv/site.git#gh-pages`, `git+ssh://git@host/user/repo.git#pages`,
`git+https://host/user/repo.git#pages` (default branch: gh-pages). The branch is fetched
into a private repository, the new tree is made from the old one (the user's files kept,
the files the last publish wrote and the site no longer has removed), committed on top,
and pushed without force: the remote's branch moves in one step, or not at all.

Each publish commit carries a `Briefing-Tree:` trailer naming its own tree, so a commit
someone else made (or amended) is recognised. Commits by others after the last publish
are built upon when they only touch files publish did not write (GitHub's "custom domain"
setting commits a CNAME); when they change files publish wrote, we refuse unless --force.
Git always runs without a shell, its arguments a list, and its messages are scrubbed of
credentials.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator.errors import PublishError
from generator.publish import manifest
from generator.publish.job import Job, Outcome, Publisher, scrub
from generator.publish.manifest import Manifest
from generator.publish.plan import Plan, State, make_plan, refusal, summary
from generator.publish.tree import MANIFEST, Tree

DEFAULT_BRANCH = "gh-pages"
TRAILER = "Briefing-Tree"
_FILE_MODES = ("100644", "100755")
_NO_OBJECT = "0" * 40


@dataclass(frozen=True, slots=True)
class Remote:
    """A git target, parsed: where and which branch."""

    url: str
    """What git is given, e.g. 'file:///srv/site.git' (may hold credentials)."""
    branch: str
    """Branch name, e.g. 'gh-pages'."""
    protocol: str
    """The one transport git may use for it (`GIT_ALLOW_PROTOCOL`)."""


@dataclass(frozen=True, slots=True)
class Repo:
    """A private bare repository in which the new commit is made."""

    git_dir: Path
    remote: Remote
    env: tuple[tuple[str, str], ...]
    """Environment for every git command (see `open_repo`)."""


@dataclass(frozen=True, slots=True)
class Branch:
    """The target branch as fetched: its tip, files, and the last publish commit."""

    tip: str | None
    """Tip commit id, or None when the branch does not exist yet."""
    files: dict[str, tuple[str, str]]
    """Path -> (mode, blob id) of every file at the tip."""
    last_publish: str | None
    """The latest first-parent commit made by publish, or None."""


def parse_remote(url: str) -> Remote:
    """`git+<transport>://...#branch` -> Remote."""
    bare = url.removeprefix("git+")
    address, hash_sign, branch = bare.rpartition("#")
    if not hash_sign:
        address, branch = bare, DEFAULT_BRANCH
    if not branch or branch.startswith("-") or address.startswith("-"):
        raise PublishError(f"{url}: expected git+<transport>://<repository>#<branch>")
    return Remote(address, branch, address.split("://", 1)[0].lower())


def run(job: Job) -> Outcome:
    """Plan the publish on the branch, check it, and unless a dry run commit and push."""
    repo = open_repo(job.scratch / "repo.git", parse_remote(job.url))
    _check_branch_name(repo)
    branch = fetch(repo)
    previous = _manifest_at(repo, branch.last_publish, job.where)
    plan = make_plan(job.tree, previous, _states(branch, job.tree))
    problem = foreign_changes(repo, branch, previous, job.where) or refusal(
        plan, job.settings.max_deletions, job.where
    )
    if job.dry_run:
        return Outcome(plan, f"would be refused without --force: {problem}" if problem else "")
    if problem and not job.force:
        raise PublishError(problem)
    commit = commit_plan(repo, branch, plan, job)
    if commit is None:
        return Outcome(plan, f"branch {repo.remote.branch} already up to date")
    push(repo, branch, commit)
    return Outcome(plan, f"commit {commit[:12]} on {repo.remote.branch}")


def open_repo(git_dir: Path, remote: Remote) -> Repo:
    """Make the private repository, with an environment that pins git down."""
    env = {
        "GIT_ALLOW_PROTOCOL": remote.protocol,  # never ext:: or another transport helper
        "GIT_INDEX_FILE": str(git_dir / "publish-index"),
        "LC_ALL": "C",  # messages we parse or show stay in one language
    }
    repo = Repo(git_dir, remote, tuple(env.items()))
    git(repo, "init", "--bare", "--quiet", str(git_dir), git_dir=False)
    if not _has_identity(repo):
        identity = {"NAME": "briefing publish", "EMAIL": "briefing-publish@localhost"}
        env |= {f"GIT_{who}_{k}": v for who in ("AUTHOR", "COMMITTER") for k, v in identity.items()}
    return Repo(git_dir, remote, tuple(env.items()))


def git(
    repo: Repo, *args: str, stdin: bytes = b"", git_dir: bool = True, cwd: Path | None = None
) -> str:
    """Run one git command (no shell); its output, or PublishError with scrubbed stderr."""
    command = ["git", *(["--git-dir", str(repo.git_dir)] if git_dir else []), *args]
    result = subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        env={**os.environ, **dict(repo.env)},
        cwd=cwd,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines() or ["(no message)"]
        shown = scrub(" / ".join(message[-3:]), repo.remote.url)
        raise PublishError(f"git {args[0]} failed: {shown}")
    return result.stdout.decode("utf-8", "surrogateescape")


def _has_identity(repo: Repo) -> bool:
    try:
        git(repo, "config", "user.email")
    except PublishError:
        return False
    return True


def _check_branch_name(repo: Repo) -> None:
    try:
        git(repo, "check-ref-format", "--branch", repo.remote.branch)
    except PublishError:
        raise PublishError(f"{repo.remote.branch!r} is not a valid branch name") from None


def fetch(repo: Repo) -> Branch:
    """Fetch the branch (if it exists) and read what publish needs from it."""
    ref = f"refs/heads/{repo.remote.branch}"
    listed = git(repo, "ls-remote", "--", repo.remote.url, ref).split()
    if not listed:
        return Branch(None, {}, None)
    git(repo, "fetch", "--quiet", "--no-tags", "--", repo.remote.url, f"+{ref}:refs/briefing/old")
    tip = git(repo, "rev-parse", "--verify", "refs/briefing/old^{commit}").strip()
    return Branch(tip, list_files(repo, tip), last_publish_commit(repo, tip))


def list_files(repo: Repo, commit: str) -> dict[str, tuple[str, str]]:
    """Path -> (mode, object id) of every entry in the commit's tree."""
    files: dict[str, tuple[str, str]] = {}
    for record in git(repo, "ls-tree", "-r", "-z", "--full-tree", commit).split("\0"):
        if record:
            meta, _tab, path = record.partition("\t")
            mode, _kind, object_id = meta.split()
            files[path] = (mode, object_id)
    return files


def last_publish_commit(repo: Repo, tip: str) -> str | None:
    """The newest first-parent commit whose trailer names its own tree: one publish made."""
    fields = f"%H %T %(trailers:key={TRAILER},valueonly,separator=%x20)"
    log = git(repo, "log", "--first-parent", f"--format={fields}", tip)
    for line in log.splitlines():
        commit, tree, *claimed = line.split()
        if tree in claimed:
            return commit
    return None


def foreign_changes(repo: Repo, branch: Branch, previous: Manifest, where: str) -> str | None:
    """Why the branch must not be published to without --force, or None."""
    if branch.tip is None or branch.tip == branch.last_publish:
        return None
    if branch.last_publish is None:
        return (
            f"{where}: branch {repo.remote.branch} has commits briefing publish did not make "
            f"(tip {branch.tip[:12]}); publish with --force to commit on top (their files are kept)"
        )
    changed = git(
        repo, "diff", "--name-only", "-z", "--no-renames", branch.last_publish, branch.tip
    )
    ours = previous.paths() | {MANIFEST}
    touched = sorted(p for p in changed.split("\0") if p in ours)
    if not touched:
        return None
    return (
        f"{where}: commits on {repo.remote.branch} made since the last publish change "
        f"{touched[0]}, which publish wrote; publish with --force to replace it"
    )


def _manifest_at(repo: Repo, commit: str | None, where: str) -> Manifest:
    if commit is None or MANIFEST not in list_files(repo, commit):
        return Manifest()
    data = git(repo, "cat-file", "blob", f"{commit}:{MANIFEST}").encode("utf-8", "surrogateescape")
    return manifest.parse(data, f"{where} {MANIFEST}")


def _states(branch: Branch, tree: Tree) -> dict[str, State]:
    new = tree.digests()
    states: dict[str, State] = {}
    for path, (mode, object_id) in branch.files.items():
        same = mode in _FILE_MODES and new.get(path) == object_id
        states[path] = State.SAME if same else State.DIFFERENT
    return states


def commit_plan(repo: Repo, branch: Branch, plan: Plan, job: Job) -> str | None:
    """Write the new tree and its commit into the private repository; None if unchanged."""
    git(repo, "read-tree", *([branch.tip] if branch.tip else ["--empty"]))
    _store_blobs(repo, job.tree, plan.written)
    manifest_id = git(repo, "hash-object", "-w", "--stdin", stdin=manifest.dump(plan.manifest))
    lines = [f"0 {_NO_OBJECT}\t{path}" for path in plan.removed]
    digests = job.tree.digests()
    lines += [f"100644 {digests[path]}\t{path}" for path in plan.written]
    lines.append(f"100644 {manifest_id.strip()}\t{MANIFEST}")
    git(repo, "update-index", "-z", "--index-info", stdin="".join(f"{x}\0" for x in lines).encode())
    tree = git(repo, "write-tree").strip()
    if branch.tip and tree == git(repo, "rev-parse", f"{branch.tip}^{{tree}}").strip():
        return None
    parents = ["-p", branch.tip] if branch.tip else []
    message = commit_message(plan, job.title, tree)
    return git(repo, "commit-tree", tree, *parents, "-F", "-", stdin=message.encode()).strip()


def _store_blobs(repo: Repo, tree: Tree, paths: tuple[str, ...]) -> None:
    if not paths:
        return
    listing = "".join(f"{path}\n" for path in paths).encode()
    stored = git(
        repo, "hash-object", "-w", "--no-filters", "--stdin-paths", stdin=listing, cwd=tree.root
    )
    digests = tree.digests()
    if stored.split() != [digests[path] for path in paths]:
        raise PublishError("git stored different content than was built; publish again")


def commit_message(plan: Plan, title: str, tree: str) -> str:
    """Subject with the counts, the site, and the trailer that marks a publish commit."""
    site = " ".join(title.split()) or "site"
    return (
        f"Publish {site}: {summary(plan)}\n\n"
        "Made by `briefing publish`; the files it wrote are listed in "
        f"{MANIFEST}.\n\n{TRAILER}: {tree}\n"
    )


def push(repo: Repo, branch: Branch, commit: str) -> None:
    """Fast-forward the remote branch to `commit` (never a forced push)."""
    ref = f"refs/heads/{repo.remote.branch}"
    try:
        git(repo, "push", "--quiet", "--", repo.remote.url, f"{commit}:{ref}")
    except PublishError as exc:
        if "non-fast-forward" in str(exc) or "fetch first" in str(exc):
            raise PublishError(
                f"branch {repo.remote.branch} changed while publishing; publish again"
            ) from None
        raise


PUBLISHER = Publisher(run=run, pages_files=True)
"""The git publisher, for the registry."""
