"""The project: where things live, which locales it targets, and each locale's release policy."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from briefkit.errors import ConfigError, raise_all
from briefkit.locales import LocaleInfo, locale_info
from briefkit.safefs import refuse_links_below

CONFIG_TABLE = "tool.briefkit"
STATUSES = ("released", "in-progress")
BEHIND = ("carry-forward", "hold-back")
MEMORY = ("fuzzy", "translated")
PREVIEWS = "previews"  # a preview's folder: beside dist/, never in it


@dataclass(frozen=True)
class Policy:
    """What a locale needs before it may be published, and what happens when it falls behind.

    Whether an edition is reviewed is not configured: a reviewer's sign-off is recorded against
    the strings it prints (briefkit.catalogs.reviews), so any change returns it to draft."""

    min_completeness: float = 100.0  # percent of entries translated (not fuzzy, unless allowed)
    allow_fuzzy: bool = False
    status: str = "released"  # or "in-progress": catalogs updated, previews built, nothing released
    when_behind: str = "carry-forward"  # or "hold-back": an edition below the policy
    memory: str = "fuzzy"  # how `update` marks a translation found in the translation memory
    reviewed: bool = False  # only the source locale: it is its own authority

    @property
    def in_progress(self) -> bool:
        """Return True for a language being translated, not yet released."""
        return self.status == "in-progress"


@dataclass(frozen=True)
class Project:
    """A checkout of a brief series: folders, locales and policies."""

    root: Path
    source_locale: str
    locales: tuple[str, ...]  # every locale, released or in progress, the source first
    policies: dict[str, Policy] = field(default_factory=dict)
    output: str = "dist"  # the folder builds write: dist/ for a release, previews/ for a preview

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
        """Return the folder this build writes: dist/ (the release) or previews/."""
        return self.root / self.output

    @property
    def is_preview(self) -> bool:
        return self.output == PREVIEWS

    @property
    def target_locales(self) -> tuple[str, ...]:
        """Return the locales that are translated (all but the source), in progress or not."""
        return tuple(code for code in self.locales if code != self.source_locale)

    @property
    def released_locales(self) -> tuple[str, ...]:
        """Return the locales a release publishes: all but those in progress."""
        return tuple(code for code in self.locales if not self.policy(code).in_progress)

    @property
    def publishable_locales(self) -> tuple[str, ...]:
        """Return the locales this project's output may hold: previews hold every locale."""
        return self.locales if self.is_preview else self.released_locales

    def for_preview(self, allow_fuzzy: bool = False) -> Project:
        """Return the project as a preview build sees it: writing to previews/, and printing
        fuzzy entries too when asked."""
        policies = {
            code: replace(
                self.policy(code), allow_fuzzy=self.policy(code).allow_fuzzy or allow_fuzzy
            )
            for code in self.target_locales
        }
        return replace(self, output=PREVIEWS, policies=policies)

    def locale(self, code: str) -> LocaleInfo:
        """Return the LocaleInfo of a configured locale."""
        return locale_info(code)

    def policy(self, code: str) -> Policy:
        """Return the release policy of a locale (the source locale is always reviewed)."""
        if code == self.source_locale:
            return Policy(min_completeness=0.0, reviewed=True)
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
    """Read pyproject.toml under root and return the Project it describes, after checking
    [tool.briefkit] against its schema: every error at once, each with its line."""
    pyproject = root / "pyproject.toml"
    try:
        text = pyproject.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise ConfigError(
            "no pyproject.toml", path=pyproject, fix="run from the project root"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=pyproject, fix="fix the syntax") from None
    table = data.get("tool", {}).get("briefkit", {})
    lines = _key_lines(text)
    errors = validate(table, lambda *keys: lines.get(keys), pyproject)
    raise_all(errors)
    source = table.get("source_locale", "en")
    locales = tuple(table.get("locales", [source]))
    if source not in locales:
        locales = (source, *locales)
    policies = {code: _policy(raw) for code, raw in table.get("policy", {}).items()}
    return Project(root=root.resolve(), source_locale=source, locales=locales, policies=policies)


@dataclass(frozen=True)
class Setting:
    """One key of the schema: its check (None when the value is right, else what is wrong with
    it) and an example of a right value, for the fix."""

    check: Callable[[Any], str | None]
    example: str


