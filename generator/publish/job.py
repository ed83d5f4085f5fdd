"""What a publisher is given and what it returns, and how targets are named safely.

A target is written as a URL whose scheme picks the publisher (`git+file://`, `rsync://`,
`file://`), scp-style `user@host:/path` (rsync over ssh), or a plain folder path. URLs may
carry credentials (`https://user:token@host/...`): they are shown only through `redact`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from generator.config import PublishTarget
from generator.publish.plan import Plan
from generator.publish.tree import Tree

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_SCP_LIKE = re.compile(r"(?:[^@/:\s]+@)?[^@/:\s]+:")
PATH = "path"
"""The pseudo-scheme of a plain folder path."""
SSH = "ssh"
"""The pseudo-scheme of scp-style `[user@]host:path`, which rsync reaches over ssh."""


@dataclass(frozen=True, slots=True)
class Job:
    """One publish, as handed to a publisher."""

    url: str
    """The target as written (a relative folder already resolved); may hold credentials."""
    settings: PublishTarget
    """The target's settings from site.yaml (defaults for a target given on the command line)."""
    tree: Tree
    """The freshly built site."""
    site_dir: Path
    """The site being published (a folder target must not swallow it)."""
    title: str
    """The site's title, for commit messages."""
    dry_run: bool
    """Plan only: change nothing anywhere."""
    force: bool
    """Override the safety refusals (never the rule that others' files are not deleted)."""
    scratch: Path
    """A private temporary folder the publisher may use."""

    @property
    def where(self) -> str:
        """The target as it may be shown: credentials replaced by `***`."""
        return redact(self.url)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a publish did (or, in a dry run, would do)."""

    plan: Plan
    """Files added, changed and removed."""
    note: str = ""
    """Anything else worth a line, e.g. 'commit 1a2b3c4 on gh-pages'."""


@dataclass(frozen=True, slots=True)
class Publisher:
    """One kind of target, as listed in the registry by URL scheme."""

    run: Callable[[Job], Outcome]
    """Plan the publish, check it, and (unless a dry run) carry it out."""
    pages_files: bool
    """Whether the target gets `.nojekyll` and `CNAME` (static page hosts read them)."""


def scheme_of(url: str) -> str:
    """The registry key for a target: its URL scheme, `ssh` for scp-style, else `path`."""
    match = _SCHEME.match(url)
    if match:
        return match.group(1).lower()
    return SSH if _SCP_LIKE.match(url) else PATH


def redact(url: str) -> str:
    """`url` with its credentials (user and password, or a token) shown as `***`."""
    return scrub(url, url)


def scrub(text: str, url: str) -> str:
    """`text` (say, a tool's error output) with every secret of `url` replaced by `***`."""
    for secret, shown in secrets_of(url):
        text = text.replace(secret, shown)
    return text


def secrets_of(url: str) -> list[tuple[str, str]]:
    """Each text of `url` that must never be printed, with what to print instead."""
    if not _SCHEME.match(url):
        return []
    parts = urlsplit(url)
    userinfo, at, _host = parts.netloc.rpartition("@")
    # A user name alone is usually harmless (git@, deploy@), but over http hosts take
    # access tokens as the user name, so the whole of it goes.
    if not at or not (parts.password or parts.scheme.endswith(("http", "https"))):
        return []
    found = [(userinfo + "@", "***@")]
    if parts.password and len(parts.password) >= 4:  # a decoded copy may appear in messages
        found.append((parts.password, "***"))
    return found
