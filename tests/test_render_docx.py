"""The DOCX as Word reads it: the key-messages box, right-to-left sections, schema order, tables."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from lxml import etree

from briefkit.locales import locale_info
from briefkit.pipeline import output_path
from briefkit.project import Project
from briefkit.render.charts import C
from briefkit.render.docx import PPR_ORDER, word_language

LOCALES = ["en", "fr", "ar", "zh_Hans"]


def document(project: Project, locale: str):  # type: ignore[no-untyped-def]
    return Document(str(output_path(project, "sample", locale, "docx")))


@pytest.mark.parametrize("locale", LOCALES)
def test_key_messages_are_a_box_of_list_items_under_a_navigable_heading(
    built_sample: Project, locale: str
) -> None:
    paragraphs = document(built_sample, locale).paragraphs
    box = [p for p in paragraphs if p.style.name.startswith("Key Messages")]
    assert [p.style.name for p in box] == ["Key Messages Heading", "Key Messages", "Key Messages"]
    assert all(p._p.pPr.numPr is not None for p in box[1:])
    heading = box[0].style
    assert heading.base_style.name == "Heading 2"
    assert heading.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == "1"
    shading = {p.style.element.pPr.find(qn("w:shd")).get(qn("w:fill")) for p in box}
    assert shading == {"E6F0F4"}


@pytest.mark.parametrize("locale", LOCALES)
def test_paragraph_properties_are_in_schema_order(built_sample: Project, locale: str) -> None:
    doc = document(built_sample, locale)
    for root in (doc.element.body, doc.styles.element):
        for ppr in root.iter(qn("w:pPr")):
            tags = [child.tag.split("}")[1] for child in ppr]
            assert tags == sorted(tags, key=PPR_ORDER.index), tags


def test_arabic_section_is_right_to_left_and_side_borders_are_on_the_right(
    built_sample: Project,
) -> None:
    doc = document(built_sample, "ar")
    assert doc.sections[0]._sectPr.find(qn("w:bidi")) is not None
    for name in ("Notice", "Key Messages", "Key Messages Heading"):
        assert heaviest_border(doc, name) == "right", name


def heaviest_border(doc, name: str) -> str:  # type: ignore[no-untyped-def]
    """Return the side of a style's rule: its widest border (the others only pad the box)."""
    borders = doc.styles[name].element.pPr.find(qn("w:pBdr"))
    widest = max(borders, key=lambda b: int(b.get(qn("w:sz"))))
    return str(widest.tag.split("}")[1])


def test_latin_section_keeps_its_borders_on_the_left(built_sample: Project) -> None:
    doc = document(built_sample, "fr")
    assert doc.sections[0]._sectPr.find(qn("w:bidi")) is None
    for name in ("Notice", "Key Messages", "Key Messages Heading"):
        assert heaviest_border(doc, name) == "left", name


def test_chart_alt_text_is_printed_under_the_picture_as_in_the_pdf(built_sample: Project) -> None:
    paragraphs = document(built_sample, "en").paragraphs
    described = [p.text for p in paragraphs if p.style.name == "Chart Description"]
    assert described == ["Bar chart: reports rose from 139 to 10,000"]


@pytest.mark.parametrize("locale", LOCALES)
def test_tables_span_the_text_width(built_sample: Project, locale: str) -> None:
    for table in document(built_sample, locale).element.body.iter(qn("w:tbl")):
        width = table.find(qn("w:tblPr")).find(qn("w:tblW"))
        assert (width.get(qn("w:type")), width.get(qn("w:w"))) == ("pct", "5000")


@pytest.mark.parametrize("locale", ["ar", "zh_Hans"])
def test_arabic_and_chinese_styles_are_upright(built_sample: Project, locale: str) -> None:
    styles = document(built_sample, locale).styles.element
    slanted = [
        style.get(qn("w:styleId"))
        for style in styles.iter(qn("w:style"))
        for italic in style.iter(qn("w:i"), qn("w:iCs"))
        if italic.get(qn("w:val")) not in ("0", "false")
    ]
    assert slanted == []


def test_latin_quotes_and_captions_keep_their_italics(built_sample: Project) -> None:
    styles = document(built_sample, "fr").styles
    assert styles["Block Text"].font.italic is True


