"""Who says what: speech verbs, their speakers, and how each speaker is described.

In `"...," the Russian defence expert said` the speaker is a description; in `talk show
host Igor Korochenko told` it is a name with a description before it; in `Alexander
Matsegora, Russia's ambassador to North Korea, said` the description is an apposition.
A pronoun or a definite description ("the ambassador", "the Russian journalist") is read
as the person last quoted or named as a speaker in the same article; an indefinite one ("a
North Korean source") is somebody else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from generator.summary.sentences import Sentence

# Every branch starts with its quote mark, the look-behind after it ("‘" not after a
# letter): a pattern whose branches all start with a character lets `re` skip to the
# next quote mark instead of trying each position (masking took a third of the time).
QUOTE = re.compile(r"“[^“”]+”|\"[^\"]+\"|‘(?<!\w‘)[^‘’]+’(?!\w)")
SPEECH_VERBS = (
    *"said says told tells added adds stated claimed claims concluded explained noted warned "
    "warns argued insisted wrote writes tweeted asked called declared announced recalled "
    "remarked acknowledged admitted suggested alluded urged vowed stressed confirmed "
    "denied".split(),
    "according to",
)
"""Words that attribute what is said, tried in this order (`_VERB`)."""
# `\b` then the verbs: at every word boundary `re` tries each verb in turn. The look-ahead
# for their first letters turns most boundaries away at once (a third of the time of
# finding them in the sentences of 1,000 articles), and finds the same matches.
_VERB = re.compile(
    rf"\b(?=[{''.join(sorted({verb[0] for verb in SPEECH_VERBS}))}])"
    rf"(?:{'|'.join(SPEECH_VERBS)})\b"
)
_AUXILIARIES = re.compile(
    r"(?:\s+(?:has|had|have|also|then|later|previously|earlier|reportedly|once|again|"
    r"further|and|but|who|which|was|is|would|will|had also))+\s*$"
)
_LEADING = re.compile(r"^(?:and|but|however|meanwhile|yet|so|while|as|then)\b,?\s*", re.I)
HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|Prof)\.?\s+")
_NAME_TAIL = re.compile(r"((?:[A-Z][\w’'-]*[a-z][\w’'-]*\s+){0,3}[A-Z][\w’'-]*[a-z][\w’'-]*)$")
_APPOSITION = re.compile(r"^((?:[A-Z][\w’'-]+\s+){0,3}[A-Z][\w’'-]+),\s+([^,]+?),?$")
# Capitalised words that describe a person rather than name one ("Russian President").
_TITLES = frozenset(
    "President Prime Minister Secretary Senator Sen Rep Representative Gov Governor General "
    "Gen Chief Judge Justice King Queen Prince Princess Pope Chancellor Mayor Ambassador "
    "Director Commissioner Speaker Leader Deputy Foreign Defence Defense Health Interior "
    "Home Vice Attorney Lt Col Capt Admiral Sheriff Spokesman Spokeswoman Chairman Chair "
    "Commander Colonel Captain Major Sergeant Officer Premier Economy Finance Education "
    "Former Acting Interim State Head Professor Bishop Archbishop Cardinal Rabbi Imam".split()
)
DEMONYM = re.compile(r"^[A-Z][a-z]+(?:an|ian|ese|ish|i|ch)$")
ORG_WORDS = re.compile(
    r"\b(?:Council|Ministry|Department|Service|Agency|Office|Committee|Commission|Party|"
    r"Union|University|Institute|Association|Company|Corporation|Corp|Inc|Ltd|Group|Bank|"
    r"Court|Parliament|Congress|Senate|House|Government|Administration|Army|Navy|Police|"
    r"Times|Post|News|Channel|Television|TV|Radio|Press|Reuters|Foundation|Organisation|"
    r"Organization|Forces|Board|Authority|Kremlin|Pentagon|Network|Agency|Center|Centre)\b"
)
# Nouns that make a description a person's ("Chief of the Secret Intelligence Service").
_ROLES = frozenset(
    """expert journalist host ambassador minister president spokesman spokeswoman spokesperson
    official chief head director secretary analyst source leader commander general governor
    senator lawmaker member aide adviser advisor presenter commentator correspondent editor
    professor researcher scientist doctor lawyer attorney judge prosecutor officer mayor
    chairman chairwoman chair ceo founder executive manager representative diplomat envoy
    activist witness resident worker father mother son daughter wife husband man woman person
    candidate negotiator democrat republican coach player owner economist historian author
    writer reporter blogger strategist pollster consultant staffer king queen prince pope
    premier chancellor colonel captain sergeant soldier survivor victim teacher student""".split()
)
_APPOSITION_END = re.compile(
    r"((?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen)\.?\s+)?(?:[A-Z][\w’'-]+\s+){0,3}[A-Z][\w’'-]+),"
    r"\s+([^,“”\"]{1,80}?),?\s*$"
)
_NAME_ONLY = re.compile(r"^(?:[A-Z][\w’'.-]*\s+){0,4}[A-Z][\w’'-]*[a-z][\w’'-]*$")
_TITLED = "Mr Mrs Ms Dr Sen Rep Gov Gen Lt Col Capt St Prof".split()
# `\b(Mr|Mrs|...)\.`, with each title first and its word boundary checked after it, for
# the same reason as QUOTE (a quarter of the time).
_ABBREVIATED = re.compile("(" + "|".join(rf"{t}(?<!\w{t})" for t in _TITLED) + r")\.")
_PRONOUNS = frozenset("he she they i we".split())
_INDEFINITE = re.compile(r"^(?:a|an|some|one|another|two|three|several|many)\b", re.I)
MAX_SUBJECT_WORDS = 8
# Stands for a quotation in the masked text: a character no text has.
MASK = "\x00"
MAX_APPOSITION_WORDS = 14
_OBJECT_END = re.compile(rf"[,.;:{MASK}]|\bthat\b")
_CLAUSE_END = re.compile(rf"[,.;:{MASK}]")
_LETTERS = re.compile(r"[A-Za-z]+")
_ENDS_WITH_OF = re.compile(r"\bof$")
_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_ENDS_WITH_AND = re.compile(r"\b(?:and|but)\s*$")


@dataclass(frozen=True, slots=True)
class Attribution:
    """A speech verb in a sentence, its speaker and the words quoted."""

    sentence: int
    """`Sentence.key`."""
    name: str | None
    """The speaker's name, resolved within the article ("Mr Moore" -> "Richard Moore")."""
    description: str | None
    """How this sentence describes the speaker ("talk show host"), determiner dropped."""
    is_person: bool
    """False for an organisation or a document ("the Council for Foreign Relations")."""
    quotes: tuple[str, ...]
    """Quoted words attributed to the speaker in this sentence, without quote marks."""


