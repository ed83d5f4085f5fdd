"""One `briefing import` run: inputs -> (read, extract, resolve, write) -> one result each.

The stages, in order, for every input: read the bytes (size cap, empty, binary), decode
(`decode.py`), detect the kind (`detect.py`), extract a Draft (`text.py`, `html.py`,
`markdown.py`), apply the flags and find the outlet (`outlets.py`), check for a syndicated
copy (`duplicates.py`), then write the original, the article and the manifest
(`writer.py`). A bad input ends as a FAILED result with the reason; nothing is written for
it and the run goes on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml.etree import LxmlError  # type: ignore[import-untyped]

from generator import frontmatter, markup
from generator.config import SiteConfig
from generator.content import parse_article
from generator.errors import GeneratorError, Severity
from generator.importer import (
    bylines,
    decode,
    detect,
    duplicates,
    headlines,
    mhtml,
    outlets,
    writer,
)
from generator.importer import html as html_input
from generator.importer import markdown as markdown_input
from generator.importer import text as text_input
from generator.importer.dates import When
from generator.importer.draft import Draft
from generator.importer.options import ImportOptions, ImportResult, Status

MIN_BODY_WORDS = 25
"""Fewer words of article text than this and the input is not a news article."""
# Files a browser's "save page" writes next to a page, never pages themselves.
_ASSET_SUFFIXES = frozenset(
    ".css .js .mjs .map .json .png .jpg .jpeg .gif .webp .svg .ico .avif .bmp .woff .woff2 "
    ".ttf .otf .eot .mp4 .webm .mp3".split()
)
_TEMP_SUFFIXES = ("~", ".swp", ".swo", ".tmp", ".part", ".crdownload")


class Failed(Exception):
    """This input cannot be imported; the message is the reason shown to the user."""


@dataclasses.dataclass(frozen=True, slots=True)
class Planned:
    """What would be written for one input."""

    article: str
    """Relative to content/."""
    source_file: str
    data: bytes
    duplicate_of: str | None
    missing: tuple[str, ...]
    """Fields left null: title, outlet, author, date."""


class Run:
    """State of one run: the registry, the manifest and the articles known so far."""

    def __init__(
        self, site_dir: Path, config: SiteConfig, options: ImportOptions, date: When | None
    ) -> None:
        self.site_dir = site_dir
        self.config = config
        self.options = options
        self.content = site_dir / config.paths.content
        self.registry = outlets.load_registry(config)
        try:
            self.manifest = writer.load_manifest(self.content)
        except (ValueError, TypeError) as exc:
            manifest = self.content / writer.MANIFEST
            raise GeneratorError(f"{manifest}: cannot be read ({exc}); fix or delete it") from None
        self.known = duplicates.scan(self.content)
        self.taken: set[str] = set()
        """Article paths given to earlier inputs of this run (they may not exist yet)."""
        self.date = date
        """`--date`, parsed."""

    def import_path(self, path: Path, shown: str) -> ImportResult:
        """Import one file; every expected problem becomes a FAILED result."""
        try:
            return self._import(path, shown)
        except Failed as exc:
            return ImportResult(shown, Status.FAILED, f"failed: {exc}", None)
        except (OSError, ValueError, LxmlError, RecursionError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            return ImportResult(shown, Status.FAILED, f"failed: {reason}", None)

    def _import(self, path: Path, shown: str) -> ImportResult:
        data = self._read(path)
        digest = writer.sha256(data)
        done = self._already_imported(digest)
        if done is not None and not self.options.force:
            return ImportResult(
                shown, Status.UNCHANGED, f"unchanged: already imported as {done}", done
            )
        draft = self._resolved(self._extract(data, path.name))
        return self._write(shown, path, data, digest, draft)

    def _read(self, path: Path) -> bytes:
        limit = self.config.import_.max_size_mb
        size = path.stat().st_size
        if size > limit * 1_000_000:
            raise Failed(
                f"too large: {size / 1_000_000:.1f} MB (the limit is import.max_size_mb: {limit:g})"
            )
        data = path.read_bytes()
        if not data.strip():
            raise Failed("empty file")
        kind = detect.binary_kind(data)
        if kind is not None:
            raise Failed(f"not a news page: {kind}")
        return data

    def _already_imported(self, digest: str) -> str | None:
        record = self.manifest.for_source(digest)
        if record is not None and (self.content / record.article).exists():
            return self._shown(record.article)
        return None

    def _extract(self, data: bytes, name: str) -> Draft:
        if mhtml.is_mhtml(data):
            page = mhtml.html_part(data)
            if page is None:
                raise Failed("a single-file page (MHTML) without an HTML part")
            data, name = page, f"{name}.html"
        try:
            text = decode.decode(data, decode.declared_charset(data)).text
        except decode.DecodeError as exc:
            raise Failed(f"cannot read the text: {exc}") from None
        if not text.strip():
            raise Failed("empty file (only white space)")
        kind = detect.kind_of(text, name)
        if kind is detect.Kind.HTML:
            try:
                return html_input.extract(text)
            except html_input.NotAnArticle as exc:
                raise Failed(str(exc)) from None
        if kind is detect.Kind.MARKDOWN:
            try:
                return markdown_input.read_markdown(text, self.config.zone)
            except frontmatter.FrontMatterError as exc:
                raise Failed(f"Markdown front matter, line {exc.line}: {exc.message}") from None
        names = [n for o in self.registry for n in (o.name, o.short_name) if n]
        return text_input.extract(text, names)

    def _resolved(self, draft: Draft) -> Draft:
        """The draft with the flags applied and its outlet looked up."""
        options = self.options
        outlet = self._outlet(draft)
        return dataclasses.replace(
            draft,
            title=_outlet_headline(draft, outlet),
            authors=bylines.split_names(options.author) if options.author else draft.authors,
            date=self.date if self.date is not None else draft.date,
            url=options.url or draft.url,
            site_name=outlet,
        )

    def _outlet(self, draft: Draft) -> str | None:
        if self.options.outlet:
            known = outlets.by_name(self.options.outlet, self.registry)
            return known.name if known else self.options.outlet.strip()
        if draft.site_name_is_outlet and draft.site_name:
            known = outlets.by_name(draft.site_name, self.registry)
            return known.name if known else draft.site_name
        found = (
            outlets.by_url(self.options.url or draft.url, self.registry)
            or outlets.by_name(draft.site_name, self.registry)
            or outlets.by_furniture(draft.furniture, self.registry)
        )
        if found is not None:
            return found.name
        return draft.site_name if draft.site_name and _plain_name(draft.site_name) else None

    def _write(
        self, shown: str, path: Path, data: bytes, digest: str, draft: Draft
    ) -> ImportResult:
        if not draft.extras and len(draft.body.split()) < MIN_BODY_WORDS:
            raise Failed("not a news page: no article text found")
        plan = self._plan(path, data, digest, draft)
        article = self._shown(plan.article)
        edited = self._edited(plan.article)
        if edited and not self.options.force:
            return ImportResult(
                shown, Status.SKIPPED,
                f"skipped: {article} was edited after import (--force overwrites it)", article,
            )  # fmt: skip
        if not self.options.dry_run:
            self._commit(plan, data, digest)
        self.taken.add(plan.article)
        self.known.append(duplicates.Known(plan.article, duplicates.shingles(draft.body), digest))
        return _outcome(shown, article, plan, self.options.dry_run, self._shown)

    def _plan(self, path: Path, data: bytes, digest: str, draft: Draft) -> Planned:
        source = self._source_rel(path, digest)
        article = self._article_rel(draft, digest)
        copy_of = duplicates.find_copy(
            duplicates.shingles(draft.body),
            (k for k in self.known if k.source_sha256 != digest),
            skip=article,
        )
        meta = _front_matter(draft, source, digest, copy_of)
        text = frontmatter.dump(meta, "\n" + draft.body.strip("\n") + "\n")
        _check(text, article, self.config)
        missing = tuple(k for k in ("title", "outlet", "author", "date") if not meta.get(k))
        return Planned(article, source, text.encode("utf-8"), copy_of, missing)

    def _source_rel(self, path: Path, digest: str) -> str:
        """The original's place under content/sources/ (itself when it is already there)."""
        try:
            rel = path.resolve().relative_to(self.content.resolve()).as_posix()
        except ValueError:
            rel = ""
        if rel.startswith("sources/"):
            return rel
        return writer.source_name(self.content, path.name, digest)

    def _article_rel(self, draft: Draft, digest: str) -> str:
        """Where the article goes: where this original's article already is, or a new path."""
        record = self.manifest.for_source(digest)
        if record is not None:
            return record.article
        same = next((k.article for k in self.known if k.source_sha256 == digest), None)
        if same is not None:
            return same
        wanted = writer.article_path(draft.title, draft.site_name, draft.date)
        return writer.free_variant(self.content, wanted, self.taken)

    def _edited(self, article: str) -> bool:
        """The article exists and is not byte-for-byte what import last wrote there."""
        path = self.content / article
        if not path.exists():
            return False
        record = self.manifest.for_article(article)
        return record is None or writer.sha256(path.read_bytes()) != record.article_sha256

    def _commit(self, plan: Planned, data: bytes, digest: str) -> None:
        writer.keep_source(self.content, plan.source_file, data)
        writer.write_atomic(self.content / plan.article, plan.data)
        record = writer.Record(plan.source_file, digest, plan.article, writer.sha256(plan.data))
        self.manifest = self.manifest.with_record(record)
        writer.save_manifest(self.content, self.manifest)

    def _shown(self, rel: str) -> str:
        """A content/ path as the user sees it, relative to the site folder."""
        return (Path(self.config.paths.content) / rel).as_posix()


