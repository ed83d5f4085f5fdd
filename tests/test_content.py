"""Articles and notes: validation, with `path:line: message` for each problem."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from generator import models as models_module
from generator.content import load_content, parse_article, parse_note
from generator.errors import Severity
from generator.models import Body

ZONE = ZoneInfo("Europe/London")
GOOD = "---\ntitle: T\noutlet: O\nauthor: A\ndate: 2022-08-08T09:00:00-04:00\n---\n\nOne.\n\nTwo.\n"


def messages(text: str | bytes, path: str = "articles/x.md") -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    return [str(d) for d in parse_article(data, path, ZONE)[1]]


def test_good_article() -> None:
    article, problems = parse_article(GOOD.encode(), "articles/2022/08/Some Story.md", ZONE)
    assert problems == []
    assert article is not None
    assert article.id == "2022/08/some-story"
    assert article.authors == ("A",)
    assert article.date == datetime(2022, 8, 8, 9, tzinfo=timezone(timedelta(hours=-4)))
    assert [p.text for p in article.paragraphs] == ["One.", "Two."]
    assert '<p id="p2">Two.</p>' in article.body_html


CASES = [
    (GOOD.replace("author: A\n", ""), "articles/x.md:1: warning: front matter has no 'author'"),
    (
        GOOD.replace("author: A", "autor: A"),
        "articles/x.md:4: warning: unknown front matter key 'autor' (did you mean 'author'?)",
    ),
    (
        GOOD.replace("title: T", "title: NO"),
        "articles/x.md:2: title: expected a string, got false (put the value in quotes)",
    ),
    (
        GOOD.replace("date: 2022-08-08T09:00:00-04:00", "date: last monday"),
        "articles/x.md:5: date: expected an ISO 8601 date",
    ),
    (
        GOOD.replace("date: 2022-08-08T09:00:00-04:00", "date: 2022-08-08 09:00"),
        "articles/x.md:5: warning: date: no UTC offset",
    ),
    (
        GOOD.replace("outlet: O", "outlet: [a, b]"),
        "articles/x.md:3: outlet: expected a string, got a list",
    ),
    ("no front matter\n", "articles/x.md:1: no front matter"),
    ("---\ntitle: [\n---\n", "articles/x.md:2: invalid YAML in front matter"),
    (
        GOOD.replace("title: T", "title: T\nurl: javascript:alert(1)"),
        "articles/x.md:3: url: only http, https and mailto",
    ),
    (
        GOOD.replace("title: T", "title: T\ndraft: maybe"),
        "articles/x.md:3: draft: expected true or false",
    ),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "articles/x.md: warning: binary file"),
    (b"---\ntitle: caf\xe9\n---\n", "articles/x.md: warning: not UTF-8 text"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_problems_are_located(text: str | bytes, expected: str) -> None:
    found = messages(text)
    assert any(m.startswith(expected) for m in found), found


def test_explicit_null_is_an_acknowledged_gap() -> None:
    text = "---\ntitle: T\noutlet: null\nauthor: []\ndate: null\n---\nBody\n"
    article, problems = parse_article(text.encode(), "articles/x.md", ZONE)
    assert problems == []
    assert article is not None and article.outlet is None and article.date is None


def test_date_only_is_midnight_in_site_zone() -> None:
    article, _ = parse_article(GOOD.replace("T09:00:00-04:00", "").encode(), "articles/x.md", ZONE)
    assert article is not None and not article.date_has_time
    assert article.date == datetime(2022, 8, 8, tzinfo=ZONE)


def test_bom_and_crlf_are_accepted() -> None:
    article, problems = parse_article(
        b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode(), "articles/x.md", ZONE
    )
    assert problems == [] and article is not None and article.title == "T"


def test_load_content_skips_non_articles_and_flags_clashes(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "Foo.md").write_text(GOOD)
    (articles / "foo.md").write_text(GOOD)
    (articles / "photo.jpg").write_bytes(b"\xff\xd8")
    (articles / "draft.md~").write_text("editor backup")
    (articles / ".hidden.md").write_text("ignored")
    content = load_content(tmp_path, ZONE)
    found = [str(d) for d in content.diagnostics]
    assert "articles/photo.jpg: warning: not a Markdown article (.md); skipped" in found
    clash = [d for d in content.diagnostics if d.severity is Severity.ERROR]
    assert len(clash) == 1 and "would write the same page as articles/Foo.md" in clash[0].message
    assert len(found) == 2


def test_drafts_are_left_out_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "d.md").write_text(GOOD.replace("title: T", "title: T\ndraft: true"))
    assert load_content(tmp_path, ZONE).articles == ()
    assert len(load_content(tmp_path, ZONE, include_drafts=True).articles) == 1


def test_topic_note() -> None:
    text = b"---\ntitle: Floods\nexclude: [articles/2024/03/x.md]\n---\nCheck *this*.\n"
    note, problems = parse_note(text, "topics/Wend Floods.md")
    assert problems == [] and note is not None
    assert note.slug == "wend-floods" and note.exclude == ("2024/03/x",)
    assert "<em>this</em>" in note.notes_html


def test_a_file_that_cannot_be_read_is_an_error_naming_it(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "good.md").write_text("---\ntitle: T\noutlet: O\nauthor: []\ndate: null\n---\nx\n")
    (articles / "gone.md").symlink_to(tmp_path / "nowhere.md")
    content = load_content(tmp_path, ZoneInfo("UTC"))
    assert [a.id for a in content.articles] == ["good"]
    [problem] = [str(d) for d in content.diagnostics if d.severity is Severity.ERROR]
    assert problem.startswith("articles/gone.md: cannot read the file: No such file")


def test_a_body_from_a_pickle_is_unpacked_when_first_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bodies are parsed packed and leave the cache packed: their count and opening are
    there at once. Their HTML, or a `peek`, is unpickled on each read and the body stays
    packed (a build reads each once, and holds them all); their paragraphs are unpacked
    when first read and kept, and `opened` keeps them in a copy. Packed or not, bodies
    compare, hash and print alike, and a packed body pickles again without being
    unpacked."""
    head = b"---\ntitle: T\noutlet: null\nauthor: null\ndate: null\n---\n\n"
    data = head + b"First [link](https://example.org/) here.\n\nSecond.\n"
    article, problems = parse_article(data, "articles/t.md", ZoneInfo("UTC"))
    assert article is not None and not problems and article.body.is_packed
    html, paragraphs = article.body.peek()
    assert article.body.is_packed and 'href="https://example.org/"' in html
    assert [p.text for p in paragraphs] == ["First link here.", "Second."]
    packed = pickle.loads(pickle.dumps(article))
    unpacked: list[bytes] = []

    def loads(data: bytes) -> object:
        unpacked.append(data)
        return pickle.loads(data)

    shim = SimpleNamespace(
        loads=loads, dumps=pickle.dumps, HIGHEST_PROTOCOL=pickle.HIGHEST_PROTOCOL
    )
    monkeypatch.setattr(models_module, "pickle", shim)
    body = packed.body
    assert (body.count, body.opening) == (2, "First link here.")
    assert pickle.loads(pickle.dumps(packed)).body.count == 2
    assert unpacked == []
    assert packed.body_html == html and len(unpacked) == 1
    assert body.html == html and len(unpacked) == 2  # left packed
    assert body.peek() == (html, paragraphs) and len(unpacked) == 3
    opened = packed.opened()
    assert opened.id == packed.id and opened.body is not body and len(unpacked) == 4
    assert opened.paragraphs == paragraphs and len(unpacked) == 4  # its own copy
    assert opened.opened() is opened and body.is_packed and not opened.body.is_packed
    assert packed.paragraphs == paragraphs and len(unpacked) == 5  # unpacked once
    assert not body.is_packed
    assert packed.paragraphs == paragraphs and len(unpacked) == 5
    assert body.peek() == (html, paragraphs) and len(unpacked) == 5
    monkeypatch.undo()
    fresh = pickle.loads(pickle.dumps(article)).body
    plain = Body(html, paragraphs)
    assert fresh == plain and hash(fresh) == hash(plain) and repr(fresh) == repr(plain)
    assert packed == article and opened == article
    assert Body("x", ()) != Body("y", ()) and Body("", ()).opening == ""
