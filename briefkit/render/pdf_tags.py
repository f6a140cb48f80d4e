"""The PDF's structure tree: the PDF/UA repairs WeasyPrint does not make, and reading it back.

WeasyPrint 70 tags the document but leaves gaps a screen reader or a validator notices: running
headers and footers are marked as content yet hang outside the tree, header cells carry no
/Scope, an empty inline box becomes an empty /Span, link annotations are not printable, the
`lang` of an element inside the page is dropped, and every element that is not a known HTML
element becomes /NonStruct. The hook below passes `lang`, `data-pdf-role` and
`data-pdf-summary` from the HTML to the tags; `repair_structure` mends the rest afterwards.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

from briefkit.render.pdf_text import (
    HYPHEN,
    SOFT_HYPHEN,
    SPACE,
    hook_weasyprint_text,
    mark_line_ends,
    mend_text_layer,
)

ISOLATES = re.compile("[\u2066-\u2069]")  # bidi isolates: layout, not text
PRINT_FLAG = 4  # annotation flag bit 3: print the annotation (PDF/UA 7.18.1)
CELLS = ("/TD", "/TH")
LIST_KIDS = ("/LI", "/L", "/Caption")  # all a list may hold (PDF/UA, ISO 32000-1 14.8.4.3.3)


@dataclass(frozen=True)
class Node:
    """A structure element as a reader gets it: its type, attributes and children."""

    role: str  # "H2", "Table", "LI"
    lang: str | None
    alt: str | None
    attributes: dict[str, str]
    children: tuple[Node, ...]
    text: str  # its text as a screen reader gets it: /ActualText, else its marked content's
    marked: int = 0  # how many marked-content sequences it holds directly
    drawn: str = ""  # its marked content in drawing order (Arabic: pieces in reading order)

    def walk(self) -> Iterator[Node]:
        """Yield this node and every node below it, in reading order."""
        yield self
        for child in self.children:
            yield from child.walk()


def hook_weasyprint_tagging() -> None:
    """Make WeasyPrint's tagging honour `lang`, `data-pdf-role` and `data-pdf-summary` (once)."""
    from weasyprint.pdf import tags

    hook_weasyprint_text()
    original = tags._build_box_tree
    if getattr(original, "briefkit_hook", False):
        return

    def build(box: Any, *args: Any) -> Iterator[Any]:
        pdf, nums, marked = args[1], args[3], args[5]
        mark_line_ends(box)
        written = {marked[t]["mcid"]: _written(t) for t in _text_children(box) if t in marked}
        for element in original(box, *args):
            if _own_element(box):
                _annotate(element, box.element)
            yield element
        _set_actual_texts(pdf, nums, written)

    build.briefkit_hook = True  # type: ignore[attr-defined]
    tags._build_box_tree = build


def _own_element(box: Any) -> bool:
    """Return True when the elements yielded are the box's own (html and body yield their children's)."""
    return getattr(box, "element", None) is not None and box.element_tag not in ("html", "body")


def _annotate(element: Any, html: Any) -> None:
    import pydyf

    lang = html.get("lang")
    if lang:
        element["Lang"] = pydyf.String(lang)
    role = html.get("data-pdf-role")
    if role and element.get("S") == "/NonStruct":
        element["S"] = f"/{role}"
    summary = html.get("data-pdf-summary")
    if summary and element.get("S") == "/Table":
        element["A"] = pydyf.Dictionary({"O": "/Table", "Summary": pydyf.String(summary)})


def _text_children(box: Any) -> Iterator[Any]:
    """Yield the text boxes WeasyPrint tags as the box's own marked content (as it walks them)."""
    from weasyprint.formatting_structure import boxes

    for child in getattr(box, "children", ()):
        for grandchild in child.children if isinstance(child, boxes.LineBox) else [child]:
            if isinstance(grandchild, boxes.TextBox):
                yield grandchild


