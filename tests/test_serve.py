"""The preview server, in process: routes and refusals, reload channel, banner, watcher.

Sockets are on 127.0.0.1 only, on ports the system picks; every wait is bounded. HTTP
tests inject a builder that writes a small tree through the real output writer (as
MkDocs injects its builder); rebuild tests run the real build of a small fictional site.
"""

from __future__ import annotations

import gzip
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from generator import search, search_shards
from generator.build import BuildOptions, build
from generator.config import load_config
from generator.errors import ContentError, Diagnostic, GeneratorError, Severity
from generator.hosting import ASSET_CACHE, carries_fingerprint, fingerprint
from generator.models import BuildReport, OutputFile
from generator.output import write_site
from generator.search import pagefind_binary
from generator.serve import (
    BuildState,
    Preview,
    PreviewServer,
    ServeOptions,
    SiteBuilder,
    serve,
)
from generator.serve.hosts import HostPolicy, is_loopback
from generator.serve.indexing import BackgroundIndex, take_snapshot
from generator.serve.inject import SCRIPT_PATH
from generator.serve.rebuild import Rebuilder
from generator.serve.routes import request_path, route, site_file
from generator.serve.watch import ChangeCollector, Watcher, WatchScope

from .conftest import REPO

BASE = "/notes/"
SECRET = b"secret bytes from outside the site"
BOUND = 20.0  # seconds any wait may last before the test fails


# --- helpers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reply:
    """One raw HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes


def raw_request(port: int, data: bytes) -> Reply:
    """Send bytes as they are (no client-side cleaning of the path) and read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=BOUND) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines[0].startswith("HTTP/") else 0
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return Reply(status, headers, body)


def get(port: int, target: str, host: str | None = None, extra: str = "") -> Reply:
    host = host if host is not None else f"127.0.0.1:{port}"
    return raw_request(port, f"GET {target} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode())


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + BOUND
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)


@dataclass
class TreeBuilder:
    """A builder writing a given tree through the real output writer, or failing on demand."""

    out: Path
    pages: dict[str, bytes] = field(default_factory=dict)
    failure: Exception | None = None
    builds: int = 0

    def build(self) -> BuildReport:
        self.builds += 1
        if self.failure is not None:
            raise self.failure
        write_site(self.out, [OutputFile(p, d) for p, d in sorted(self.pages.items())])
        return BuildReport(pages=len(self.pages), articles=0, topics=0)


def page(text: str) -> bytes:
    return (
        "<!DOCTYPE html>\n<html><head><title>t</title></head>\n"
        f'<body class="x"><p id="text">{text}</p></body></html>\n'
    ).encode()


@dataclass(frozen=True, slots=True)
class Running:
    server: PreviewServer
    builder: TreeBuilder
    rebuilder: Rebuilder
    outside: Path

    @property
    def port(self) -> int:
        return self.server.port


def start_server(root: Path, state: BuildState, reload: bool = True) -> PreviewServer:
    server = PreviewServer(("127.0.0.1", 0), root, BASE, state, reload=reload)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    """A server on a built tree, plus files and symlinks around it to attack."""
    yield from make_running(tmp_path)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """The same, for tests that only read (one server for many requests)."""
    yield from make_running(tmp_path_factory.mktemp("shared"))


def make_running(tmp_path: Path) -> Iterator[Running]:
    out, outside = tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SECRET)
    builder = TreeBuilder(out)
    builder.pages = {
        "index.html": page("home v1"),
        "a/index.html": page("page a"),
        "style.css": b"body { color: black }\n",
        "feed.xml": b"<feed/>\n",
        "empty/nothing.txt": b"not an index\n",
        "404.html": page("no such page"),
    }
    state = BuildState(first=100)
    server = start_server(out, state)
    rebuilder = Rebuilder(tmp_path, builder, state, lambda _line: None)
    rebuilder.rebuild()
    (out / "leak.txt").symlink_to(outside / "secret.txt")
    (out / "escape").symlink_to(outside, target_is_directory=True)
    (out / "inside.css").symlink_to(out / "style.css")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    yield Running(server, builder, rebuilder, outside)
    server.close()


# --- routes and refusals -------------------------------------------------------------------