# Word's own reading: styles, language, direction, fonts.

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_style_the_document_uses_is_defined(built_sample: Project, locale: str) -> None:
    files = parts(output_path(built_sample, "sample", locale, "docx"))
    defined = {
        style.get(f"{W}styleId")
        for style in etree.fromstring(files["word/styles.xml"]).iter(f"{W}style")
    }
    used = {
        element.get(f"{W}val")
        for name, data in files.items()
        if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name)
        for element in etree.fromstring(data).iter(f"{W}pStyle", f"{W}rStyle", f"{W}tblStyle")
    }
    assert {"Footer", "Header", "Title", "Table"} <= used
    assert used - defined == set()


@pytest.mark.parametrize("locale", LOCALES)
def test_bold_italics_and_size_are_set_for_complex_scripts_too(
    built_sample: Project, locale: str
) -> None:
    styles = document(built_sample, locale).styles.element
    for rpr in styles.iter(qn("w:rPr")):
        for latin, twin in (("w:b", "w:bCs"), ("w:i", "w:iCs"), ("w:sz", "w:szCs")):
            if rpr.find(qn(latin)) is not None:
                assert rpr.find(qn(twin)) is not None, (rpr.getparent().get(qn("w:styleId")), twin)


def test_the_title_is_the_level_one_heading_after_the_series_line(built_sample: Project) -> None:
    doc = document(built_sample, "en")
    names = [p.style.name for p in doc.paragraphs[:3]]
    assert names == ["Series", "Title", "Subtitle"]
    title = doc.styles["Title"].element.pPr
    assert title.find(qn("w:outlineLvl")).get(qn("w:val")) == "0"
    assert title.find(qn("w:jc")) is None  # at the start of the line, as in the PDF
    assert doc.styles["Subtitle"].element.pPr.find(qn("w:outlineLvl")) is None


@pytest.mark.parametrize("locale", ["ar", "zh_Hans"])
def test_no_letter_spacing_in_arabic_or_chinese(built_sample: Project, locale: str) -> None:
    styles = document(built_sample, locale).styles.element
    assert list(styles.iter(qn("w:spacing"))) == [] or all(
        s.getparent().tag == qn("w:pPr") for s in styles.iter(qn("w:spacing"))
    )


def test_latin_keeps_the_series_tracking(built_sample: Project) -> None:
    series = document(built_sample, "fr").styles["Series"].element.rPr
    assert series.find(qn("w:spacing")).get(qn("w:val")) == "7"


@pytest.mark.parametrize(
    ("locale", "tag"), [("en", "en-US"), ("fr", "fr-FR"), ("ar", "ar-EG"), ("zh_Hans", "zh-CN")]
)
def test_documents_carry_the_language_tag_word_writes(
    built_sample: Project, locale: str, tag: str
) -> None:
    rpr = (
        document(built_sample, locale)
        .styles.element.find(qn("w:docDefaults"))
        .find(f".//{qn('w:rPr')}")
    )
    lang = rpr.find(qn("w:lang"))
    assert lang.get(qn("w:val")) == tag
    if locale == "zh_Hans":
        assert lang.get(qn("w:eastAsia")) == "zh-CN"
    if locale == "ar":
        assert lang.get(qn("w:bidi")) == "ar-EG"


@pytest.mark.parametrize("locale", ["fr", "ar", "zh_Hans"])
def test_english_sources_and_publisher_are_marked_english_and_left_to_right(
    built_sample: Project, locale: str
) -> None:
    doc = document(built_sample, locale)
    names = ("Example Report", "example.org", "Fixture Publisher")
    english = [  # every run of the body, those inside hyperlinks included
        run for run in doc.element.body.iter(qn("w:r")) if any(n in run.text for n in names)
    ]
    assert len(english) >= 3
    for run in english:
        assert run.rPr.find(qn("w:lang")).get(qn("w:val")) == "en-US", run.text
        assert run.rPr.find(qn("w:rtl")) is None, run.text


def test_arabic_body_paragraphs_have_the_body_style(built_sample: Project) -> None:
    doc = document(built_sample, "ar")
    unstyled = [p.text for p in doc.paragraphs if p.text and p.style.name == "Normal"]
    assert unstyled == []
    assert any(p.style.name in ("Body Text", "First Paragraph") for p in doc.paragraphs)


