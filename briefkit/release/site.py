"""The download page, dist/index.html: every brief in every language, from the manifest.

The page furniture is English; each language's section is written in that language, its labels
and the unofficial-translation notice taken from the templates domain like the PDFs' own. A label
not yet translated is shown in English and marked so (lang="en"), never passed off as the language.
"""

from __future__ import annotations

import base64
import hashlib
import math
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit
from jinja2 import Environment
from markupsafe import Markup

from briefkit.errors import BriefkitError
from briefkit.l10n.editions import SITE_TEMPLATES
from briefkit.locales import locale_info
from briefkit.release.manifest import Entry, Language, Manifest
from briefkit.render.formats import FORMATS, Format
from briefkit.render.templating import render_template, template_environment

# locale -> (its template strings, the msgids among them still shown in English)
Strings = Callable[[str], tuple[dict[str, str], set[str]]]

PAGE = f"{SITE_TEMPLATES}/index.html"
SECTION = f"{SITE_TEMPLATES}/language.html"
STYLE = f"{SITE_TEMPLATES}/site.css"


@dataclass(frozen=True)
class Download:
    """A link to one file, with what a reader wants to know before fetching it."""

    label: str
    href: str
    media_type: str
    size: str
    pages: str


@dataclass(frozen=True)
class Card:
    """One brief in one language."""

    id: str
    title: str
    title_lang: str | None  # set when the title is still the source text
    subtitle: str
    subtitle_lang: str | None
    cover: str | None
    cover_size: tuple[int, int]
    completeness: str  # formatted percent, empty for the original
    review: str
    downloads: tuple[Download, ...]


def render_site(
    manifest: Manifest,
    templates_dir: Path,
    strings: Strings,
    dist: Path,
) -> str:
    """Return index.html; strings(locale) gives (template strings, msgids shown untranslated)."""
    sections = [
        _section(manifest, language, templates_dir, strings, dist)
        for language in manifest.languages
    ]
    env = template_environment(templates_dir, lambda text: text)
    source = [e for e in manifest.artifacts if e.locale == manifest.source_locale]
    css = render_template(env, STYLE).strip()
    return render_template(
        env,
        PAGE,
        css=Markup(css),
        policy=content_security_policy(css),
        languages=manifest.languages,
        sections=[Markup(section) for section in sections],
        series=_series(source or list(manifest.artifacts)),
        briefs=len({e.brief for e in manifest.artifacts}),
    )


def content_security_policy(css: str) -> str:
    """Return the page's Content-Security-Policy: nothing runs, nothing is loaded but its own
    pictures, and the only style is the page's own <style> element, named by its hash (a style
    a translation smuggled in would not match it)."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return "; ".join(
        [
            "default-src 'none'",
            "img-src 'self'",
            f"style-src 'sha256-{digest}'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def _section(
    manifest: Manifest,
    language: Language,
    templates_dir: Path,
    strings: Strings,
    dist: Path,
) -> str:
    ui, untranslated = strings(language.code)
    is_source = language.code == manifest.source_locale
    env = _section_environment(templates_dir, ui, None if is_source else untranslated)
    entries = [e for e in manifest.artifacts if e.locale == language.code]
    originals = {e.brief: e for e in manifest.artifacts if e.locale == manifest.source_locale}
    source = None if is_source else locale_info(manifest.source_locale).bcp47
    cards = [
        _card(group, language, originals.get(group[0].brief), source, dist)
        for group in _by_brief(entries)
    ]
    return render_template(
        env,
        SECTION,
        language=language,
        cards=cards,
        is_source=is_source,
        notice=any(card.review != "reviewed" for card in cards) and not is_source,
    )


def _section_environment(
    templates_dir: Path, ui: dict[str, str], untranslated: set[str] | None
) -> Environment:
    """Return the environment of one language's section: `_` wraps a string still in English
    in <span lang="en">, and the test `english` tells such a string (for attributes, which
    cannot hold a span: `alt="{{ text | striptags }}"{% if text is english %} lang="en"…`)."""

    def gettext(text: str) -> str:
        return ui.get(text, text)

    def wrap(msgid: str, html: Markup) -> Markup:
        if untranslated is not None and (msgid in untranslated or msgid not in ui):
            return Markup(_ENGLISH + "{}</span>").format(html)
        return html

    env = template_environment(templates_dir, gettext, wrap=wrap)
    env.tests["english"] = lambda value: str(value).startswith(_ENGLISH)
    return env


_ENGLISH = '<span lang="en" dir="ltr">'


def _format(name: str) -> Format:
    """Return a format's entry; a manifest naming another format is refused when it is read."""
    return FORMATS[name]


