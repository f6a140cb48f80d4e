"""Planning a build: which artifacts are already up to date in dist/, which to render, and which
share of the whole a shard builds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefkit.errors import ConfigError
from briefkit.release.jobs import Job
from briefkit.release.keys import Inputs, artifact_key
from briefkit.release.manifest import edition_entry
from briefkit.release.state import Record, State, is_current

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
    """Return the recorded artifacts whose brief or locale the project no longer has."""
    briefs = {path.stem for path in project.brief_paths()}
    return tuple(
        path
        for path, record in sorted(state.records.items())
        if record.entry.brief not in briefs or record.entry.locale not in project.locales
    )


def _refreshed(record: Record, edition: Edition, fmt: str) -> Record:
    """Return the record with its entry rebuilt from the edition (coverage of the page's labels
    may change without the file changing)."""
    return Record(
        record.key, record.seconds, edition_entry(edition, fmt, record.entry.path, record.entry)
    )