TRAVERSAL = [
    ("/notes/../secret.txt", 400),
    ("/notes/../../secret.txt", 400),
    ("/notes/a/../../secret.txt", 400),
    ("/notes/%2e%2e/secret.txt", 400),
    ("/notes/%2E%2E/secret.txt", 400),
    ("/notes/.%2e/secret.txt", 400),
    ("/notes/%2e./secret.txt", 400),
    ("/notes/..%2fsecret.txt", 400),
    ("/notes/..%2Fsecret.txt", 400),
    ("/notes/%2e%2e%2fsecret.txt", 400),
    ("/notes/%252e%252e/secret.txt", 400),
    ("/notes/..%252fsecret.txt", 400),
    ("/notes/%252e%252e%252fsecret.txt", 400),
    ("/notes/..\\secret.txt", 400),
    ("/notes/%5c..%5csecret.txt", 400),
    ("/notes/..%5csecret.txt", 400),
    ("/notes/%2e%2e%5csecret.txt", 400),
    ("/notes/%c0%ae%c0%ae/secret.txt", 400),  # overlong UTF-8 for "."
    ("/notes/%u002e%u002e/secret.txt", 400),
    ("/notes/..", 400),
    ("/notes/.", 400),
    ("/notes/./a/", 400),
    ("//secret.txt", 404),  # http.server collapses leading slashes: /secret.txt
    ("/notes//secret.txt", 400),
    ("/notes/%2fsecret.txt", 400),
    ("/notes/%2F%2Fsecret.txt", 400),
    ("/notes/....//secret.txt", 400),
    ("/notes/a%00.html", 400),
    ("/notes/%0a/", 400),
    ("http://127.0.0.1/notes/", 400),
    ("secret.txt", 400),
    ("/notes/leak.txt", 404),  # symlink to a file outside the site
    ("/notes/escape/secret.txt", 404),  # through a symlinked folder
    ("/notes/escape/", 404),
    ("/notes/%ef%bc%8e%ef%bc%8e/secret.txt", 404),  # full-width dots are just a name
    ("/secret.txt", 404),
    ("/notes/.briefing-build", 404),
    ("/notes/empty/", 404),  # a folder without index.html: no listing
    ("/notes/missing/", 404),
]

ALLOWED = [
    ("/", 302),
    ("/notes", 301),
    ("/notes/", 200),
    ("/notes/index.html", 200),
    ("/notes/a", 301),
    ("/notes/a/", 200),
    ("/notes/a/?q=../../secret.txt", 200),
    ("/notes/style.css", 200),
    ("/notes/inside.css", 200),  # a symlink that stays inside the site is fine
    ("/notes/feed.xml", 200),
    ("/notes/empty/nothing.txt", 200),
]


@pytest.mark.parametrize(("target", "expected"), TRAVERSAL + ALLOWED)
def test_routes(shared: Running, target: str, expected: int) -> None:
    reply = get(shared.port, target)
    assert reply.status == expected
    assert SECRET not in reply.body


def test_redirect_targets(shared: Running) -> None:
    assert get(shared.port, "/").headers["location"] == "/notes/"
    assert get(shared.port, "/notes").headers["location"] == "/notes/"
    assert get(shared.port, "/notes/a").headers["location"] == "/notes/a/"


def test_not_found_serves_the_site_404_page(shared: Running) -> None:
    reply = get(shared.port, "/notes/missing/")
    assert b"no such page" in reply.body
    assert SCRIPT_PATH.encode() in reply.body


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1:{port}", 200),
        ("localhost:{port}", 200),
        ("LocalHost:{port}", 200),
        ("[::1]:{port}", 200),
        ("evil.example:{port}", 403),
        ("127.0.0.1.nip.io:{port}", 403),
        ("localhost.evil.example:{port}", 403),
        ("localhost:1", 403),
        ("localhost", 403),
        ("127.0.0.1", 403),
        ("192.168.1.20:{port}", 403),
        ("localhost:{port}@evil.example", 403),
        ("[::1]", 403),
        ("", 403),
    ],
)
def test_host_header(shared: Running, host: str, expected: int) -> None:
    reply = get(shared.port, "/notes/", host=host.format(port=shared.port))
    assert reply.status == expected
    assert (b"home v1" in reply.body) == (expected == 200)


def test_missing_or_repeated_host_is_refused(shared: Running) -> None:
    port = shared.port
    assert raw_request(port, b"GET /notes/ HTTP/1.0\r\n\r\n").status == 400
    twice = f"GET /notes/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\n\r\n"
    assert raw_request(port, twice.encode()).status == 400


