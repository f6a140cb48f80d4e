"""The manifest: its JSON round trip, SHA256SUMS, and the merge of shards refusing what is incomplete."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from briefkit.errors import BriefkitError, ErrorList
from briefkit.release.manifest import (
    Completeness,
    Entry,
    make_manifest,
    manifest_bytes,
    merge_manifests,
    read_manifest,
    shard_file,
    sums_bytes,
)
from briefkit.sources.segments import plain_text

LOCALES = ("en", "fr", "ar")
FULL = Completeness(100.0, 10, 10, 0, 0)


def entry(dist: Path, locale: str, fmt: str = "pdf") -> Entry:
    """An artifact written into dist/ with some bytes, and its entry."""
    path = f"brief/brief_{locale}.{fmt}"
    data = f"{locale} {fmt}".encode()
    (dist / path).parent.mkdir(parents=True, exist_ok=True)
    (dist / path).write_bytes(data)
    return Entry(
        brief="brief",
        locale=locale,
        format=fmt,
        path=path,
        bytes=len(data),
        pages=2 if fmt == "pdf" else None,
        sha256=hashlib.sha256(data).hexdigest(),
        cover=None,
        title=f"Title {locale}",
        subtitle="",
        series="Series",
        number=1,
        date="2023-11-20",
        review="reviewed" if locale == "en" else "draft",
        completeness=FULL,
        templates_completeness=FULL,
    )


def shard(dist: Path, label: str, entries: list[Entry]) -> tuple[Path, object]:
    manifest = make_manifest(LOCALES, "en", entries, label)
    path = dist / shard_file(label)
    path.write_bytes(manifest_bytes(manifest))
    return path, read_manifest(path)


def test_a_manifest_reads_back_as_written(tmp_path: Path) -> None:
    manifest = make_manifest(LOCALES, "en", [entry(tmp_path, "fr"), entry(tmp_path, "en")])
    (tmp_path / "manifest.json").write_bytes(manifest_bytes(manifest))
    assert read_manifest(tmp_path / "manifest.json") == manifest
    assert [e.path for e in manifest.artifacts] == ["brief/brief_en.pdf", "brief/brief_fr.pdf"]
    assert [language.code for language in manifest.languages] == ["en", "fr"]  # those present


def test_sums_list_every_artifact_as_sha256sum_writes_them(tmp_path: Path) -> None:
    first = entry(tmp_path, "en")
    manifest = make_manifest(LOCALES, "en", [first])
    assert sums_bytes(manifest) == f"{first.sha256}  brief/brief_en.pdf\n".encode()


def test_shards_merge_into_one_manifest(tmp_path: Path) -> None:
    one = shard(tmp_path, "1/2", [entry(tmp_path, "en"), entry(tmp_path, "ar")])
    two = shard(tmp_path, "2/2", [entry(tmp_path, "fr")])
    merged = merge_manifests([one, two], tmp_path, LOCALES, "en")  # type: ignore[list-item]
    assert merged.shard is None
    assert [e.locale for e in merged.artifacts] == ["ar", "en", "fr"]
    assert [language.code for language in merged.languages] == ["en", "fr", "ar"]
    assert merged == make_manifest(LOCALES, "en", list(merged.artifacts))


def error_of(tmp_path: Path, shards: list[tuple[Path, object]]) -> str:
    with pytest.raises((BriefkitError, ErrorList)) as caught:
        merge_manifests(shards, tmp_path, LOCALES, "en")  # type: ignore[arg-type]
    return str(caught.value)


def test_merging_nothing_says_what_to_do(tmp_path: Path) -> None:
    assert error_of(tmp_path, []) == (
        f"{tmp_path}: no shard manifests (manifest-*-of-*.json) found "
        "(copy every shard's dist/ into this folder first)"
    )


def test_a_missing_shard_is_named(tmp_path: Path) -> None:
    one = shard(tmp_path, "1/3", [entry(tmp_path, "en")])
    three = shard(tmp_path, "3/3", [entry(tmp_path, "fr")])
    assert error_of(tmp_path, [one, three]) == (
        f"{tmp_path}: shard 2/3 is missing "
        "(copy every shard's dist/ into this folder (expected 3 shard manifests))"
    )


def test_shards_of_different_builds_are_refused(tmp_path: Path) -> None:
    one = shard(tmp_path, "1/2", [entry(tmp_path, "en")])
    other = shard(tmp_path, "1/3", [entry(tmp_path, "fr")])
    assert error_of(tmp_path, [one, other]) == (
        "shard manifests disagree on the number of shards: manifest-1-of-2.json (1/2), "
        "manifest-1-of-3.json (1/3) (merge the shards of one build only)"
    )


def test_a_file_missing_or_changed_after_its_shard_built_it_is_refused(tmp_path: Path) -> None:
    one = shard(tmp_path, "1/2", [entry(tmp_path, "en"), entry(tmp_path, "ar")])
    two = shard(tmp_path, "2/2", [entry(tmp_path, "fr")])
    (tmp_path / "brief/brief_ar.pdf").unlink()
    (tmp_path / "brief/brief_fr.pdf").write_bytes(b"other")
    assert error_of(tmp_path, [one, two]).splitlines() == [
        f"{tmp_path}/brief/brief_ar.pdf: is missing (copy the shard's files along with its manifest)",
        f"{tmp_path}/brief/brief_fr.pdf: does not match its shard's checksum "
        "(copy the shard's files along with its manifest)",
    ]


def test_two_shards_that_built_one_artifact_differently_are_refused(tmp_path: Path) -> None:
    same = entry(tmp_path, "en")
    one = shard(tmp_path, "1/2", [same])
    two = shard(tmp_path, "2/2", [replace(same, title="Another title")])
    assert error_of(tmp_path, [one, two]) == (
        f"{tmp_path}/manifest-2-of-2.json: brief/brief_en.pdf differs from the one another shard "
        "built (build every shard from the same commit)"
    )


def test_a_file_that_is_not_a_manifest_is_named(tmp_path: Path) -> None:
    path = tmp_path / "manifest-1-of-2.json"
    path.write_text('{"artifacts": []}')
    with pytest.raises(BriefkitError) as caught:
        read_manifest(path)
    assert str(caught.value) == (
        f"{path}: not a briefkit manifest (KeyError: 'source_locale') "
        "(use the manifest a `build --shard K/N` wrote)"
    )


def test_titles_are_published_as_plain_text() -> None:
    assert plain_text("Reports *keep* rising, **fast**") == "Reports keep rising, fast"
    assert plain_text("Line one\nline two") == "Line one line two"
