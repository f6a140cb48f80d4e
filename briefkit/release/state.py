"""What dist/ holds: each artifact's key and manifest entry (dist/.state.json), and the lock on dist/.

Each artifact that lands is appended to a journal (dist/.state.journal) as one line, on disk
before the next; the state is rewritten, atomically, at the end of the build, and the journal
then removed. A build killed half way so leaves a state and journal that still describe the
files on disk: an artifact is reused only when its key matches and its file still has the
recorded checksum. (Rewriting the whole state after every artifact cost a build of n artifacts
time in n², 86 s of 456 at 1,200 artifacts.)
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from briefkit import writing
from briefkit.errors import BriefkitError
from briefkit.release.manifest import Entry, entry_from_json, file_sha256
from briefkit.writing import append_durably, write_if_changed

STATE_FILE = ".state.json"
JOURNAL_FILE = ".state.journal"  # the records landed since STATE_FILE was written, a line each
LOCK_FILE = ".lock"
STATE_VERSION = 2
PARTIAL_SUFFIX = ".part"  # writing.write_atomic's temporary files


@dataclass(frozen=True)
class Record:
    """One artifact in dist/: the key it was built from, how long it took, and its manifest entry."""

    key: str
    seconds: float
    entry: Entry
    source_date: str = ""  # the day it was rendered: the English it matches is that day's


@dataclass(frozen=True)
class State:
    """Every artifact dist/ holds, by path relative to dist/."""

    records: dict[str, Record] = field(default_factory=dict)

    def with_record(self, record: Record) -> State:
        return State({**self.records, record.entry.path: record})

    def without(self, paths: set[str]) -> State:
        return State({p: r for p, r in self.records.items() if p not in paths})


def load_state(dist: Path) -> State:
    """Return the state recorded in dist/ with its journal, or an empty one (nothing can be
    trusted without it)."""
    path = dist / STATE_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:  # a first build, killed: what landed is in the journal
        return State(_journal(dist))
    except (OSError, ValueError):
        return State()
    if not isinstance(raw, dict) or raw.get("version") != STATE_VERSION:
        return State()
    try:
        records = {name: _record(item) for name, item in raw["artifacts"].items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        return State()
    # The state names the files a build may delete: one naming a file outside dist/ (or a
    # record filed under another name) is not believed, and dist/ is built afresh.
    if not all(_believable(name, record) for name, record in records.items()):
        return State()
    return State({**records, **_journal(dist)})


def _record(item: dict[str, Any]) -> Record:
    return Record(
        item["key"],
        float(item["seconds"]),
        entry_from_json(item["entry"]),
        str(item.get("source_date", "")),
    )


def _believable(name: str, record: Record) -> bool:
    return name == record.entry.path and all(
        inside_dist(p) for p in (record.entry.path, record.entry.cover) if p is not None
    )


def _journal(dist: Path) -> dict[str, Record]:
    """Return the records the journal holds, in order. A line a kill cut short is skipped; a
    line naming a file outside dist/ voids the whole journal (its artifacts are built again)."""
    try:
        lines = (dist / JOURNAL_FILE).read_bytes().splitlines()
    except OSError:
        return {}
    records: dict[str, Record] = {}
    for line in lines:
        try:
            item = json.loads(line)
            name, record = item["path"], _record(item)
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        if not _believable(name, record):
            return {}
        records[name] = record
    return records


def inside_dist(name: object) -> bool:
    """Return True for a plain relative path below dist/: no `..`, no absolute or hidden part."""
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name:
        return False
    parts = PurePosixPath(name).parts
    return not PurePosixPath(name).is_absolute() and all(
        part not in ("", ".", "..") and not part.startswith(".") for part in parts
    )


def save_state(dist: Path, state: State) -> None:
    """Write the state atomically; the journal it now holds is removed."""
    data = {
        "version": STATE_VERSION,
        "artifacts": {name: _as_json(r) for name, r in sorted(state.records.items())},
    }
    path = dist / STATE_FILE
    try:
        write_if_changed(path, json.dumps(data, indent=1, ensure_ascii=False).encode())
        (dist / JOURNAL_FILE).unlink(missing_ok=True)
    except OSError as exc:
        raise _cannot_save(path, exc) from None


def journal_record(dist: Path, record: Record) -> None:
    """Append one artifact that landed to the journal, on disk before this returns."""
    line = {"path": record.entry.path, **_as_json(record)}
    path = dist / JOURNAL_FILE
    try:
        append_durably(path, json.dumps(line, ensure_ascii=False).encode() + b"\n")
    except OSError as exc:
        raise _cannot_save(path, exc) from None


def _as_json(record: Record) -> dict[str, Any]:
    return {
        "key": record.key,
        "seconds": round(record.seconds, 3),
        "source_date": record.source_date,
        "entry": asdict(record.entry),
    }


def _cannot_save(path: Path, exc: OSError) -> BriefkitError:
    return BriefkitError(
        f"cannot save the build's state: {exc.strerror}",
        path=path,
        fix="free space on the disk (or make dist/ writable) and build again; "
        "every file in dist/ is whole, old or new",
    )


def is_current(dist: Path, record: Record | None, key: str) -> bool:
    """Return True when the record has this key and its files are on disk, unchanged."""
    if record is None or record.key != key:
        return False
    entry = record.entry
    if entry.cover is not None and not (dist / entry.cover).is_file():
        return False
    return file_sha256(dist / entry.path) == entry.sha256


@contextmanager
def locked(dist: Path, on_wait: Callable[[str], None]) -> Iterator[None]:
    """Hold dist/.lock for the block; if another build holds it, say so and wait for it."""
    dist.mkdir(parents=True, exist_ok=True)
    path = dist / LOCK_FILE
    with path.open("a+") as stream:
        try:
            fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise BriefkitError(
                    f"cannot lock {path.name}: {exc.strerror}", path=path, fix="check permissions"
                ) from None
            stream.seek(0)
            on_wait(stream.read().strip() or "another build")
            fcntl.flock(stream, fcntl.LOCK_EX)
        stream.seek(0)
        stream.truncate()
        stream.write(f"build process {os.getpid()}")
        stream.flush()
        try:
            yield
        finally:
            stream.seek(0)
            stream.truncate()
            fcntl.flock(stream, fcntl.LOCK_UN)


def forget(dist: Path, state: State, paths: set[str]) -> State:
    """Delete these artifacts (and their covers) from dist/; return the state without them."""
    for path in sorted(paths):
        record = state.records[path]
        for name in (path, record.entry.cover):
            if name is None or not inside_dist(name):
                continue  # the state never names a file outside dist/ to delete
            if not (dist / name).is_dir():  # a folder is not ours to delete
                (dist / name).unlink(missing_ok=True)
    return state.without(paths)


def remove_partial_files(dist: Path) -> list[Path]:
    """Delete temporary files an interrupted build left behind; return them."""
    return writing.remove_partial_files(dist)
