"""The build, as a list of stages: load, localise, plan, render, publish.

Each stage takes data and returns data, with what failed beside what it made; failures of one
edition or one artifact are reported with the others. Nothing here prints: progress goes to a
callback the CLI gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefkit.catalogs.po import build_time
from briefkit.errors import BriefkitError, Failure
from briefkit.l10n.editions import (
    Edition,
    TemplateStrings,
    load_sources,
    localise_editions,
    template_strings,
)
from briefkit.project import Project
from briefkit.release import publish
from briefkit.release.jobs import Job, Rendered, run_jobs
from briefkit.release.keys import render_inputs
from briefkit.release.manifest import Manifest, edition_entry
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
from briefkit.release.pool import TIMEOUT, cores
from briefkit.release.site import Strings
from briefkit.release.state import (
    Record,
    State,
    forget,
    journal_record,
    load_state,
    locked,
    remove_partial_files,
    save_state,
)
from briefkit.render.formats import FORMATS


@dataclass(frozen=True)
class Request:
    """What to build: a selection of briefs, locales and formats, and how strictly."""

    briefs: tuple[str, ...] = ()  # empty: all
    locales: tuple[str, ...] = ()  # empty: all configured
    formats: tuple[str, ...] = tuple(FORMATS)
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
class Artifact:
    """A file in dist/."""

    brief: str
    locale: str
    format: str
    path: Path
    size: int
    seconds: float = 0.0  # time it took to render, when this build rendered it


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
        lagging = self.manifest is not None and bool(
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
    """Build every requested artifact that is not up to date, then publish dist/.

    An edition below its policy is not a failure: its locale's policy carries its last files
    forward, marked out of date, or holds it back (Report.decisions). A preview writes previews/."""
    if request.preview:
        project = project.for_preview(request.allow_fuzzy)
    project.refuse_links()
    sources = load_sources(project, request.briefs)
    sharding = shard_share(project, request)
    localised = localise_editions(
        project,
        sources,
        request.locales,
        allow_partial=request.allow_partial,
        share=sharding[1] if sharding else None,
    )
    with locked(project.dist_dir, lambda holder: on_event(Waiting(holder))):
        state, removed = tidy_dist(project, load_state(project.dist_dir))
        inputs = render_inputs(project.templates_dir)
        plan = plan_build(
            project, list(localised.editions), request.formats, state, inputs, request.force
        )
        state, built, failed = render(project, plan, state, request, on_event)
        behind = [Behind(*lag) for lag in localised.behind] + _failed_renders(plan, failed)
        state, decisions = settle_behind(project, state, behind)
        save_state(project.dist_dir, state)
        strings = site_strings(project, localised.strings)
        manifest, errors = publish.publish(project, state, strings, sharding, held_back(decisions))
    failures = (
        *sources.failures,
        *localised.failures,
        *failed,
        *(Failure("download page", error) for error in errors),
    )
    current = tuple(_artifact(project, record) for record in plan.current)
    return Report(
        tuple(built),
        failures,
        localised.editions,
        current,
        removed,
        manifest,
        decisions,
        project.is_preview,
    )


def _failed_renders(plan: Plan, failed: list[Failure]) -> list[Behind]:
    """Return the artifacts that failed to render: a file of theirs from an earlier build is
    not current (the files of the same edition that did render are)."""
    errors = {failure.what: failure.error for failure in failed}
    return [
        Behind(
            job.edition.brief.slug,
            job.edition.brief.locale.code,
            str(errors[job.what]),
            (job.format,),
        )
        for job in plan.jobs
        if job.what in errors
    ]


def merge_shards(
    project: Project, on_event: Callable[[Event], None] = lambda event: None
) -> tuple[Manifest, list[Failure]]:
    """Join the shard manifests gathered in dist/ into the release's manifest, sums and page."""
    project.refuse_links()
    with locked(project.dist_dir, lambda holder: on_event(Waiting(holder))):
        remove_partial_files(project.dist_dir)
        manifest, errors = publish.merge(project, site_strings(project, {}))
    return manifest, [Failure("download page", error) for error in errors]


def shard_share(
    project: Project, request: Request
) -> tuple[Shard, frozenset[tuple[str, str]]] | None:
    """Return the shard and the (brief, locale) editions it makes; None when not sharded."""
    if request.shard is None:
        return None
    names = request.briefs or tuple(path.stem for path in project.brief_paths())
    return request.shard, request.shard.share(names, request.locales or project.released_locales)


def site_strings(project: Project, known: dict[str, TemplateStrings]) -> Strings:
    """Return, per locale, the template strings and the msgids among them still in English: those
    this build already looked up, and for other locales in dist/ the same lookup and checks."""
    cache = dict(known)

    def strings(code: str) -> tuple[dict[str, str], set[str]]:
        # The page is drawn for every language in dist/, whatever this build was asked for:
        # template_strings runs the same gate on each as on the artifacts' strings.
        if code not in cache:
            cache[code] = template_strings(project, code)
        return cache[code].text, set(cache[code].english)

    return strings


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
) -> tuple[State, list[Artifact], list[Failure]]:
    """Render the plan's jobs in worker processes, recording each artifact in the state as it
    lands; return the state of dist/ (current artifacts included), what was rendered and what
    failed."""
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
            journal_record(project.dist_dir, record)  # a build killed now knows this file
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
    return state, built, failed


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
