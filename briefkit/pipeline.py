"""The build, as a list of stages: load, extract, localise, check fonts, plan, render, publish.

Each stage takes data and returns data. Failures of one edition or one artifact are collected
and reported with the others; nothing here prints (progress goes to a callback the CLI gives).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from briefkit.catalogs.po import TEMPLATES_DOMAIN, build_time, po_path, pot_path, read_catalog
from briefkit.catalogs.reviews import review_state
from briefkit.catalogs.stats import Stats, catalog_stats
from briefkit.errors import BriefkitError, CatalogError, PolicyError, RenderError, raise_all
from briefkit.l10n import fonts
from briefkit.l10n.localise import Coverage, LocalisedBrief, Lookup, check_source, localise_brief
from briefkit.project import Project
from briefkit.release import publish
from briefkit.release.jobs import FORMATS, Job, Rendered, run_jobs
from briefkit.release.keys import render_inputs
from briefkit.release.manifest import Completeness, Manifest, completeness, edition_entry
from briefkit.release.plan import (
    Behind,
    Decision,
    Plan,
    Shard,
    artifact_path,
    held_back,
    plan_build,
    settle_behind,
    stale_paths,
)
from briefkit.release.site import SITE_TEMPLATES, Strings
from briefkit.release.state import (
    Record,
    State,
    forget,
    load_state,
    locked,
    remove_partial_files,
    save_state,
)
from briefkit.sources.brief import Brief, load_brief
from briefkit.sources.segments import Segment, extract_segments

TIMEOUT = 300.0  # seconds one artifact may take before its renderer is stopped


@dataclass(frozen=True)
class Request:
    """What to build: a selection of briefs, locales and formats, and how strictly."""

    briefs: tuple[str, ...] = ()  # empty: all
    locales: tuple[str, ...] = ()  # empty: all configured
    formats: tuple[str, ...] = FORMATS
    allow_partial: bool = False  # preview: build below the completeness threshold
    allow_fuzzy: bool = False  # preview: print fuzzy entries too
    force: bool = False  # render even what is up to date
    jobs: int = 0  # worker processes; 0: one per core
    shard: Shard | None = None  # build only this share (CI matrix); `merge` joins the shares
    timeout: float = TIMEOUT

    @property
    def preview(self) -> bool:
        """Return True for a preview: written to previews/, never to dist/."""
        return self.allow_partial or self.allow_fuzzy


@dataclass(frozen=True)
class Edition:
    """One brief in one language, with the template strings of that language."""

    brief: LocalisedBrief
    ui: dict[str, str]  # template msgid -> text in this language
    ui_coverage: Coverage
    # The catalogs' statistics as `stats` counts them (the manifest publishes these).
    completeness: Completeness = field(default_factory=lambda: completeness(Stats("", "")))
    templates_completeness: Completeness = field(
        default_factory=lambda: completeness(Stats("", ""))
    )


@dataclass(frozen=True)
class Artifact:
    """A file in dist/."""

    brief: str
    locale: str
    format: str
    path: Path
    size: int
    seconds: float = 0.0  # time it took to render, when this build rendered it


@dataclass(frozen=True)
class Failure:
    """Something that could not be built, and why."""

    what: str  # "overview fr pdf", "overview ar", "overview"
    error: BriefkitError


@dataclass(frozen=True)
class Report:
    """What a build did."""

    artifacts: tuple[Artifact, ...] = ()  # rendered by this build
    failures: tuple[Failure, ...] = ()
    editions: tuple[Edition, ...] = field(default=(), repr=False)
    current: tuple[Artifact, ...] = ()  # asked for, already up to date, not rendered again
    removed: tuple[Path, ...] = ()  # artifacts of briefs or locales the project no longer has
    manifest: Manifest | None = field(default=None, repr=False)
    decisions: tuple[Decision, ...] = ()  # editions behind their policy: carried forward or held
    preview: bool = False  # written to previews/

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def complete(self) -> bool:
        """Return True when everything released is current: nothing held back or out of date."""
        lagging = self.manifest is not None and (
            self.manifest.held_back or self.manifest.out_of_date
        )
        return self.ok and not self.decisions and not lagging


@dataclass(frozen=True)
class Waiting:
    """Progress: another build holds dist/; this one waits for it."""

    holder: str


@dataclass(frozen=True)
class Progress:
    """Progress: artifacts rendered, failed and in all, and the one that just finished."""

    total: int
    done: int
    failed: int
    latest: Artifact | Failure | None = None


Event = Waiting | Progress


def build(
    project: Project, request: Request, on_event: Callable[[Event], None] = lambda event: None
) -> Report:
    """Build every requested artifact that is not up to date, then publish dist/; collect failures.

    An edition below its policy is not a failure: its locale's policy carries its last files
    forward, marked out of date, or holds it back (Report.decisions). A preview writes previews/."""
    if request.preview:
        project = project.for_preview(request.allow_fuzzy)
    failures: list[Failure] = []
    behind: list[Behind] = []
    briefs = load_briefs(project, request.briefs, failures)
    segments = {brief.slug: source_segments(project, brief, failures) for brief in briefs}
    sharding = shard_share(project, request)
    editions = localise_all(
        project,
        [b for b in briefs if segments[b.slug] is not None],
        segments,
        request,
        sharding[1] if sharding else None,
        failures,
        behind,
    )
    with locked(project.dist_dir, lambda holder: on_event(Waiting(holder))):
        state, removed = tidy_dist(project, load_state(project.dist_dir))
        inputs = render_inputs(project.templates_dir)
        plan = plan_build(project, editions, request.formats, state, inputs, request.force)
        state, built = render(project, plan, state, request, on_event, failures)
        behind += _failed_renders(plan, failures)
        state, decisions = settle_behind(project, state, behind)
        save_state(project.dist_dir, state)
        manifest, errors = publish.publish(
            project, state, site_strings(project), sharding, held_back(decisions)
        )
    failures += [Failure("download page", error) for error in errors]
    current = tuple(_artifact(project, record) for record in plan.current)
    return Report(
        tuple(built),
        tuple(failures),
        tuple(editions),
        current,
        removed,
        manifest,
        decisions,
        project.is_preview,
    )


def _failed_renders(plan: Plan, failures: list[Failure]) -> list[Behind]:
    """Return the artifacts that failed to render: a file of theirs from an earlier build is
    not current (the files of the same edition that did render are)."""
    failed = {failure.what: failure for failure in failures}
    return [
        Behind(
            job.edition.brief.slug,
            job.edition.brief.locale.code,
            str(failed[job.what].error),
            (job.format,),
        )
        for job in plan.jobs
        if job.what in failed
    ]


def merge_shards(
    project: Project, on_event: Callable[[Event], None] = lambda event: None
) -> tuple[Manifest, list[Failure]]:
    """Join the shard manifests gathered in dist/ into the release's manifest, sums and page."""
    with locked(project.dist_dir, lambda holder: on_event(Waiting(holder))):
        manifest, errors = publish.merge(project, site_strings(project))
    return manifest, [Failure("download page", error) for error in errors]


