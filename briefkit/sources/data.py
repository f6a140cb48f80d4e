"""The data behind a brief: figures with their sources, and charts made of figures."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.numbers import (
    format_compact_decimal,
    format_decimal,
    format_percent,
)
from babel.units import format_unit

from briefkit.errors import BriefError, BriefkitError, raise_all
from briefkit.locales import LocaleInfo
from briefkit.sources.textfile import read_utf8
from briefkit.sources.yamlsource import Lines, load_yaml

UNITS = ("count", "percent", "duration-second", "duration-minute", "range")
STYLES = ("plain", "compact")
# How a qualified figure is written in English: these are also the msgids translators get.
QUALIFIERS = {
    "more-than": "more than %(figure)s",
    "less-than": "less than %(figure)s",
    "about": "about %(figure)s",
}
PARTS = ("year", "low", "high")  # what a placeholder may show besides the figure: {{ id.low }}
_MAX_DIGITS = 15  # beyond this a float no longer holds every digit, and no brief needs more
_YEARS = range(1900, 2101)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_MAX_DATA_BYTES = 1_000_000


@dataclass(frozen=True)
class Source:
    """Where a figure comes from, cited as the source attributes it."""

    id: str
    name: str
    title: str
    year: int | None
    url: str | None
    note: str | None = None  # what kind of document it is, in the source's language


@dataclass(frozen=True)
class Figure:
    """One number, with its unit, qualifier, year (when the source gives one) and source."""

    id: str
    label: str  # translatable
    value: float | tuple[int, int]
    unit: str
    style: str
    year: int | None
    source: str
    line: int
    qualifier: str | None = None  # a key of QUALIFIERS: "more-than" for "over 10,000"
    attribution: str | None = None  # whom the source credits with the figure (NCMEC)


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: a figure and an optional label (translatable)."""

    figure: str
    label: str | None


@dataclass(frozen=True)
class Chart:
    """A bar chart drawn from figures of one unit."""

    id: str
    title: str  # translatable
    bars: tuple[Bar, ...]
    line: int


@dataclass(frozen=True)
class Dataset:
    """A data file: its sources, figures and charts."""

    path: Path
    sources: dict[str, Source]
    figures: dict[str, Figure]
    charts: dict[str, Chart]
    lines: Lines

    def line_of(self, *key: str | int) -> int:
        """Return the file line of a key path (the file's first line when unknown)."""
        return self.lines.get(key, 1)


def load_dataset(path: Path) -> Dataset:
    """Read and validate a data file; every problem is reported, not just the first."""
    text = read_utf8(
        path,
        BriefError,
        what="data file",
        missing_fix="create it or fix the brief's `data:`",
        limit=_MAX_DATA_BYTES,
        too_big_fix="a series needs a few dozen figures; trim it or split it",
    )
    raw, lines = load_yaml(text, path)
    if not isinstance(raw, dict):
        raise BriefError(
            "a data file is a mapping with sources, figures and charts", path=path, line=1
        )
    errors: list[BriefkitError] = []
    reader = _Reader(path, lines, errors)
    sources = {
        key: reader.source(key, value) for key, value in _section(raw, "sources", reader).items()
    }
    figures = {
        key: reader.figure(key, value, sources)
        for key, value in _section(raw, "figures", reader).items()
    }
    charts = {
        key: reader.chart(key, value, figures)
        for key, value in _section(raw, "charts", reader).items()
    }
    raise_all(errors)
    return Dataset(path, sources, figures, charts, lines)  # type: ignore[arg-type]


def _section(raw: dict[str, Any], name: str, reader: _Reader) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        reader.error(
            (name,), f"`{name}` must be a mapping of ids to entries", "indent the entries under it"
        )
        return {}
    return value


_KIND_NAMES = {str: "text", int: "a whole number"}


def _sane(value: int | float) -> bool:
    """Return True for a finite number of at most _MAX_DIGITS digits before the point."""
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return bool(abs(value) < 10**_MAX_DIGITS)


def _short(value: object) -> str:
    """Return a value as an error message can show it (a 400-digit number cut short)."""
    text = repr(value)
    return text if len(text) <= 24 else f"{text[:12]}…({len(text)} characters)"


