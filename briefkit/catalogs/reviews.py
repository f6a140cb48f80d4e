"""Reviewers' sign-offs, bound to the strings an edition prints.

`python build.py review LOCALE [--brief B] --reviewer NAME` records, per brief, a digest of the
strings that brief's edition prints in that language: each entry of the brief's catalog and each
template string the PDF and DOCX print, as the build would print it (the translation, or the
English where the policy shows English). The sign-offs live in `translations/<locale>/reviews.toml`,
committed and reviewable beside the catalogs. An edition is "reviewed" while its digest matches the
one signed; any change to a string it prints (a retranslation, an English edit that makes an entry
fuzzy, a new entry) makes it a draft again by itself. A brief added after a locale-wide sign-off
has no sign-off of its own, so it starts as a draft.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from briefkit.catalogs.po import (
    TEMPLATES_DOMAIN,
    build_time,
    po_path,
    pot_path,
    printable,
    read_catalog,
    translation_forms,
)
from briefkit.catalogs.stats import domains
from briefkit.errors import ConfigError
from briefkit.project import Policy, Project
from briefkit.writing import write_atomic

REVIEWS_FILE = "reviews.toml"
SITE_PREFIX = "templates/site/"  # template strings only the download page prints


@dataclass(frozen=True)
class SignOff:
    """One reviewer's sign-off of one brief in one locale."""

    brief: str
    reviewer: str
    date: str  # ISO date
    digest: str


@dataclass(frozen=True)
class Review:
    """The review state of one edition: "reviewed", or "draft" (with the stale sign-off, if any)."""

    state: str
    signed: SignOff | None = None

    @property
    def changed(self) -> bool:
        """Return True for a sign-off the edition's strings no longer match."""
        return self.state == "draft" and self.signed is not None

    def describe(self) -> str:
        """Return the state in words, for `stats`."""
        if self.signed is None:
            return self.state
        if self.changed:
            return f"draft (changed since {self.signed.reviewer} signed off on {self.signed.date})"
        return f"reviewed by {self.signed.reviewer} on {self.signed.date}"


def reviews_path(project: Project, locale: str) -> Path:
    """Return where a locale's sign-offs are kept."""
    return project.translations_dir / locale / REVIEWS_FILE


def printed_digest(project: Project, locale: str, brief: str) -> str:
    """Return the digest of the strings the brief's edition prints in the locale."""
    policy = project.policy(locale)
    printed: list[list[str]] = []
    for domain in (brief, TEMPLATES_DOMAIN):
        template = read_catalog(pot_path(project.translations_dir, domain))
        path = po_path(project.translations_dir, locale, domain)
        catalog = read_catalog(path, locale) if path.exists() else None
        for entry in template:
            if not entry.id or (domain == TEMPLATES_DOMAIN and site_only(entry)):
                continue
            printed.append([domain, entry.context or "", *_printed(entry, catalog, policy)])
    data = json.dumps(printed, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(data).hexdigest()


def load_signoffs(project: Project, locale: str) -> dict[str, SignOff]:
    """Return the locale's sign-offs by brief, or raise naming the line of what is wrong."""
    path = reviews_path(project, locale)
    if not path.exists():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"invalid TOML: {exc}", path=path, fix=f"run `python build.py review {locale}` again"
        ) from None
    found = {}
    for brief, table in raw.items():
        if not (
            isinstance(table, dict)
            and all(isinstance(table.get(k), str) for k in ("reviewer", "digest"))
            and isinstance(table.get("date"), dt.date | str)
        ):
            raise ConfigError(
                f"sign-off [{brief}] needs reviewer, date and digest",
                path=path,
                line=_line_of(path, f"[{_key(brief)}]"),
                fix=f"run `python build.py review {locale} --brief {brief}` again",
            )
        found[brief] = SignOff(brief, table["reviewer"], str(table["date"]), table["digest"])
    return found


def review_state(project: Project, locale: str, brief: str) -> Review:
    """Return whether the brief's edition in the locale is reviewed: its strings as signed."""
    if locale == project.source_locale:
        return Review("reviewed")
    signed = load_signoffs(project, locale).get(brief)
    if signed is not None and signed.digest == printed_digest(project, locale, brief):
        return Review("reviewed", signed)
    return Review("draft", signed)


def sign_off(
    project: Project, locale: str, reviewer: str, briefs: tuple[str, ...] = ()
) -> list[SignOff]:
    """Record a reviewer's sign-off of the given briefs (default: every brief) in the locale;
    return the sign-offs written."""
    if locale not in project.target_locales:
        raise ConfigError(
            f"{locale} is not a target locale of this project",
            fix="review one of " + ", ".join(project.target_locales),
        )
    if not reviewer.strip():
        raise ConfigError("the reviewer has no name", fix="give --reviewer NAME")
    known = [d for d in domains(project) if d != TEMPLATES_DOMAIN]
    for brief in briefs:
        if brief not in known:
            raise ConfigError(f"no brief {brief!r}", fix=f"review one of {', '.join(known)}")
    date = build_time().date().isoformat()
    signed = {
        brief: SignOff(brief, reviewer.strip(), date, printed_digest(project, locale, brief))
        for brief in (briefs or tuple(known))
    }
    kept = load_signoffs(project, locale)
    kept.update(signed)
    path = reviews_path(project, locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, _toml(locale, kept).encode())
    return list(signed.values())


def _toml(locale: str, signoffs: dict[str, SignOff]) -> str:
    lines = [
        f"# Reviewers' sign-offs of the {locale} editions, written by `python build.py review`.",
        "# An edition is reviewed while the strings it prints have the digest recorded here;",
        "# any change to them makes it a draft again. Commit this file with the catalogs.",
    ]
    for brief in sorted(signoffs):
        signed = signoffs[brief]
        lines += [
            "",
            f"[{_key(brief)}]",
            f"reviewer = {json.dumps(signed.reviewer, ensure_ascii=False)}",
            f"date = {signed.date}",
            f'digest = "{signed.digest}"',
        ]
    return "\n".join(lines) + "\n"


def _key(name: str) -> str:
    bare = name.replace("-", "").replace("_", "").isalnum() and name.isascii()
    return name if bare else json.dumps(name, ensure_ascii=False)


def _line_of(path: Path, text: str) -> int | None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() == text:
            return number
    return None


def site_only(entry: Message) -> bool:
    """Return True for a template string only the download page prints."""
    return bool(entry.locations) and all(
        name.startswith(SITE_PREFIX) for name, _ in entry.locations
    )


def _printed(entry: Message, catalog: Catalog | None, policy: Policy) -> list[str]:
    """Return the texts the build prints for a template entry: the translation, or the source."""
    message = catalog.get(entry.id, entry.context) if catalog is not None else None
    if message is None or not printable(message, policy.allow_fuzzy):
        return [entry.id] if isinstance(entry.id, str) else [str(part) for part in entry.id]
    return list(translation_forms(message))
