"""Build the sample project and read every artifact back, as a reader's software would."""

from __future__ import annotations

import re

import pikepdf
import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from briefkit.pipeline import output_path
from briefkit.project import Project

TITLES = {
    "en": "Reports keep rising",
    "fr": "Les signalements continuent d’augmenter",
    "ar": "البلاغات مستمرة في الارتفاع",
    "zh_Hans": "举报数量持续上升",
}
# The same figures (32 million, 87 %) as each locale writes them, per CLDR.
FIGURES = {
    "en": ["32 million", "87%"],
    "fr": ["32 millions", "87\u00a0%"],
    "ar": ["32 مليون", "87%"],
    "zh_Hans": ["3200万", "87%"],
}
LOCALES = list(TITLES)


def pdf_text(project: Project, locale: str) -> str:
    reader = PdfReader(output_path(project, "sample", locale, "pdf"))
    return "\n".join(page.extract_text() for page in reader.pages)


def squeeze(text: str) -> str:
    """Return text without any white space (line wrapping differs between formats)."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("locale", LOCALES)
def test_pdf_has_translated_title_language_and_metadata(built_sample: Project, locale: str) -> None:
    path = output_path(built_sample, "sample", locale, "pdf")
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == locale.replace("_", "-")
        assert str(pdf.docinfo["/Title"]) == TITLES[locale]
        assert "/StructTreeRoot" in pdf.Root  # tagged
    if locale in ("en", "fr", "zh_Hans"):  # pypdf cannot put shaped Arabic back into logical order
        assert squeeze(TITLES[locale]) in squeeze(pdf_text(built_sample, locale))


def test_arabic_pdf_text_is_arabic(built_sample: Project) -> None:
    text = pdf_text(built_sample, "ar")
    assert sum(1 for c in text if "\u0600" <= c <= "\u06ff" or "\ufe70" <= c <= "\ufeff") > 100


@pytest.mark.parametrize("locale", LOCALES)
def test_docx_has_translated_headings_in_heading_styles_and_language(
    built_sample: Project, locale: str
) -> None:
    document = Document(str(output_path(built_sample, "sample", locale, "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    # The series line comes first, as on the PDF's cover; then the title.
    assert [p.style.name for p in document.paragraphs[:2]] == ["Series", "Title"]
    assert document.paragraphs[1].text == TITLES[locale]
    expected = {"en": "Context", "fr": "Contexte", "ar": "السياق", "zh_Hans": "背景"}[locale]
    assert expected in headings
    lang = (
        document.styles.element.find(qn("w:docDefaults"))
        .find(qn("w:rPrDefault"))
        .find(qn("w:rPr"))
        .find(qn("w:lang"))
    )
    word_tags = {"en": "en-US", "fr": "fr-FR", "ar": "ar-EG", "zh_Hans": "zh-CN"}  # as Word writes
    assert lang.get(qn("w:val")) == word_tags[locale]
    assert document.core_properties.language == locale.replace("_", "-")


def test_arabic_docx_is_right_to_left_throughout(built_sample: Project) -> None:
    document = Document(str(output_path(built_sample, "sample", "ar", "docx")))
    body = document.element.body
    paragraphs = list(body.iter(qn("w:p")))
    assert paragraphs and all(
        p.find(qn("w:pPr")).find(qn("w:bidi")) is not None for p in paragraphs
    )
    tables = list(body.iter(qn("w:tbl")))
    assert tables and all(
        t.find(qn("w:tblPr")).find(qn("w:bidiVisual")) is not None for t in tables
    )


def test_latin_docx_is_not_marked_right_to_left(built_sample: Project) -> None:
    document = Document(str(output_path(built_sample, "sample", "fr", "docx")))
    assert not list(document.element.body.iter(qn("w:bidi")))


@pytest.mark.parametrize("locale", LOCALES)
def test_figures_are_formatted_per_locale_in_both_formats(
    built_sample: Project, locale: str
) -> None:
    document = Document(str(output_path(built_sample, "sample", locale, "docx")))
    docx_text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    for figure in FIGURES[locale]:
        assert figure in docx_text, (locale, figure)
    if locale != "ar":
        pdf = squeeze(pdf_text(built_sample, locale))
        for figure in [
            *FIGURES[locale],
            {"fr": "10\u202f000", "zh_Hans": "1万"}.get(locale, "10,000"),
        ]:  # 10,000 is in the chart
            assert squeeze(figure) in pdf, (locale, figure)


def test_charts_reach_the_docx_as_pictures_with_alt_text(built_sample: Project) -> None:
    document = Document(str(output_path(built_sample, "sample", "fr", "docx")))
    described = [e.get("descr") for e in document.element.body.iter(qn("wp:docPr"))]
    assert described == ["Diagramme en barres : les signalements sont passés de 139 à 10\u202f000"]
