"""The command line: parse arguments, call one operation, report, choose the exit code."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as ProgressBar
from rich.table import Table

from briefkit import translations
from briefkit.catalogs.merge import Merge
from briefkit.catalogs.stats import Stats, project_stats, total
from briefkit.cli import serve
from briefkit.errors import BriefkitError, ErrorList, Failure
from briefkit.pipeline import (
    TIMEOUT,
    Artifact,
    Event,
    Report,
    Request,
    Waiting,
    build,
    cores,
    merge_shards,
)
from briefkit.project import Project, load_project
from briefkit.qa.checks import Problem
from briefkit.release.plan import Shard, parse_shard
from briefkit.render.formats import FORMATS

console = Console(stderr=True, highlight=False, soft_wrap=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    args = _parser().parse_args(argv)
    try:
        project = load_project(Path(args.root))
        return int(args.run(project, args))
    except ErrorList as errors:
        for error in errors.errors:
            console.print(f"[red]error:[/] {error}", markup=True)
        return 1
    except BriefkitError as error:
        console.print(f"[red]error:[/] {_escape(str(error))}")
        return 1
    except KeyboardInterrupt:
        console.print(
            "interrupted; every file in dist/ is whole, old or new: build again to finish"
        )
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build localised policy briefs.")
    parser.add_argument(
        "--root", default=os.getcwd(), help="project folder (default: current folder)"
    )
    parser.set_defaults(run=_build)
    _build_options(parser)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _build_options(
        commands.add_parser("build", help="build PDF and DOCX (the default)"), subcommand=True
    )
    commands.add_parser(
        "extract", help="write the .pot templates from briefs and templates"
    ).set_defaults(run=_extract)
    update = commands.add_parser("update", help="merge the .pot templates into every .po")
    update.add_argument("--lang", action="append", default=[], help="only this locale (repeatable)")
    update.set_defaults(run=_update)
    init = commands.add_parser("init", help="start a new locale")
    init.add_argument("locale", help="gettext locale code, e.g. pt_BR")
    init.set_defaults(run=_init)
    stats = commands.add_parser("stats", help="how much of each catalog is translated")
    stats.add_argument("--lang", action="append", default=[], help="only this locale (repeatable)")
    stats.add_argument("--json", action="store_true", help="print JSON for machines")
    stats.set_defaults(run=_stats)
    check = commands.add_parser("check", help="check translations and terminology")
    check.add_argument("--lang", action="append", default=[], help="only this locale (repeatable)")
    check.add_argument("--json", action="store_true", help="print JSON for CI")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.set_defaults(run=_check)
    commands.add_parser(
        "merge", help="join the shard manifests gathered in dist/ into the release's"
    ).set_defaults(run=_merge_shards)
    serve.add_command(commands)
    return parser


def _build_options(parser: argparse.ArgumentParser, subcommand: bool = False) -> None:
    default = argparse.SUPPRESS if subcommand else None
    parser.add_argument(
        "--lang", action="append", default=default, help="only this locale (repeatable)"
    )
    parser.add_argument(
        "--brief", action="append", default=default, help="only this brief (repeatable)"
    )
    parser.add_argument(
        "--format", action="append", choices=list(FORMATS), default=default, help="only this format"
    )
    parser.add_argument(
        "--allow-partial",
        action="store_true",
        default=argparse.SUPPRESS if subcommand else False,
        help="preview: build locales below their completeness threshold",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        default=argparse.SUPPRESS if subcommand else False,
        help="render every artifact, even those up to date",
    )
    parser.add_argument(
        "--jobs",
        type=_positive,
        default=argparse.SUPPRESS if subcommand else 0,
        metavar="N",
        help=f"render in N worker processes (default: one per core, here {cores()})",
    )
    parser.add_argument(
        "--shard",
        type=_shard,
        default=default,
        metavar="K/N",
        help="build share K of N (for a CI matrix); then run `merge`",
    )
    parser.add_argument(
        "--timeout",
        type=_positive,
        default=argparse.SUPPRESS if subcommand else TIMEOUT,
        metavar="SECONDS",
        help=f"stop an artifact's renderer after this long (default {TIMEOUT:g})",
    )
    if subcommand:
        parser.set_defaults(run=_build)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 up")
    return int(text)


def _shard(text: str) -> Shard:
    try:
        return parse_shard(text)
    except BriefkitError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _build(project: Project, args: argparse.Namespace) -> int:
    request = Request(
        briefs=tuple(args.brief or ()),
        locales=tuple(args.lang or ()),
        formats=tuple(args.format or FORMATS),
        allow_partial=args.allow_partial,
        force=args.force,
        jobs=args.jobs,
        shard=args.shard,
        timeout=float(args.timeout),
    )
    for code in request.locales:
        if code not in project.locales:
            where = _escape("pyproject.toml [tool.briefkit] locales")
            console.print(f"[red]error:[/] locale {code!r} is not configured in {where}")
            return 2
    with _ProgressView(project) as view:
        report = build(project, request, view)
    _summary(project, report)
    return 0 if report.ok else 1


class _ProgressView:
    """Shows a build's progress: a line per artifact and, on a terminal, a bar of done, failed
    and left."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.bar = ProgressBar(
            BarColumn(),
            TextColumn(
                "{task.fields[done]} done · {task.fields[failed]} failed · {task.fields[left]} left"
            ),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            auto_refresh=False,  # no refresh thread: workers are forked from this process
        )
        self.task: TaskID | None = None

    def __enter__(self) -> _ProgressView:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.task is not None:
            self.bar.stop()

    def __call__(self, event: Event) -> None:
        if isinstance(event, Waiting):
            console.print(f"waiting: {_escape(event.holder)} is writing dist/")
            return
        if self.task is None and console.is_terminal:
            self.bar.start()
            self.task = self.bar.add_task(
                "render", total=event.total, done=0, failed=0, left=event.total
            )
        if self.task is not None:
            self.bar.update(
                self.task,
                completed=event.done + event.failed,
                done=event.done,
                failed=event.failed,
                left=event.total - event.done - event.failed,
                refresh=True,
            )
        if event.latest is not None:
            console.print(_finished(self.project, event.latest))


