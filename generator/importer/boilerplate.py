"""Page furniture in pasted text: which lines are never article text.

Two kinds, both matched on whole lines only (a body sentence that merely mentions
"comments" is never touched):

- furniture: share buttons, "Advertisement", captions' credits, "Related: <headline>"
  links and sign-up plugs that sit *inside* an article; dropped where they stand;
- stops: the headers of what follows an article (comments, "More from", "Read next",
  copyright lines): the article does not run past them.

Removal is conservative by construction: a line of 25 words or more is never furniture,
whatever it says, unless it is a photo caption ending with its credit or a teaser cut off
with "[…]"; so no body paragraph is lost to a pattern.
"""

from __future__ import annotations

import re

_MAX_WORDS = 25
"""Longer lines are prose whatever they contain..."""
_MAX_BUTTON_WORDS = 40
"""...except the whole-line patterns below, which are exact enough to allow more."""

# Whole lines (case-insensitive) that are buttons, labels and prompts.
_FURNITURE_LINES = re.compile(
    r"""^(?:
      [*+•·|»›>\-–—]+                                         # a bare bullet or separator
    | (?:\d+\s*)?(?:comments?|view\s+comments?|show\s+comments|add\s+a\s+comment)
    | share(?:\s+(?:this|now|on\s+\w+|this\s+(?:article|story|page|item)))?(?:\s*:.*)?
    | share\s+(?:this\s+)?(?:with|via|on|to)(?:\s+\w+)?|copy\s+(?:this\s+)?link
    | (?:tweet|email|e-mail|print|facebook|twitter|x|linkedin|whatsapp|reddit|pinterest
       |flipboard|messenger|telegram|tumblr|threads|bluesky|copy(?:\s+link)?|save|saved
       |bookmark|gift\s+(?:this\s+)?article|listen(?:\s+to\s+(?:this\s+)?article)?)
      (?:\s+\d+)?
    | advertisement(?:\s*\d*)?|advertising|sponsored(?:\s+content)?|ad|ads|promoted
    | story\s+continues\s+(?:below|after)(?:\s+(?:this\s+)?advertisement)?
    | article\s+continues\s+(?:below|after)(?:\s+(?:this\s+)?advertisement)?
    | (?:continue\s+reading|read\s+more|read\s+full\s+article|see\s+more|show\s+more
       |load\s+more|more\s+info|click\s+here|tap\s+here)(?:\s*[.…>»]*)?
    | article\s+content|(?:this\s+)?advertisement\s+has\s+not\s+loaded\s+yet.*
    | (?:skip|jump)\s+to\s+(?:main\s+)?content|back\s+to\s+top(?:\s+button)?
    | (?:sign\s+in|log\s+in|login|log\s+out|register|subscribe(?:\s+now)?|sign\s+up)
    | (?:thank\s+you\s+for\s+registering|you\s+have\s+been\s+signed\s+up)
    | you\s+are\s+(?:signed|logged)\s+in\s+as\b.*
    | please\s+refresh\s+the\s+page.*|please\s+refresh\s+your\s+browser.*
    | (?:image|photo|picture|video|credit|source|caption|illustration)s?\s*(?:credit)?\s*:.*
    | (?:photo|image|picture)\s+by\s+.*
    | getty(?:\s+images)?|reuters|ap|afp|pa(?:\s+media)?|shutterstock|ap\s+photo
    | \(?(?:getty\s+images|ap\s+photo|reuters|afp|pa\s+wire|shutterstock)[^)]*\)?
    | \d+\s+min(?:ute)?s?\s+read|\d+\s+min(?:ute)?\s+read|reading\s+time.*
    | (?:text\s+size|font\s+size|aa|a\+|a-|small|medium|large)
    | .{0,60}[\s(](?:opens|will\s+open)\s+in\s+(?:a\s+)?new\s+(?:window|tab)\)?
    | (?:image|photo|picture|slide)\s+\d+\s+(?:of|/)\s+\d+
    | close|menu|search|open\s+menu|close\s+menu|toggle\s+navigation|home
    | (?:watch|listen)\s*(?:now|live)?|play(?:\s+video)?|video|audio|live|breaking(?:\s+news)?
    | up\s+next|next|previous|prev|next\s+post|previous\s+post|post\s+navigation
    | (?:to\s+view\s+this\s+video\s+please\s+enable\s+javascript).*
    | we\s+apologi[sz]e,?\s+but\s+this\s+video\s+has\s+failed\s+to\s+load.*
    | try\s+refreshing\s+your\s+browser.*
    | (?:don'?t|do\s+not)\s+want\s+to\s+see\s+this\?.*
    | more(?:\s+\S+){1,3}
    | \[\s*\d+\s+comments?\s*\]
    )[.!:]?$""",
    re.IGNORECASE | re.VERBOSE,
)
# "Related: <headline>", "READ MORE: <headline>", "PHOTOS: <gallery>": a labelled link.
_LABELLED_LINK = re.compile(
    r"""^(?:related|read\s+more|read\s+also|also\s+read|see\s+also|more|photos?|video
    |(?:watch|listen)(?:\s+(?:in\s+full|again|now|live|more))?
    |gallery|listen|in\s+pictures|pictured|recommended|opinion|analysis|explainer|must\s+read
    |don'?t\s+miss|trending|latest|more\s+on\s+this|more\s+on\s+this\s+story|click\s+here
    |take\s+our\s+poll|poll|quiz|sign\s+up|subscribe)\s*[:|»>\-–—]\s*\S""",
    re.IGNORECASE | re.VERBOSE,
)
# Sign-up and app plugs, cookie and account prompts.
_PLUG = re.compile(
    r"""(?:sign\s+up\s+(?:to|for)\s+(?:our|the)|subscribe\s+to\s+(?:our|the)
    |(?:our|free)\s+(?:\w+\s+){0,3}newsletters?\b|download\s+(?:our|the)\s+app
    |follow\s+us\s+on|join\s+our\s+commenting\s+forum|already\s+(?:a\s+)?subscribe[rd]
    |enable\s+javascript|your\s+browser\s+(?:is|does)\s+not|cookie\s+(?:policy|settings)
    |privacy\s+(?:policy|notice)|terms\s+(?:of\s+(?:use|service)|and\s+conditions)
    |your\s+email\s+address\s+will\s+not\s+be\s+published|required\s+fields\s+are\s+marked
    |unlock\s+(?:this|unlimited)|to\s+continue\s+reading|create\s+a\s+free\s+account
    |bookmark\s+(?:this|your\s+favourite)|notifications\s+can\s+be\s+managed
    |\bget\s+the\s+latest\s+(?:news|updates|headlines|stories)\b|in\s+your\s+inbox|straight\s+to\s+your\s+inbox|sent\s+straight\s+to\s+your
    |preferred\s+source\s+on\s+google|\bauto-?play|\b(?:click|tap)\s+to\s+(?:play|watch)|add\s+\S+(?:\s+\S+)?\s+to\s+(?:your\s+)?home\s+screen)""",
    re.IGNORECASE | re.VERBOSE,
)
_SHARE = re.compile(
    r"\bshare\s+(?:this|on|via|to)\b|\btweet\b|\bsend\s+this\s+page\b|\bemail\s+this\b|\bpin\s+it\b",
    re.IGNORECASE,
)
# What always comes after an article: its comments and the site footer.
_END = re.compile(
    r"""^(?:
      (?:\d+\s+|all\s+|top\s+rated\s+|most\s+recent\s+|reader\s+|show\s+|view\s+)?
      comments?(?:\s*\(?\d+\)?)?
    | leave\s+a\s+(?:reply|comment).*|join\s+the\s+conversation|have\s+your\s+say.*
    | .{1,60}\s+on\s+\w+\s+\d{1,2},?\s+\d{4}\s+at\s+\d{1,2}:\d\d\s*(?:am|pm)?\s+said:
    | .{1,60}\s+(?:says|said|wrote):
    | (?:copyright\s*)?(?:©|\(c\)|copyright)\s*(?:\d{4}|[^\d]{0,60}\d{4}).*
    | .*\ball\s+rights\s+reserved\b.*
    )[.!:]?$""",
    re.IGNORECASE | re.VERBOSE,
)
# What follows an article: more-stories lists, tags, "about the author".
_STOP = re.compile(
    r"""^(?:
      post\s+navigation|related(?:\s+(?:articles|stories|posts|content|topics|tags|reading
      |coverage|news|links|videos))?|you\s+(?:may|might)\s+(?:also\s+)?like.*|recommended.*
    | (?:more|latest|read)\s+(?:from|in|on|about)\s+.{1,40}|more\s+stories.*|more\s+news.*
    | (?:read|watch|up)\s+next|most\s+(?:popular|read|viewed|shared|commented).*
    | popular(?:\s+(?:videos?|stories|articles|now|news|posts|on\s+.{1,30}))?
    | (?:top|trending|editor'?s?'?)\s+(?:stories|news|picks|choice).*|trending(?:\s+now)?
    | don'?t\s+miss|what\s+to\s+read\s+next|keep\s+reading|sponsored\s+(?:stories|features)
    | (?:share|comment\s+on)\s+(?:or\s+comment\s+on\s+)?this\s+article:.*
    | tags?:?|topics?:?|filed\s+under:?.*|categories:?|explore\s+more.*|more\s+about
    | end\s+of\s+article|about\s+the\s+author|about\s+us|contact\s+us
    )[.!:]?$""",
    re.IGNORECASE | re.VERBOSE,
)


