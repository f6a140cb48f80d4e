"""Every PDF of the sample and of the series, read back as assistive technology and viewers read it."""

from __future__ import annotations

import pikepdf
import pytest

from briefkit.pipeline import output_path
from briefkit.project import Project
from briefkit.render.pdf_tags import Node, read_structure

TITLES = {
    "en": "Reports keep rising",
    "fr": "Les signalements continuent d’augmenter",
    "ar": "البلاغات مستمرة في الارتفاع",
    "zh_Hans": "举报数量持续上升",
}
LOCALES = list(TITLES)
PAGE_COUNTERS = {"en": "Page1of", "fr": "Page1sur", "ar": "2نم1", "zh_Hans": "第1页"}


def open_pdf(project: Project, locale: str, slug: str = "sample") -> pikepdf.Pdf:
    return pikepdf.open(output_path(project, slug, locale, "pdf"))


def structure(project: Project, locale: str, slug: str = "sample") -> list[Node]:
    return list(read_structure(output_path(project, slug, locale, "pdf")).walk())


def outline_titles(pdf: pikepdf.Pdf) -> list[str]:
    with pdf.open_outline() as outline:
        titles: list[str] = []

        def walk(items: list[pikepdf.OutlineItem]) -> None:
            for item in items:
                titles.append(item.title)
                walk(item.children)

        walk(outline.root)
    return titles


def unisolated(text: str) -> str:
    """Return text without the bidi isolates that wrap figures in right-to-left editions."""
    return text.replace("\u2067", "").replace("\u2069", "")


def squeeze(text: str, rtl: bool) -> str:
    """Structure text is in visual order for Arabic: compare its letters, not their order."""
    letters = "".join(text.split())
    return "".join(sorted(letters)) if rtl else letters


@pytest.mark.parametrize("locale", LOCALES)
def test_pdf_ua_catalog_language_title_and_window_title(built_sample: Project, locale: str) -> None:
    with open_pdf(built_sample, locale) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == locale.replace("_", "-")
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title) == TITLES[locale]
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"] == TITLES[locale]
            assert xmp["pdfuaid:part"] == "1"


@pytest.mark.parametrize("locale", LOCALES)
def test_bookmarks_are_the_headings_in_order(built_sample: Project, locale: str) -> None:
    rtl = locale == "ar"
    headings = [n.text for n in structure(built_sample, locale) if n.role in ("H1", "H2", "H3")]
    with open_pdf(built_sample, locale) as pdf:
        titles = outline_titles(pdf)
    assert len(titles) == len(headings) == 5
    assert titles[0] == TITLES[locale]
    assert [squeeze(t, rtl) for t in titles] == [squeeze(h, rtl) for h in headings]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_font_is_embedded_and_none_is_a_slanted_script_font(
    built_sample: Project, locale: str
) -> None:
    with open_pdf(built_sample, locale) as pdf:
        fonts = {f.objgen: f for page in pdf.pages for f in page.Resources.Font.values()}
        for font in fonts.values():
            descriptor = font.DescendantFonts[0].FontDescriptor
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), font.BaseFont
            assert "/ToUnicode" in font, font.BaseFont
        names = {str(f.BaseFont).split("+")[1] for f in fonts.values()}
    # Arabic and Chinese have no italics: a slanted Naskh or CJK face is one the renderer faked.
    assert not {n for n in names if ("Naskh" in n or "CJK" in n) and "Oblique" in n}, names


@pytest.mark.parametrize("locale", LOCALES)
def test_tables_have_header_cells_with_scope(built_sample: Project, locale: str) -> None:
    nodes = structure(built_sample, locale)
    tables = [n for n in nodes if n.role == "Table"]
    assert len(tables) == 2  # the chart's data and the Markdown table
    for table in tables:
        headers = [n for n in table.walk() if n.role == "TH"]
        assert headers
        assert {h.attributes.get("Scope") for h in headers} <= {"Column", "Row"}
        assert all(h.attributes.get("Scope") for h in headers)


ALTS = {
    "en": "Bar chart: reports rose from 139 to 10,000",
    "ar": "رسم بياني بالأعمدة: ارتفعت البلاغات من 139 إلى 10,000",
}


