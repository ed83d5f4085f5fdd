"""`briefing publish`: build strictly for a target, then put the site there safely.

A target is named in site.yaml under `publish:` or given as a URL or path; its scheme
picks the publisher from `PUBLISHERS`, a plain registry as in Lektor. Every publish first
runs a fresh strict build with the target's `base_url` into a private folder (any warning
stops it), turns it into a `Tree` (adding `.nojekyll`, `CNAME`, `.gz` copies as the target
wants), and hands it to the publisher, which plans (see plan.py), checks (manifest.py:
only what publish wrote is ever deleted) and, unless `--dry-run`, carries out the plan.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from generator.build import BuildOptions, build
from generator.config import PublishTarget, SiteConfig, load_config
from generator.errors import PublishError
from generator.publish import folder, git, rsync
from generator.publish.job import PATH, SSH, Job, Outcome, Publisher, redact, scheme_of
from generator.publish.plan import listing, summary
from generator.publish.tree import Extras, prepare
from generator.schema import did_you_mean

PUBLISHERS: Mapping[str, Publisher] = MappingProxyType(
    {
        PATH: folder.PUBLISHER,
        "file": folder.PUBLISHER,
        "git+file": git.PUBLISHER,
        "git+ssh": git.PUBLISHER,
        "git+https": git.PUBLISHER,
        "git+http": git.PUBLISHER,
        "rsync": rsync.PUBLISHER,
        SSH: rsync.PUBLISHER,
    }
)
"""Publisher for each URL scheme (`path`: a plain folder path; `ssh`: `user@host:path`)."""


@dataclass(frozen=True, slots=True)
class Target:
    """The target chosen for one publish."""

    label: str
    """How messages name it: its site.yaml name, or the URL with credentials hidden."""
    url: str
    """Where it is (a relative folder already resolved); may hold credentials."""
    settings: PublishTarget
    """Its settings (defaults for a target given on the command line)."""


def publish(
    site_dir: Path, target: str | None, dry_run: bool, force: bool, say: Callable[[str], None]
) -> int:
    """Build the site strictly for `target` and publish it; 0 on success.

    Raises GeneratorError subclasses (PublishError for refusals) with one-line messages.
    """
    config = load_config(site_dir)
    chosen = choose_target(config, site_dir, target)
    publisher = publisher_for(chosen.url)
    base_url = chosen.settings.base_url or config.base_url
    with tempfile.TemporaryDirectory(prefix="briefing-publish-") as scratch_name:
        scratch = Path(scratch_name)
        say(f"building for {base_url} (strict: any warning stops the publish)")
        build(BuildOptions(site_dir, out=scratch / "site", base_url=base_url, strict=True))
        tree = prepare(scratch / "site", extras_for(publisher, chosen.settings))
        job = Job(
            chosen.url, chosen.settings, tree, site_dir, config.title, dry_run, force, scratch
        )
        outcome = publisher.run(job)
    for line in report(outcome, chosen, dry_run):
        say(line)
    return 0


def choose_target(config: SiteConfig, site_dir: Path, target: str | None) -> Target:
    """The target named on the command line, or the only one in site.yaml."""
    if target is None:
        names = sorted(config.publish)
        if len(names) != 1:
            raise PublishError(_which_target(names))
        target = names[0]
    settings = config.publish.get(target)
    if settings is None:
        _check_not_a_typo(config, target)
        return Target(redact(target), target, PublishTarget(url=target))
    url = settings.url
    if scheme_of(url) == PATH and not Path(url).expanduser().is_absolute():
        url = str(site_dir / url)  # site.yaml paths are relative to the site
    return Target(target, url, settings)


def _check_not_a_typo(config: SiteConfig, target: str) -> None:
    """Refuse a bare word that is neither a target name nor an existing folder.

    `briefing publish wwww` meant the target `www`, not a new folder beside the user.
    """
    if scheme_of(target) == PATH and "/" not in target and not Path(target).expanduser().exists():
        hint = did_you_mean(target, config.publish)
        raise PublishError(
            f"no publish target named {target!r} in site.yaml{hint}; "
            f"to publish to a new folder, write ./{target}"
        )


def _which_target(names: list[str]) -> str:
    if not names:
        return (
            "no publish target: add one under `publish:` in site.yaml, or give a folder "
            "or URL (e.g. `briefing publish ../www`)"
        )
    return f"site.yaml names {len(names)} publish targets ({', '.join(names)}): choose one"


def publisher_for(url: str) -> Publisher:
    """The registered publisher for a target's scheme."""
    scheme = scheme_of(url)
    publisher = PUBLISHERS.get(scheme)
    if publisher is None:
        known = ", ".join(k for k in sorted(PUBLISHERS) if k not in (PATH, SSH))
        raise PublishError(
            f"{redact(url)}: no publisher for '{scheme}://' targets"
            f"{did_you_mean(scheme, PUBLISHERS)} (known: {known}, a folder path, user@host:path)"
        )
    return publisher


def extras_for(publisher: Publisher, settings: PublishTarget) -> Extras:
    """The files this target gets beyond the build."""
    pages = publisher.pages_files
    return Extras(nojekyll=pages, cname=settings.cname if pages else None, gzip=settings.gzip)


def report(outcome: Outcome, target: Target, dry_run: bool) -> list[str]:
    """Lines for the user: in a dry run every file, then one summary line."""
    lines = listing(outcome.plan) if dry_run else []
    verb = "dry run: would publish" if dry_run else "published"
    note = f" ({outcome.note})" if outcome.note else ""
    lines.append(f"{verb} to {target.label}: {summary(outcome.plan)}{note}")
    return lines
