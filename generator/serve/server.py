"""The preview HTTP server: the built site, the reload channel and the banner.

Stdlib `ThreadingHTTPServer`, one thread per connection. Every request is checked in
the same order: Host (DNS rebinding), target (traversal), then routed. A failing or
malformed request ends only its own connection; the server keeps answering.
"""

from __future__ import annotations

import mimetypes
import select
import socket
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from generator.hosting import ASSET_CACHE, carries_fingerprint
from generator.serve.hosts import HostPolicy
from generator.serve.inject import EVENTS_PATH, SCRIPT_PATH, STYLE_PATH, inject, placeholder
from generator.serve.routes import RESERVED_PREFIX, Route, request_path, route, site_file
from generator.serve.state import BuildState, BuildStatus

MAX_LISTENERS = 64
"""Open reload connections at most (each holds a thread); more get 503."""
BUILD_WAIT_SECONDS = 30.0
"""How long a request for a page waits for a build that showed other pages first before
it is answered from the site as it is (a build takes seconds, not this long)."""
KEEPALIVE_SECONDS = 15.0
"""Silence on the reload channel after which a comment is sent."""
GONE_CHECK_SECONDS = 0.25
"""How often a reload channel checks that its page is still there: a page gone (a tab
closed, a link followed) stops counting as open within this time, and a build that
shows the open pages first does not wait for it to reload."""

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".wasm": "application/wasm",
    ".svg": "image/svg+xml",
}
_TEXT = "text/plain; charset=utf-8"


