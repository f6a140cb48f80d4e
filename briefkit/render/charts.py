"""Charts as native DrawingML chart parts, for the DOCX: editable in Word, with their data.

A chart part (`word/charts/chartN.xml`) is the same `c:chartSpace` Word, Excel and PowerPoint
share. It holds the categories and values as caches of a worksheet range; there is no embedded
workbook, so Word draws and restyles the chart from the caches but cannot open its data for
editing ("the linked file isn't available"). Each bar's label is the figure as the PDF prints it
("32 millions", "87 %"), set as the data label's own text, while the value is the plain number.
Bars run from the start of the line as in the PDF: in a right-to-left language the value axis is
reversed, so bars grow leftwards from category labels on the right.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from briefkit.l10n.localise import LocalisedChart

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
RELATIONSHIP = f"{R}/chart"
ACCENT, INK, RULE = "0B5C7A", "1D2630", "B9C8D2"
CATEGORY_AXIS, VALUE_AXIS = "1001", "1002"
EMU_PER_MM = 36000
WIDTH_MM = 160  # the text width (170 mm) less the frame's indents, rules and space
ROW_MM, FRAME_MM = 9, 8  # a bar's row and the chart's own top and bottom space
LABEL_ROOM = 1.3  # the value axis runs this far past the longest bar, for its label


@dataclass(frozen=True)
class ChartFonts:
    """The font of each script in the chart's text, and the language its labels are in."""

    latin: str
    east_asian: str
    complex: str
    language: str  # a language tag as Word writes it (en-US, ar-SA, zh-CN)


def chart_size(chart: LocalisedChart) -> tuple[int, int]:
    """Return the chart's width and height in EMU: the text width, and a row per bar."""
    height = FRAME_MM + ROW_MM * len(chart.bars)
    return WIDTH_MM * EMU_PER_MM, height * EMU_PER_MM


def chart_xml(chart: LocalisedChart, fonts: ChartFonts, *, rtl: bool) -> bytes:
    """Return the chart part of a horizontal bar chart, one bar per figure, in reading order."""
    space = _c(
        "chartSpace",
        _c("date1904", val="0"),
        _c("lang", val=fonts.language),
        _c("roundedCorners", val="0"),
        _c(
            "chart",
            _c("autoTitleDeleted", val="1"),  # the caption is the document's paragraph above
            _c(
                "plotArea",
                _c("layout"),
                _bar_chart(chart),
                _category_axis(rtl),
                _value_axis(chart, rtl),
            ),
            _c("plotVisOnly", val="1"),
            _c("dispBlanksAs", val="gap"),
        ),
        _shape(fill=None, line=None),
        _text_properties(fonts, size=900, bold=False),
    )
    return bytes(etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True))


def _bar_chart(chart: LocalisedChart) -> etree._Element:
    return _c(
        "barChart",
        _c("barDir", val="bar"),
        _c("grouping", val="clustered"),
        _c("varyColors", val="0"),
        _series(chart),
        _c("gapWidth", val="60"),
        _c("axId", val=CATEGORY_AXIS),
        _c("axId", val=VALUE_AXIS),
    )


def _series(chart: LocalisedChart) -> etree._Element:
    rows = len(chart.bars) + 1
    return _c(
        "ser",
        _c("idx", val="0"),
        _c("order", val="0"),
        _c("tx", _string_reference("Sheet1!$B$1", [chart.title])),
        _shape(fill=ACCENT, line=None),
        _c("invertIfNegative", val="0"),
        _labels(chart),
        _c("cat", _string_reference(f"Sheet1!$A$2:$A${rows}", [b.label for b in chart.bars])),
        _c("val", _number_reference(f"Sheet1!$B$2:$B${rows}", [b.amount for b in chart.bars])),
    )


def _labels(chart: LocalisedChart) -> etree._Element:
    """Return data labels that print each figure as the brief does, at the end of its bar."""
    own = [
        _c(
            "dLbl",
            _c("idx", val=str(index)),
            _c("tx", _c("rich", _unwrapped(), _a("p", _a("r", _a("t", text=bar.value))))),
            _c("dLblPos", val="outEnd"),
            *_shown(value=True),
        )
        for index, bar in enumerate(chart.bars)
    ]
    return _c(
        "dLbls",
        *own,
        _shape(fill=None, line=None),
        _c(
            "txPr",
            _unwrapped(),
            _a("lstStyle"),
            _a("p", _a("pPr", _a("defRPr", sz="900", b="1")), _a("endParaRPr", lang="en-US")),
        ),
        _c("dLblPos", val="outEnd"),
        *_shown(value=True),
    )


def _unwrapped() -> etree._Element:
    """Return text-box properties that keep a label on one line (LibreOffice wraps "10,000")."""
    return _a("bodyPr", wrap="none")


