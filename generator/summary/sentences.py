"""Articles -> sentences: split, tokenised, stemmed, with page furniture left out.

A sentence keeps its article id and paragraph number (the `#pN` anchor of our copy), so
everything a summary says can be traced back. Its text is a verbatim slice of the
paragraph, less a leading dateline ("WASHINGTON (AP) -").
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from generator.models import Article

if TYPE_CHECKING:
    from snowballstemmer import stemmer as Stemmer

# Words before a full stop that do not end a sentence ("Mr. Moore", "Aug. 8", "U.S. troops").
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen sen sens rep reps gov lt col capt sgt cpl pvt st jr sr inc corp co ltd "
    "vs etc no jan feb mar apr jun jul aug sep sept oct nov dec mt ft rev adm maj cmdr pres supt "
    "det u.s u.k u.n e.g i.e a.m p.m d.c approx dept est fig op".split()
)
# A boundary: end punctuation, closing quotes or brackets, space, then a sentence start.
_BOUNDARY = re.compile(r"([.!?…]+)([\"”’')\]]*)\s+(?=[\"“‘(\[]?[A-Z0-9])")
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’]+(?:[ ,]+[A-Z][A-Za-z.'’]+){0,3},?\s*(?:\([^)]{1,30}\))?|\([A-Z]{2,10}\))"
    r"\s*[—–-]{1,2}\s+"
)
_LETTERS_AND_STOPS = string.ascii_letters + "."
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*(?![^\W_])|[^\W_]+(?:['’][^\W_]+)*")
# Labels of page parts: furniture when the text is only the label or the label and a colon.
_LABEL = re.compile(
    r"^(?:advertisement|related|read more|read next|more from|more on this|photos?|pictures?|"
    r"video|watch|listen|image|recommended|most read|comments?|getty images|copyright)"
    r"(?:\s*$|\s*[:|])",
    re.IGNORECASE,
)
# Calls to action that no article sentence starts with.
_PROMPT = re.compile(
    r"^(?:sign up|subscribe (?:to|now|for)|click here|share this|share on|follow us|leave a reply|"
    r"back to top|join our|thank you for (?:registering|reading|subscribing)|please refresh|"
    r"all rights reserved|©)",
    re.IGNORECASE,
)
_ENDS_LIKE_PROSE = re.compile(r"[.!?…:;\"”’')\]]\s*$")

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves said says say told tell according added its it's s t mr mrs ms dr
    would also one us""".split()
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of one article, where it stands, and its words."""

    key: int
    """Index in the topic-wide list of sentences."""
    article_id: str
    paragraph: int
    """Paragraph number in `Article.paragraphs` (the `#pN` anchor)."""
    position: int
    """0-based order of the sentence in its article."""
    text: str
    """Verbatim text (a leading dateline removed)."""
    words: tuple[str, ...]
    """Surface tokens in order: words and numbers as written."""
    terms: tuple[str, ...]
    """Lower-cased, stemmed content words and numbers (commas dropped): what is compared."""


@cache
def _stemmer() -> Stemmer:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


# Distinct words in a build are far fewer than words stemmed (a 1,000-article archive stems
# ~2 million tokens of a few thousand words), so a bounded memo makes stemming nearly free.
@lru_cache(maxsize=1 << 17)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a lower-cased word."""
    return str(_stemmer().stemWord(word))


@lru_cache(maxsize=1 << 17)
def stem_token(word: str) -> str:
    """The stem of a token as written (lower-cased first)."""
    return stem(word.lower())


def spellings_of(
    words: Iterable[str], cases: Iterable[str] = ("lower", "title", "upper")
) -> frozenset[str]:
    """Tokens as `words_of` gives them for these words in the given cases, possessives too.

    For a quick test whether a sentence can contain one (`isdisjoint` with its words)."""
    cased = {getattr(word, case)() for word in words for case in cases}
    return frozenset(cased | {w + "'s" for w in cased} | {w + "’s" for w in cased})


def words_of(text: str) -> tuple[str, ...]:
    """Word and number tokens in order, as written."""
    return tuple(_TOKEN.findall(text))


def terms_of(words: Sequence[str]) -> tuple[str, ...]:
    """Content terms of tokens: stemmed, lower-cased, stopwords dropped, numbers bare."""
    return tuple(filter(None, map(_term, words)))


@lru_cache(maxsize=1 << 17)
def _term(word: str) -> str:
    """The term of one token ("" when it is not a content word)."""
    lower = word.lower().replace("’", "'").removesuffix("'s")
    if lower[0].isdigit():
        return lower.replace(",", "")
    if lower not in STOPWORDS and len(lower) > 1:
        return stem(lower)
    return ""


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, verbatim, cut at end punctuation that is not an abbreviation."""
    pieces: list[str] = []
    start = 0
    balanced = _quotes_balanced(text)
    for match in _BOUNDARY.finditer(text):
        before = _last_word(text, start, match.start(1))
        if match.group(1) == "." and before and _not_an_end(before):
            continue
        # A quotation of several sentences stays whole, so that it keeps its speaker.
        if balanced and _inside_quote(text[: match.end(2)]):
            continue
        pieces.append(text[start : match.end(2)].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if any(c.isalpha() for c in p)]


def _last_word(text: str, start: int, end: int) -> str | None:
    """The letters and full stops just before `end`, from their first letter ("U.S")."""
    piece = text[start:end]
    return piece[len(piece.rstrip(_LETTERS_AND_STOPS)) :].lstrip(".") or None


def _quotes_balanced(text: str) -> bool:
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def _inside_quote(head: str) -> bool:
    return head.count("“") > head.count("”") or head.count('"') % 2 == 1


def _not_an_end(word: str) -> bool:
    """An abbreviation or an initial ("J. K. Rowling") before a full stop."""
    bare = word.rstrip(".").lower()
    return bare in ABBREVIATIONS or (len(bare) == 1 and word[0].isupper())


def is_furniture(text: str) -> bool:
    """Page furniture: captions, share and sign-up prompts, short unpunctuated labels."""
    bare = text.lstrip("•*-–— ")
    if _LABEL.match(bare) or _PROMPT.match(bare):
        return True
    return not _ENDS_LIKE_PROSE.search(text) and len(text.split()) < 12


def strip_dateline(text: str) -> str:
    """The sentence without a leading dateline ("LONDON -", "(CNN) -")."""
    return _DATELINE.sub("", text, count=1)


def article_sentences(articles: Sequence[Article]) -> tuple[Sentence, ...]:
    """Every sentence of every article, in article then reading order."""
    found: list[Sentence] = []
    for article in articles:
        position = 0
        for paragraph in article.paragraphs:
            if is_furniture(paragraph.text):
                continue
            for piece in split_sentences(paragraph.text):
                text = strip_dateline(piece) if position == 0 else piece
                if is_furniture(text):
                    continue
                words = words_of(text)
                sentence = Sentence(
                    len(found), article.id, paragraph.number, position, text, words,
                    terms_of(words),
                )  # fmt: skip
                found.append(sentence)
                position += 1
    return tuple(found)
