"""Pasted text: the body run, the header above it, what is dropped inside it."""

from __future__ import annotations

from generator.importer.text import extract

ONE = "The council agreed the new ferry timetable on Tuesday after a long debate in the chamber."
TWO = "Members said the winter sailings would leave earlier, so that pupils reach school on time."
THREE = "The harbour master warned that storms could still cancel crossings at short notice."
FOUR = "A final decision on the summer timetable is expected at the next meeting in June."
MENU = "\n".join(f"* Section {i}" for i in range(12))


def paste(*parts: str) -> str:
    return "\n\n".join(parts)


def test_menu_header_body_footer() -> None:
    text = paste(
        MENU, "Ferry timetable agreed after long debate", "By Ann Poe",
        "3 May 2024", ONE, TWO, "Most read", MENU,
    )  # fmt: skip
    draft = extract(text)
    assert draft.title == "Ferry timetable agreed after long debate"
    assert draft.authors == ("Ann Poe",)
    assert draft.date is not None and draft.date.isoformat() == "2024-05-03"
    assert draft.body.split("\n\n") == [ONE, TWO]
    assert "Section 3" in " ".join(draft.furniture)


def test_headline_above_its_dek() -> None:
    text = paste(
        MENU, "Ferry timetable agreed", "Councillors spent six hours on the plan before a narrow vote on Tuesday night",
        "Ann Poe", "Friday 3 May 2024 10:00 BST", ONE, TWO,
    )  # fmt: skip
    draft = extract(text)
    assert draft.title == "Ferry timetable agreed"
    assert (
        draft.dek == "Councillors spent six hours on the plan before a narrow vote on Tuesday night"
    )
    assert draft.authors == ("Ann Poe",)
    assert draft.date is not None and draft.date.isoformat() == "2024-05-03T10:00:00+01:00"


def test_comment_thread_longer_than_the_article_is_not_the_article() -> None:
    comment = (
        "I have lived here for forty years and I have never seen the ferry run on time, not once. "
        * 4
    )
    text = paste(
        MENU, "Ferry timetable agreed", "By Ann Poe", ONE, TWO, THREE, FOUR, "Comments",
        *[f"Reader {i} on May 3, 2024 at 4:4{i} pm said:\n\n{comment}" for i in range(5)],
    )  # fmt: skip
    assert extract(text).body.split("\n\n") == [ONE, TWO, THREE, FOUR]


def test_inline_furniture_is_dropped_and_subheadings_kept() -> None:
    text = paste(
        "Ferry timetable agreed", "By Ann Poe", ONE, "Advertisement", "What happens next",
        ONE, "RELATED: Harbour budget approved", ONE, "Share this article",
    )  # fmt: skip
    assert extract(text).body.split("\n\n") == [
        ONE,
        "What happens next",
        ONE,
        ONE,
    ]


def test_teaser_lists_are_not_the_article() -> None:
    teasers = "\n".join(
        f"Other story headline number {i}\nA one-sentence summary of another story that is long enough to read as prose.\n{i} hours ago"
        for i in range(1, 8)
    )
    text = paste("Ferry timetable agreed", "By Ann Poe", ONE, TWO, THREE, teasers)
    assert extract(text).body.split("\n\n") == [ONE, TWO, THREE]


def test_author_bio_under_the_article_is_dropped() -> None:
    text = paste(
        "Ferry timetable agreed",
        "By Ann Poe",
        ONE,
        TWO,
        "Ann Poe is a reporter covering transport.",
    )
    assert extract(text).body.split("\n\n") == [ONE, TWO]


def test_by_on_its_own_line_with_several_names() -> None:
    text = paste("Ferry timetable agreed", "By\nAnn Poe\nJo Roe News Reporter", ONE, ONE)
    assert extract(text).authors == ("Ann Poe", "Jo Roe")


def test_no_header_at_all() -> None:
    draft = extract(paste(ONE, TWO))
    assert draft.title is None and draft.authors == () and draft.date is None
    assert draft.body.split("\n\n") == [ONE, TWO]


def test_a_paragraph_printed_twice_in_a_row_is_a_widget() -> None:
    assert extract(paste("By Ann Poe", ONE, TWO, THREE, THREE)).body.split("\n\n") == [ONE, TWO]


def test_hard_wrapped_text_is_joined() -> None:
    wrapped = (
        "The council agreed the new ferry timetable on Tuesday after a long\n"
        "debate in the chamber that ran well past midnight, members said.\n\n"
        "Members said the winter sailings would leave earlier, so that pupils\n"
        "reach school on time, and that the last boat would wait for the train."
    )
    draft = extract(paste("Ferry timetable agreed", "By Ann Poe", wrapped))
    assert draft.body.split("\n\n") == [
        "The council agreed the new ferry timetable on Tuesday after a long debate in the chamber that ran well past midnight, members said.",
        "Members said the winter sailings would leave earlier, so that pupils reach school on time, and that the last boat would wait for the train.",
    ]


def test_a_bullet_line_standing_alone_may_be_the_headline() -> None:
    # Some pages mark the headline up as the last step of their breadcrumbs; a bullet line
    # with blank lines around it is not a menu entry.
    crumbs = "* Home\n* Front Page"
    text = paste(
        MENU, crumbs, "Wed, May 1, 2024 page1", "* Ferry timetable agreed after long debate",
        "HARBOUR VOTE: Councillors spent six hours on the plan before a narrow vote on Tuesday night",
        ONE, TWO, THREE,
    )  # fmt: skip
    draft = extract(text)
    assert draft.title == "Ferry timetable agreed after long debate"
    assert draft.dek is not None and draft.dek.startswith("HARBOUR VOTE")


def test_share_buttons_between_headline_and_body_do_not_hide_the_headline() -> None:
    buttons = "\n\n".join(f"+ {name}\n\nShare this with {name}" for name in ("Email", "X") * 8)
    text = paste(
        MENU, "Ferry timetable agreed after long debate", "* 3 May 2024", buttons,
        "Copy this link", "These are external links and will open in a new window",
        ONE, TWO, THREE,
    )  # fmt: skip
    draft = extract(text)
    assert draft.title == "Ferry timetable agreed after long debate"
    assert draft.date is not None and draft.date.isoformat() == "2024-05-03"


def test_a_status_line_is_not_the_headline_and_marks_the_one_above() -> None:
    text = paste(
        "Set Your Location:\nEnter City and State or Zip Code\nCongratulations!", MENU,
        "Ferry timetable agreed. They just might sail.",
        "Updated May 3, 9:41 AM;Posted May 2, 8:19 PM", "By Ann Poe | Harbour Ledger",
        ONE, TWO, "“The ferry will sail,” the harbour master said on the radio, “and so will we.”",
        "— Ann Poe (@annpoe) May 3, 2024", THREE,
    )  # fmt: skip
    draft = extract(text)
    assert draft.title == "Ferry timetable agreed. They just might sail."
    assert draft.authors == ("Ann Poe",)
    assert draft.body.startswith(ONE)
