"""What the preview server adds to HTML pages: the reload script and the error banner.

Only responses are changed, never the built files. Pages carry a Content-Security-Policy
without inline script or style, so both come as files of the server's reserved path; the
banner text is HTML-escaped here.
"""

from __future__ import annotations

import html
import re

from generator.serve.routes import RESERVED_PREFIX
from generator.serve.state import BuildStatus

SCRIPT_PATH = RESERVED_PREFIX + "reload.js"
STYLE_PATH = RESERVED_PREFIX + "reload.css"
EVENTS_PATH = RESERVED_PREFIX + "events"
BANNER_ID = "briefing-serve-error"

_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_START = re.compile(rb"<body(?:\s[^>]*)?>", re.IGNORECASE)


def inject(page: bytes, status: BuildStatus, reload: bool) -> bytes:
    """`page` with the reload script (when `reload`) and the banner of a failed build."""
    head = _head_tags(status, reload)
    if head:
        page = _insert(page, _HEAD_END, head, after=False)
    if status.errors:
        page = _insert(page, _BODY_START, banner(status.errors), after=True)
    return page


def _head_tags(status: BuildStatus, reload: bool) -> bytes:
    tags = ""
    if reload:
        tags += f'<script src="{SCRIPT_PATH}" data-build="{status.number}"></script>\n'
    if status.errors:
        tags += f'<link rel="stylesheet" href="{STYLE_PATH}">\n'
    return tags.encode()


def banner(errors: tuple[str, ...]) -> bytes:
    """The error banner: every line of the failure, escaped."""
    lines = "\n".join(html.escape(line) for line in errors)
    return (
        f'\n<div id="{BANNER_ID}" role="alert">'
        "<p><strong>Build failed</strong>: showing the last good site. "
        "Fix the problem below and save; this page reloads by itself.</p>"
        f"<pre>{lines}</pre></div>\n"
    ).encode()


def _insert(page: bytes, anchor: re.Pattern[bytes], text: bytes, after: bool) -> bytes:
    """Put `text` before (or after) the first match of `anchor`, or at the very start."""
    found = anchor.search(page)
    if found is None:
        return text + page
    at = found.end() if after else found.start()
    return page[:at] + text + page[at:]


def placeholder(status: BuildStatus, reload: bool) -> bytes:
    """The page served for any HTML request before the first build succeeds."""
    message = "The build failed." if status.errors else "Building the site…"
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>briefing serve</title>\n</head>\n<body>\n"
        f"<p>{message} This page reloads when a build succeeds.</p>\n</body>\n</html>\n"
    )
    return inject(page.encode(), status, reload)