# Photo captions end with (or carry) a credit: "(Picture: X/AP)", "Credit: X", "Getty Images".
_CAPTION = re.compile(
    r"""(?:\((?:picture|image|photo|photograph|credit|pictured)s?\s*:[^)]*\)?\s*$
    |\b(?:picture|image|photo|photograph|credit)s?\s*:\s*\S[^.]{0,80}$
    |(?:[/(|]\s*|\bphoto\s*:?\s*|\s[-–—]\s+)(?:getty\s+images|ap\s+photo|reuters|afp
      |shutterstock|pa\s+(?:wire|media)|epa|alamy|bloomberg|ap|file)\b[^()]{0,40}\)?\s*$
    |\((?:getty|ap|afp|reuters|epa|pa|file)[^)]{0,60}\)\s*$
    |\b(?:copyright|©)\s+\S[^.]{0,60}$
    |(?:\||\s)(?-i:[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})\s*/\s*
      (?:via\b|ap|pa|afp|epa|reuters|getty|bloomberg|shutterstock|alamy|nurphoto|sopa|sipa
      |zuma|anp|dpa|xinhua|anadolu|pool|file|un\s+photo)\b[^.]{0,40}$)""",
    re.IGNORECASE | re.VERBOSE,
)
_CAPTION_MAX_WORDS = 90
# A teaser cut short by the site: "Some people ask me why [...]".
_TEASER = re.compile(
    r"(?:\[\s*(?:…|\.\.\.)\s*\]|(?:read\s+more|continue\s+reading)\s*[»→>.…]*)$", re.I
)