def test_host_policy_of_a_named_binding() -> None:
    policy = HostPolicy.for_binding("preview.internal", 9000)
    assert policy.allows("preview.internal:9000")
    assert not policy.allows("other.internal:9000")
    assert not policy.allows("10.0.0.5:9000")
    everywhere = HostPolicy.for_binding("0.0.0.0", 9000)
    assert everywhere.allows("10.0.0.5:9000")  # an IP literal cannot be a rebound name
    assert not everywhere.allows("evil.example:9000")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        *[("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True)],
        *[("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("example.org", False)],
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    "target", ["/a/../b", "/%2e%2e/", "/a%252fb", "/a\\b", "//x", "/x/%00", "x", "/%ff"]
)
def test_request_path_refuses(target: str) -> None:
    assert request_path(target) is None


@pytest.mark.parametrize(
    ("path", "status", "where"),
    [
        ("/", 200, "index.html"),
        ("/a/", 200, "a/index.html"),
        ("/a", 301, "/a/"),
        ("/nope", 404, None),
    ],
)
def test_routes_of_a_site_at_the_root(
    tmp_path: Path, path: str, status: int, where: str | None
) -> None:
    write_site(tmp_path / "out", [OutputFile("index.html", b"i"), OutputFile("a/index.html", b"a")])
    found = route(tmp_path / "out", "/", path)
    assert found.status == status
    if status == 200:
        assert found.file == (tmp_path / "out" / str(where)).resolve()
    else:
        assert found.location == where


MALFORMED = [
    b"\r\n\r\n",
    b"GARBAGE\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1 extra\r\n\r\n",
    b"G\x00ET / HTTP/1.1\r\n\r\n",
    b"GET /\x00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"\xff\xfe\xfd\xfc\r\n\r\n",
    b"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + b"X-A: b\r\n" * 150 + b"\r\n",
    b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: " + b"h" * 70_000 + b"\r\n\r\n",
    b"DELETE /notes/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"POST /notes/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello",
    b"GET /notes/ HTTP/1.1\r\nHost: 127.0.0.1",  # never finished
    b"GET /notes/ HTTP/1.1\r\n\tcontinued: header\r\n\r\n",
]


def test_malformed_requests_never_stop_the_server(running: Running) -> None:
    for round_ in range(15):
        for data in MALFORMED:
            with socket.create_connection(("127.0.0.1", running.port), timeout=BOUND) as sock:
                sock.sendall(data)
                if round_ % 2:  # sometimes read the answer, sometimes hang up at once
                    sock.shutdown(socket.SHUT_WR)
                    sock.recv(4096)
    assert get(running.port, "/notes/").status == 200


def test_head_has_no_body(shared: Running) -> None:
    head = f"HEAD /notes/ HTTP/1.1\r\nHost: 127.0.0.1:{shared.port}\r\n\r\n"
    reply = raw_request(shared.port, head.encode())
    assert reply.status == 200
    assert reply.body == b""
    assert int(reply.headers["content-length"]) > 0


# --- injection, reload channel, banner ------------------------------------------------------


def test_script_is_injected_into_html_only(running: Running) -> None:
    home = get(running.port, "/notes/")
    number = running.server.state.current().number
    assert f'<script src="{SCRIPT_PATH}" data-build="{number}"></script>'.encode() in home.body
    assert home.headers["cache-control"] == "no-store"
    assert get(running.port, "/notes/style.css").body == b"body { color: black }\n"
    script = get(running.port, SCRIPT_PATH)
    assert script.headers["content-type"].startswith("text/javascript")
    assert b"EventSource" in script.body
    assert b"__briefing__" not in (running.server.root / "index.html").read_bytes()


def test_no_reload_serves_no_script(tmp_path: Path) -> None:
    builder = TreeBuilder(tmp_path / "out", {"index.html": page("quiet")})
    state = BuildState()
    server = start_server(builder.out, state, reload=False)
    try:
        Rebuilder(tmp_path, builder, state, lambda _line: None).rebuild()
        assert b"__briefing__" not in get(server.port, "/notes/").body
        assert get(server.port, SCRIPT_PATH).status == 404
        assert get(server.port, "/__briefing__/events").status == 404
    finally:
        server.close()


def read_events(sock: socket.socket, count: int) -> list[int]:
    """The first `count` build numbers sent on an open reload channel."""
    buffer, numbers = b"", []
    while len(numbers) < count:
        chunk = sock.recv(4096)
        assert chunk, "reload channel closed early"
        buffer += chunk
        while b"\n\n" in buffer:
            event, buffer = buffer.split(b"\n\n", 1)
            numbers += [int(line[5:]) for line in event.split(b"\n") if line.startswith(b"data:")]
    return numbers


def open_events(port: int, origin: str | None) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=BOUND)
    header = f"Origin: {origin}\r\n" if origin else ""
    request = f"GET /__briefing__/events HTTP/1.1\r\nHost: localhost:{port}\r\n{header}\r\n"
    sock.sendall(request.encode())
    return sock


def test_reload_channel_carries_build_numbers(running: Running) -> None:
    first = running.server.state.current().number
    with open_events(running.port, f"http://localhost:{running.port}") as sock:
        assert read_events(sock, 1) == [first]
        running.rebuilder.rebuild()
        assert read_events(sock, 1) == [first + 1]


@pytest.mark.parametrize(
    ("path", "file"),
    [
        ("/notes/", "index.html"),
        ("/notes/a/", "a/index.html"),
        ("/notes/a/index.html", "a/index.html"),
        ("/notes/style.css", "style.css"),
        ("/notes/.build-marker", None),
        ("/other/a/", None),
    ],
)
def test_the_site_file_a_path_names(path: str, file: str | None) -> None:
    assert site_file(BASE, path) == file


def open_page_events(port: int, page: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=BOUND)
    target = f"/__briefing__/events?page={quote(page, safe='')}"
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n".encode())
    return sock


def test_a_reload_channel_names_its_open_page(running: Running) -> None:
    state = running.server.state
    hostile = ["/notes/../../etc/passwd", "/notes/%2e%2e/x", "http://evil.example/notes/"]
    with open_page_events(running.port, "/notes/a/") as sock:
        read_events(sock, 1)
        for page in hostile:  # named by nothing, opened never
            with open_page_events(running.port, page) as other:
                read_events(other, 1)
        assert state.open_pages() == {"a/index.html"}
    # A closed page is noticed at once, not when it is next written to (which may work).
    wait_until(lambda: not state.open_pages(), "the page to be forgotten")


def test_pages_shown_first_are_served_at_once_and_the_others_after_the_build(
    running: Running, tmp_path: Path
) -> None:
    state = running.server.state
    staging = tmp_path / "staging"
    (staging / "a").mkdir(parents=True)
    (staging / "a" / "index.html").write_bytes(page("page a v2"))
    before = state.current().number
    state.show_first(staging)
    assert state.current().number == before + 1  # open pages reload now ...
    assert b"page a v2" in get(running.port, "/notes/a/").body
    home: list[Reply] = []
    waiting = threading.Thread(target=lambda: home.append(get(running.port, "/notes/")))
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive()  # ... any other page waits for the build's end
    (staging / "a" / "index.html").unlink()  # the build moves its files into the site
    state.publish(())
    waiting.join(BOUND)
    assert home and b"home v1" in home[0].body
    assert state.current().number == before + 1  # ... and nothing reloads twice
    assert b"page a" in get(running.port, "/notes/a/").body
    state.show_first(staging)
    state.publish(("content/x.md:3: broken",))  # a build failing after showing pages
    assert state.current().number == before + 3  # the pages reload onto the banner


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "http://evil.example:{port}",
        "https://localhost:{port}",
        "http://localhost:1",
        "null",
        "http://localhost:{port}/path",
        "http://user@localhost:{port}",
    ],
)
def test_foreign_origin_is_refused_on_the_reload_channel(shared: Running, origin: str) -> None:
    reply = get(
        shared.port,
        "/__briefing__/events",
        extra=f"Origin: {origin.format(port=shared.port)}\r\n",
    )
    assert reply.status == 403
    assert b"data:" not in reply.body