def test_table_header_row_is_bold_and_a_long_label_column_is_wider(built_series: Project) -> None:
    doc = Document(str(output_path(built_series, "overview", "en", "docx")))
    [table] = doc.tables
    header = table.rows[0].cells
    assert {p.style.name for cell in header for p in cell.paragraphs} == {"Table Heading"}
    assert doc.styles["Table Heading"].font.bold is True
    grid = table._tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))
    label, figure = (int(col.get(qn("w:w"))) for col in grid)
    assert label > 1.8 * figure
    assert label + figure <= 9638  # the text width: nothing sticks out past the margins


def test_header_runs_the_series_and_the_footer_counts_pages(built_sample: Project) -> None:
    doc = document(built_sample, "fr")
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == ""
    series = doc.paragraphs[0].text  # "Série d’essai · Dossier 1"
    assert section.header.paragraphs[0].text == series.split(" · ")[0]
    footer = section.footer.paragraphs[0]
    codes = [t.text.strip() for t in footer._p.iter(qn("w:instrText"))]
    assert codes == ["PAGE", "NUMPAGES"]
    assert footer.text.startswith("Fixture Publisher\t")
    assert footer.style.style_id == "Footer" and footer.style.font.size.pt == 8


@pytest.mark.parametrize("locale", LOCALES)
def test_each_chart_is_an_inline_chart_part_with_its_alt_text(
    built_sample: Project, locale: str
) -> None:
    doc = document(built_sample, locale)
    frames = list(doc.element.body.iter(qn("wp:inline")))
    assert len(frames) == 1
    [frame] = frames
    described = [p.text for p in doc.paragraphs if p.style.name == "Chart Description"]
    assert frame.find(qn("wp:docPr")).get("descr") == described[0]
    chart = frame.find(f".//{{{C}}}chart")
    part = doc.part.related_parts[chart.get(R_ID)]
    assert part.partname == "/word/charts/chart1.xml"
    assert part.content_type == "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
    space = etree.fromstring(part.blob)
    value_axis = space.find(f".//{{{C}}}valAx/{{{C}}}scaling/{{{C}}}orientation").get("val")
    assert value_axis == ("maxMin" if locale == "ar" else "minMax")  # bars grow from the start
    assert list(doc.element.body.iter(qn("pic:pic"))) == []  # no picture left


@pytest.mark.parametrize("locale", LOCALES)
def test_fonts_are_embedded_as_obfuscated_subsets_of_the_families_used(
    built_sample: Project, locale: str
) -> None:
    path = output_path(built_sample, "sample", locale, "docx")
    doc = Document(str(path))
    files = parts(path)
    table = etree.fromstring(files["word/fontTable.xml"])
    rels = etree.fromstring(files["word/_rels/fontTable.xml.rels"])
    targets = {r.get("Id"): r.get("Target") for r in rels}
    text = "".join(t.text or "" for t in doc.element.body.iter(qn("w:t")))
    embedded: dict[str, set[str]] = {}
    for font in table.iter(f"{W}font"):
        for face in font:
            if not face.tag.startswith(f"{W}embed"):
                continue
            data = files[f"word/{targets[face.get(R_ID)]}"]
            plain = deobfuscate(data, face.get(f"{W}fontKey"))
            parsed = TTFont(io.BytesIO(plain))
            assert parsed["name"].getBestFamilyName() == font.get(f"{W}name")
            assert face.get(f"{W}subsetted") in ("1", "true")
            covered = set(map(chr, parsed.getBestCmap()))
            assert len(covered) < 3000  # a subset, not the whole font
            embedded.setdefault(font.get(f"{W}name"), set()).add(face.tag[len(W) :])
            if font.get(f"{W}name") == "Noto Sans":
                assert {c for c in text if c.isascii() and c.isprintable()} <= covered
    expected = {"Noto Sans"} | {"ar": {"Noto Naskh Arabic"}, "zh_Hans": {"Noto Sans CJK SC"}}.get(
        locale, set()
    )
    assert set(embedded) == expected
    assert all({"embedRegular", "embedBold"} <= faces for faces in embedded.values())
    settings = etree.fromstring(files["word/settings.xml"])
    assert settings.find(f"{W}embedTrueTypeFonts") is not None
    assert settings.find(f"{W}saveSubsetFonts") is not None