def quotes_in(text: str) -> list[tuple[int, int, str]]:
    """(start, end, words) of each quotation in a text."""
    return [(m.start(), m.end(), m.group()[1:-1].strip(" ,.")) for m in QUOTE.finditer(text)]


def _masked(text: str) -> str:
    """The text with quotations replaced by MASK (padded to length) and "Mr." as "Mr "."""
    masked = QUOTE.sub(lambda m: MASK + " " * (len(m.group()) - 1), text)
    return _ABBREVIATED.sub(lambda m: m.group(1) + " ", masked)


def _subject(left: str) -> str:
    """The words before a speech verb that name the speaker ("" when they are a clause)."""
    piece = " ".join(left.rsplit(MASK, 1)[-1].split())
    piece = _AUXILIARIES.sub("", piece).strip(" ;:—–-")
    chunks = [c.strip() for c in piece.split(",")]
    if piece.endswith(",") and len(chunks) >= 3:
        pair = chunks[-3:-1]  # "Alexander Matsegora, Russia's ambassador," said
        if all(0 < len(c.split()) <= MAX_APPOSITION_WORDS for c in pair) and any(
            _NAME_ONLY.match(c) for c in pair
        ):
            return ", ".join(pair)
    last = chunks[-1] or (chunks[-2] if len(chunks) > 1 else "")
    last = _LEADING.sub("", last)
    return last if len(last.split()) <= MAX_SUBJECT_WORDS else ""


def _object(right: str) -> str:
    """The words after a speech verb when they name the speaker ("said Mr Moore")."""
    piece = _OBJECT_END.split(right, maxsplit=1)[0].strip()
    words = piece.split()
    return piece if words and words[-1][:1].isupper() and len(words) <= 6 else ""


def _according_to(right: str) -> str:
    """The source after "according to": "Russian state television"."""
    piece = _CLAUSE_END.split(right, maxsplit=1)[0].strip()
    return piece if len(piece.split()) <= MAX_SUBJECT_WORDS else ""


