"""The build, stage by stage: config -> content -> topics -> summaries -> site -> files
-> output (with its search index).

Nothing touches the output folder until every file is rendered; a content error stops
the build with every problem listed and the previous site intact.
"""

from __future__ import annotations

import gc
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from generator import parallel
from generator.cache import BuildCache, Lazy, Made, Memory, as_text, key_of
from generator.config import SiteConfig, TopicsConfig, load_config, with_base_url
from generator.errors import BuildError, ContentError, Diagnostic, Severity
from generator.freshness import (
    Record,
    Scan,
    input_digest,
    keep_record,
    kept_site,
    output_state,
    read_record,
    record_path,
    up_to_date,
    write_kept_record,
    write_record,
)
from generator.models import Article, BuildReport, Topic
from generator.output import MARKER, check_output_dir, linked_copy, move_into, scratch, staged
from generator.topic_ids import (
    REGISTRY_FILE,
    TopicRegistry,
    format_registry,
    parse_registry,
    registry_of,
)

if TYPE_CHECKING:
    from generator.content import Content
    from generator.features import Features, LeadCounts
    from generator.render import Built, FirstPages, Rendered, SitePlan, Sources, Swept
    from generator.site import Site

# The stages that need numpy, scipy, markdown-it or Jinja2 are imported where they run,
# not here: a build that finds the site up to date ends in a fraction of a second, and
# would spend most of it importing them.

PARALLEL_FROM = 40
"""Topics to summarise from which a second process takes some."""
READS_PARALLEL_FROM = 1_000
"""Articles whose leads grouping must cut and hash from which a second process takes
some: the threshold from which sharing the lead texts' counting paid
(`features.PARALLEL_FROM`), cutting being work of the same kind."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What `briefing build` was asked to do."""

    site_dir: Path
    out: Path | None = None
    """Output folder; default: `paths.output` of site.yaml."""
    base_url: str | None = None
    """Override of site.yaml's base_url (e.g. for a publish target)."""
    strict: bool = False
    """Fail on any warning."""
    drafts: bool = False
    """Include articles marked `draft: true`."""
    cache: bool = True
    """Read the cache of earlier builds; False (`--no-cache`) makes everything afresh."""
    memory: Memory | None = None
    """Values kept in memory from the previous build of this process (`serve`)."""
    search_later: bool = False
    """Carry the search index of the site in the output folder into the new site instead
    of remaking it (the preview remakes it after the reload: serve/indexing.py)."""
    in_place: bool = False
    """Update the output folder file by file, only where the site changed, instead of
    swapping in a complete new one: for the preview's private folder, where an edit must
    show in a fraction of a second. Pages are all rendered before any file moves."""
    first: FirstPages | None = None
    """With `in_place`: pages to render before the others and show at once (the pages
    open in the preview's browsers); see render.FirstPages."""
    ends_process: bool = False
    """The process ends right after the build (`briefing build`): what the build made is
    left to the process's end instead of being freed object by object (`LEFT_TO_EXIT`),
    and the cyclic garbage collector is not turned on again."""


@dataclass(frozen=True, slots=True)
class SitePaths:
    """The folders of one site, resolved from site.yaml."""

    site: Path
    content: Path
    templates: Path
    output: Path


def resolve_paths(config: SiteConfig, options: BuildOptions) -> SitePaths:
    """Folders relative to the site, with --out taking precedence."""
    site = options.site_dir
    out = options.out if options.out is not None else site / config.paths.output
    return SitePaths(site, site / config.paths.content, site / config.paths.templates, out)


def load_site_config(options: BuildOptions) -> SiteConfig:
    """site.yaml with the command line's overrides applied."""
    config = load_config(options.site_dir)
    return with_base_url(config, options.base_url) if options.base_url else config


def build(options: BuildOptions) -> BuildReport:
    """Run every stage and swap the new site in; raises GeneratorError on user errors."""
    with collector_paused(to_the_end=options.ends_process):
        return _build(options)


@contextmanager
def collector_paused(to_the_end: bool = False) -> Iterator[None]:
    """Python's cyclic garbage collector is off while a build runs. A build makes
    millions of long-lived objects and few cycles, and the collector's repeated passes
    over all of them took a fifth of a cold build (1,000 articles: 22.2 s -> 17.3 s,
    the same peak memory). Reference counting still frees everything else at once.
    With `to_the_end` (the process ends after the build) it stays off: turned on again,
    its next pass went over everything the build left (LEFT_TO_EXIT), 1.1 s after a
    cold build of 10,000 articles, 0.1 s at 1,000."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled and not to_the_end:
            gc.enable()


TRIM_FROM = 500
"""Values a stage makes (cache misses) from which the C heap is trimmed after it."""


def trimmed_after(cache: BuildCache, misses: int) -> int:
    """Trim the C heap (`trim_heap`) when the stage that began at `misses` made at least
    TRIM_FROM values; the misses now, for the next stage."""
    if cache.misses - misses >= TRIM_FROM:
        trim_heap()
    return cache.misses


def trim_heap() -> None:
    """Hand the C heap's free pages back to the system (glibc's `malloc_trim`; elsewhere
    nothing). A large stage's temporary objects are freed when it ends, but the heap
    keeps their pages, and later stages did not reuse most of them: trimmed after
    loading, grouping and summarising, a cold build of 10,000 articles peaked at 473 MB
    instead of 557 MB (each trim 0.005-0.02 s; 0.06-0.17 s at 100,000 articles)."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library the interpreter runs on
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)


