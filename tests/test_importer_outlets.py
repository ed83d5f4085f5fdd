"""The outlet registry: built-in entries, site.yaml extensions, and recognition."""

from __future__ import annotations

from generator.config import OutletConfig, SiteConfig
from generator.importer.outlets import (
    builtin_registry,
    by_furniture,
    by_host,
    by_name,
    by_url,
    headline_order,
    load_registry,
)

LEDGER = OutletConfig(
    name="The Harbour Ledger", short_name="Ledger", domains=("harbourledger.example",),
    signatures=("More from the Harbour Ledger newsroom",),
)  # fmt: skip


def registry() -> tuple[OutletConfig, ...]:
    return load_registry(SiteConfig(outlets=(LEDGER,)))


def test_builtin_registry_loads_and_has_unique_names() -> None:
    names = [o.name for o in builtin_registry()]
    assert len(names) == len(set(names)) and "The Independent" in names


def test_headline_order_is_the_outlets_own_where_it_differs() -> None:
    assert headline_order("Daily Mail") == ("og",)
    assert headline_order("the mirror") == ("og",)  # names compared as everywhere
    assert headline_order("The Independent") == ()  # the default order serves
    assert headline_order("The Harbour Ledger") == () and headline_order(None) == ()


def test_site_entries_come_first_and_extend_builtin_ones() -> None:
    own = OutletConfig(name="The Independent", short_name="Indy", signatures=("Indy extra",))
    merged = load_registry(SiteConfig(outlets=(own,)))
    first = merged[0]
    assert first.name == "The Independent" and first.short_name == "Indy"
    assert "independent.co.uk" in first.domains
    assert set(first.signatures) >= {
        "Indy extra",
        "Join thought-provoking conversations, follow other Independent readers and see their replies",
    }
    assert [o.name for o in merged].count("The Independent") == 1


def test_by_url_and_host() -> None:
    reg = registry()
    assert by_url("https://www.independent.co.uk/news/x", reg).name == "The Independent"  # type: ignore[union-attr]
    assert by_url("https://harbourledger.example/a", reg).name == "The Harbour Ledger"  # type: ignore[union-attr]
    assert by_host("notindependent.co.uk", reg) is None
    assert by_url(None, reg) is None


def test_by_name() -> None:
    reg = registry()
    for name in ("The Harbour Ledger", "harbour ledger", "Ledger", "LEDGER"):
        assert by_name(name, reg) is LEDGER
    assert by_name("The Mail Online Times", reg) is None


def test_by_furniture_signature_and_mentions() -> None:
    reg = registry()
    assert by_furniture(["Menu", "More from the Harbour Ledger newsroom"], reg) is LEDGER
    assert (
        by_furniture(["© 2024 The Harbour Ledger", "Working at The Harbour Ledger"], reg) is LEDGER
    )
    # One mention is not enough, and two outlets named as often are ambiguous.
    assert by_furniture(["Follow The Harbour Ledger"], reg) is None
    assert (
        by_furniture(
            ["The Harbour Ledger", "The Harbour Ledger", "The Independent", "The Independent"], reg
        )
        is None
    )


def test_a_name_counts_only_as_printed_and_not_inside_a_longer_name() -> None:
    reg = registry()
    conversation = by_name("The Conversation", reg)
    assert conversation is not None
    assert by_furniture(["First published in The Conversation.", "* The Conversation"], reg) is (
        conversation
    )
    assert by_furniture(["Join the conversation", "Join the Conversation"], reg) is None
    assert by_furniture(["o The Times of Trenton", "+ The Times of Trenton"], reg) is None
    assert by_furniture(["Visit HARBOURLEDGER.EXAMPLE", "The Harbour Ledger"], reg) is LEDGER
