"""Hostile requests against the preview server, beyond tests/test_serve.py's own.

More traversal spellings, symlinks planted in the served folder (to /etc/passwd, to /,
to the parent, a loop, a page whose index.html points out), forged Host headers, foreign
Origins on the reload channel, and 10,000 generated malformed requests in bounded time
(BRIEFING_LONG_TESTS=1: 50,000). Every answer is a refusal or a file of the site; no
byte from outside is ever sent, and the server answers normally afterwards.
"""

from __future__ import annotations

import random
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..test_serve import BASE, BOUND, SECRET, Running, get, make_running, raw_request
from .conftest import Tally
from .corpus import LONG

PASSWD = Path("/etc/passwd")
FOREIGN = (SECRET, b"root:x:0:0", b"root:*:0:0")
MALFORMED_COUNT = 50_000 if LONG else 10_000


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """The test_serve server, with more symlinks out of the site planted in it."""
    for running in make_running(tmp_path_factory.mktemp("hostile-serve")):
        out = running.server.root
        (out / "passwd").symlink_to(PASSWD)
        (out / "root").symlink_to("/", target_is_directory=True)
        (out / "up").symlink_to("..", target_is_directory=True)
        (out / "loop").symlink_to("loop")
        (out / "page").mkdir()
        (out / "page" / "index.html").symlink_to(running.outside / "secret.txt")
        (out / "a" / "deep").symlink_to(running.outside, target_is_directory=True)
        yield running


SITE = (b"home v1", b"page a")
"""What the site's pages say: a request that reads as one of them (`/notes/#/..` is
`/notes/` with a fragment) gets that page, which is fine."""


def refused(status: int, body: bytes) -> bool:
    """A refusal, or a page of the site; never a byte from outside."""
    if any(f in body for f in FOREIGN):
        return False
    return status in (301, 302, 400, 403, 404, 405, 414, 431) or (
        status == 200 and any(s in body for s in SITE)
    )


TRAVERSAL = [
    "/notes/..;/secret.txt", "/notes/.. /secret.txt", "/notes/../", "/notes/...",
    "/notes/%2e%2e%2f%2e%2e%2fsecret.txt", "/notes/%2E%2e/%2e%2E/secret.txt",
    "/notes/%c0%af../secret.txt", "/notes/%c0%ae%c0%ae%c0%afsecret.txt",
    "/notes/%e0%80%ae%e0%80%ae/secret.txt", "/notes/%ef%bc%8f..%ef%bc%8fsecret.txt",
    "/notes/..%00/secret.txt", "/notes/.%00./secret.txt", "/notes/%2e%00%2e/secret.txt",
    "/notes/a/%2e%2e/%2e%2e/secret.txt", "/notes/\\..\\secret.txt",
    "/notes/%5C..%5C..%5Csecret.txt", "/notes/escape/../secret.txt",
    "/notes/escape%2fsecret.txt", "/notes/escape/./secret.txt", "/notes/leak.txt/",
    "/notes/leak.txt%00.html", "/notes/passwd", "/notes/root/etc/passwd", "/notes/root/",
    "/notes/up/secret.txt", "/notes/up/outside/secret.txt", "/notes/loop", "/notes/loop/x",
    "/notes/page/", "/notes/page/index.html", "/notes/a/deep/secret.txt", "/notes/a/deep/",
    "/etc/passwd", "/notes//etc/passwd", "/notes/%2fetc%2fpasswd", "/notes/file:///etc/passwd",
    "/notes/../../../../../../../../etc/passwd", "/notes/%2e%2e/" * 8 + "etc/passwd",
    "/proc/self/environ", "/notes/../../proc/self/cwd/secret.txt",
    "http://localhost/notes/../secret.txt", "//127.0.0.1/notes/../secret.txt", "*",
    "/notes/#/../secret.txt", "/notes/%23/../secret.txt", "/notes/.briefing-build",
    "/notes/ind%65x.html/../../secret.txt", "/notes/a/..%2f..%2fsecret.txt",
    "/notes/%u2215..%u2215secret.txt", "/notes/..\u2215secret.txt",
]  # fmt: skip


@pytest.mark.parametrize("target", TRAVERSAL)
def test_traversal_and_symlinks_out_are_refused(planted: Running, target: str) -> None:
    reply = raw_request(
        planted.port,
        f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{planted.port}\r\n\r\n".encode(),
    )
    assert refused(reply.status, reply.body), (reply.status, reply.body[:200])


FORGED_HOSTS = [
    "evil.example", "127.0.0.1:{port}.evil.example", "localhost:{port}.evil.example",
    "127.0.0.1:{port}/evil", "127.0.0.1:{port}#@evil.example", "lоcalhost:{port}",
    "localhost.evil:{port}", "xn--localhost-xyz:{port}", "evil.example:{port}, localhost:{port}",
    "[::1].evil.example:{port}", "127.0.0.1@evil.example:{port}", "localhost:{port} evil",
    "\tevil.example:{port}", "%6c%6f%63%61%6c%68%6f%73%74:{port}",
]  # fmt: skip


@pytest.mark.parametrize("host", FORGED_HOSTS)
def test_forged_host_is_refused(planted: Running, host: str) -> None:
    reply = raw_request(
        planted.port,
        f"GET /notes/ HTTP/1.1\r\nHost: {host.format(port=planted.port)}\r\n\r\n".encode(),
    )
    assert reply.status in (400, 403), reply.status
    assert b"home v1" not in reply.body