def _build(options: BuildOptions) -> BuildReport:
    clock = Stopwatch()
    config = load_site_config(options)
    paths = resolve_paths(config, options)
    check_output_dir(paths.output, paths.site, (paths.content, paths.templates))
    cache_dir = paths.site / config.paths.cache
    # The registry is an input the build itself rewrites: hashed apart, so that the record
    # can name the registry this build left (the next build reads it and gives the same
    # topics) while everything else is hashed as it was read.
    scan: Scan | None = None
    last: Record | None = None
    if options.in_place:  # the preview rebuilds because something changed: no check
        others = inputs = "not recorded"
        record = None
        if options.memory is not None:  # only the files it sees changed are read
            scan = input_digest(paths.site, build_inputs(paths), "", options.memory.scan)
            options.memory.scan = scan
    else:
        last = read_record(cache_dir, paths.output) if options.cache else None
        scan = input_digest(paths.site, build_inputs(paths), repr(_options_key(options)), last)
        others = scan.digest
        inputs = with_registry(others, paths.content)
        record = up_to_date(last, inputs, paths.output) if options.cache else None
    if record is not None:
        clock.lap("check")
        return replace(
            report_of(record.summary),
            seconds=clock.total(),
            stages=tuple(clock.laps),
            unchanged=True,
        )
    cache = BuildCache(cache_dir, read=options.cache, memory=options.memory)
    speculation: Speculation | None = None
    aside: Aside | None = None
    try:
        content = read_content(paths, config, options, cache, scan)
        warnings = check_diagnostics(content.diagnostics, options.strict, config.paths.content)
        clock.lap("load")
        trimmed_after(cache, 0)
        registry = read_registry(paths.content)
        speculation = Speculation(cache)
        assembling = partial(assemble_keyed, config, content, registry, cache, clock, speculation)
        site, sources, aside = assembling(aside=True)
        planned = None
        if speculation.pending:
            settling = settled(site, sources, paths.templates, speculation, assembling)
            site, sources, planned = settling
        elif aside is not None:
            planned = keyed_beside(site, sources, paths.templates, aside)
        live = last_built(cache_dir, paths.output, record=last) if options.cache else None
        later = options.search_later or not config.search.enabled
        anchors = search_anchors(site) if config.search.enabled else {}
        replaced = replaced_keys(cache_dir, paths.output, live, options)
        if live is not None and options.in_place and later:
            rendered = update_in_place(paths, site, sources, live, cache, clock, options.first)
        else:
            rendered = write_staged(
                paths, config, options, site, sources, live, cache, clock, anchors, planned
            )
        report = BuildReport(
            pages=rendered.pages,
            articles=len(site.articles),
            topics=len(site.topics),
            warnings=tuple(str(w) for w in warnings),
            made=rendered.made,
            taken=rendered.taken,
        )
        if save_registry(paths.content, site.topics) and not options.in_place:
            inputs = with_registry(others, paths.content)
        write_record(
            cache_dir, inputs, paths.output, summary_of(report), rendered.keys, rendered.files,
            scan, anchors, rendered.folders, rendered.folders_at,
        )  # fmt: skip
        if replaced is not None and far_apart(replaced, rendered.keys):
            keep_copy(cache_dir, paths.output, rendered)
        cache.save()
        clock.lap("write")
    finally:
        if speculation is not None:
            speculation.cancel()  # after an error its grouping is of no use
        if aside is not None:
            aside.cancel()  # resolved, a no-op; after an error its summaries are of no use
        cache.close()  # after save() a no-op; after an error it frees the database
    if options.ends_process:
        LEFT_TO_EXIT.append((content, site, sources, rendered, scan, cache))
    return replace(report, seconds=clock.total(), stages=tuple(clock.laps))


LEFT_TO_EXIT: list[object] = []
"""What builds of a process that ends right after made (`BuildOptions.ends_process`).
Freeing 10,000 articles, their site and their pages object by object when the build
returned took 0.2 s; the process's end (`cli.run`) frees its memory at once."""


def replaced_keys(
    cache_dir: Path, out: Path, live: Built | None, options: BuildOptions
) -> Mapping[str, str] | None:
    """The keys of the files of the site this build replaces, which it keeps for the next
    build to update (`output.staged`): those its record names, none without a record or
    a site. None for the preview's builds, which keep no site."""
    if options.in_place:
        return None
    if live is not None:
        return live.keys
    if not out.is_dir():
        return {}
    record = read_record(cache_dir, out, whole=False)  # not read by a build without the cache
    return record.keys if record is not None else {}


def far_apart(replaced: Mapping[str, str], keys: Mapping[str, str]) -> bool:
    """Whether the site replaced (its files' keys) holds fewer than half of the new site's
    files as made under the same keys: the next build would then make, or compare byte
    for byte, most of its files, as after the first build into a folder, a build with new
    code, or one whose cache folder was deleted."""
    same = sum(1 for path, key in keys.items() if replaced.get(path) == key)
    return same * 2 < len(keys)


