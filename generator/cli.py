"""The `briefing` command: the only place that prints or exits.

Heavy modules are imported inside each command so that `briefing --help` starts fast.
User errors are one line each (`path:line: message`) and exit status 1; anything else
is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from generator import __version__
from generator.errors import ConfigError, ContentError, GeneratorError

Command = Callable[[argparse.Namespace], int]


def run() -> None:
    """Entry point of the console script and of `python -m generator`: `main`, then the
    process ends at once. Python's usual exit frees every object one by one and unloads
    every module, which took 0.15 s of a build after a one-article edit, at 1,000
    articles as at 10,000; nothing is left to do by then (files are written and closed,
    child processes joined), so only the output streams are flushed.

    numpy's BLAS (OpenBLAS) is held to one thread unless the user says otherwise: on
    import it starts a thread per core, and nothing here calls BLAS on anything larger
    than a vector (the work is shared between forked processes, `parallel`). The
    threads cost nothing measurable on an idle machine (numpy's import took 70 ms with
    one or two on the benchmark machine), but 60 ms more while its other core was busy
    (130 ms against 70 ms)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    code = main(ends_process=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None, *, ends_process: bool = False) -> int:
    """The command line; `ends_process` when the process ends right after (`run`)."""
    parser = make_parser()
    args = parser.parse_args(argv)
    args.ends_process = ends_process
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        code: int = args.run(args)
    except ContentError as exc:
        _print_lines(str(d) for d in exc.diagnostics)
        return 1
    except ConfigError as exc:
        _print_lines(exc.problems)
        return 1
    except GeneratorError as exc:
        _print_lines([f"error: {exc}"])
        return 1
    except KeyboardInterrupt:
        return 130
    return code


def _print_lines(lines: object) -> None:
    for line in lines:  # type: ignore[attr-defined]
        print(line, file=sys.stderr)


def make_parser() -> argparse.ArgumentParser:
    """All commands and flags (the README lists the same)."""
    parser = argparse.ArgumentParser(
        prog="briefing",
        description="Build, preview and publish a news briefing archive.",
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_build(commands)
    _add_new(commands)
    _add_import(commands)
    _add_serve(commands)
    _add_publish(commands)
    return parser


def _site_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--site",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the archive folder (default: .)",
    )


def _add_build(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = commands.add_parser(
        "build", help="build the site into build/", description="Build the site."
    )
    _site_option(cmd)
    cmd.add_argument(
        "--out", type=Path, metavar="DIR", help="output folder (default: paths.output)"
    )
    cmd.add_argument("--base-url", metavar="URL", help="public address, overriding site.yaml")
    cmd.add_argument("--strict", action="store_true", help="fail on any warning")
    cmd.add_argument("--drafts", action="store_true", help="include articles with draft: true")
    cmd.add_argument(
        "--no-cache",
        action="store_true",
        help="make everything afresh, ignoring the cache of earlier builds (a cold build)",
    )
    cmd.add_argument("--timings", action="store_true", help="print the seconds of each stage")
    cmd.set_defaults(run=run_build)


def run_build(args: argparse.Namespace) -> int:
    """`briefing build`."""
    from generator.build import BuildOptions, build

    options = BuildOptions(
        args.site, args.out, args.base_url, args.strict, args.drafts,
        cache=not args.no_cache, ends_process=args.ends_process,
    )  # fmt: skip
    report = build(options)
    _print_lines(report.warnings)
    if args.timings:
        _print_lines(f"{stage:>10} {seconds:7.3f} s" for stage, seconds in report.stages)
        if not report.unchanged:
            print(f"pages and feeds: {report.made} made, {report.taken} as before")
    done = "up to date (nothing changed since the last build):" if report.unchanged else "built"
    print(
        f"{done} {report.pages} pages, {report.articles} articles, {report.topics} topics, "
        f"{len(report.warnings)} warnings in {report.seconds:.2f} s"
    )
    return 0


def _add_new(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = commands.add_parser(
        "new", help="create a new, empty archive", description="Create a new archive."
    )
    cmd.add_argument("directory", type=Path, metavar="DIR")
    cmd.set_defaults(run=run_new)


def run_new(args: argparse.Namespace) -> int:
    """`briefing new DIR`."""
    from generator.scaffold import create_site

    for path in create_site(args.directory):
        print(f"created {path}")
    print(f"next: cd {args.directory} && briefing build")
    return 0


def _add_import(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = commands.add_parser(
        "import",
        help="turn saved or pasted news pages into Markdown articles",
        description="Import articles (default: everything in content/inbox/).",
    )
    cmd.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders")
    _site_option(cmd)
    cmd.add_argument("--outlet", metavar="NAME", help="outlet name (overrides detection)")
    cmd.add_argument("--author", metavar="NAME", help="author name (overrides detection)")
    cmd.add_argument("--date", metavar="WHEN", help="publication date, ISO 8601")
    cmd.add_argument("--url", metavar="URL", help="original address")
    cmd.add_argument(
        "--dry-run", action="store_true", help="show what would be written; write nothing"
    )
    cmd.add_argument("--force", action="store_true", help="overwrite articles edited since import")
    cmd.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    """`briefing import`."""
    from generator.config import load_config
    from generator.importer import ImportOptions, import_paths

    config = load_config(args.site)
    options = ImportOptions(args.outlet, args.author, args.date, args.url, args.dry_run, args.force)
    results = import_paths(args.site, config, args.paths, options)
    for result in results:
        print(result.line)
    failed = sum(1 for r in results if r.status == "failed")
    print(f"{len(results)} inputs: {len(results) - failed} processed, {failed} failed")
    return 1 if failed else 0


def _add_serve(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = commands.add_parser(
        "serve",
        help="preview the site, rebuilding and reloading on every change",
        description="Build, serve on 127.0.0.1, watch for changes, rebuild and reload pages.",
    )
    _site_option(cmd)
    cmd.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    cmd.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    cmd.add_argument("--no-reload", action="store_true", help="do not watch for changes")
    cmd.add_argument("--open", action="store_true", help="open the site in a browser")
    cmd.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """`briefing serve`."""
    from generator.serve import ServeOptions, serve

    options = ServeOptions(args.site, args.host, args.port, not args.no_reload, args.open)
    return serve(options, say=_say)


def _add_publish(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = commands.add_parser(
        "publish",
        help="build strictly and put the site on static hosting",
        description="Publish to a folder, a git branch or rsync (named in site.yaml or a URL).",
    )
    cmd.add_argument("target", nargs="?", metavar="TARGET", help="a name from site.yaml or a URL")
    _site_option(cmd)
    cmd.add_argument(
        "--dry-run", action="store_true", help="list what would change; change nothing"
    )
    cmd.add_argument(
        "--force", action="store_true", help="allow large deletions and foreign commits"
    )
    cmd.set_defaults(run=run_publish)


def run_publish(args: argparse.Namespace) -> int:
    """`briefing publish`."""
    from generator.publish import publish

    return publish(args.site, args.target, args.dry_run, args.force, say=_say)


def _say(line: str) -> None:
    print(line, flush=True)
