"""Planning a build: which artifacts are already up to date in dist/, which to render, which
share of the whole a shard builds, and what becomes of an edition that falls behind its policy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from briefkit.errors import ConfigError
from briefkit.release.jobs import Job
from briefkit.release.keys import Inputs, artifact_key
from briefkit.release.manifest import OUT_OF_DATE, HeldBack, edition_entry, file_sha256
from briefkit.release.state import Record, State, forget, is_current

if TYPE_CHECKING:
    from briefkit.l10n.editions import Edition
    from briefkit.project import Project


@dataclass(frozen=True)
class Shard:
    """Share K of N of a build, for a CI matrix."""

    index: int  # 1 to count
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def share(self, briefs: Iterable[str], locales: Iterable[str]) -> frozenset[tuple[str, str]]:
        """Return the (brief, locale) editions this shard builds, both formats of each.

        Every Nth edition in order of locale, then brief: what a render costs depends mostly on
        its language (Chinese fonts are large), so each shard gets a like share of each language.
        """
        editions = sorted((locale, brief) for locale in set(locales) for brief in set(briefs))
        return frozenset(
            (brief, locale)
            for position, (locale, brief) in enumerate(editions)
            if position % self.count == self.index - 1
        )


def parse_shard(text: str) -> Shard:
    """Return the Shard written K/N, or raise with the fix."""
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise ConfigError(f"{text!r} is not K/N", fix="shard K of N, 1 ≤ K ≤ N: e.g. 1/3")
    return Shard(int(index), int(count))


@dataclass(frozen=True)
class Plan:
    """What a build will do in dist/."""

    jobs: tuple[Job, ...]  # to render
    current: tuple[Record, ...]  # up to date: kept, their entries refreshed from the edition


def plan_build(
    project: Project,
    editions: list[Edition],
    formats: tuple[str, ...],
    state: State,
    inputs: Inputs,
    force: bool,
) -> Plan:
    """Return the plan: every requested artifact is either current (same key, same file) or a job."""
    jobs: list[Job] = []
    current: list[Record] = []
    for edition in editions:
        for fmt in formats:
            path = artifact_path(edition.brief.slug, edition.brief.locale.code, fmt)
            key = artifact_key(edition, fmt, path, project.source_locale, inputs)
            record = state.records.get(path)
            if not force and record is not None and is_current(project.dist_dir, record, key):
                current.append(_refreshed(record, edition, fmt))
            else:
                jobs.append(Job(project, edition, fmt, path, key))
    return Plan(tuple(jobs), tuple(current))


def artifact_path(slug: str, locale: str, fmt: str) -> str:
    """Return where an artifact goes, relative to dist/: <slug>/<slug>_<locale>.<format>."""
    return f"{slug}/{slug}_{locale}.{fmt}"


def stale_paths(project: Project, state: State) -> tuple[str, ...]:
    """Return the recorded artifacts whose brief or locale the project no longer has (or, in
    dist/, no longer releases: a locale put back in progress)."""
    briefs = {path.stem for path in project.brief_paths()}
    locales = project.publishable_locales
    return tuple(
        path
        for path, record in sorted(state.records.items())
        if record.entry.brief not in briefs or record.entry.locale not in locales
    )


@dataclass(frozen=True)
class Behind:
    """An edition this build could not make current, and why (its policy, or an error)."""

    brief: str
    locale: str
    reason: str
    formats: tuple[str, ...] = ()  # only these formats failed (a renderer); empty: the edition


@dataclass(frozen=True)
class Decision:
    """What a release did with an edition that fell behind: carried forward or held back."""

    brief: str
    locale: str
    action: str  # "carried forward" or "held back"
    reason: str
    matches_source: str | None = None  # carried forward: the date of the English it matches


CARRIED = "carried forward"
HELD = "held back"


def settle_behind(
    project: Project, state: State, behind: Iterable[Behind]
) -> tuple[State, tuple[Decision, ...]]:
    """Apply each lagging edition's policy to its files in dist/: carry them forward, marked out
    of date with the date of the English they match, or take them out (held back). An edition
    with nothing released before is held back whatever its policy."""
    decisions: list[Decision] = []
    for lag in behind:
        paths = {
            path
            for path, record in state.records.items()
            if (record.entry.brief, record.entry.locale) == (lag.brief, lag.locale)
            and (not lag.formats or record.entry.format in lag.formats)
        }
        if lag.formats and not paths:
            continue  # a renderer failed on a first build: nothing to carry or to hold
        intact = {path for path in paths if _intact(project, state.records[path])}
        if intact and project.policy(lag.locale).when_behind == "carry-forward":
            state = forget(project.dist_dir, state, paths - intact)  # gone or changed: not ours
            paths = intact
            dates = set()
            for path in sorted(paths):
                record = state.records[path]
                entry = record.entry
                if entry.status != OUT_OF_DATE:  # once behind, it matches the English it matched
                    entry = replace(
                        entry,
                        status=OUT_OF_DATE,
                        matches_source=record.source_date or None,
                    )
                entry = replace(entry, behind=lag.reason)
                dates.add(entry.matches_source or "")
                state = state.with_record(replace(record, entry=entry))
            decisions.append(
                Decision(lag.brief, lag.locale, CARRIED, lag.reason, min(dates) or None)
            )
            continue
        state = forget(project.dist_dir, state, paths)
        decisions.append(Decision(lag.brief, lag.locale, HELD, lag.reason))
    return state, tuple(decisions)


def _intact(project: Project, record: Record) -> bool:
    """Return True when a recorded file (and its cover) is still in dist/ as it was written."""
    entry = record.entry
    if entry.cover is not None and not (project.dist_dir / entry.cover).is_file():
        return False
    return file_sha256(project.dist_dir / entry.path) == entry.sha256


def held_back(decisions: Iterable[Decision]) -> tuple[HeldBack, ...]:
    """Return the held-back editions as the manifest lists them."""
    return tuple(HeldBack(d.brief, d.locale, d.reason) for d in decisions if d.action == HELD)


def _refreshed(record: Record, edition: Edition, fmt: str) -> Record:
    """Return the record with its entry rebuilt from the edition (coverage of the page's labels
    may change without the file changing)."""
    return replace(record, entry=edition_entry(edition, fmt, record.entry.path, record.entry))
