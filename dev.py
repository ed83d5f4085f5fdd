#!/usr/bin/env python3
"""Set-up and developer tasks for briefing, on a machine that has only Python >= 3.11.

    python3 dev.py example   # make .venv, install briefing, build the example archive
    python3 dev.py test      # make .venv, install briefing and test tools, run every check

Everything is installed into ./.venv (the system Python may refuse global installs).
System packages the browser, publish and validator tests need are installed with apt-get
when they are missing and this runs as root; otherwise those tests skip and say why.
Only the standard library is used here, because nothing else is installed yet.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".briefing-installed"
# Debian packages the tests use, by the command that shows they are there.
APT_PACKAGES = {
    "git": "git",  # publish to a git branch
    "rsync": "rsync",  # publish with rsync
    "chromium": "chromium",  # browser tests (Playwright drives Debian's Chromium)
    "java": "default-jre-headless",  # the Nu HTML Checker
    "xmllint": "libxml2-utils",  # feed and sitemap well-formedness
    "npm": "npm",  # fetches axe-core and vnu-jar below
}
# npm packages the tests use, installed into .tools/ (git-ignored).
NPM_PACKAGES = ("axe-core@4.14.1", "vnu-jar@26.9.27")
TOOLS = ROOT / ".tools"


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    """Run one command, echoing it; stop with its exit status if it fails."""
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_venv(extras: str) -> None:
    """Create .venv and install the package (editable) when pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under any python3
        sys.exit(f"briefing needs Python >= 3.11, this is {sys.version.split()[0]}")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    # Editable, so that tests and `briefing` run this checkout.
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", target)
    STAMP.write_text(wanted)


def ensure_system_packages() -> None:
    """Install the Debian packages the tests use, when missing and we may."""
    missing = [pkg for command, pkg in APT_PACKAGES.items() if shutil.which(command) is None]
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(f"note: {', '.join(missing)} missing and cannot be installed here; tests skip")
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-qq", env=env)
    run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, env=env)


def ensure_npm_tools() -> None:
    """axe-core and the Nu HTML Checker, into .tools/node_modules."""
    modules = TOOLS / "node_modules"
    if all((modules / name.rsplit("@", 1)[0]).is_dir() for name in NPM_PACKAGES):
        return
    if shutil.which("npm") is None:
        print("note: npm missing; accessibility and HTML validator tests skip")
        return
    TOOLS.mkdir(exist_ok=True)
    # --ignore-scripts: vnu-jar's postinstall would download a Java runtime; Debian's is used.
    args = ("--silent", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", TOOLS)
    run("npm", "install", *args, *NPM_PACKAGES)


def example() -> None:
    """Build the bundled example archive into build/."""
    ensure_venv("")
    run(BIN / "briefing", "build", "--site", ROOT)
    print(
        f"\nOpen the site: {BIN / 'briefing'} serve --site {ROOT}   (then http://127.0.0.1:8000/)"
    )
    print(f"or serve {ROOT / 'build'} with any static web server.")


def test() -> None:
    """Lint, type-check and run the whole test suite."""
    ensure_venv("test")
    ensure_system_packages()
    ensure_npm_tools()
    sources = [p for p in ("generator", "tests", "bench", "dev.py") if (ROOT / p).exists()]
    run(BIN / "ruff", "check", *sources)
    run(BIN / "ruff", "format", "--check", *sources)
    run(BIN / "mypy", "--strict", "generator")
    run(BIN / "python", "-m", "pytest", *sys.argv[2:])


COMMANDS = {"example": example, "test": test}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]]()
