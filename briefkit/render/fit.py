"""Fitting an edition to its page target, and the last typesetting fixes that need the pages.

The brief declares its length (`pages: 4`). Each edition is laid out, measured on WeasyPrint's
boxes, and laid out again with small, bounded adjustments until it fits:

- a word hyphenated across a page turn is set unhyphenated;
- a chart or table that moved to the next page and left more than 15 % of the page empty
  before it is moved below the text that follows it (never past a heading);
- an edition over its target, or ending on a page with less than a quarter page of text, is set
  tighter (space between blocks, then leading, then at most half a point of type size and a
  lower chart), or looser when tightening cannot remove a short last page.

An edition over its target is first set at the step its overrun predicts, then one step looser
at a time while it still fits: it ends at the least tight step that fits, in three layouts for
most editions of the series (3.8 a PDF with the other adjustments, where trying every step from
the loosest took 4.9). The other adjustments follow at that step.

At most MAX_LAYOUTS layouts are made; what is left over is reported in `Fitted.problems` (and
an edition over its target is refused or warned about by the caller's policy).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment

from briefkit.l10n.localise import LocalisedBrief
from briefkit.l10n.typesetting import Setting
from briefkit.locales import LocaleInfo

MAX_LAYOUTS = 12
TIGHTEST = 5  # the last step of STEPS that tightens
STEPS_PER_PAGE_OVER = 5  # guess_step: an edition one page over its target needs about 5 steps
# Of a page: the most a float may leave empty before it (0.15), less a margin, as the boxes
# measured here end a little below the ink the layout test measures in the PDF.
MAX_HOLE = 0.13
MIN_LAST_PAGE = 0.25  # of a page: the least text on an edition's last page
SHORT_LINE = 0.7  # of the page's width: a hyphenated line shorter than this is a bad break
SHORT_BREAK = 0.4  # of its block's width: a line shorter than this, not the last, is a bad break
FLOATS = ("table", "figure")
# Steps from loose (-2) to tight (5): (factor on the space between blocks, added leading,
# points off the body type, factor on chart bars).
STEPS: dict[int, tuple[float, float, float, float]] = {
    -2: (1.3, 0.06, 0.0, 1.0),
    -1: (1.15, 0.03, 0.0, 1.0),
    0: (1.0, 0.0, 0.0, 1.0),
    1: (0.85, 0.0, 0.0, 1.0),
    2: (0.7, -0.03, 0.0, 0.85),
    3: (0.6, -0.05, 0.2, 0.8),
    4: (0.5, -0.07, 0.3, 0.75),
    5: (0.45, -0.08, 0.5, 0.7),
}
# How a float that leaves a hole is moved, in turn: below up to three blocks of text, then
# (when a heading stops it) above up to two.
_NEXT_MOVE = {0: 1, 1: 2, 2: 3, 3: -1, -1: -2}
BASE_LEADING = {"ar": 1.7, "zh": 1.7}  # brief.css; every other language 1.5


@dataclass(frozen=True)
class Measure:
    """What the fitter and the layout test look at on a laid-out edition."""

    pages: int
    last_page_fill: float  # the share of the last page's text area that holds something
    # (page, index of the float pushed to the next page or -1, empty share) per hole
    holes: tuple[tuple[int, int, float], ...]
    # words hyphenated across a page turn, or with a fragment alone on its line
    broken_at_turn: tuple[str, ...]
    # lines WeasyPrint broke short inside a paragraph or cell (`Les` / `signalements…`)
    short_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fitted:
    """The edition as fitted: its document, the adjustments made and what remains wrong."""

    document: Any
    measure: Measure
    step: int
    deferred: Mapping[int, int]
    no_hyphen: frozenset[str]
    layouts: int  # asked for; fit_brief lays the same HTML out only once
    problems: tuple[str, ...] = field(default=())
    target: int | None = None

    @property
    def over(self) -> float:
        """Return how many pages of text run past the target (0 when it fits)."""
        if self.target is None or self.measure.pages <= self.target:
            return 0.0
        return self.measure.pages - 1 + self.measure.last_page_fill - self.target


def fit(
    lay_out: Callable[[str, Mapping[int, int], frozenset[str]], Any],
    language: str,
    target: int | None,
) -> Fitted:
    """Lay an edition out until it fits, and return the best layout made.

    `lay_out(css, deferred, no_hyphen)` returns a WeasyPrint document with the fitter's CSS,
    floats deferred and words unhyphenated.

    An edition over its target goes from step 0 straight to the step its overrun predicts
    (`guess_step`), then back one step at a time while a looser step still fits, so it is set
    no tighter than it needs. After every layout, each remedy its measure calls for is applied
    for the next: words unhyphenated, floats moved, one step tighter while something only a
    tighter step can mend remains."""
    order = [0, 1, 2, 3, 4, 5, -1, -2]
    deferred: dict[int, int] = {}
    no_hyphen = frozenset[str]()
    tried: list[Fitted] = []
    laid_out: set[int] = set()  # steps laid out so far
    guessed = False
    # Backing off from a step that fits: that layout, and the remedies it called for.
    fits: tuple[Fitted, dict[int, int], frozenset[str]] | None = None
    at = 0
    while len(tried) < MAX_LAYOUTS:
        step = order[at]
        document = lay_out(step_css(step, language), deferred, no_hyphen)
        measure = measure_document(document)
        fitted = Fitted(
            document,
            measure,
            step,
            dict(deferred),
            no_hyphen,
            len(tried) + 1,
            problems(measure, target),
            target,
        )
        tried.append(fitted)
        laid_out.add(step)
        over = fitted.over > 0
        if over and fits is not None:
            # One step looser is too loose: back to the step that fits, with its remedies
            # (this layout's would mend a layout that is not kept).
            kept, deferred, no_hyphen = fits
            fits = None
            if not kept.problems:
                break
            at = order.index(kept.step)
            continue
        # Every remedy the measure calls for is applied at once, then laid out again.
        changed = False
        if not no_hyphen >= set(measure.broken_at_turn):
            no_hyphen |= frozenset(measure.broken_at_turn)
            changed = True
        stuck = False  # a hole no move of a float can fill
        for _, index, _ in measure.holes:
            if index >= 0 and deferred.get(index, 0) in _NEXT_MOVE:
                deferred[index] = _NEXT_MOVE[deferred.get(index, 0)]
                changed = True
            else:
                stuck = True
        if over and step == 0 and not guessed:
            guessed = True
            at = order.index(guess_step(fitted.over))
            continue
        if guessed and not over and 1 < step <= TIGHTEST and step - 1 not in laid_out:
            fits = (fitted, dict(deferred), no_hyphen)
            at -= 1  # is one step looser enough?
            continue
        fits = None
        if not fitted.problems:
            break
        short = measure.pages > 1 and measure.last_page_fill < MIN_LAST_PAGE
        # Tighter while over; looser (after the tightest) only while it still fits.
        next_step_helps = at + 1 < len(order) and not (over and (order[at + 1] < step or step < 0))
        if (over or short or stuck) and next_step_helps:
            at += 1
            changed = True
        if not changed:
            break

    def badness(fitted: Fitted) -> tuple[float, int, int]:
        return (fitted.over, len(fitted.problems), abs(fitted.step))

    best = min(tried, key=badness)
    return Fitted(
        best.document,
        best.measure,
        best.step,
        best.deferred,
        best.no_hyphen,
        len(tried),
        best.problems,
        target,
    )


def guess_step(over: float) -> int:
    """Return the step an edition `over` pages past its target probably needs.

    About one step per fifth of a page, from the series' 24 editions: a quarter of a page over
    needed steps 1 to 3, half a page 3 or 4, four fifths 4 or 5. A guess only saves layouts: the
    guessed step is laid out, and looser steps after it while they fit, or tighter ones while it
    is over, before one is kept."""
    return max(1, min(TIGHTEST, round(1 + STEPS_PER_PAGE_OVER * over)))


def problems(measure: Measure, target: int | None) -> tuple[str, ...]:
    """Return what is still wrong with a laid-out edition, in words."""
    found = []
    if target is not None and measure.pages > target:
        over = measure.pages - 1 + measure.last_page_fill - target
        found.append(f"{over:.2f} pages over its target of {target}")
    if measure.pages > 1 and measure.last_page_fill < MIN_LAST_PAGE:
        found.append(f"its last page is only {measure.last_page_fill:.0%} full")
    for page, _, share in measure.holes:
        found.append(f"page {page} is {share:.0%} empty at its foot")
    for word in measure.broken_at_turn:
        found.append(f"{word!r} is hyphenated across a page turn or leaves a fragment alone")
    for line in measure.short_lines:
        found.append(f"a line breaks short after {line!r}")
    return tuple(found)


def step_css(step: int, language: str) -> str:
    """Return the CSS of one fitting step (empty for step 0)."""
    if step == 0:
        return ""
    space, leading, smaller, bars = STEPS[step]

    def mm(value: float) -> str:
        return f"{value * space:.2f}mm"

    line_height = BASE_LEADING.get(language, 1.5) + leading
    size = (11.5 if language == "ar" else 10.5) - smaller
    return "\n".join(
        [
            f"html body {{ line-height: {line_height:.2f}; font-size: {size:.1f}pt; }}",
            f"html .cover {{ padding-block-end: {mm(6)}; margin-block-end: {mm(6)}; }}",
            f"html .key-messages {{ margin-block-end: {mm(7)}; }}",
            f"html p {{ margin-block-end: {mm(2.8)}; }}",
            f"html h2 {{ margin-block-start: {mm(7)}; margin-block-end: {mm(2.5)}; }}",
            f"html h3 {{ margin-block-start: {mm(5)}; margin-block-end: {mm(2)}; }}",
            f"html ul, html ol {{ margin-block-end: {mm(3)}; }}",
            f"html li {{ margin-block-end: {mm(1.5)}; }}",
            f"html blockquote {{ margin-block: {mm(4)}; }}",
            f"html table {{ margin-block: {mm(3)} {mm(4)}; }}",
            f"html figure.chart {{ margin-block: {mm(4)} {mm(5)}; }}",
            "html table.chart-bars { margin: 0; }",
            f"html .about {{ margin-block-start: {mm(6)}; }}",
            f"html span.bar {{ height: {4.5 * bars:.2f}mm; }}",
            f"html table.chart-bars td, html table.chart-bars th {{ padding-block: {1.2 * bars:.2f}mm; }}",
        ]
    )


def measure_document(document: Any) -> Measure:
    """Measure a laid-out WeasyPrint document: pages, the last page's fill, holes before floats
    and words hyphenated across a page turn."""
    from weasyprint.formatting_structure import boxes

    float_index: dict[int, int] = {}
    units_of_pages: list[list[tuple[str, Any]]] = []
    fills: list[float] = []
    for page in document.pages:
        box = page._page_box
        top, height = box.content_box_y(), box.height
        units = list(_units(box, boxes))
        units_of_pages.append(units)
        bottom = max((b.position_y + b.margin_height() for _, b in units), default=top)
        fills.append(max(0.0, min(1.0, (bottom - top) / height)))
        for kind, unit in units:
            if kind == "float":
                float_index.setdefault(id(unit.element), len(float_index))
    holes = []
    broken = []
    for number in range(len(units_of_pages) - 1):
        following = units_of_pages[number + 1]
        if not following:
            continue
        if 1 - fills[number] > MAX_HOLE:
            # What did not fit: a float, maybe behind the heading that goes with it.
            pushed = next((unit for kind, unit in following if not _heading(kind, unit)), None)
            index = -1
            if pushed is not None and _is_float(pushed):
                index = float_index[id(pushed.element)]
            holes.append((number + 1, index, 1 - fills[number]))
        kind, first = following[0]
        lines = [unit for kind, unit in units_of_pages[number] if kind == "line"]
        if lines and kind == "line":
            end = _line_text(lines[-1], boxes).rstrip()
            if end.endswith("\u2010"):
                start = _line_text(first, boxes).lstrip()
                word = end.split()[-1][:-1] + (start.split() or [""])[0]
                broken.append(_bare(word))
    # A hyphenated word whose fragment stands alone on a line: at a paragraph's end (a word the
    # rules left hyphenable), or where WeasyPrint set a word's two halves on lines of their own.
    laid = [
        (_line_text(unit, boxes).strip(), unit.width / page._page_box.width)
        for page, units in zip(document.pages, units_of_pages, strict=True)
        for kind, unit in units
        if kind == "line"
    ]
    texts = [text for text, _ in laid]
    for index, line in enumerate(texts[:-1]):
        if not line.endswith("\u2010"):
            continue
        word, at = line.split()[-1][:-1], index + 1
        # WeasyPrint 70 sometimes breaks a word on a line it leaves short: a hyphen there buys
        # nothing and leaves a gap.
        lone = len(line.split()) == 1 or laid[index][1] < SHORT_LINE
        while at + 1 < len(texts) and len(texts[at].split()) == 1 and texts[at].endswith("\u2010"):
            word, at, lone = word + texts[at][:-1], at + 1, True  # a word broken more than once
        lone = lone or len(texts[at].split()) == 1
        if lone:
            broken.append(_bare(word + (texts[at].split() or [""])[0]))
    return Measure(
        len(document.pages),
        fills[-1] if fills else 0.0,
        tuple(holes),
        tuple(broken),
        tuple(_short_lines(document, boxes)),
    )


def _short_lines(document: Any, boxes: Any) -> Iterator[str]:
    """Yield the text of each line of running text that ends far short of its block's edge
    although the block goes on after it."""
    for page in document.pages:
        for block in page._page_box.descendants():
            lines = [c for c in getattr(block, "children", ()) if isinstance(c, boxes.LineBox)]
            # Only running text: a table's narrow cells wrap short, a colophon's entries end short.
            if len(lines) < 2 or block.element_tag not in ("p", "li") or not block.width:
                continue
            for line in lines[:-1]:
                if line.width < SHORT_BREAK * block.width:
                    yield _line_text(line, boxes).strip()


def _units(box: Any, boxes: Any) -> Iterator[tuple[str, Any]]:
    """Yield the page's flow in order: each line box, and each chart or table as one unit."""
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.MarginBox):
            continue
        if getattr(child, "element_tag", None) in FLOATS and isinstance(child, boxes.BlockLevelBox):
            yield "float", child  # a chart's own table is inside its figure: never reached
            continue
        if isinstance(child, boxes.LineBox):
            yield "line", child
            continue
        yield from _units(child, boxes)


