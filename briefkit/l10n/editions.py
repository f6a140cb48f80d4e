"""Editions: the requested briefs in the requested languages, each checked and ready to render.

An edition is one brief in one language plus the template strings that language prints. Making
one runs this stage's gates in order: the catalogs' quality checks, the lookup of every entry,
the pinned fonts' coverage of every printed character, and the locale's release policy. What
fails is returned as a `Failure` beside what succeeded; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from briefkit.catalogs.po import TEMPLATES_DOMAIN, po_path, pot_path, read_catalog
from briefkit.catalogs.reviews import review_state
from briefkit.catalogs.stats import Stats, catalog_stats
from briefkit.errors import (
    BriefkitError,
    CatalogError,
    Failure,
    PolicyError,
    RenderError,
    raise_all,
)
from briefkit.l10n import fonts
from briefkit.l10n.localise import Coverage, LocalisedBrief, Lookup, check_source, localise_brief
from briefkit.project import Project
from briefkit.qa.checks import edition_problems
from briefkit.sources.brief import Brief, load_brief
from briefkit.sources.segments import Segment, extract_segments

SITE_TEMPLATES = "site"  # templates/site/: the download page, which no artifact prints


@dataclass(frozen=True)
class TemplateStrings:
    """One locale's template strings, looked up once and shared by every format and the page."""

    text: dict[str, str]  # every template msgid -> its text in this locale (English if missing)
    english: frozenset[str]  # msgids shown in the source language
    printed: Coverage  # coverage of the strings that artifacts print (the page's own excluded)
    plurals: dict[str, tuple[str, ...]] = field(default_factory=dict)  # singular msgid -> forms


@dataclass(frozen=True)
class Edition:
    """One brief in one language, with the template strings of that language."""

    brief: LocalisedBrief
    ui: dict[str, str]  # template msgid -> text in this language
    ui_coverage: Coverage
    ui_plurals: dict[str, tuple[str, ...]] = field(default_factory=dict)  # msgid -> its forms
    # The catalogs' statistics as `stats` counts them: the manifest publishes these.
    stats: Stats = field(default_factory=lambda: Stats("", ""))
    templates_stats: Stats = field(default_factory=lambda: Stats("", ""))
    english: frozenset[str] = frozenset()  # template msgids shown in the source language

    @property
    def what(self) -> str:
        return f"{self.brief.slug} {self.brief.locale.code}"


@dataclass(frozen=True)
class Sources:
    """The briefs that loaded, with their segments, and what did not load."""

    briefs: tuple[Brief, ...] = ()
    segments: dict[str, list[Segment]] = field(default_factory=dict)
    failures: tuple[Failure, ...] = ()


@dataclass(frozen=True)
class Localised:
    """What localising returns: the editions made, the template strings of each locale, and
    what failed."""

    editions: tuple[Edition, ...] = ()
    strings: dict[str, TemplateStrings] = field(default_factory=dict)
    failures: tuple[Failure, ...] = ()
    # (brief, locale, why) of each edition not made: below its policy (not a failure), or failed
    behind: tuple[tuple[str, str, str], ...] = ()


def load_sources(project: Project, names: Iterable[str] = ()) -> Sources:
    """Return the named briefs (all when none are named) that load and pass their source checks."""
    names = tuple(names)
    paths = (
        [project.briefs_dir / f"{name}.md" for name in names] if names else project.brief_paths()
    )
    briefs: list[Brief] = []
    segments: dict[str, list[Segment]] = {}
    failures: list[Failure] = []
    for path in paths:
        try:
            brief = load_brief(path)
            segments[brief.slug] = source_segments(project, brief)
        except BriefkitError as exc:
            failures.append(Failure(path.stem, exc))
            continue
        briefs.append(brief)
    return Sources(tuple(briefs), segments, tuple(failures))


