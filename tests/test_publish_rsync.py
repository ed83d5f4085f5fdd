"""rsync targets, with Debian's real rsync to a local folder: only our files ever deleted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.errors import PublishError
from generator.publish import rsync
from generator.publish.plan import State
from generator.publish.tree import MANIFEST

from .publish_site import ARTICLE, ARTICLE_PAGE, make_site, run_publish, snapshot

pytestmark = pytest.mark.skipif(
    shutil.which("rsync") is None, reason="rsync is not installed (Debian package: rsync)"
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    url = f"rsync://{tmp_path / 'www'}"  # rsync:///abs/path: a local folder
    return make_site(tmp_path, f"publish:\n  mirror: {{url: '{url}', gzip: true}}\n")


def test_publish_twice_then_remove_an_article(site: Path) -> None:
    www = site.parent / "www"
    said = run_publish(site, "mirror")
    assert said[-1].startswith("published to mirror: ")
    first = snapshot(www)
    assert {"index.html", "404.html", MANIFEST, ARTICLE_PAGE, "index.html.gz"} <= set(first)
    assert ".nojekyll" not in first and "CNAME" not in first and ".briefing-build" not in first
    assert "already up to date" in run_publish(site, "mirror")[-1]
    assert snapshot(www) == first
    (site / ARTICLE).unlink()
    run_publish(site, "mirror")
    after = snapshot(www)
    assert ARTICLE_PAGE not in after and ARTICLE_PAGE + ".gz" not in after
    assert ARTICLE_PAGE not in json.loads(after[MANIFEST])["files"]
    assert not any(".~tmp~" in path for path in after)


def test_user_files_survive(site: Path) -> None:
    www = site.parent / "www"
    run_publish(site, "mirror")
    (www / "CNAME").write_text("news.example.org\n")
    (www / ".well-known").mkdir()
    (www / ".well-known" / "security.txt").write_text("Contact: mailto:desk@example.org\n")
    (site / ARTICLE).unlink()
    run_publish(site, "mirror")
    after = snapshot(www)
    assert after["CNAME"] == b"news.example.org\n"
    assert after[".well-known/security.txt"].startswith(b"Contact:")


def test_dry_run_changes_nothing(site: Path) -> None:
    www = site.parent / "www"
    said = run_publish(site, "mirror", dry_run=True)
    assert "+ index.html" in said and not www.exists()
    run_publish(site, "mirror")
    before = snapshot(www)
    (site / ARTICLE).unlink()
    said = run_publish(site, "mirror", dry_run=True)
    assert f"- {ARTICLE_PAGE}" in said
    assert snapshot(www) == before


def test_delete_guard_and_conflicts(tmp_path: Path) -> None:
    url = f"rsync://{tmp_path / 'www'}"
    site = make_site(tmp_path, f"publish:\n  mirror: {{url: '{url}', max_deletions: 1}}\n")
    www = tmp_path / "www"
    www.mkdir()
    (www / "index.html").write_text("<p>someone else's page</p>")
    with pytest.raises(PublishError, match=r"refusing to overwrite index\.html"):
        run_publish(site, None)
    (www / "index.html").unlink()
    run_publish(site, None)
    before = snapshot(www)
    for article in sorted((site / "content/articles/2024/04").glob("*.md")):
        article.unlink()
    with pytest.raises(PublishError, match=r"refusing to delete \d+ files"):
        run_publish(site, None)
    assert snapshot(www) == before
    run_publish(site, None, force=True)
    assert ARTICLE_PAGE not in snapshot(www)


@pytest.mark.parametrize(
    ("line", "path", "state"),
    [
        (">f+++++++++ new/page.html", "new/page.html", State.ABSENT),
        (">fcsT...... index.html", "index.html", State.DIFFERENT),
        (".f          same.css", "same.css", State.SAME),
        ("*deleting   old/page.html", "old/page.html", State.DIFFERENT),
        ("cd+++++++++ new/", None, None),
        ("created directory /srv/www", None, None),
    ],
)
def test_parse_itemized(line: str, path: str | None, state: State | None) -> None:
    assert rsync.parse_itemized([line]) == ({path: state} if path else {})


@pytest.mark.parametrize(
    ("url", "dest"),
    [
        ("rsync:///srv/www", "/srv/www/"),
        ("rsync://host/module/site/", "rsync://host/module/site/"),
        ("deploy@host:/srv/www", "deploy@host:/srv/www/"),
    ],
)
def test_destination(url: str, dest: str) -> None:
    assert rsync.destination(url) == dest
