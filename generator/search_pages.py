"""Pages cut down to what Pagefind reads: they give the same index as the pages.

The cached search index is keyed by these (`search.input_digest`), so that a change
Pagefind does not read (a stylesheet's fingerprint, the masthead, the description)
keeps the index instead of re-indexing every page. Pagefind itself still reads the
pages: on our theme the cut saves ~15% of the bytes it parses, which does not pay for
writing (and deleting) a second copy of the pages (measured on 1,000 articles).

Pagefind (1.5, `fossick/parser.rs`) streams every byte of a page through lol_html, but
once a page has a `data-pagefind-body` element the text outside such elements is
thrown away: what it keeps from there are `<html lang>`, the first `<h1>` and `<title>`
(default titles), the first `<img>` after a title (default image), the elements
carrying `data-pagefind-*` attributes (meta, filters, sorts, weights) and script or
link tags naming Pagefind files (warnings only). Our pages spend their first two or
three kilobytes (head, masthead, navigation) on nothing of that.

`trimmed` drops, before the first body element, every complete element that holds
none of the above; everything from the body element on is kept byte for byte, and so
is each kept element and the start and end tags of the body's ancestors (their names
and attributes decide which exclusions and weights apply). Text outside the body is
dropped: Pagefind clears it from each ancestor when the body closes. What it drops can
change only the numbering of anchors outside the body, which the index never shows.

The part it drops must be read exactly as lol_html reads it: lol_html keeps a plain
stack of open elements (no implied end tags; void elements are never pushed; an end
tag pops up to its name). So the part before the body must be strictly well formed:
every `<` a tag, comment or doctype this module parses, every end tag closing the
innermost open element, raw-text elements (script, style, title...) holding no `<`,
no foreign content (svg, math) or template, and no ancestor of the body that could
exclude it. A page that is not like that is indexed whole, as are pages without a
body element.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

VOID = frozenset(
    b"area base basefont bgsound br col embed hr img input keygen link meta param source "
    b"track wbr".split()
)
"""Elements lol_html never pushes on its stack (they have no content)."""
RAW_TEXT = frozenset(
    b"script style title textarea xmp iframe noembed noframes noscript plaintext".split()
)
"""Elements whose content is not parsed as tags; only accepted when it holds no `<`."""
REFUSED = frozenset(b"svg math template plaintext".split())
"""Elements that change how what follows is parsed: a page using them before its body
is indexed whole."""
EXCLUDING = frozenset(
    b"head style script noscript label form svg footer nav iframe template".split()
)
"""Pagefind's REMOVE_SELECTORS: as the body or one of its ancestors, a page is indexed
whole (they decide whether the body is read at all)."""
READ = frozenset(b"h1 title img html".split())
"""Elements Pagefind reads wherever they are: default title and image, language."""
BODY = b"data-pagefind-body"

_SPACE = rb"[\t\n\f\r ]"
_ATTRIBUTE = (
    rb"[\t\n\f\r /]+([^\t\n\f\r />\"'=<][^\t\n\f\r />=]*)"
    rb"(?:" + _SPACE + rb"*=" + _SPACE + rb"*(?:\"[^\"]*\"|'[^']*'|[^\t\n\f\r >\"'=<`]+))?"
)
_ATTRIBUTE_AT = re.compile(_ATTRIBUTE)
_TOKEN = re.compile(
    rb"<(?P<start>[a-z][^\t\n\f\r />]*)"
    rb"(?P<attributes>(?:[^\"'>=]++|=" + _SPACE + rb"*+(?:\"[^\"]*+\"|'[^']*+'))*+)>"
    rb"|</(?P<end>[a-z][^\t\n\f\r />]*)" + _SPACE + rb"*>"
    rb"|<!--(?P<comment>.*?)-->"
    rb"|(?P<doctype><!doctype[^<>]*>)",
    re.DOTALL,
)
"""A token of the (lower-cased) page before the body. Attribute values must be quoted:
then a tag ends where every HTML tokenizer ends it (a quote elsewhere is refused)."""
_BODY = re.compile(re.escape(BODY), re.IGNORECASE)


class Unsure(Exception):
    """The page is not in the form this module can cut safely: index it whole."""


@dataclass(slots=True)
class Element:
    """An element before the body: where it is in the page and what it holds."""

    name: bytes
    start: int
    """Offset of its start tag."""
    start_end: int
    """Offset just after its start tag."""
    read: bool
    """Pagefind reads it (or its content) even outside the body."""
    marked: bool
    """It has a `data-pagefind-*` attribute."""
    children: list[Element] = field(default_factory=list)
    end_start: int = -1
    """Offset of its end tag (-1 while it is open)."""
    end: int = -1
    """Offset just after its end tag (-1 while it is open)."""

    def holds_read(self) -> bool:
        """It, or an element inside it, is read by Pagefind."""
        return self.read or any(child.holds_read() for child in self.children)


@dataclass(frozen=True)
class Cut:
    """A page as Pagefind needs it."""

    content: bytes
    """The cut page, or the page itself when unsure."""
    body: bool | None
    """The page has a body element Pagefind reads (True), has no marker at all (False:
    Pagefind skips it if any other page has a body), or nobody knows (None)."""


def trimmed(page: bytes) -> bytes:
    """The page as Pagefind needs it (the same index), or the page itself when unsure."""
    return cut(page).content


def cut(page: bytes) -> Cut:
    """The page as Pagefind needs it, and whether it has a body element."""
    marker = page.find(BODY)
    if marker < 0:
        found = _BODY.search(page)  # upper case letters: rare, so looked for second
        if found is None:
            return Cut(page, body=False)
        marker = found.start()
    try:
        doctype, body, top = _read_prefix(page, marker)
    except Unsure:
        return Cut(page, body=None)
    kept = [doctype]
    for element in top:
        kept.extend(_kept(page, element))
    kept.append(page[body.start :])
    return Cut(b"".join(kept), body=True)


def _kept(page: bytes, element: Element) -> Iterator[bytes]:
    """What to keep of an element before the body: all of it if Pagefind reads it, its
    tags and kept children if it holds something read or the body, else nothing."""
    if element.end < 0:  # the body (kept with the rest of the page) or an ancestor
        if element.children:
            yield page[element.start : element.start_end]
            for child in element.children:
                yield from _kept(page, child)
    elif element.read:
        yield page[element.start : element.end]
    elif element.holds_read():
        yield page[element.start : element.start_end]
        for child in element.children:
            yield from _kept(page, child)
        yield page[element.end_start : element.end]


def _read_prefix(page: bytes, marker: int) -> tuple[bytes, Element, list[Element]]:
    """Parse the page up to the start tag of the body, which must hold the first marker.

    Returns the doctype, the body element and the top-level elements (the body's
    ancestors are open: no end). Raises Unsure if anything is unusual.
    """
    limit = page.find(b"<", marker)
    lower = page[: len(page) if limit < 0 else limit].lower()
    if lower.find(BODY) != marker:
        raise Unsure("an upper-case marker comes first")
    stack: list[Element] = []
    top: list[Element] = []
    doctype = b""
    raw: Element | None = None  # a script, style, title... whose end tag is next
    for tokens, token in enumerate(_TOKEN.finditer(lower), start=1):
        if raw is not None:
            if token["end"] != raw.name:
                raise Unsure(f"<{raw.name.decode()}> holds markup")
            raw = None
        if token["start"] is not None:
            element = _open(token, stack, top)
            if token.end() > marker:
                assert element is not None  # a body element is marked: read
                _check_body(lower.count(b"<"), tokens, token["attributes"], element, stack)
                return doctype, element, top
            if element is not None and element.name in RAW_TEXT:
                raw = element
        elif token["end"] is not None:
            _close(stack, token["end"], token.start(), token.end())
        elif token["doctype"] is not None:
            if stack or top or lower[: token.start()].strip():
                raise Unsure("a doctype after content")
            doctype = page[token.start() : token.end()]
        else:
            _check_comment(token["comment"])
    raise Unsure("the marker is not inside a start tag")


def _open(token: re.Match[bytes], stack: list[Element], top: list[Element]) -> Element | None:
    """Record a start tag before (or of) the body."""
    name, attributes = token["start"], token["attributes"]
    if name in REFUSED:
        raise Unsure(f"<{name.decode()}> before the body")
    marked = b"data-pagefind-" in attributes
    read = marked or name in READ or (name in _SCRIPTS and b"pagefind" in attributes)
    if name in VOID and not read:
        return None  # never on lol_html's stack, and nothing Pagefind reads
    element = Element(name, token.start(), token.end(), read, marked)
    (stack[-1].children if stack else top).append(element)
    if name in VOID:
        element.end_start, element.end = token.start(), token.end()
    else:
        stack.append(element)
    return element


_SCRIPTS = frozenset((b"script", b"link"))


def _close(stack: list[Element], name: bytes, start: int, end: int) -> None:
    """An end tag: it must close the innermost open element."""
    if not stack or stack[-1].name != name:
        raise Unsure(f"</{name.decode()}> does not close the innermost element")
    element = stack.pop()
    element.end_start, element.end = start, end


def _check_comment(text: bytes) -> None:
    """Only comments that every HTML tokenizer ends where this module does."""
    if text.startswith((b">", b"->")) or b"--!" in text:
        raise Unsure("an unusual comment")


def attribute_names(attributes: bytes) -> list[bytes]:
    """The names of the attributes in a (lower-cased) start tag, after its name."""
    names, position = [], 0
    while position < len(attributes):
        found = _ATTRIBUTE_AT.match(attributes, position)
        if found is None:
            break
        names.append(found[1])
        position = found.end()
    return names


def _check_body(
    brackets: int, tokens: int, attributes: bytes, body: Element, stack: list[Element]
) -> None:
    """Every `<` so far began a token (none inside another: no tag was skipped), and the
    tag holding the marker is a body element that Pagefind reads as one."""
    if brackets != tokens:
        raise Unsure("a `<` that is not a tag, or inside one")
    if BODY not in attribute_names(attributes):
        raise Unsure("the marker is not an attribute")
    if body.name in VOID or body.name in RAW_TEXT or body.name in EXCLUDING:
        raise Unsure(f"<{body.name.decode()}> as the body")
    for ancestor in stack[:-1]:
        if ancestor.marked or ancestor.name in EXCLUDING:
            raise Unsure(f"<{ancestor.name.decode()}> around the body")