class _Reader:
    """Validates data-file entries, collecting errors with their lines."""

    def __init__(self, path: Path, lines: Lines, errors: list[BriefkitError]) -> None:
        self.path, self.lines, self.errors = path, lines, errors

    def error(self, key: tuple[str | int, ...], message: str, fix: str) -> None:
        self.errors.append(
            BriefError(message, path=self.path, line=self.lines.get(key, 1), fix=fix)
        )

    def field(
        self, key: tuple[str, ...], entry: Any, name: str, kind: type | tuple[type, ...]
    ) -> Any:
        if not isinstance(entry, dict):
            self.error(key, f"{'.'.join(key)} must be a mapping", "indent its fields under it")
            return None
        value = entry.get(name)
        if value is None:
            self.error(key, f"{'.'.join(key)} has no `{name}`", f"add `{name}:`")
        elif not isinstance(value, kind) or isinstance(value, bool):
            self.error(
                (*key, name),
                f"{'.'.join(key)}.{name} has the wrong type",
                "see the data file format in the README",
            )
            return None
        return value

    def check_id(self, key: tuple[str, ...]) -> None:
        if not _ID.match(key[-1]):
            self.error(key, f"id {key[-1]!r} is not lowercase letters, digits and _", "rename it")

    def source(self, sid: str, entry: Any) -> Source | None:
        key = ("sources", sid)
        self.check_id(key)
        name = self.field(key, entry, "name", str)
        title = self.field(key, entry, "title", str)
        if name is None or title is None:
            return None
        year = self.year(key, entry)
        url, note = (self.optional(key, entry, name, str) for name in ("url", "note"))
        return Source(sid, name, title, year, url, note)

    def optional(self, key: tuple[str, ...], entry: dict[str, Any], name: str, kind: type) -> Any:
        """Return an optional field, None when absent or (reported) of the wrong type."""
        value = entry.get(name)
        if value is None or (isinstance(value, kind) and not isinstance(value, bool)):
            return value
        self.error(
            (*key, name),
            f"{'.'.join(key)}.{name} must be {_KIND_NAMES.get(kind, kind.__name__)}",
            "see the data file format in the README",
        )
        return None

    def year(self, key: tuple[str, ...], entry: dict[str, Any]) -> int | None:
        """Return the optional year, reported when it is not a plausible calendar year."""
        year: int | None = self.optional(key, entry, "year", int)
        if year is not None and year not in _YEARS:
            self.error(
                (*key, "year"),
                f"{'.'.join(key)}.year {_short(year)} is not a year between 1900 and 2100",
                "write the year the source gives, or leave `year:` out",
            )
            return None
        return year

    def figure(self, fid: str, entry: Any, sources: dict[str, Source | None]) -> Figure | None:
        key = ("figures", fid)
        self.check_id(key)
        label = self.field(key, entry, "label", str)
        unit = self.field(key, entry, "unit", str)
        source = self.field(key, entry, "source", str)
        value = self.field(key, entry, "value", (int, float, list))
        if None in (label, unit, source, value):
            return None
        year = self.year(key, entry)
        qualifier = self.optional(key, entry, "qualifier", str)
        attribution = self.optional(key, entry, "attribution", str)
        if unit not in UNITS:
            self.error((*key, "unit"), f"unknown unit {unit!r}", f"use one of {', '.join(UNITS)}")
            return None
        if source not in sources:
            self.error((*key, "source"), f"unknown source {source!r}", "add it under `sources:`")
        style = entry.get("style", "plain")
        if style not in STYLES:
            self.error(
                (*key, "style"), f"unknown style {style!r}", f"use one of {', '.join(STYLES)}"
            )
        if qualifier is not None and (qualifier not in QUALIFIERS or unit == "range"):
            self.error(
                (*key, "qualifier"),
                f"unknown qualifier {qualifier!r}"
                if unit != "range"
                else "a range takes no qualifier",
                f"use one of {', '.join(QUALIFIERS)}, or leave `qualifier:` out for an exact figure",
            )
        parsed = self.figure_value(key, unit, value)
        if parsed is None:
            return None
        return Figure(
            fid,
            label,
            parsed,
            unit,
            style,
            year,
            source,
            self.lines.get(key, 1),
            qualifier,
            attribution,
        )

    def figure_value(
        self, key: tuple[str, ...], unit: str, value: Any
    ) -> float | tuple[int, int] | None:
        if unit == "range":
            return self.range_value(key, value)
        if isinstance(value, list):
            self.error((*key, "value"), "only a range has a list value", "write one number")
            return None
        if not _sane(value):
            self.error(
                (*key, "value"),
                f"{_short(value)} is not a figure",
                f"write a finite number of at most {_MAX_DIGITS} digits",
            )
            return None
        return float(value)

    def range_value(self, key: tuple[str, ...], value: Any) -> tuple[int, int] | None:
        ends = value if isinstance(value, list) and len(value) == 2 else None
        if ends is None or not all(
            isinstance(v, int) and not isinstance(v, bool) and _sane(v) for v in ends
        ):
            self.error(
                (*key, "value"),
                "a range is two whole numbers",
                f"write value: [7, 10], each end at most {_MAX_DIGITS} digits",
            )
            return None
        if ends[0] >= ends[1]:
            self.error(
                (*key, "value"),
                f"the range {ends[0]}–{ends[1]} does not rise",
                "write the smaller end first: value: [7, 10]",
            )
            return None
        return (ends[0], ends[1])

    def chart(self, cid: str, entry: Any, figures: dict[str, Figure | None]) -> Chart | None:
        key = ("charts", cid)
        self.check_id(key)
        title = self.field(key, entry, "title", str)
        bars_raw = self.field(key, entry, "bars", list)
        if title is None or bars_raw is None:
            return None
        bars = []
        for i, bar in enumerate(bars_raw):
            fid = bar.get("figure") if isinstance(bar, dict) else None
            if fid not in figures:
                self.error(
                    (*key, "bars", i),
                    f"chart {cid!r}: unknown figure {fid!r}",
                    "name a figure under `figures:`",
                )
                continue
            label = bar.get("label")
            bars.append(Bar(fid, None if label is None else str(label)))
        units = {figures[b.figure].unit for b in bars if figures[b.figure] is not None}  # type: ignore[union-attr]
        if len(units) > 1:
            self.error(
                key, f"chart {cid!r} mixes units {sorted(units)}", "chart figures of one unit"
            )
        if not 2 <= len(bars_raw) <= 8:
            self.error(key, f"chart {cid!r} needs 2 to 8 bars", "add or remove bars")
        return Chart(cid, title, tuple(bars), self.lines.get(key, 1))


