"""`import_paths`: the seeds, re-imports, duplicates, edits, dry runs, flags and bad input."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator import frontmatter
from generator.config import load_config
from generator.content import parse_article
from generator.errors import GeneratorError
from generator.importer import ImportOptions, ImportResult, Status, import_paths
from generator.models import Article

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "content" / "sources"
CASES = Path(__file__).resolve().parent / "importer_cases"
PAGE = CASES / "ledger_pasted_page.txt"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """An empty archive with the fixture cases' site.yaml (fictional outlets added)."""
    shutil.copy(CASES / "site.yaml", tmp_path / "site.yaml")
    (tmp_path / "content" / "inbox").mkdir(parents=True)
    return tmp_path


def run(site: Path, *paths: Path, **flags: object) -> tuple[ImportResult, ...]:
    return import_paths(site, load_config(site), list(paths), ImportOptions(**flags))  # type: ignore[arg-type]


def article(site: Path, result: ImportResult) -> Article:
    assert result.output is not None, result.line
    rel = result.output.removeprefix("content/")
    parsed, problems = parse_article((site / result.output).read_bytes(), rel, ZoneInfo("UTC"))
    assert parsed is not None, problems
    assert not problems, problems
    return parsed


def body(site: Path, result: ImportResult) -> str:
    """The Markdown body of an imported article's file."""
    assert result.output is not None, result.line
    return frontmatter.parse((site / result.output).read_text(encoding="utf-8")).body


def files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def test_seed_independent(site: Path) -> None:
    (result,) = run(site, SEEDS / "000_f39f7e31700919ba.txt")
    assert result.status == Status.IMPORTED, result.line
    got = article(site, result)
    assert got.outlet == "The Independent"
    assert got.authors == ("Arpan Rai",)
    assert got.date is not None and got.date.isoformat() == "2022-08-08T09:00:00-04:00"
    assert (
        got.title
        == "North Korea offers Russia ‘100,000 volunteers’ to fight Ukraine, says state TV"
    )
    assert got.dek == (
        "Moscow should not be shy in ‘accepting the hand extended to us by Kim Jong-un’, "
        "says Russian defence expert"
    )
    assert got.paragraphs[0].text.startswith("North Korea is ready to send 100,000 soldiers")
    assert got.paragraphs[-1].text.endswith("Mr Moore said last month.")
    for furniture in ("Comments", "Related:", "Join our commenting forum", "Please refresh"):
        assert furniture not in body(site, result)


def test_seed_national_review(site: Path) -> None:
    (result,) = run(site, SEEDS / "003_74097900ce051f2e.txt")
    assert result.status == Status.NEEDS_REVIEW
    assert "needs review: no author, no date" in result.line
    got = article(site, result)
    assert got.title == (
        "North Korea offers Russia 100,000 ‘volunteers’ for war against Ukraine, "
        "Russian state TV says"
    )
    assert got.authors == () and got.date is None
    assert got.outlet == "National Review"
    assert got.paragraphs[-1].text.endswith("Matsegora concluded.")
    for furniture in ("PHOTOS:", "More National Review", "Leave a Reply", "Back to top"):
        assert furniture not in body(site, result)


def test_original_is_kept_byte_for_byte_and_reimport_is_unchanged(site: Path) -> None:
    (first,) = run(site, PAGE)
    assert (site / "content/sources/ledger_pasted_page.txt").read_bytes() == PAGE.read_bytes()
    before = {p: (site / p).read_bytes() for p in files(site)}
    (again,) = run(site, PAGE)
    assert again.status == Status.UNCHANGED
    assert again.line == f"{PAGE}: unchanged: already imported as {first.output}"
    assert {p: (site / p).read_bytes() for p in files(site)} == before


def test_seeds_already_in_sources_are_not_copied_or_modified(site: Path) -> None:
    sources = site / "content" / "sources"
    sources.mkdir(parents=True)
    seed = sources / "000_f39f7e31700919ba.txt"
    shutil.copy(SEEDS / seed.name, seed)
    (result,) = run(site, seed)
    assert result.status == Status.IMPORTED
    assert article(site, result).source_file == "sources/000_f39f7e31700919ba.txt"
    assert sorted(p.name for p in sources.iterdir()) == [seed.name, "imports.json"]
    assert seed.read_bytes() == (SEEDS / seed.name).read_bytes()