def test_failed_build_keeps_last_site_and_shows_escaped_banner(running: Running) -> None:
    running.builder.pages["index.html"] = page("home v2")
    problem = Diagnostic(
        "content/articles/x.md", 3, "bad <script>alert(1)</script>", Severity.ERROR
    )
    running.builder.failure = ContentError([problem])
    attempt = running.rebuilder.rebuild([running.outside / "x.md"])
    assert attempt.report is None
    failed = get(running.port, "/notes/").body
    assert b"home v1" in failed
    assert b"content/articles/x.md:3: bad &lt;script&gt;alert(1)&lt;/script&gt;" in failed
    assert b"<script>alert" not in failed
    assert b"/__briefing__/reload.css" in failed
    assert b'id="briefing-serve-error"' in get(running.port, "/notes/a/").body
    running.builder.failure = None
    running.rebuilder.rebuild()
    fixed = get(running.port, "/notes/").body
    assert b"home v2" in fixed
    assert b"briefing-serve-error" not in fixed


def test_a_bug_in_the_build_does_not_stop_the_server(running: Running) -> None:
    lines: list[str] = []
    running.builder.failure = RuntimeError("unexpected")
    attempt = Rebuilder(Path("/"), running.builder, running.server.state, lines.append).rebuild()
    assert attempt.status.errors == (
        "internal error (a bug in briefing): RuntimeError: unexpected",
    )
    assert any("Traceback" in line for line in lines)
    assert b"home v1" in get(running.port, "/notes/").body