def keep_copy(cache_dir: Path, out: Path, rendered: Rendered) -> None:
    """Keep the new site for the next build, with a record, in place of the site it
    replaced (`far_apart` from it): the next build updates it and takes every file it did
    not change as it is, instead of making or comparing most of them. At 10,000 articles
    the first edit after the first build took 5.7 s, 3.8 s more than the next edits.

    The site replaced is made the new one where it is (`render.refresh`: 0.7 s at 10,000
    articles, against 3.5 s to delete it); where none was (a first build), the copy is
    linked file by file (0.4-1.1 s). This build made most of its files anyway. A
    failure leaves no record of the kept site (and no copy half linked): only speed is
    lost, as with a `.cache/` on another file system, whose files cannot be linked."""
    kept, kept_record = kept_site(cache_dir, out), record_path(cache_dir, out, kept=True)
    kept_record.unlink(missing_ok=True)  # no record ever names a site half made
    files = rendered.files if rendered.files is not None else output_state(out)
    if kept.is_dir():
        from generator.render import refresh

        try:
            swept = refresh(kept, out.resolve(), files)
            write_kept_record(cache_dir, out, swept.files, swept.folders, swept.at)
        except OSError:
            kept_record.unlink(missing_ok=True)
        return
    partial = kept_record.with_name(f".{kept_record.name}.{os.getpid()}")
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        linked_copy(out.resolve(), kept, files, rendered.folders or {})
        shutil.copyfile(record_path(cache_dir, out), partial)
        os.replace(partial, kept_record)
    except OSError:
        partial.unlink(missing_ok=True)
        shutil.rmtree(kept, ignore_errors=True)


def update_in_place(
    paths: SitePaths, site: Site, sources: Sources, live: Built, cache: BuildCache,
    clock: Stopwatch, first: FirstPages | None = None,
) -> Rendered:  # fmt: skip
    """The preview's way: render what changed beside the live site (the pages `first`
    names before the others), then move it in."""
    from generator.render import Previous, render_into

    with scratch(paths.output) as staging:
        previous = Previous(live=live, in_place=True)
        rendered = render_into(staging, site, paths.templates, sources, previous, cache, first)
        clock.lap("render")
        stale = stale_files(live, rendered)
        moved = move_into(staging, paths.output, stale)
    return replace(rendered, files=state_after(live, moved, stale))


def state_after(live: Built, moved: Iterable[str], removed: Iterable[str]) -> dict[str, list[int]]:
    """The output's state (`output_state`) after files were moved in and removed: the
    live record's, updated. Walking every file of a large site took a second."""
    files = {path: list(state) for path, state in live.files.items()}
    for path in removed:
        files.pop(path, None)
    for path in moved:
        info = os.stat(live.root / path)
        files[path] = [info.st_size, info.st_mtime_ns]
    return files


def write_staged(
    paths: SitePaths, config: SiteConfig, options: BuildOptions, site: Site,
    sources: Sources, live: Built | None, cache: BuildCache, clock: Stopwatch,
    anchors: Mapping[str, str] | None = None, planned: SitePlan | None = None,
) -> Rendered:  # fmt: skip
    """Update the kept site into the new one beside the output, index it (its article
    pages in their topics' shards, `anchors`), swap it in. `planned`: the site's
    `render.plan_site`, when it was made already."""
    from generator.render import Previous, render_into, sweep
    from generator.search import BUNDLE_DIR

    cache_dir = paths.site / config.paths.cache
    with staged(paths.output, kept_site(cache_dir, paths.output)) as staging:
        here = last_built(cache_dir, paths.output, staging) if options.cache else None
        previous = Previous(live=live, here=here)
        rendered = render_into(
            staging, site, paths.templates, sources, previous, cache, planned=planned
        )
        clock.lap("render")
        keep = rendered.paths | {MARKER}
        if config.search.enabled and not options.search_later:
            from generator.search import index_site_cached, work_folder

            keys = indexed_key(rendered)
            work = work_folder(staging)
            indexing = partial(
                index_site_cached, staging, config, cache_dir, keys, anchors=anchors, work=work,
                reuse=options.cache, cuts=rendered.cuts,
            )  # fmt: skip
            skip = {BUNDLE_DIR, work.name}
            sweeping = partial(sweep, staging, keep, skip, here, rendered.untouched)
            swept = swept_while(indexing, sweeping)
        else:
            swept = sweep(staging, keep, {BUNDLE_DIR}, here, rendered.untouched)
            if config.search.enabled:
                from generator.search import carry_index

                shutil.rmtree(staging / BUNDLE_DIR, ignore_errors=True)
                carry_index(paths.output, staging)
            elif (staging / BUNDLE_DIR).is_dir():  # search was on for the kept site
                shutil.rmtree(staging / BUNDLE_DIR)
        files = swept.files
        index = output_state(staging / BUNDLE_DIR)
        files.update((f"{BUNDLE_DIR}/{path}", state) for path, state in index.items())
    keep_record(cache_dir, paths.output)
    return replace(rendered, files=files, folders=swept.folders, folders_at=swept.at)


def swept_while(index: Callable[[], None], sweeping: Callable[[], Swept]) -> Swept:
    """`sweeping` (`render.sweep` of the staging folder) while `index` runs: Pagefind
    reads only kept pages (and skips what vanishes from its walk of the folder), and its
    work folder and the index are in the sweep's `skip`. The sweep runs in a forked
    child where it can (`parallel.beside`): in a thread beside the indexing, the two took
    turns with the interpreter's lock (at 100,000 articles the sweep took 4.5 s and the
    indexing 4.7 s, side by side). An error in the sweep is raised once the indexing has
    ended, and the indexing's once the sweep has."""
    from generator import parallel

    return parallel.beside(index, sweeping)


