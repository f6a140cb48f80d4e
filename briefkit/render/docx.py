"""Localised Markdown to DOCX with pandoc, then the fixes pandoc does not make (RTL tables, footer).

pandoc runs with --sandbox and raw HTML off, so a brief or a translation can neither embed a
local file nor pass raw OpenXML through; charts arrive as data: URIs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.core import Locale, get_global
from babel.numbers import format_decimal
from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from jinja2 import Environment

from briefkit.errors import RenderError
from briefkit.l10n.localise import LocalisedBrief
from briefkit.locales import LocaleInfo
from briefkit.project import Project
from briefkit.render.charts import CONTENT_TYPE as CHART_CONTENT_TYPE
from briefkit.render.charts import ChartFonts, chart_size, chart_xml
from briefkit.render.docx_fonts import embed_fonts, fall_back_in_complex_script
from briefkit.render.html import language_name
from briefkit.render.templating import (
    Gettext,
    MarkdownSafe,
    edition_environment,
    edition_gettext,
    render_template,
)
from briefkit.sources.segments import fold, markdown_parser, plain_text

if TYPE_CHECKING:
    from briefkit.l10n.editions import Edition

TEMPLATE = "docx/brief.md.j2"
KEY_MESSAGES = "key-messages"  # the template's div: pandoc writes it as a bookmark around the box
# A paragraph's properties in schema order (ECMA-376 CT_PPrBase), and what follows w:bidi in a
# section's (CT_SectPr): Word refuses a file whose elements come out of order.
PPR_ORDER = (  # noqa: SIM905 (the schema, as words; a list literal would run to 36 lines)
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr"
    " shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE"
    " autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents"
    " suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle"
    " rPr sectPr pPrChange"
).split()
PPR_AFTER_BIDI = tuple(f"w:{tag}" for tag in PPR_ORDER[PPR_ORDER.index("bidi") + 1 :])
# A run's properties in schema order (ECMA-376 CT_RPr), from bold on.
RPR_FROM_B = (  # noqa: SIM905 (the schema, as words)
    "b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid"
    " vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText"
    " vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()
RPR_AFTER_B = tuple(f"w:{tag}" for tag in RPR_FROM_B[1:])
SECTPR_AFTER_BIDI = ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
BORDER_ORDER = ("top", "left", "bottom", "right", "between", "bar")
LOGICAL_ALIGNMENT = {"left": "start", "right": "end"}
# Scripts with no italic: Word would slant the glyphs. Quotes and captions stay upright and
# emphasis is bold, as in the PDF's CSS; runs in Latin script keep their italics.
EAST_ASIAN = ("zh", "ja", "ko")
UPRIGHT_LANGUAGES = ("ar", "fa", "he", "ur", "zh", "ja", "ko")
_NO_ITALIC_SCRIPT = re.compile(
    "[\u0590-\u08ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufb1d-\ufdff\ufe70-\ufeff]"
)
SOURCES = "sources"  # the template's div around the sources list
COVER_RULE = "Cover Rule"
TEXT_WIDTH_TWIPS = 9638  # A4 less 20 mm margins
WIDEST_CELL = 50  # characters: longer cells wrap rather than squeeze the other columns
TBLPR_AFTER_LAYOUT = ("w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
LATIN_LANGUAGE = "en-US"  # Latin words in an Arabic brief are names and titles in English
_LATIN = re.compile("[A-Za-z]")
_RTL_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
BULLETS = ("•", "–")  # by list depth, in the text font (Noto Sans has both)
CHART_ANCHOR = "Chart Anchor"  # the character style of the run a chart part replaces
CHART_PREFIX = "chart:"
BOX_STYLES = {"heading": "Key Messages Heading", "item": "Key Messages"}
READER = "commonmark+pipe_tables+fenced_divs+bracketed_spans+implicit_figures-raw_html"
TIMEOUT = 120


def render_edition(project: Project, edition: Edition) -> bytes:
    """Return the DOCX of an edition."""
    env = edition_environment(project.templates_dir, edition)
    return render_docx(
        edition.brief, env, project, f"{edition.what} docx", edition_gettext(edition)
    )


def render_docx(
    brief: LocalisedBrief, env: Environment, project: Project, where: str, gettext: Gettext
) -> bytes:
    """Return the DOCX of a localised brief."""
    markdown, alts, anchor = pandoc_input(brief, env, project)
    # No picture is let into the DOCX: charts are native chart parts (the filter's allow-list).
    raw = _pandoc(markdown, brief, project.templates_dir / "docx", where, [])
    document = Document(io.BytesIO(raw))
    _insert_charts(document, brief, alts, anchor, where)
    _body_text(document)
    _cover_rule(document)
    _key_messages_box(document)
    _sources(document)
    _full_width_tables(document)
    _style_tables(document)
    _set_language(document, brief)
    _complex_script_twins(document)
    if brief.locale.language in UPRIGHT_LANGUAGES:
        _upright(document)
        _no_letter_spacing(document)
    if brief.locale.is_rtl:
        _mark_rtl(document)
        _latin_runs_left_to_right(document)
        _charts_left_to_right(document)
    _bullets(document)
    _header(document, brief)
    _footer(document, brief, gettext)
    _properties(document, brief)
    if brief.locale.is_rtl:
        fall_back_in_complex_script(document)
    embed_fonts(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue(), brief.date)


def docx_markdown(brief: LocalisedBrief, env: Environment, project: Project) -> str:
    """Return the Markdown handed to pandoc (charts still as `chart:` links)."""
    source = project.locale(project.source_locale)
    span = f'lang="{word_language(source)}" dir="ltr"'
    return render_template(
        env,
        TEMPLATE,
        brief=brief,
        body=mark_spans(brief, source, project.is_preview),
        source=source,
        source_span=span,  # source entries are in their original language, as in the PDF
        # In a right-to-left paragraph a left-to-right mark closes each entry, so that a URL's
        # final slash stays at its end (a neutral there would take the paragraph's direction).
        end_ltr="\u200e" if brief.locale.is_rtl else "",
        in_source=lambda text: MarkdownSafe(
            _escape(text) if source == brief.locale else f"[{_escape(text)}]{{{span}}}"
        ),
        format_number=lambda n: format_decimal(n, locale=brief.locale.babel),
        language_name=language_name,
    )


def mark_spans(brief: LocalisedBrief, source: LocaleInfo, preview: bool) -> str:
    """Return the body with each text shown in the source language in a span of that language
    (pandoc writes it as the runs' w:lang: Word hyphenates and checks it as English), and, in a
    preview, fallback and fuzzy text highlighted."""
    if not (brief.fallback or (preview and brief.fuzzy)):
        return brief.body
    lines = brief.body.split("\n")
    tokens = markdown_parser().parse(brief.body)
    row: list[int] | None = None
    for token in tokens:
        if token.type == "tr_open":
            row = token.map
        if token.type != "inline":
            continue
        text = fold(token.content)
        fallback, fuzzy = text in brief.fallback, preview and text in brief.fuzzy
        where = token.map or row
        if not (fallback or fuzzy) or where is None or not token.content.strip():
            continue
        inner = "[{}]{.mark}" if preview else "{}"
        outer = "[" + inner + "]{lang=" + source.bcp47 + "}" if fallback else inner
        _wrap(lines, where[0], where[1], token.content, outer)
    return "\n".join(lines)


def _wrap(lines: list[str], first: int, last: int, content: str, pattern: str) -> None:
    """Wrap content, found across lines[first:last], as pattern.format(content) would."""
    parts = content.split("\n")
    start = lines[first].find(parts[0])
    end_line = first + len(parts) - 1
    if start < 0 or end_line >= last or end_line >= len(lines):
        return  # not found as written: leave the text as it is
    end = lines[end_line].find(parts[-1], start if end_line == first else 0)
    if end < 0:
        return
    end += len(parts[-1])
    opening, _, closing = pattern.partition("{}")
    tail = lines[end_line]
    lines[end_line] = tail[:end] + closing + tail[end:]
    lines[first] = lines[first][:start] + opening + lines[first][start:]


def word_language(locale: LocaleInfo) -> str:
    """Return the language tag as Word writes it: language and region (zh-CN for zh_Hans, ar-EG),
    with the script only where the region does not imply it (sr-Latn-RS)."""
    likely = get_global("likely_subtags")
    own = Locale.parse(locale.code)
    full = Locale.parse(likely.get(str(own)) or likely[own.language])
    territory = own.territory or full.territory
    regional = likely.get(f"{own.language}_{territory}")
    implied = Locale.parse(regional).script if regional else full.script
    script = f"-{own.script}" if own.script and own.script != implied else ""
    return f"{own.language}{script}-{territory}"


def pandoc_input(
    brief: LocalisedBrief, env: Environment, project: Project
) -> tuple[str, list[str], str]:
    """Return the Markdown pandoc reads (each chart an anchor to replace), the charts' alt texts
    and the text every anchor starts with."""
    return _anchor_charts(docx_markdown(brief, env, project), brief)


def _anchor_charts(markdown: str, brief: LocalisedBrief) -> tuple[str, list[str], str]:
    """Replace each chart image by its caption, an anchor for its chart part and its description,
    in the PDF's order; return the alt texts in order.

    An anchor's text holds a digest of the whole Markdown, which no text inside it can contain,
    so a translation cannot place a chart part of its own."""
    alts: list[str] = []
    prefix = f"{CHART_PREFIX}{_digest(markdown)}:"

    def anchor(match: re.Match[str]) -> str:
        alts.append(_plain(match["alt"]))
        chart_id = match["src"][6:]
        span = f'[{prefix}{chart_id}]{{custom-style="{CHART_ANCHOR}"}}'
        if match["lead"].strip():  # inside a list item or a quote: the chart alone
            return f"{match['lead']}{span}"
        title = _unescape(match["title"] or "") or brief.charts[chart_id].title
        return (
            f'::: {{custom-style="Chart Title"}}\n{_escape(title)}\n:::\n\n'
            f'::: {{custom-style="Chart"}}\n{span}\n:::\n\n'
            # As in the PDF, the alt text is also printed under the chart for every reader.
            f'::: {{custom-style="Chart Description"}}\n{match["alt"]}\n:::'
        )

    return _CHART_LINE.sub(anchor, markdown), alts, prefix


def _digest(markdown: str) -> str:
    return hashlib.sha256(markdown.encode()).hexdigest()[:16]


def _escape(text: str) -> str:
    """Return plain text as Markdown that reads back as that text."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


_CHART_LINE = re.compile(
    r"^(?P<lead>[ \t>*+\-\d.)]*)"
    r"!\[(?P<alt>(?:[^\]\\]|\\.)*)\]"
    r'\((?P<src>chart:[a-z0-9_]+)(?:\s+"(?P<title>(?:[^"\\]|\\.)*)")?\)[ \t]*$',
    re.M,
)


def _insert_charts(
    document: DocxDocument, brief: LocalisedBrief, alts: list[str], prefix: str, where: str
) -> None:
    """Put a native chart part where each anchor stands, with the alt text on its frame."""
    anchors = [
        run
        for run in document.element.body.iter(qn("w:r"))
        if _run_style(run) == _style_id(document, CHART_ANCHOR)
        and _run_text(run).startswith(prefix)
    ]
    if len(anchors) != len(alts):
        raise RenderError(
            f"{where}: {len(alts)} charts in the Markdown, {len(anchors)} in pandoc's DOCX",
            fix="give each chart a paragraph of its own, or a list item or quote to itself",
        )
    fonts = _chart_fonts(document, brief)
    ids = [int(d.get("id", "0")) for d in document.element.body.iter(qn("wp:docPr"))]
    next_id = max(ids, default=0) + 1
    for number, (run, alt) in enumerate(zip(anchors, alts, strict=True), start=1):
        chart = brief.charts[_run_text(run).removeprefix(prefix)]
        part = Part(
            PackURI(f"/word/charts/chart{number}.xml"),
            CHART_CONTENT_TYPE,
            chart_xml(chart, fonts, rtl=brief.locale.is_rtl),
            document.part.package,
        )
        rid = document.part.relate_to(part, RT.CHART)
        width, height = chart_size(chart)
        for child in list(run):
            if child.tag != qn("w:rPr"):
                run.remove(child)
        run.append(_chart_drawing(rid, next_id, number, alt, width, height))
        next_id += 1


def _chart_drawing(rid: str, shape_id: int, number: int, alt: str, cx: int, cy: int) -> Any:
    """Return a w:drawing holding an inline chart frame."""
    drawing = parse_xml(
        f"<w:drawing {nsdecls('w', 'wp', 'a', 'c', 'r')}>"
        f'<wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{shape_id}" name="Chart {number}"/>'
        "<wp:cNvGraphicFramePr/>"
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        f'<c:chart r:id="{rid}"/>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing>"
    )
    drawing.find(f".//{qn('wp:docPr')}").set("descr", alt)  # set, so the text is escaped
    return drawing


def _chart_fonts(document: DocxDocument, brief: LocalisedBrief) -> ChartFonts:
    fonts = document.styles.element.find(qn("w:docDefaults")).find(f".//{qn('w:rFonts')}")
    return ChartFonts(
        latin=fonts.get(qn("w:ascii")),
        east_asian=fonts.get(qn("w:eastAsia")),
        complex=fonts.get(qn("w:cs")),
        language=word_language(brief.locale),
    )


def _run_text(run: Any) -> str:
    return "".join(t.text or "" for t in run.iter(qn("w:t")))


def _run_style(run: Any) -> str | None:
    style = run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
    return None if style is None else str(style.get(qn("w:val")))


def _style_id(document: DocxDocument, name: str) -> str:
    return str(document.styles[name].style_id)


def _key_messages_box(document: DocxDocument) -> None:
    """Give the key messages' heading and items the box styles (pandoc gives list items its own)."""
    from docx.text.paragraph import Paragraph

    for element in _bookmarked(document.element.body, KEY_MESSAGES):
        paragraph = Paragraph(element, document._body)
        heading = paragraph.style is not None and paragraph.style.name.startswith("Heading")
        paragraph.style = document.styles[BOX_STYLES["heading" if heading else "item"]]


def _body_text(document: DocxDocument) -> None:
    """Give body paragraphs pandoc leaves unstyled (in a right-to-left document) Body Text."""
    style = _style_id(document, "Body Text")
    for paragraph in document.element.body.iterchildren(qn("w:p")):
        ppr = paragraph.get_or_add_pPr()
        if ppr.find(qn("w:pStyle")) is None and paragraph.find(qn("w:r")) is not None:
            ppr.style = style


def _cover_rule(document: DocxDocument) -> None:
    """Close the cover with the PDF's accent rule: an empty ruled paragraph before the key messages."""
    body = document.element.body
    start = next(
        (
            child
            for child in body.iterchildren(qn("w:bookmarkStart"))
            if child.get(qn("w:name")) == KEY_MESSAGES
        ),
        None,
    )
    if start is None:
        return
    rule = OxmlElement("w:p")
    rule.get_or_add_pPr().style = _style_id(document, COVER_RULE)
    start.addprevious(rule)


def _sources(document: DocxDocument) -> None:
    """Set the sources list in the small size of the PDF's list."""
    style = _style_id(document, "Source")
    for element in _bookmarked(document.element.body, SOURCES):
        ppr = element.get_or_add_pPr()
        if ppr.find(qn("w:numPr")) is not None:
            ppr.style = style


def _style_tables(document: DocxDocument) -> None:
    """Give cells the table's text styles (a bold header row) and columns widths by content."""
    text, heading = _style_id(document, "Table Text"), _style_id(document, "Table Heading")
    for table in document.element.body.iter(qn("w:tbl")):
        rows = table.findall(qn("w:tr"))
        for number, row in enumerate(rows, start=1):
            header = row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
            for paragraph in row.iter(qn("w:p")):
                ppr = paragraph.get_or_add_pPr()
                ppr.style = heading if header else text
                if number < len(rows):  # kept with the next row: one page, as in the PDF
                    ppr.keepNext_val = True
        _column_widths(table, rows)


def _column_widths(table: Any, rows: list[Any]) -> None:
    """Split the text width between columns by their longest text, as a browser's auto layout
    does, within bounds: a long label column no longer gets the same width as a figure's."""
    cells = [row.findall(qn("w:tc")) for row in rows]
    columns = max((len(row) for row in cells), default=0)
    if columns == 0:
        return
    lengths = [
        max((len(_cell_text(row[i])) for row in cells if i < len(row)), default=0)
        for i in range(columns)
    ]
    weights = [min(length, WIDEST_CELL) + 4 for length in lengths]
    widths = [round(TEXT_WIDTH_TWIPS * w / sum(weights)) for w in weights]
    grid = table.find(qn("w:tblGrid"))
    if grid is not None:
        for column, width in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
            column.set(qn("w:w"), str(width))
    for row in cells:
        for cell, width in zip(row, widths, strict=False):
            tcpr = cell.get_or_add_tcPr()
            tcw = tcpr.find(qn("w:tcW"))
            if tcw is None:
                tcw = OxmlElement("w:tcW")
                tcpr.insert(0, tcw)
            tcw.set(qn("w:w"), str(width))
            tcw.set(qn("w:type"), "dxa")
    tblpr = table.find(qn("w:tblPr"))
    if tblpr.find(qn("w:tblLayout")) is None:
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tblpr.insert_element_before(layout, *TBLPR_AFTER_LAYOUT)


def _cell_text(cell: Any) -> str:
    return "".join(t.text or "" for t in cell.iter(qn("w:t")))


def _complex_script_twins(document: DocxDocument) -> None:
    """Give each bold, italic and size a style sets its complex-script twin where it lacks one
    (pandoc adds styles of its own, such as the code highlighter's), or Arabic ignores it."""
    for rpr in document.styles.element.iter(qn("w:rPr")):
        for latin, twin in (("w:b", "w:bCs"), ("w:i", "w:iCs"), ("w:sz", "w:szCs")):
            source = rpr.find(qn(latin))
            if source is None or rpr.find(qn(twin)) is not None:
                continue
            copy = OxmlElement(twin)
            for key, value in source.attrib.items():
                copy.set(key, value)
            source.addnext(copy)  # each twin follows its Latin property in the schema


def _no_letter_spacing(document: DocxDocument) -> None:
    """Take the series line's letter-spacing off: it pulls joined Arabic letters apart, and
    Chinese is set solid (as in the PDF)."""
    for rpr in document.styles.element.iter(qn("w:rPr")):
        for spacing in rpr.findall(qn("w:spacing")):
            rpr.remove(spacing)


def _latin_runs_left_to_right(document: DocxDocument) -> None:
    """Mark runs of Latin words inside Arabic as left to right and English, as the PDF does;
    pandoc marks every run of a right-to-left document right to left, which puts a URL's slash
    and a title's full stop at the wrong end."""
    for run in document.element.body.iter(qn("w:r")):
        text = _run_text(run)
        if not _LATIN.search(text) or _RTL_LETTER.search(text):
            continue
        rpr = run.get_or_add_rPr()
        for rtl in rpr.findall(qn("w:rtl")):
            rpr.remove(rtl)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.insert_element_before(lang, *RPR_AFTER_LANG)
        if lang.get(qn("w:val")) is None:
            lang.set(qn("w:val"), LATIN_LANGUAGE)


def _bullets(document: DocxDocument) -> None:
    """Draw list bullets in the text font, as the PDF does: pandoc's come from Symbol,
    Wingdings and Courier New, which are neither embedded nor installed everywhere."""
    numbering = document.part.numbering_part.element
    defaults = document.styles.element.find(qn("w:docDefaults"))
    latin = defaults.find(f".//{qn('w:rFonts')}").get(qn("w:ascii"))
    for level in numbering.iter(qn("w:lvl")):
        kind = level.find(qn("w:numFmt"))
        if kind is None or kind.get(qn("w:val")) != "bullet":
            continue
        depth = int(level.get(qn("w:ilvl"), "0"))
        level.find(qn("w:lvlText")).set(qn("w:val"), BULLETS[depth % len(BULLETS)])
        rpr = level.find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None:  # the text font for every script (Noto Naskh Arabic has no bullet)
            for attribute in list(fonts.attrib):
                del fonts.attrib[attribute]
            for slot in ("ascii", "hAnsi", "cs"):
                fonts.set(qn(f"w:{slot}"), latin)


def _charts_left_to_right(document: DocxDocument) -> None:
    """Keep the paragraph that holds a chart left to right: the chart part mirrors itself, and
    LibreOffice mirrors a chart in a right-to-left paragraph a second time, reversing its text."""
    chart = _style_id(document, "Chart")
    for paragraph in document.element.body.iter(qn("w:p")):
        ppr = paragraph.pPr
        if ppr is None or ppr.style != chart:
            continue
        bidi = ppr.find(qn("w:bidi"))
        if bidi is not None:
            bidi.set(qn("w:val"), "0")
        for rtl in paragraph.iter(qn("w:rtl")):
            rtl.getparent().remove(rtl)


def _full_width_tables(document: DocxDocument) -> None:
    """Stretch every table across the text width, as in the PDF (pandoc sizes them for Letter)."""
    for table in document.element.body.iter(qn("w:tbl")):
        width = table.find(qn("w:tblPr")).find(qn("w:tblW"))
        if width is not None:
            width.set(qn("w:type"), "pct")
            width.set(qn("w:w"), "5000")


def _bookmarked(body: Any, name: str) -> list[Any]:
    """Return the paragraphs between the start and end of a top-level bookmark."""
    inside, found, mark = False, [], None
    for child in body.iterchildren():
        if child.tag == qn("w:bookmarkStart") and child.get(qn("w:name")) == name:
            inside, mark = True, child.get(qn("w:id"))
        elif child.tag == qn("w:bookmarkEnd") and inside and child.get(qn("w:id")) == mark:
            break
        elif inside and child.tag == qn("w:p"):
            found.append(child)
    return found


def _pandoc(
    markdown: str, brief: LocalisedBrief, docx_templates: Path, where: str, pictures: list[str]
) -> bytes:
    from briefkit.errors import RenderError

    with tempfile.TemporaryDirectory(prefix="briefkit-docx-") as tmp:
        output = Path(tmp) / "out.docx"
        command = pandoc_command(brief, docx_templates, output, pictures)
        try:
            result = subprocess.run(
                command, input=markdown.encode(), capture_output=True, timeout=TIMEOUT
            )
        except subprocess.TimeoutExpired:
            raise RenderError(
                f"{where}: pandoc took over {TIMEOUT} s",
                fix="report this brief; it may be pathological",
            ) from None
        if result.returncode != 0 or result.stderr.strip():
            message = result.stderr.decode(errors="replace").strip().splitlines()
            raise RenderError(
                f"{where}: pandoc failed: {message[0] if message else result.returncode}",
                fix="fix the Markdown it names; pandoc warnings are failures",
            )
        return output.read_bytes()


def pandoc_command(
    brief: LocalisedBrief, docx_templates: Path, output: Path, pictures: Iterable[str] = ()
) -> list[str]:
    """Return the pandoc command line that writes a brief's DOCX (its Markdown on stdin);
    pictures are the SHA-1 digests of the only image URIs the filter keeps (the charts)."""
    import pypandoc

    command = [
        pypandoc.get_pandoc_path(),
        "--from",
        READER,
        "--to",
        "docx",
        "--sandbox",
        "--fail-if-warnings",
        f"--reference-doc={docx_templates / 'reference.docx'}",
        f"--lua-filter={docx_templates / 'raw-html-as-text.lua'}",
        f"--output={output}",
        "--metadata",
        f"lang={brief.locale.bcp47}",  # pandoc knows zh-Hans, not zh-CN: Word's tag is set after
        "--metadata",
        f"dir={brief.locale.direction}",
        "--metadata",
        f"briefkit-pictures={' '.join(pictures) or '-'}",
        # The title and subtitle are the template's, after the series line as in the PDF.
        "--metadata",
        f"pagetitle={_plain(brief.title)}",
    ]
    return command


def _set_language(document: DocxDocument, brief: LocalisedBrief) -> None:
    """Set the document language for Latin, East Asian and complex-script text alike."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    tag = word_language(brief.locale)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag if brief.locale.language in EAST_ASIAN else "zh-CN")
    lang.set(qn("w:bidi"), tag if brief.locale.is_rtl else "ar-SA")


def _upright(document: DocxDocument) -> None:
    """Take italics off styles, and turn emphasis in the script's own text into bold."""
    for style in document.styles.element.iter(qn("w:style")):
        for italic in style.iter(qn("w:i"), qn("w:iCs")):
            italic.set(qn("w:val"), "0")
    for run in document.element.body.iter(qn("w:r")):
        rpr = run.find(qn("w:rPr"))
        text = "".join(t.text or "" for t in run.iter(qn("w:t")))
        if rpr is None or not _NO_ITALIC_SCRIPT.search(text):
            continue
        for italic in list(rpr.iter(qn("w:i"), qn("w:iCs"))):
            if italic.get(qn("w:val")) not in ("0", "false"):
                rpr.remove(italic)
                rpr.insert_element_before(OxmlElement("w:b"), *RPR_AFTER_B)


def _mark_rtl(document: DocxDocument) -> None:
    """Make every section, paragraph and table right to left (pandoc leaves the title and tables out)."""
    body = document.element.body
    for paragraph in body.iter(qn("w:p")):
        ppr = paragraph.get_or_add_pPr()
        _add_bidi(ppr)
        _align_start(ppr)
    for table in body.iter(qn("w:tbl")):
        tblpr = table.find(qn("w:tblPr"))
        if tblpr.find(qn("w:bidiVisual")) is None:
            tblpr.insert(_after_style(tblpr), OxmlElement("w:bidiVisual"))
    for section in body.iter(qn("w:sectPr")):
        if section.find(qn("w:bidi")) is None:  # page furniture and columns run right to left
            section.insert_element_before(OxmlElement("w:bidi"), *SECTPR_AFTER_BIDI)
    for style in document.styles.element.iter(qn("w:style")):
        ppr = style.find(qn("w:pPr"))
        if style.get(qn("w:type")) == "paragraph" and ppr is not None:
            _add_bidi(ppr)
            _mirror_borders(ppr)


def _add_bidi(ppr: Any) -> None:
    """Mark a paragraph's properties right to left, at the place the schema gives w:bidi."""
    if ppr.find(qn("w:bidi")) is None:
        ppr.insert_element_before(OxmlElement("w:bidi"), *PPR_AFTER_BIDI)


def _mirror_borders(ppr: Any) -> None:
    """Move a style's side border (notice, key messages) to the right: borders are physical."""
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        return
    for side in borders:
        if side.tag in (qn("w:left"), qn("w:right")):
            side.tag = qn("w:right") if side.tag == qn("w:left") else qn("w:left")
    borders[:] = sorted(borders, key=lambda side: BORDER_ORDER.index(side.tag.split("}")[1]))


def _align_start(ppr: Any) -> None:
    """Turn pandoc's physical alignment of table cells into logical: left is start, right is end."""
    jc = ppr.find(qn("w:jc"))
    if jc is not None and jc.get(qn("w:val")) in LOGICAL_ALIGNMENT:
        jc.set(qn("w:val"), LOGICAL_ALIGNMENT[jc.get(qn("w:val"))])


def _after_style(tblpr: Any) -> int:
    style = tblpr.find(qn("w:tblStyle"))
    return 0 if style is None else list(tblpr).index(style) + 1


def _header(document: DocxDocument, brief: LocalisedBrief) -> None:
    """Run the series line at the head of every page but the cover, as the PDF does."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    paragraph.style = document.styles["Header"]
    if brief.locale.is_rtl:
        _add_bidi(paragraph._p.get_or_add_pPr())
    _add_text(paragraph, _plain(brief.series), brief)


def _footer(document: DocxDocument, brief: LocalisedBrief, gettext: Gettext) -> None:
    """Write the publisher at the start and "Page x of y" in the brief's language at the end of
    every page's foot, the page numbers live PAGE and NUMPAGES fields."""
    section = document.sections[0]
    for footer in (section.footer, section.first_page_footer):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.style = document.styles["Footer"]
        if brief.locale.is_rtl:
            _add_bidi(paragraph._p.get_or_add_pPr())
        _add_text(paragraph, brief.publisher, brief, foreign=True)
        paragraph.add_run().add_tab()
        text = gettext("Page %(page)s of %(pages)s")
        for part in re.split(r"(%\((?:page|pages)\)s)", text):
            if part in ("%(page)s", "%(pages)s"):
                _field(paragraph.add_run(), "PAGE" if part == "%(page)s" else "NUMPAGES")
            elif part:
                _add_text(paragraph, part, brief)


def _add_text(paragraph: Any, text: str, brief: LocalisedBrief, *, foreign: bool = False) -> None:
    """Add a run in the brief's direction, or one left to right and English if foreign (the
    publisher's name is not translated)."""
    run = paragraph.add_run(text)._r
    if brief.locale.is_rtl and not foreign:
        run.get_or_add_rPr().append(OxmlElement("w:rtl"))
    elif foreign and brief.locale.language != "en":
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), LATIN_LANGUAGE)
        run.get_or_add_rPr().append(lang)


