"""The PDF and the DOCX of every edition say the same thing: headings, tables, charts, list items, figures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from briefkit.errors import RenderError
from briefkit.pipeline import output_path
from briefkit.project import Project
from briefkit.render.parity import check_parity, summarise_docx, summarise_pdf


def check(project: Project, slug: str, locale: str) -> None:
    check_parity(
        slug,
        locale,
        project.locale(locale).is_rtl,
        output_path(project, slug, locale, "pdf"),
        output_path(project, slug, locale, "docx"),
    )


@pytest.mark.parametrize("locale", ["en", "fr", "ar", "zh_Hans"])
def test_sample_pdf_and_docx_say_the_same(built_sample: Project, locale: str) -> None:
    check(built_sample, "sample", locale)
    summary = summarise_pdf(output_path(built_sample, "sample", locale, "pdf"))
    assert (summary.tables, summary.charts, summary.list_items) == (1, 1, 5)
    assert len(summary.headings) == 5
    assert ("87", 1) in summary.numbers
    if locale == "zh_Hans":  # Chinese writes the round 10,000 as 1万 (CLDR's myriads)
        reader = PdfReader(output_path(built_sample, "sample", locale, "pdf"))
        assert any("1万" in page.extract_text() for page in reader.pages)
    else:
        assert ("10000", 1) in summary.numbers


@pytest.mark.parametrize("locale", ["en", "fr", "es", "ru", "ar", "zh_Hans"])
def test_series_pdf_and_docx_say_the_same(built_series: Project, locale: str) -> None:
    for path in built_series.brief_paths():
        check(built_series, path.stem, locale)


def test_a_difference_names_brief_locale_and_what_differs(
    built_sample: Project, tmp_path: Path
) -> None:
    docx = tmp_path / "sample_fr.docx"
    shutil.copy(output_path(built_sample, "sample", "fr", "docx"), docx)
    document = Document(str(docx))
    for paragraph in document.paragraphs:
        if paragraph.text == "Contexte" or paragraph.text.startswith("L’escalade"):
            paragraph._p.getparent().remove(paragraph._p)
    document.save(str(docx))
    with pytest.raises(RenderError) as caught:
        check_parity("sample", "fr", False, output_path(built_sample, "sample", "fr", "pdf"), docx)
    assert caught.value.message == (
        "sample fr: the PDF and the DOCX differ: heading only in the PDF: 'Contexte'; "
        "list items: PDF has 5, DOCX has 4; figures differ: only in the PDF ['19'], only in the DOCX []"
    )
    assert caught.value.fix == (
        "both are rendered from the same localised brief: fix the renderer that drops or adds it"
    )


def test_key_messages_count_as_list_items_in_the_docx_box(built_sample: Project) -> None:
    summary = summarise_docx(output_path(built_sample, "sample", "en", "docx"))
    assert "Key messages" in summary.headings
    assert summary.list_items == 5  # two key messages, two body items, one source
