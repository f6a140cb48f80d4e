"""`build` (the default command) and `merge`: the release build and a sharded build's join."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.progress import BarColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as ProgressBar

from briefkit.cli.console import configured, console, to_json
from briefkit.cli.console import escape as _escape
from briefkit.errors import BriefkitError, Failure
from briefkit.release import fastpath
from briefkit.release.pool import TIMEOUT, cores
from briefkit.render.formats import FORMATS

if TYPE_CHECKING:  # the build's own modules load only once there is something to build
    from briefkit.pipeline import Artifact, Event, Report
    from briefkit.project import Project
    from briefkit.release.plan import Shard


def add_commands(parser: argparse.ArgumentParser, commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Make `build` the default and a command of its own, and add `merge`."""
    parser.set_defaults(run=_build, fast=_unchanged)
    _build_options(parser)
    _build_options(
        commands.add_parser("build", help="build PDF, DOCX and HTML (the default)"), subcommand=True
    )
    commands.add_parser(
        "merge", help="join the shard manifests gathered in dist/ into the release's"
    ).set_defaults(run=_merge_shards)


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
        help="preview into previews/: build locales below their threshold, missing text in English",
    )
    parser.add_argument(
        "--allow-fuzzy",
        action="store_true",
        default=argparse.SUPPRESS if subcommand else False,
        help="preview into previews/: print fuzzy translations too",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        default=argparse.SUPPRESS if subcommand else False,
        help="fail when an edition is held back or out of date",
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
    parser.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS if subcommand else False,
        help="also print the build's report as JSON on standard output, for machines",
    )
    if subcommand:
        parser.set_defaults(run=_build, fast=_unchanged)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 up")
    return int(text)


def _shard(text: str) -> Shard:
    from briefkit.release.plan import parse_shard

    try:
        return parse_shard(text)
    except BriefkitError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _request_key(args: argparse.Namespace) -> str:
    """Return what selects a build's output: the same key, the same files."""
    return fastpath.request_key(
        briefs=sorted(set(args.brief or ())),
        locales=sorted(set(args.lang or ())),
        formats=sorted(set(args.format or FORMATS)),
        allow_partial=args.allow_partial,
    )


def _unchanged(root: Path, args: argparse.Namespace) -> int | None:
    """Finish a build whose inputs and dist/ are exactly as the last good build left them (the
    no-op fast path, before anything is loaded); return None to build."""
    if args.force or args.shard is not None or args.allow_partial or args.allow_fuzzy:
        return None  # a forced build, a shard or a preview (written to previews/) always builds
    outcome = fastpath.unchanged(root, _request_key(args))
    if outcome is None:
        return None
    console.print(f"nothing to rebuild: {len(outcome.current)} artifacts up to date")
    if outcome.published is not None:
        console.print(
            f"dist/ lists {outcome.published} artifacts: manifest.json, SHA256SUMS, index.html"
        )
    if args.json:
        replay = {"ok": True, "built": [], "current": outcome.current, "failed": [], "removed": []}
        print(to_json({**replay, "published": outcome.published}, indent=1))
    return 0


def _build(project: Project, args: argparse.Namespace) -> int:
    from briefkit.pipeline import Request, build

    request = Request(
        briefs=tuple(args.brief or ()),
        locales=tuple(args.lang or ()),
        formats=tuple(args.format or FORMATS),
        allow_partial=args.allow_partial,
        allow_fuzzy=args.allow_fuzzy,
        force=args.force,
        jobs=args.jobs,
        shard=args.shard,
        timeout=float(args.timeout),
    )
    if not configured(project, request.locales):
        return 2
    for code in request.locales:
        if not request.preview and project.policy(code).in_progress:
            console.print(
                f"[red]error:[/] {code} is in progress: nothing of it is released "
                "(preview it with --allow-partial, into previews/)"
            )
            return 2
    if not request.preview:
        fastpath.forget(project.root)
    with _ProgressView(project) as view:
        report = build(project, request, view)
    _summary(project, report)
    if args.json:
        print(to_json(build_report(project, report), indent=1))
    if not report.ok:
        return 1
    if report.complete and not report.preview and request.shard is None:
        # Only a release with every edition current is replayed by the fast path: held-back
        # and out-of-date editions are reported again by the full path.
        everything = _artifacts_json(project, (*report.artifacts, *report.current))
        fastpath.record(
            project.root, _request_key(args), fastpath.Outcome(everything, _published_count(report))
        )
    return 1 if args.strict and not report.complete else 0


def build_report(project: Project, report: Report) -> dict[str, Any]:
    """Return what a build did, as the JSON `build --json` prints (read by bench/)."""
    return {
        "ok": report.ok,
        "built": _artifacts_json(project, report.artifacts),
        "current": _artifacts_json(project, report.current),
        "failed": [{"what": f.what, "error": str(f.error)} for f in report.failures],
        "removed": [path.relative_to(project.root).as_posix() for path in report.removed],
        "published": _published_count(report),
        "decisions": _decisions_json(report),
        "preview": report.preview,
    }


def _artifacts_json(project: Project, artifacts: Iterable[Artifact]) -> list[dict[str, Any]]:
    return [
        {
            "path": found.path.relative_to(project.root).as_posix(),
            "brief": found.brief,
            "locale": found.locale,
            "format": found.format,
            "bytes": found.size,
            "seconds": round(found.seconds, 3),
        }
        for found in artifacts
    ]


def _published_count(report: Report) -> int | None:
    return None if report.manifest is None else len(report.manifest.artifacts)


def _decisions_json(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "brief": d.brief,
            "locale": d.locale,
            "action": d.action,
            "reason": d.reason,
            "matches_source": d.matches_source,
        }
        for d in report.decisions
    ]


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
        from briefkit.pipeline import Waiting

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
    from briefkit.release.plan import CARRIED

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
    for decision in report.decisions:
        matches = (
            f", marked out of date: it matches the English of {decision.matches_source}"
            if decision.matches_source
            else (", marked out of date" if decision.action == CARRIED else "")
        )
        console.print(
            f"[yellow]{decision.action}[/] {_escape(decision.brief)} {_escape(decision.locale)}"
            f"{matches}: {_escape(decision.reason)}"
        )
    if report.manifest is not None:
        folder = "previews/" if report.preview else "dist/"
        console.print(
            f"{folder} lists {len(report.manifest.artifacts)} artifacts{_lagging(report)}: "
            f"{_published(report)}"
        )


def _lagging(report: Report) -> str:
    if report.manifest is None:
        return ""
    old = len({(e.brief, e.locale) for e in report.manifest.out_of_date})
    held = len(report.manifest.held_back)
    parts = [f"{old} {'edition' if old == 1 else 'editions'} out of date"] if old else []
    parts += [f"{held} held back"] if held else []
    return f" ({', '.join(parts)})" if parts else ""


def _published(report: Report) -> str:
    if report.manifest is not None and report.manifest.shard is not None:
        return f"manifest of shard {report.manifest.shard} written; run `merge` once every shard is in dist/"
    return "manifest.json, SHA256SUMS, index.html"


def _merge_shards(project: Project, args: argparse.Namespace) -> int:
    from briefkit.pipeline import merge_shards

    fastpath.forget(project.root)
    manifest, failures = merge_shards(project, _ProgressView(project))
    for failure in failures:
        console.print(f"[red]failed[/] {_escape(failure.what)}: {_escape(str(failure.error))}")
    console.print(
        f"merged: dist/ lists {len(manifest.artifacts)} artifacts: manifest.json, SHA256SUMS, index.html"
    )
    return 0 if not failures else 1