@pytest.mark.parametrize("locale", list(ALTS))
def test_a_chart_is_a_captioned_data_table_whose_summary_is_the_alt_text(
    built_sample: Project, locale: str
) -> None:
    nodes = structure(built_sample, locale)
    [chart] = [n for n in nodes if n.role == "Div"]
    # Caption, data table, the alt text printed below, and the source line (issue 15).
    assert [c.role for c in chart.children] == ["Caption", "Table", "P", "P"]
    table = chart.children[1]
    # Figures in Arabic text are bidi-isolated (RLI…PDI); the words and figures are the same.
    assert unisolated(table.attributes["Summary"]) == ALTS[locale]
    rows = [n for n in table.walk() if n.role == "TR"]
    assert [r.children[0].role for r in rows] == ["TH", "TH"]
    assert [r.children[0].attributes["Scope"] for r in rows] == ["Row", "Row"]
    # The values are text a screen reader reads, and the alt text is also printed below.
    assert [r.children[2].text for r in rows] == ["139", "10,000"]
    assert squeeze(chart.children[2].text, locale == "ar") == squeeze(ALTS[locale], locale == "ar")
    # The fixture translates the label in Arabic; the source's name stays in English.
    source = {"en": "Source:Example Organisation", "ar": "المصدر:Example Organisation"}[locale]
    assert squeeze(chart.children[3].text, locale == "ar") == squeeze(source, locale == "ar")


@pytest.mark.parametrize("locale", LOCALES)
def test_running_heads_are_pagination_artifacts_not_content(
    built_sample: Project, locale: str
) -> None:
    text = "".join("".join(n.text.split()) for n in structure(built_sample, locale))
    assert PAGE_COUNTERS[locale] not in text
    with open_pdf(built_sample, locale) as pdf:
        for page in pdf.pages:
            marks = [
                operands
                for operands, operator in pikepdf.parse_content_stream(page)
                if str(operator) == "BDC"
            ]
            assert any(o[0] == "/Artifact" and o[1].get("/Type") == "/Pagination" for o in marks)
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = [p for array in nums[1::2] if isinstance(array, pikepdf.Array) for p in array]
        reachable = set()

        def walk(kids: object) -> None:
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    reachable.add(kid.objgen)
                    walk(kid.get("/K"))

        walk(pdf.Root.StructTreeRoot.K)
        assert all(p.objgen in reachable for p in parents if isinstance(p, pikepdf.Dictionary))


@pytest.mark.parametrize("locale", LOCALES)
def test_links_are_printable_and_described(built_sample: Project, locale: str) -> None:
    with open_pdf(built_sample, locale) as pdf:
        links = [a for page in pdf.pages for a in page.get("/Annots", [])]
        assert links
        assert all(int(a.F) & 4 and str(a.Contents) for a in links)
        assert all(page.get("/Tabs") == "/S" for page in pdf.pages if "/Annots" in page)


@pytest.mark.parametrize("locale", LOCALES)
def test_no_element_is_empty_except_table_cells(built_sample: Project, locale: str) -> None:
    empty = [
        n.role
        for n in structure(built_sample, locale)
        if not n.marked and not n.children and n.role not in ("TD", "TH")
    ]
    assert empty == []


@pytest.mark.parametrize("locale", ["fr", "ar", "zh_Hans"])
def test_english_runs_inside_a_translation_are_marked_english(
    built_sample: Project, locale: str
) -> None:
    marked = [n for n in structure(built_sample, locale) if n.lang == "en"]
    texts = ["".join(n.text.split()) for n in marked]
    assert any("ExampleOrganisation(2023)" in t for t in texts)  # the source list
    assert any(t == "FixturePublisher" for t in texts)  # the publisher, in "Published by"


SERIES_LOCALES = ["en", "fr", "es", "ru", "ar", "zh_Hans"]


@pytest.mark.parametrize("locale", SERIES_LOCALES)
def test_the_series_pdfs_are_tagged_with_scoped_headers_and_bookmarks(
    built_series: Project, locale: str
) -> None:
    for path in built_series.brief_paths():
        slug = path.stem
        nodes = structure(built_series, locale, slug)
        headers = [n for n in nodes if n.role == "TH"]
        assert headers and all(h.attributes.get("Scope") for h in headers), slug
        assert any(n.role == "Table" and n.attributes.get("Summary") for n in nodes), slug
        with open_pdf(built_series, locale, slug) as pdf:
            assert str(pdf.Root.Lang) == locale.replace("_", "-")
            titles = outline_titles(pdf)
        headings = [n.text for n in nodes if n.role in ("H1", "H2", "H3", "H4")]
        rtl = locale == "ar"
        assert [squeeze(t, rtl) for t in titles] == [squeeze(h, rtl) for h in headings], slug
