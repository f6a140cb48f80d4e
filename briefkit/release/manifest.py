"""The published description of dist/: manifest.json (every artifact, with its checksum, pages,
translation completeness and review status) and SHA256SUMS; and the merge of shards' manifests.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from briefkit.errors import BriefkitError, raise_all
from briefkit.locales import locale_info
from briefkit.sources.segments import plain_text

if TYPE_CHECKING:
    from briefkit.l10n.editions import Edition
    from briefkit.l10n.localise import Coverage

MANIFEST_FILE = "manifest.json"
SUMS_FILE = "SHA256SUMS"
SHARD_GLOB = "manifest-*-of-*.json"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Completeness:
    """How much of a catalog an edition shows translated."""

    percent: float
    entries: int
    translated: int
    fuzzy: int
    untranslated: int


@dataclass(frozen=True)
class Entry:
    """One artifact as published."""

    brief: str
    locale: str
    format: str
    path: str  # relative to dist/, with forward slashes
    bytes: int
    pages: int | None  # None for DOCX: only a word processor can lay it out into pages
    sha256: str
    cover: str | None  # thumbnail of page 1 (PDF only), relative to dist/
    title: str
    subtitle: str
    series: str
    number: int | None
    date: str
    review: str  # "reviewed", or "draft" for an unofficial translation
    completeness: Completeness  # the brief's own catalog
    templates_completeness: Completeness  # the page furniture (templates domain)


@dataclass(frozen=True)
class Language:
    """A locale as the download page presents it."""

    code: str
    lang: str  # BCP 47 tag
    dir: str  # "ltr" or "rtl"
    name: str  # its own name for itself
    english_name: str


@dataclass(frozen=True)
class Manifest:
    """Every artifact of a release (or of one shard of it)."""

    source_locale: str
    languages: tuple[Language, ...]
    artifacts: tuple[Entry, ...]
    shard: str | None = None  # "K/N" for one shard's share


class Written(Protocol):
    """What is known of a file once written: a worker's report, or an entry already recorded."""

    @property
    def bytes(self) -> int: ...
    @property
    def sha256(self) -> str: ...
    @property
    def pages(self) -> int | None: ...
    @property
    def cover(self) -> str | None: ...


def edition_entry(edition: Edition, fmt: str, path: str, written: Written) -> Entry:
    """Return the manifest entry of one format of an edition, written to path."""
    brief = edition.brief
    return Entry(
        brief=brief.slug,
        locale=brief.locale.code,
        format=fmt,
        path=path,
        bytes=written.bytes,
        pages=written.pages,
        sha256=written.sha256,
        cover=written.cover,
        title=_title_text(brief.title),
        subtitle=_title_text(brief.subtitle),
        series=_title_text(brief.series),
        number=brief.number,
        date=brief.date.isoformat(),
        review="reviewed" if brief.reviewed else "draft",
        completeness=completeness(brief.coverage),
        templates_completeness=completeness(edition.ui_coverage),
    )


def completeness(coverage: Coverage) -> Completeness:
    """Return a coverage as published: percent to one decimal, and the counts behind it."""
    return Completeness(
        percent=round(coverage.percent, 1),
        entries=coverage.total,
        translated=coverage.translated,
        fuzzy=coverage.fuzzy,
        untranslated=coverage.fallback,
    )


def make_manifest(
    locales: tuple[str, ...], source_locale: str, entries: list[Entry], shard: str | None = None
) -> Manifest:
    """Return the manifest of these entries, languages in the project's order, artifacts by path."""
    present = {entry.locale for entry in entries}
    return Manifest(
        source_locale=source_locale,
        languages=tuple(_language(code) for code in locales if code in present),
        artifacts=tuple(sorted(entries, key=lambda e: e.path)),
        shard=shard,
    )


def manifest_bytes(manifest: Manifest) -> bytes:
    """Return manifest.json's content: stable key order, one entry per artifact."""
    data: dict[str, Any] = {"version": MANIFEST_VERSION, **asdict(manifest)}
    if manifest.shard is None:
        del data["shard"]
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def sums_bytes(manifest: Manifest) -> bytes:
    """Return SHA256SUMS's content, checkable with `sha256sum -c SHA256SUMS` inside dist/."""
    return "".join(f"{e.sha256}  {e.path}\n" for e in manifest.artifacts).encode()


