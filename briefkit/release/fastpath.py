"""The no-op fast path: a build whose every input is unchanged since the last good build.

A release build reads the briefs, catalogs, templates and configuration, the briefkit code, the
installed packages, libraries and fonts, and a few environment variables; the files it writes
all live in dist/. After a build that failed nothing, `record` writes a digest of all those
inputs and the size and time of every file in dist/. The next build with the same request asks
`unchanged` first: when every input digests the same and dist/ holds exactly the same files,
nothing can come out different, and the build is over before Babel, WeasyPrint or any catalog
is loaded. Any difference, however small, takes the full path, which checks each artifact.

Only the standard library is imported here: this module is what a no-op build runs.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import sys
import sysconfig
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RECORD = ".fastpath.json"  # in dist/
SOURCES = ("pyproject.toml", "briefs", "translations", "templates")  # under the project root
PACKAGE = Path(__file__).resolve().parent.parent  # the briefkit code
ENVIRONMENT = ("SOURCE_DATE_EPOCH", "FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT")
LIBRARIES = (
    ("libpango-1.0.so.0", "pango_version_string"),
    ("libharfbuzz.so.0", "hb_version_string"),
)
# Where fontconfig keeps what it knows of the installed fonts: installing or removing a font
# rewrites its caches, and a configuration change touches /etc/fonts.
FONT_STATE = (Path("/var/cache/fontconfig"), Path("/etc/fonts"), Path("/etc/fonts/conf.d"))
IGNORED = frozenset({RECORD, ".lock"})


@dataclass(frozen=True)
class Outcome:
    """What the last good build of a request reported, replayed by a no-op."""

    current: list[dict[str, Any]]  # every artifact the request covers, as `build --json` lists it
    published: int | None  # artifacts dist/ lists


def request_key(**request: Any) -> str:
    """Return a digest of the options that select what a build makes (not how fast)."""
    return _digest(json.dumps(request, sort_keys=True, default=list))


def unchanged(root: Path, request: str) -> Outcome | None:
    """Return the last good build's outcome when nothing it depends on has changed, else None."""
    dist = root / "dist"
    try:
        record = json.loads((dist / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("request") != request:
        return None
    if record.get("dist") != _dist_files(dist) or record.get("inputs") != inputs_digest(root):
        return None
    return Outcome(record["current"], record["published"])


def record(root: Path, request: str, outcome: Outcome) -> None:
    """Remember a good build: its request, inputs, the files of dist/ and what it reported."""
    dist = root / "dist"
    data: dict[str, Any] = {
        "request": request,
        "inputs": inputs_digest(root),
        "current": outcome.current,
        "published": outcome.published,
    }
    data["dist"] = _dist_files(dist)  # last: the record itself is not among them
    temporary = dist / f"{RECORD}.part"
    temporary.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    temporary.replace(dist / RECORD)


def forget(root: Path) -> None:
    """Drop the record: a build that may change dist/ starts with this."""
    (root / "dist" / RECORD).unlink(missing_ok=True)


def inputs_digest(root: Path) -> str:
    """Return a digest of every input a build reads, besides what it writes itself."""
    digest = hashlib.sha256()
    for name in SOURCES:
        _add_tree(digest, root / name, root)
    _add_tree(digest, PACKAGE, PACKAGE.parent, suffix=".py")
    digest.update(json.dumps(_environment(), sort_keys=True).encode())
    return digest.hexdigest()


def _environment() -> dict[str, Any]:
    """Return the interpreter, packages, libraries, fonts and variables a build depends on."""
    site = Path(sysconfig.get_paths()["purelib"])
    return {
        "python": sys.version,
        "packages": sorted(p.name for p in _listing(site) if p.name.endswith(".dist-info")),
        "libraries": [_library_version(library, call) for library, call in LIBRARIES],
        "fonts": [_stamp(path) for folder in FONT_STATE for path in [folder, *_listing(folder)]],
        "variables": {name: os.environ.get(name) for name in ENVIRONMENT},
    }


def _add_tree(digest: Any, top: Path, base: Path, suffix: str = "") -> None:
    for path in _files(top):
        if suffix and path.suffix != suffix:
            continue
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def _files(top: Path) -> Iterator[Path]:
    """Yield the files under top (top itself if a file), in a fixed order, skipping caches."""
    if top.is_file():
        yield top
        return
    for folder, names, files in sorted(os.walk(top)):
        names[:] = sorted(n for n in names if n != "__pycache__")
        for name in sorted(files):
            yield Path(folder, name)


def _dist_files(dist: Path) -> dict[str, list[int]]:
    """Return every file in dist/ with its size and modification time."""
    return {
        path.relative_to(dist).as_posix(): [stat.st_size, stat.st_mtime_ns]
        for path in _files(dist)
        if path.name not in IGNORED and not path.name.endswith(".part")
        for stat in [path.stat()]
    }


def _listing(folder: Path) -> Iterable[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError:
        return ()


def _stamp(path: Path) -> list[Any]:
    try:
        stat = path.stat()
    except OSError:
        return [str(path), None]
    return [str(path), stat.st_size, stat.st_mtime_ns]


def _library_version(library: str, call: str) -> str:
    try:
        function = getattr(ctypes.CDLL(library), call)
    except (OSError, AttributeError):
        return f"{library}: missing"
    function.restype = ctypes.c_char_p
    return f"{library}: {function().decode()}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
