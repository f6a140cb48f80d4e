"""Fonts that travel with a DOCX: each face the document uses, subset to the characters it prints
and obfuscated as ECMA-376 Part 1 §17.8.1 specifies (Word's "embed only the characters used").

Noto is not installed with Word on Windows or macOS; embedded, the document shows the same
glyphs on any machine. HarfBuzz's subsetter makes each subset. The layout tables of Latin and
Chinese faces are left out (Word shapes neither with them, and they are most of a subset's
weight); Arabic keeps them, since its letters join only through them.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from copy import deepcopy
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from typing import Any

import uharfbuzz as hb
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from briefkit.errors import RenderError
from briefkit.l10n.fonts import face_coverage, harfbuzz_face, resolve_face

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
# The faces Word can embed, by fontconfig style and fontTable element.
FACES = {"Regular": "embedRegular", "Bold": "embedBold", "Italic": "embedItalic"}
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "vhea", "vmtx", "VORG")
# What a complex-script or East Asian font is embedded for: without such text it is not used.
_SCRIPTS = {
    "cs": re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]"),
    "eastAsia": re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"),
}


# The Latin and Arabic fonts carry a fixed repertoire besides the document's own characters: the
# letters of the European languages in Latin and Cyrillic script, and the Arabic block. A reader
# can then type in those languages, and every document of a build embeds the same subset of each:
# LibreOffice keeps the first subset of a family it loads for its whole session, so another
# document's subset would lack letters. (Chinese has no such repertoire: the common characters
# alone would weigh over a megabyte a face.)
def _characters(*ranges: tuple[int, int]) -> str:
    return "".join(chr(code) for first, last in ranges for code in range(first, last + 1))


REPERTOIRES = {
    "ascii": _characters(
        (0x20, 0x17F), (0x400, 0x45F), (0x2000, 0x206F), (0x20AC, 0x20AC), (0x2116, 0x2116)
    ),
    "cs": _characters((0x20, 0x7E), (0xAB, 0xAB), (0xBB, 0xBB), (0x600, 0x6FF)),
}
_TEXT = (qn("w:t"), qn("w:instrText"), "{http://schemas.openxmlformats.org/drawingml/2006/main}t")
_CHART_VALUE = "{http://schemas.openxmlformats.org/drawingml/2006/chart}v"
# The start of the settings' schema order (CT_Settings), up to the font-embedding settings.
SETTINGS_ORDER = (  # noqa: SIM905 (the schema, as words)
    "writeProtection view zoom removePersonalInformation removeDateAndTime"
    " doNotDisplayPageBoundaries displayBackgroundShape printPostScriptOverText"
    " printFractionalCharacterWidth printFormsData embedTrueTypeFonts embedSystemFonts"
    " saveSubsetFonts"
).split()


@dataclass(frozen=True)
class EmbeddedFont:
    """One face as embedded: its family, style, part name and obfuscated size."""

    family: str
    style: str
    part: str
    size: int


def embed_fonts(document: DocxDocument) -> tuple[EmbeddedFont, ...]:
    """Embed every face the document's text needs, subset and obfuscated; return what was embedded."""
    text = _printed_text(document)
    italic = _uses_italics(document)
    table_part = document.part.part_related_by(RT.FONT_TABLE)
    table = etree.fromstring(table_part.blob)
    embedded: list[EmbeddedFont] = []
    for slot, family in _families(document).items():
        if slot in _SCRIPTS and not _SCRIPTS[slot].search(text):
            continue
        styles = [s for s in FACES if s != "Italic" or (italic and slot == "ascii")]
        entry = _font_entry(table, family)
        covered = _coverage(family)
        characters = "".join(c for c in set(text) if ord(c) in covered) + REPERTOIRES.get(slot, "")
        for style in styles:
            data, key = _embeddable(family, style, characters, keep_layout=slot == "cs")
            number = len(embedded) + 1
            name = f"/word/fonts/font{number}.odttf"
            part = Part(PackURI(name), CONTENT_TYPE, data, document.part.package)
            reference = OxmlElement(f"w:{FACES[style]}")
            reference.set(qn("r:id"), table_part.relate_to(part, RT.FONT))
            reference.set(qn("w:fontKey"), key)
            reference.set(qn("w:subsetted"), "1")
            entry.append(reference)
            embedded.append(EmbeddedFont(family, style, name, len(data)))
    table_part._blob = etree.tostring(
        table, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    _declare_embedding(document)
    return tuple(embedded)


def fall_back_in_complex_script(document: DocxDocument) -> None:
    """Set the characters of right-to-left runs that the complex-script font lacks (·, %, –, —,
    brackets: Noto Naskh Arabic has none of them) in the Latin font, as the PDF's font stack
    does; Word would otherwise pick a system font for them."""
    families = _families(document)
    covered = _coverage(families["cs"])
    for part in document.part.package.iter_parts():
        root = getattr(part, "element", None)
        if root is None:
            continue
        for run in list(root.iter(qn("w:r"))):
            if run.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is None:
                continue
            _split_by_coverage(run, covered, families["ascii"])


def _split_by_coverage(run: Any, covered: frozenset[int], fallback: str) -> None:
    """Split a run of plain text where coverage changes; set the uncovered parts in fallback."""
    children = [child for child in run if child.tag != qn("w:rPr")]
    if len(children) != 1 or children[0].tag != qn("w:t") or not children[0].text:
        return
    text = children[0].text
    parts = [
        (bool(has), "".join(chars))
        for has, chars in groupby(text, key=lambda c: ord(c) in covered or c.isspace())
    ]
    if all(has for has, _ in parts):
        return
    for has, chars in parts:
        piece = deepcopy(run)
        piece.find(qn("w:t")).text = chars
        piece.find(qn("w:t")).set(qn("xml:space"), "preserve")
        if not has:
            piece.find(qn("w:rPr")).get_or_add_rFonts().set(qn("w:cs"), fallback)
        run.addprevious(piece)
    run.getparent().remove(run)


@cache
def _coverage(family: str) -> frozenset[int]:
    return face_coverage(resolve_face(family, "Regular"))


def obfuscate(font: bytes, key: str) -> bytes:
    """Return a font with its first 32 bytes XORed with the key's bytes, last byte first (§17.8.1)."""
    secret = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ secret[i % 16] for i, b in enumerate(font[:32]))
    return head + font[32:]


