"""The tree to publish: extras, .gz copies, digests equal to git's blob ids."""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path

from generator.output import MARKER
from generator.publish.tree import Extras, blob_id, prepare


def _build(root: Path) -> Path:
    (root / "topics").mkdir(parents=True)
    (root / "index.html").write_text("<p>An index page of our own.</p>\n" * 50)
    (root / "topics" / "index.html").write_text("<p>x</p>")  # too small to gain from gzip
    (root / "logo.png").write_bytes(b"\x89PNG" + bytes(2000))
    (root / MARKER).write_text("build marker")
    return root


def test_prepare_for_pages_hosts(tmp_path: Path) -> None:
    tree = prepare(_build(tmp_path), Extras(nojekyll=True, cname="news.example.org"))
    paths = [entry.path for entry in tree.entries]
    assert paths == [".nojekyll", "CNAME", "index.html", "logo.png", "topics/index.html"]
    assert (tmp_path / "CNAME").read_text() == "news.example.org\n"


def test_gzip_copies_are_deterministic_and_only_for_text(tmp_path: Path) -> None:
    tree = prepare(_build(tmp_path / "one"), Extras(gzip=True))
    again = prepare(_build(tmp_path / "two"), Extras(gzip=True))
    paths = [entry.path for entry in tree.entries]
    assert paths == ["index.html", "index.html.gz", "logo.png", "topics/index.html"]
    assert tree.entries == again.entries
    packed = (tmp_path / "one" / "index.html.gz").read_bytes()
    assert gzip.decompress(packed) == (tmp_path / "one" / "index.html").read_bytes()


def test_digest_is_gits_blob_id(tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    sample.write_bytes(b"caf\xc3\xa9\n\x00binary")
    done = subprocess.run(
        ["git", "hash-object", "--no-filters", str(sample)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert blob_id(sample.read_bytes()) == done.stdout.strip()