def shard_share(
    project: Project, request: Request
) -> tuple[Shard, frozenset[tuple[str, str]]] | None:
    """Return the shard and the (brief, locale) editions it makes; None when not sharded."""
    if request.shard is None:
        return None
    names = request.briefs or tuple(path.stem for path in project.brief_paths())
    return request.shard, request.shard.share(names, request.locales or project.released_locales)


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
    share: frozenset[tuple[str, str]] | None,
    failures: list[Failure],
    behind: list[Behind] | None = None,
) -> list[Edition]:
    """Return every requested brief in every requested locale (of this shard's share, if any);
    an edition below its policy, or failing, is recorded in behind."""
    editions = []
    lagging = behind if behind is not None else []
    for code in request.locales or project.publishable_locales:
        mine = [b for b in briefs if share is None or (b.slug, code) in share]
        if not mine:
            continue
        try:
            ui, ui_coverage = template_strings(project, code)
        except BriefkitError as exc:
            failures.append(Failure(f"templates {code}", exc))
            lagging += [Behind(b.slug, code, str(exc)) for b in mine]
            continue
        ui_stats = _stats(project, code, TEMPLATES_DOMAIN)
        for brief in mine:
            try:
                localised = localise(
                    project,
                    brief,
                    segments[brief.slug] or [],
                    code,
                    request.allow_partial,
                    ui_coverage,
                )
                editions.append(
                    Edition(
                        localised,
                        ui,
                        ui_coverage,
                        completeness(_stats(project, code, brief.slug)),
                        completeness(ui_stats),
                    )
                )
            except PolicyError as exc:
                lagging.append(Behind(brief.slug, code, str(exc)))
            except BriefkitError as exc:
                failures.append(Failure(f"{brief.slug} {code}", exc))
                lagging.append(Behind(brief.slug, code, str(exc)))
    return editions


def _stats(project: Project, code: str, domain: str) -> Stats:
    """Return a catalog's statistics (the source locale's text is all its own)."""
    if code == project.source_locale:
        entries = catalog_stats(project, code, domain).entries
        return Stats(code, domain, entries=entries, translated=entries)
    return catalog_stats(project, code, domain)


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
    localised = localise_brief(brief, segments, project.locale(code), lookup, reviewed)
    _check_glyphs(project, lookup, code)
    if not allow_partial:
        enforce_policy(project, code, path, localised.coverage, ui_coverage or Coverage())
    return localised