def test_before_the_first_good_build_a_placeholder_is_served(tmp_path: Path) -> None:
    builder = TreeBuilder(tmp_path / "out", failure=GeneratorError("content folder not found"))
    state = BuildState()
    server = start_server(builder.out, state)
    try:
        assert b"Building the site" in get(server.port, "/notes/").body
        Rebuilder(tmp_path, builder, state, lambda _line: None).rebuild()
        reply = get(server.port, "/notes/any/page/")
        assert reply.status == 503
        assert b"content folder not found" in reply.body
        assert SCRIPT_PATH.encode() in reply.body
    finally:
        server.close()


# --- watching -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "counts"),
    [
        ("site.yaml", True),
        ("content/articles/2024/x.md", True),
        ("content/inbox/page.html", True),
        ("content/topics/floods.md", True),
        ("templates/article.html", True),
        ("content/articles/.x.md.swp", False),
        ("content/articles/x.md.swp", False),
        ("content/articles/x.md~", False),
        ("content/articles/4913", False),
        ("content/articles/.#x.md", False),
        ("content/articles/#x.md#", False),
        ("templates/base.html___jb_tmp___", False),
        ("templates/base.html___jb_old___", False),
        ("content/.cache/x.md", False),
        (".cache/search/index", False),
        ("build/index.html", False),
        ("content/topic-ids.json", False),
        ("content/.topic-ids.json.123.tmp", False),
        ("README.md", False),
        ("site.yaml.swp", False),
        (".git/index", False),
    ],
)
def test_which_changes_count(tmp_path: Path, name: str, counts: bool) -> None:
    (tmp_path / "site.yaml").write_text("title: T\n")
    scope = WatchScope.for_site(tmp_path, load_config(tmp_path))
    assert scope.counts(tmp_path / name) is counts


def test_a_burst_of_500_files_is_one_change_and_temp_files_none(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("title: T\n")
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    watcher = Watcher(ChangeCollector(WatchScope.for_site(tmp_path, load_config(tmp_path))))
    watcher.start()
    try:
        for number in range(500):  # what a `git checkout` does
            (articles / f"a{number:03}.md").write_text("text\n")
        burst = watcher.collector.next_burst(quiet=0.3)
        assert burst is not None and len(burst) == 500
        assert watcher.collector.settle(quiet=0.3) == []
        for name in (".a000.md.swp", "a000.md~", "4913", ".#a000.md", "a000.md___jb_tmp___"):
            (articles / name).write_text("editor\n")
        (tmp_path / "build").mkdir()
        (tmp_path / "build" / "index.html").write_text("output\n")
        assert watcher.collector.settle(quiet=0.3) == []
    finally:
        watcher.stop()


# --- the real build, watched and served -----------------------------------------------------

SITE_YAML = """title: Harbour notes
base_url: https://example.test/notes/
timezone: UTC
search:
  enabled: false
"""

FERRY = """---
title: Ferry timetable changes for the spring
outlet: The Quay Gazette
author: [Nell Marsh]
date: 2024-04-02
---

The morning ferry to Gull Island will leave twenty minutes earlier from Monday.

The harbour office said the change follows the new tide tables.
"""

LANTERNS = """---
title: Lanterns return to Harrow Quay
outlet: The Quay Gazette
author: Nell Marsh
date: 2024-05-02
---

The lantern festival came back to Harrow Quay on Thursday after a pause of four years.

Organisers counted more than nine hundred paper lanterns on the water by midnight.
"""


def make_fixture_site(root: Path) -> Path:
    (root / "content" / "articles" / "2024").mkdir(parents=True)
    (root / "content" / "inbox").mkdir()
    (root / "site.yaml").write_text(SITE_YAML)
    (root / "content" / "articles" / "2024" / "ferry.md").write_text(FERRY)
    return root


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Preview, list[str]]]:
    site = make_fixture_site(tmp_path / "site")
    lines: list[str] = []
    state = BuildState()
    server = PreviewServer(("127.0.0.1", 0), tmp_path / "out", BASE, state, say=lines.append)
    running = Preview.start(site, load_config(site), server, lines.append)
    running.rebuilder.rebuild()
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    yield running, lines
    running.stop()
    thread.join(BOUND)


