"""The build, as a list of stages: load, extract, localise, check fonts, render, write.

Each stage takes data and returns data. Failures of one edition or one artifact are collected
and reported with the others; nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog

from . import fonts
from .brief import Brief, load_brief
from .catalogs import TEMPLATES_DOMAIN, po_path, pot_path, read_catalog
from .errors import BriefkitError, CatalogError, PolicyError, RenderError, raise_all
from .localise import Coverage, LocalisedBrief, Lookup, check_source, localise_brief
from .project import Project
from .segments import Segment, extract_segments
from .writing import write_atomic

FORMATS = ("pdf", "docx")


@dataclass(frozen=True)
class Request:
    """What to build: a selection of briefs, locales and formats, and how strictly."""

    briefs: tuple[str, ...] = ()  # empty: all
    locales: tuple[str, ...] = ()  # empty: all configured
    formats: tuple[str, ...] = FORMATS
    allow_partial: bool = False  # previews: build below the completeness threshold


@dataclass(frozen=True)
class Edition:
    """One brief in one language, with the template strings of that language."""

    brief: LocalisedBrief
    ui: dict[str, str]  # template msgid -> text in this language
    ui_coverage: Coverage


@dataclass(frozen=True)
class Artifact:
    """A file the build wrote."""

    brief: str
    locale: str
    format: str
    path: Path
    size: int


@dataclass(frozen=True)
class Failure:
    """Something that could not be built, and why."""

    what: str  # "overview fr pdf", "overview ar", "overview"
    error: BriefkitError


@dataclass(frozen=True)
class Report:
    """What a build did."""

    artifacts: tuple[Artifact, ...] = ()
    failures: tuple[Failure, ...] = ()
    editions: tuple[Edition, ...] = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        return not self.failures


def build(project: Project, request: Request) -> Report:
    """Build every artifact the request asks for; collect what fails."""
    failures: list[Failure] = []
    briefs = load_briefs(project, request.briefs, failures)
    segments = {brief.slug: source_segments(project, brief, failures) for brief in briefs}
    editions = localise_all(
        project, [b for b in briefs if segments[b.slug] is not None], segments, request, failures
    )
    artifacts = [
        a
        for e in editions
        for fmt in request.formats
        if (a := render_artifact(project, e, fmt, failures))
    ]
    return Report(tuple(artifacts), tuple(failures), tuple(editions))


def load_briefs(project: Project, names: tuple[str, ...], failures: list[Failure]) -> list[Brief]:
    """Return the requested briefs that load; record the others as failures."""
    paths = (
        [project.briefs_dir / f"{name}.md" for name in names] if names else project.brief_paths()
    )
    loaded = []
    for path in paths:
        try:
            loaded.append(load_brief(path))
        except BriefkitError as exc:
            failures.append(Failure(path.stem, exc))
    return loaded


def source_segments(
    project: Project, brief: Brief, failures: list[Failure]
) -> list[Segment] | None:
    """Return the brief's segments after checking its placeholders and charts."""
    found = extract_segments(
        brief, _relative(project, brief.path), _relative(project, brief.data.path)
    )
    try:
        check_source(brief, found)
    except BriefkitError as exc:
        failures.append(Failure(brief.slug, exc))
        return None
    return found


def localise_all(
    project: Project,
    briefs: list[Brief],
    segments: dict[str, list[Segment] | None],
    request: Request,
    failures: list[Failure],
) -> list[Edition]:
    """Return every requested brief in every requested locale."""
    editions = []
    for code in request.locales or project.locales:
        try:
            ui, ui_coverage = template_strings(project, code)
        except BriefkitError as exc:
            failures.append(Failure(f"templates {code}", exc))
            continue
        for brief in briefs:
            try:
                localised = localise(
                    project,
                    brief,
                    segments[brief.slug] or [],
                    code,
                    request.allow_partial,
                    ui_coverage,
                )
                editions.append(Edition(localised, ui, ui_coverage))
            except BriefkitError as exc:
                failures.append(Failure(f"{brief.slug} {code}", exc))
    return editions


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
    localised = localise_brief(brief, segments, project.locale(code), lookup, policy.reviewed)
    _check_glyphs(project, lookup, code)
    if not allow_partial:
        enforce_policy(project, code, path, localised.coverage, ui_coverage or Coverage())
    return localised


def template_strings(project: Project, code: str) -> tuple[dict[str, str], Coverage]:
    """Return the template strings in one locale (the source text where untranslated)."""
    template = read_catalog(pot_path(project.translations_dir, TEMPLATES_DOMAIN))
    path = po_path(project.translations_dir, code, TEMPLATES_DOMAIN)
    catalog = None if code == project.source_locale else _catalog_or_none(path, code)
    _check_quality(project, code, catalog, path, [])
    lookup = Lookup(catalog, path, project.policy(code))
    ui = {
        message.id: lookup(
            Segment(message.id, "template", message.lineno or 0, str(path), msgctxt=message.context)
        )
        for message in template
        if message.id and isinstance(message.id, str)
    }
    _check_glyphs(project, lookup, code)
    return ui, lookup.coverage()


def render_artifact(
    project: Project, edition: Edition, fmt: str, failures: list[Failure]
) -> Artifact | None:
    """Render one format of one edition and write it into dist/."""
    brief = edition.brief
    path = output_path(project, brief.slug, brief.locale.code, fmt)
    what = f"{brief.slug} {brief.locale.code} {fmt}"
    try:
        data = render_bytes(project, edition, fmt)
    except BriefkitError as exc:
        failures.append(Failure(what, exc))
        return None
    except Exception as exc:  # a renderer bug or resource failure must not stop the other artifacts
        crash = RenderError(
            f"{what}: the renderer crashed: {type(exc).__name__}: {exc}",
            fix="report it with the brief and locale",
        )
        failures.append(Failure(what, crash))
        return None
    write_atomic(path, data)
    return Artifact(brief.slug, brief.locale.code, fmt, path, len(data))


def render_bytes(project: Project, edition: Edition, fmt: str) -> bytes:
    """Return the bytes of one artifact (PDF through WeasyPrint, DOCX through pandoc)."""
    from .render_html import render_html
    from .templating import template_environment

    def gettext(text: str) -> str:
        return edition.ui.get(text, text)

    env = template_environment(project.templates_dir, gettext)
    where = f"{edition.brief.slug} {edition.brief.locale.code} {fmt}"
    if fmt == "pdf":
        from .render_pdf import render_pdf

        return render_pdf(
            render_html(edition.brief, env, project.locale(project.source_locale)),
            project.templates_dir / "pdf",
            where,
        )
    if fmt == "docx":
        from .render_docx import render_docx

        return render_docx(edition.brief, env, project, where, gettext)
    raise RenderError(f"unknown format {fmt!r}", fix=f"use one of {', '.join(FORMATS)}")


def output_path(project: Project, slug: str, locale: str, fmt: str) -> Path:
    """Return where an artifact goes: dist/<slug>/<slug>_<locale>.<format>."""
    return project.dist_dir / slug / f"{slug}_{locale}.{fmt}"


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
    from .qa import edition_problems

    problems = edition_problems(project, code, catalog, path, segments)
    raise_all(p.error(project.root) for p in problems if p.severity == "error")


def _relative(project: Project, path: Path) -> str:
    return path.resolve().relative_to(project.root).as_posix()
