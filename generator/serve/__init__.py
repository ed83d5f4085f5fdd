"""`briefing serve`: build, serve over HTTP, rebuild on every change, reload open pages.

One module per concern: `state` (build number and error shared with pages), `routes`
(request path -> file, refusing traversal), `hosts` (Host and Origin checks), `inject`
(reload script and error banner), `server` (HTTP), `watch` (watchdog, bursts of events),
`rebuild` (import, build, report). This module starts them in order and stops them.

The site is built into a private temporary folder (never the site's build/) with the
preview's own address as base_url, and served under the same path as in production.
"""

from __future__ import annotations

import errno
import signal
import tempfile
import threading
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.config import SiteConfig, load_config
from generator.errors import GeneratorError
from generator.serve.hosts import WILDCARDS, is_loopback
from generator.serve.indexing import BackgroundIndex
from generator.serve.rebuild import Builder, Rebuilder, Say, SiteBuilder, run_rebuilds
from generator.serve.server import PreviewServer
from generator.serve.state import BuildState, BuildStatus
from generator.serve.watch import ChangeCollector, Watcher, WatchScope

__all__ = [
    "BuildState",
    "BuildStatus",
    "Builder",
    "Preview",
    "PreviewServer",
    "ServeOptions",
    "SiteBuilder",
    "serve",
]


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """What `briefing serve` was asked to do."""

    site_dir: Path
    host: str = "127.0.0.1"
    """Address to listen on; anything but loopback is said as a warning."""
    port: int = 8000
    """0 picks a free port."""
    reload: bool = True
    """Inject the reload script so open pages follow rebuilds (`--no-reload`: off)."""
    open_browser: bool = False
    """Open the site in the default browser after the first build."""


def serve(options: ServeOptions, say: Say) -> int:
    """Serve until KeyboardInterrupt, then return 0; GeneratorError for start-up problems."""
    site = options.site_dir.resolve()
    config = load_config(site)  # a site.yaml broken later only shows in the banner
    if not is_loopback(options.host):
        say(f"warning: listening on {options.host}: other machines can read this preview")
    with stopped_by_sigterm(), tempfile.TemporaryDirectory(prefix="briefing-serve-") as tmp:
        server = open_server(options, Path(tmp) / "site", config.base_path, BuildState(), say)
        preview = Preview.start(site, config, server, say)
        try:
            preview.rebuilder.rebuild()
            if options.open_browser:
                webbrowser.open(preview.url)
            preview.run()
        except KeyboardInterrupt:
            pass
        finally:
            preview.stop()
    return 0


@contextmanager
def stopped_by_sigterm() -> Iterator[None]:
    """Let SIGTERM stop the server like Ctrl+C does, so the temporary site is removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def open_server(
    options: ServeOptions, out: Path, base_path: str, state: BuildState, say: Say
) -> PreviewServer:
    """Bind the HTTP server, naming the problem when the address cannot be used."""
    try:
        return PreviewServer(
            (options.host, options.port), out, base_path, state, reload=options.reload, say=say
        )
    except OSError as exc:
        hint = " (is another server running? try --port)" if exc.errno == errno.EADDRINUSE else ""
        raise GeneratorError(
            f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc}{hint}"
        ) from None


def address_of(server: PreviewServer) -> str:
    """`http://host:port` of the server as a browser on this machine reaches it."""
    host = str(server.server_address[0])
    host = "127.0.0.1" if host in WILDCARDS else host
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{server.port}"


@dataclass(frozen=True, slots=True)
class Preview:
    """A running preview: the HTTP server's thread, the watcher and the rebuilder."""

    url: str
    """The site's address, with its base path."""
    server: PreviewServer
    watcher: Watcher
    rebuilder: Rebuilder
    inbox: Path

    @classmethod
    def start(
        cls,
        site: Path,
        config: SiteConfig,
        server: PreviewServer,
        say: Say,
        builder: Builder | None = None,
    ) -> Preview:
        """Start serving and watching (before the first build, so no edit is missed)."""
        url = address_of(server) + config.base_path
        builder = builder or SiteBuilder(
            site,
            server.root,
            url,
            search=BackgroundIndex(site, server.root, say),
            state=server.state,
        )
        search = builder.search if isinstance(builder, SiteBuilder) else None
        on_change = search.interrupt if search is not None else None
        watcher = Watcher(ChangeCollector(WatchScope.for_site(site, config), on_change))
        watcher.start()
        serving = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
        serving.start()
        say(f"serving {url} (Ctrl+C to stop)")
        rebuilder = Rebuilder(site, builder, server.state, say)
        return cls(url, server, watcher, rebuilder, site / config.paths.content / "inbox")

    def run(self) -> None:
        """Rebuild after every burst of changes until `stop`."""
        run_rebuilds(self.rebuilder, self.watcher.collector, self.watcher, self.inbox)

    def stop(self) -> None:
        """Stop watching, indexing and serving; open reload connections end."""
        self.watcher.stop()
        builder = self.rebuilder.builder
        if isinstance(builder, SiteBuilder) and builder.search is not None:
            builder.search.close()
        self.server.close()