def _field(run: object, instruction: str) -> None:
    element = run._r  # type: ignore[attr-defined]
    for kind in ("begin", None, "separate", "end"):
        if kind is None:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {instruction} "
            element.append(code)
            continue
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        element.append(char)
        if kind == "separate":
            text = OxmlElement("w:t")
            text.text = "1"
            element.append(text)


def _properties(document: DocxDocument, brief: LocalisedBrief) -> None:
    props = document.core_properties
    props.title = _plain(brief.title)
    props.subject = _plain(brief.subtitle)
    props.author = brief.publisher
    props.language = brief.locale.bcp47
    created = dt.datetime.combine(brief.date, dt.time(), dt.UTC).replace(tzinfo=None)
    props.created = created
    props.modified = created  # the brief's date, as in the PDF: no build clock in the bytes
    props.last_modified_by = brief.publisher
    props.revision = 1


def normalise_zip(data: bytes, date: dt.date) -> bytes:
    """Return the DOCX zip with every member dated `date` and fixed permissions, so equal input
    gives equal bytes whenever and wherever it is built."""
    stamp = (date.year, date.month, date.day, 0, 0, 0)
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            clean = zipfile.ZipInfo(info.filename, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
            clean.compress_type = zipfile.ZIP_DEFLATED
            clean.external_attr = 0o644 << 16
            target.writestr(clean, source.read(info.filename))
    return buffer.getvalue()


def _plain(markdown: str) -> str:
    """Return inline Markdown as plain text (for metadata)."""
    return plain_text(markdown).strip() or markdown