FOREIGN_ORIGINS = [
    "http://127.0.0.1.evil.example:{port}", "http://localhost:{port}.evil.example",
    "HTTP://EVIL.EXAMPLE", "http://localhost:{port} http://evil.example", "file://",
    "chrome-extension://abcdef", "http://[::1]:{port}.evil.example", "http://lоcalhost:{port}",
    "http://localhost:{port}@evil.example", "ws://localhost:{port}", "http://0.0.0.0:{port}",
]  # fmt: skip


def events_request(port: int, origins: list[str]) -> bytes:
    lines = ["GET /__briefing__/events HTTP/1.1", f"Host: localhost:{port}"]
    lines += [f"Origin: {origin.format(port=port)}" for origin in origins]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
def test_foreign_origin_gets_no_reload_events(planted: Running, origin: str) -> None:
    reply = raw_request(planted.port, events_request(planted.port, [origin]))
    assert reply.status in (400, 403) and b"data:" not in reply.body


def test_a_good_origin_beside_a_foreign_one_is_refused(planted: Running) -> None:
    good = "http://localhost:{port}"
    reply = raw_request(planted.port, events_request(planted.port, [good, "http://evil.example"]))
    assert reply.status in (400, 403) and b"data:" not in reply.body


# --- 10,000 generated malformed requests -----------------------------------------------------

METHODS = [b"GET", b"HEAD", b"POST", b"PUT", b"OPTIONS", b"TRACE", b"CONNECT", b"get", b"G ET", b""]
PATHS = [b"/notes/", b"/", b"/notes/../secret.txt", b"*", b"/notes/%", b"/notes/%zz", b"\x00",
         b"/notes/" + b"a" * 5000, b"/__briefing__/events", b"/notes/leak.txt", b"", b"/\xff\xfe"]  # fmt: skip
VERSIONS = [b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2.0", b"HTTP/0.9", b"HTTP/1.1x", b"http/1.1", b""]
HEADERS = [
    b"Host: 127.0.0.1:{port}", b"Host:", b"Host: \x00", b"Content-Length: -1",
    b"Content-Length: 99999999999999999999", b"Transfer-Encoding: chunked", b"Range: bytes=-5",
    b"Range: bytes=99999999-", b"Expect: 100-continue", b"Connection: keep-alive, Upgrade",
    b"Upgrade: websocket", b"If-Modified-Since: yesterday", b"Origin: http://evil.example",
    b" folded: line", b"X" * 9000 + b": y", b"Accept-Encoding: gzip;q=NaN", b"Cookie: " + b"a=b;" * 500,
]  # fmt: skip


def malformed(rng: random.Random, port: int) -> bytes:
    """One request broken in one or more random ways."""
    parts = [rng.choice(METHODS), rng.choice(PATHS), rng.choice(VERSIONS)]
    line = b" ".join(parts) if rng.random() < 0.8 else bytes(rng.randrange(256) for _ in range(40))
    headers = [
        h.replace(b"{port}", str(port).encode()) for h in rng.sample(HEADERS, rng.randrange(4))
    ]
    ending = rng.choice([b"\r\n\r\n", b"\n\n", b"\r\n", b"", b"\r\r", b"\r\n\r\nBODY" * 3])
    data = line + b"".join(b"\r\n" + h for h in headers) + ending
    if rng.random() < 0.2:  # flip bytes anywhere
        mutable = bytearray(data)
        for _ in range(rng.randrange(1, 6)):
            mutable[rng.randrange(len(mutable))] = rng.randrange(256)
        data = bytes(mutable)
    return data


def send(port: int, data: bytes) -> bytes:
    """Send, end our side (so an unfinished request waits for no timeout), read all.

    Reading every answer also paces the client: firing connections without waiting
    overflows the listen backlog, and the kernel then retries each SYN after a second.
    """
    deadline = time.monotonic() + 0.5  # a well-formed reload-channel request streams forever
    with socket.create_connection(("127.0.0.1", port), timeout=BOUND) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while time.monotonic() < deadline:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def kind_of_answer(answer: bytes) -> str:
    """The status code; `error page, no status line` for http.server's HTTP/0.9-style replies to request
    lines it cannot read (no status line, no headers); `none` when it just hung up."""
    if answer.startswith(b"HTTP/"):
        return answer[9:12].decode()
    if answer in (b"", b"closed"):
        return "none"
    return "error page, no status line"


def test_generated_malformed_requests_are_refused_in_bounded_time(
    planted: Running, tally: Tally
) -> None:
    rng = random.Random(10_000)
    started = time.monotonic()
    statuses: dict[str, int] = {}
    for _number in range(MALFORMED_COUNT):
        try:
            answer = send(planted.port, malformed(rng, planted.port))
        except OSError:  # the server hung up first (reset, broken pipe, not connected)
            answer = b"closed"
        status = kind_of_answer(answer)
        statuses[status] = statuses.get(status, 0) + 1
        assert not any(f in answer for f in FOREIGN), answer[:300]
    seconds = time.monotonic() - started
    tally(
        "serve malformed requests",
        f"{MALFORMED_COUNT} in {seconds:.1f} s; answers {dict(sorted(statuses.items()))}",
    )
    tally(
        "serve hostile targets",
        f"{len(TRAVERSAL)} traversal/symlink, {len(FORGED_HOSTS)} Host, "
        f"{len(FOREIGN_ORIGINS) + 1} Origin (plus tests/test_serve.py's own)",
    )
    assert seconds < (600 if LONG else 150)
    assert get(planted.port, "/notes/").status == 200
    planted.rebuilder.rebuild()  # and it still serves a new build
    assert get(planted.port, "/notes/a/").status == 200
    assert BASE == "/notes/"
