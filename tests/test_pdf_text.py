"""The text layer of every built PDF, read back as search, copy and screen readers get it.

The search measure: every run of at least 12 letters of every entry a PDF prints (its text
between placeholders and markup), looked for in the text pdfium (Chrome's PDF engine) and
poppler (`pdftotext`) extract, ignoring white space, hyphens, bidi controls and quote style.
"""

from __future__ import annotations

import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2
import pytest
from markdown_it import MarkdownIt

from briefkit.catalogs.po import TEMPLATES_DOMAIN, po_path, pot_path, read_catalog
from briefkit.l10n.editions import Edition
from briefkit.pipeline import Request, build, output_path
from briefkit.project import Project
from briefkit.render.html import render_html
from briefkit.render.pdf_tags import read_structure
from briefkit.render.templating import edition_environment
from briefkit.sources.placeholders import PLACEHOLDER

TARGET = 99.0
# Where a reader's own bidi still loses Arabic text, measured on the series (percent found).
# pdfium turns a right-to-left line round segment by segment, so a Latin name of several
# words inside Arabic comes back with its words in reverse order ("Foundation Watch
# Internet"; core/fxcrt/fx_bidi.cpp, CFX_BidiString). poppler does not mirror the brackets it
# turns round ("(NCMEC)" comes back ")NCMEC("), while pdfium does; one ToUnicode entry
# cannot serve both, and the glyph is mapped to the bracket it shows. Each is a floor:
# falling below it is a regression; the target above stays the goal (the xfail says so).
FLOORS = {
    # 86.8 and 83.4 before the bidi levels were marked in the text layer (invisible
    # right-to-left marks where the direction changes); 57.2 and 55.3 before it was mended.
    ("ar", "pdfium"): 94.5,  # 94.7 measured
    ("ar", "poppler"): 90.5,  # 90.9 measured
}
MIN_LETTERS = 12
BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# U+FFFE is how pdfium gives back a hyphen it recognises at a line break (a soft hyphen).
HYPHENS = "-\u2010\u2011\u00ad\ufffe"
QUOTES = "'\"“”„‟«»‘’‚‛‹›「」『』"
IGNORED = str.maketrans({**dict.fromkeys(BIDI_CONTROLS + HYPHENS), **dict.fromkeys(QUOTES, '"')})
INLINE = MarkdownIt("commonmark").enable("table")


def pdfium_text(path: Path) -> str:
    document = pypdfium2.PdfDocument(path)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def poppler_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


EXTRACTORS: dict[str, Callable[[Path], str]] = {"pdfium": pdfium_text, "poppler": poppler_text}


def searchable(text: str) -> str:
    """Return text as the measure compares it: composed, without white space, hyphens,
    bidi controls, and with one kind of quotation mark."""
    return "".join(unicodedata.normalize("NFC", text).translate(IGNORED).split())


def runs(entry: str) -> list[str]:
    """Return the runs of an entry between placeholders and markup with enough letters."""
    marked = PLACEHOLDER.sub("\ue000", entry)
    pieces = [
        piece
        for token in INLINE.parseInline(marked)[0].children or []
        if token.type in ("text", "code_inline")
        for piece in token.content.split("\ue000")
    ]
    return [p for p in pieces if sum(c.isalpha() for c in p) >= MIN_LETTERS]


class _Text(HTMLParser):
    """The text content of an HTML page's body."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.skip += tag in ("head", "style", "script")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("head", "style", "script")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(project: Project, edition: Edition) -> str:
    env = edition_environment(project.templates_dir, edition)
    parser = _Text()
    parser.feed(render_html(edition.brief, env, project.locale(project.source_locale)))
    return " ".join(parser.parts)


def translated_entries(
    project: Project, slug: str, locale: str, domains: tuple[str, ...] = ()
) -> list[str]:
    """Return every translated entry of the brief's catalog and of the page furniture."""
    domains = domains or (slug, TEMPLATES_DOMAIN)
    if locale == project.source_locale:
        catalogs = [read_catalog(pot_path(project.translations_dir, d)) for d in domains]
        return [str(m.id) for c in catalogs for m in c if m.id and isinstance(m.id, str)]
    entries = []
    for domain in domains:
        for message in read_catalog(po_path(project.translations_dir, locale, domain), locale):
            if (
                message.id
                and isinstance(message.string, str)
                and message.string
                and not message.fuzzy
            ):
                entries.append(message.string)
    return entries


@dataclass(frozen=True)
class Measure:
    found: int
    total: int
    missed: tuple[str, ...]

    @property
    def percent(self) -> float:
        return 100.0 * self.found / self.total


@pytest.fixture(scope="module")
def series_measures(built_series: Project) -> dict[tuple[str, str], Measure]:
    """The search measure of the series, per locale and extractor (over its four briefs)."""
    report = build(built_series, Request(allow_partial=True, formats=()))
    tallies: dict[tuple[str, str], tuple[int, int, list[str]]] = {}
    for edition in report.editions:
        slug, locale = edition.brief.slug, edition.brief.locale.code
        printed = searchable(html_text(built_series, edition))
        wanted = [
            run
            for entry in translated_entries(built_series, slug, locale)
            for run in runs(entry)
            if searchable(run) in printed
        ]
        for name, extract in EXTRACTORS.items():
            text = searchable(extract(output_path(built_series, slug, locale, "pdf")))
            missed = [run for run in wanted if searchable(run) not in text]
            found, total, misses = tallies.get((locale, name), (0, 0, []))
            tallies[(locale, name)] = (
                found + len(wanted) - len(missed),
                total + len(wanted),
                misses + missed,
            )
    return {key: Measure(f, t, tuple(m)) for key, (f, t, m) in tallies.items()}


