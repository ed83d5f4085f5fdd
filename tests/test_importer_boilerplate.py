"""Page furniture and section ends: whole lines only, never a long paragraph."""

from __future__ import annotations

import pytest

from generator.importer.boilerplate import is_caption, is_end, is_furniture, is_stop

# The furniture issue 3 quotes from the seeds, and more of the same kinds.
FURNITURE = [
    "Comments",
    "Related: China and Russia Veto UN Sanctions on North Korea",
    "Join our commenting forum",
    "Please refresh the page or navigate to another page on the site to be automatically logged inPlease refresh your browser to be logged in",
    "PHOTOS: Pyongyang military parade",
    "More National Review",
    "Your email address will not be published. Required fields are marked *",
    "Back to top button",
    "Advertisement",
    "Story continues below advertisement",
    "READ MORE: Storm warning issued for the north coast",
    "Share this item on Facebook Share this item via WhatsApp Share this item on X Send this page to someone via email",
    "The pier at Kestrel Bay on Tuesday (Photo: Nils Okafor / Harbour Ledger)",
    "Ministers at the opening. Credit: Jane Doe / Example Agency",
    "Sometimes people ask me why this or that location became popular […]",
    "Sunday Times Opens in new window",
    "Click to email this to a friend (Opens in new window)",
    "These are external links and will open in a new window",
    "Share this with",
    "Share this with LinkedIn",
    "Copy this link",
    "+ Email",
    "* Share",
    "Image 1 of 9",
    "You are signed in as",
]
PROSE = [
    "Popular anger grows",
    "More troops arrive in the city",
    "He spoke to Reuters",
    "The minister said the ban was lifted, according to AP",
    "He works in Paris/London",
    "* World",
    "The doors will open in a new window of time for voters",
    "Share prices fell",
    "Readers left more than 400 comments on the council's planning page before it was closed, and the council said it would read all of them before the vote.",
    "Share prices fell sharply on Monday after the bank said profits would be lower than expected this year, and share buyback plans were suspended while the board reviews its share capital.",
]


@pytest.mark.parametrize("line", FURNITURE)
def test_furniture(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", PROSE)
def test_not_furniture(line: str) -> None:
    assert not is_furniture(line)
    assert not is_stop(line)


@pytest.mark.parametrize(
    ("line", "stop", "end"),
    [
        ("Comments", True, True),
        ("Leave a Reply", True, True),
        ("Jane Doe on June 2, 2021 at 4:47 pm said:", True, True),
        ("© 2023 The Harbour Ledger. All rights reserved.", True, True),
        ("Copyright AP Photo", False, False),
        ("More from the Harbour Ledger", True, False),
        ("Most read", True, False),
        ("Related articles", True, False),
        ("You may also like", True, False),
    ],
)
def test_stops_and_ends(line: str, stop: bool, end: bool) -> None:
    assert is_stop(line) is stop
    assert is_end(line) is end


def test_caption_needs_a_credit() -> None:
    assert is_caption("Crowds at the castle (Image: Jane Doe/Getty Images)")
    assert not is_caption("Crowds gathered at the castle on Saturday to see the parade.")
