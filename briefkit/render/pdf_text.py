"""The PDF's text layer: what search, copy and text-to-speech get back from the page.

PDF readers (pdfium in Chrome, poppler, pdf.js) rebuild a line's text from its glyphs in the
order and at the height they are drawn, then turn right-to-left runs round themselves.
WeasyPrint draws a mark that HarfBuzz raises or lowers (an Arabic fatha, shadda or tanween
placed for the letter under it) as a text object of its own with a text rise, so the readers
take it for a line of its own and the word loses it ("حجمًا" comes back as "حجما" and a stray
"ً"). `lift_marks` keeps every such glyph in the text layer where it belongs (invisible, on
the baseline, at the pen between its neighbours) and paints the visible glyph as its outline,
exactly where WeasyPrint put it. Nothing visible changes.
"""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pikepdf
from fontTools.pens.basePen import BasePen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from pikepdf import Array, ContentStreamInstruction, Dictionary, Name, Operator

SPACE, HYPHEN = "BriefkitLineEndSpace", "BriefkitLineEndHyphen"  # the points draw_text leaves
RTL = "RTL"  # suffix of the point when the line runs right to left (it ends at its left)
BLANK = "BriefkitBlank"  # the point where a box of white space alone was not drawn
LEVELS = "BriefkitLevels"  # the point listing a right-to-left line's runs and their levels
SOFT_HYPHEN = "\u00ad"
RLM = "\u200f"
# The mark's advance, taken back in the same TJ: pdfium skips a text object of no width.
MARK_WIDTH = 50
INVISIBLE = 3  # text rendering mode 3: neither filled nor stroked (ISO 32000-1, 9.3.6)
# Text operators WeasyPrint never writes; a page using one is left as it is.
UNTRACKED = frozenset({"Td", "TD", "T*", "'", '"', "Tc", "Tw", "Tz", "Tr", "Tj"})


@dataclass(frozen=True)
class _Raised:
    """A glyph drawn with a text rise, and where: its pen position in the text space of Tm."""

    font: Dictionary
    glyph: int
    size: float
    x: float
    rise: float
    matrix: tuple[float, ...]


@dataclass
class _Fonts:
    """Widths and outlines of a document's fonts, read once per font."""

    widths: dict[tuple[int, int], dict[int, float]] = field(default_factory=dict)
    faces: dict[tuple[int, int], TTFont | None] = field(default_factory=dict)
    spaces: dict[tuple[int, int], int | None] = field(default_factory=dict)
    marks: dict[tuple[int, int], int | None] = field(default_factory=dict)
    outlines: dict[tuple[tuple[int, int], int], list[tuple[list[float], str]]] = field(
        default_factory=dict
    )

    def outline(self, font: Dictionary, glyph: int) -> list[tuple[list[float], str]]:
        """Return a glyph's outline as PDF path operators, in font units (read once)."""
        key = (font.objgen, glyph)
        if key not in self.outlines:
            face = self.face(font)
            assert face is not None
            glyphs = face.getGlyphSet()
            pen = _PathPen(glyphs)
            glyphs[face.getGlyphName(glyph)].draw(pen)
            self.outlines[key] = pen.ops
        return self.outlines[key]

    def width(self, font: Dictionary, glyph: int) -> float:
        if font.objgen not in self.widths:
            self.widths[font.objgen] = _read_widths(font)
        return self.widths[font.objgen].get(glyph, 0.0)

    def space(self, font: Dictionary) -> int | None:
        """Return the glyph the font's ToUnicode maps to a space, if any."""
        if font.objgen not in self.spaces:
            self.spaces[font.objgen] = _space_glyph(font)
        return self.spaces[font.objgen]

    def program(self, font: Dictionary) -> TTFont | None:
        """Return the font's embedded TrueType program, variable or not (read once)."""
        if font.objgen not in self.faces:
            self.faces[font.objgen] = _read_face(font)
        return self.faces[font.objgen]

    def face(self, font: Dictionary) -> TTFont | None:
        """Return the program when its outlines are the ones drawn (a static font)."""
        program = self.program(font)
        return None if program is None or "fvar" in program else program

    def mark(self, font: Dictionary) -> int | None:
        """Return a glyph of the font that reads as a right-to-left mark (made once).

        An empty glyph the subset kept but nothing draws gets a ToUnicode entry for U+200F;
        shown invisibly between runs, it tells a reader's bidi which way the
        punctuation beside a figure or a Latin name belongs."""
        if font.objgen not in self.marks:
            self.marks[font.objgen] = _make_mark(font, self.program(font))
            if self.marks[font.objgen] is not None:
                self.widths.pop(font.objgen, None)
        return self.marks[font.objgen]