_LIST_MARK = re.compile(r"^[*+•·▪►]\s+(?=\S)")


def words(line: str) -> int:
    """Number of whitespace-separated words."""
    return len(line.split())


def is_furniture(line: str) -> bool:
    """True for a line that is page furniture wherever it stands (see module docstring).
    A button in a bulleted row ("+ Email", "* Share") is one as much as on its own."""
    text = _LIST_MARK.sub("", line.strip())
    if is_caption(text) or (words(text) <= _CAPTION_MAX_WORDS and _TEASER.search(text)):
        return True
    if len(_SHARE.findall(text)) >= 3:
        return True  # a row of share buttons, however long
    if words(text) <= _MAX_BUTTON_WORDS and _FURNITURE_LINES.match(text):
        return True
    if words(line) >= _MAX_WORDS:
        return False
    if _LABELLED_LINK.match(text) and not text.endswith((".", "?", "!")):
        return True
    return bool(_PLUG.search(text))


def is_caption(line: str) -> bool:
    """True for a photo caption that carries its credit (up to 60 words)."""
    return words(line) <= _CAPTION_MAX_WORDS and bool(_CAPTION.search(line.strip()))


def is_stop(line: str) -> bool:
    """True for a header of what follows an article: comments, related lists, footers."""
    return is_end(line) or (words(line) < _MAX_WORDS and bool(_STOP.match(line.strip())))


def is_end(line: str) -> bool:
    """True for what only ever follows an article: a comments header, a copyright line."""
    return words(line) < _MAX_WORDS and bool(_END.match(line.strip()))