class PreviewServer(ThreadingHTTPServer):
    """Serves the site built into `root` under `base_path`, with live reload."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        root: Path,
        base_path: str,
        state: BuildState,
        *,
        reload: bool = True,
        say: Callable[[str], None] = lambda _line: None,
    ) -> None:
        self.address_family = _family(address)
        super().__init__(address, PreviewHandler)
        self.root = root
        self.base_path = base_path
        self.state = state
        self.reload = reload
        self.say = say
        self.hosts = HostPolicy.for_binding(address[0], self.port)
        self.listeners = threading.BoundedSemaphore(MAX_LISTENERS)
        self.script = resources.files(__package__).joinpath("reload.js").read_bytes()
        self.style = resources.files(__package__).joinpath("reload.css").read_bytes()

    @property
    def port(self) -> int:
        """The port actually bound (differs from the requested one when that was 0)."""
        return int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One failing request is reported and forgotten; closed connections are normal."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        self.say(f"warning: request failed: {type(exc).__name__}: {exc}")

    def close(self) -> None:
        """Stop answering: end reload connections, then the serving loop and the socket."""
        self.state.close()
        self.shutdown()
        self.server_close()


def _family(address: tuple[str, int]) -> socket.AddressFamily:
    """IPv6 for IPv6 hosts (and names that resolve only to IPv6), else IPv4."""
    infos = socket.getaddrinfo(address[0] or None, address[1], type=socket.SOCK_STREAM)
    families = [info[0] for info in infos]
    return socket.AF_INET if socket.AF_INET in families else families[0]


class PreviewHandler(BaseHTTPRequestHandler):
    """One request: check Host and target, then a reserved path or a file of the site."""

    server: PreviewServer
    server_version = "briefing-serve"
    timeout = 10.0  # a slow or silent client releases its thread

    def do_GET(self) -> None:
        """Answer GET."""
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        """Answer HEAD: the headers of GET."""
        self._answer(send_body=False)

    def version_string(self) -> str:
        """The Server header: no Python version to advertise."""
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the command prints one line per rebuild, not one per request."""

    def _answer(self, send_body: bool) -> None:
        refusal = self._refusal()
        if refusal is not None:
            self._send_text(refusal, send_body)
            return
        path = request_path(self.path)
        if path is None:
            self._send_text(HTTPStatus.BAD_REQUEST, send_body)
        elif path.startswith(RESERVED_PREFIX):
            self._reserved(path, send_body)
        else:
            self._site(path, send_body)

    def _refusal(self) -> HTTPStatus | None:
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            return HTTPStatus.BAD_REQUEST
        return None if self.server.hosts.allows(hosts[0]) else HTTPStatus.FORBIDDEN

    def _reserved(self, path: str, send_body: bool) -> None:
        server = self.server
        if path == STYLE_PATH:
            self._send(HTTPStatus.OK, server.style, _TYPES[".css"], send_body)
        elif path == SCRIPT_PATH and server.reload:
            self._send(HTTPStatus.OK, server.script, _TYPES[".js"], send_body)
        elif path == EVENTS_PATH and server.reload:
            self._events(send_body)
        else:
            self._send_text(HTTPStatus.NOT_FOUND, send_body)

    def _site(self, path: str, send_body: bool) -> None:
        state = self.server.state
        status = state.current()
        if not status.has_site:
            page = placeholder(status, self.server.reload)
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, page, _TYPES[".html"], send_body)
            return
        file = site_file(self.server.base_path, path)
        if file is not None:
            shown = state.shown_first(file)
            if shown is not None and self._send_shown(shown, send_body):
                return
            if shown is None and file.endswith(".html"):
                state.wait_for_build(BUILD_WAIT_SECONDS)  # the old page would not reload
        found = route(self.server.root, self.server.base_path, path)
        if found.location is not None:
            self._redirect(found, send_body)
        elif found.file is not None:
            self._send_file(found.file, HTTPStatus.OK, send_body)
        else:
            self._not_found(send_body)

    def _not_found(self, send_body: bool) -> None:
        page = self.server.root / "404.html"
        if page.is_file():
            self._send_file(page, HTTPStatus.NOT_FOUND, send_body)
        else:
            self._send_text(HTTPStatus.NOT_FOUND, send_body)

    def _send_shown(self, file: Path, send_body: bool) -> bool:
        """Send a file an unfinished build shows first; False once the build has moved
        it into the site (serve it from there)."""
        try:
            data = file.read_bytes()
        except OSError:
            return False
        self._send_data(file, data, HTTPStatus.OK, send_body)
        return True

    def _send_file(self, file: Path, code: HTTPStatus, send_body: bool) -> None:
        try:
            data = file.read_bytes()
        except OSError:  # replaced by a build between routing and reading
            self._send_text(HTTPStatus.NOT_FOUND, send_body)
            return
        self._send_data(file, data, code, send_body)

    def _send_data(self, file: Path, data: bytes, code: HTTPStatus, send_body: bool) -> None:
        """Send the bytes of a file of the site: a page with the reload script."""
        extra = None
        if file.suffix == ".html":
            data = inject(data, self.server.state.current(), self.server.reload)
        elif file.parent.name == "static" and carries_fingerprint(file.name, data):
            # Its name changes with its bytes: a reload need not fetch it again.
            extra = {"Cache-Control": ASSET_CACHE}
        self._send(code, data, content_type(file), send_body, extra)

    def _redirect(self, found: Route, send_body: bool) -> None:
        location = found.location or "/"
        self._send(found.status, b"", _TEXT, send_body, {"Location": location})

    def _events(self, send_body: bool) -> None:
        # Every Origin must be ours: with two, the one checked might not be the one obeyed.
        origins = self.headers.get_all("Origin") or []
        if not all(self.server.hosts.allows_origin(origin) for origin in origins):
            self._send_text(HTTPStatus.FORBIDDEN, send_body)
        elif not send_body:
            self._send(HTTPStatus.OK, b"", "text/event-stream", send_body)
        elif not self.server.listeners.acquire(blocking=False):
            self._send_text(HTTPStatus.SERVICE_UNAVAILABLE, send_body)
        else:
            try:
                with self.server.state.page_open(self._page_of_events()):
                    self._stream_events()
            finally:
                self.server.listeners.release()

    def _page_of_events(self) -> str | None:
        """The file of the page that opened the reload channel (its `page` parameter: a
        name to compare with the build's, never opened), or None."""
        pages = parse_qs(urlsplit(self.path).query).get("page", [])
        path = request_path(pages[0]) if len(pages) == 1 and len(pages[0]) < 2048 else None
        return site_file(self.server.base_path, path) if path is not None else None

    def _stream_events(self) -> None:
        """Send the build number now and after every build, until the page goes away."""
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")
        status: BuildStatus | None = self.server.state.current()
        sent, quiet_since = -1, time.monotonic()
        while status is not None and not self._client_gone():
            if status.number != sent:
                self.wfile.write(f"data: {status.number}\n\n".encode())
                sent, quiet_since = status.number, time.monotonic()
            elif time.monotonic() - quiet_since >= KEEPALIVE_SECONDS:
                self.wfile.write(b": keep-alive\n\n")  # through proxies that drop idle lines
                quiet_since = time.monotonic()
            status = self.server.state.wait_for_change(sent, GONE_CHECK_SECONDS)

    def _client_gone(self) -> bool:
        """Whether the page closed its end: a page never sends on its reload channel, so
        anything to read is the end of the connection (a write could still succeed)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and not self.connection.recv(1, socket.MSG_PEEK)
        except (OSError, ValueError):
            return True

    def _send_text(self, code: HTTPStatus, send_body: bool) -> None:
        self._send(code, f"{code.value} {code.phrase}\n".encode(), _TEXT, send_body)

    def _send(
        self,
        code: HTTPStatus,
        body: bytes,
        ctype: str,
        send_body: bool,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(code)
        for name, value in {
            "Content-Type": ctype,
            "Content-Length": str(len(body)),
            "Cache-Control": "no-store",  # every rebuild must show, not a cached copy
            "X-Content-Type-Options": "nosniff",
            **(extra or {}),
        }.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def content_type(file: Path) -> str:
    """The Content-Type of a file of the site, by its suffix."""
    known = _TYPES.get(file.suffix.lower())
    if known is not None:
        return known
    guessed, _ = mimetypes.guess_type(file.name)
    return guessed or "application/octet-stream"