@dataclass
class _TextState:
    """The text state WeasyPrint sets: a text matrix, a font and size, a rise, the pen."""

    fonts: _Fonts
    matrix: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    font: Dictionary | None = None
    size: float = 0.0
    rise: float = 0.0
    x: float = 0.0
    font_name: str = ""
    levels: list[int] = field(default_factory=list)  # bidi level of each glyph still to show
    level: int | None = None  # the level of the last glyph shown
    pieces: list[tuple[int, int]] = field(default_factory=list)  # (start in out, bidi level)
    piece_font: str = ""  # the font the current piece started in

    def move(self, offset: Any) -> None:
        self.x -= float(offset) / 1000 * self.size

    def show(self, glyph: int) -> None:
        assert self.font is not None
        self.x += self.fonts.width(self.font, glyph) / 1000 * self.size


def hook_weasyprint_text() -> None:
    """Make WeasyPrint note where a line ends at a space or a hyphen, and where it leaves out
    a box of white space alone, for _rewrite (once).

    A marked-content point after the line's last text box says which; _rewrite puts an
    invisible space there, or tags the hyphen as a soft one (ISO 32000-1, 14.8.2.2.3, 14.8.2.5)."""
    from weasyprint import draw

    original_block, original_text = draw.draw_block_level, draw.draw_text
    if getattr(original_block, "briefkit_hook", False):
        return

    def draw_block_level(page: Any, stream: Any, blocks_and_cells: Any) -> None:
        for block in blocks_and_cells:
            mark_line_ends(block)
        original_block(page, stream, blocks_and_cells)

    def draw_text(stream: Any, box: Any, *args: Any, **kwargs: Any) -> None:
        original_text(stream, box, *args, **kwargs)
        if box.text and not box.text.strip() and box.style["visibility"] == "visible":
            # WeasyPrint draws nothing for a box of white space alone (the space between two
            # inline elements); the text as written has a space there.
            x, y = box.position_x, box.position_y + box.baseline
            stream.stream.append(f"/{BLANK} <</X {x:.4f} /Y {y:.4f}>> DP".encode())
        end = getattr(box, "briefkit_line_end", None)
        if end is not None:
            rtl = RTL if box.style["direction"] == "rtl" else ""
            stream.stream.append(f"/{end}{rtl} MP".encode())

    draw_block_level.briefkit_hook = True  # type: ignore[attr-defined]
    draw.draw_block_level, draw.draw_text = draw_block_level, draw_text
    _hook_line_breaks()
    _hook_bidi_levels()