def served_text(running: Preview, path: str) -> str:
    return get(running.server.port, BASE + path).body.decode()


def test_edit_rebuilds_and_the_page_changes(preview: tuple[Preview, list[str]]) -> None:
    running, lines = preview
    assert "built " in lines[-1]
    article = "articles/2024/ferry/"
    assert "twenty minutes earlier" in served_text(running, article)
    before = running.server.state.current().number
    ferry = running.rebuilder.site / "content/articles/2024/ferry.md"
    ferry.write_text(FERRY.replace("twenty minutes", "half an hour"))
    wait_until(lambda: running.server.state.current().number > before, "the rebuild")
    assert "half an hour" in served_text(running, article)
    assert running.server.state.current().number == before + 1
    assert "rebuilt " in lines[-1] and "content/articles/2024/ferry.md" in lines[-1]


def test_showing_pages_first_waits_for_the_open_pages_to_reload(tmp_path: Path) -> None:
    state = BuildState(first=1)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_bytes(page("a v2"))
    with state.page_open("a/index.html"), state.page_open("b/index.html"):
        showing = threading.Thread(target=state.show_first, args=(tmp_path, BOUND))
        showing.start()
        showing.join(0.3)
        assert showing.is_alive()  # the build waits while the pages reload ...
        with state.page_open("a/index.html"):  # ... page a is back,
            showing.join(0.3)
            assert showing.is_alive()
    showing.join(BOUND)  # ... and page b was closed
    assert not showing.is_alive()
    assert state.shown_first("a/index.html") == tmp_path / "a" / "index.html"


def test_fingerprinted_assets_may_be_cached_and_nothing_else(running: Running) -> None:
    static = running.server.root / "static"
    static.mkdir(exist_ok=True)
    data = b"body { color: navy }\n"
    named = fingerprint("site.css", data)
    (static / named).write_bytes(data)
    (static / "other.0badc0de.css").write_bytes(data)  # a name that is not its digest
    assert carries_fingerprint(named, data) and not carries_fingerprint(named, data + b" ")
    cached = get(running.port, f"/notes/static/{named}")
    assert cached.status == 200 and cached.headers["cache-control"] == ASSET_CACHE
    for target in ("/notes/static/other.0badc0de.css", "/notes/style.css", "/notes/a/"):
        assert get(running.port, target).headers["cache-control"] == "no-store"


def test_an_edit_shows_the_open_page_first_and_reloads_it_once(
    preview: tuple[Preview, list[str]],
) -> None:
    running, lines = preview
    state = running.server.state
    article = "articles/2024/ferry/"
    shown: list[str] = []
    show_first = state.show_first

    def recording(staging: Path) -> None:
        shown.append((staging / article / "index.html").read_text())
        show_first(staging)

    state.show_first = recording  # type: ignore[method-assign]
    before = state.current().number
    with state.page_open(article + "index.html"):
        ferry = running.rebuilder.site / "content/articles/2024/ferry.md"
        ferry.write_text(FERRY.replace("twenty minutes", "half an hour"))
        wait_until(lambda: any(line.startswith("rebuilt") for line in lines), "the rebuild")
    assert len(shown) == 1 and "half an hour" in shown[0]
    assert "half an hour" in served_text(running, article)
    assert state.current().number == before + 1


def test_broken_front_matter_shows_banner_then_recovers(preview: tuple[Preview, list[str]]) -> None:
    running, lines = preview
    ferry = running.rebuilder.site / "content/articles/2024/ferry.md"
    ferry.write_text(FERRY.replace("title: Ferry", "title: [Ferry"))
    wait_until(lambda: bool(running.server.state.current().errors), "the failed build")
    text = served_text(running, "articles/2024/ferry/")
    assert "briefing-serve-error" in text and "content/articles/2024/ferry.md:" in text
    assert "twenty minutes earlier" in text  # the last good page
    assert lines[-1].startswith("build failed after content/articles/2024/ferry.md changed")
    failed = running.server.state.current().number
    ferry.write_text(FERRY.replace("twenty minutes", "ten minutes"))
    wait_until(lambda: running.server.state.current().number > failed, "the next build")
    assert "ten minutes" in served_text(running, "articles/2024/ferry/")
    assert "briefing-serve-error" not in served_text(running, "articles/2024/ferry/")


