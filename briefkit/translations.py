"""The translator-facing operations: extract templates, update catalogs, start a locale, check.

Each returns what it did or found, as data; the CLI reports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from briefkit.catalogs.merge import Memory, Merge, merge_catalog
from briefkit.catalogs.po import (
    TEMPLATES_DOMAIN,
    dump_catalog,
    entry_state,
    holds,
    new_catalog,
    po_path,
    pot_path,
    read_catalog,
    segments_catalog,
    templates_catalog,
    write_catalog,
)
from briefkit.catalogs.reviews import site_only
from briefkit.errors import BriefkitError, CatalogError, ConfigError, PolicyError
from briefkit.l10n.editions import localise, source_segments, template_strings
from briefkit.locales import LocaleInfo, locale_info
from briefkit.project import Project
from briefkit.qa.checks import Problem, check_catalog, excerpt, source_problems
from briefkit.qa.glossary import Glossary, glossary_path, load_glossary
from briefkit.sources.brief import load_brief
from briefkit.sources.data import Figure, write_figure
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
            "{{ " + f.id + ("." + part if part else "") + " }}": _note(f, english, part)
            for f in brief.data.figures.values()
            for part in _parts(f)
        }
        domains[brief.slug] = segments_catalog(brief.slug, segments, notes)
    domains[TEMPLATES_DOMAIN] = templates_catalog(project.templates_dir, project.root)
    return domains


def _note(figure: Figure, english: LocaleInfo, part: str | None) -> str:
    """Return what a translator's note says a placeholder shows (a range, with its ends)."""
    shown = write_figure(figure, english, part)
    if figure.unit != "range" or part is not None:
        return shown
    ends = "{{ " + figure.id + ".low }} and {{ " + figure.id + ".high }}"
    return f"{shown} (a range: your language may write its ends as {ends} instead)"


def _parts(figure: Figure) -> tuple[str | None, ...]:
    """Return what placeholders of a figure may show: itself, its year, its ends."""
    return (
        None,
        *(("year",) if figure.year is not None else ()),
        *(("low", "high") if figure.unit == "range" else ()),
    )


def update(
    project: Project, locales: tuple[str, ...] = (), compendia: tuple[Path, ...] = ()
) -> list[Change]:
    """Merge every .pot into the matching .po of each target locale (in progress too), in the
    canonical form. A new entry whose English another catalog of the locale (or a compendium
    of the same language) has translated takes that translation: the translation memory."""
    _prepare(project)
    pots = {p.stem: read_catalog(p) for p in sorted(project.translations_dir.glob("*.pot"))}
    if not pots:
        raise CatalogError(
            "no templates",
            path=project.translations_dir,
            fix="run `python build.py extract` first",
        )
    extra = [(path, read_catalog(path)) for path in compendia]
    changes = []
    for code in locales or project.target_locales:
        locale_info(code)
        trusted = project.policy(code).memory == "translated"
        memory = _memory(project, code, list(pots), extra)
        for domain, template in pots.items():
            path = po_path(project.translations_dir, code, domain)
            existed = path.exists()
            merged = merge_catalog(
                read_catalog(path, code) if existed else _new_po(domain, code),
                template,
                memory,
                trusted,
            )
            written = write_catalog(path, merged.catalog)
            changes.append(Change(path, _action(existed, written), merged))
    return changes


def _memory(
    project: Project, code: str, domains: list[str], compendia: list[tuple[Path, Catalog]]
) -> Memory:
    """Return the locale's translation memory: its catalogs as they are on disk (active and
    obsolete entries), then the compendia written in its language."""
    memory = Memory()
    for domain in domains:
        path = po_path(project.translations_dir, code, domain)
        if path.exists():
            memory.add(read_catalog(path, code))
    for path, catalog in compendia:
        language = str(catalog.locale_identifier or "")
        if not language:
            raise CatalogError(
                "a compendium without a Language header",
                path=path,
                fix='set "Language: fr\\n" (its language) in its header',
            )
        if language.replace("-", "_") not in (code, locale_info(code).language):
            continue  # a compendium serves the locales of its own language only
        memory.add(catalog)
    return memory


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
        problems += release_blockers(project, code)
    return problems


def release_blockers(project: Project, code: str) -> list[Problem]:
    """Return what keeps a locale's editions from a release, as the build decides it: each
    edition below its policy, then every entry it shows in English (untranslated, or fuzzy where
    the policy does not print fuzzy), at its line. Errors for a released locale, warnings for
    one in progress. An edition that fails on an error is left to the catalog checks."""
    severity = "warning" if project.policy(code).in_progress else "error"
    try:
        ui_coverage = template_strings(project, code).printed
    except BriefkitError:
        return []
    problems: list[Problem] = []
    seen: set[tuple[str, int | None, str]] = set()
    for brief_path in project.brief_paths():
        try:
            brief = load_brief(brief_path)
            segments = source_segments(project, brief)
        except BriefkitError:
            continue  # reported by the source checks
        try:
            localise(project, brief, segments, code, False, ui_coverage)
            continue
        except PolicyError as exc:
            shown = _shown(project, exc.path) if exc.path else brief.slug
            problems.append(
                Problem(shown, None, "below-threshold", exc.message, "", exc.fix, severity)
            )
        except BriefkitError:
            continue
        for domain in (brief.slug, TEMPLATES_DOMAIN):
            for problem in _unready_entries(project, code, domain, severity):
                if (key := (problem.path, problem.line, problem.excerpt)) not in seen:
                    seen.add(key)
                    problems.append(problem)
    return problems


def _unready_entries(project: Project, code: str, domain: str, severity: str) -> list[Problem]:
    """Return every entry of a domain the edition would show in English, at its .po line."""
    path = po_path(project.translations_dir, code, domain)
    catalog = read_catalog(path, code) if path.exists() else None
    allow_fuzzy = project.policy(code).allow_fuzzy
    found = []
    for entry in read_catalog(pot_path(project.translations_dir, domain)):
        if not entry.id or (domain == TEMPLATES_DOMAIN and site_only(entry)):
            continue
        message = catalog.get(entry.id, entry.context) if catalog is not None else None
        state = entry_state(message)
        if state == "translated" or (state == "fuzzy" and allow_fuzzy):
            continue
        text = excerpt(str(entry.id if isinstance(entry.id, str) else entry.id[0]))
        if message is None:
            found.append(
                Problem(
                    _shown(project, path),
                    None,
                    "untranslated",
                    "entry missing",
                    text,
                    f"run `python build.py update --lang {code}`, then translate it",
                    severity,
                )
            )
        elif state == "fuzzy":
            found.append(
                Problem(
                    _shown(project, path),
                    message.lineno,
                    "fuzzy",
                    "fuzzy entry",
                    text,
                    "check the translation against the new English and remove the fuzzy mark",
                    severity,
                )
            )
        else:
            found.append(
                Problem(
                    _shown(project, path),
                    message.lineno,
                    "untranslated",
                    "untranslated entry",
                    text,
                    "translate it",
                    severity,
                )
            )
    return found


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
    catalog.mime_headers = [("Plural-Forms", locale_info(code).plural_forms)]
    return catalog


def _action(existed: bool, written: bool) -> str:
    if not existed:
        return "created"
    return "updated" if written else "unchanged"