def _finished(project: Project, latest: Artifact | Failure) -> str:
    if isinstance(latest, Failure):
        return f"[red]failed[/] {_escape(latest.what)}"
    path = _escape(str(latest.path.relative_to(project.root)))
    return f"built {path} ({latest.size:,} bytes, {latest.seconds:.1f} s)"


def _summary(project: Project, report: Report) -> None:
    for path in report.removed:
        console.print(
            f"removed {_escape(str(path.relative_to(project.root)))} (no longer in the project)"
        )
    for failure in report.failures:
        console.print(f"[red]failed[/] {_escape(failure.what)}: {_escape(str(failure.error))}")
    if not report.artifacts and not report.failures:
        console.print(f"nothing to rebuild: {len(report.current)} artifacts up to date")
    else:
        console.print(
            f"{len(report.artifacts)} built, {len(report.current)} up to date, {len(report.failures)} failed"
        )
    if report.manifest is not None:
        console.print(
            f"dist/ lists {len(report.manifest.artifacts)} artifacts: {_published(report)}"
        )


def _published(report: Report) -> str:
    if report.manifest is not None and report.manifest.shard is not None:
        return f"manifest of shard {report.manifest.shard} written; run `merge` once every shard is in dist/"
    return "manifest.json, SHA256SUMS, index.html"


def _merge_shards(project: Project, args: argparse.Namespace) -> int:
    manifest, failures = merge_shards(project, _ProgressView(project))
    for failure in failures:
        console.print(f"[red]failed[/] {_escape(failure.what)}: {_escape(str(failure.error))}")
    console.print(
        f"merged: dist/ lists {len(manifest.artifacts)} artifacts: manifest.json, SHA256SUMS, index.html"
    )
    return 0 if not failures else 1