def write_figure(
    figure: Figure,
    locale: LocaleInfo,
    part: str | None = None,
    wording: Callable[[str], str] = lambda english: english,
) -> str:
    """Return what a placeholder shows: the qualified figure, its year or one end of its range.

    `wording` turns the English qualifier pattern ("more than %(figure)s") into the locale's.
    """
    if part == "year":
        return str(figure.year)
    if part in ("low", "high"):
        low, high = figure.value  # type: ignore[misc]
        return format_decimal(low if part == "low" else high, locale=locale.babel)
    written = format_figure(figure, locale)
    if figure.qualifier is None:
        return written
    return wording(QUALIFIERS[figure.qualifier]).replace("%(figure)s", written)


def format_figure(figure: Figure, locale: LocaleInfo) -> str:
    """Return the figure's value, without its qualifier, as the locale writes it (CLDR, Latin digits)."""
    loc = locale.babel
    value = figure.value
    if figure.unit == "range":
        low, high = value  # type: ignore[misc]
        return f"{format_decimal(low, locale=loc)}–{format_decimal(high, locale=loc)}"
    assert isinstance(value, float)
    if figure.unit == "percent":
        return format_percent(value / 100, locale=loc)
    if figure.unit.startswith("duration-"):
        return _duration(_whole(value), figure.unit, locale)
    if figure.style == "compact":
        return _compact(value, locale)
    myriads = _myriads(value, locale)
    return myriads if myriads is not None else format_decimal(_whole(value), locale=loc)


def _myriads(value: float, locale: LocaleInfo) -> str | None:
    """Return a round count in ten thousands (1万) where the language counts so, else None.

    CLDR's short compact form is what Chinese (and Japanese, Korean) write for round figures:
    "1万" rather than "10,000". Languages that abbreviate thousands (10K) write digits instead,
    and a figure the short form would round (10,500, which is not 1.1万) keeps its digits.
    """
    patterns = locale.babel.compact_decimal_formats["short"]["other"]
    if patterns.get("1000") is None or _unit_of(patterns["1000"]) or not value.is_integer():
        return None
    magnitude = 10 ** (len(str(int(abs(value)))) - 1)
    pattern = patterns.get(str(magnitude))
    if pattern is None or not _unit_of(pattern):
        return None
    divisor = magnitude // 10 ** (str(pattern.pattern).count("0") - 1)
    if (value * 10) % divisor:  # one decimal at most: 1.4亿, not 1.05万
        return None
    return format_compact_decimal(
        value, format_type="short", locale=locale.babel, fraction_digits=1
    )


def _unit_of(pattern: Any) -> str:
    """Return the word or sign a compact pattern adds to the digits ("万", "K"), or ""."""
    return re.sub(r"[0#.,'\s]", "", str(pattern.pattern))


def _duration(value: float | int, unit: str, locale: LocaleInfo) -> str:
    """Return "45 minutes" in the locale's words; where CLDR lacks the long form (zh minutes), the short one."""
    written = format_unit(value, unit, length="long", locale=locale.babel)
    if unit in written:  # Babel returns the unit's id when the locale has no pattern for it
        written = format_unit(value, unit, length="short", locale=locale.babel)
    return written


def _compact(value: float, locale: LocaleInfo) -> str:
    """Return "32 million" in the locale's words; CLDR has only a short form for some (3200万)."""
    try:
        return format_compact_decimal(
            value, format_type="long", locale=locale.babel, fraction_digits=1
        )
    except KeyError:
        return format_compact_decimal(
            value, format_type="short", locale=locale.babel, fraction_digits=1
        )


def _whole(value: float) -> float | int:
    return int(value) if value.is_integer() else value