def _hook_bidi_levels() -> None:
    """Make WeasyPrint say, before each right-to-left line's text, the bidi level of its glyphs.

    A marked-content point lists each run's glyph count and embedding level (as Pango laid
    them out); _rewrite cuts the line there, marks each change of direction and puts the
    pieces in reading order."""
    from weasyprint.draw import text
    from weasyprint.text.ffi import ffi, pango

    original = text.draw_first_line

    def draw_first_line(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
        start = len(stream.stream)
        emojis = original(stream, textbox, *args, **kwargs)
        if textbox.style["direction"] != "rtl" or len(stream.stream) == start:
            return emojis
        runs: list[int] = []
        line, _ = textbox.pango_layout.get_first_line()
        run = line.runs[0]
        while run != ffi.NULL:
            item, run = run.data, run.next
            glyphs = item.glyphs
            drawn = sum(
                glyphs.glyphs[i].glyph != pango.PANGO_GLYPH_EMPTY for i in range(glyphs.num_glyphs)
            )
            # PangoAnalysis.level is a guint8; WeasyPrint's cdef declares a wider field, so
            # read the byte at its address (the following fields would come along otherwise).
            level = ffi.cast("unsigned char *", ffi.addressof(item.item.analysis, "level"))[0]
            runs += [drawn, level]
        stream.stream.insert(start, f"/{LEVELS} <</L [{' '.join(map(str, runs))}]>> DP".encode())
        return emojis

    text.draw_first_line = draw_first_line


def _hook_line_breaks() -> None:
    """Note on a text box cut at a line break whether the break dropped a space.

    Only then does the text as written have a space there: Chinese breaks between characters,
    and a break at the end of an inline box is left alone (no space is ever made up)."""
    from weasyprint.layout import inline

    original = inline.split_text_box

    def split_text_box(context: Any, box: Any, *args: Any, **kwargs: Any) -> Any:
        new_box, resume, preserved = original(context, box, *args, **kwargs)
        skip = (args[1] if len(args) > 1 else kwargs.get("skip")) or 0
        if new_box is not None and resume is not None:
            written = new_box.text.removesuffix(new_box.style["hyphenate_character"])
            dropped = box.text.encode()[skip:resume][len(written.encode()) :]
            new_box.briefkit_space_after = b" " in dropped
        return new_box, resume, preserved

    inline.split_text_box = split_text_box


def mark_line_ends(block: Any) -> None:
    """Note on the last text box of each line of a block but its last how the line ended.

    WeasyPrint drops the space a line breaks at, and draws a hyphenation point as a hard
    hyphen; the text as written has the space, and a soft hyphen."""
    from weasyprint.formatting_structure import boxes

    lines = [
        [b for b in c.descendants() if isinstance(b, boxes.TextBox) and b.text]
        for c in getattr(block, "children", ())
        if isinstance(c, boxes.LineBox)
    ]
    # A block's last line ends it, unless the page broke it (then its text box was cut at a
    # space, which the split noted).
    for leaves, following in itertools.pairwise([*lines, []]):
        if not leaves:
            continue
        last = leaves[-1]
        if last.text.endswith(last.style["hyphenate_character"]):
            last.briefkit_line_end = HYPHEN
        elif getattr(last, "briefkit_space_after", False) or (
            following and _between_words(last.text[-1], following[0].text[0])
        ):
            last.briefkit_line_end = SPACE


def _between_words(before: str, after: str) -> bool:
    """Return True when a line break between these characters must have been at a space.

    Two letters or digits of a script that spaces its words break nowhere else (hyphenation
    aside); a break next to a Chinese character or after a dash or slash may be space-less."""
    return all(c.isalnum() and unicodedata.east_asian_width(c) not in "WF" for c in before + after)


def mend_text_layer(pdf: pikepdf.Pdf) -> None:
    """Lift raised glyphs, mark line ends and soft hyphens, and map mirrored glyphs right."""
    fonts = _Fonts()
    lift_marks(pdf, fonts)
    map_mirrored_glyphs(pdf, fonts)


def lift_marks(pdf: pikepdf.Pdf, fonts: _Fonts) -> None:
    """Rewrite every page so raised glyphs read in place; see the module's docstring."""
    for page in pdf.pages:
        rewritten = _rewrite(list(pikepdf.parse_content_stream(page)), _fonts_of(page), fonts)
        if rewritten is not None:
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(rewritten))


def map_mirrored_glyphs(pdf: pikepdf.Pdf, fonts: _Fonts) -> None:
    """Map each mirrored glyph to the character it shows, as the font's own cmap does.

    In right-to-left text HarfBuzz draws "(" with the glyph of ")"; WeasyPrint maps that glyph
    to "(" in ToUnicode, so readers, which mirror right-to-left text themselves, give back
    ")2023(". The glyph of ")" is ")"; a reader turning the run round makes it "(" again."""
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for font in _fonts_of(page).values():
            if font.objgen in seen or "/ToUnicode" not in font:
                continue
            seen.add(font.objgen)
            face = fonts.program(font)
            if face is not None and "cmap" in face:
                _remap(font, face)


def _fonts_of(page: pikepdf.Page) -> dict[str, Dictionary]:
    """Return a page's font resources by name."""
    resources = page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary())
    return {str(name): font for name, font in resources.items() if isinstance(font, Dictionary)}


