"""Do the PDF and the DOCX of an edition say the same thing? Each read back as a reader's software would.

The PDF is read through its structure tree (what a screen reader gets), the DOCX through its
paragraphs, styles and tables. Both give a `Summary`: headings in order, the number of tables,
charts and list items, and every figure (number) in the text. Arabic text comes out of a PDF in
visual order, so right-to-left headings are compared by their letters, not their order.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from briefkit.errors import RenderError
from briefkit.render.pdf_tags import Node, read_structure

# A figure as either format writes it: digits with group separators (10,000; 10 000; 10.000).
_NUMBER = re.compile(r"\d+(?:[,.\u00a0\u202f\u066c]\d{3})*(?:[.,\u066b]\d+)?")
_SEPARATORS = str.maketrans("", "", ",.\u00a0\u202f\u066c\u066b")
HEADING_ROLES = ("H", "H1", "H2", "H3", "H4", "H5", "H6")


@dataclass(frozen=True)
class Summary:
    """What a document says, in terms both formats can be compared on."""

    headings: tuple[str, ...]
    tables: int
    charts: int
    list_items: int
    numbers: tuple[tuple[str, int], ...]  # each figure's digits and how often it appears


def summarise_pdf(path: Path) -> Summary:
    """Return what a tagged PDF says, from its structure tree."""
    root = read_structure(path)
    nodes = list(root.walk())
    charts = [n for n in nodes if n.role == "Table" and "Summary" in n.attributes]
    # A chart's data table is a picture in the DOCX: only its caption and alt text are text there.
    chart_cells = {id(chart) for chart in charts}
    return Summary(
        headings=tuple(n.text for n in nodes if n.role in HEADING_ROLES),
        tables=sum(1 for n in nodes if n.role == "Table") - len(charts),
        charts=len(charts),
        list_items=sum(1 for n in nodes if n.role == "LI" and _has_label(n)),
        numbers=_count_numbers(_leaf_texts(root, skip=chart_cells)),
    )


def _has_label(item: Node) -> bool:
    # An item split over two pages is tagged twice; only its first part carries the marker.
    return any(child.role == "Lbl" for child in item.children)


def _leaf_texts(node: Node, skip: set[int]) -> list[str]:
    """Return the text of each element that has no element children, outside the skipped ones."""
    if id(node) in skip or node.role == "Lbl":  # list markers are numbered by Word, not text
        return []
    if not node.children:
        return [node.text]
    return [text for child in node.children for text in _leaf_texts(child, skip)]


def summarise_docx(path: Path) -> Summary:
    """Return what a DOCX says, from its body's paragraphs and tables (not its footer)."""
    document = Document(str(path))
    body = document.element.body
    headings, items, texts = [], 0, []
    for paragraph in document.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        if style == "Title" or _outline_level(paragraph) is not None:
            headings.append(paragraph.text)
        pr = paragraph._p.pPr
        items += pr is not None and pr.numPr is not None
        texts.append(paragraph.text)
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return Summary(
        headings=tuple(headings),
        tables=len(document.tables),
        charts=sum(1 for _ in body.iter(qn("wp:docPr"))),
        list_items=items,
        numbers=_count_numbers(texts),
    )


def _outline_level(paragraph: object) -> int | None:
    """Return the paragraph's outline level from its style chain (Heading 1-6, or a box heading)."""
    style = paragraph.style  # type: ignore[attr-defined]
    while style is not None:
        ppr = style.element.pPr
        level = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
        if level is not None:
            value = int(level.get(qn("w:val")))
            return value if value < 9 else None
        style = style.base_style
    return None


def _count_numbers(texts: list[str]) -> tuple[tuple[str, int], ...]:
    counts = Counter(m.group().translate(_SEPARATORS) for t in texts for m in _NUMBER.finditer(t))
    return tuple(sorted(counts.items()))


def compare(pdf: Summary, docx: Summary, rtl: bool) -> list[str]:
    """Return each way the DOCX differs from the PDF, in words."""
    differences = []
    differences += _heading_differences(pdf.headings, docx.headings, rtl)
    for what in ("tables", "charts", "list_items"):
        ours, theirs = getattr(pdf, what), getattr(docx, what)
        if ours != theirs:
            differences.append(f"{what.replace('_', ' ')}: PDF has {ours}, DOCX has {theirs}")
    if pdf.numbers != docx.numbers:
        only_pdf = Counter(dict(pdf.numbers)) - Counter(dict(docx.numbers))
        only_docx = Counter(dict(docx.numbers)) - Counter(dict(pdf.numbers))
        differences.append(
            f"figures differ: only in the PDF {sorted(only_pdf.elements())},"
            f" only in the DOCX {sorted(only_docx.elements())}"
        )
    return differences


def _heading_differences(pdf: tuple[str, ...], docx: tuple[str, ...], rtl: bool) -> list[str]:
    """Return the headings only one format has, or that come in another order."""
    keys = difflib.SequenceMatcher(
        None, [_heading_key(h, rtl) for h in pdf], [_heading_key(h, rtl) for h in docx]
    )
    found = []
    for tag, i1, i2, j1, j2 in keys.get_opcodes():
        if tag in ("delete", "replace"):
            found.append(f"heading only in the PDF: {', '.join(map(repr, pdf[i1:i2]))}")
        if tag in ("insert", "replace"):
            found.append(f"heading only in the DOCX: {', '.join(map(repr, docx[j1:j2]))}")
    return found


def _heading_key(text: str, rtl: bool) -> str:
    squeezed = re.sub(r"\s+", "", text)
    return "".join(sorted(squeezed)) if rtl else squeezed


def check_parity(brief: str, locale: str, rtl: bool, pdf: Path, docx: Path) -> None:
    """Raise a RenderError naming the brief, the locale and every difference, if there is one."""
    differences = compare(summarise_pdf(pdf), summarise_docx(docx), rtl)
    if differences:
        raise RenderError(
            f"{brief} {locale}: the PDF and the DOCX differ: " + "; ".join(differences),
            path=docx,
            fix="both are rendered from the same localised brief: fix the renderer that drops or adds it",
        )
