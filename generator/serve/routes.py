"""Request path -> file of the built site, refusing everything else.

Pure functions over the output folder: no `..` (plain or encoded), no doubly encoded
characters, no backslashes or control characters, no empty segments (which would make
an absolute path), no hidden files, nothing a symlink leads to outside the site, and no
directory listings (a folder serves its index.html or nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

RESERVED_PREFIX = "/__briefing__/"
"""URL space of the preview server itself (reload script, banner style, reload channel)."""


@dataclass(frozen=True, slots=True)
class Route:
    """What to answer to one request path."""

    status: HTTPStatus
    file: Path | None = None
    """The file to send when status is 200."""
    location: str | None = None
    """Where to go when status is a redirect."""


def request_path(target: str) -> str | None:
    """The decoded path of a request target, or None when it is malformed or hostile."""
    if not target.startswith("/") or target.startswith("//"):
        return None  # absolute-form and scheme-relative targets: not for a preview server
    raw = urlsplit(target).path
    try:
        path = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None
    if "%" in path or "\\" in path or any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return None  # "%" left after one decoding means double encoding (%252e, %252f)
    segments = path.split("/")[1:]
    if any(s in ("", ".", "..") for s in segments[:-1]) or segments[-1] in (".", ".."):
        return None
    return path


def route(root: Path, base_path: str, path: str) -> Route:
    """Route a path already checked by `request_path` within the site in `root`."""
    if path == "/" and base_path != "/":
        return Route(HTTPStatus.FOUND, location=base_path)
    if path == base_path.rstrip("/"):
        return Route(HTTPStatus.MOVED_PERMANENTLY, location=base_path)
    if not path.startswith(base_path):
        return Route(HTTPStatus.NOT_FOUND)
    segments = [s for s in path[len(base_path) :].split("/") if s]
    if any(s.startswith(".") for s in segments):
        return Route(HTTPStatus.NOT_FOUND)  # the build marker and any other hidden file
    return _route_file(root, root.joinpath(*segments), path)


def site_file(base_path: str, path: str) -> str | None:
    """The file of the site a path checked by `request_path` names, by name alone (a
    folder's path names its index.html; nothing is looked up): how open pages are known
    and how the files a build shows first are found. None outside the site, or hidden."""
    if not path.startswith(base_path):
        return None
    segments = [s for s in path[len(base_path) :].split("/") if s]
    if any(s.startswith(".") for s in segments):
        return None
    if not segments or path.endswith("/"):
        segments.append("index.html")
    return "/".join(segments)


def _route_file(root: Path, candidate: Path, path: str) -> Route:
    """Serve `candidate` only if it really is inside `root`, symlinks resolved."""
    try:
        real = candidate.resolve()
        inside = real.is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # symlink loops, names too long
        return Route(HTTPStatus.NOT_FOUND)
    if not inside:
        return Route(HTTPStatus.NOT_FOUND)
    if real.is_dir():
        if not path.endswith("/"):
            return Route(HTTPStatus.MOVED_PERMANENTLY, location=quote(path + "/"))
        return _route_file(root, real / "index.html", path + "index.html")
    if real.is_file():
        return Route(HTTPStatus.OK, file=real)
    return Route(HTTPStatus.NOT_FOUND)