def _remap(font: Dictionary, face: TTFont) -> None:
    shows: dict[int, set[str]] = {}
    for code, name in face.getBestCmap().items():
        shows.setdefault(face.getGlyphID(name), set()).add(chr(code))
    cmap_text = font.ToUnicode.read_bytes().decode("latin-1")

    def entry(match: re.Match[str]) -> str:
        glyph, text = int(match.group(1), 16), bytes.fromhex(match.group(2)).decode("utf-16-be")
        drawn = shows.get(glyph, set())
        if len(text) == 1 and unicodedata.mirrored(text) and text not in drawn:
            mirror = [c for c in drawn if unicodedata.mirrored(c)]
            if len(mirror) == 1:
                return f"<{match.group(1)}> <{mirror[0].encode('utf-16-be').hex().upper()}>"
        return match.group(0)

    fixed = re.sub(r"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]+)>", entry, cmap_text)
    if fixed != cmap_text:
        font.ToUnicode.write(fixed.encode("latin-1"))


def _rewrite(
    instructions: list[Any], resources: dict[str, Dictionary], fonts: _Fonts
) -> list[Any] | None:
    """Return the page's instructions with raised glyphs lifted; None if it has none."""
    out: list[Any] = []
    state = inked = _TextState(fonts)  # inked: the last text object that set a font
    painted: list[_Raised] = []
    changed = False
    for instruction in instructions:
        op = str(getattr(instruction, "operator", ""))
        operands = list(getattr(instruction, "operands", []))
        if op in UNTRACKED:
            return None
        if op == "BT":
            inked = state if state.font is not None else inked
            state = _TextState(fonts)
        elif op == "Tm":
            state.matrix, state.x = tuple(float(v) for v in operands), 0.0
        elif op == "Tf":
            state.font, state.size = resources.get(str(operands[0])), float(operands[1])
            state.font_name = str(operands[0])
        elif op == "Ts" and _liftable(state):
            instruction = _rise(state, float(operands[0]))
        elif op == "DP" and str(operands[0]) == f"/{BLANK}":
            where = operands[1]
            font = state if state.font is not None else inked
            matrix = (1.0, 0.0, 0.0, -1.0, float(where.X), float(where.Y))
            out += _invisible_space(font, matrix, resources)
            changed = True
            continue
        elif op == "DP" and str(operands[0]) == f"/{LEVELS}":
            runs = [int(v) for v in operands[1].L]  # glyph count, level, glyph count, …
            pairs = zip(runs[::2], runs[1::2], strict=True)
            state.levels = [level for count, level in pairs for _ in range(count)][::-1]
            state.pieces = [(len(out), -1)]
            changed = True
            continue
        elif op == "TJ" and state.font is not None:
            _show(state, operands[0], painted, out)
            continue
        elif op == "ET":
            if len(state.pieces) > 1:
                _logical_order(out, state.pieces)
            out.append(instruction)
            for raised in painted:
                out += _paint(fonts, raised)
            changed, painted = changed or bool(painted), []
            continue
        elif op == "MP" and str(operands[0])[1:].startswith((SPACE, HYPHEN)):
            point = str(operands[0])[1:]
            rtl = point.endswith(RTL)
            out += _space(state, rtl, resources) if point.startswith(SPACE) else []
            if point.startswith(HYPHEN):
                _soften_hyphen(out)
            changed = True
            continue
        out.append(instruction)
    return out if changed else None


def _space(
    state: _TextState, rtl: bool, resources: dict[str, Dictionary]
) -> list[ContentStreamInstruction]:
    """Return an invisible space where the line ends: after its last glyph, or before its
    first when it runs right to left (readers turn such a line round)."""
    spacer = _spacer(state, resources)
    if spacer is None:
        return []
    _, font, glyph = spacer
    width = state.fonts.width(font, glyph) / 1000 * state.size
    x = -width if rtl else state.x
    a, b, c, d, e, f = state.matrix
    return _invisible_space(state, (a, b, c, d, e + x * a, f + x * b), resources)


def _spacer(
    state: _TextState, resources: dict[str, Dictionary]
) -> tuple[str, Dictionary, int] | None:
    """Return a font with a space glyph, and the glyph: the state's own, else the first of
    the page's fonts that has one (a subset of bold face may hold no space)."""
    named = [(state.font_name, state.font)] if state.font is not None else []
    for name, font in [*named, *sorted(resources.items(), key=lambda item: item[0])]:
        glyph = state.fonts.space(font)
        if glyph is not None:
            return name, font, glyph
    return None


