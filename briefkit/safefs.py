"""The project's folders hold only real files and folders: no symbolic link, device or fifo.

A catalog that links to /proc/self/environ would be printed into CI logs, one that links to
/dev/zero read without end, a linked LC_MESSAGES or dist/ would let `update` or a build write
and delete elsewhere. Every read (sources/textfile.py) and every write (writing.py) therefore
walks the path from the project's root (the folder holding pyproject.toml) down, refusing a
link anywhere, and reads a file only after fstat says it is regular and small enough.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from briefkit.errors import BriefkitError

LINK_FIX = "replace the link with the real file or folder: briefkit follows no links in a project"


class UnsafePath(BriefkitError):
    """A path in the project is a symbolic link or a special file."""


def refuse_links(path: Path, error: type[BriefkitError] = UnsafePath) -> None:
    """Raise unless path and every folder above it, up to the project's root, is a real
    folder or file (what does not exist yet is fine)."""
    for part in _below_root(path):
        try:
            mode = part.lstat().st_mode
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise error(f"cannot read it: {exc.strerror}", path=part) from None
        if stat.S_ISLNK(mode):
            raise error("is a symbolic link", path=part, fix=LINK_FIX)
        if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
            raise error(
                "is not a regular file", path=part, fix="a project holds only files and folders"
            )


def refuse_links_below(folder: Path, error: type[BriefkitError] = UnsafePath) -> None:
    """Raise at the first symbolic link or special file in a folder's tree (the folder itself
    and the folders above it included); a missing folder is fine."""
    refuse_links(folder, error)
    if not folder.is_dir():
        return
    for top, folders, files in os.walk(folder, followlinks=False):
        for name in sorted(folders + files):
            part = Path(top) / name
            mode = part.lstat().st_mode
            if stat.S_ISLNK(mode):
                raise error("is a symbolic link", path=part, fix=LINK_FIX)
            if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                raise error(
                    "is not a regular file",
                    path=part,
                    fix="a project holds only files and folders",
                )


def read_regular(
    path: Path, limit: int, error: type[BriefkitError], too_big_fix: str, what: str = "file"
) -> bytes:
    """Return the bytes of a regular file of at most limit bytes, checked before reading: no
    link on the way, not a device or fifo, and its size from fstat. FileNotFoundError passes."""
    refuse_links(path, error)
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        handle = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise error(f"cannot read it: {exc.strerror}", path=path) from None
    with os.fdopen(handle, "rb") as stream:
        facts = os.fstat(handle)
        if not stat.S_ISREG(facts.st_mode):
            raise error(
                "is not a regular file", path=path, fix="a project holds only files and folders"
            )
        if facts.st_size > limit:
            raise error(
                f"{what} is {facts.st_size:,} bytes, over the {limit:,}-byte limit",
                path=path,
                line=1,
                fix=too_big_fix,
            )
        data = stream.read(limit + 1)  # a file that grows while read is cut, then refused
    if len(data) > limit:
        raise error(f"{what} is over the {limit:,}-byte limit", path=path, line=1, fix=too_big_fix)
    return data


def _below_root(path: Path) -> list[Path]:
    """Return path and its parents below the project's root, top down; only path itself when
    it lies in no project."""
    absolute = Path(os.path.abspath(path))
    chain = [absolute]
    for parent in absolute.parents:
        if (parent / "pyproject.toml").is_file():
            return list(reversed(chain))
        chain.append(parent)
    return [absolute]