def search_anchors(site: Site) -> dict[str, str]:
    """Each article page -> its topic's page, whose search shard it joins."""
    from generator.search_shards import anchors_of

    return anchors_of(site.topic_of)


def indexed_key(rendered: Rendered) -> dict[str, str] | None:
    """The keys of the pages the search index reads, page by page: each shard of the
    index depends on its pages' (None when one of them has no key and only its bytes
    can say)."""
    from generator.search_shards import page_keys

    return page_keys(rendered.paths, rendered.keys)


def stale_files(live: Built, rendered: Rendered) -> set[str]:
    """Files of the live site the new one does not have (its search index aside: the
    preview remakes that after the reload)."""
    from generator.search import BUNDLE_DIR

    old = {p for p in live.files if p != MARKER and not p.startswith(BUNDLE_DIR + "/")}
    return old - rendered.paths


def last_built(
    cache_dir: Path, out: Path, kept_in: Path | None = None, record: Record | None = None
) -> Built | None:
    """What the last build into `out` left there, per its record (`record` when the build
    has read it already: 0.03 s at 10,000 articles); with `kept_in`, what the build
    before it left, now in the folder `kept_in` (the staging folder)."""
    from generator.render import Built

    if record is None:
        record = read_record(cache_dir, out, kept=kept_in is not None, whole=False)
    if record is None:
        return None
    return Built(
        kept_in or out.resolve(), record.keys, record.files, record.folders, record.folders_at
    )


def build_inputs(paths: SitePaths) -> tuple[Path, ...]:
    """What a build reads besides site.yaml and the registry: articles, notes, templates."""
    return (paths.content / "articles", paths.content / "topics", paths.templates)


def with_registry(others: str, content_dir: Path) -> str:
    """The digest of all inputs: the others' digest and the registry's bytes."""
    try:
        registry = (content_dir / REGISTRY_FILE).read_bytes()
    except OSError:
        registry = b"none"
    return key_of("inputs", others, registry)


def _options_key(options: BuildOptions) -> tuple[object, ...]:
    out = options.out.resolve() if options.out else None
    return (
        str(out), options.base_url, options.strict, options.drafts,
        options.search_later, options.in_place,
    )  # fmt: skip


def summary_of(report: BuildReport) -> dict[str, object]:
    return {
        "pages": report.pages,
        "articles": report.articles,
        "topics": report.topics,
        "warnings": list(report.warnings),
    }


def report_of(summary: dict[str, object]) -> BuildReport:
    warnings = summary.get("warnings")
    return BuildReport(
        pages=int(str(summary.get("pages", 0))),
        articles=int(str(summary.get("articles", 0))),
        topics=int(str(summary.get("topics", 0))),
        warnings=tuple(str(w) for w in warnings) if isinstance(warnings, list) else (),
    )


class Stopwatch:
    """Seconds spent in each stage, for `briefing build --timings` and the benchmark."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.laps: list[tuple[str, float]] = []

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps.append((stage, now - self.last))
        self.last = now

    def total(self) -> float:
        return time.perf_counter() - self.started


def read_content(
    paths: SitePaths,
    config: SiteConfig,
    options: BuildOptions,
    cache: BuildCache,
    scan: Scan | None = None,
) -> Content:
    """Load content/, naming the folder when it is missing; with the `scan` of the
    inputs, articles found in the cache under their file's hash are not read again."""
    if not paths.content.is_dir():
        raise BuildError(f"{paths.content}: content folder not found")
    from generator.content import load_content

    hashes = None
    if scan is not None and paths.content.is_relative_to(paths.site):
        hashes = scan.hashes(paths.content.relative_to(paths.site).as_posix())
    return load_content(paths.content, config.zone, options.drafts, cache, hashes)


def check_diagnostics(
    diagnostics: tuple[Diagnostic, ...], strict: bool, content_dir: str = "content"
) -> list[Diagnostic]:
    """Raise on errors (or on warnings under --strict); return the warnings.

    Content diagnostics name files relative to content/; users see them from the site.
    """
    prefix = content_dir.rstrip("/") + "/"
    located = [Diagnostic(prefix + d.path, d.line, d.message, d.severity) for d in diagnostics]
    errors = [d for d in located if d.severity is Severity.ERROR]
    warnings = [d for d in located if d.severity is Severity.WARNING]
    if errors:
        raise ContentError(located)
    if strict and warnings:
        raise ContentError(
            [*warnings, Diagnostic("--strict", None, f"{len(warnings)} warning(s)", Severity.ERROR)]
        )
    return warnings


def read_registry(content_dir: Path) -> TopicRegistry | None:
    """The topic ids the previous build left, or None before the first build."""
    path = content_dir / REGISTRY_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildError(f"{path}: cannot read the topic id registry: {exc}") from None
    return parse_registry(text, f"{content_dir.name}/{REGISTRY_FILE}")


def save_registry(content_dir: Path, topics: Sequence[Topic]) -> bool:
    """Write the registry for the next build, atomically and only when it changed (a
    build whose topics are as before leaves the file, and its mtime, alone). True when
    it wrote."""
    path = content_dir / REGISTRY_FILE
    text = format_registry(registry_of(topics))
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    temporary = path.with_name(f".{REGISTRY_FILE}.{os.getpid()}.tmp")  # a name `serve` ignores
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return True


