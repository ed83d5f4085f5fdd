"""Topic ids across builds: content/topic-ids.json keeps URLs stable, and a merged
topic's old URL still leads to its page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.build import REGISTRY_FILE, BuildOptions, build
from generator.errors import ContentError
from generator.frontmatter import dump

FLOOD = (
    "Floodwater covered Port Alder's harbour road on Tuesday after the river Wend rose "
    "four metres overnight, and the council opened two shelters for 300 residents."
)
FLOOD_MORE = (
    "Mayor Ines Korsak said the Wend flood defences at Port Alder held until midnight; "
    "300 residents slept in council shelters while the river stayed four metres high."
)


def write_article(site: Path, name: str, title: str, outlet: str, day: str, body: str) -> None:
    meta = {"title": title, "outlet": outlet, "author": [], "date": day}
    path = site / "content" / "articles" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(meta, "\n" + body + "\n"), encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "site.yaml").write_text('title: "Test"\nsearch: {enabled: false}\n')
    return root


def topics_of(site: Path) -> dict[str, list[str]]:
    data = json.loads((site / "build" / "archive.json").read_text())
    return {t["id"]: sorted(t["articles"]) for t in data["topics"]}


def test_first_build_writes_the_registry_and_a_second_leaves_it_alone(site: Path) -> None:
    write_article(site, "a", "Flood in Port Alder", "The Daily Ledger", "2024-03-05", FLOOD)
    build(BuildOptions(site))
    registry = site / "content" / REGISTRY_FILE
    first = registry.read_bytes()
    assert json.loads(first)["topics"]
    stamp = registry.stat().st_mtime_ns
    build(BuildOptions(site))
    assert registry.read_bytes() == first and registry.stat().st_mtime_ns == stamp


def test_a_topic_keeps_its_url_when_a_newer_article_with_another_title_joins(site: Path) -> None:
    write_article(site, "a", "Flood in Port Alder", "The Daily Ledger", "2024-03-05", FLOOD)
    build(BuildOptions(site))
    [topic_id] = topics_of(site)
    # An article that sorts first and would found the topic on its own title.
    write_article(site, "0", "Aaa: mayor on the Wend flood", "The Post", "2024-03-04", FLOOD_MORE)
    build(BuildOptions(site))
    assert topics_of(site) == {topic_id: ["0", "a"]}


def test_without_the_registry_ids_come_from_the_founding_title(site: Path) -> None:
    write_article(site, "a", "Flood in Port Alder", "The Daily Ledger", "2024-03-05", FLOOD)
    write_article(site, "0", "Aaa: mayor on the Wend flood", "The Post", "2024-03-04", FLOOD_MORE)
    build(BuildOptions(site))
    assert list(topics_of(site)) == ["aaa-mayor-on-the-wend-flood"]


def test_merged_topics_keep_the_old_url_as_a_redirect(site: Path) -> None:
    write_article(site, "a", "Flood in Port Alder", "The Daily Ledger", "2024-03-05", FLOOD)
    write_article(site, "b", "Shelters open", "The Post", "2024-03-06", FLOOD_MORE)
    (site / "content" / "articles" / "b.md").write_text(
        dump({"title": "Shelters open", "outlet": "The Post", "author": [],
              "date": "2024-03-06", "topic": "shelters"}, "\n" + FLOOD_MORE + "\n")
    )  # fmt: skip
    build(BuildOptions(site))
    assert sorted(topics_of(site)) == ["flood-in-port-alder", "shelters"]
    # The pin is removed: grouping now puts both articles in one topic.
    write_article(site, "b", "Shelters open", "The Post", "2024-03-06", FLOOD_MORE)
    build(BuildOptions(site))
    [(survivor, members)] = topics_of(site).items()
    assert members == ["a", "b"]
    gone = "shelters" if survivor == "flood-in-port-alder" else "flood-in-port-alder"
    page = (site / "build" / "topics" / gone / "index.html").read_text()
    assert f"/topics/{survivor}/" in page and 'http-equiv="refresh"' in page
    assert f"/topics/{gone}/ /topics/{survivor}/ 301" in (site / "build" / "_redirects").read_text()


def test_a_damaged_registry_is_an_error_naming_it(site: Path) -> None:
    write_article(site, "a", "Flood in Port Alder", "The Daily Ledger", "2024-03-05", FLOOD)
    (site / "content" / REGISTRY_FILE).write_text("{not json")
    with pytest.raises(ContentError, match=r"content/topic-ids.json: not a topic id registry"):
        build(BuildOptions(site))