def _invisible_space(
    state: _TextState, matrix: tuple[float, ...], resources: dict[str, Dictionary]
) -> list[Any]:
    """Return a space at the text matrix, at the state's size, in the text layer only."""
    spacer = _spacer(state, resources)
    if spacer is None or not state.size:
        return []
    name, _, glyph = spacer
    return [
        _instruction([], "BT"),
        _instruction(list(matrix), "Tm"),
        _instruction([Name(name), state.size], "Tf"),
        _instruction([INVISIBLE], "Tr"),
        _instruction([Array([pikepdf.String(glyph.to_bytes(2, "big"))])], "TJ"),
        _instruction([0], "Tr"),
        _instruction([], "ET"),
    ]


def _soften_hyphen(out: list[Any]) -> None:
    """Tag the hyphen that ends the last text shown as a soft hyphen (/ActualText U+00AD)."""
    for index in range(len(out) - 1, -1, -1):
        if str(getattr(out[index], "operator", "")) != "TJ":
            continue
        array = list(out[index].operands[0])
        strings = [i for i, part in enumerate(array) if isinstance(part, pikepdf.String)]
        if not strings or len(bytes(array[strings[-1]])) < 2:
            return
        last = strings[-1]
        raw = bytes(array[last])
        head = [*array[:last], pikepdf.String(raw[:-2])] if len(raw) > 2 else array[:last]
        tail = [pikepdf.String(raw[-2:]), *array[last + 1 :]]
        actual = Dictionary(ActualText=pikepdf.String(SOFT_HYPHEN))
        out[index : index + 1] = [
            _instruction([Array(head)], "TJ"),
            ContentStreamInstruction([Name.Span, actual], Operator("BDC")),
            _instruction([Array(tail)], "TJ"),
            _instruction([], "EMC"),
        ]
        return


def _font_name(state: _TextState) -> str:
    return state.font_name


def _liftable(state: _TextState) -> bool:
    return state.font is not None and state.fonts.face(state.font) is not None


def _rise(state: _TextState, rise: float) -> ContentStreamInstruction:
    """Replace a text rise by the invisible rendering mode (and back)."""
    state.rise = rise
    return _instruction([INVISIBLE if rise else 0], "Tr")


def _show(state: _TextState, array: Any, painted: list[_Raised], out: list[Any]) -> None:
    """Append the TJ as drawn: on the baseline, unchanged (a right-to-left line's cut where
    the bidi level changes); raised, its glyphs put on the pen.

    A raised glyph moves to before the offsets that preceded it (the text layer wants it at
    the pen, between its neighbours), and they follow it, so the pen ends where it did."""
    if not state.rise and not state.pieces:  # a left-to-right line: as it is
        for part in array:
            if isinstance(part, pikepdf.String):
                for glyph in _glyphs(bytes(part)):
                    state.show(glyph)
            else:
                state.move(part)
        out.append(_instruction([array], "TJ"))
        return
    if not state.rise:
        _show_marking_levels(state, array, out)
        return
    assert state.font is not None
    moved: list[Any] = []
    offsets: list[Any] = []
    for part in array:
        if not isinstance(part, pikepdf.String):
            offsets.append(part)
            continue
        for glyph in _glyphs(bytes(part)):
            pen = state.x
            for offset in offsets:
                state.move(offset)
            state.level = state.levels.pop() if state.levels else state.level
            painted.append(
                _Raised(state.font, glyph, state.size, state.x, state.rise, state.matrix)
            )
            state.x = pen
            state.show(glyph)
            for offset in offsets:
                state.move(offset)
            moved += [pikepdf.String(glyph.to_bytes(2, "big")), *offsets]
            offsets = []
    for offset in offsets:
        state.move(offset)
    out.append(_instruction([Array([*moved, *offsets])], "TJ"))


