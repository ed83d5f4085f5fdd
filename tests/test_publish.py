"""`publish()`: choosing the target, the strict build first, the registry by scheme."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import load_config
from generator.errors import ContentError, PublishError
from generator.publish import PUBLISHERS, choose_target, folder, publisher_for, rsync
from generator.publish import git as git_publisher
from generator.publish.tree import MANIFEST

from .conftest import REPO
from .publish_site import ARTICLE, git, make_site, run_publish


@pytest.mark.parametrize(
    ("url", "publisher"),
    [
        ("/srv/www", folder.PUBLISHER),
        ("www", folder.PUBLISHER),
        ("file:///srv/www", folder.PUBLISHER),
        ("git+file:///srv/site.git#gh-pages", git_publisher.PUBLISHER),
        ("git+ssh://git@example.org/me/site.git#pages", git_publisher.PUBLISHER),
        ("git+https://example.org/me/site.git", git_publisher.PUBLISHER),
        ("rsync:///srv/www", rsync.PUBLISHER),
        ("rsync://host/module/www", rsync.PUBLISHER),
        ("deploy@host:/srv/www", rsync.PUBLISHER),
    ],
)
def test_registry_by_scheme(url: str, publisher: object) -> None:
    assert publisher_for(url) is publisher


def test_unknown_scheme_suggests_and_hides_credentials() -> None:
    with pytest.raises(PublishError) as info:
        publisher_for("rsnyc://user:hunter22@host/www")
    message = str(info.value)
    assert "no publisher for 'rsnyc://'" in message and "(did you mean 'rsync'?)" in message
    assert "hunter22" not in message
    assert set(PUBLISHERS) >= {"file", "git+file", "rsync"}


def test_choosing_a_target(tmp_path: Path) -> None:
    none = make_site(tmp_path / "a")
    with pytest.raises(PublishError, match="no publish target: add one under `publish:`"):
        run_publish(none, None)
    two = make_site(tmp_path / "b", "publish:\n  one: {url: ../one}\n  two: {url: /srv/two}\n")
    with pytest.raises(PublishError, match=r"names 2 publish targets \(one, two\): choose one"):
        run_publish(two, None)
    config = load_config(two)
    assert choose_target(config, two, "one").url == str(two / "../one")
    assert choose_target(config, two, "two").url == "/srv/two"
    adhoc = choose_target(config, two, "relative/www")
    assert (adhoc.label, adhoc.url, adhoc.settings.max_deletions) == (
        "relative/www",
        "relative/www",
        256,
    )


def test_build_warning_stops_the_publish(tmp_path: Path) -> None:
    site = make_site(tmp_path, "publish:\n  www: {url: ../www}\n")
    article = site / ARTICLE
    article.write_text(article.read_text().replace('author: "Mara Ives"\n', ""))
    with pytest.raises(ContentError, match="--strict"):
        run_publish(site, None)
    assert not (tmp_path / "www").exists()


def test_target_base_url_is_used(tmp_path: Path) -> None:
    yaml = "publish:\n  www: {url: ../www, base_url: 'https://mirror.example.net/news/'}\n"
    site = make_site(tmp_path, yaml)
    said = run_publish(site, None)
    assert (
        said[0]
        == "building for https://mirror.example.net/news/ (strict: any warning stops the publish)"
    )
    assert "https://mirror.example.net/news/" in (tmp_path / "www/sitemap.xml").read_text()


def test_a_misspelt_target_name_is_not_a_new_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path, "publish:\n  www: {url: ../www}\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        PublishError,
        match=r"no publish target named 'wwww' in site\.yaml \(did you mean 'www'\?\); to publish to a new folder, write \./wwww",
    ):
        run_publish(site, "wwww")
    run_publish(site, "./wwww")
    assert (tmp_path / "wwww" / "index.html").is_file()


def test_the_example_archive_publishes_to_git_and_a_folder(tmp_path: Path) -> None:
    bare = tmp_path / "pages.git"
    git("init", "--quiet", "--bare", str(bare))
    run_publish(REPO, f"git+{bare.as_uri()}#gh-pages")
    listed = git("--git-dir", str(bare), "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert {"index.html", ".nojekyll", "archive.json", MANIFEST} <= set(listed)
    run_publish(REPO, str(tmp_path / "www"))
    assert (tmp_path / "www" / "index.html").is_file()
