"""An edit in an article's lead groups the articles again in a forked child, while the
build goes on with the last grouping as its guess (`build.Speculation`). Whether the
guess holds or not, the site is the one a clean build gives; an error on either side
stops the child and leaves the previous site as it was."""

from __future__ import annotations

import multiprocessing
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from generator import build as build_module
from generator import clustering, parallel, render
from generator.build import LAST_CLUSTERS, BuildOptions, Guess, Speculation, build
from generator.cache import BuildCache
from generator.errors import BuildError

from .test_golden import tree
from .test_incremental import (
    ARTICLES,
    BRIDGE,
    SITE,
    copy_site,
    no_search,
    replace_in,
)

MARATHON = ARTICLES / "2024/04/coastline-marathon.md"


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    assert threading.active_count() == 1, "these tests need a process without other threads"


def edit_lead(site: Path) -> None:
    replace_in(site, BRIDGE, "shut for weeks", "closed for weeks")


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each speculation of the builds held its guess, in order."""
    held: list[bool] = []
    settle = Speculation.settle

    def spied(self: Speculation) -> bool:
        held.append(settle(self))
        return held[-1]

    monkeypatch.setattr(Speculation, "settle", spied)
    return held


@pytest.fixture
def built(tmp_path: Path) -> Path:
    site = copy_site(SITE, tmp_path / "site")
    no_search(site)
    build(BuildOptions(site))
    return site


def assert_clean_build(site: Path, tmp_path: Path) -> None:
    clean = copy_site(site, tmp_path / "clean")
    build(BuildOptions(clean, cache=False))
    incremental, fresh = tree(site / "build"), tree(clean / "build")
    assert sorted(incremental) == sorted(fresh)
    assert [p for p in fresh if incremental[p] != fresh[p]] == []


def guess_apart(site: Path) -> None:
    """Make the last clustering kept a wrong one: every article a story of its own."""
    cache = BuildCache(site / ".cache")
    same_settings, stories = cache.find_large(LAST_CLUSTERS)
    assert any(len(story) > 1 for story in stories), "the fixture has related coverage"
    cache.keep_large(LAST_CLUSTERS, (same_settings, [[i] for s in stories for i in s]))


def test_a_lead_edit_keeps_its_guess_and_builds_the_clean_site(
    built: Path, tmp_path: Path, settled: list[bool]
) -> None:
    edit_lead(built)
    build(BuildOptions(built))
    assert settled == [True]
    assert_clean_build(built, tmp_path)


def test_the_counts_of_the_leads_grouped_in_the_child_are_kept(
    built: Path, settled: list[bool]
) -> None:
    """The next regrouping starts from them: the edited lead's counts in place of its
    old ones."""
    before = BuildCache(built / ".cache").find_large(build_module.LEAD_COUNTS)
    edit_lead(built)
    build(BuildOptions(built))
    assert settled == [True]
    after = BuildCache(built / ".cache").find_large(build_module.LEAD_COUNTS)
    assert len(after.keys) == len(before.keys)
    assert len(set(after.keys) - set(before.keys)) == 1


def test_no_guess_without_a_change_to_what_grouping_reads(
    built: Path, tmp_path: Path, settled: list[bool]
) -> None:
    replace_in(built, BRIDGE, '"Northern Ledger"', '"Southern Ledger"')
    build(BuildOptions(built))
    assert settled == []


def test_a_wrong_guess_is_replaced_and_what_was_found_is_not_made_again(
    built: Path, tmp_path: Path, settled: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site is assembled again with the grouping the child made; summaries the first
    assembly found in the cache are found again (`BuildCache.recall`), so only the topic
    the edit changed is summarised after the grouping is known."""
    made: list[tuple[str, bool]] = []
    summary_of_topic = build_module.summary_of_topic

    def counted(*args: Any) -> Any:
        made.append((args[-1].id, bool(settled)))
        return summary_of_topic(*args)

    monkeypatch.setattr(build_module, "summary_of_topic", counted)
    guess_apart(built)
    edit_lead(built)
    build(BuildOptions(built))
    assert settled == [False]
    after_the_grouping = [topic for topic, after in made if after]
    assert_clean_build(built, tmp_path)
    assert after_the_grouping == ["harbour-bridge-closed-after-cracks-found-in-main-span"]
    replace_in(built, BRIDGE, "closed for weeks", "shut for weeks")
    build(BuildOptions(built))
    assert settled == [False, True]  # the next build guesses from the grouping made


