"""What grouping reads of each article: its lead (title, standfirst, the start of the
body), cut when first read, and the text that keys the build's cache of the grouping.

Apart from `clustering` and `features`, which a build whose grouping comes from its
cache (most edits) never imports: it reads every article's lead key from here, and
importing those two (the stemmers, process pools) took 0.03 s of such a build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import overload

from generator.models import Article

LEAD_CHARS = 3000
"""How much of the body is read: a story's who, what and where come first."""
LEAD_TERMS = "lead-terms"
"""The memo's kind for a lead text's `LeadTerms`."""


def lead_text(article: Article, limit: int) -> str:
    """Title, standfirst and the first `limit` characters of the body, as plain text."""
    parts = [article.title, article.dek or ""]
    size = 0
    for paragraph in article.body.peek()[1]:
        if size >= limit:
            break
        parts.append(paragraph.text[: limit - size])
        size += len(parts[-1])
    # A full stop after title and standfirst keeps names from running across them.
    return ".\n".join(part for part in parts if part)


@dataclass(frozen=True, slots=True)
class Leads:
    """Articles in the order clustering takes them (id, then path), with their leads."""

    articles: tuple[Article, ...]
    texts: Sequence[str]
    """Each article's lead text: title, standfirst, the start of the body (cut when
    read: a regrouping whose memo knows an article's terms never reads its body)."""


def leads_of(articles: Iterable[Article]) -> Leads:
    """The articles in clustering order and their lead texts."""
    return leads_in_order(sorted(articles, key=lambda a: (a.id, a.path)))


def leads_in_order(ordered: Sequence[Article]) -> Leads:
    """`leads_of` articles in clustering order already."""
    articles = tuple(ordered)
    return Leads(articles, _LeadTexts(articles))


class _LeadTexts(Sequence[str]):
    """The lead texts of articles, each cut when read. Not kept: grouping reads each
    once, and 100,000 of them were a third of a gigabyte of a cold build's memory."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.articles = articles

    def __len__(self) -> int:
        return len(self.articles)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        position = range(len(self))[index]  # an IndexError past the end, as a tuple's
        return lead_text(self.articles[position], LEAD_CHARS)


def what_cluster_reads(article: Article) -> str:
    """Everything `cluster` reads of one article: its id and path (the order), its date
    and its lead (title, standfirst, the start of the body). The build keys its cache of
    the grouping with it, so an edit further down an article does not regroup."""
    return _reads(article, lead_text(article, LEAD_CHARS))


def reads_of(article: Article, lead: Callable[[str], str]) -> str:
    """`what_cluster_reads` of an article with its lead as `lead` gives it (the build
    gives a hash of it, to key its cache of the grouping)."""
    return _reads(article, lead(lead_text(article, LEAD_CHARS)))


def _reads(article: Article, lead: str) -> str:
    return f"{article.id}\0{article.path}\0{article.date!r}\0{lead}"


def lead_in(reads: str) -> str:
    """The lead (or what stood for it) in a `reads_of` text."""
    return reads.rpartition("\0")[2]