def source_segments(project: Project, brief: Brief) -> list[Segment]:
    """Return the brief's segments after checking its placeholders and charts; raise if broken."""
    found = extract_segments(
        brief, _relative(project, brief.path), _relative(project, brief.data.path)
    )
    check_source(brief, found)
    return found


def localise_editions(
    project: Project,
    sources: Sources,
    locales: Iterable[str] = (),
    *,
    allow_partial: bool = False,
    share: frozenset[tuple[str, str]] | None = None,
) -> Localised:
    """Return every brief of `sources` in every locale (all configured when none are named), or
    only the (brief, locale) pairs of a shard's share."""
    editions: list[Edition] = []
    strings: dict[str, TemplateStrings] = {}
    failures: list[Failure] = []
    behind: list[tuple[str, str, str]] = []
    for code in tuple(locales) or project.publishable_locales:
        mine = [b for b in sources.briefs if share is None or (b.slug, code) in share]
        if not mine or code not in project.publishable_locales:
            continue  # a release never builds a locale in progress, even named (the CLI refuses)
        try:
            strings[code] = template_strings(project, code)
        except BriefkitError as exc:
            failures.append(Failure(f"templates {code}", exc))
            behind += [(b.slug, code, str(exc)) for b in mine]
            continue
        ui, coverage, plurals = strings[code].text, strings[code].printed, strings[code].plurals
        ui_stats = _stats(project, code, TEMPLATES_DOMAIN)
        for brief in mine:
            try:
                localised = localise(
                    project, brief, sources.segments[brief.slug], code, allow_partial, coverage
                )
            except PolicyError as exc:
                behind.append((brief.slug, code, str(exc)))
                continue
            except BriefkitError as exc:
                failures.append(Failure(f"{brief.slug} {code}", exc))
                behind.append((brief.slug, code, str(exc)))
                continue
            stats = _stats(project, code, brief.slug)
            editions.append(
                Edition(
                    localised,
                    ui,
                    coverage,
                    plurals,
                    stats=stats,
                    templates_stats=ui_stats,
                    english=strings[code].english,
                )
            )
    return Localised(tuple(editions), strings, tuple(failures), tuple(behind))


def _stats(project: Project, code: str, domain: str) -> Stats:
    """Return a catalog's statistics, as `stats` counts them (the source locale's are its own)."""
    found = catalog_stats(project, code, domain)
    if code == project.source_locale:
        return Stats(code, domain, entries=found.entries, translated=found.entries)
    return found


def localise(
    project: Project,
    brief: Brief,
    segments: list[Segment],
    code: str,
    allow_partial: bool,
    ui_coverage: Coverage | None = None,
) -> LocalisedBrief:
    """Return one brief in one locale, enforcing the locale's quality checks and policy."""
    policy = project.policy(code)
    path = po_path(project.translations_dir, code, brief.slug)
    catalog = None if code == project.source_locale else _catalog_or_none(path, code)
    _check_quality(project, code, catalog, path, segments)
    lookup = Lookup(catalog, path, policy)
    reviewed = policy.reviewed or review_state(project, code, brief.slug).state == "reviewed"
    localised = localise_brief(
        brief, segments, project.locale(code), lookup, reviewed, code != project.source_locale
    )
    _check_glyphs(project, lookup, code)
    if not allow_partial:
        enforce_policy(project, code, path, localised.coverage, ui_coverage or Coverage())
    return localised