def assemble(
    config: SiteConfig,
    content: Content,
    registry: TopicRegistry | None = None,
    cache: BuildCache | None = None,
    clock: Stopwatch | None = None,
) -> Site:
    """Group, summarise, then freeze everything into the Site snapshot."""
    return assemble_keyed(config, content, registry, cache, clock)[0]


def assemble_keyed(
    config: SiteConfig,
    content: Content,
    registry: TopicRegistry | None = None,
    cache: BuildCache | None = None,
    clock: Stopwatch | None = None,
    speculation: Speculation | None = None,
    aside: bool = False,
) -> tuple[Site, Sources, Aside | None]:
    """The Site, what its pages are keyed by, and the summaries left to a child, if any.
    The clustering of articles into stories is taken from `cache` when the articles and
    settings are as before; a topic's summary when the topic and its articles are. With
    a `speculation`, a clustering to make may be left to it, and the Site assembled with
    its guess (see `Speculation`). With `aside`, a few summaries to make may be left to
    a child (`summarise_all`) unless a clustering is (the child takes the other core)."""
    from generator.topics import group_topics

    cache = cache or BuildCache.disabled()
    clock = clock or Stopwatch()
    clusterer = partial(cached_cluster, cache, digests=content.digests, speculation=speculation)
    misses = cache.misses
    topics = group_topics(content.articles, content.notes, config.topics, registry, clusterer)
    clock.lap("group")
    misses = trimmed_after(cache, misses)
    aside = aside and not (speculation is not None and speculation.pending)
    summarised, keys, left = summarise_all(topics, content, config, cache, aside)
    clock.lap("summarise")
    trimmed_after(cache, misses)
    from generator.render import Sources
    from generator.site import make_site

    topic_keys = {t.id: k for t, k in zip(topics, keys, strict=True)}
    site = make_site(config, content.articles, summarised)
    return site, Sources(content.digests, topic_keys), left


def cached_cluster(
    cache: BuildCache,
    articles: Sequence[Article],
    settings: TopicsConfig,
    digests: Mapping[str, str] | None = None,
    speculation: Speculation | None = None,
) -> list[list[Article]]:
    """`clustering.cluster`, kept in the cache as article ids under what it reads of the
    articles and the settings (not the topic id registry: naming is redone every build).
    Each lead is hashed once: its key in the memo stands for it in the grouping's key.
    What clustering reads of an article is kept in the cache under the article's own key
    (`Content.digests`), since cutting and hashing 10,000 leads took a third of a second
    of every build (both processes cut those the cache lacks); and remembered for a
    preview's next build (the same article object). A clustering to make may be left to
    `speculation`, which then gives its guess."""
    from generator.leads import LEAD_TERMS, reads_of

    by_id = {a.id: a for a in articles}
    read = partial(reads_of, lead=partial(key_of, LEAD_TERMS))
    known = digests or {}

    def read_all(unread: list[Article]) -> list[str]:
        """What clustering reads of articles, from the cache when it has it; made by
        both processes (a cold build of 10,000 articles cuts and hashes every lead)."""
        filed = [a for a in unread if a.id in known]
        keys = [key_of("cluster-reads", known[a.id], a.id, a.path) for a in filed]

        def make(positions: list[int]) -> list[str]:
            wanted = [filed[p] for p in positions]
            return parallel.on_both_cores(read, wanted, READS_PARALLEL_FROM)

        kept = iter(cache.get_or_make_many("cluster-reads", keys, make))
        # An article not from a file the build hashed is not kept.
        return [next(kept) if a.id in known else read(a) for a in unread]

    ordered = sorted(articles, key=lambda a: (a.id, a.path))  # clustering's order
    stories = speculation.known(ordered) if speculation is not None else None
    if stories is None:
        reads = cache.derive_many("cluster-reads", ordered, read_all)
        key = key_of("clusters", as_text(settings), *reads)
        found, stories = cache.find("clusters", key)
        if not found:
            stories = _clustered(cache, ordered, settings, reads, key, speculation)
    return [[by_id[i] for i in story] for story in stories]


def _clustered(
    cache: BuildCache,
    ordered: Sequence[Article],
    settings: TopicsConfig,
    reads: Sequence[str],
    key: str,
    speculation: Speculation | None,
) -> list[list[str]]:
    """The clustering of `cached_cluster` made (and kept under `key`) of the articles in
    clustering order, or left to `speculation` when it has a guess (then the guess)."""
    from generator.clustering import cluster_leads, labels_of, labels_of_counted
    from generator.features import counted_leads, features_of
    from generator.leads import LEAD_TERMS, lead_in, leads_in_order

    # The reads hold each lead's key: the memo finds the lead's terms without its text,
    # and only an article whose terms it lacks has its body read.
    memo = CacheMemo(cache, {LEAD_TERMS: [lead_in(r) for r in reads]})
    leads = leads_in_order(ordered)
    same_settings = key_of("clustered-with", as_text(settings))
    if speculation is not None and len(leads.articles) > 1:
        guess = speculation.guess(same_settings, [a.id for a in leads.articles])
        if guess is not None:
            # The counts read and keep cache entries: made here, not in the child.
            counted = counted_leads(leads.articles, leads.texts, memo)
            labels = partial(labels_of_counted, counted, settings)
            if guess.new:
                # Weighed here to place the new articles, and not again in the child.
                features = features_of(counted)
                labels = partial(labels_of, features, settings)
            speculation.start(labels, key, same_settings, leads.articles, guess.stories)
            stories = guess.stories
            if guess.new:
                # Placed once the child groups: the build waits for it anyway, and
                # placing groups a neighbourhood again (0.8-1.3 s at 100,000 articles).
                placed = placed_in(guess, leads.articles, features, settings, speculation.ready)
                if placed is None:  # the child has grouped them: no guess to go on with
                    speculation.settle()
                    placed = speculation.known(leads.articles)
                    assert placed is not None, "settled with these articles"
                else:
                    speculation.going_with(placed)
                stories = placed
            memo.keep_held()  # while the child groups: the build waits for it anyway
            return stories
    stories = [[a.id for a in story] for story in cluster_leads(leads, settings, memo)]
    memo.keep_held()
    keep_clustering(cache, key, same_settings, stories)
    return stories


