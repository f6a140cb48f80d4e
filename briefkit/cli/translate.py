"""The translator's commands: `extract`, `update`, `init`, `stats` and `check`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from briefkit.cli.console import configured, console, terminal_safe, to_json
from briefkit.cli.console import escape as _escape

if TYPE_CHECKING:  # loaded when a command runs, so that a no-op build never loads them
    from briefkit.catalogs.merge import Merge
    from briefkit.catalogs.stats import Stats
    from briefkit.project import Project
    from briefkit.translations import Change


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the translator's commands."""
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


def _extract(project: Project, args: argparse.Namespace) -> int:
    from briefkit import translations

    _changes(project, translations.extract(project))
    return 0


def _update(project: Project, args: argparse.Namespace) -> int:
    from briefkit import translations

    if not configured(project, args.lang):
        return 2
    _changes(project, translations.update(project, tuple(args.lang)))
    return 0


def _init(project: Project, args: argparse.Namespace) -> int:
    from briefkit import translations

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
    from briefkit.catalogs.stats import project_stats

    if not configured(project, args.lang):
        return 2
    found = project_stats(project, tuple(args.lang))
    if args.json:
        print(to_json([s.as_dict() for s in found]))
    else:
        wide = Console(highlight=False)
        wide.width = max(wide.width, 120)  # a pipe gets 80 columns, too few for the table
        wide.print(_stats_table(project, found))
    return 0


def _stats_table(project: Project, found: list[Stats]) -> Table:
    from briefkit.catalogs.stats import total

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
    from briefkit import translations

    if not configured(project, args.lang):
        return 2
    problems = translations.check(project, tuple(args.lang))
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if args.json:
        report = {
            "errors": errors,
            "warnings": warnings,
            "problems": [p.as_dict() for p in problems],
        }
        print(to_json(report))
    else:
        for problem in problems:
            print(terminal_safe(problem.labelled()))
        console.print(
            f"{errors} {_plural(errors, 'error')}, {warnings} {_plural(warnings, 'warning')}"
        )
    return 1 if errors or (args.strict and warnings) else 0


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def _changes(project: Project, changes: list[Change]) -> None:
    for change in changes:
        if change.action != "unchanged":
            what = f": {_merge_summary(change.merge)}" if change.merge else ""
            console.print(_escape(f"{change.action} {change.path.relative_to(project.root)}{what}"))
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