def _choice(*allowed: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value in allowed:
            return None
        return f"must be {' or '.join(repr(a).replace(chr(39), chr(34)) for a in allowed)}"

    return check


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false, unquoted"


def _percent(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 100:
        return None
    return "must be a number from 0 to 100"


def _string(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a quoted string"


def _locale_list(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(code, str) for code in value):
        return None
    return "must be a list of quoted locale codes"


# The schema of [tool.briefkit]: its keys, then the keys of each [tool.briefkit.policy.<locale>].
SCHEMA = {
    "source_locale": Setting(_string, 'source_locale = "en"'),
    "locales": Setting(_locale_list, 'locales = ["en", "fr"]'),
    "policy": Setting(lambda v: None if isinstance(v, dict) else "must be a table", ""),
}
POLICY_SCHEMA = {
    "min_completeness": Setting(_percent, "min_completeness = 100"),
    "allow_fuzzy": Setting(_boolean, "allow_fuzzy = false"),
    "status": Setting(_choice(*STATUSES), 'status = "in-progress"'),
    "when_behind": Setting(_choice(*BEHIND), 'when_behind = "carry-forward"'),
    "memory": Setting(_choice(*MEMORY), 'memory = "fuzzy"'),
}
_MOVED = {
    "review": "a reviewer's sign-off is recorded with `python build.py review LOCALE`, "
    "bound to the strings it covers; delete this key",
}


def validate(
    table: dict[str, Any], line: Callable[..., int | None], pyproject: Path
) -> list[ConfigError]:
    """Return every error of [tool.briefkit] against the schema; line(*keys) finds a key's line."""
    errors: list[ConfigError] = []

    def error(what: str, fix: str, *keys: str) -> None:
        errors.append(ConfigError(what, path=pyproject, line=line(*keys), fix=fix))

    def check(values: dict[str, Any], schema: dict[str, Setting], *table_keys: str) -> None:
        where = "[" + ".".join((CONFIG_TABLE, *table_keys)) + "]"
        for key, value in values.items():
            setting = schema.get(key)
            if setting is None:
                fix = _MOVED.get(key, f"use {', '.join(schema)}")
                error(f"{where}: unknown key {key!r}", fix, *table_keys, key)
                continue
            wrong = setting.check(value)
            if wrong is not None:
                error(
                    f"{where}: {key} {wrong}, not {value!r}",
                    f"e.g. {setting.example}",
                    *table_keys,
                    key,
                )

    check(table, SCHEMA)
    codes = table.get("locales", [table.get("source_locale", "en")])
    if isinstance(codes, list):
        for code in codes:
            if isinstance(code, str):
                try:
                    locale_info(code)
                except ConfigError as exc:
                    errors.append(
                        ConfigError(exc.message, path=pyproject, line=line("locales"), fix=exc.fix)
                    )
    policies = table.get("policy", {})
    if isinstance(policies, dict):
        for code, raw in policies.items():
            if not isinstance(raw, dict):
                error(f"[{CONFIG_TABLE}.policy]: {code} must be a table", "", "policy", code)
                continue
            check(raw, POLICY_SCHEMA, "policy", code)
    return errors


def _policy(raw: dict[str, Any]) -> Policy:
    return Policy(
        min_completeness=float(raw.get("min_completeness", 100)),
        allow_fuzzy=raw.get("allow_fuzzy", False),
        status=raw.get("status", "released"),
        when_behind=raw.get("when_behind", "carry-forward"),
        memory=raw.get("memory", "fuzzy"),
    )


_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_.\-\" ]+?)\s*=")


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Return the line of each key and table under [tool.briefkit], keyed by its path below it
    (("policy", "fr", "allow_fuzzy")). tomllib gives no positions; the file's lines do."""
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] | None = None
    prefix = tuple(CONFIG_TABLE.split("."))
    for number, raw in enumerate(text.splitlines(), start=1):
        if (header := _TABLE.match(raw)) is not None:
            parts = tuple(part.strip().strip('"') for part in header.group(1).split("."))
            table = parts[len(prefix) :] if parts[: len(prefix)] == prefix else None
            if table:
                found.setdefault(table, number)
            continue
        if table is not None and (key := _KEY.match(raw)) is not None:
            parts = tuple(part.strip().strip('"') for part in key.group(1).split("."))
            found.setdefault((*table, *parts), number)
    return found