def test_syndicated_copy_gets_duplicate_of(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = tmp_path_factory.mktemp("copy") / "syndicated.txt"
    text = PAGE.read_text("utf-8").replace("Skip to content", "Valley Courier\nHome")
    other.write_text(text, "utf-8")
    first, copy = run(site, PAGE, other)
    assert first.status == Status.IMPORTED
    assert copy.status == Status.DUPLICATE
    assert first.output is not None
    assert article(site, copy).duplicate_of == first.output.removeprefix("content/")
    assert f"duplicate of {first.output}" in copy.line


def test_different_stories_are_not_duplicates(site: Path) -> None:
    results = run(site, SEEDS / "000_f39f7e31700919ba.txt", SEEDS / "003_74097900ce051f2e.txt")
    assert all(article(site, r).duplicate_of is None for r in results)


def test_dry_run_writes_nothing(site: Path) -> None:
    before = files(site)
    (result,) = run(site, PAGE, dry_run=True)
    assert result.status == Status.WOULD_IMPORT
    assert result.line.startswith(f"{PAGE}: would import to content/articles/2023/03/")
    assert files(site) == before


def test_edited_article_is_not_overwritten_without_force(site: Path) -> None:
    (first,) = run(site, PAGE)
    assert first.output is not None
    written = site / first.output
    edited = written.read_text("utf-8").replace("Ferry service", "Ferry link")
    written.write_text(edited, "utf-8")
    (kept,) = run(site, PAGE, force=True, dry_run=True)
    assert kept.status == Status.WOULD_IMPORT
    (skipped,) = run(site, PAGE, outlet="Valley Courier")
    assert skipped.status == Status.UNCHANGED  # same bytes: nothing to do, edit untouched
    assert written.read_text("utf-8") == edited
    (forced,) = run(site, PAGE, force=True)
    assert forced.status == Status.IMPORTED and forced.output == first.output
    assert "Ferry service" in written.read_text("utf-8")


def test_changed_original_does_not_overwrite_an_edited_article(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("v")
    page = folder / "page.txt"
    page.write_bytes(PAGE.read_bytes())
    (first,) = run(site, page)
    assert first.output is not None
    (site / first.output).write_text(
        (site / first.output).read_text("utf-8") + "\nMy note.\n", "utf-8"
    )
    # The manifest knows this article came from the first version: a new version of the same
    # story lands at its own path rather than replacing the edited one.
    page.write_bytes(PAGE.read_bytes() + b"\nUpdated at 18:00.\n")
    (second,) = run(site, page)
    assert second.status != Status.FAILED
    assert second.output != first.output
    assert (site / first.output).read_text("utf-8").endswith("My note.\n")


def test_flags_override_detection(site: Path) -> None:
    (result,) = run(
        site, PAGE, outlet="independent", author="Ada Quill and Jonas Petrov",
        date="2023-03-15T10:00", url="https://example.org/ferry",
    )  # fmt: skip
    got = article(site, result)
    assert got.outlet == "The Independent"  # a registry short name gives the full name
    assert got.authors == ("Ada Quill", "Jonas Petrov")
    assert got.date is not None and got.date.isoformat() == "2023-03-15T10:00:00+00:00"
    assert got.source_url == "https://example.org/ferry"


def test_the_outlet_chooses_which_statement_is_its_headline(site: Path) -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i}: the council met on Tuesday to discuss the harbour and the ferry.</p>"
        for i in range(5)
    )
    head = (
        '<meta property="og:title" content="Ferry halted">'
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "headline": "Ferry halted after cracks are found in the hull"}</script>'
    )
    for n, url in enumerate(("https://www.dailymail.co.uk/news/a", "https://ledger.example/a")):
        page = site / f"page{n}.html"
        page.write_text(
            f'<html><head>{head}<link rel="canonical" href="{url}"></head>'
            f"<body><article>{paragraphs}</article></body></html>"
        )
    mail, other = run(site, site / "page0.html", site / "page1.html")
    assert (article(site, mail).outlet, article(site, mail).title) == ("Daily Mail", "Ferry halted")
    assert article(site, other).title == "Ferry halted after cracks are found in the hull"
    (flagged,) = run(site, site / "page1.html", outlet="Mail", force=True)
    assert article(site, flagged).title == "Ferry halted"


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"date": "last tuesday"}, "--date: expected an ISO 8601 date"),
        ({"url": "javascript:alert(1)"}, "--url: expected an http(s) address"),
    ],
)
def test_bad_flags_fail_the_whole_command(site: Path, flags: dict[str, str], message: str) -> None:
    with pytest.raises(GeneratorError, match=re.escape(message)):
        run(site, PAGE, **flags)


