"""Odd bytes in, through import and build: correct text or a clear error, never mojibake.

Encodings (BOMs, UTF-16, cp1252 smart quotes and 0x96, a latin-1 label on cp1252 bytes),
newlines of every kind, NUL and control characters, oversized and binary files, and
malformed YAML, both in the inbox (`briefing import`) and in content/ (`briefing build`).
"""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.config import load_config
from generator.errors import ConfigError, GeneratorError
from generator.importer import ImportOptions, import_paths

from .active import Policy, check_tree

PHRASE = "“Smart quotes” – and a naïve café"
PROSE = (
    "The council said on Monday that the harbour bridge would stay closed for weeks while "
    "engineers checked every span, and residents were told to expect long delays."
)
DOC = f"Bridge stays shut\n\nBy Ada Quill\n\n12 March 2024\n\n{PROSE} {PHRASE}.\n\n{PROSE}\n"
MOJIBAKE = ("â€", "Ã", "\ufeff", "\ufffd", "\r", "Ä")


def site(tmp_path: Path, yaml: str = "") -> Path:
    root = tmp_path / "site"
    (root / "content" / "inbox").mkdir(parents=True)
    (root / "content" / "articles").mkdir()
    (root / "site.yaml").write_text(f"title: Odd files\nsearch: {{enabled: false}}\n{yaml}")
    return root


def import_one(root: Path, name: str, data: bytes) -> tuple[str, str | None]:
    """(result line, article text or None) for one inbox file."""
    path = root / "content" / "inbox" / name
    path.write_bytes(data)
    (result,) = import_paths(root, load_config(root), [path], ImportOptions())
    written = root / result.output if result.output and not result.failed else None
    return result.line, written.read_text(encoding="utf-8") if written else None


def latin1_page(body: str) -> bytes:
    page = (
        '<!DOCTYPE html><html><head><meta charset="iso-8859-1"><title>Bridge stays shut</title>'
        f"</head><body><article><h1>Bridge stays shut</h1><p>{PROSE} {body}.</p><p>{PROSE}</p>"
        "</article></body></html>"
    )
    return page.encode("cp1252")


READABLE = {
    "utf8-bom.txt": codecs.BOM_UTF8 + DOC.encode(),
    "utf16le-bom.txt": codecs.BOM_UTF16_LE + DOC.encode("utf-16-le"),
    "utf16be-bom.txt": codecs.BOM_UTF16_BE + DOC.encode("utf-16-be"),
    "cp1252.txt": DOC.encode("cp1252"),
    "latin1-label-cp1252-bytes.html": latin1_page(PHRASE),
    "crlf.txt": DOC.replace("\n", "\r\n").encode(),
    "cr.txt": DOC.replace("\n", "\r").encode(),
    "mixed-newlines.txt": DOC.replace("\n\n", "\r\n\n", 2).replace("\n\n", "\r\r", 1).encode(),
    "two-controls.txt": DOC.replace("Monday", "Mon\x07day", 1)
    .replace("weeks", "we\x1beks", 1)
    .encode(),
}


@pytest.mark.parametrize("name", sorted(READABLE))
def test_import_reads_the_text_right(tmp_path: Path, name: str) -> None:
    line, text = import_one(site(tmp_path), name, READABLE[name])
    assert text is not None, line
    assert PHRASE in text, text
    assert "Bridge stays shut" in text
    for bad in MOJIBAKE:
        assert bad not in text, (bad, text)
    assert not any(ord(c) < 32 and c not in "\n\t" for c in text)


