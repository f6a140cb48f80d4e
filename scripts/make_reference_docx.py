#!/usr/bin/env python3
"""Regenerate templates/docx/reference.docx: pandoc's default reference, restyled for the series.

Run: .venv/bin/python scripts/make_reference_docx.py
The styles mirror templates/pdf/brief.css (fonts, colours, key-messages box, notice).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pypandoc
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from briefkit.render.docx import PPR_ORDER  # noqa: E402

OUT = ROOT / "templates" / "docx" / "reference.docx"
INK, ACCENT, MUTED, NOTICE = "1D2630", "0B5C7A", "4A5A6A", "8A4B00"
# Paragraph properties must come in schema order or Word rejects the file.
PPR_AFTER_SHD = tuple(f"w:{tag}" for tag in PPR_ORDER[PPR_ORDER.index("shd") + 1 :])
LATIN, CJK, ARABIC = "Noto Sans", "Noto Sans CJK SC", "Noto Naskh Arabic"


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
    _page(document)
    styles = document.styles
    _paragraph(styles["Title"], size=24, bold=True, color=INK, after=4)
    _paragraph(styles["Subtitle"], size=13, color="3A4652", after=6)
    for name, size in (("Heading 1", 16), ("Heading 2", 13.5), ("Heading 3", 11.5)):
        _paragraph(styles[name], size=size, bold=True, color=ACCENT, before=12, after=4)
    _paragraph(styles["Body Text"], size=10.5, after=5)
    _paragraph(styles["First Paragraph"], size=10.5, after=5)
    _paragraph(styles["Block Text"], size=10.5, italic=True, color="34414D", after=6)
    _custom(styles, "Series", size=9, bold=True, color=ACCENT, after=8)
    _custom(styles, "Meta", size=9, color=MUTED, after=2)
    _custom(styles, "Notice", size=8.5, color=NOTICE, after=8, border=NOTICE)
    # The key-messages box: heading and items share shading, border and indent, so Word draws
    # one box around them. The heading stays at outline level 2 for navigation and PDF export.
    _custom(styles, "Key Messages", size=10.5, after=4, shade="E6F0F4", border=ACCENT, indent=True)
    _custom(
        styles,
        "Key Messages Heading",
        base="Heading 2",
        size=12,
        bold=True,
        color=ACCENT,
        before=0,
        after=4,
        shade="E6F0F4",
        border=ACCENT,
        indent=True,
        outline=1,
    )
    _custom(styles, "Chart Description", size=8, color=MUTED, after=8)
    _custom(styles, "Small Print", size=8.5, color="34414D", after=4)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(OUT))
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


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


def _page(document: Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(22), Mm(24)


def _paragraph(
    style,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    color: str | None = None,
    before: float = 0,
    after: float = 0,
) -> None:
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.name = None
    if color:
        style.font.color.rgb = RGBColor.from_string(color)
    style.paragraph_format.space_before = Pt(before)
    style.paragraph_format.space_after = Pt(after)


def _custom(
    styles,
    name: str,
    *,
    base: str = "Body Text",
    shade: str | None = None,
    border: str | None = None,
    indent: bool = False,
    outline: int | None = None,
    **font,
) -> None:
    style = (
        styles[name]
        if name in [s.name for s in styles]
        else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    )
    style.base_style = styles[base]
    _paragraph(style, **font)
    ppr = style.element.get_or_add_pPr()
    if indent:  # the indent of pandoc's first list level, so list items and heading align
        style.paragraph_format.left_indent = Pt(36)
        style.paragraph_format.first_line_indent = Pt(-18)
    if outline is not None:
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(outline))
        ppr.insert_element_before(level, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr")
    if shade:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), shade)
        ppr.insert_element_before(shading, *PPR_AFTER_SHD)
    if border:
        borders = OxmlElement("w:pBdr")
        start = OxmlElement("w:left")
        for key, value in (("val", "single"), ("sz", "24"), ("space", "8"), ("color", border)):
            start.set(qn(f"w:{key}"), value)
        borders.append(start)
        ppr.insert_element_before(borders, "w:shd", *PPR_AFTER_SHD)


if __name__ == "__main__":
    sys.exit(main())