@pytest.mark.parametrize(
    ("module", "name", "error"),
    [
        # Here, while the child groups: the child is stopped.
        (render, "plan_site", BuildError("templates: broken")),
        # In the child (a fork: it sees the patch), and then in grouping here.
        (clustering, "labels_of_counted", ValueError("grouping broke")),
    ],
)
def test_an_error_on_either_side_ends_the_build_and_keeps_the_site(
    built: Path, monkeypatch: pytest.MonkeyPatch, module: Any, name: str, error: Exception
) -> None:
    before = tree(built / "build")

    def failing(*args: Any) -> Any:
        raise error

    monkeypatch.setattr(module, name, failing)
    edit_lead(built)
    with pytest.raises(type(error), match=str(error)):
        build(BuildOptions(built))
    assert multiprocessing.active_children() == []
    assert tree(built / "build") == before


def test_a_child_that_dies_is_replaced_by_grouping_here(
    built: Path, tmp_path: Path, settled: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    labels_of_counted = clustering.labels_of_counted
    parent = os.getpid()

    def dies_in_the_child(*args: Any) -> Any:
        if os.getpid() != parent:
            os._exit(9)  # as if killed for want of memory
        return labels_of_counted(*args)

    monkeypatch.setattr(clustering, "labels_of_counted", dies_in_the_child)
    edit_lead(built)
    build(BuildOptions(built))
    assert settled == [True]
    assert_clean_build(built, tmp_path)


def test_no_guess_where_no_child_can_be_forked(
    built: Path, tmp_path: Path, settled: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    edit_lead(built)
    build(BuildOptions(built))
    assert settled == []
    assert_clean_build(built, tmp_path)


def add_unrelated(site: Path) -> None:
    (site / ARTICLES / "2024/04/ledger-garden-show.md").write_text(
        '---\ntitle: "Rose growers crowd the spring garden show"\noutlet: "Northern Ledger"\n'
        "date: 2024-04-20T09:00:00+02:00\n---\n\nTwo hundred growers showed roses.\n",
        encoding="utf-8",
    )


def add_related(site: Path) -> None:
    """Another outlet's copy of the bridge story: it joins that story."""
    text = (site / BRIDGE).read_text(encoding="utf-8")
    (site / ARTICLES / "2024/03/herald-bridge-shut.md").write_text(
        text.replace('"Northern Ledger"', '"Harbour Herald"'), encoding="utf-8"
    )


def add_related_undated(site: Path) -> None:
    """The same, its date left out: undated, it is compared with the whole archive."""
    text = (site / BRIDGE).read_text(encoding="utf-8")
    dated = next(line for line in text.splitlines() if line.startswith("date:"))
    (site / ARTICLES / "2024/03/herald-bridge-shut.md").write_text(
        text.replace('"Northern Ledger"', '"Harbour Herald"').replace(dated + "\n", ""),
        encoding="utf-8",
    )


def add_two_related(site: Path) -> None:
    """Two more outlets' copies of one new story: the second joins the first."""
    add_unrelated(site)
    text = (site / ARTICLES / "2024/04/ledger-garden-show.md").read_text(encoding="utf-8")
    (site / ARTICLES / "2024/04/herald-garden-show.md").write_text(
        text.replace('"Northern Ledger"', '"Harbour Herald"'), encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("change", "held"),
    [
        (add_unrelated, True),  # a story of its own, as guessed
        (add_related, True),  # placed in the bridge story
        (add_related_undated, True),
        (add_two_related, True),
        (lambda site: (site / MARATHON).unlink(), True),
    ],
)
def test_articles_added_or_removed_are_guessed_and_give_the_clean_site(
    built: Path, tmp_path: Path, settled: list[bool], change: Any, held: bool
) -> None:
    change(built)
    build(BuildOptions(built))
    assert settled == [held]
    assert_clean_build(built, tmp_path)


def test_a_guess_overtaken_by_the_grouping_is_dropped_for_it(
    built: Path, tmp_path: Path, settled: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the child has grouped the articles before the new one is placed, the build
    goes on with the child's grouping, not a guess: nothing is assembled twice."""
    monkeypatch.setattr(clustering, "UNTIL_ROWS", 1)
    monkeypatch.setattr(Speculation, "ready", lambda self: True)

    def no_guess(self: Speculation, guess: list[list[str]]) -> None:
        raise AssertionError("the build went on with a guess")

    monkeypatch.setattr(Speculation, "going_with", no_guess)
    add_related(built)
    build(BuildOptions(built))
    assert settled == [False]  # the child's grouping: not the guess it was left alone in
    assert_clean_build(built, tmp_path)


def add_a_tag(site: Path) -> None:
    """An edit of what grouping does not read: it is taken from the cache, and the
    article's topic summarised again (a summary's key holds its articles' files)."""
    replace_in(site, BRIDGE, 'tags: ["transport"]', 'tags: ["transport", "harbours"]')


@pytest.fixture
def asides(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many summaries each `build.Aside` of the builds was left."""
    made: list[int] = []
    real = build_module.Aside.__init__

    def spied(self: build_module.Aside, summary: Any, topics: Any, *rest: Any) -> None:
        made.append(len(topics))
        real(self, summary, topics, *rest)

    monkeypatch.setattr(build_module.Aside, "__init__", spied)
    return made


def test_an_edit_past_the_lead_is_summarised_in_a_child_and_builds_the_clean_site(
    built: Path, tmp_path: Path, asides: list[int], settled: list[bool]
) -> None:
    add_a_tag(built)
    build(BuildOptions(built))
    assert (asides, settled) == ([1], [])
    assert multiprocessing.active_children() == []
    replace_in(built, MARATHON, 'tags: ["sport", "transport"]', 'tags: ["sport"]')
    build(BuildOptions(built))  # the bridge topic's summary made aside was kept
    assert asides == [1, 1]
    assert_clean_build(built, tmp_path)


def test_nothing_is_left_aside_where_no_summary_is_to_make(built: Path, asides: list[int]) -> None:
    """A change that no summary reads (a template's text) forks no child to summarise."""
    (built / "templates").mkdir(exist_ok=True)
    (built / "templates" / "footer.html").write_text("<footer>Changed.</footer>\n", "utf-8")
    build(BuildOptions(built))
    assert asides == []


def test_a_summary_child_that_dies_is_replaced_by_summarising_here(
    built: Path, tmp_path: Path, asides: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    real = build_module.Aside._make_all

    def dies_in_the_child(self: build_module.Aside) -> list[Any]:
        if os.getpid() != parent:
            os._exit(1)
        return real(self)

    monkeypatch.setattr(build_module.Aside, "_make_all", dies_in_the_child)
    add_a_tag(built)
    build(BuildOptions(built))
    assert asides == [1]
    assert_clean_build(built, tmp_path)


def test_an_error_summarising_aside_ends_the_build_and_keeps_the_site(
    built: Path, asides: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree(built / "build")

    def failing(*args: Any) -> Any:
        raise ValueError("summary broke")

    monkeypatch.setattr(build_module, "summary_of_topic", failing)
    add_a_tag(built)
    with pytest.raises(ValueError, match="summary broke"):
        build(BuildOptions(built))
    assert asides == [1]
    assert multiprocessing.active_children() == []
    assert tree(built / "build") == before


def test_no_guess_for_many_new_articles(
    built: Path, settled: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_module, "GUESS_NEW", 0)
    add_unrelated(built)
    build(BuildOptions(built))
    assert settled == []


def test_a_guess_is_the_last_clustering_of_the_articles_there_in_clustering_order(
    tmp_path: Path,
) -> None:
    """Articles gone are left out, a new one is a story of its own, and the stories come
    as clustering gives them: by their first article, each in the order of the ids."""
    cache = BuildCache(tmp_path)
    cache.keep_large(LAST_CLUSTERS, ("settings", [["a", "d"], ["b", "gone"], ["c"], ["e"]]))
    guess = Speculation(cache).guess
    assert guess("settings", ["a", "b", "c", "d", "e"]) == Guess(
        [["a", "d"], ["b"], ["c"], ["e"]], ()
    )
    assert guess("settings", ["b", "c", "new", "d", "e"]) == Guess(
        [["b"], ["c"], ["new"], ["d"], ["e"]], ("new",)
    )
    assert guess("settings", ["a", "aa", "d", "z"]) == Guess(
        [["a", "d"], ["aa"], ["z"]], ("aa", "z")
    )
    assert guess("other settings", ["a", "b"]) is None
