"""What a release publishes in dist/: manifest.json, SHA256SUMS and index.html, written from the
state of dist/ (every artifact it holds, not only those this build rendered), or from the
manifests of a sharded build's shards once they are gathered in one folder.
"""

from __future__ import annotations

from briefkit.errors import BriefkitError
from briefkit.project import Project
from briefkit.release.manifest import (
    MANIFEST_FILE,
    SHARD_GLOB,
    SUMS_FILE,
    HeldBack,
    Manifest,
    make_manifest,
    manifest_bytes,
    merge_manifests,
    read_manifest,
    shard_file,
    sums_bytes,
)
from briefkit.release.plan import Shard
from briefkit.release.site import Strings, render_site, strings_or_english
from briefkit.release.state import State
from briefkit.writing import write_if_changed

SITE_FILE = "index.html"


def publish(
    project: Project,
    state: State,
    strings: Strings,
    shard: tuple[Shard, frozenset[tuple[str, str]]] | None = None,
    held_back: tuple[HeldBack, ...] = (),
) -> tuple[Manifest, list[BriefkitError]]:
    """Write manifest.json, SHA256SUMS and index.html for everything in dist/; or, for a shard
    (with its share of editions), only the share's manifest. Return the manifest and any catalog
    errors met while writing the page."""
    share = shard[1] if shard is not None else None
    entries = [
        record.entry
        for record in state.records.values()
        if share is None or (record.entry.brief, record.entry.locale) in share
    ]
    label = str(shard[0]) if shard is not None else None
    manifest = make_manifest(project.locales, project.source_locale, entries, label, held_back)
    if label is not None:
        write_if_changed(project.dist_dir / shard_file(label), manifest_bytes(manifest))
        return manifest, []
    return manifest, write_release(project, manifest, strings)


def merge(project: Project, strings: Strings) -> tuple[Manifest, list[BriefkitError]]:
    """Combine the shard manifests gathered in dist/ into the release's manifest, sums and page."""
    dist = project.dist_dir
    shards = [(path, read_manifest(path)) for path in sorted(dist.glob(SHARD_GLOB))]
    manifest = merge_manifests(shards, dist, project.locales, project.source_locale)
    return manifest, write_release(project, manifest, strings)


def write_release(project: Project, manifest: Manifest, strings: Strings) -> list[BriefkitError]:
    """Write manifest.json, SHA256SUMS and index.html; return catalog errors met on the way."""
    dist = project.dist_dir
    errors: list[BriefkitError] = []
    page = render_site(manifest, project.templates_dir, strings_or_english(strings, errors), dist)
    write_if_changed(dist / MANIFEST_FILE, manifest_bytes(manifest))
    write_if_changed(dist / SUMS_FILE, sums_bytes(manifest))
    write_if_changed(dist / SITE_FILE, page.encode())
    return errors
