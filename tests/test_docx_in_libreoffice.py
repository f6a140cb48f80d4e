"""Every DOCX as a reader nobody here wrote renders it: LibreOffice converts each build's DOCX to
PDF in one call, and the PDFs are read back with poppler (pdffonts, pdftotext) and pdfium.

The sample's DOCX are converted under a fontconfig that sees only DejaVu: a Noto face in the
result can only have come from the fonts embedded in the file.
"""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from docx import Document
from lxml import etree

from briefkit.pipeline import output_path
from briefkit.project import Project
from briefkit.render.parity import summarise_docx
from briefkit.render.pdf_tags import read_structure

SOFFICE = shutil.which("soffice")
TIMEOUT = 600
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
ONLY_DEJAVU = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{cache}</cachedir></fontconfig>
"""
# The faces each script's edition should print with, by PostScript name (subset tag removed).
LATIN_FACES = {"NotoSans-Regular", "NotoSans-Bold", "NotoSans-Italic"}
ARABIC_FACES = {"NotoNaskhArabic-Regular", "NotoNaskhArabic-Bold"}


def convert(docx: list[Path], out: Path, fontconfig: Path | None = None) -> dict[Path, Path]:
    """Convert DOCX files to PDF in one LibreOffice call; return each file's PDF."""
    assert SOFFICE, "LibreOffice is missing: run `make setup-test` (libreoffice-writer-nogui)"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(out)}
    if fontconfig is not None:
        env["FONTCONFIG_FILE"] = str(fontconfig)
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{out / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, docx),
        ],
        env=env,
        capture_output=True,
        timeout=TIMEOUT,
        check=True,
    )
    return {path: out / f"{path.stem}.pdf" for path in docx}


@pytest.fixture(scope="session")
def sample_pdfs(built_sample: Project, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample's DOCX as LibreOffice prints them without any Noto font installed."""
    out = tmp_path_factory.mktemp("lo-sample")
    config = out / "fonts.conf"
    config.write_text(ONLY_DEJAVU.format(cache=out / "fontcache"))
    locales = built_sample.locales
    docx = [output_path(built_sample, "sample", locale, "docx") for locale in locales]
    pdfs = convert(docx, out, fontconfig=config)
    return {locale: pdfs[path] for locale, path in zip(locales, docx, strict=True)}


@pytest.fixture(scope="session")
def series_pdfs(
    built_series: Project, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], Path]:
    """Every DOCX of the series as LibreOffice prints it."""
    out = tmp_path_factory.mktemp("lo-series")
    editions = [
        (path.stem, locale)
        for path in built_series.brief_paths()
        for locale in built_series.locales
    ]
    docx = [output_path(built_series, slug, locale, "docx") for slug, locale in editions]
    pdfs = convert(docx, out)
    return {edition: pdfs[path] for edition, path in zip(editions, docx, strict=True)}


def pages(pdf: Path) -> int:
    return len(pypdfium2.PdfDocument(str(pdf)))


def faces(pdf: Path) -> set[str]:
    """Return the PostScript names of the fonts pdffonts lists, without subset tags."""
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    names = [line.split()[0] for line in lines.stdout.splitlines()[2:] if line.strip()]
    return {re.sub(r"^[A-Z]{6}\+", "", name) for name in names}


def drawn_with(pdf: Path) -> dict[str, Counter[str]]:
    """Return, per font name, how often each character is drawn with it (pdfium's text page)."""
    found: dict[str, Counter[str]] = {}
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    for page in pypdfium2.PdfDocument(str(pdf)):
        text = page.get_textpage()
        for index in range(pdfium_c.FPDFText_CountChars(text.raw)):
            pdfium_c.FPDFText_GetFontInfo(text.raw, index, name, 256, ctypes.byref(flags))
            char = chr(pdfium_c.FPDFText_GetUnicode(text.raw, index))
            found.setdefault(name.value.decode(), Counter())[char] += 1
    return found


# Fonts: embedded, subset, used.


def test_libreoffice_prints_every_docx_in_the_embedded_noto_faces_without_noto_installed(
    sample_pdfs: dict[str, Path],
) -> None:
    expected = {
        "en": LATIN_FACES,
        "fr": LATIN_FACES,
        "ar": LATIN_FACES | ARABIC_FACES,
    }
    for locale, pdf in sample_pdfs.items():
        used = faces(pdf)
        assert not any("DejaVu" in face for face in used), (locale, used)
        if locale == "zh_Hans":  # the CFF name of every face of the Noto Sans CJK collection
            assert {f for f in used if f.startswith("NotoSansCJK")}, used
            assert used - {f for f in used if f.startswith("NotoSansCJK")} <= LATIN_FACES
        else:
            assert used == expected[locale], (locale, used)


def test_every_character_is_drawn_with_a_noto_face_without_noto_installed(
    sample_pdfs: dict[str, Path],
) -> None:
    for locale, pdf in sample_pdfs.items():
        stray = {
            font: "".join(chars) for font, chars in drawn_with(pdf).items() if "Noto" not in font
        }
        assert stray == {}, locale


# Layout: pages, headings, sources, charts.


def test_each_docx_runs_to_the_pdf_editions_page_count_give_or_take_one(
    built_series: Project, series_pdfs: dict[tuple[str, str], Path]
) -> None:
    counts = {
        edition: (pages(output_path(built_series, *edition, "pdf")), pages(pdf))
        for edition, pdf in series_pdfs.items()
    }
    assert all(pages_docx > 0 for _, pages_docx in counts.values())
    far = {edition: count for edition, count in counts.items() if abs(count[0] - count[1]) > 1}
    assert far == {}


