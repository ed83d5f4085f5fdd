"""A saved page's headline statements: decoration cut off, the page's own headline found
inside a social statement, and the choice among them."""

from __future__ import annotations

import pytest

from generator.importer.headlines import choose, clean_statements

URL = ("https://www.harbourledger.example/news/a",)


def cleaned(source: str, text: str, *sites: str, urls: tuple[str, ...] = URL) -> str:
    ((_, out),) = clean_statements(((source, text),), sites, urls)
    return out


@pytest.mark.parametrize(
    ("text", "sites", "expected"),
    [
        ("Ferry halted - The Harbour Ledger", ("The Harbour Ledger",), "Ferry halted"),
        ("Ferry halted | Harbour Ledger Online", ("Harbour Ledger",), "Ferry halted"),
        ("Ferry halted | harbourledger.example", (), "Ferry halted"),  # the page's host
        ("Ferry halted - Local | World News | Harbour Ledger", ("Harbour Ledger",), "Ferry halted"),
        ("Ferry halted | Harbour Ledger | by Ann Poe", ("Harbour Ledger",), "Ferry halted"),
        ("Harbour Ledger | Ferry halted", ("Harbour Ledger",), "Ferry halted"),
        # A headline with a dash of its own keeps it; only the site's segment goes.
        (
            "Ferry halted - here is how to get home | The Harbour Ledger",
            ("The Harbour Ledger",),
            "Ferry halted - here is how to get home",
        ),
        # No segment names the site: a social statement is left alone.
        ("Ferry halted - updates", ("The Harbour Ledger",), "Ferry halted - updates"),
        ("Ferry halted | harbourledger", (), "Ferry halted"),  # the host's first label
    ],
)
def test_the_sites_name_and_sections_are_cut_off(
    text: str, sites: tuple[str, ...], expected: str
) -> None:
    assert cleaned("og", text, *sites) == expected


def test_a_short_first_label_of_the_host_is_no_name() -> None:
    urls = ("https://news.ledger.example/a",)
    assert cleaned("og", "Ferry halted - News", urls=urls) == "Ferry halted - News"


def test_statements_for_the_page_itself_are_never_cut() -> None:
    assert cleaned("ld", "Ferry halted - The Harbour Ledger", "The Harbour Ledger") == (
        "Ferry halted - The Harbour Ledger"
    )
    assert cleaned("h1", "Ledger | Ferry halted", "Ledger") == "Ledger | Ferry halted"


def test_title_element_falls_back_to_dropping_its_last_short_segment() -> None:
    assert cleaned("title", "Ferry halted | Some Other Name", urls=()) == "Ferry halted"


def test_the_pages_own_headline_inside_a_social_statement_is_taken() -> None:
    titles = (
        ("h1", "Ferry halted: crossings resume on Monday"),
        ("og", "Harbour Crisis: Ferry halted: crossings resume on Monday | Local"),
        ("twitter", "Ferry halted: crossings resume"),  # shorter, not the same headline
    )
    out = dict(clean_statements(titles, (), ()))
    assert out["og"] == "Ferry halted: crossings resume on Monday"
    assert out["twitter"] == "Ferry halted: crossings resume"
    # Only whole segments: a headline inside a longer sentence is not decoration.
    inside = (("h1", "Ferry halted"), ("og", "Why the Ferry halted at noon"))
    assert dict(clean_statements(inside, (), ()))["og"] == "Why the Ferry halted at noon"


def test_choose_follows_the_order_and_returns_none_without_a_statement() -> None:
    titles = (("ld", "Long printed headline"), ("h1", "Long printed headline"), ("og", "Short"))
    assert choose(titles) == "Long printed headline"
    assert choose(titles, ("og",)) == "Short"
    assert choose(titles, ("twitter",)) is None  # the caller keeps its default then
    assert choose(()) is None
