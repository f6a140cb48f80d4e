"""Localisation: a source brief plus a locale's catalogs gives the brief in that language.

The result, a LocalisedBrief, is everything the renderers need and nothing more: both the PDF
and the DOCX are made from it, so they say the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from babel.dates import format_date
from babel.messages.catalog import Catalog

from briefkit.catalogs.po import entry_state, printable, translation_forms
from briefkit.errors import BriefError, BriefkitError, raise_all
from briefkit.locales import LocaleInfo
from briefkit.project import Policy
from briefkit.sources.brief import Brief
from briefkit.sources.data import Dataset, Source, format_figure
from briefkit.sources.placeholders import placeholders, stray_syntax, substitute
from briefkit.sources.segments import (
    Segment,
    assign_contexts,
    chart_refs,
    permissive_parser,
    translate_body,
)
from briefkit.sources.urls import LINK_SCHEMES, link_allowed


@dataclass(frozen=True)
class Coverage:
    """How much of a brief a locale's catalog covers."""

    total: int = 0
    translated: int = 0  # entries shown translated
    fuzzy: int = 0  # entries whose translation is marked fuzzy (shown only if the policy allows)
    fallback: int = 0  # entries shown in the source language

    @property
    def percent(self) -> float:
        """Return the share of entries shown translated, in percent."""
        return 100.0 if self.total == 0 else 100.0 * (self.total - self.fallback) / self.total

    def __add__(self, other: Coverage) -> Coverage:
        return Coverage(
            self.total + other.total,
            self.translated + other.translated,
            self.fuzzy + other.fuzzy,
            self.fallback + other.fallback,
        )


@dataclass(frozen=True)
class Bar:
    """A bar as drawn: label, formatted value and length relative to the longest bar."""

    label: str
    value: str
    share: float


@dataclass(frozen=True)
class LocalisedChart:
    """A chart in one language."""

    id: str
    title: str
    bars: tuple[Bar, ...]
    sources: tuple[Source, ...] = ()  # of its bars' figures, in order of first use


@dataclass(frozen=True)
class LocalisedBrief:
    """One brief in one language, ready to render."""

    slug: str
    locale: LocaleInfo
    title: str
    subtitle: str
    audience: str
    series: str
    number: int | None
    date: dt.date
    date_text: str
    publisher: str
    key_messages: tuple[str, ...]
    body: str  # Markdown, translated, figures substituted
    charts: dict[str, LocalisedChart]
    sources: tuple[Source, ...]
    reviewed: bool
    coverage: Coverage = field(default_factory=Coverage)


@dataclass(frozen=True)
class Printed:
    """A text a lookup served: a translation (with its catalog line) or the source as fallback."""

    segment: Segment
    text: str
    catalog_line: int | None  # None when the source text was served

    @property
    def translated(self) -> bool:
        return self.catalog_line is not None


class Lookup:
    """Finds translations in one catalog, counting what it served and from where.

    The translations themselves are checked before, on the whole catalog (qa.py): an edition
    whose catalog has an error fails before any translation of it is looked up."""

    def __init__(self, catalog: Catalog | None, path: Path | None, policy: Policy) -> None:
        self.catalog, self.path, self.policy = catalog, path, policy
        self.total = self.translated = self.fuzzy = self.fallback = 0
        self.printed: list[Printed] = []  # every text served, for the font check

    def __call__(self, segment: Segment) -> str:
        return self._serve(segment, (segment.msgid,))[0]

    def plural(self, segment: Segment, plural: str) -> tuple[str, ...]:
        """Return every plural form of an entry: the translation's, or the source's two."""
        return self._serve(segment, (segment.msgid, plural))

    def _serve(self, segment: Segment, source: tuple[str, ...]) -> tuple[str, ...]:
        self.total += 1
        message = (
            self.catalog.get(segment.msgid, segment.msgctxt) if self.catalog is not None else None
        )
        self.fuzzy += entry_state(message) == "fuzzy"
        if message is None or not printable(message, self.policy.allow_fuzzy):
            self.fallback += 1
            self.printed.append(Printed(segment, " ".join(source), None))
            return source
        forms = tuple(translation_forms(message))
        self.translated += 1
        self.printed.append(Printed(segment, " ".join(forms), message.lineno))
        return forms

    def coverage(self) -> Coverage:
        return Coverage(self.total, self.translated, self.fuzzy, self.fallback)


def check_source(brief: Brief, segments: list[Segment]) -> None:
    """Raise, with every line, when the source uses unknown figures or charts or stray syntax."""
    errors: list[BriefkitError] = []
    for segment in segments:
        where = {
            "path": brief.path
            if segment.kind not in ("chart title", "chart label")
            else brief.data.path
        }
        stray = stray_syntax(segment.msgid)
        if stray is not None:
            errors.append(
                BriefError(
                    f"template syntax that is not a placeholder: {stray!r}",
                    line=segment.line,
                    **where,
                    fix="write figures as {{ figure_id }} or {{ figure_id.year }}; other template code is not allowed",
                )
            )
        for name in placeholders(segment.msgid):
            figure_id = name.strip("{} ").removesuffix(".year")
            if figure_id not in brief.data.figures:
                errors.append(
                    BriefError(
                        f"undefined figure {figure_id!r}",
                        line=segment.line,
                        **where,
                        fix=f"add it under `figures:` in {brief.data.path.name} or fix the name",
                    )
                )
    errors += _image_errors(brief)
    errors += _link_errors(segments, brief)
    for chart_id, line in chart_refs(brief.body):
        if chart_id not in brief.data.charts:
            errors.append(
                BriefError(
                    f"undefined chart {chart_id!r}",
                    path=brief.path,
                    line=brief.body_line + line,
                    fix=f"add it under `charts:` in {brief.data.path.name} or fix the name",
                )
            )
    raise_all(errors)