REFUSED = {
    "nul-bytes.txt": (DOC.encode() + b"\x00" * 40 + DOC.encode(), "binary"),
    "image.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
    "pdf.html": (b"%PDF-1.7\n" + bytes(range(256)), "PDF"),
    "controls.txt": (("\x01\x02\x03\x04\x05\x06 word " * 50).encode(), "control characters"),
    "empty.txt": (b"", "empty"),
    "blank.txt": (b" \n\t\r\n   ", "empty"),
    "oversized.txt": (((PROSE + "\n\n") * 200).encode(), "too large"),
    "bad-front-matter.md": (b"---\ntitle: [unclosed\noutlet: x\n---\n" + DOC.encode(), "line"),
    "utf16-no-bom.txt": (DOC.encode("utf-16-le"), ""),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_import_refuses_with_a_reason(tmp_path: Path, name: str) -> None:
    data, reason = REFUSED[name]
    line, text = import_one(site(tmp_path, "import: {max_size_mb: 0.01}\n"), name, data)
    if name == "utf16-no-bom.txt" and text is not None:  # readable after all: then correctly
        assert PHRASE in text
        return
    assert text is None and "failed: " in line, line
    assert reason in line, line


def article(title: str = '"Bridge stays shut"', body: str = PROSE, extra: str = "") -> str:
    return (
        f"---\ntitle: {title}\noutlet: The Daily Meridian\nauthor: [Ada Quill]\n"
        f"date: 2024-03-12\n{extra}---\n\n{body}\n"
    )


def build_with(tmp_path: Path, files: dict[str, bytes], strict: bool = False) -> tuple[str, Path]:
    """Build a site holding `files` under content/; ('ok' or the error text, output)."""
    root = site(tmp_path)
    (root / "content" / "articles" / "good.md").write_text(article())
    for rel, data in files.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    out = tmp_path / "out"
    try:
        report = build(BuildOptions(root, out=out, strict=strict))
    except GeneratorError as exc:
        return str(exc), out
    return "ok\n" + "\n".join(report.warnings), out


def test_bom_and_crlf_articles_build_with_the_right_text(tmp_path: Path) -> None:
    text = article(f'"{PHRASE}"', f"{PROSE}\n\n{PHRASE}").replace("\n", "\r\n")
    status, out = build_with(tmp_path, {"articles/bom.md": codecs.BOM_UTF8 + text.encode()})
    assert status == "ok\n", status
    page = (out / "articles" / "bom" / "index.html").read_text(encoding="utf-8")
    assert f"<h1>{PHRASE}</h1>" in page
    assert "\r" not in page and "\ufeff" not in page


SKIPPED = {
    "articles/cp1252.md": (article(f'"{PHRASE}"').encode("cp1252"), "not UTF-8 text"),
    "articles/utf16.md": (codecs.BOM_UTF16_LE + article().encode("utf-16-le"), "binary file"),
    "articles/nul.md": (article(body="a\x00b").encode(), "binary file"),
    "articles/photo.jpg": (b"\xff\xd8\xff\xe0" + bytes(300), "not a Markdown article"),
    "articles/image.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
}


@pytest.mark.parametrize("rel", sorted(SKIPPED))
def test_unreadable_content_files_are_skipped_with_a_warning(tmp_path: Path, rel: str) -> None:
    data, message = SKIPPED[rel]
    status, _ = build_with(tmp_path, {rel: data})
    assert status.startswith("ok\n") and f"content/{rel}" in status and message in status, status
    strict, _ = build_with(tmp_path / "strict", {rel: data}, strict=True)
    assert message in strict and not strict.startswith("ok"), strict


BROKEN_YAML = {
    "tab indent": ("---\ntitle: x\n\tdek: y\n---\nb\n", 3),
    "unclosed quote": ('---\ntitle: "x\noutlet: y\n---\nb\n', 3),  # where YAML notices
    "unclosed list": ("---\ntitle: [x\n---\nb\n", 2),
    "bare colon value": ("---\ntitle: a: b\n---\nb\n", 2),
    "not a mapping": ("---\n- a\n- b\n---\nb\n", 2),
    "no closing fence": ("---\ntitle: x\n\nbody\n", 1),
    "cr-only newlines": ("---\rtitle: x\r---\rbody\r", 1),
    "control char in plain scalar": ("---\ntitle: a\x1bb\n---\nb\n", 2),
    "lone surrogate escape": ('---\ntitle: "\\ud800"\n---\nb\n', 2),
    "python tag": ("---\ntitle: !!python/object/apply:os.system [echo hi]\n---\nb\n", 2),
    "wrong type": ("---\ntitle: NO\noutlet: x\nauthor: []\ndate: null\n---\nb\n", 2),
}


@pytest.mark.parametrize("case", sorted(BROKEN_YAML))
def test_malformed_front_matter_is_an_error_with_its_line(tmp_path: Path, case: str) -> None:
    text, line = BROKEN_YAML[case]
    status, _ = build_with(tmp_path, {"articles/broken.md": text.encode()})
    assert f"content/articles/broken.md:{line}:" in status, status


def test_yaml_alias_bomb_is_quick(tmp_path: Path) -> None:
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    started = time.perf_counter()
    status, _ = build_with(tmp_path, {"articles/bomb.md": (bomb + "title: t\n---\nb\n").encode()})
    assert time.perf_counter() - started < 30
    assert "content/articles/bomb.md" in status  # unknown keys warn; it never expands them


@pytest.mark.parametrize(
    "yaml",
    [
        "title: [unclosed\n",
        "title: x\n\tdescription: y\n",
        "page_size: many\n",
        "paths: {output: ~}\n",
        "outlets: [{short_name: x}]\n",
        "base_url: javascript:alert(1)\n",
        "timezone: Mars/Olympus\n",
        "\x00\x01binary",
    ],
)
def test_malformed_site_yaml_is_one_clear_error(tmp_path: Path, yaml: str) -> None:
    root = site(tmp_path)
    (root / "site.yaml").write_bytes(yaml.encode())
    with pytest.raises(ConfigError) as info:
        build(BuildOptions(root, out=tmp_path / "out"))
    assert "site.yaml" in str(info.value)


def test_control_characters_in_front_matter_keep_feeds_well_formed(tmp_path: Path) -> None:
    """YAML escapes put C0 controls into titles; one of them used to break every feed."""
    title = '"Bridge\\x1b stays\\x0b shut\\x00"'
    status, out = build_with(tmp_path, {"articles/ctl.md": article(title, "x\x07y").encode()})
    assert status.startswith("ok"), status
    findings, counts = check_tree(out, Policy("/static/", ("/",)))
    assert counts["xml"] >= 3 and not findings, findings


def test_a_large_article_builds_in_bounded_time(tmp_path: Path) -> None:
    body = "\n\n".join(f"{PROSE} [{i}](https://example.org/{i})" for i in range(3000))
    started = time.perf_counter()
    status, out = build_with(tmp_path, {"articles/big.md": article(body=body).encode()})
    assert status.startswith("ok"), status
    assert (out / "articles" / "big" / "index.html").stat().st_size > 500_000
    assert time.perf_counter() - started < 120