def font_key(font: bytes) -> str:
    """Return the GUID that obfuscates a font, derived from its bytes (same input, same file)."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(font).digest()[:16])).upper() + "}"


def _embeddable(family: str, style: str, text: str, *, keep_layout: bool) -> tuple[bytes, str]:
    font = _subset(family, style, "".join(sorted(set(text))), keep_layout)
    key = font_key(font)
    return obfuscate(font, key), key


@cache
def _subset(family: str, style: str, characters: str, keep_layout: bool) -> bytes:
    """Return the face subset to the characters, by HarfBuzz's subsetter.

    fontTools' subsetter, used before, runs every charstring of a CFF face in Python: half a
    second for each Chinese face, where HarfBuzz takes milliseconds. What is kept is the same:
    the characters' glyphs and advances, every name, no hinting, the .notdef box, no glyph
    names (tests/test_render_docx.py shapes the text with the subset and the whole face)."""
    face = resolve_face(family, style)
    request = hb.SubsetInput()
    request.unicode_set.update(map(ord, characters + "0123456789 "))  # page numbers are fields
    request.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
    names = request.sets(hb.SubsetInputSets.NAME_ID)
    names.clear()
    names.invert()  # every name: Word finds an embedded font by its family name
    if not keep_layout:
        drop = request.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
        for tag in LAYOUT_TABLES:
            drop.add(int.from_bytes(tag.encode("ascii"), "big"))
    try:
        font = hb.subset(harfbuzz_face(face), request)
    except RuntimeError:  # uharfbuzz's "Subsetting failed"
        raise RenderError(
            f"HarfBuzz could not subset {family} {style} ({face.path})",
            path=face.path,
            fix="reinstall the font (scripts/setup.sh), or report it with the font file",
        ) from None
    return bytes(font.blob.data)


def _families(document: DocxDocument) -> dict[str, str]:
    """Return the document's default font of each slot (Latin, East Asian, complex script)."""
    fonts = document.styles.element.find(qn("w:docDefaults")).find(f".//{qn('w:rFonts')}")
    slots = {"ascii": "ascii", "eastAsia": "eastAsia", "cs": "cs"}
    return {slot: str(fonts.get(qn(f"w:{attr}"))) for slot, attr in slots.items()}


def _printed_text(document: DocxDocument) -> str:
    """Return every character the document prints: body, headers, footers and charts."""
    texts: list[str] = []
    for part in document.part.package.iter_parts():
        if not str(part.partname).endswith(".xml") or "/word/" not in str(part.partname):
            continue
        root = part.element if hasattr(part, "element") else etree.fromstring(part.blob)
        texts += [e.text or "" for e in root.iter(*_TEXT, _CHART_VALUE)]
        texts += [str(e.get(qn("w:val"))) for e in root.iter(qn("w:lvlText"))]  # bullets
    return "".join(texts)


def _uses_italics(document: DocxDocument) -> bool:
    for root in (document.element, document.styles.element):
        for italic in root.iter(qn("w:i")):
            if italic.get(qn("w:val")) not in ("0", "false"):
                return True
    return False


def _font_entry(table: Any, family: str) -> Any:
    """Return the fontTable's entry for a family, made if pandoc's reference lacks it."""
    for font in table.iter(qn("w:font")):
        if font.get(qn("w:name")) == family:
            for old in font.findall(qn("w:embedRegular")) + font.findall(qn("w:embedBold")):
                font.remove(old)
            return font
    font = OxmlElement("w:font")
    font.set(qn("w:name"), family)
    table.append(font)
    return font


def _declare_embedding(document: DocxDocument) -> None:
    """Set embedTrueTypeFonts and saveSubsetFonts, each at its place in the schema's order."""
    settings = document.settings.element
    for tag in ("embedTrueTypeFonts", "saveSubsetFonts"):
        if settings.find(qn(f"w:{tag}")) is not None:
            continue
        earlier = SETTINGS_ORDER[: SETTINGS_ORDER.index(tag)]
        before = [c for c in settings if c.tag.split("}")[1] in earlier]
        element = OxmlElement(f"w:{tag}")
        if before:
            before[-1].addnext(element)
        else:
            settings.insert(0, element)
