"""One exception family for everything a user can get wrong; each carries file, line and fix."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class BriefkitError(Exception):
    """A problem in the project's input, reported as `file:line: what (fix)`."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        fix: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.fix = fix

    def __str__(self) -> str:
        where = display_path(self.path) if self.path is not None else None
        return located(where, self.line, self.message, self.fix)


class BriefError(BriefkitError):
    """A brief, its front matter or its data file is wrong."""


class CatalogError(BriefkitError):
    """A gettext catalog is malformed or a translation breaks a rule."""


class ConfigError(BriefkitError):
    """The project configuration (pyproject.toml) is wrong."""


class RenderError(BriefkitError):
    """A renderer failed, warned, or tried to load something it must not."""


class PolicyError(BriefkitError):
    """A locale does not meet its release policy."""


class ErrorList(BriefkitError):
    """Several independent problems found in one pass, reported together.

    It is a BriefkitError, so that a stage which records one failure per edition records these
    too (a frozen dataclass could not be raised: Python sets attributes on what it raises)."""

    def __init__(self, errors: tuple[BriefkitError, ...]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


@dataclass(frozen=True)
class Failure:
    """Something a stage could not make, and why: stages return these, the CLI reports them."""

    what: str  # "overview fr pdf", "overview ar", "overview", "templates fr"
    error: BriefkitError


def raise_all(errors: Iterable[BriefkitError]) -> None:
    """Raise nothing, the one error, or an ErrorList of all of them."""
    found = tuple(errors)
    if len(found) == 1:
        raise found[0]
    if found:
        raise ErrorList(found)


def located(where: str | None, line: int | None, what: str, fix: str = "") -> str:
    """Return the one form every message takes: `file:line: what (fix)`, each part optional."""
    place = f"{where}:{line}: " if where and line else f"{where}: " if where else ""
    return f"{place}{what} ({fix})" if fix else f"{place}{what}"


def display_path(path: Path) -> str:
    """Return the path relative to the working directory when it lies below it."""
    # The folders resolved, not the file itself: a refused symbolic link is named, not its target.
    try:
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
