"""Mixed-direction lines as WeasyPrint lays them out, read back from the PDF in visual order.

WeasyPrint's bidi support is known to be weak (Kozea/WeasyPrint#106, #1724, #2298): a right-to-left
paragraph that starts with a Latin name used to be laid out left to right. These lines are the
cases real Arabic briefs contain. Each line is read back as the page shows it: its glyphs sorted
by where they stand, left to right (the text layer draws a right-to-left line's pieces in reading
order, so drawing order is no longer what the page shows).
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from briefkit.pipeline import Request, build
from briefkit.project import Project
from briefkit.render import pdf as render_pdf_module
from briefkit.render.html import render_html
from briefkit.render.pdf import render_pdf
from briefkit.render.templating import template_environment

ASSETS = Path(__file__).resolve().parent.parent / "templates" / "pdf"


def visual_lines(paragraphs: list[str]) -> list[str]:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (
        '<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>t</title>'
        f'<link rel="stylesheet" href="brief.css"></head><body>{body}</body></html>'
    )
    document = pypdfium2.PdfDocument(render_pdf(html, ASSETS, "bidi test"))
    try:
        textpage = document[0].get_textpage()
        placed = []  # (baseline from the top, left edge, character) of each glyph drawn
        for index in range(textpage.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))
            if pdfium_c.FPDFText_IsGenerated(textpage.raw, index) or char in "\u200f\r\n":
                continue
            x, y = ctypes.c_double(), ctypes.c_double()
            pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, x, y)
            placed.append((-round(y.value), x.value, char))
    finally:
        document.close()
    lines: dict[int, list[tuple[float, str]]] = {}
    for baseline, left, char in placed:
        lines.setdefault(baseline, []).append((left, char))
    return ["".join(c for _, c in sorted(line)) for _, line in sorted(lines.items())]


@pytest.mark.parametrize(
    ("logical", "left_end", "right_end"),
    [
        # A Latin name first: it stays at the right, where an Arabic line starts.
        (
            "WeProtect Global Alliance أصدر تقريره في عام 2023.",
            ".2023",
            "WeProtect Global Alliance",
        ),
        # A Latin name inside: kept left to right, the Arabic around it right to left.
        ("أصدر التحالف WeProtect Global Alliance تقريره.", ".هريرقت", "ردصأ"),
        # A figure first: digits are weak, the line is still right to left.
        ("87% من البلاغات جاءت من منصات التواصل.", ".لصاوتلا", "87%"),
    ],
)
def test_an_arabic_line_is_right_to_left_whatever_it_starts_with(
    logical: str, left_end: str, right_end: str
) -> None:
    [line] = visual_lines([logical])
    assert line.startswith(left_end), line
    assert line.endswith(right_end), line


def test_figures_and_latin_runs_keep_their_own_order_inside_arabic() -> None:
    [line] = visual_lines(["ارتفعت البلاغات بنسبة 87% من 139 إلى 10,000 وفق NCMEC في 2022."])
    # After an Arabic letter a number is an Arabic number, so the percent sign follows it in
    # reading order, to its left (as in Word and browsers): 87% is drawn %87.
    for run in ("%87", "139", "10,000", "NCMEC", "2022"):
        assert run in line, (run, line)
    # Visual order, left to right: the last figure of the sentence comes first.
    assert line.index("2022") < line.index("NCMEC") < line.index("10,000") < line.index("139")


# One font configuration per process changes the speed, never the bytes.

LOCALES = ("en", "ar", "zh_Hans", "fr")  # Latin, Arabic and CJK fonts through one configuration


def _render_all(project: Project) -> list[bytes]:
    """Return every sample edition's PDF, rendered in turn."""
    outputs = []
    for locale in LOCALES:
        edition = build(project, Request(locales=(locale,), formats=())).editions[0]
        env = template_environment(project.templates_dir, lambda t, ui=edition.ui: ui.get(t, t))
        html = render_html(edition.brief, env, project.locale(project.source_locale))
        outputs.append(render_pdf_module.render_pdf(html, project.templates_dir / "pdf", locale))
    return outputs


def test_a_shared_font_configuration_gives_the_same_bytes(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = _render_all(sample)
    assert render_pdf_module.font_configuration() is render_pdf_module.font_configuration()

    from weasyprint.text.fonts import FontConfiguration

    with monkeypatch.context() as patch:  # WeasyPrint's default: a new configuration per document
        patch.setattr(render_pdf_module, "font_configuration", FontConfiguration)
        fresh = _render_all(sample)
    assert len(shared) == len(fresh) == len(LOCALES)
    for index, (ours, theirs) in enumerate(zip(shared, fresh, strict=True)):
        assert ours == theirs, f"output {index} differs"