def placed_in(
    guess: Guess,
    ordered: Sequence[Article],
    features: Features,
    settings: TopicsConfig,
    until: Callable[[], bool] | None = None,
) -> list[list[str]] | None:
    """The stories of `guess` with the new articles placed among them
    (`clustering.placed`: the stories near each grouped again with it): most articles
    added to an archive are more coverage of a story in it, and guessing each a story of
    its own made such a build assemble its site twice (1.2-2.5 s of a 5-10 s build at
    10,000 articles). `ordered`: the articles in clustering order, the rows of
    `features`. None when `until()` said, while they were placed, that the grouping
    guessed at is made (`clustering.Overtaken`): then a guess is of no more use."""
    from generator.clustering import Overtaken, placed, stories_of

    row = {article.id: at for at, article in enumerate(ordered)}
    labels = [0] * len(ordered)
    for story in guess.stories:
        for i in story:
            labels[row[i]] = row[story[0]]
    try:
        moved = placed(features, settings, labels, [row[i] for i in guess.new], until)
    except Overtaken:
        return None
    return [[a.id for a in story] for story in stories_of(ordered, moved)]


def keep_clustering(
    cache: BuildCache, key: str, same_settings: str, stories: list[list[str]]
) -> None:
    """Keep a clustering made under its `key`, and as the last one (LAST_CLUSTERS) when
    it grouped two articles or more."""
    cache.keep("clusters", key, stories)
    if sum(map(len, stories)) > 1:
        cache.keep_large(LAST_CLUSTERS, (same_settings, stories))


LAST_CLUSTERS = "last-clusters"
"""Cache kind of the last clustering made of two articles or more: (a key of the
settings it was made with, its stories). A build clusters the articles not pinned to a
topic, then those that notes exclude from theirs, if any: it is the first clustering
that an edit makes again, and the second seldom has two articles."""
GUESS_NEW = 10
"""New articles (not in the last clustering) from which a clustering is not guessed."""


class Speculation:
    """A clustering left to a forked child while the build goes on with a guess.

    An edit in an article's lead changes what grouping reads, so the articles are
    grouped again (at 10,000 articles 0.7 s, at 100,000 5-8 s), yet the stories seldom
    change; an article added changes them little. The guess is the last grouping, with
    any new article placed among the stories near it (`guess`, `placed_in`): the build
    summarises and keys its pages with it while the child groups, on the other core.
    `settle` then waits for the child, keeps its clustering in the cache and says
    whether the guess held; when it did not, the build assembles the site again, with
    the clustering made (`known`). What a build writes is always what the clustering
    gives: only the work done with a wrong guess is lost."""

    def __init__(self, cache: BuildCache) -> None:
        self.cache = cache
        self._pending: _Pending | None = None
        self._settled: tuple[tuple[Article, ...], list[list[str]]] | None = None

    @property
    def pending(self) -> bool:
        """Whether a clustering is being made (and `settle` must be called)."""
        return self._pending is not None

    def guess(self, same_settings: str, ids: Sequence[str]) -> Guess | None:
        """The clustering of the articles `ids` (in clustering order) as the last one made
        with the same settings (`same_settings`, their key) had it: articles gone are
        left out, and each new one is a story of its own, up to GUESS_NEW of them (a
        guess that summarises many new topics would cost more than it could save; the
        caller may place them: `placed_in`). None when there is no such clustering, or
        no child can be forked; only the first clustering of a build is guessed."""
        if self._pending is not None or self._settled is not None or not parallel.can_fork():
            return None
        last = self.cache.find_large(LAST_CLUSTERS)
        if not (isinstance(last, tuple) and len(last) == 2 and last[0] == same_settings):
            return None
        position = {article: at for at, article in enumerate(ids)}
        stories = [[i for i in story if i in position] for story in last[1]]
        found = {i for story in stories for i in story}
        new = [i for i in ids if i not in found]
        if len(new) > GUESS_NEW:
            return None
        # As clustering orders its stories: by their first article, each in id order.
        guessed = [sorted(story, key=position.__getitem__) for story in stories if story]
        guessed += [[i] for i in new]
        return Guess(sorted(guessed, key=lambda story: position[story[0]]), tuple(new))

    def start(
        self,
        labels: Callable[[], list[int]],
        key: str,
        same_settings: str,
        ordered: Sequence[Article],
        guess: list[list[str]],
    ) -> None:
        """Start a child making the clustering under `key`: `labels()` of `ordered`. The
        cache recalls what it gives from now on, for a second assembly."""
        later = parallel.Later(labels)
        self._pending = _Pending(later, labels, key, same_settings, tuple(ordered), guess)
        self.cache.recall()

    def going_with(self, guess: list[list[str]]) -> None:
        """The guess the build goes on with, made after `start` (see `placed_in`)."""
        assert self._pending is not None, "nothing started"
        self._pending = replace(self._pending, guess=guess)

    def ready(self) -> bool:
        """Whether the clustering is made (`settle` will not wait)."""
        return self._pending is None or self._pending.later.ready()

    def settle(self) -> bool:
        """Wait for the clustering, keep it; whether it is the guess."""
        from generator.clustering import stories_of

        pending, self._pending = self._pending, None
        assert pending is not None, "nothing to settle"
        try:
            labels = pending.later.result()
        except Exception:
            # The child ended without its result (killed, out of memory) or failed:
            # grouping here gives the result, or raises the error as a build without
            # a guess would.
            labels = pending.remake()
        stories = [[a.id for a in story] for story in stories_of(pending.ordered, labels)]
        keep_clustering(self.cache, pending.key, pending.same_settings, stories)
        self._settled = (pending.ordered, stories)
        return stories == pending.guess

    def known(self, ordered: Sequence[Article]) -> list[list[str]] | None:
        """The clustering settled of these very articles (in clustering order), if any:
        a second assembly takes it without reading the articles' leads again."""
        if self._settled is not None and self._settled[0] == tuple(ordered):
            return self._settled[1]
        return None

    def cancel(self) -> None:
        """Stop the child of a clustering not settled (after an error)."""
        if self._pending is not None:
            self._pending.later.cancel()
            self._pending = None


