#!/usr/bin/env python3
"""Regenerate templates/docx/reference.docx: pandoc's default reference, restyled for the series.

Run: .venv/bin/python scripts/make_reference_docx.py
The styles mirror templates/pdf/brief.css (fonts, sizes, colours, cover, key-messages box, notice,
tables, charts, page furniture). Every style the DOCX uses is defined here; bold, italics and size
are set for complex scripts too (bCs, iCs, szCs), or Arabic would ignore them.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pypandoc
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from briefkit.render.docx import PPR_ORDER, RPR_FROM_B  # noqa: E402

OUT = ROOT / "templates" / "docx" / "reference.docx"
INK, ACCENT, MUTED, NOTICE, RULE = "1D2630", "0B5C7A", "4A5A6A", "8A4B00", "B9C8D2"
SOFT = "E6F0F4"  # the key-messages box
# Paragraph properties must come in schema order or Word rejects the file.
PPR_AFTER_SHD = tuple(f"w:{tag}" for tag in PPR_ORDER[PPR_ORDER.index("shd") + 1 :])
PPR_AFTER_PBDR = ("w:shd", *PPR_AFTER_SHD)
LATIN, CJK, ARABIC = "Noto Sans", "Noto Sans CJK SC", "Noto Naskh Arabic"
TEXT_WIDTH = Mm(170)  # A4 less 20 mm margins
# Arabic is set larger than Latin, as in the PDF (11.5 pt where Latin is 10.5 pt): szCs only
# sizes complex-script runs, so the same style serves both.
ARABIC_BODY = 11.5


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "reference.docx"
        base.write_bytes(
            subprocess.run(
                [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
                check=True,
                capture_output=True,
            ).stdout
        )
        document = Document(str(base))
    _defaults(document)
    _no_theme_fonts(document)
    _page(document)
    styles = document.styles
    _cover(styles)
    for name, size in (("Heading 1", 16), ("Heading 2", 13.5)):
        _paragraph(styles[name], size=size, bold=True, color=ACCENT, before=14, after=5)
    _paragraph(styles["Heading 3"], size=11.5, bold=True, color=INK, before=10, after=4)
    for name in ("Body Text", "First Paragraph"):
        _paragraph(styles[name], size=10.5, after=6, complex_size=ARABIC_BODY)
    _paragraph(styles["Compact"], size=10.5, before=2, after=3, complex_size=ARABIC_BODY)
    _paragraph(styles["Block Text"], size=10.5, italic=True, color="34414D", before=6, after=6)
    _borders(styles["Block Text"], {"left": (RULE, 2.5, 12)}, indent=(16, 12))
    _key_messages(styles)
    _charts(styles)
    _tables(document)
    _custom(styles, "Source", size=8.5, after=2)
    _custom(styles, "Small Print", size=8.5, color="34414D", after=4)
    _furniture(styles)
    link = _style(styles, "Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor.from_string(ACCENT)
    link.font.underline = False
    _style(styles, "Chart Anchor", WD_STYLE_TYPE.CHARACTER)
    _complex_script_twins(document)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(OUT))
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


def _cover(styles) -> None:
    """Series line, title, subtitle and meta lines, all at the start of the line as in the PDF."""
    _custom(styles, "Series", size=9, bold=True, color=ACCENT, after=14, tracking=0.36)
    title = styles["Title"]
    _paragraph(title, size=24, bold=True, color=INK, after=8, line=1.0)
    _outline(title, 0)  # the title is the level-1 heading; the body's ## are level 2
    subtitle = styles["Subtitle"]
    subtitle.base_style = styles["Normal"]  # not Title: it is no heading
    _paragraph(subtitle, size=13, color="3A4652", after=11, line=1.1)
    for style in (title, subtitle):
        ppr = style.element.get_or_add_pPr()
        for unwanted in ("w:jc", "w:numPr", "w:contextualSpacing"):
            for element in ppr.findall(qn(unwanted)):
                ppr.remove(element)
        style.paragraph_format.keep_with_next = True
    _custom(styles, "Meta", size=9, color=MUTED, after=4)
    # The accent rule under the cover: an empty paragraph, since the cover's last line varies.
    _custom(styles, "Cover Rule", size=1, after=17, line=1.0)
    _borders(styles["Cover Rule"], {"bottom": (ACCENT, 3, 0)}, indent=(0, 0))
    # The notice's side rule and its space sit inside the margin: the text is indented by both.
    _custom(styles, "Notice", size=8.5, color=NOTICE, before=8, after=4)
    _borders(styles["Notice"], {"left": (NOTICE, 2, 8)}, indent=(12, 0))


def _key_messages(styles) -> None:
    """The key-messages box: heading and items share shading, borders and indents, so Word draws
    one box around them, padded by the space of borders drawn in the box's own colour."""
    sides = {
        "top": (SOFT, 0.5, 10),
        "left": (ACCENT, 4, 12),
        "bottom": (SOFT, 0.5, 8),
        "right": (SOFT, 0.5, 14),
    }
    _custom(styles, "Key Messages", size=10.5, after=5, shade=SOFT, complex_size=ARABIC_BODY)
    _custom(
        styles,
        "Key Messages Heading",
        base="Heading 2",
        size=12,
        bold=True,
        color=ACCENT,
        before=0,
        after=6,
        shade=SOFT,
        outline=1,
    )
    for name in ("Key Messages", "Key Messages Heading"):
        # A hanging indent puts the first line (the bullet) at the box's edge; the heading has
        # the same indents so that Word groups the paragraphs into one box.
        _borders(styles[name], sides, indent=(36, 16), hanging=18)