def _written(text_box: Any) -> tuple[str, bool]:
    """Return a text box's text as written (logical order, with the space its line ended at,
    without the bidi isolates put around figures) and whether it is laid out right to left."""
    text = ISOLATES.sub("", text_box.text)
    end = getattr(text_box, "briefkit_line_end", None)
    if end == SPACE:
        text += " "
    elif end == HYPHEN:
        text = text.removesuffix(text_box.style["hyphenate_character"]) + SOFT_HYPHEN
    return text, text_box.style["direction"] == "rtl"


def _set_actual_texts(
    pdf: Any, nums: dict[int, bytes], written: dict[int, tuple[str, bool]]
) -> None:
    """Give each structure element of right-to-left text its text as written (/ActualText).

    Its marked content holds the glyphs in drawing order, which for Arabic is the reverse of
    reading order; a screen reader reading the tree takes /ActualText instead. (In the marked
    content itself /ActualText would be reversed again by pdfium and poppler, which turn
    right-to-left text round on their own.)"""
    import pydyf

    by_element: dict[bytes, list[tuple[str, bool]]] = {}
    for mcid in sorted(written):
        if mcid in nums:
            by_element.setdefault(nums[mcid], []).append(written[mcid])
    for reference, parts in by_element.items():
        if any(rtl for _, rtl in parts):
            element = pdf.objects[int(reference.split()[0])]
            element["ActualText"] = pydyf.String("".join(text for text, _ in parts))


def repair_structure(data: bytes) -> bytes:
    """Return the PDF with its running heads as artifacts and its tags completed for PDF/UA."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _running_heads_as_artifacts(pdf)
        mend_text_layer(pdf)
        root = pdf.Root.StructTreeRoot
        for element in _elements(root.K):
            _drop_empty_children(element)
            if element.get("/S") == "/L":
                _adopt_strays(pdf, element)
            if element.get("/S") == "/TH":
                _set_scope(element)
        for page in pdf.pages:
            for annotation in page.obj.get("/Annots", Array()):
                annotation.F = PRINT_FLAG
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _elements(kids: Any) -> Iterator[Dictionary]:
    """Yield every structure element below kids, parents before children."""
    for kid in _as_list(kids):
        if isinstance(kid, Dictionary) and "/S" in kid:
            yield kid
            yield from _elements(kid.get("/K"))


def _as_list(kids: Any) -> list[Any]:
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _running_heads_as_artifacts(pdf: pikepdf.Pdf) -> None:
    """Turn content tagged but left outside the tree (margin boxes) into pagination artifacts."""
    reachable = {e.objgen for e in _elements(pdf.Root.StructTreeRoot.K)}
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    for index, page in enumerate(pdf.pages):
        parents = _page_parents(nums, index)
        if parents is None:
            continue
        orphans = {
            mcid
            for mcid, parent in enumerate(parents)
            if isinstance(parent, Dictionary) and parent.objgen not in reachable
        }
        if orphans:
            _mark_artifacts(pdf, page, orphans)
            for mcid in orphans:
                parents[mcid] = None


def _page_parents(nums: Any, index: int) -> Array | None:
    for key, value in zip(nums[::2], nums[1::2], strict=True):
        if int(key) == index and isinstance(value, Array):
            return value
    return None


def _mark_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, mcids: set[int]) -> None:
    artifact = [Name.Artifact, Dictionary(Type=Name.Pagination)]
    instructions: list[Any] = []
    for instruction in pikepdf.parse_content_stream(page):
        if isinstance(instruction, pikepdf.ContentStreamInstruction) and (
            str(instruction.operator) == "BDC" and _mcid(instruction.operands) in mcids
        ):
            instruction = pikepdf.ContentStreamInstruction(artifact, instruction.operator)
        instructions.append(instruction)
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


def _instructions(page: pikepdf.Page) -> list[tuple[Any, Any]]:
    """Return the page's content as (operands, operator) pairs (inline images have none)."""
    return [
        (i.operands, i.operator)
        for i in pikepdf.parse_content_stream(page)
        if hasattr(i, "operands")
    ]


