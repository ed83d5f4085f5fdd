"""Shared by the browser and validator tests: where the tools are, building, serving.

The tools come from outside Python: Debian's chromium, java and xmllint, and the npm
packages axe-core and vnu-jar installed into `.tools/node_modules` (git-ignored) by
`python3 dev.py test`. A test whose tool is missing skips and names the missing piece.
"""

from __future__ import annotations

import functools
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.build import BuildOptions, build

from .conftest import FIXTURES, REPO, site_copy

NODE_MODULES = REPO / ".tools" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = REPO / "test-artifacts"
GOLDEN_SITE = FIXTURES / "golden-site"
SETUP = "run `python3 dev.py test`, which installs it"


def need_file(path: Path, what: str) -> Path:
    """`path`, or skip the test saying which tool is missing."""
    if not path.is_file():
        pytest.skip(f"{what} is not installed ({path} missing); {SETUP}")
    return path


def need_command(name: str, what: str) -> str:
    """The full path of a command (this Python's own scripts first), or skip."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        pytest.skip(f"{what} is not installed (no `{name}` on PATH); {SETUP}")
    return found


def build_site(site_dir: Path, out: Path, base_url: str) -> Path:
    """Build `site_dir` into `out` at `base_url`; returns `out`. A fixture archive is
    built from a copy beside `out` (its cache stays out of the repository)."""
    if site_dir.is_relative_to(FIXTURES):
        site_dir = site_copy(site_dir, out.parent)
    build(BuildOptions(site_dir, out=out, base_url=base_url))
    return out


def html_pages(root: Path) -> list[Path]:
    """Every HTML page of a built site (Pagefind's own bundle holds none)."""
    return sorted(root.rglob("*.html"))


class _SiteHandler(SimpleHTTPRequestHandler):
    """A static host: files from the folder, `404.html` for anything missing, no logging."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests report what matters."""


@dataclass(frozen=True)
class Served:
    """A site being served on the loopback interface."""

    root: Path
    """The folder the server serves (the site sits here or below it)."""
    base_url: str
    """`http://127.0.0.1:<port>/`."""

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")


@contextmanager
def serve(root: Path) -> Iterator[Served]:
    """Serve `root` on 127.0.0.1 at a free port until the block ends.

    The port is chosen before anything is built into `root`, so a site can be built
    with its final address.
    """
    handler = functools.partial(_SiteHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(root, f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