def _outlet_headline(draft: Draft, outlet: str | None) -> str | None:
    """The statement of the headline the outlet means as its headline (a saved page states
    it several ways; the registry knows the outlets that differ from the default)."""
    order = outlets.headline_order(outlet)
    if not order or not draft.headlines:
        return draft.title
    return headlines.choose(draft.headlines, order) or draft.title


def _plain_name(name: str) -> bool:
    """A site name that reads as a name, not a tagline ("Breaking News - 9News")."""
    return len(name.split()) <= 4 and not any(c in name for c in "|–—:") and " - " not in name


def _front_matter(
    draft: Draft, source: str, digest: str, duplicate_of: str | None
) -> dict[str, Any]:
    meta: dict[str, Any] = {"title": draft.title}
    if draft.dek:
        meta["dek"] = draft.dek
    meta |= {"outlet": draft.site_name, "author": list(draft.authors), "date": draft.date}
    if draft.url:
        meta["url"] = draft.url
    if draft.language:
        meta["language"] = draft.language
    meta |= dict(draft.extras)
    meta |= {"source_file": source, "source_sha256": digest}
    if duplicate_of:
        meta["duplicate_of"] = duplicate_of
    return meta


def _check(text: str, article: str, config: SiteConfig) -> None:
    """What import writes must load cleanly; a problem here is reported, never written."""
    parsed, problems = parse_article(text.encode("utf-8"), article, config.zone)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if parsed is None or errors:
        raise Failed(f"the article would not load: {errors[0].message if errors else 'unknown'}")