def test_arabic_title_and_headings_are_bold(
    built_series: Project, series_pdfs: dict[tuple[str, str], Path]
) -> None:
    for slug in (path.stem for path in built_series.brief_paths()):
        docx = output_path(built_series, slug, "ar", "docx")
        headings = summarise_docx(docx).headings
        letters = Counter(c for heading in headings for c in heading if "\u0600" <= c <= "\u06ff")
        bold = drawn_with(series_pdfs[(slug, "ar")]).get("NotoNaskhArabic-Bold", Counter())
        assert letters - bold == Counter(), (
            slug
        )  # every heading letter drawn at least as often in bold


def test_source_urls_extract_intact_and_in_order(
    built_series: Project,
    series_pdfs: dict[tuple[str, str], Path],
    built_sample: Project,
    sample_pdfs: dict[str, Path],
) -> None:
    urls = re.compile(r"https?://\S+")
    # The second edition's only source, the press release, gives no address; the sample's
    # source does, in every locale, so the check always has addresses to follow.
    editions = [(built_series, slug, locale, pdf) for (slug, locale), pdf in series_pdfs.items()]
    editions += [(built_sample, "sample", locale, pdf) for locale, pdf in sample_pdfs.items()]
    checked = 0
    for project, slug, locale, pdf in editions:
        docx = Document(str(output_path(project, slug, locale, "docx")))
        expected = [u.rstrip(".\u200e") for p in docx.paragraphs for u in urls.findall(p.text)]
        if not expected:
            continue
        checked += 1
        # pdfium's text, not pdftotext's: poppler drops a hyphen at the end of a line, and a
        # long address may wrap after one, here as in the PDF edition. The lines are joined there
        # (as a reader joins them when copying); its characters must stay in order.
        text = "\n".join(
            page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(str(pdf))
        )
        text = re.sub("\ufffe\r?\n?", "-", text)  # pdfium's mark of a hyphen ending a line
        if project.locale(locale).is_rtl:  # the item's number ends its first line ("3." as ".3")
            text = re.sub(r"- \.\d+\r?\n", "-\n", text)
        joined = re.sub(r"(https?://\S*-)\r?\n[ \t]*", r"\1", text)
        found = [u.rstrip(".") for u in urls.findall(joined)]
        assert found == expected, (slug, locale)
    assert checked >= len(sample_pdfs)


def test_each_chart_is_a_chart_part_holding_the_figures_the_pdf_shows(
    built_series: Project, built_sample: Project
) -> None:
    editions = [(built_sample, "sample", locale) for locale in built_sample.locales] + [
        (built_series, path.stem, locale)
        for path in built_series.brief_paths()
        for locale in built_series.locales
    ]
    charted = 0
    for project, slug, locale in editions:
        pdf_charts = pdf_chart_rows(output_path(project, slug, locale, "pdf"))
        docx_charts = docx_chart_rows(output_path(project, slug, locale, "docx"))
        rtl = project.locale(locale).is_rtl
        assert squeezed(docx_charts, rtl) == squeezed(pdf_charts, rtl), (slug, locale)
        charted += len(docx_charts)
    assert charted >= len(editions)  # every brief here has at least one chart


def squeezed(charts: list[list[tuple[str, str]]], rtl: bool) -> list[list[tuple[str, str]]]:
    """Return the rows without white space (a tagged PDF's cell loses the space where it wraps),
    right-to-left text as its letters (a PDF gives it in visual order), as the parity check does."""

    def key(text: str) -> str:
        letters = re.sub(r"\s", "", text)
        return "".join(sorted(letters)) if rtl else letters

    return [[(key(a), key(b)) for a, b in rows] for rows in charts]


def pdf_chart_rows(pdf: Path) -> list[list[tuple[str, str]]]:
    """Return each chart of a tagged PDF as its rows: (label, figure as printed)."""
    charts = []
    for node in read_structure(pdf).walk():
        if node.role == "Table" and "Summary" in node.attributes:
            rows = []
            for row in (n for n in node.walk() if n.role == "TR"):
                cells = [c for c in row.children if c.role in ("TH", "TD")]
                rows.append((cells[0].text.strip(), cells[-1].text.strip()))
            charts.append(rows)
    return charts


def docx_chart_rows(docx: Path) -> list[list[tuple[str, str]]]:
    """Return each chart part of a DOCX, in document order, as its rows: (category, data label);
    check on the way that each label's figure is the value the part plots."""
    with zipfile.ZipFile(docx) as package:
        document = package.read("word/document.xml").decode()
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        ids = re.findall(r'<c:chart [^>]*r:id="([^"]+)"', document)
        charts = []
        for rid in ids:
            space = etree.fromstring(package.read(f"word/{targets[rid]}"))
            series = space.find(f".//{C}ser")
            categories = [v.text for v in series.iterfind(f"{C}cat//{C}pt/{C}v")]
            values = [float(v.text) for v in series.iterfind(f"{C}val//{C}pt/{C}v")]
            labels = [
                "".join(t.text for t in label.iter(f"{A}t"))
                for label in series.iterfind(f"{C}dLbls/{C}dLbl")
            ]
            assert len(categories) == len(values) == len(labels)
            for label, value in zip(labels, values, strict=True):
                assert _last_figure(label) in _digits(value), (label, value)
            charts.append(list(zip(categories, labels, strict=True)))
    return charts


def _digits(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value).replace(".", "")


def _last_figure(label: str) -> str:
    """Return a label's last figure, digits only and without trailing zeros (10,000 → 1;
    32 millions → 32; 7–10 → 1, a range being plotted at its upper end)."""
    western = label.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
    figures = re.findall(r"\d[\d,.\u00a0\u202f\u066b\u066c]*", western)
    assert figures, label
    return re.sub(r"\D", "", figures[-1]).rstrip("0") or "0"