def _extract(project: Project, args: argparse.Namespace) -> int:
    _changes(project, translations.extract(project))
    return 0


def _update(project: Project, args: argparse.Namespace) -> int:
    _changes(project, translations.update(project, tuple(args.lang)))
    return 0


def _init(project: Project, args: argparse.Namespace) -> int:
    _changes(project, translations.init(project, args.locale))
    if args.locale not in project.locales:
        console.print(
            _escape(
                f'next: add "{args.locale}" to locales in pyproject.toml [tool.briefkit], and its '
                f"release policy as [tool.briefkit.policy.{args.locale}]"
            )
        )
    return 0


def _stats(project: Project, args: argparse.Namespace) -> int:
    found = project_stats(project, tuple(args.lang))
    if args.json:
        print(json.dumps([s.as_dict() for s in found], ensure_ascii=False, indent=2))
    else:
        wide = Console(highlight=False)
        wide.width = max(wide.width, 120)  # a pipe gets 80 columns, too few for the table
        wide.print(_stats_table(project, found))
    return 0


def _stats_table(project: Project, found: list[Stats]) -> Table:
    table = Table(title="Translation status: entries, and words of the English source")
    for name in ("Locale", "Catalog"):
        table.add_column(name)
    for name in ("Translated", "Fuzzy", "Untranslated", "%"):
        table.add_column(name, justify="right")
    for name in ("Words translated", "fuzzy", "untranslated", "%"):
        table.add_column(name, justify="right")
    for code in dict.fromkeys(s.locale for s in found):
        rows = [s for s in found if s.locale == code]
        for row in [*rows, total(rows, code)]:
            table.add_row(*_stats_row(row, project.policy(code).min_completeness))
        table.add_section()
    return table


def _stats_row(row: Stats, minimum: float) -> list[str]:
    colour = "green" if row.percent >= 100 else "yellow" if row.percent >= minimum else "red"
    return [
        row.locale,
        "[bold]all[/]" if row.domain == "all" else _escape(row.domain),
        str(row.translated),
        str(row.fuzzy),
        str(row.untranslated),
        f"[{colour}]{row.percent:.1f}[/]",
        str(row.words_translated),
        str(row.words_fuzzy),
        str(row.words_untranslated),
        f"{row.words_percent:.1f}",
    ]


def _check(project: Project, args: argparse.Namespace) -> int:
    problems = translations.check(project, tuple(args.lang))
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if args.json:
        report = {
            "errors": errors,
            "warnings": warnings,
            "problems": [p.as_dict() for p in problems],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            print(_problem_line(problem))
        console.print(
            f"{errors} {_plural(errors, 'error')}, {warnings} {_plural(warnings, 'warning')}"
        )
    return 1 if errors or (args.strict and warnings) else 0


def _problem_line(problem: Problem) -> str:
    if problem.severity == "error":
        return str(problem)
    where = f"{problem.path}:{problem.line}" if problem.line else problem.path
    fix = f" ({problem.fix})" if problem.fix else ""
    return f"{where}: warning: {problem.what}{fix}"


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def _changes(project: Project, changes: list[translations.Change]) -> None:
    for change in changes:
        if change.action != "unchanged":
            what = f": {_merge_summary(change.merge)}" if change.merge else ""
            console.print(f"{change.action} {change.path.relative_to(project.root)}{what}")
    unchanged = sum(1 for c in changes if c.action == "unchanged")
    console.print(f"{len(changes) - unchanged} written, {unchanged} unchanged")


def _merge_summary(merge: Merge) -> str:
    parts = [
        (merge.new, "new"),
        (merge.fuzzy, "fuzzy"),
        (merge.obsolete, "obsolete"),
        (merge.restored, "restored"),
    ]
    done = ", ".join(f"{count} {label}" for count, label in parts if count)
    return done or "only locations or layout changed"


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


if __name__ == "__main__":
    sys.exit(main())