def _link_errors(segments: list[Segment], brief: Brief) -> list[BriefkitError]:
    """Return an error for each link whose target the allow-list of sources/urls.py refuses."""
    errors: list[BriefkitError] = []
    for segment in segments:
        tokens = permissive_parser().parseInline(segment.msgid)
        for child in tokens[0].children or [] if tokens else []:
            href = str(child.attrs.get("href", ""))
            if child.type == "link_open" and not link_allowed(href):
                errors.append(
                    BriefError(
                        f"link target {href} is not allowed",
                        path=brief.data.path if segment.kind.startswith("chart") else brief.path,
                        line=segment.line,
                        fix=f"link only to {', '.join(LINK_SCHEMES)} addresses",
                    )
                )
    return errors


def _image_errors(brief: Brief) -> list[BriefkitError]:
    """Return an error for each image that is not a chart standing alone in its paragraph."""
    errors: list[BriefkitError] = []
    for token in permissive_parser().parse(brief.body):
        images = [child for child in token.children or [] if child.type == "image"]
        if not images or token.map is None:
            continue
        line = brief.body_line + token.map[0]
        for image in images:
            src = str(image.attrs.get("src", ""))
            if not src.startswith("chart:"):
                errors.append(
                    BriefError(
                        f"image {src!r} is not a chart",
                        path=brief.path,
                        line=line,
                        fix='briefs show only charts drawn from the data file: write ![alt](chart:<id> "caption")',
                    )
                )
            elif len(token.children or []) != 1:
                errors.append(
                    BriefError(
                        "a chart must stand alone in its paragraph",
                        path=brief.path,
                        line=line,
                        fix="put the chart image on its own line with blank lines around it",
                    )
                )
    return errors


def localise_brief(
    brief: Brief,
    segments: list[Segment],
    locale: LocaleInfo,
    lookup: Lookup,
    reviewed: bool,
) -> LocalisedBrief:
    """Return the brief in the lookup's language, figures formatted for the locale."""
    by_text = {(s.msgid, s.kind): s for s in segments}

    def translate(text: str, kind: str) -> str:
        segment = by_text.get((text, kind))
        return text if segment is None else lookup(segment)  # a text with no words stays as it is

    fill = _filler(brief.data, locale)

    def field_text(name: str) -> str:
        value: str = getattr(brief, name)
        return fill(translate(value, name)) if value else ""

    body = fill(translate_body(brief.body, translate))
    messages = tuple(fill(translate(m, "key message")) for m in brief.key_messages)
    charts = {cid: _chart(brief.data, cid, locale, translate) for cid, _ in chart_refs(brief.body)}
    return LocalisedBrief(
        slug=brief.slug,
        locale=locale,
        title=field_text("title"),
        subtitle=field_text("subtitle"),
        audience=field_text("audience"),
        series=field_text("series"),
        number=brief.number,
        date=brief.date,
        date_text=format_date(brief.date, "long", locale=locale.babel),
        publisher=brief.publisher,
        key_messages=messages,
        body=body,
        charts=charts,
        sources=_sources_used(brief, segments),
        reviewed=reviewed,
        coverage=lookup.coverage(),
    )


def _filler(data: Dataset, locale: LocaleInfo) -> Callable[[str], str]:
    def resolve(figure_id: str, wants_year: bool) -> str:
        figure = data.figures[figure_id]
        return str(figure.year) if wants_year else format_figure(figure, locale)

    return lambda text: substitute(text, resolve)


def _chart(
    data: Dataset, chart_id: str, locale: LocaleInfo, translate: Callable[[str, str], str]
) -> LocalisedChart:
    chart = data.charts[chart_id]
    figures = [data.figures[bar.figure] for bar in chart.bars]
    largest = max(abs(_magnitude(f.value)) for f in figures) or 1.0
    bars = tuple(
        Bar(
            translate(bar.label if bar.label is not None else figure.label, "chart label"),
            format_figure(figure, locale),
            abs(_magnitude(figure.value)) / largest,
        )
        for bar, figure in zip(chart.bars, figures, strict=True)
    )
    sources = tuple(data.sources[sid] for sid in dict.fromkeys(f.source for f in figures))
    return LocalisedChart(chart_id, translate(chart.title, "chart title"), bars, sources)


def _magnitude(value: float | tuple[int, int]) -> float:
    return float(value[1]) if isinstance(value, tuple) else value


def _sources_used(brief: Brief, segments: list[Segment]) -> tuple[Source, ...]:
    """Return the sources of every figure the brief shows, in order of first use."""
    used: dict[str, None] = {}
    for segment in segments:
        for name in placeholders(segment.msgid):
            used[brief.data.figures[name.strip("{} ").removesuffix(".year")].source] = None
    for chart_id, _ in chart_refs(brief.body):
        for bar in brief.data.charts[chart_id].bars:
            used[brief.data.figures[bar.figure].source] = None
    return tuple(brief.data.sources[sid] for sid in used)


__all__ = [
    "Coverage",
    "LocalisedBrief",
    "Lookup",
    "assign_contexts",
    "check_source",
    "localise_brief",
]
