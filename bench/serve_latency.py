"""Save-to-reloaded-page latency of `briefing serve`, median of N edits.

    python bench/serve_latency.py [--articles 1000 10000] [--edits 10] [--workdir DIR] [--http]

For each size, a synthetic archive (bench/synth.py, kept in --workdir between runs) is
served by `briefing serve` in a child process. Then, N times: a real headless Chromium
(Playwright, /usr/bin/chromium) opens one article, the article file gets a new sentence,
and the clock stops at the `load` event of the page that shows it, reloaded by the live
reload script. `--http` (or no Playwright) instead polls the page over HTTP every 10 ms:
save-to-served, without the browser's reload. The server's own rebuild time (of the
whole site) is reported beside it. The page open in the browser is rendered first and
shown before the rest of the site is done (`BuildState.show_first`), so the page can
change sooner than the rebuild ends; with `--http` no page is open, and the difference
is what watching, debouncing and serving add.
"""

from __future__ import annotations

import argparse
import json
import queue
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import write_archive

CHROMIUM = Path("/usr/bin/chromium")
SERVE = (
    "import sys; from pathlib import Path; from generator.serve import ServeOptions, serve; "
    "sys.exit(serve(ServeOptions(Path(sys.argv[1]), port=0), lambda line: print(line, flush=True)))"
)
REBUILD = re.compile(r"^(rebuilt|build failed) .* in ([0-9.]+) s")


@dataclass(frozen=True, slots=True)
class Edit:
    """One measured save."""

    latency: float
    """Seconds from the write to the page showing the new text."""
    build: float
    """Seconds the server said its rebuild took."""


class Server:
    """`briefing serve` in a child process, its output lines in a queue."""

    def __init__(self, site: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(site)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, pattern: str, timeout: float) -> str:
        """The next output line starting with one of `pattern`'s alternatives."""
        deadline = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            if re.match(pattern, line):
                return line
            print(f"  server: {line[:200]}", file=sys.stderr)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def archive(workdir: Path, articles: int) -> Path:
    """The synthetic archive of `articles` articles, written once."""
    site = workdir / f"synth-{articles}"
    done = site / ".bench-complete"
    if not done.is_file():
        print(f"writing a synthetic archive of {articles} articles to {site}", file=sys.stderr)
        write_archive(site, articles)
        done.write_text("")
    return site


def pick(url: str, count: int) -> list[dict[str, Any]]:
    """`count` articles spread over the archive, from the served archive.json."""
    with urllib.request.urlopen(url + "archive.json", timeout=60) as response:
        records = sorted(json.load(response)["articles"], key=lambda a: a["path"])
    step = max(1, len(records) // count)
    return records[::step][:count]


@contextmanager
def browser_page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def edit_in_browser(page: Any, url: str, path: Path, original: str, timeout: float) -> float:
    page.goto(url, wait_until="load")
    token = f"Probe{secrets.token_hex(6)}"
    started = time.perf_counter()
    path.write_text(original + f"\nLatency {token} sentence.\n", encoding="utf-8")
    while token not in page.content():
        page.wait_for_event("load", timeout=timeout * 1000)
    return time.perf_counter() - started


def edit_over_http(url: str, path: Path, original: str, timeout: float) -> float:
    token = f"Probe{secrets.token_hex(6)}"
    started = time.perf_counter()
    path.write_text(original + f"\nLatency {token} sentence.\n", encoding="utf-8")
    while time.perf_counter() - started < timeout:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            if token.encode() in response.read():
                return time.perf_counter() - started
        time.sleep(0.01)
    raise TimeoutError(f"{url} did not change within {timeout} s")


def measure(site: Path, edits: int, use_browser: bool, timeout: float) -> list[Edit]:
    """Serve `site`, edit `edits` articles one after the other, time each."""
    server = Server(site)
    originals: dict[Path, str] = {}
    try:
        base = server.next_line(r"serving ", 120).split()[1]
        print(f"  {server.next_line(r'built |build failed', timeout)}", file=sys.stderr)
        targets = pick(base, edits)
        with browser_page() if use_browser else _nothing() as page:
            results = []
            for record in targets:
                path = site / "content" / record["path"]
                originals[path] = original = path.read_text(encoding="utf-8")
                url = base + record["url"]
                if page is not None:
                    latency = edit_in_browser(page, url, path, original, timeout)
                else:
                    latency = edit_over_http(url, path, original, timeout)
                line = server.next_line(REBUILD.pattern, timeout)
                results.append(Edit(latency, float(REBUILD.match(line).group(2))))  # type: ignore[union-attr]
                print(f"  {results[-1].latency:.3f} s  ({line[:100]})", file=sys.stderr)
            return results
    finally:
        server.stop()
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def browser_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return CHROMIUM.is_file()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/briefing-bench"))
    parser.add_argument("--http", action="store_true", help="poll over HTTP, no browser")
    parser.add_argument("--timeout", type=float, default=3600.0, help="per build, seconds")
    args = parser.parse_args()
    use_browser = not args.http and browser_available()
    method = "Chromium reload" if use_browser else "HTTP poll"
    for size in args.articles:
        results = measure(archive(args.workdir, size), args.edits, use_browser, args.timeout)
        latency = statistics.median(r.latency for r in results)
        build = statistics.median(r.build for r in results)
        print(
            f"{size} articles: median save-to-page {latency:.3f} s over {len(results)} edits "
            f"({method}); median rebuild of the whole site {build:.3f} s"
        )


if __name__ == "__main__":
    main()
