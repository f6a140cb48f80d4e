"""The translator-facing operations: extract templates, update catalogs, start a locale, check.

Each returns what it did or found, as data; the CLI reports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from briefkit.catalogs.merge import Merge, merge_catalog
from briefkit.catalogs.po import (
    TEMPLATES_DOMAIN,
    dump_catalog,
    holds,
    new_catalog,
    po_path,
    pot_path,
    read_catalog,
    segments_catalog,
    templates_catalog,
    write_catalog,
)
from briefkit.errors import CatalogError, ConfigError
from briefkit.l10n.editions import source_segments
from briefkit.locales import locale_info
from briefkit.project import Project
from briefkit.qa.checks import Problem, check_catalog, source_problems
from briefkit.qa.glossary import Glossary, glossary_path, load_glossary
from briefkit.sources.brief import load_brief
from briefkit.sources.data import format_figure
from briefkit.writing import remove_partial_files


@dataclass(frozen=True)
class Change:
    """One catalog file and what happened to it."""

    path: Path
    action: str  # "created", "updated", "unchanged"
    merge: Merge | None = None  # what `update` did to the entries


def extract(project: Project) -> list[Change]:
    """Write translations/<domain>.pot for every brief and for the templates."""
    _prepare(project)
    changes = []
    for domain, catalog in templates(project).items():
        path = pot_path(project.translations_dir, domain)
        existed = path.exists()
        written = write_catalog(path, catalog)
        changes.append(Change(path, _action(existed, written)))
    return changes


def _prepare(project: Project) -> None:
    """Refuse links in the project, and delete what an interrupted write left in translations/."""
    project.refuse_links()
    remove_partial_files(project.translations_dir)


def templates(project: Project) -> dict[str, Catalog]:
    """Return the template catalog of every domain, built from the sources."""
    domains: dict[str, Catalog] = {}
    english = locale_info(project.source_locale)
    for path in project.brief_paths():
        brief = load_brief(path)
        segments = source_segments(project, brief)
        notes = {
            "{{ " + f.id + " }}": format_figure(f, english) for f in brief.data.figures.values()
        }
        notes |= {"{{ " + f.id + ".year }}": str(f.year) for f in brief.data.figures.values()}
        domains[brief.slug] = segments_catalog(brief.slug, segments, notes)
    domains[TEMPLATES_DOMAIN] = templates_catalog(project.templates_dir, project.root)
    return domains


def update(project: Project, locales: tuple[str, ...] = ()) -> list[Change]:
    """Merge every .pot into the matching .po of each target locale, in the canonical form."""
    _prepare(project)
    pots = {p.stem: read_catalog(p) for p in sorted(project.translations_dir.glob("*.pot"))}
    if not pots:
        raise CatalogError(
            "no templates",
            path=project.translations_dir,
            fix="run `python build.py extract` first",
        )
    changes = []
    for code in locales or project.target_locales:
        locale_info(code)
        for domain, template in pots.items():
            path = po_path(project.translations_dir, code, domain)
            existed = path.exists()
            merged = merge_catalog(
                read_catalog(path, code) if existed else _new_po(domain, code), template
            )
            written = write_catalog(path, merged.catalog)
            changes.append(Change(path, _action(existed, written), merged))
    return changes


def init(project: Project, code: str) -> list[Change]:
    """Start a new locale: an empty .po for every domain, with the right Plural-Forms."""
    _prepare(project)
    locale_info(code)
    if code == project.source_locale:
        raise ConfigError(f"{code} is the source locale", fix="pick a target language")
    folder = project.translations_dir / code
    if folder.exists():
        raise ConfigError(
            f"{folder.relative_to(project.root)} already exists",
            fix=f"run `update --lang {code}` instead",
        )
    return update(project, (code,))


def check(project: Project, locales: tuple[str, ...] = ()) -> list[Problem]:
    """Return the problems of the sources' terms and of every catalog of each target locale."""
    project.refuse_links()
    glossary = load_glossary(glossary_path(project.translations_dir))
    live = templates(project)
    problems = source_problems(glossary, _source_texts(live), project.source_locale)
    pots = sorted(project.translations_dir.glob("*.pot"))
    stale = (_stale_template(project, path, live.get(path.stem)) for path in pots)
    problems += [problem for problem in stale if problem is not None]
    for code in locales or project.target_locales:
        for template_path in pots:
            problems += _catalog_problems(project, code, template_path, glossary)
    return problems


def _catalog_problems(
    project: Project, code: str, template_path: Path, glossary: Glossary
) -> list[Problem]:
    """Return the problems of one catalog, and a warning if `update` would rewrite it."""
    path = po_path(project.translations_dir, code, template_path.stem)
    shown = _shown(project, path)
    if not path.exists():
        return [_missing(shown, code)]
    catalog = read_catalog(path, code)
    found = check_catalog(
        catalog, shown, locale_info(code), project.policy(code), glossary, project.source_locale
    )
    merged = merge_catalog(catalog, read_catalog(template_path)).catalog
    if not holds(path, dump_catalog(merged)):
        found.append(_stale_catalog(shown, template_path.name, code))
    return found


def _source_texts(catalogs: dict[str, Catalog]) -> list[tuple[str, str, int | None]]:
    texts: list[tuple[str, str, int | None]] = []
    for catalog in catalogs.values():
        for message in catalog:
            if message.id and message.locations:
                path, line = message.locations[0]
                texts.append((str(message.id), path, line))
    return texts


def _stale_template(project: Project, path: Path, live: Catalog | None) -> Problem | None:
    if live is not None and holds(path, dump_catalog(live)):
        return None
    return Problem(
        _shown(project, path),
        None,
        "stale",
        "not up to date with the sources" if live else "no brief or template has this domain",
        fix="run `python build.py extract`" if live else "delete it",
        severity="warning",
    )


def _stale_catalog(shown: str, template: str, code: str) -> Problem:
    return Problem(
        shown,
        None,
        "stale",
        f"not merged with {template}, or not in the canonical form",
        fix=f"run `python build.py update --lang {code}` and commit the result",
        severity="warning",
    )


def _missing(shown: str, code: str) -> Problem:
    return Problem(
        shown,
        None,
        "missing",
        "catalog missing: the build shows this domain in English",
        fix=f"run `python build.py update --lang {code}`",
        severity="warning",
    )


def _shown(project: Project, path: Path) -> str:
    return path.relative_to(project.root).as_posix()


def _new_po(domain: str, code: str) -> Catalog:
    catalog = new_catalog(domain, code)
    catalog.language_team = locale_info(code).english_name
    return catalog


def _action(existed: bool, written: bool) -> str:
    if not existed:
        return "created"
    return "updated" if written else "unchanged"
