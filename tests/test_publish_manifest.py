"""The manifest at the target: exact round trip, and nothing unsafe trusted from it."""

from __future__ import annotations

import json

import pytest

from generator.errors import PublishError
from generator.publish.manifest import Manifest, dump, parse, safe_path
from generator.publish.tree import Entry

DIGEST = "0123456789abcdef0123456789abcdef01234567"


def test_round_trip() -> None:
    manifest = Manifest((Entry("index.html", DIGEST), Entry("topics/ä/index.html", DIGEST)))
    data = dump(manifest)
    assert parse(data, "www") == manifest
    assert dump(parse(data, "www")) == data
    assert json.loads(data)["written_by"] == "briefing publish"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{", "not valid JSON"),
        ("[]", "not a format 1 manifest"),
        ('{"format": 2, "files": {}}', "not a format 1 manifest"),
        ('{"format": 1, "files": {"a.html": "xyz"}}', "bad digest for 'a.html'"),
        (f'{{"format": 1, "files": {{"../../etc/passwd": "{DIGEST}"}}}}', "unsafe path"),
        (f'{{"format": 1, "files": {{"/etc/passwd": "{DIGEST}"}}}}', "unsafe path"),
    ],
)
def test_untrustworthy_manifests_are_refused(text: str, reason: str) -> None:
    with pytest.raises(PublishError, match=f"www: the publish manifest is unreadable: {reason}"):
        parse(text.encode(), "www")


@pytest.mark.parametrize(
    ("path", "safe"),
    [
        ("index.html", True),
        (".well-known/x", True),
        ("a/../b", False),
        ("./a", False),
        ("a//b", False),
        ("a\\b", False),
        ("", False),
        ("a\nb", False),
    ],
)
def test_safe_path(path: str, safe: bool) -> None:
    assert safe_path(path) is safe