def _format_order(name: str) -> int:
    return list(FORMATS).index(name)


def _by_brief(entries: list[Entry]) -> list[list[Entry]]:
    groups: dict[str, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: _format_order(e.format)):
        groups.setdefault(entry.brief, []).append(entry)
    return sorted(
        groups.values(), key=lambda g: (g[0].number is None, g[0].number or 0, g[0].brief)
    )


def _card(
    group: list[Entry], language: Language, original: Entry | None, source: str | None, dist: Path
) -> Card:
    """Return a brief's card; source is the source language's tag, None in its own section."""
    first = group[0]
    cover = next((e.cover for e in group if e.cover), None)
    locale = locale_info(language.code).babel

    def still_source(text: str, original_text: str | None) -> str | None:
        return source if source is not None and text == original_text else None

    return Card(
        id=f"{language.code}-{first.brief}",
        title=first.title,
        title_lang=still_source(first.title, original.title if original else None),
        subtitle=first.subtitle,
        subtitle_lang=still_source(first.subtitle, original.subtitle if original else None),
        cover=cover,
        cover_size=_half_size(dist / cover) if cover else (0, 0),
        completeness="" if source is None else _percent(first.completeness.percent, locale),
        review=first.review,
        downloads=tuple(_download(e, locale) for e in group),
    )


def _download(entry: Entry, locale: Locale) -> Download:
    return Download(
        label=_format(entry.format).label,
        href=entry.path,
        media_type=_format(entry.format).media_type,
        size=_size(entry.bytes, locale),
        pages=format_decimal(entry.pages, locale=locale) if entry.pages is not None else "—",
    )


def _size(size: int, locale: Locale) -> str:
    """Return a file size the way the locale writes it: 245 kB, 1,4 Mo, 20 كيلوبايت."""
    if size < 1_000_000:
        return format_unit(max(1, round(size / 1000)), "digital-kilobyte", "short", locale=locale)
    return format_unit(
        round(size / 1_000_000, 1), "digital-megabyte", "short", format="#,##0.#", locale=locale
    )


def _percent(percent: float, locale: Locale) -> str:
    # Rounded down: a translation with one entry missing must not read as 100 %.
    whole = 100 if percent >= 100 else min(99, math.floor(percent))
    return format_percent(whole / 100, locale=locale)


def _half_size(png: Path) -> tuple[int, int]:
    """Return half the pixel size of a PNG (covers are drawn at twice their CSS size)."""
    try:
        with png.open("rb") as stream:
            header = stream.read(24)
        width, height = struct.unpack(">II", header[16:24])
    except (OSError, struct.error):
        return (120, 170)
    return (width // 2, height // 2)


def _series(entries: list[Entry]) -> str:
    names = dict.fromkeys(e.series for e in entries if e.series)
    return " · ".join(names) or "Policy briefs"


def strings_or_english(translate: Strings, errors: list[BriefkitError]) -> Strings:
    """Wrap a strings function so a broken catalog shows English labels and records the error."""

    def strings(code: str) -> tuple[dict[str, str], set[str]]:
        try:
            return translate(code)
        except BriefkitError as exc:
            errors.append(exc)
            return {}, set()

    return strings
