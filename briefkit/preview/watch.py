"""Noticing saved files: a poll of the project's inputs, cheap enough to run ten times a second.

Polling, not inotify: it works the same on every system and over network file systems, and an
editor that saves by writing a new file and renaming it over the old is seen like any other.
"""

from __future__ import annotations

import os
from pathlib import Path

WATCHED = ("briefs", "translations", "templates")  # folders under the project root
WATCHED_FILES = ("pyproject.toml",)

Snapshot = dict[str, tuple[int, int]]  # relative path -> (mtime in ns, size)


def snapshot(root: Path) -> Snapshot:
    """Return the modification time and size of every watched file, by relative path."""
    found: Snapshot = {}
    for folder in WATCHED:
        _scan(root, root / folder, found)
    for name in WATCHED_FILES:
        _stat(root, root / name, found)
    return found


def changes(before: Snapshot, after: Snapshot) -> set[str]:
    """Return the relative paths added, removed or changed between two snapshots."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def _scan(root: Path, folder: Path, found: Snapshot) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue  # editors' swap and backup files
        if entry.is_dir(follow_symlinks=False):
            _scan(root, Path(entry.path), found)
        elif entry.is_file(follow_symlinks=False):
            _stat(root, Path(entry.path), found)


def _stat(root: Path, path: Path, found: Snapshot) -> None:
    try:
        info = path.stat()
    except OSError:
        return
    found[path.relative_to(root).as_posix()] = (info.st_mtime_ns, info.st_size)