# Speaker phrases recur ("he", "the mayor", "Mr Moore"): both are pure, so memoised.
@lru_cache(maxsize=1 << 14)
def is_person_phrase(name: str | None, description: str | None) -> bool:
    """A person, not an organisation or a document: a role noun, or a name without org words."""
    letters = _LETTERS.findall(description or "")
    words = {w.lower().rstrip("s") for w in letters} | {w.lower() for w in letters}
    if words & _ROLES:
        return True
    if name:
        return ORG_WORDS.search(name) is None
    return False


@lru_cache(maxsize=1 << 14)
def parse_speaker(span: str) -> tuple[str | None, str | None]:
    """(name, description) of a speaker phrase; both None for a pronoun or nothing."""
    span = HONORIFIC.sub("", span.strip())
    if not span or span.lower() in _PRONOUNS:
        return None, None
    if "," in span:
        first, second = (part.strip() for part in span.split(",", 1))
        if _NAME_ONLY.match(first):
            return _split_titles(first)[0], _bare(second)
        if _NAME_ONLY.match(second):
            return _split_titles(second)[0], _bare(first)
    if ORG_WORDS.search(span) and not is_person_phrase(None, span):
        return _bare(span), None
    tail = _NAME_TAIL.search(span)
    if tail is None:
        return None, _bare(span)
    name, titles = _split_titles(tail.group(1))
    before = " ".join([span[: tail.start()].strip(), titles]).strip()
    if name is None or (_ENDS_WITH_OF.search(before) and len(name.split()) == 1):
        return None, _bare(span)  # "head of Ukraine": the capital word is not the speaker
    return name, _bare(before)


def _split_titles(words_text: str) -> tuple[str | None, str]:
    """("Vladimir Putin", "Russian President") from "Russian President Vladimir Putin"."""
    words = HONORIFIC.sub("", words_text).split()
    titles = []
    while words and (words[0].rstrip(".") in _TITLES or DEMONYM.match(words[0])):
        titles.append(words.pop(0))
    return (" ".join(words) or None), " ".join(titles)


def _bare(description: str) -> str | None:
    """A description without its determiner: "the Russian journalist" -> "Russian journalist"."""
    text = _DETERMINER.sub("", description.strip(" ,")).strip()
    return text or None


def sentence_attributions(
    sentence: Sentence,
) -> list[tuple[str | None, str | None, str, list[str]]]:
    """(name, description, phrase, quotes) for each speech verb, before resolution."""
    found: list[tuple[str | None, str | None, str, list[str]]] = []
    if not _VERB.search(sentence.text):
        return found  # masking quotes and titles only hides verbs
    text, masked = sentence.text, _masked(sentence.text)
    for verb in _VERB.finditer(masked):
        left, right = masked[: verb.start()], masked[verb.end() :]
        if verb.group() == "according to":
            phrase = _according_to(right)
        elif found and _ENDS_WITH_AND.search(left.rsplit(MASK, 1)[-1]):
            continue  # "X claimed ... and said ...": the same speaker
        else:
            phrase = _subject(left) or _object(right)
        name, description = parse_speaker(phrase)
        if name is None and description is None and phrase.lower() not in _PRONOUNS:
            continue
        found.append((name, description, phrase, []))
    for start, _end, words in quotes_in(text):
        if found:
            _nearest(found, masked, start)[3].append(words)
    return found


def _nearest(
    found: list[tuple[str | None, str | None, str, list[str]]], masked: str, start: int
) -> tuple[str | None, str | None, str, list[str]]:
    """The attribution whose speaker phrase is closest to a quotation."""
    return min(found, key=lambda f: abs(masked.find(f[2]) - start) if f[2] else len(masked))


def attributions(sentences: Sequence[Sentence]) -> list[Attribution]:
    """Every attribution of one article's sentences (in order), names resolved."""
    found: list[Attribution] = []
    full_names: dict[str, str] = {}
    last: str | None = None
    for sentence in sentences:
        for name, description, phrase, quotes in sentence_attributions(sentence):
            is_person = is_person_phrase(name, description) or phrase.lower() in _PRONOUNS
            if name is None and not _INDEFINITE.match(phrase) and is_person:
                name = last  # "he", "the ambassador": the person last quoted
            elif name is not None and is_person:
                name = _full_name(name, full_names)
                last = name
            if name or quotes:
                attribution = Attribution(sentence.key, name, description, is_person, tuple(quotes))
                found.append(attribution)
    return found


def _full_name(name: str, full_names: dict[str, str]) -> str:
    """ "Moore" -> "Richard Moore" once the full name has appeared in the article."""
    surname = name.split()[-1]
    if len(name.split()) > 1:
        full_names.setdefault(surname, name)
        return name
    return full_names.get(surname, name)