@pytest.mark.parametrize("locale", LOCALES)
def test_each_embedded_subset_shapes_and_draws_the_text_as_the_whole_face_does(
    built_sample: Project, locale: str
) -> None:
    """HarfBuzz shapes the document's text with the embedded subset and with the installed face:
    the same advances, offsets and outlines, glyph for glyph (Arabic joins, CJK, bold)."""
    import uharfbuzz as hb
    from fontTools.pens.recordingPen import DecomposingRecordingPen

    from briefkit.l10n.fonts import resolve_face

    def drawn(font: TTFont, face: hb.Face, text: str, shaped: bool) -> list[tuple[object, ...]]:
        """Each glyph's advance, offsets and outline: as HarfBuzz shapes the text, or (a subset
        without layout tables, as Word sets Latin and Chinese) each character's own glyph."""
        glyphs, order = font.getGlyphSet(), font.getGlyphOrder()
        if shaped:
            buffer = hb.Buffer()
            buffer.add_str(text)
            buffer.guess_segment_properties()
            hb.shape(hb.Font(face), buffer)
            placed = [
                (order[info.codepoint], position.x_advance, position.x_offset, position.y_offset)
                for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True)
            ]
        else:
            cmap = font.getBestCmap()
            placed = [(cmap[ord(c)], font["hmtx"][cmap[ord(c)]][0], 0, 0) for c in text]
        found = []
        for name, *position in placed:
            pen = DecomposingRecordingPen(glyphs)  # a component's name is not kept
            glyphs[name].draw(pen)
            found.append((*position, repr(pen.value)))
        return found

    path = output_path(built_sample, "sample", locale, "docx")
    files = parts(path)
    table = etree.fromstring(files["word/fontTable.xml"])
    targets = {
        r.get("Id"): r.get("Target")
        for r in etree.fromstring(files["word/_rels/fontTable.xml.rels"])
    }
    lines = [t.text for t in Document(str(path)).element.body.iter(qn("w:t")) if t.text]
    compared = 0
    for entry in table.iter(f"{W}font"):
        for embed in entry:
            if not embed.tag.startswith(f"{W}embed"):
                continue
            data = deobfuscate(files[f"word/{targets[embed.get(R_ID)]}"], embed.get(f"{W}fontKey"))
            subset = TTFont(io.BytesIO(data))
            covered = set(subset.getBestCmap())
            text = [line for line in lines if {ord(c) for c in line} <= covered]
            assert text, (entry.get(f"{W}name"), embed.tag)
            whole = resolve_face(entry.get(f"{W}name"), embed.tag[len(W) + len("embed") :])
            whole_font = TTFont(whole.path, fontNumber=whole.index, lazy=True)
            whole_face = hb.Face(hb.Blob.from_file_path(str(whole.path)), whole.index)
            shaped = any("\u0600" <= c <= "\u06ff" for c in "".join(text))  # Arabic joins
            for line in text:
                mine = drawn(subset, hb.Face(data), line, shaped)
                assert mine == drawn(whole_font, whole_face, line, shaped), line
            compared += 1
    assert compared >= 2


def deobfuscate(data: bytes, key: str) -> bytes:
    """Undo §17.8.1 as the standard words it: the key's hex digits read in pairs from the end."""
    digits = key.strip("{}").replace("-", "")
    secret = [int(digits[i : i + 2], 16) for i in range(30, -1, -2)]
    return bytes(b ^ secret[i % 16] for i, b in enumerate(data[:32])) + data[32:]


@pytest.mark.parametrize(
    ("code", "tag"),
    [
        ("en", "en-US"),
        ("ar", "ar-EG"),
        ("zh_Hans", "zh-CN"),
        ("zh_Hant", "zh-TW"),
        ("sr_Latn", "sr-Latn-RS"),
        ("pt_BR", "pt-BR"),
    ],
)
def test_word_language_tags(code: str, tag: str) -> None:
    assert word_language(locale_info(code)) == tag


@pytest.mark.parametrize("locale", ["en", "fr", "ar", "zh_Hans"])
def test_no_markdown_syntax_leaks_into_the_text(built_sample: Project, locale: str) -> None:
    """A span the renderer builds (a passage in the source language) reaches pandoc as Markdown
    even inside a translated sentence, which `_` escapes: none of it may show as text."""
    text = "\n".join(p.text for p in document(built_sample, locale).paragraphs)
    for leak in ("{lang=", "]{", "\\[", "\\]", 'dir="ltr"'):
        assert leak not in text, leak
