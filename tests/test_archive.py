"""archive.json: assembled from per-record texts (kept between builds), it is exactly
`json.dumps` of the whole document."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from generator.build import BuildOptions, build

from .conftest import FIXTURES

SITE = FIXTURES / "golden-site"


def plain_dump(path: Path) -> bytes:
    document = json.loads(path.read_text(encoding="utf-8"))
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8") + b"\n"


def test_archive_json_is_json_dumps_of_the_document(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site, ignore=shutil.ignore_patterns(".cache", "build"))
    (site / "site.yaml").write_text((site / "site.yaml").read_text() + "search: {enabled: false}\n")
    build(BuildOptions(site))
    archive = site / "build" / "archive.json"
    assert archive.read_bytes() == plain_dump(archive)
    # Again after an edit, with most records' texts taken from the cache.
    bridge = site / "content" / "articles" / "2024" / "03" / "ledger-bridge-shut.md"
    bridge.write_text(bridge.read_text().replace("Port Alder bridge shut", "Bridge shut"))
    build(BuildOptions(site))
    data = json.loads(archive.read_text())
    assert any(a["title"].startswith("Bridge shut") for a in data["articles"])
    assert archive.read_bytes() == plain_dump(archive)
    assert list(data) == ["articles", "generator", "site", "topics", "version"]