def _charts(styles) -> None:
    """A chart is its caption, its chart part and its description in one ruled frame."""
    frame = {side: (RULE, 0.75, 6) for side in ("top", "left", "bottom", "right")}
    _custom(styles, "Chart Title", size=10, bold=True, color=INK, before=10, after=4)
    _custom(styles, "Chart", size=10.5, after=2)
    _custom(styles, "Chart Description", size=8, color=MUTED, after=10)
    for name in ("Chart Title", "Chart"):
        styles[name].paragraph_format.keep_with_next = True
    for name in ("Chart Title", "Chart", "Chart Description"):
        _borders(styles[name], frame, indent=(8, 8))


def _tables(document) -> None:
    """The table style: rules under rows, a bold accent header row with a heavier rule."""
    styles = document.styles
    _custom(styles, "Table Text", size=9.5, before=0, after=0, line=1.15)
    _custom(styles, "Table Heading", base="Table Text", size=9.5, bold=True, color=ACCENT)
    for name in ("Table Text", "Table Heading"):
        styles[name].paragraph_format.keep_together = True
    table = styles["Table"].element
    tblpr = table.find(qn("w:tblPr"))
    margins = tblpr.find(qn("w:tblCellMar"))
    for side, twips in (("top", 91), ("left", 142), ("bottom", 91), ("right", 142)):
        margins.find(qn(f"w:{side}")).set(qn("w:w"), str(twips))
    borders = OxmlElement("w:tblBorders")
    for side in ("bottom", "insideH"):
        borders.append(_border(side, RULE, 0.6, 0))
    margins.addprevious(borders)
    first = table.find(qn("w:tblStylePr"))
    for old in first.findall(qn("w:tcPr")):
        first.remove(old)
    rpr = OxmlElement("w:rPr")
    for tag in ("w:b", "w:bCs"):
        rpr.append(OxmlElement(tag))
    color = OxmlElement("w:color")
    color.set(qn("w:val"), ACCENT)
    rpr.append(color)
    tcpr = OxmlElement("w:tcPr")
    edges = OxmlElement("w:tcBorders")
    edges.append(_border("bottom", ACCENT, 1.25, 0))
    tcpr.append(edges)
    first.append(rpr)
    first.append(tcpr)


def _furniture(styles) -> None:
    """Header and footer: 8 pt, muted, one line with a tab stop at the end of the text."""
    for name in ("Header", "Footer"):
        style = _style(styles, name, WD_STYLE_TYPE.PARAGRAPH)
        # Word's built-in ids, which the header and footer parts name (python-docx would make
        # custom styles "header" and "footer" that nothing refers to).
        style.element.set(qn("w:styleId"), name)
        style.element.attrib.pop(qn("w:customStyle"), None)
        style.base_style = styles["Normal"]
        _paragraph(style, size=8, color=MUTED)
        style.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.END)


def _no_theme_fonts(document: Document) -> None:
    """Take theme fonts off the styles (pandoc's headings name the theme's Aptos Display and
    Times New Roman): every style takes the document's Noto fonts from the defaults."""
    for style in document.styles.element.iter(qn("w:style")):
        rpr = style.find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None and any("Theme" in key or "theme" in key for key in fonts.attrib):
            rpr.remove(fonts)


def _defaults(document: Document) -> None:
    rpr = (
        document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    )
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for key, value in (("ascii", LATIN), ("hAnsi", LATIN), ("eastAsia", CJK), ("cs", ARABIC)):
        fonts.set(qn(f"w:{key}"), value)
    for tag in ("w:sz", "w:szCs"):  # text without a style (the footer's fields) is body size
        size = rpr.find(qn(tag))
        if size is None:
            size = OxmlElement(tag)
            rpr.append(size)
        size.set(qn("w:val"), "21")
    _order_run_properties(rpr)