def _show_marking_levels(state: _TextState, array: Any, out: list[Any]) -> None:
    """Append the TJ as drawn, cut into pieces placed by their own Tm where the bidi level or
    the font changes (pdf.js reads each font's run as an item of its own). Where the
    direction changes an invisible right-to-left mark goes in (so a reader's bidi keeps
    "2023،" and "(NCMEC)" whole); _logical_order then puts the pieces in reading order."""
    current: list[Any] = []

    def flush() -> None:
        if any(isinstance(part, pikepdf.String) for part in current):
            out.append(_instruction([Array(current)], "TJ"))
        current.clear()

    for part in array:
        if not isinstance(part, pikepdf.String):
            state.move(part)
            current.append(part)
            continue
        glyphs: list[int] = []
        for glyph in _glyphs(bytes(part)):
            level = state.levels.pop() if state.levels else None
            if (
                level is not None
                and state.level is not None
                and (level != state.level or state.font_name != state.piece_font)
            ):
                if glyphs:
                    current.append(pikepdf.String(_codes(glyphs)))
                    glyphs = []
                flush()
                state.pieces.append((len(out), level))
                out.extend(_at_pen(state))
                if (level - state.level) % 2:
                    out.extend(_mark(state))
            elif level is not None and state.pieces and state.pieces[-1][1] < 0:
                state.pieces[-1] = (state.pieces[-1][0], level)
            state.level = level if level is not None else state.level
            state.piece_font = state.font_name
            glyphs.append(glyph)
            state.show(glyph)
        if glyphs:
            current.append(pikepdf.String(_codes(glyphs)))
    flush()


def _at_pen(state: _TextState) -> list[ContentStreamInstruction]:
    """Return a Tm and Tf that start a piece of the line where the pen is, in its font."""
    a, b, c, d, e, f = state.matrix
    return [
        _instruction([a, b, c, d, e + state.x * a, f + state.x * b], "Tm"),
        _instruction([Name(_font_name(state)), state.size], "Tf"),
    ]


def _logical_order(out: list[Any], pieces: list[tuple[int, int]]) -> None:
    """Put the pieces of a right-to-left line (out[pieces[0][0]:]) in reading order.

    Undoes the Unicode bidi algorithm's rule L2 (reversing every run at or above each level,
    from the highest down to the lowest odd one) by reversing from the lowest up. pdf.js
    reads a line in drawing order, one piece at a time; pdfium and poppler go by position."""
    bounds = [start for start, _ in pieces] + [len(out)]
    chunks = [out[a:b] for a, b in itertools.pairwise(bounds)]
    levels = [max(level, 0) for _, level in pieces]
    order = list(range(len(chunks)))
    odd = [lv for lv in levels if lv % 2]
    for k in range(min(odd), max(levels) + 1) if odd else ():
        i = 0
        while i < len(levels):
            if levels[i] < k:
                i += 1
                continue
            j = i
            while j < len(levels) and levels[j] >= k:
                j += 1
            order[i:j], levels[i:j] = order[i:j][::-1], levels[i:j][::-1]
            i = j
    out[bounds[0] :] = [instruction for index in order for instruction in chunks[index]]


def _mark(state: _TextState) -> list[ContentStreamInstruction]:
    """Return an invisible right-to-left mark at the pen, in the current font (if it has one)."""
    assert state.font is not None
    glyph = state.fonts.mark(state.font)
    if glyph is None:
        return []
    return [
        _instruction([INVISIBLE], "Tr"),
        _instruction([Array([pikepdf.String(_codes([glyph])), MARK_WIDTH])], "TJ"),
        _instruction([0], "Tr"),
    ]


def _codes(glyphs: list[int]) -> bytes:
    return b"".join(g.to_bytes(2, "big") for g in glyphs)


def _make_mark(font: Dictionary, face: TTFont | None) -> int | None:
    """Give an unused, empty glyph of the font the text U+200F, a small box and MARK_WIDTH;
    return it (None when the font has no such glyph to spare)."""
    if face is None or "/ToUnicode" not in font or "glyf" not in face:
        return None
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    mapped = {int(g, 16) for g in re.findall(r"<([0-9A-Fa-f]{4})> <[0-9A-Fa-f]+>", cmap)}
    glyf, order = face["glyf"], face.getGlyphOrder()
    free = next(
        (
            gid
            for gid in range(1, len(order))
            if gid not in mapped and glyf[order[gid]].numberOfContours == 0
        ),
        None,
    )
    if free is None or "endcmap" not in cmap:
        return None
    entry = f"1 beginbfchar\n<{free:04X}> <{ord(RLM):04X}>\nendbfchar\nendcmap"
    font.ToUnicode.write(cmap.replace("endcmap", entry, 1).encode("latin-1"))
    _draw_mark(font, face, order[free])
    descendant = font.DescendantFonts[0]
    widths = descendant.get("/W", Array())
    widths.extend(Array([free, Array([MARK_WIDTH])]))
    descendant.W = widths
    return free


