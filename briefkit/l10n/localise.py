"""Localisation: a source brief plus a locale's catalogs gives the brief in that language.

The result, a LocalisedBrief, is everything the renderers need and nothing more: both the PDF
and the DOCX are made from it, so they say the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.catalog import Catalog

from briefkit.catalogs.po import entry_state, printable, translation_forms
from briefkit.errors import BriefError, BriefkitError, CatalogError, raise_all
from briefkit.l10n.typesetting import date_locale
from briefkit.locales import LocaleInfo
from briefkit.project import Policy
from briefkit.sources.brief import Brief
from briefkit.sources.data import Dataset, Figure, Source, write_figure
from briefkit.sources.placeholders import figure_parts, stray_syntax, substitute
from briefkit.sources.segments import (
    Segment,
    assign_contexts,
    chart_refs,
    fold,
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
    amount: float  # the figure as a number (the upper end of a range), for charts that plot data


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
    # Body texts (inline Markdown as printed, line breaks folded) shown in the source language
    # because untranslated, and those printed from fuzzy entries: the renderers tag the first
    # with the source's language (so it is hyphenated as English) and a preview marks both.
    # Sorted tuples, not sets: an artifact's key digests them, and a set's order varies by run.
    fallback: tuple[str, ...] = ()
    fuzzy: tuple[str, ...] = ()
    pages: int | None = None  # the page target, from the front matter
    document: str = ""  # document number, licence and contact: printed as written
    licence: str = ""
    contact: str = ""


@dataclass(frozen=True)
class Printed:
    """A text a lookup served: a translation (with its catalog line) or the source as fallback."""

    segment: Segment
    text: str
    catalog_line: int | None  # None when the source text was served
    fuzzy: bool = False  # a fuzzy translation, printed because the policy (or a preview) allows

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
        self.printed.append(
            Printed(segment, " ".join(forms), message.lineno, entry_state(message) == "fuzzy")
        )
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
        for figure_id, part in figure_parts(segment.msgid):
            figure = brief.data.figures.get(figure_id)
            if figure is None:
                errors.append(
                    BriefError(
                        f"undefined figure {figure_id!r}",
                        line=segment.line,
                        **where,
                        fix=f"add it under `figures:` in {brief.data.path.name} or fix the name",
                    )
                )
            elif (problem := part_problem(figure, part)) is not None:
                errors.append(BriefError(problem[0], line=segment.line, **where, fix=problem[1]))
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


def part_problem(figure: Figure, part: str | None) -> tuple[str, str] | None:
    """Return (problem, fix) when a placeholder asks a figure for what it does not have."""
    shown = "{{ " + figure.id + ("." + part if part else "") + " }}"
    if part == "year" and figure.year is None:
        return (
            f"{shown}: figure {figure.id!r} has no year",
            "write a year only where the source gives one; add `year:` to the figure if it does",
        )
    if part in ("low", "high") and figure.unit != "range":
        return (
            f"{shown}: figure {figure.id!r} is not a range",
            "write {{ " + figure.id + " }}; only a range has a .low and a .high end",
        )
    return None


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
    mark: bool = False,
) -> LocalisedBrief:
    """Return the brief in the lookup's language, figures formatted for the locale; mark: record
    which body texts are fallbacks or fuzzy (a translation, not the source edition)."""
    by_text = {(s.msgid, s.kind): s for s in segments}

    def translate(text: str, kind: str) -> str:
        segment = by_text.get((text, kind))
        if segment is None:
            return text  # a text with no words stays as it is
        translated = lookup(segment)
        _check_translated_parts(brief.data, lookup, translated)
        return translated

    fill = _filler(brief.data, locale, lambda english: translate(english, "qualifier"))

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
        date_text=write_date(brief.date, locale),
        publisher=brief.publisher,
        key_messages=messages,
        body=body,
        charts=charts,
        sources=tuple(
            replace(source, note=translate(source.note, "source note") if source.note else None)
            for source in _sources_used(brief, segments)
        ),
        reviewed=reviewed,
        coverage=lookup.coverage(),
        fallback=tuple(
            sorted(
                {fold(fill(p.segment.msgid)) for p in lookup.printed if mark and not p.translated}
            )
        ),
        fuzzy=tuple(sorted({fold(fill(p.text)) for p in lookup.printed if mark and p.fuzzy})),
        pages=brief.pages,
        document=brief.document,
        licence=brief.licence,
        contact=brief.contact,
    )


# Right-to-left isolate and its end (Unicode bidi, UAX #9). An isolated figure counts as one
# neutral in its sentence and is laid out inside as the sentence is (a right-to-left isolate,
# not a first-strong one: in Pango an FSI around "7–10" or "360%" turns them round).
RLI, PDI = "\u2067", "\u2069"


def _check_translated_parts(data: Dataset, lookup: Lookup, text: str) -> None:
    """Raise when a translation asks a figure for a part it lacks (the ends of a non-range).

    The catalog checks let a translation write a range as its two ends; only the data file
    knows which figures are ranges, so this is checked here, with the catalog's line.
    """
    served = lookup.printed[-1] if lookup.printed else None
    if served is None or not served.translated:
        return
    for figure_id, part in figure_parts(text):
        figure = data.figures.get(figure_id)
        problem = None if figure is None else part_problem(figure, part)
        if problem is not None:
            raise CatalogError(
                problem[0], path=lookup.path, line=served.catalog_line, fix=problem[1]
            )


def write_date(date: dt.date, locale: LocaleInfo) -> str:
    """Return a date as the locale writes it in full (CLDR's long form).

    Arabic follows the United Nations: the Levantine month name, then the one used in Egypt and
    the Gulf, "20 تشرين الثاني/نوفمبر 2023", so every Arabic reader knows the month. Both names
    come from CLDR (ar_SY and ar).
    """
    written = format_date(date, "long", locale=date_locale(locale))
    if locale.language != "ar":
        return written
    month = locale.babel.months["format"]["wide"][date.month]
    levantine = Locale.parse("ar_SY").months["format"]["wide"][date.month]
    return written.replace(month, f"{levantine}/{month}", 1) if levantine != month else written


def _filler(
    data: Dataset, locale: LocaleInfo, wording: Callable[[str], str]
) -> Callable[[str], str]:
    def resolve(figure_id: str, part: str | None) -> str:
        return isolate(write_figure(data.figures[figure_id], locale, part, wording), locale)

    return lambda text: substitute(text, resolve)


def isolate(inserted: str, locale: LocaleInfo) -> str:
    """Return a text inserted into a sentence, bidi-isolated in a right-to-left edition.

    Without the isolate a figure after a Latin name joins its left-to-right run
    ("WeProtect 102" cut off from the Arabic word after it); isolated, it keeps its place in
    the sentence, in the PDF and in Word alike."""
    return f"{RLI}{inserted}{PDI}" if locale.direction == "rtl" else inserted


def _chart(
    data: Dataset, chart_id: str, locale: LocaleInfo, translate: Callable[[str, str], str]
) -> LocalisedChart:
    def wording(english: str) -> str:
        return translate(english, "qualifier")

    chart = data.charts[chart_id]
    figures = [data.figures[bar.figure] for bar in chart.bars]
    largest = max(abs(_magnitude(f.value)) for f in figures) or 1.0
    bars = tuple(
        Bar(
            translate(bar.label if bar.label is not None else figure.label, "chart label"),
            write_figure(figure, locale, None, wording),
            abs(_magnitude(figure.value)) / largest,
            _magnitude(figure.value),
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
        for figure_id, _ in figure_parts(segment.msgid):
            used[brief.data.figures[figure_id].source] = None
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