def _outcome(shown: str, article: str, plan: Planned, dry_run: bool, show: Any) -> ImportResult:
    review = f"; needs review: no {', no '.join(plan.missing)}" if plan.missing else ""
    copy = f" (duplicate of {show(plan.duplicate_of)})" if plan.duplicate_of else ""
    if dry_run:
        return ImportResult(
            shown, Status.WOULD_IMPORT, f"would import to {article}{copy}{review}", article
        )
    if plan.duplicate_of:
        status = Status.DUPLICATE
    else:
        status = Status.NEEDS_REVIEW if plan.missing else Status.IMPORTED
    return ImportResult(shown, status, f"imported to {article}{copy}{review}", article)


def inputs(paths: Sequence[Path], inbox: Path) -> Iterator[tuple[Path, bool]]:
    """Files to import, in order, each with whether it exists; folders are walked, sorted."""
    for path in paths or [inbox]:
        if path.is_dir():
            yield from ((p, True) for p in _walk(path))
        else:
            yield path, path.is_file()


def _walk(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if any(p.startswith(".") or p.endswith("_files") for p in parts) or not path.is_file():
            continue
        if path.suffix.lower() in _ASSET_SUFFIXES or path.name.endswith(_TEMP_SUFFIXES):
            continue
        yield path


def checked_date(options: ImportOptions, config: SiteConfig) -> When | None:
    """`--date` parsed, and `--url` checked; GeneratorError names the flag otherwise."""
    if options.url and not _is_web_url(options.url):
        raise GeneratorError(f"--url: expected an http(s) address, got {options.url!r}")
    if not options.date:
        return None
    try:
        return parse_when(options.date, config)
    except ValueError:
        raise GeneratorError(
            "--date: expected an ISO 8601 date or date-time such as 2022-08-08 or "
            f"2022-08-08T09:00:00-04:00, got {options.date!r}"
        ) from None


def _is_web_url(url: str) -> bool:
    return url.startswith(("http://", "https://")) and markup.is_safe_url(url)


def parse_when(text: str, config: SiteConfig) -> When:
    """`--date`: ISO 8601 date or date-time (no offset: the site zone); raises ValueError."""
    value = text.strip()
    if len(value) <= 10:
        return datetime.fromisoformat(value).date()
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=config.zone)