def _paint(fonts: _Fonts, raised: _Raised) -> list[ContentStreamInstruction]:
    """Return the raised glyph's outline, filled in the current colour, in a q … Q group."""
    face = fonts.face(raised.font)
    assert face is not None
    scale = raised.size / face["head"].unitsPerEm
    return [
        _instruction([], "q"),
        _instruction(list(raised.matrix), "cm"),
        _instruction([scale, 0.0, 0.0, scale, raised.x, raised.rise], "cm"),
        *(_instruction(operands, op) for operands, op in fonts.outline(raised.font, raised.glyph)),
        _instruction([], "f"),
        _instruction([], "Q"),
    ]


def _instruction(operands: list[Any], operator: str) -> ContentStreamInstruction:
    return ContentStreamInstruction([_number(v) for v in operands], Operator(operator))


def _number(value: Any) -> Any:
    return Decimal(f"{value:.4f}").normalize() if isinstance(value, float) else value


def _glyphs(raw: bytes) -> list[int]:
    return [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw) - 1, 2)]


def _space_glyph(font: Dictionary) -> int | None:
    if "/ToUnicode" not in font:
        return None
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    found = re.search(r"<([0-9A-Fa-f]{4})> <0020>", cmap)
    return int(found.group(1), 16) if found else None


def _read_widths(font: Dictionary) -> dict[int, float]:
    """Return glyph -> width from a CID font's /W array (both of its forms)."""
    widths: dict[int, float] = {}
    entries = list(font.DescendantFonts[0].get("/W", Array()))
    i = 0
    while i < len(entries):
        first = int(entries[i])
        if isinstance(entries[i + 1], Array):
            widths.update({first + k: float(w) for k, w in enumerate(entries[i + 1])})
            i += 2
        else:
            widths.update({g: float(entries[i + 2]) for g in range(first, int(entries[i + 1]) + 1)})
            i += 3
    return widths


def _read_face(font: Dictionary) -> TTFont | None:
    """Return the embedded TrueType program of a Type0 font with identity glyph ids, if any."""
    if font.get("/Subtype") != "/Type0":
        return None
    descendant = font.DescendantFonts[0]
    descriptor = descendant.get("/FontDescriptor", Dictionary())
    program = descriptor.get("/FontFile2")
    if program is None or descendant.get("/CIDToGIDMap") != "/Identity":
        return None
    face = TTFont(io.BytesIO(program.read_bytes()), lazy=True, recalcTimestamp=False)
    return face if "glyf" in face else None


def _draw_mark(font: Dictionary, face: TTFont, name: str) -> None:
    """Give the mark's glyph a small box and the mark's advance in the embedded program.

    It is only ever shown invisibly; pdfium leaves out a character whose glyph has no extent."""
    units = face["head"].unitsPerEm
    width = round(MARK_WIDTH * units / 1000)
    pen = TTGlyphPen(None)
    pen.moveTo((0, 0))
    pen.lineTo((0, width))
    pen.lineTo((width, width))
    pen.lineTo((width, 0))
    pen.closePath()
    face["glyf"][name] = pen.glyph()
    face["hmtx"][name] = (width, 0)
    out = io.BytesIO()
    face.save(out)
    descriptor = font.DescendantFonts[0].FontDescriptor
    descriptor.FontFile2.write(out.getvalue())
    descriptor.FontFile2.Length1 = len(out.getvalue())


class _PathPen(BasePen):  # type: ignore[misc]
    """Records an outline as PDF path operators (quadratic curves raised to cubic)."""

    def __init__(self, glyphs: Any) -> None:
        super().__init__(glyphs)
        self.ops: list[tuple[list[float], str]] = []

    def _moveTo(self, point: tuple[float, float]) -> None:
        self.ops.append(([*point], "m"))

    def _lineTo(self, point: tuple[float, float]) -> None:
        self.ops.append(([*point], "l"))

    def _curveToOne(self, p1: Any, p2: Any, p3: Any) -> None:
        self.ops.append(([*p1, *p2, *p3], "c"))

    def _closePath(self) -> None:
        self.ops.append(([], "h"))