@dataclass(frozen=True, slots=True)
class Guess:
    """A clustering guessed from the last one (`Speculation.guess`)."""

    stories: list[list[str]]
    """Article ids by story, in clustering order."""
    new: tuple[str, ...]
    """The articles the last clustering did not have: each a story of its own here."""


@dataclass(frozen=True, slots=True)
class _Pending:
    """A clustering being made: by whom, under which key, of which articles, and the
    guess the build goes on with."""

    later: parallel.Later[list[int]]
    remake: Callable[[], list[int]]
    """What the child computes, to compute here if the child fails."""
    key: str
    same_settings: str
    ordered: tuple[Article, ...]
    guess: list[list[str]]


def settled(
    site: Site,
    sources: Sources,
    templates: Path,
    speculation: Speculation,
    assembling: Callable[[], tuple[Site, Sources, Aside | None]],
) -> tuple[Site, Sources, SitePlan | None]:
    """The site once the pending clustering is settled, and its plan with the pages keyed
    meanwhile: keying is most of an edit's render stage, and what the guess gives is
    right unless the stories changed. Otherwise the site assembled again (`assembling`),
    and no plan."""
    from generator.render import plan_site

    planned = plan_site(site, templates, sources, speculation.cache)
    planned.key_until(speculation.ready)
    if speculation.settle():
        return site, sources, planned
    site, sources, _ = assembling()
    return site, sources, None


def keyed_beside(site: Site, sources: Sources, templates: Path, aside: Aside) -> SitePlan:
    """The site's plan, its pages keyed while a child makes the summaries left `aside`
    (keys need a topic's summary key, not its summary); then those summaries made
    ready, before anything forks again (`Aside.resolved`)."""
    from generator.render import plan_site

    planned = plan_site(site, templates, sources, aside.cache)
    planned.key_until(aside.ready)
    aside.resolved()
    return planned


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CacheMemo:
    """The build cache as clustering's memo (`features.Memo`): when the grouping must be
    redone, the parts of it that only depend on inputs as before (one article's counted
    words, say) are found under a key of their input."""

    cache: BuildCache
    known: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """The keys (`key_of(kind, input)`) of a kind's inputs, by position, when the caller
    has them already: its inputs must then come in that order (the inputs are not read).
    Keys are not remembered by input: a memo of them held every lead text of a cold
    build to its grouping's end, a third of a gigabyte at 100,000 articles."""
    held: dict[str, object] = field(default_factory=dict)
    """Values to keep in files of their own (`BuildCache.keep_large`), held until
    `keep_held`: the lead counts of 100,000 articles took 0.15 s to write, which a
    build that leaves its grouping to a child spends while the child works."""

    def values(
        self, kind: str, inputs: Sequence[str], make: Callable[[list[int]], list[T]]
    ) -> list[T]:
        """The kept value of each input, the others made by one call of `make`."""
        return self.cache.get_or_make_many(kind, self._keys(kind, inputs), make)

    def counted(self, texts: Sequence[str]) -> tuple[Sequence[str], LeadCounts | None]:
        """The keys of the lead texts and the lead counts the last grouping kept (one
        file, replaced by each grouping; a build that takes its grouping from the cache
        leaves it as it is)."""
        from generator.features import LeadCounts
        from generator.leads import LEAD_TERMS

        last = self.cache.find_large(LEAD_COUNTS)
        kept = last if isinstance(last, LeadCounts) and last.whole() else None
        return self._keys(LEAD_TERMS, texts), kept

    def keep_counted(self, counted: LeadCounts) -> None:
        """Keep this grouping's lead counts in place of the last one's, at `keep_held`.
        (Each lead's counts as an entry of its own, the way of earlier code, went with
        the rest of that code's entries: `BuildCache` clears them at its first write.)"""
        self.held[LEAD_COUNTS] = counted

    def keep_held(self) -> None:
        """Write what `keep_counted` was given."""
        for kind, value in self.held.items():
            self.cache.keep_large(kind, value)
        self.held.clear()

    def _keys(self, kind: str, inputs: Sequence[str]) -> Sequence[str]:
        keys = self.known.get(kind)
        if keys is None or len(keys) != len(inputs):
            keys = [key_of(kind, i) for i in inputs]
        return keys


