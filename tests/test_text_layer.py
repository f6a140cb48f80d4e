"""What the PDF text layer gives back for small, hand-made paragraphs.

pdfium, poppler and pdf.js rebuild an Arabic line from glyphs drawn left to right and turn
it round themselves, each with a simpler algorithm than Unicode's. The text layer marks
where the direction changes (an invisible right-to-left mark) and draws the pieces of a line
in reading order, so that each reader gets the sentence as written. And where WeasyPrint
draws nothing for a space between two inline elements, the text layer still has it.
"""

from __future__ import annotations

import ctypes
import subprocess
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from briefkit.render.pdf import render_pdf
from briefkit.render.pdf_tags import read_structure

BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"))
SENTENCE = "تقرير التقييم العالمي للتهديدات 2023، مع التصريحات (NCMEC) عن الأطفال بين 7–10 سنوات."


@pytest.fixture(scope="module")
def mixed_line(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-line Arabic paragraph with a year, a comma after it, a Latin name in brackets
    and a range, rendered through the same pipeline as the briefs."""
    html = (
        '<html lang="ar" dir="rtl"><body style="font-family: Noto Naskh Arabic; '
        f'font-size: 11pt"><p>{SENTENCE}</p></body></html>'
    )
    path = tmp_path_factory.mktemp("bidi") / "line.pdf"
    path.write_bytes(render_pdf(html, path.parent, "bidi test"))
    return path


def plain(text: str) -> str:
    """Return text without bidi controls, its white space as single spaces."""
    return " ".join(text.translate(BIDI_CONTROLS).split())


def unspaced(text: str) -> str:
    return "".join(plain(text).split())


def test_pdfium_reads_the_line_as_written(mixed_line: Path) -> None:
    document = pypdfium2.PdfDocument(mixed_line)
    try:
        text = plain(document[0].get_textpage().get_text_range())
    finally:
        document.close()
    assert text == SENTENCE


def test_poppler_reads_the_line_as_written_but_for_its_brackets(mixed_line: Path) -> None:
    """poppler turns the brackets round without mirroring them (pdfium mirrors them; the
    glyph is mapped to the bracket it shows, so one of the two must lose), and puts the
    space after "2023،" before the comma: compared as the search measure compares."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(mixed_line), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert unspaced(out) == unspaced(SENTENCE.replace("(NCMEC)", ")NCMEC("))


def _object_texts(path: Path) -> list[str]:
    """Return the text of each text object of the first page, in drawing order."""
    document = pypdfium2.PdfDocument(path)
    try:
        page = document[0]
        textpage = page.get_textpage()
        texts = []
        for obj in page.get_objects():
            if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                continue
            size = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pointer = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort))
            pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, pointer, size)
            texts.append(plain(buffer.raw.decode("utf-16-le").rstrip("\x00")))
        return [t for t in texts if t]
    finally:
        document.close()


def test_the_pieces_of_the_line_are_drawn_in_reading_order(mixed_line: Path) -> None:
    """pdf.js (Firefox) reads a line in drawing order, one piece at a time: the pieces of a
    right-to-left line must come in the order they are read, not left to right."""
    texts = _object_texts(mixed_line)
    wanted = ["للتهديدات", "2023", "مع التصريحات", "NCMEC", "الأطفال", "7", "10", "سنوات"]
    found = [next(i for i, t in enumerate(texts) if w in t) for w in wanted]
    assert found == sorted(found), texts


def test_a_right_to_left_mark_separates_the_directions(mixed_line: Path) -> None:
    """The marks are text (U+200F) but never drawn: mode 3, no width left behind."""
    document = pypdfium2.PdfDocument(mixed_line)
    try:
        text = document[0].get_textpage().get_text_range()
    finally:
        document.close()
    assert "2023\u200f،" in text.replace(" ", "")
    assert text.count("\u200f") >= 6


def test_a_space_between_two_inline_elements_is_text(tmp_path: Path) -> None:
    """WeasyPrint lays out the space between two spans as a box of its own and draws nothing
    for it; the structure tree (what a screen reader reads) must still have the space."""
    words = " ".join(f'<span class="w">{w}</span>' for w in ["one", "two", "three", "four"])
    html = f'<html lang="en"><body><p>Count: {words} <b>five</b> <i>six</i>.</p></body></html>'
    path = tmp_path / "spans.pdf"
    path.write_bytes(render_pdf(html, tmp_path, "space test"))
    assert plain(read_structure(path).text) == "Count: one two three four five six."
