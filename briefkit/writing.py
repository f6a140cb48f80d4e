"""Writing files so that a reader never sees half a file: temporary name, then rename."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from briefkit.safefs import refuse_links


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path through a temporary file in the same folder and an atomic rename;
    refuse (safefs.UnsafePath) a symbolic link or special file on the way or in its place."""
    refuse_links(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=PARTIAL_SUFFIX, dir=path.parent
    )
    try:
        os.fchmod(handle, 0o666 & ~_umask())  # mkstemp's 0600 would hide published files
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def append_durably(path: Path, data: bytes) -> None:
    """Append data to path (created if missing) and wait until it is on disk; refuse
    (safefs.UnsafePath) a symbolic link or special file on the way or in its place."""
    refuse_links(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    with os.fdopen(os.open(path, flags, 0o666 & ~_umask()), "ab") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


PARTIAL_SUFFIX = ".part"  # write_atomic's temporary files: .<name>.<random>.part


def remove_partial_files(folder: Path) -> list[Path]:
    """Delete the temporary files an interrupted write left in a folder's tree; return them.
    Links are not followed and only regular files are deleted."""
    found: list[Path] = []
    if not folder.is_dir() or folder.is_symlink():
        return found
    for top, _, files in os.walk(folder, followlinks=False):
        for name in files:
            path = Path(top) / name
            if name.startswith(".") and name.endswith(PARTIAL_SUFFIX) and _regular(path):
                found.append(path)
    for path in sorted(found):
        path.unlink(missing_ok=True)
    return sorted(found)


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically unless the file already holds these bytes; return True if written."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