CASES = [
    (locale, name) for locale in ("en", "fr", "es", "ru", "ar", "zh_Hans") for name in EXTRACTORS
]


@pytest.mark.parametrize(
    ("locale", "extractor"),
    [
        pytest.param(*case, marks=pytest.mark.xfail(strict=True, reason=f"floor {FLOORS[case]} %"))
        if case in FLOORS
        else case
        for case in CASES
    ],
)
def test_search_finds_what_was_written(
    series_measures: dict[tuple[str, str], Measure], locale: str, extractor: str
) -> None:
    measure = series_measures[(locale, extractor)]
    assert measure.total > 100
    assert measure.percent >= TARGET, (measure.percent, measure.missed[:5])


@pytest.mark.parametrize("case", list(FLOORS), ids=[f"{loc}-{ext}" for loc, ext in FLOORS])
def test_search_does_not_fall_below_its_floor(
    series_measures: dict[tuple[str, str], Measure], case: tuple[str, str]
) -> None:
    measure = series_measures[case]
    assert measure.percent >= FLOORS[case], (measure.percent, measure.missed[:5])


def test_the_measure_ignores_only_white_space_hyphens_bidi_controls_and_quote_style() -> None:
    assert searchable("« on‐line »\u2067 87 %\u2069") == searchable('"on-line"87%')
    assert searchable("حجمًا") != searchable("حجما")
    assert runs("Reports rose by **{{ rise }}** since [the baseline year](https://x.org).") == [
        "Reports rose by ",
        "the baseline year",
    ]


def spoken(project: Project, slug: str, locale: str) -> list[tuple[str, str]]:
    """Return (role, text) of every structure element, as a screen reader gets its text."""
    root = read_structure(output_path(project, slug, locale, "pdf"))
    return [(node.role, " ".join(node.text.split())) for node in root.walk()]


@pytest.mark.parametrize("slug", ["overview", "governments", "civil-society", "technology"])
def test_the_arabic_title_reads_as_written(built_series: Project, slug: str) -> None:
    catalog = read_catalog(po_path(built_series.translations_dir, "ar", slug), "ar")
    [title] = [m.string for m in catalog if m.id and m.auto_comments[:1] == ["title"]]
    assert ("H1", title) in spoken(built_series, slug, "ar")


def test_a_sentence_of_arabic_and_figures_reads_as_written(built_series: Project) -> None:
    """The first key message: Arabic words, a percentage, years and "32 مليون", in order."""
    report = build(built_series, Request(locales=("ar",), briefs=("overview",), formats=()))
    message = report.editions[0].brief.key_messages[0]
    written = "".join(c for c in message if c not in BIDI_CONTROLS).replace("**", "")
    assert "87%" in written and "2019" in written and "32 مليون" in written
    items = [
        text.removeprefix("• ")
        for role, text in spoken(built_series, "overview", "ar")
        if role == "LI"
    ]
    assert items[0] == written


def spaced(text: str) -> str:
    """Return text with soft hyphens dropped and every run of white space one space."""
    return " ".join(text.replace("\u00ad", "").split())


@pytest.mark.parametrize("locale", ["en", "fr", "es", "ru", "ar", "zh_Hans"])
def test_the_structure_tree_reads_every_entry_as_written(
    built_series: Project, locale: str
) -> None:
    """What a screen reader reads: each run of each printed brief entry, with the spaces at
    line breaks (and none made up where Chinese breaks between characters), in reading order."""
    report = build(built_series, Request(locales=(locale,), allow_partial=True, formats=()))
    missed, total = [], 0
    for edition in report.editions:
        slug = edition.brief.slug
        printed = spaced(html_text(built_series, edition))
        tree = spaced(read_structure(output_path(built_series, slug, locale, "pdf")).text)
        entries = translated_entries(built_series, slug, locale, (slug,))
        for run in (spaced(r) for e in entries for r in runs(e) if spaced(r) in printed):
            total += 1
            if run not in tree:
                missed.append(run)
    # Not a vacuous pass: the series has 68 such runs in Chinese (the fewest), 291-298 elsewhere.
    assert total > 60
    assert missed == []


def test_a_hyphenation_point_is_a_soft_hyphen(built_series: Project) -> None:
    """A word broken at a line end reads as one word: the hyphen WeasyPrint draws there is
    tagged as a soft hyphen (poppler gives U+00AD, pdfium its line-end hyphen, U+FFFE)."""
    path = output_path(built_series, "overview", "en", "pdf")
    lines = poppler_text(path).splitlines()
    # The typesetting rules hyphenate less (7 letters, 3 each side, never a last word): the
    # English overview now breaks 4 words at line ends.
    assert sum(line.endswith("\u00ad") for line in lines) >= 3
    # The hyphen WeasyPrint draws at a break is U+2010 in the font; a U+002D at a line end is
    # the source's own, where a compound breaks after its hyphen ("high-|risk"), and stays.
    assert not any(line.endswith("\u2010") for line in lines)
    assert "\ufffe" in pdfium_text(path) and "\u2010" not in pdfium_text(path)