LEAD_COUNTS = "lead-counts"
"""Cache kind of the last grouping's lead counts (`features.LeadCounts`)."""


def summarise_all(
    topics: Sequence[Topic],
    content: Content,
    config: SiteConfig,
    cache: BuildCache,
    aside: bool = False,
) -> tuple[list[Topic], list[str], Aside | None]:
    """Every topic with its summary, and the summaries' keys: from the cache when the
    topic and its articles are as before, the others made on both cores. With `aside`,
    fewer than PARALLEL_FROM summaries to make are left to a forked child, where one can
    be forked: each topic then holds a `Lazy` of its summary, and the `Aside` returned
    must be `resolved` before a process is forked or the cache saved."""
    by_id = {a.id: a for a in content.articles}
    keys = [summary_key(topic, by_id, content.digests, config) for topic in topics]
    summary = partial(summary_of_topic, by_id, config)
    left: list[Aside] = []

    def make(positions: list[int]) -> list[Any]:
        wanted = [topics[p] for p in positions]
        if aside and 0 < len(wanted) < PARALLEL_FROM and parallel.can_fork():
            left.append(Aside(summary, wanted, [keys[p] for p in positions], cache))
            return left[0].values
        # Each summary pickled for the cache where it is made: a child's is sent as
        # those bytes (`Made`), and the build does not pickle it again, on one core.
        made = parallel.on_both_cores(partial(_made, "summary", summary), wanted, PARALLEL_FROM)
        for position, item in zip(positions, made, strict=True):
            cache.keep("summary", keys[position], item.value, item.stored)
        return [item.value for item in made]

    def remake(position: int) -> Any:
        return summary(topics[position])

    summaries = cache.get_or_make_many_lazily("summary", keys, make, remake, keep_made=False)
    summarised = [replace(t, summary=s) for t, s in zip(topics, summaries, strict=True)]
    return summarised, keys, left[0] if left else None


class Aside:
    """Summaries a forked child makes while the build keys its pages (they need each
    topic's summary key, not its summary): an edit summarises its topic, 0.05-0.11 s at
    1,000 articles, and keying every page took as long or longer.
    `values` stand for the summaries (`Lazy`); `resolved` waits for them, keeps them in
    the cache, and makes every value ready, so that no process forked afterwards reads
    the child's pipe. A child that ends without its result is replaced by making the
    summaries here (an error making them is raised as it would be without the child)."""

    def __init__(
        self,
        summary: Callable[[Topic], Any],
        topics: Sequence[Topic],
        keys: Sequence[str],
        cache: BuildCache,
    ) -> None:
        self.summary, self.topics, self.keys, self.cache = summary, list(topics), keys, cache
        self.later: parallel.Later[list[Made]] | None = parallel.Later(self._make_all)
        self.made: list[Made] | None = None
        self.values = [Lazy(None, partial(self._made, n)) for n in range(len(topics))]

    def _make_all(self) -> list[Made]:
        return [_made("summary", self.summary, topic) for topic in self.topics]

    def ready(self) -> bool:
        """Whether the child has ended (`resolved` will not wait)."""
        return self.later is None or self.later.ready()

    def _made(self, position: int) -> Any:
        if self.made is None:
            later, self.later = self.later, None
            try:
                made = later.result() if later is not None else None
            except Exception:  # the child failed or ended without its result: made here
                made = None
            self.made = made if made is not None else self._make_all()
            for key, item in zip(self.keys, self.made, strict=True):
                self.cache.keep("summary", key, item.value, item.stored)
        return self.made[position].value

    def resolved(self) -> None:
        """Wait for the summaries and make every value ready (see the class)."""
        for value in self.values:
            value.value()

    def cancel(self) -> None:
        """Stop the child (after an error): its summaries are of no use now."""
        if self.later is not None:
            self.later.cancel()
            self.later = None


def _made(kind: str, function: Callable[[Any], Any], item: Any) -> Made:
    """`function(item)`, with the bytes the cache stores it as (see `Made`)."""
    return Made(kind, function(item))


def summary_key(
    topic: Topic, by_id: Mapping[str, Article], digests: Mapping[str, str], config: SiteConfig
) -> str:
    """What a topic's summary depends on: the topic, its articles' content, the zone."""
    members = (digests.get(i) or repr(by_id[i]) for i in topic.article_ids)
    return key_of("summary", config.zone.key, as_text(topic), *members)


def summary_of_topic(by_id: Mapping[str, Article], config: SiteConfig, topic: Topic) -> Any:
    """The cross-source summary of one topic, from opened copies of its articles (the
    build's own stay packed: `Article.opened`)."""
    from generator import summarize

    members = [by_id[i].opened() for i in topic.article_ids]
    return summarize.summarize_topic(topic, members, config.zone)