def _mcid(operands: Any) -> int | None:
    if len(operands) == 2 and isinstance(operands[1], Dictionary) and "/MCID" in operands[1]:
        return int(operands[1].MCID)
    return None


def _drop_empty_children(element: Dictionary) -> None:
    """Remove child elements with no content (an empty inline box); table cells keep the grid."""
    kids = element.get("/K")
    if not isinstance(kids, Array):
        return
    kept = [kid for kid in kids if not _empty(kid)]
    if len(kept) != len(kids):
        element.K = Array(kept)


def _adopt_strays(pdf: pikepdf.Pdf, element: Dictionary) -> None:
    """Move into an item what a list holds between its items.

    Between inline `dt` and `dd` (the colophon's run-in labels) the space is a text box that
    WeasyPrint tags as a /Span of the list itself; a list may hold only items. A stray goes to
    the end of the item before it (the space after a label is part of its run), or, first in
    the list, to the start of the item after it."""
    kids = _as_list(element.get("/K"))
    if not any(_stray(kid) for kid in kids):
        return
    kept: list[Any] = []
    pending: list[Dictionary] = []
    for kid in kids:
        if _stray(kid):
            previous = kept[-1] if kept and kept[-1].get("/S") == "/LI" else None
            if previous is not None:
                _give(pdf, previous, [kid], at_end=True)
            else:
                pending.append(kid)
            continue
        if pending and isinstance(kid, Dictionary) and kid.get("/S") == "/LI":
            _give(pdf, kid, pending, at_end=False)
            pending = []
        kept.append(kid)
    if pending:
        item = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.LI, K=Array(), P=element))
        _give(pdf, item, pending, at_end=True)
        kept.append(item)
    element.K = Array(kept)


def _stray(kid: Any) -> bool:
    return isinstance(kid, Dictionary) and "/S" in kid and kid.S not in LIST_KIDS


def _give(pdf: pikepdf.Pdf, item: Dictionary, strays: list[Dictionary], *, at_end: bool) -> None:
    """Put strays in the list item's body (its last /LBody, made when it has none)."""
    kids = _as_list(item.get("/K"))
    bodies = [k for k in kids if isinstance(k, Dictionary) and k.get("/S") == "/LBody"]
    if bodies:
        body = bodies[-1 if at_end else 0]
    else:
        body = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.LBody, K=Array(), P=item))
        item.K = Array([*kids, body])
    for stray in strays:
        stray.P = body
    inside = _as_list(body.get("/K"))
    body.K = Array([*inside, *strays] if at_end else [*strays, *inside])


def _empty(kid: Any) -> bool:
    if not (isinstance(kid, Dictionary) and "/S" in kid) or kid.S in CELLS:
        return False
    if "/Alt" in kid or "/ActualText" in kid:
        return False
    return all(_empty(k) for k in _as_list(kid.get("/K")))


def _set_scope(header: Dictionary) -> None:
    """Header cells of a table head label columns; the others label their row."""
    row = header.get("/P")
    group = row.get("/P") if row is not None else None
    scope = Name.Column if group is not None and group.get("/S") == "/THead" else Name.Row
    attributes = header.get("/A")
    if not isinstance(attributes, Dictionary):
        attributes = Dictionary(O=Name.Table)
        header.A = attributes
    attributes.Scope = scope


def read_structure(path_or_bytes: Any) -> Node:
    """Return the structure tree of a tagged PDF, with the text each element marks."""
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    with pikepdf.open(source) as pdf:
        texts = _marked_texts(pdf)
        kids = tuple(_node(k, texts) for k in _elements_at(pdf.Root.StructTreeRoot.K))
        text, drawn = "".join(k.text for k in kids), "".join(k.drawn for k in kids)
        return Node("StructTreeRoot", None, None, {}, kids, text, drawn=drawn)