def test_new_inbox_file_is_imported_and_served(preview: tuple[Preview, list[str]]) -> None:
    running, lines = preview
    (running.inbox / "lanterns.md").write_text(LANTERNS)
    wait_until(lambda: any(line.startswith("import: ") for line in lines), "the import")
    wait_until(lambda: "Lanterns return" in served_text(running, ""), "the imported article")
    # The page can be served before the rebuild's line is said: wait for the line too.
    wait_until(lambda: any(line.startswith("rebuilt ") for line in lines), "the rebuild line")
    time.sleep(1.0)  # time for a second, unwanted rebuild to show if the import caused one
    rebuilds = [line for line in lines if line.startswith("rebuilt ")]
    assert len(rebuilds) == 1  # the import's own writes did not start a second rebuild


def test_build_output_never_holds_the_reload_script(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path / "site")
    out = tmp_path / "out"
    SiteBuilder(site, out, "http://127.0.0.1:8000/notes/").build()
    assert not any(b"__briefing__" in f.read_bytes() for f in out.rglob("*") if f.is_file())
    build(BuildOptions(site))
    assert not any(
        b"__briefing__" in f.read_bytes() for f in (site / "build").rglob("*") if f.is_file()
    )


def test_serve_runs_until_terminated(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path / "site")
    lines: list[str] = []
    seen: dict[str, bytes] = {}

    def visit() -> None:
        wait_until(lambda: any(line.startswith("built ") for line in lines), "the first build")
        port = int(lines[0].split(":")[2].split("/")[0])
        seen["home"] = get(port, "/notes/").body
        seen["json"] = get(port, "/notes/archive.json").body
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGTERM)

    threading.Thread(target=visit, daemon=True).start()
    assert serve(ServeOptions(site, port=0), lines.append) == 0
    assert lines[0].startswith("serving http://127.0.0.1:") and lines[0].endswith(
        "/notes/ (Ctrl+C to stop)"
    )
    assert b"Ferry timetable" in seen["home"]
    assert json.loads(seen["json"])["articles"][0]["title"].startswith("Ferry")
    assert not (site / "build").exists()  # the preview never writes the site's own build/


def test_port_in_use_is_a_start_up_error(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path / "site")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(GeneratorError, match=r"cannot listen on 127\.0\.0\.1:.*in use"):
            serve(ServeOptions(site, port=taken.getsockname()[1]), lambda _line: None)


def indexed_text(out: Path) -> str:
    """Every page text in the search index of the site in `out`."""
    texts = []
    for path in sorted((out / "pagefind" / "fragment").iterdir()):
        data = gzip.decompress(path.read_bytes())
        texts.append(json.loads(data[len(b"pagefind_dcd") :])["content"])
    return "\n".join(texts)


def searchable_preview(tmp_path: Path) -> tuple[Path, Path, BackgroundIndex, SiteBuilder]:
    """The fixture site with search on, its output folder, its background index and the
    preview's builder (the test is skipped without Pagefind)."""
    try:
        pagefind_binary()
    except GeneratorError as exc:
        pytest.skip(str(exc))
    site = make_fixture_site(tmp_path / "site")
    (site / "site.yaml").write_text(SITE_YAML.replace("enabled: false", "enabled: true"))
    out = tmp_path / "out"
    index = BackgroundIndex(site, out)
    return site, out, index, SiteBuilder(site, out, "http://127.0.0.1:8000/notes/", search=index)


def test_the_search_index_is_remade_after_the_reload(tmp_path: Path) -> None:
    site, out, index, builder = searchable_preview(tmp_path)
    builder.build()  # the first build indexes before it swaps
    assert "twenty minutes" in indexed_text(out)
    ferry = site / "content" / "articles" / "2024" / "ferry.md"
    ferry.write_text(FERRY.replace("twenty minutes", "half an hour"))
    builder.build()
    page = (out / "articles" / "2024" / "ferry" / "index.html").read_text()
    assert "half an hour" in page  # the page is new at once ...
    assert index.wait(BOUND)  # ... and the index follows
    assert "half an hour" in indexed_text(out) and "twenty minutes" not in indexed_text(out)
    clean = tmp_path / "clean"
    build(BuildOptions(site, out=clean, base_url="http://127.0.0.1:8000/notes/"))
    assert tree_of(out / "pagefind") == tree_of(clean / "pagefind")  # as a full build's
    index.close()