def template_strings(project: Project, code: str) -> tuple[dict[str, str], Coverage]:
    """Return the template strings the PDF and DOCX print, in one locale (the source text where
    untranslated), and their coverage: a label only the download page shows holds back no PDF."""
    path = po_path(project.translations_dir, code, TEMPLATES_DOMAIN)
    catalog = None if code == project.source_locale else _catalog_or_none(path, code)
    _check_quality(project, code, catalog, path, [])
    ui, lookup = translate_templates(project, code, _printed_in_artifacts(project))
    return ui, lookup.coverage()


def translate_templates(
    project: Project, code: str, wanted: Callable[[Message], bool] = lambda message: True
) -> tuple[dict[str, str], Lookup]:
    """Return the wanted template strings in one locale, and the lookup that knows which of them
    were translated."""
    template = read_catalog(pot_path(project.translations_dir, TEMPLATES_DOMAIN))
    path = po_path(project.translations_dir, code, TEMPLATES_DOMAIN)
    catalog = None if code == project.source_locale else _catalog_or_none(path, code)
    lookup = Lookup(catalog, path, project.policy(code))
    ui = {
        message.id: lookup(
            Segment(message.id, "template", message.lineno or 0, str(path), msgctxt=message.context)
        )
        for message in template
        if message.id and isinstance(message.id, str) and wanted(message)
    }
    _check_glyphs(project, lookup, code)
    return ui, lookup


def site_strings(project: Project) -> Strings:
    """Return, per locale, the template strings and the msgids among them still in English."""

    def strings(code: str) -> tuple[dict[str, str], set[str]]:
        ui, lookup = translate_templates(project, code)
        return ui, {p.segment.msgid for p in lookup.printed if not p.translated}

    return strings


def _printed_in_artifacts(project: Project) -> Callable[[Message], bool]:
    """Return a test: is this template string used by a template other than the download page's?"""
    site = (project.templates_dir / SITE_TEMPLATES).relative_to(project.root).as_posix() + "/"
    return lambda message: (
        not message.locations
        or any(not filename.startswith(site) for filename, _ in message.locations)
    )


def tidy_dist(project: Project, state: State) -> tuple[State, tuple[Path, ...]]:
    """Delete what an interrupted build left half-written, and the artifacts of briefs or
    locales the project no longer has; return the state without them."""
    remove_partial_files(project.dist_dir)
    stale = stale_paths(project, state)
    if not stale:
        return state, ()
    state = forget(project.dist_dir, state, set(stale))
    save_state(project.dist_dir, state)
    return state, tuple(project.dist_dir / path for path in stale)


def render(
    project: Project,
    plan: Plan,
    state: State,
    request: Request,
    on_event: Callable[[Event], None],
    failures: list[Failure],
) -> tuple[State, list[Artifact]]:
    """Render the plan's jobs in worker processes, recording each artifact in the state as it
    lands; return the state of dist/ (current artifacts included) and what was rendered."""
    for record in plan.current:
        state = state.with_record(record)
    jobs = list(plan.jobs)
    built: list[Artifact] = []
    failed: list[Failure] = []
    seconds = {path: record.seconds for path, record in state.records.items()}

    def landed(job: Job, outcome: Rendered | BriefkitError) -> None:
        nonlocal state
        latest: Artifact | Failure
        if isinstance(outcome, BriefkitError):
            latest = Failure(job.what, outcome)
            failed.append(latest)
        else:
            record = _record(job, outcome)
            state = state.with_record(record)
            save_state(project.dist_dir, state)  # a build killed now still knows this file
            latest = _artifact(project, record)
            built.append(latest)
        on_event(Progress(len(jobs), len(built), len(failed), latest))

    if jobs:
        on_event(Progress(len(jobs), 0, 0))
        run_jobs(
            jobs,
            landed,
            workers=request.jobs or cores(),
            timeout=request.timeout,
            seconds=seconds,
        )
    save_state(project.dist_dir, state)
    failures += failed
    return state, built


def cores() -> int:
    """Return the number of cores this process may run on (a container may allow fewer)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _record(job: Job, rendered: Rendered) -> Record:
    return Record(
        job.key,
        rendered.seconds,
        edition_entry(job.edition, job.format, job.path, rendered),
        build_time().date().isoformat(),
    )


def _artifact(project: Project, record: Record) -> Artifact:
    entry = record.entry
    return Artifact(
        entry.brief,
        entry.locale,
        entry.format,
        project.dist_dir / entry.path,
        entry.bytes,
        record.seconds,
    )


def output_path(project: Project, slug: str, locale: str, fmt: str) -> Path:
    """Return where an artifact goes: dist/<slug>/<slug>_<locale>.<format>."""
    return project.dist_dir / artifact_path(slug, locale, fmt)


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
    from briefkit.qa.checks import edition_problems

    problems = edition_problems(project, code, catalog, path, segments)
    raise_all(p.error(project.root) for p in problems if p.severity == "error")


def _relative(project: Project, path: Path) -> str:
    return path.resolve().relative_to(project.root).as_posix()
