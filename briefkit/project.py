"""The project: where things live, which locales it targets, and each locale's release policy."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefkit.errors import ConfigError
from briefkit.locales import LocaleInfo, locale_info
from briefkit.safefs import refuse_links_below

CONFIG_TABLE = "tool.briefkit"
REVIEW_STATES = ("draft", "reviewed")


@dataclass(frozen=True)
class Policy:
    """What a locale needs before it may be published."""

    min_completeness: float = 100.0  # percent of entries translated (not fuzzy, unless allowed)
    allow_fuzzy: bool = False
    review: str = "draft"  # "reviewed" once a professional reviewer has signed off

    @property
    def reviewed(self) -> bool:
        """Return True when the translation is an official, reviewed edition."""
        return self.review == "reviewed"


@dataclass(frozen=True)
class Project:
    """A checkout of a brief series: folders, locales and policies."""

    root: Path
    source_locale: str
    locales: tuple[str, ...]
    policies: dict[str, Policy] = field(default_factory=dict)

    @property
    def briefs_dir(self) -> Path:
        return self.root / "briefs"

    @property
    def translations_dir(self) -> Path:
        return self.root / "translations"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist"

    @property
    def target_locales(self) -> tuple[str, ...]:
        """Return the locales that are translated (all but the source)."""
        return tuple(code for code in self.locales if code != self.source_locale)

    def locale(self, code: str) -> LocaleInfo:
        """Return the LocaleInfo of a configured locale."""
        return locale_info(code)

    def policy(self, code: str) -> Policy:
        """Return the release policy of a locale (the source locale is always reviewed)."""
        if code == self.source_locale:
            return Policy(min_completeness=0.0, allow_fuzzy=False, review="reviewed")
        return self.policies.get(code, Policy())

    def refuse_links(self) -> None:
        """Raise at the first symbolic link or special file under briefs/, translations/,
        templates/ or dist/ (safefs.py)."""
        for folder in (self.briefs_dir, self.translations_dir, self.templates_dir, self.dist_dir):
            refuse_links_below(folder)

    def brief_paths(self) -> list[Path]:
        """Return the brief sources, sorted by name."""
        return sorted(self.briefs_dir.glob("*.md"))


def load_project(root: Path) -> Project:
    """Read pyproject.toml under root and return the Project it describes."""
    pyproject = root / "pyproject.toml"
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            "no pyproject.toml", path=pyproject, fix="run from the project root"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=pyproject, fix="fix the syntax") from None
    table = data.get("tool", {}).get("briefkit", {})
    source = table.get("source_locale", "en")
    locales = tuple(table.get("locales", [source]))
    for code in locales:
        _check_locale(code, pyproject)
    if source not in locales:
        locales = (source, *locales)
    policies = {
        code: _policy(code, raw, pyproject) for code, raw in table.get("policy", {}).items()
    }
    return Project(root=root.resolve(), source_locale=source, locales=locales, policies=policies)


def _check_locale(code: Any, pyproject: Path) -> None:
    if not isinstance(code, str):
        raise ConfigError(f"locale {code!r} is not a string", path=pyproject, fix="quote it")
    try:
        locale_info(code)
    except ConfigError as exc:
        raise ConfigError(exc.message, path=pyproject, fix=exc.fix) from None


def _policy(code: str, raw: dict[str, Any], pyproject: Path) -> Policy:
    where = f"[{CONFIG_TABLE}.policy.{code}]"
    unknown = set(raw) - {"min_completeness", "allow_fuzzy", "review"}
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {sorted(unknown)[0]!r}",
            path=pyproject,
            fix="use min_completeness, allow_fuzzy or review",
        )
    review = raw.get("review", "draft")
    if review not in REVIEW_STATES:
        raise ConfigError(
            f"{where}: review must be one of {', '.join(REVIEW_STATES)}, not {review!r}",
            path=pyproject,
            fix='set review = "draft" until a reviewer signs off',
        )
    completeness = raw.get("min_completeness", 100)
    if not isinstance(completeness, int | float) or not 0 <= completeness <= 100:
        raise ConfigError(
            f"{where}: min_completeness must be a number from 0 to 100",
            path=pyproject,
            fix="for example min_completeness = 100",
        )
    return Policy(float(completeness), bool(raw.get("allow_fuzzy", False)), review)
