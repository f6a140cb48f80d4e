"""dist/.state.json and its journal: what a build killed half way leaves is read back exactly."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from briefkit.project import Project
from briefkit.release.state import (
    JOURNAL_FILE,
    STATE_FILE,
    Record,
    journal_record,
    load_state,
    save_state,
)
from briefkit.safefs import UnsafePath


@pytest.fixture
def dist(built_sample: Project, tmp_path: Path) -> Path:
    """A copy of the built sample's state, alone in a dist/ folder."""
    folder = tmp_path / "dist"
    folder.mkdir()
    shutil.copy(built_sample.dist_dir / STATE_FILE, folder / STATE_FILE)
    return folder


def _renamed(record: Record, path: str) -> Record:
    return dataclasses.replace(record, entry=dataclasses.replace(record.entry, path=path))


def test_each_landed_artifact_is_a_journal_line_read_back_over_the_state(dist: Path) -> None:
    state = load_state(dist)
    first, second = sorted(state.records.values(), key=lambda r: r.entry.path)[:2]
    new_first = dataclasses.replace(first, key="k1", seconds=1.5)
    new_second = dataclasses.replace(second, key="k2")
    before = (dist / STATE_FILE).read_bytes()
    journal_record(dist, new_first)
    journal_record(dist, new_second)
    assert len((dist / JOURNAL_FILE).read_bytes().splitlines()) == 2
    assert (dist / STATE_FILE).read_bytes() == before  # the state itself is not rewritten
    read = load_state(dist)
    assert read.records == {
        **state.records,
        first.entry.path: new_first,
        second.entry.path: new_second,
    }
    save_state(dist, read)  # the end of a build: one state, no journal
    assert not (dist / JOURNAL_FILE).exists()
    assert load_state(dist) == read


def test_a_journal_line_cut_short_by_a_kill_is_skipped(dist: Path) -> None:
    state = load_state(dist)
    record = next(iter(state.records.values()))
    journal_record(dist, dataclasses.replace(record, key="whole"))
    line = (dist / JOURNAL_FILE).read_bytes()
    with (dist / JOURNAL_FILE).open("ab") as stream:
        stream.write(line.replace(b'"whole"', b'"cut"')[: len(line) // 2])
    assert load_state(dist).records[record.entry.path].key == "whole"


@pytest.mark.parametrize("name", ["../../victim.txt", "/tmp/victim.txt", ".hidden/x.pdf"])
def test_a_journal_naming_a_file_outside_dist_is_not_believed(dist: Path, name: str) -> None:
    state = load_state(dist)
    record = next(iter(state.records.values()))
    journal_record(dist, dataclasses.replace(record, key="believed"))
    journal_record(dist, _renamed(record, name))
    assert load_state(dist) == state  # the whole journal is dropped: its artifacts are redone


def test_the_journal_is_not_written_through_a_link(dist: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"")
    os.symlink(elsewhere, dist / JOURNAL_FILE)
    record = next(iter(load_state(dist).records.values()))
    with pytest.raises(UnsafePath):
        journal_record(dist, record)
    assert elsewhere.read_bytes() == b""


def test_a_first_build_killed_before_any_state_was_written_keeps_its_journal(dist: Path) -> None:
    record = next(iter(load_state(dist).records.values()))
    (dist / STATE_FILE).unlink()
    journal_record(dist, record)
    assert load_state(dist).records == {record.entry.path: record}