def shard_file(shard: str) -> str:
    """Return the name of a shard's manifest: manifest-K-of-N.json."""
    index, count = shard.split("/")
    return f"manifest-{index}-of-{count}.json"


def read_manifest(path: Path) -> Manifest:
    """Return a manifest read from a file, or raise naming what is wrong with it."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return Manifest(
            source_locale=raw["source_locale"],
            languages=tuple(Language(**item) for item in raw["languages"]),
            artifacts=tuple(entry_from_json(item) for item in raw["artifacts"]),
            shard=raw.get("shard"),
        )
    except OSError as exc:
        raise BriefkitError(f"cannot read: {exc.strerror}", path=path) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise BriefkitError(
            f"not a briefkit manifest ({type(exc).__name__}: {exc})",
            path=path,
            fix="use the manifest a `build --shard K/N` wrote",
        ) from None


def entry_from_json(item: dict[str, Any]) -> Entry:
    """Return an Entry from its JSON form."""
    names = {f.name for f in fields(Entry)}
    if set(item) != names:
        raise KeyError(", ".join(sorted(set(item) ^ names)))
    return Entry(
        **{
            **item,
            "completeness": Completeness(**item["completeness"]),
            "templates_completeness": Completeness(**item["templates_completeness"]),
        }
    )


def merge_manifests(
    shards: list[tuple[Path, Manifest]], dist: Path, locales: tuple[str, ...], source_locale: str
) -> Manifest:
    """Return the one manifest of all shards, after checking they are complete and on disk."""
    if not shards:
        raise BriefkitError(
            f"no shard manifests ({SHARD_GLOB}) found",
            path=dist,
            fix="copy every shard's dist/ into this folder first",
        )
    _check_shard_set(shards)
    entries: dict[str, Entry] = {}
    errors: list[BriefkitError] = []
    for path, manifest in shards:
        for entry in manifest.artifacts:
            if entry.path in entries and entries[entry.path] != entry:
                errors.append(
                    BriefkitError(
                        f"{entry.path} differs from the one another shard built",
                        path=path,
                        fix="build every shard from the same commit",
                    )
                )
            entries[entry.path] = entry
    errors += _missing_files(dist, list(entries.values()))
    raise_all(errors)
    return make_manifest(locales, source_locale, list(entries.values()))


def _check_shard_set(shards: list[tuple[Path, Manifest]]) -> None:
    labels = [(path, manifest.shard or "") for path, manifest in shards]
    counts = {label.partition("/")[2] for _, label in labels}
    if len(counts) != 1 or "" in counts:
        raise BriefkitError(
            "shard manifests disagree on the number of shards: "
            + ", ".join(f"{p.name} ({label or 'no shard'})" for p, label in labels),
            fix="merge the shards of one build only",
        )
    count = int(counts.pop())
    found = {int(label.partition("/")[0]) for _, label in labels}
    missing = sorted(set(range(1, count + 1)) - found)
    if missing:
        raise BriefkitError(
            f"shard {', '.join(f'{k}/{count}' for k in missing)} is missing",
            path=labels[0][0].parent,
            fix=f"copy every shard's dist/ into this folder (expected {count} shard manifests)",
        )


def _missing_files(dist: Path, entries: list[Entry]) -> list[BriefkitError]:
    errors: list[BriefkitError] = []
    for entry in sorted(entries, key=lambda e: e.path):
        found = file_sha256(dist / entry.path)
        if found != entry.sha256:
            what = "is missing" if found is None else "does not match its shard's checksum"
            errors.append(
                BriefkitError(
                    what,
                    path=dist / entry.path,
                    fix="copy the shard's files along with its manifest",
                )
            )
        if entry.cover is not None and not (dist / entry.cover).is_file():
            errors.append(
                BriefkitError(
                    "is missing", path=dist / entry.cover, fix="copy the shard's covers too"
                )
            )
    return errors


def _language(code: str) -> Language:
    info = locale_info(code)
    return Language(info.code, info.bcp47, info.direction, info.native_name, info.english_name)


def file_sha256(path: Path) -> str | None:
    """Return the hex SHA-256 of a file, or None if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _title_text(markdown: str) -> str:
    """Return a title as a reader sees it (the Markdown itself when nothing is left)."""
    return plain_text(markdown).strip() or markdown