def _elements_at(kids: Any) -> list[Dictionary]:
    return [k for k in _as_list(kids) if isinstance(k, Dictionary) and "/S" in k]


def _node(element: Dictionary, texts: dict[tuple[tuple[int, int], int], str]) -> Node:
    page = element.get("/Pg")
    children = []
    text = []
    drawn = []
    for kid in _as_list(element.get("/K")):
        if isinstance(kid, int) and page is not None:
            text.append(texts.get((page.objgen, kid), ""))
            drawn.append(text[-1])
        elif isinstance(kid, Dictionary) and "/S" in kid:
            child = _node(kid, texts)
            children.append(child)
            text.append(child.text)
            drawn.append(child.drawn)
    attributes = element.get("/A")
    if "/ActualText" in element:
        text = [str(element.ActualText)]
    return Node(
        role=str(element.S)[1:],
        lang=str(element.Lang) if "/Lang" in element else None,
        alt=str(element.Alt) if "/Alt" in element else None,
        attributes={
            str(k)[1:]: str(v)[1:] if isinstance(v, Name) else str(v)
            for k, v in (attributes.items() if isinstance(attributes, Dictionary) else [])
        },
        children=tuple(children),
        text="".join(text),
        marked=sum(1 for kid in _as_list(element.get("/K")) if isinstance(kid, int)),
        drawn="".join(drawn),
    )


def _marked_texts(pdf: pikepdf.Pdf) -> dict[tuple[tuple[int, int], int], str]:
    """Return the text of each marked-content sequence, by (page, MCID).

    A sequence nested in it with /ActualText (a soft hyphen) gives that text, not its glyphs'."""
    texts: dict[tuple[tuple[int, int], int], str] = {}
    for page in pdf.pages:
        decode = _decoders(page)
        stack: list[tuple[int | None, bool]] = []  # (MCID it belongs to, replaced by ActualText)
        font = None
        for operands, operator in _instructions(page):
            op = str(operator)
            mcid, replaced = stack[-1] if stack else (None, False)
            if op in ("BDC", "BMC"):
                actual = _actual_text(operands) if op == "BDC" else None
                if actual is not None and mcid is not None and not replaced:
                    key = (page.obj.objgen, mcid)
                    texts[key] = texts.get(key, "") + actual
                own = _mcid(operands) if op == "BDC" else None
                stack.append((own if own is not None else mcid, replaced or actual is not None))
            elif op == "EMC" and stack:
                stack.pop()
            elif op == "Tf":
                font = decode.get(str(operands[0]))
            elif op in ("Tj", "TJ") and mcid is not None and not replaced and font is not None:
                key = (page.obj.objgen, mcid)
                texts[key] = texts.get(key, "") + _shown(operands[0], font)
    return texts


def _actual_text(operands: Any) -> str | None:
    if len(operands) == 2 and isinstance(operands[1], Dictionary) and "/ActualText" in operands[1]:
        return str(operands[1].ActualText)
    return None


def _decoders(page: pikepdf.Page) -> dict[str, dict[int, str]]:
    fonts = page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary())
    return {str(name): _to_unicode(font) for name, font in fonts.items()}


def _to_unicode(font: Any) -> dict[int, str]:
    """Return a two-byte code -> text map from a Type0 font's ToUnicode CMap (bfchar, bfrange)."""
    if "/ToUnicode" not in font:
        return {}
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    table: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            table[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, start in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            first = int.from_bytes(bytes.fromhex(start), "big")
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                table[code] = chr(first + offset)
    return table


def _shown(operand: Any, font: dict[int, str]) -> str:
    parts = list(operand) if isinstance(operand, Array) else [operand]
    text: list[str] = []
    for part in parts:
        if isinstance(part, pikepdf.String):
            raw = bytes(part)
            codes = (int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2))
            text.extend(font.get(code, "") for code in codes)
    return "".join(text)