def template_strings(project: Project, code: str) -> TemplateStrings:
    """Return one locale's template strings, after the same quality checks as a brief's catalog.

    The strings artifacts print are checked against the pinned fonts and counted for the release
    policy; a label only the download page shows holds back no PDF.
    """
    template = read_catalog(pot_path(project.translations_dir, TEMPLATES_DOMAIN))
    path = po_path(project.translations_dir, code, TEMPLATES_DOMAIN)
    catalog = None if code == project.source_locale else _catalog_or_none(path, code)
    _check_quality(project, code, catalog, path, [])
    in_artifacts = _printed_in_artifacts(project)
    policy = project.policy(code)
    printed, page_only = Lookup(catalog, path, policy), Lookup(catalog, path, policy)
    text: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for message in template:
        lookup = printed if in_artifacts(message) else page_only
        singular, plural = (message.id, None) if isinstance(message.id, str) else message.id[:2]
        if not singular:
            continue
        segment = Segment(
            singular, "template", message.lineno or 0, str(path), msgctxt=message.context
        )
        if plural is None:
            text[singular] = lookup(segment)
        else:
            plurals[singular] = lookup.plural(segment, plural)
    _check_glyphs(project, printed, code)
    english = frozenset(
        p.segment.msgid for p in (*printed.printed, *page_only.printed) if not p.translated
    )
    return TemplateStrings(text, english, printed.coverage(), plurals)


def _printed_in_artifacts(project: Project) -> Callable[[Message], bool]:
    """Return a test: is this template string used by a template other than the download page's?"""
    site = (project.templates_dir / SITE_TEMPLATES).relative_to(project.root).as_posix() + "/"
    return lambda message: (
        not message.locations
        or any(not filename.startswith(site) for filename, _ in message.locations)
    )


def _check_glyphs(project: Project, lookup: Lookup, code: str) -> None:
    """Raise for the first text whose characters no pinned font of the locale covers."""
    stack = fonts.stack_for(project.templates_dir, project.locale(code).language)
    for printed in lookup.printed:
        missing = fonts.missing_characters(printed.text, stack)
        if missing:
            raise RenderError(
                f"locale {code}: no pinned font ({', '.join(stack)}) covers {', '.join(missing)}"
                f" in “{printed.text[:60]}”",
                path=lookup.path if printed.translated else project.root / printed.segment.path,
                line=printed.catalog_line if printed.translated else printed.segment.line,
                fix="replace the character, or add a font that covers it to templates/fonts.yaml",
            )


def _catalog_or_none(path: Path, locale: str) -> Catalog | None:
    if not path.exists():
        return None
    catalog = read_catalog(path, locale)
    language = str(catalog.locale) if catalog.locale else None
    if language and language.replace("-", "_") != locale:
        raise CatalogError(
            f"header says Language: {language}, but the file is in the {locale} folder",
            path=path,
            line=1,
            fix=f'set "Language: {locale}\\n" in the header',
        )
    return catalog


def enforce_policy(
    project: Project, code: str, path: Path, brief: Coverage, templates: Coverage
) -> None:
    """Raise unless the brief and the page furniture together are translated enough to publish."""
    policy = project.policy(code)
    both = brief + templates
    if both.percent + 1e-9 >= policy.min_completeness:
        return
    hidden_fuzzy = 0 if policy.allow_fuzzy else both.fuzzy
    raise PolicyError(
        f"{code} is {both.percent:.1f}% translated, {both.total - both.fallback} of {both.total} "
        f"entries ({path.name} {brief.total - brief.fallback} of {brief.total}, "
        f"{TEMPLATES_DOMAIN}.po {templates.total - templates.fallback} of {templates.total}; "
        f"{both.fallback - hidden_fuzzy} untranslated, {hidden_fuzzy} fuzzy); "
        f"the release policy needs {policy.min_completeness:g}%",
        path=path,
        fix="translate the missing entries, or build a preview with --allow-partial, "
        "which shows them in English",
    )


def _check_quality(
    project: Project, code: str, catalog: Catalog | None, path: Path, segments: list[Segment]
) -> None:
    """Raise with every error `check` finds in the catalog (or the source) of an edition."""
    problems = edition_problems(project, code, catalog, path, segments)
    raise_all(p.error(project.root) for p in problems if p.severity == "error")


def _relative(project: Project, path: Path) -> str:
    return path.resolve().relative_to(project.root).as_posix()