def _heading(kind: str, unit: Any) -> bool:
    return kind == "line" and getattr(unit, "element_tag", None) in ("h1", "h2", "h3", "h4")


def _is_float(unit: Any) -> bool:
    return getattr(unit, "element_tag", None) in FLOATS


def _line_text(line: Any, boxes: Any) -> str:
    return "".join(t.text for t in line.descendants() if isinstance(t, boxes.TextBox))


def _bare(word: str) -> str:
    return word.strip(".,;:!?()[]«»“”\"'’‘…—–")


def fit_brief(
    brief: LocalisedBrief,
    env: Environment,
    source: LocaleInfo,
    lay_out: Callable[[str], Any],
    preview: bool = False,
) -> Fitted:
    """Return a localised brief laid out and fitted to its page target.

    `lay_out(html)` lays an HTML page out with WeasyPrint (pdf.py, which writes the result)."""
    from briefkit.render.html import render_html

    language = brief.locale.language
    # A remedy can leave the page as it was (a float moved below a block it may not pass): the
    # same HTML is laid out once, and the fitter decides on the same document.
    documents: dict[str, Any] = {}

    def laid_out(css: str, deferred: Mapping[int, int], no_hyphen: frozenset[str]) -> Any:
        setting = Setting(language, no_hyphen)
        html = render_html(
            brief, env, source, preview, setting=setting, fit_css=css, deferred=deferred
        )
        if html not in documents:
            documents[html] = lay_out(html)
        return documents[html]

    return fit(laid_out, language, brief.pages)
