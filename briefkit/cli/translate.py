"""The translator's commands: `extract`, `update`, `init`, `review`, `stats` and `check`."""

from __future__ import annotations

import argparse
from pathlib import Path
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
    update.add_argument(
        "--compendium",
        action="append",
        default=[],
        type=Path,
        metavar="PO",
        help="a .po of earlier translations to reuse for identical English (repeatable)",
    )
    update.set_defaults(run=_update)
    review = commands.add_parser(
        "review", help="record a reviewer's sign-off of the strings a locale's editions print"
    )
    review.add_argument("locale", help="the locale reviewed, e.g. fr")
    review.add_argument("--brief", action="append", default=[], help="only this brief (repeatable)")
    review.add_argument("--reviewer", required=True, help="who signs off, e.g. 'Jeanne Martin'")
    review.set_defaults(run=_review)
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
    changes = translations.update(project, tuple(args.lang), tuple(args.compendium))
    _changes(project, changes)
    recalled = sum(c.merge.memory for c in changes if c.merge is not None)
    console.print(
        f"translation memory: {recalled} {'entry' if recalled == 1 else 'entries'} filled"
    )
    return 0


def _review(project: Project, args: argparse.Namespace) -> int:
    from briefkit.catalogs.reviews import reviews_path, sign_off

    if not configured(project, [args.locale]):
        return 2
    signed = sign_off(project, args.locale, args.reviewer, tuple(args.brief))
    where = reviews_path(project, args.locale).relative_to(project.root)
    for item in signed:
        console.print(
            _escape(f"signed off {item.brief} {args.locale}: {item.reviewer}, {item.date}")
        )
    console.print(
        _escape(f"recorded in {where}: commit it; any change to these strings makes them drafts")
    )
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
    reviews = _reviews(project, found)
    if args.json:
        rows = [
            {**s.as_dict(), "review": reviews[s.locale, s.domain]}
            if (s.locale, s.domain) in reviews
            else s.as_dict()
            for s in found
        ]
        print(to_json(rows))
    else:
        wide = Console(highlight=False)
        wide.width = max(wide.width, 140)  # a pipe gets 80 columns, too few for the table
        wide.print(_stats_table(project, found, reviews))
    return 0


def _reviews(project: Project, found: list[Stats]) -> dict[tuple[str, str], str]:
    """Return the review state of each edition (a brief's catalog) in words."""
    from briefkit.catalogs.po import TEMPLATES_DOMAIN
    from briefkit.catalogs.reviews import review_state

    return {
        (s.locale, s.domain): review_state(project, s.locale, s.domain).describe()
        for s in found
        if s.domain != TEMPLATES_DOMAIN
    }


def _stats_table(
    project: Project, found: list[Stats], reviews: dict[tuple[str, str], str]
) -> Table:
    from briefkit.catalogs.stats import total

    table = Table(title="Translation status: entries, and words of the English source")
    for name in ("Locale", "Catalog"):
        table.add_column(name)
    for name in ("Translated", "Fuzzy", "Untranslated", "%"):
        table.add_column(name, justify="right")
    for name in ("Words translated", "fuzzy", "untranslated", "%"):
        table.add_column(name, justify="right")
    table.add_column("Review")
    for code in dict.fromkeys(s.locale for s in found):
        rows = [s for s in found if s.locale == code]
        for row in [*rows, total(rows, code)]:
            review = _escape(reviews.get((row.locale, row.domain), ""))
            table.add_row(*_stats_row(row, project.policy(code).min_completeness), review)
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
        (merge.memory, "from translation memory"),
        (merge.obsolete, "obsolete"),
        (merge.restored, "restored"),
    ]
    done = ", ".join(f"{count} {label}" for count, label in parts if count)
    if merge.header_repaired:
        done = ", ".join(filter(None, [done, f"{' and '.join(merge.header_repaired)} repaired"]))
    return done or "only locations or layout changed"
