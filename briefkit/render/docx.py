"""Localised Markdown to DOCX with pandoc, then the fixes pandoc does not make (RTL tables, footer).

pandoc runs with --sandbox and raw HTML off, so a brief or a translation can neither embed a
local file nor pass raw OpenXML through; charts arrive as data: URIs.
"""

from __future__ import annotations

import base64
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

from babel.numbers import format_decimal
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from jinja2 import Environment

from briefkit.l10n.localise import LocalisedBrief
from briefkit.project import Project
from briefkit.render.charts import chart_png
from briefkit.render.html import language_name
from briefkit.render.templating import (
    Gettext,
    edition_environment,
    edition_gettext,
    render_template,
)
from briefkit.sources.segments import plain_text

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
UPRIGHT_LANGUAGES = ("ar", "fa", "he", "ur", "zh", "ja", "ko")
_NO_ITALIC_SCRIPT = re.compile(
    "[\u0590-\u08ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufb1d-\ufdff\ufe70-\ufeff]"
)
BOX_STYLES = {"heading": "Key Messages Heading", "item": "Key Messages"}
READER = "commonmark+pipe_tables+fenced_divs+implicit_figures-raw_html"
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
    markdown, alts, pictures = _input_and_pictures(brief, env, project)
    raw = _pandoc(markdown, brief, project.templates_dir / "docx", where, pictures)
    document = Document(io.BytesIO(raw))
    _describe_images(document, alts)
    _key_messages_box(document)
    _full_width_tables(document)
    _set_language(document, brief)
    if brief.locale.language in UPRIGHT_LANGUAGES:
        _upright(document)
    if brief.locale.is_rtl:
        _mark_rtl(document)
    _footer(document, brief, gettext)
    _properties(document, brief)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue(), brief.date)


def docx_markdown(brief: LocalisedBrief, env: Environment, project: Project) -> str:
    """Return the Markdown handed to pandoc (charts still as `chart:` links)."""
    return render_template(
        env,
        TEMPLATE,
        brief=brief,
        body=brief.body,
        source=project.locale(project.source_locale),
        format_number=lambda n: format_decimal(n, locale=brief.locale.babel),
        language_name=language_name,
    )


def pandoc_input(
    brief: LocalisedBrief, env: Environment, project: Project
) -> tuple[str, list[str]]:
    """Return the Markdown pandoc reads (charts embedded as pictures) and the charts' alt texts."""
    markdown, alts, _ = _input_and_pictures(brief, env, project)
    return markdown, alts


def _input_and_pictures(
    brief: LocalisedBrief, env: Environment, project: Project
) -> tuple[str, list[str], list[str]]:
    """Return pandoc's Markdown, the charts' alt texts, and the SHA-1 of each chart's data: URI:
    the only pictures the filter lets into the DOCX."""
    markdown = docx_markdown(brief, env, project)
    return _embed_charts(markdown, brief, env, project.templates_dir / "pdf")


def _embed_charts(
    markdown: str, brief: LocalisedBrief, env: Environment, assets: Path
) -> tuple[str, list[str], list[str]]:
    """Replace each chart image by its PNG captioned by its title; return the alt texts in order
    and the SHA-1 of each picture's URI."""
    pictures = {
        cid: base64.b64encode(chart_png(brief, chart, env, assets)).decode("ascii")
        for cid, chart in brief.charts.items()
    }
    digests = [
        hashlib.sha1(
            f"data:image/png;base64,{data}".encode("ascii"), usedforsecurity=False
        ).hexdigest()
        for data in pictures.values()
    ]
    alts: list[str] = []

    def picture(match: re.Match[str]) -> str:
        alts.append(_plain(match["alt"]))
        caption = match["title"] or match["alt"]
        image = f"{match['lead']}![{caption}](data:image/png;base64,{pictures[match['src'][6:]]})"
        if match["lead"].strip():
            return image
        # As in the PDF, the alt text is also printed under the chart for every reader.
        return f'{image}\n\n::: {{custom-style="Chart Description"}}\n{match["alt"]}\n:::'

    return _CHART_LINE.sub(picture, markdown), alts, digests


_CHART_LINE = re.compile(
    r"^(?P<lead>[ \t>*+\-\d.)]*)"
    r"!\[(?P<alt>(?:[^\]\\]|\\.)*)\]"
    r'\((?P<src>chart:[a-z0-9_]+)(?:\s+"(?P<title>(?:[^"\\]|\\.)*)")?\)[ \t]*$',
    re.M,
)


def _describe_images(document: DocxDocument, alts: list[str]) -> None:
    """Give each picture its alt text (pandoc would use the caption)."""
    pictures = list(document.element.body.iter(qn("wp:docPr")))
    for picture, alt in zip(pictures, alts, strict=False):
        picture.set("descr", alt)
    # pandoc also describes the picture itself by its URI: the whole chart again, in base64.
    for inner in document.element.body.iter(qn("pic:cNvPr")):
        if inner.get("descr", "").startswith("data:"):
            inner.set("descr", "")


def _key_messages_box(document: DocxDocument) -> None:
    """Give the key messages' heading and items the box styles (pandoc gives list items its own)."""
    from docx.text.paragraph import Paragraph

    for element in _bookmarked(document.element.body, KEY_MESSAGES):
        paragraph = Paragraph(element, document._body)
        heading = paragraph.style is not None and paragraph.style.name.startswith("Heading")
        paragraph.style = document.styles[BOX_STYLES["heading" if heading else "item"]]


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
        f"title={_plain(brief.title)}",
        "--metadata",
        f"lang={brief.locale.bcp47}",
        "--metadata",
        f"dir={brief.locale.direction}",
        "--metadata",
        f"briefkit-pictures={' '.join(pictures) or '-'}",
    ]
    if brief.subtitle:
        command += ["--metadata", f"subtitle={_plain(brief.subtitle)}"]
    return command


def _set_language(document: DocxDocument, brief: LocalisedBrief) -> None:
    """Set the document language for Latin, East Asian and complex-script text alike."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    tag = brief.locale.bcp47
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), "zh-CN" if brief.locale.language == "zh" else tag)
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


def _footer(document: DocxDocument, brief: LocalisedBrief, gettext: Gettext) -> None:
    """Write "Page x of y" in the brief's language, with live PAGE and NUMPAGES fields."""
    text = gettext("Page %(page)s of %(pages)s")
    footer = document.sections[0].footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    if brief.locale.is_rtl:
        _add_bidi(paragraph._p.get_or_add_pPr())
    paragraph.add_run(f"{brief.publisher} · ")
    for part in re.split(r"(%\((?:page|pages)\)s)", text):
        if part in ("%(page)s", "%(pages)s"):
            _field(paragraph.add_run(), "PAGE" if part == "%(page)s" else "NUMPAGES")
        elif part:
            paragraph.add_run(part)


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
