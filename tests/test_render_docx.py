"""The DOCX as Word reads it: the key-messages box, right-to-left sections, schema order, tables."""

from __future__ import annotations

import pytest
from docx import Document
from docx.oxml.ns import qn

from briefkit.pipeline import output_path
from briefkit.project import Project
from briefkit.render.docx import PPR_ORDER

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