def _page(document: Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(22), Mm(24)
    section.header_distance = section.footer_distance = Mm(12)


def _paragraph(
    style,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    color: str | None = None,
    before: float = 0,
    after: float = 0,
    line: float | None = None,
    tracking: float | None = None,
    complex_size: float | None = None,
) -> None:
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.name = None
    if color:
        style.font.color.rgb = RGBColor.from_string(color)
    style.paragraph_format.space_before = Pt(before)
    style.paragraph_format.space_after = Pt(after)
    if line is not None:
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
        style.paragraph_format.line_spacing = line
    rpr = style.element.get_or_add_rPr()
    for old in rpr.findall(qn("w:spacing")):  # pandoc's Subtitle pulls letters apart
        rpr.remove(old)
    if (
        tracking is not None
    ):  # letter-spacing in twentieths of a point (taken off in Arabic, Chinese)
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(round(tracking * 20)))
        rpr.append(spacing)
    if complex_size is not None:
        for old in rpr.findall(qn("w:szCs")):
            rpr.remove(old)
        twin = OxmlElement("w:szCs")
        twin.set(qn("w:val"), str(round(complex_size * 2)))
        rpr.append(twin)
    _order_run_properties(rpr)


def _style(styles, name: str, kind: WD_STYLE_TYPE):
    return styles[name] if name in [s.name for s in styles] else styles.add_style(name, kind)


def _custom(
    styles,
    name: str,
    *,
    base: str = "Body Text",
    shade: str | None = None,
    outline: int | None = None,
    **font,
) -> None:
    style = _style(styles, name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    _paragraph(style, **font)
    if outline is not None:
        _outline(style, outline)
    if shade:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), shade)
        style.element.get_or_add_pPr().insert_element_before(shading, *PPR_AFTER_SHD)


def _outline(style, level: int) -> None:
    ppr = style.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:outlineLvl")):
        ppr.remove(old)
    element = OxmlElement("w:outlineLvl")
    element.set(qn("w:val"), str(level))
    ppr.insert_element_before(element, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr")


def _borders(
    style,
    sides: dict[str, tuple[str, float, float]],
    *,
    indent: tuple[float, float],
    hanging: float = 0,
) -> None:
    """Give a style borders (colour, width in pt, space in pt) and the indents (start, end) that
    keep the borders and their space inside the margins."""
    ppr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            borders.append(_border(side, *sides[side]))
    ppr.insert_element_before(borders, *PPR_AFTER_PBDR)
    style.paragraph_format.left_indent = Pt(indent[0])
    style.paragraph_format.right_indent = Pt(indent[1])
    style.paragraph_format.first_line_indent = Pt(-hanging) if hanging else Pt(0)


def _border(side: str, color: str, width: float, space: float):
    element = OxmlElement(f"w:{side}")
    for key, value in (
        ("val", "single"),
        ("sz", str(round(width * 8))),  # eighths of a point
        ("space", str(round(space))),  # points
        ("color", color),
    ):
        element.set(qn(f"w:{key}"), value)
    return element


def _complex_script_twins(document) -> None:
    """Give every bold, italic and size its complex-script twin (bCs, iCs, szCs), as Word does,
    so Arabic headings are bold; a twin set on purpose (Arabic body size) is kept."""
    for rpr in document.styles.element.iter(qn("w:rPr")):
        for latin, twin in (("w:b", "w:bCs"), ("w:i", "w:iCs"), ("w:sz", "w:szCs")):
            source = rpr.find(qn(latin))
            if source is None:
                continue
            existing = rpr.find(qn(twin))
            keep = existing is not None and latin == "w:sz" and _deliberate(rpr, source, existing)
            if existing is not None and not keep:
                rpr.remove(existing)
            if not keep:
                copy = OxmlElement(twin)
                if source.get(qn("w:val")) is not None:
                    copy.set(qn("w:val"), source.get(qn("w:val")))
                rpr.append(copy)
        _order_run_properties(rpr)


def _deliberate(rpr, size, twin) -> bool:
    """Return whether a szCs was set by this script (the Arabic body size), not pandoc's default."""
    return twin.get(qn("w:val")) == str(round(ARABIC_BODY * 2)) and size.get(qn("w:val")) == "21"


def _order_run_properties(rpr) -> None:
    """Sort a run's properties into schema order (ECMA-376 CT_RPr), as Word requires."""
    order = ["rStyle", "rFonts", *RPR_FROM_B]
    rpr[:] = sorted(rpr, key=lambda e: order.index(e.tag.split("}")[1]))


if __name__ == "__main__":
    sys.exit(main())
