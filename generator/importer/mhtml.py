"""Pages saved as one file (MHTML, `.mhtml`/`.mht`: Chrome's and Edge's "single file"):
a MIME message whose first `text/html` part is the page. Read with the standard library."""

from __future__ import annotations

import email
import email.policy
import re

_MIME_HEAD = re.compile(rb"^(?:From:.*\r?\n)?(?:[\w-]+:.*\r?\n)*MIME-Version:", re.IGNORECASE)


def is_mhtml(data: bytes) -> bool:
    """A MIME message holding a multipart/related page."""
    head = data[:4096]
    return bool(_MIME_HEAD.match(head)) and b"multipart/related" in head.lower()


def html_part(data: bytes) -> bytes | None:
    """The bytes of the page's HTML part (charset declared by the part kept as a `<meta>`)."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                return None
            charset = part.get_content_charset()
            if charset and b"charset" not in payload[:4096].lower():
                return f'<meta charset="{charset}">'.encode("ascii") + payload
            return payload
    return None