def _shown(*, value: bool) -> list[etree._Element]:
    flags = ("showLegendKey", "showVal", "showCatName", "showSerName", "showPercent")
    return [_c(flag, val="1" if value and flag == "showVal" else "0") for flag in flags] + [
        _c("showBubbleSize", val="0")
    ]


def _category_axis(rtl: bool) -> etree._Element:
    # maxMin puts the first bar at the top, as the PDF's first row.
    return _c(
        "catAx",
        _c("axId", val=CATEGORY_AXIS),
        _c("scaling", _c("orientation", val="maxMin")),
        _c("delete", val="0"),
        _c("axPos", val="r" if rtl else "l"),
        _c("numFmt", formatCode="General", sourceLinked="0"),
        _c("majorTickMark", val="none"),
        _c("minorTickMark", val="none"),
        _c("tickLblPos", val="nextTo"),
        _shape(fill=None, line=RULE),
        _c("crossAx", val=VALUE_AXIS),
        _c("crosses", val="autoZero"),
        _c("auto", val="1"),
        _c("lblAlgn", val="ctr"),
        _c("lblOffset", val="100"),
        _c("noMultiLvlLbl", val="0"),
    )


def _value_axis(chart: LocalisedChart, rtl: bool) -> etree._Element:
    # The labels carry the figures, so the value axis is not drawn; reversed, it mirrors the bars.
    # Its end leaves the longest bar room for its label, as the PDF's value column does.
    largest = max((abs(bar.amount) for bar in chart.bars), default=0.0) or 1.0
    scaling = _c(
        "scaling",
        _c("orientation", val="maxMin" if rtl else "minMax"),
        _c("max", val=_number(largest * LABEL_ROOM)),
        _c("min", val="0"),
    )
    return _c(
        "valAx",
        _c("axId", val=VALUE_AXIS),
        scaling,
        _c("delete", val="1"),
        _c("axPos", val="t"),
        _c("numFmt", formatCode="General", sourceLinked="1"),
        _c("majorTickMark", val="none"),
        _c("minorTickMark", val="none"),
        _c("tickLblPos", val="nextTo"),
        _c("crossAx", val=CATEGORY_AXIS),
        _c("crosses", val="autoZero"),
        _c("crossBetween", val="between"),
    )


def _string_reference(formula: str, texts: list[str]) -> etree._Element:
    points = [_c("pt", _c("v", text=text), idx=str(i)) for i, text in enumerate(texts)]
    return _c(
        "strRef", _c("f", text=formula), _c("strCache", _c("ptCount", val=str(len(texts))), *points)
    )


def _number_reference(formula: str, values: list[float]) -> etree._Element:
    points = [_c("pt", _c("v", text=_number(v)), idx=str(i)) for i, v in enumerate(values)]
    cache = _c(
        "numCache", _c("formatCode", text="General"), _c("ptCount", val=str(len(values))), *points
    )
    return _c("numRef", _c("f", text=formula), cache)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _shape(*, fill: str | None, line: str | None) -> etree._Element:
    filled = _a("solidFill", _a("srgbClr", val=fill)) if fill else _a("noFill")
    outline = _a("ln", _a("solidFill", _a("srgbClr", val=line)) if line else _a("noFill"))
    if line:
        outline.set("w", "6350")  # 0.5 pt
    return _c("spPr", filled, outline)


def _text_properties(fonts: ChartFonts, *, size: int, bold: bool) -> etree._Element:
    run = _a(
        "defRPr",
        _a("solidFill", _a("srgbClr", val=INK)),
        _a("latin", typeface=fonts.latin),
        _a("ea", typeface=fonts.east_asian),
        _a("cs", typeface=fonts.complex),
        sz=str(size),
        b="1" if bold else "0",
        lang=fonts.language,
    )
    paragraph = _a("pPr", run)
    return _c(
        "txPr",
        _a("bodyPr"),
        _a("lstStyle"),
        _a("p", paragraph, _a("endParaRPr", lang=fonts.language)),
    )


def _c(
    tag: str, *children: etree._Element, text: str | None = None, **attrs: str
) -> etree._Element:
    return _element(C, tag, children, text, attrs)


def _a(
    tag: str, *children: etree._Element, text: str | None = None, **attrs: str
) -> etree._Element:
    return _element(A, tag, children, text, attrs)


def _element(
    namespace: str,
    tag: str,
    children: tuple[etree._Element, ...],
    text: str | None,
    attrs: dict[str, str],
) -> etree._Element:
    element = etree.Element(f"{{{namespace}}}{tag}", nsmap={"c": C, "a": A, "r": R})
    for key, value in attrs.items():
        element.set(key, value)
    element.extend(children)
    if text is not None:
        element.text = text
    return element