BAD_INPUTS: list[tuple[str, bytes, str]] = [
    ("empty.txt", b"", "failed: empty file"),
    ("blank.txt", b"\n \r\n\t\n", "failed: empty file"),
    (
        "photo.jpg",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200),
        "failed: not a news page: a JPEG image",
    ),
    (
        "report.pdf",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        "failed: not a news page: a PDF document",
    ),
    ("data.bin", b"abc\x00\x01\x02" * 50, "failed: not a news page: a binary file"),
    ("bad-bom.txt", b"\xef\xbb\xbfabc\xff\xfe\xfd", "failed: cannot read the text"),
    (
        "short.txt",
        b"Hello there.\n\nJust a note.",
        "failed: not a news page: no article text found",
    ),
    (
        "cut.html",
        b"<html><head><title>T</title></head><body><p>" + b"Some words here. " * 40,
        "failed: truncated HTML",
    ),
    (
        "menu.html",
        b"<html><body><ul><li>Home</li><li>News</li></ul></body></html>",
        "failed: not a news page",
    ),
    (
        "bad.md",
        b"---\ntitle: [unclosed\n---\n\nBody text.\n",
        "failed: Markdown front matter, line 2",
    ),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_fails_alone(
    site: Path, tmp_path_factory: pytest.TempPathFactory, name: str, data: bytes, message: str
) -> None:
    bad = tmp_path_factory.mktemp("bad") / name
    bad.write_bytes(data)
    before = files(site)
    failed, good = run(site, bad, PAGE)
    assert failed.status == Status.FAILED and failed.output is None
    assert failed.line.startswith(f"{bad}: {message}"), failed.line
    assert bad.read_bytes() == data  # the original is still there, untouched
    assert good.status == Status.IMPORTED
    assert files(site) - before == {
        good.output,
        "content/sources/ledger_pasted_page.txt",
        "content/sources/imports.json",
    }


def test_oversized_input_is_refused(site: Path) -> None:
    (site / "site.yaml").write_text(
        (site / "site.yaml").read_text() + "import:\n  max_size_mb: 0.001\n"
    )
    (result,) = run(site, PAGE)
    assert result.status == Status.FAILED
    assert "too large" in result.line and "import.max_size_mb" in result.line


def test_missing_path(site: Path) -> None:
    (result,) = run(site, site / "nope.txt")
    assert result.line.endswith("nope.txt: failed: no such file or folder")


def test_inbox_is_the_default_and_folders_are_walked(site: Path) -> None:
    inbox = site / "content" / "inbox"
    shutil.copy(PAGE, inbox / "a.txt")
    assets = inbox / "saved_files"
    assets.mkdir()
    (assets / "style.css").write_text("body {}")
    (inbox / "b.js").write_text("alert(1)")
    (inbox / ".hidden.txt").write_text("secret")
    results = run(site)
    assert [Path(r.source).name for r in results] == ["a.txt"]
    assert results[0].status == Status.IMPORTED