def test_a_change_calls_off_the_indexing_and_the_next_rebuild_redoes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index being made when a change arrives would only slow the rebuild the change
    causes: it is called off, the old index stays, and the rebuild asks for it again."""
    site, out, index, builder = searchable_preview(tmp_path)
    builder.build()
    started = threading.Event()
    real = search.run_pagefind

    def held_until_called_off(*args: Any) -> None:  # a long indexing
        started.set()
        args[4].wait(BOUND)
        real(*args)

    monkeypatch.setattr(search, "run_pagefind", held_until_called_off)
    ferry = site / "content" / "articles" / "2024" / "ferry.md"
    ferry.write_text(FERRY.replace("twenty minutes", "half an hour"))
    builder.build()
    assert started.wait(BOUND)
    collector = ChangeCollector(WatchScope.for_site(site, load_config(site)), index.interrupt)
    collector.add([site / "content" / "notes.md"])  # the next change arrives
    assert index.wait(BOUND) and index.redo
    assert "twenty minutes" in indexed_text(out)  # the old index is served meanwhile
    monkeypatch.setattr(search, "run_pagefind", real)
    builder.build()
    assert index.wait(BOUND) and not index.redo
    assert "half an hour" in indexed_text(out)
    index.close()


def tree_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def synthetic_site_to_index(tmp_path: Path) -> Path:
    """A synthetic archive of 30 articles in `tmp_path` (the test is skipped where
    Pagefind is not installed)."""
    try:
        pagefind_binary()
    except GeneratorError as exc:
        pytest.skip(str(exc))
    site = tmp_path / "site"
    synth = [sys.executable, str(REPO / "bench" / "synth.py"), str(site), "--articles", "30"]
    subprocess.run(synth, check=True, capture_output=True)
    return site


def test_the_preview_reindexes_only_the_shards_an_edit_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The background index takes the pages' keys from the build's record (no page is
    read to hash it) and makes anew only the shards holding a changed page."""
    site = synthetic_site_to_index(tmp_path)
    monkeypatch.setattr(search_shards, "SHARD_PAGES", 4)
    out, cache = tmp_path / "out", site / ".cache"
    index = BackgroundIndex(site, out)
    builder = SiteBuilder(site, out, "http://127.0.0.1:8000/", search=index)
    builder.build()
    shards = json.loads((out / "pagefind" / "shards.json").read_text())["merge"]
    assert len(shards) >= 4
    lists = cache / "pagefind" / "indexes"
    before = set(lists.iterdir())
    article = sorted((site / "content" / "articles").rglob("*.md"))[3]
    article.write_text(article.read_text() + "\nThe quay bell rang at noon.\n")
    builder.build()
    assert index.wait(BOUND)
    made = set(lists.iterdir()) - before
    assert len(made) == 1  # its article page's shard (its topic page's too), from its last
    keys, anchors = take_snapshot(out, tmp_path / "snapshot", load_config(site), cache)
    assert anchors and set(anchors) <= set(keys or {})
    pages = search_shards.indexed_pages(out)
    assert keys is not None and sorted(keys) == pages  # the record speaks for the pages
    assert search_shards.indexed_pages(tmp_path / "snapshot") == []  # all shards cached
    clean = tmp_path / "clean"
    build(BuildOptions(site, out=clean, base_url="http://127.0.0.1:8000/"))
    assert tree_of(out / "pagefind") == tree_of(clean / "pagefind")
    index.close()


def test_the_preview_snapshot_holds_every_page_of_a_shard_to_merge_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not only the edited part's pages: a shard whose parts cannot be merged (pages
    with sort orders) is indexed whole, from the snapshot."""
    site = synthetic_site_to_index(tmp_path)
    monkeypatch.setattr(search_shards, "SHARD_PAGES", 8)
    monkeypatch.setattr(search_shards, "PART_PAGES", 1)
    out, cache = tmp_path / "out", site / ".cache"
    build(BuildOptions(site, out=out))
    article = sorted((site / "content" / "articles").rglob("*.md"))[3]
    article.write_text(article.read_text() + "\nThe quay bell rang at noon.\n")
    build(BuildOptions(site, out=out, search_later=True))
    keys, anchors = take_snapshot(out, tmp_path / "snapshot", load_config(site), cache)
    snapshot = search_shards.indexed_pages(tmp_path / "snapshot")
    shards = search.plan_shards(out, load_config(site), keys, anchors=anchors)
    store = search.IndexStore(cache / "pagefind")
    [edited] = [shard for shard in shards if not store.has(shard.digest)]
    assert len(edited.parts) > 1 and snapshot == list(edited.pages)