def test_mislabelled_and_windows_encoded_text(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("enc")
    text = PAGE.read_text("utf-8")
    variants = {
        "bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "crlf.txt": text.replace("\n", "\r\n").encode("utf-8"),
        "cr.txt": text.replace("\n", "\r").encode("utf-8"),
        "cp1252.txt": text.encode("cp1252"),
        "utf16.txt": text.encode("utf-16"),
    }
    for name, data in variants.items():
        (folder / name).write_bytes(data)
    results = run(site, folder)
    titles = {article(site, r).title for r in results}
    assert titles == {"Ferry service to Kestrel Bay suspended after pier inspection finds cracks"}
    bodies = {body(site, r) for r in results}
    assert len(bodies) == 1 and "“We cannot put passengers" in bodies.pop()


def test_hostile_html_never_reaches_the_markdown(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    page = tmp_path_factory.mktemp("hostile") / "page.html"
    paragraph = (
        "The harbour board met on Tuesday to discuss the new ferry timetable for the winter. "
    )
    page.write_text(
        "<html><head><title>Harbour board meets</title>"
        "<script>alert('head')</script></head><body onload=\"alert('x')\">"
        "<h1>Harbour board meets</h1><article>"
        f"<p>{paragraph * 3}</p>"
        "<p onclick=\"alert('p')\">Members heard <a href=\"javascript:alert('a')\">a report</a> and "
        '<a href=" JaVaScRiPt:alert(2)">another</a> and '
        '<a href="data:text/html,<script>alert(3)</script>">a third</a> '
        'and <a href="https://example.org/report">the minutes</a> from the last meeting.</p>'
        "<iframe src=\"https://evil.example/\"></iframe><script>alert('body')</script>"
        "<img src=x onerror=\"alert('img')\"><svg onload=\"alert('svg')\"></svg>"
        f"<p>{paragraph * 2}</p></article></body></html>",
        "utf-8",
    )
    (result,) = run(site, page)
    got = article(site, result)
    lowered = body(site, result).lower()
    for hostile in (
        "<script",
        "<iframe",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "data:text",
        "<svg",
    ):
        assert hostile not in lowered
        assert hostile not in got.body_html.lower()
    assert "[the minutes](https://example.org/report)" in body(site, result)
    assert "a report and another and a third" in got.paragraphs[1].text


def test_front_matter_reads_back_exactly(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    page = tmp_path_factory.mktemp("yaml") / "yaml.md"
    page.write_text(
        '---\ntitle: "NO"\noutlet: "12:30"\nauthor: ["0777", "yes"]\ndate: 2024-05-01\n'
        'dek: "Line one\\nline two: with # and \\"quotes\\""\n---\n\n'
        + "A paragraph long enough to count as the article body in this test. "
        * 3,
        "utf-8",
    )
    (result,) = run(site, page)
    got = article(site, result)
    assert got.title == "NO" and got.outlet == "12:30" and got.authors == ("0777", "yes")
    assert got.dek == 'Line one line two: with # and "quotes"'


def test_damaged_manifest_fails_the_whole_command(site: Path) -> None:
    manifest = site / "content" / "sources" / "imports.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text("{not json")
    with pytest.raises(GeneratorError, match=re.escape("imports.json: cannot be read")):
        run(site, PAGE)


def test_markdown_keeps_keys_it_does_not_rewrite(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    page = tmp_path_factory.mktemp("md") / "note.md"
    page.write_text(
        "---\ntitle: A note\noutlet: Valley Courier\nauthor: [A B]\ndate: 2024-01-02\n"
        "topic: ferry-strike\ndraft: true\n---\n\nShort body.\n",
        "utf-8",
    )
    (result,) = run(site, page)
    got = article(site, result)
    assert got.topic == "ferry-strike" and got.draft


def test_single_file_page_mhtml(site: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    html = (CASES / "saved_page.html").read_text("utf-8")
    body = html.encode("utf-8").replace(b"=", b"=3D")  # quoted-printable, as browsers write it
    mime = (
        b"From: <Saved by Blink>\r\nSnapshot-Content-Location: https://www.harbourledger.example/x\r\n"
        b"Subject: Wind farm\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="----B"\r\n\r\n'
        b"------B\r\nContent-Type: text/html\r\nContent-ID: <frame>\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + body + b"\r\n------B--\r\n"
    )
    page = tmp_path_factory.mktemp("mhtml") / "page.mhtml"
    page.write_bytes(mime)
    (result,) = run(site, page)
    got = article(site, result)
    assert got.title == "Wind farm off Isle of Fenn approved after six-year wait"
    assert got.authors == ("Carla Nand", "Boris Hale")
    assert (site / "content/sources/page.mhtml").read_bytes() == mime


def test_example_archive_is_what_the_importer_writes(tmp_path: Path) -> None:
    shutil.copy(REPO / "site.yaml", tmp_path / "site.yaml")
    results = run(tmp_path, *sorted(SEEDS.glob("*.txt")))
    for result in results:
        assert result.output is not None
        assert (tmp_path / result.output).read_bytes() == (REPO / result.output).read_bytes()
