"""Reading a built PDF's layout back, as a production desk checks proofs: pages, lines and words
with their positions (poppler's `pdftotext -bbox-layout`), and the faults tests/test_layout.py counts.

It reads the PDF, not WeasyPrint's boxes, so it checks what the fitter produced without sharing
the fitter's code."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

MM = 72 / 25.4
TOP, BOTTOM = 22 * MM, 24 * MM  # the page margins of templates/pdf/brief.css
HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character
NS = "{http://www.w3.org/1999/xhtml}"
_CJK = re.compile(r"[\u3400-\u9fff]")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass
class Line:
    words: list[str]
    top: float
    bottom: float

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class Page:
    height: float
    blocks: list[list[Line]] = field(default_factory=list)  # in the text area only

    @property
    def lines(self) -> list[Line]:
        return [line for block in self.blocks for line in block]

    def fill(self) -> float:
        """Return the share of the text area down to the lowest line of text."""
        area = self.height - TOP - BOTTOM
        lowest = max((line.bottom for line in self.lines), default=TOP)
        return (lowest - TOP) / area


def read_pages(pdf: Path) -> list[Page]:
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    pages = []
    for page in ET.fromstring(xml).iter(NS + "page"):
        height = float(page.get("height", 0))
        found = Page(height)
        for block in page.iter(NS + "block"):
            lines = [
                Line(
                    [w.text or "" for w in line.iter(NS + "word")],
                    float(line.get("yMin", 0)),
                    float(line.get("yMax", 0)),
                )
                for line in block.iter(NS + "line")
            ]
            lines = [
                line for line in lines if line.top > TOP - 2 and line.bottom < height - BOTTOM + 2
            ]
            if lines:
                found.blocks.append(lines)
        pages.append(found)
    return pages


def _letters(text: str) -> int:
    return len(_LETTER.findall(text))


def faults(pdf: Path, target: int | None) -> dict[str, list[str]]:
    """Return every layout fault of one PDF, by kind, each with where it is."""
    pages = read_pages(pdf)
    found: dict[str, list[str]] = {
        "paragraph ends on a hyphenated fragment": [],
        "fragment of two letters or fewer": [],
        "hyphen across a page turn": [],
        "single-character last line in Chinese": [],
        "over the page target": [],
        "last page under a quarter full": [],
        "page over 15 % empty before the next": [],
    }
    for number, page in enumerate(pages, start=1):
        lines = page.lines
        after = pages[number].lines[:1] if number < len(pages) else []
        for index, line in enumerate(lines):
            if not line.words or not line.words[-1].endswith(HYPHEN):
                continue
            head = line.words[-1][:-1].split("-")[-1]
            following = (lines[index + 1 :] + after)[:1]
            tail = following[0].words[0] if following and following[0].words else ""
            where = f"p{number}: {line.words[-1]}{tail}"
            if _letters(head) <= 2 or (tail and _letters(tail) <= 2):
                found["fragment of two letters or fewer"].append(where)
            # A line is that short only at a paragraph's end: the fragment alone on it.
            if following and len(following[0].words) == 1:
                found["paragraph ends on a hyphenated fragment"].append(where)
        for block in page.blocks:
            if len(block) > 1 and _CJK.search(block[0].text):
                last = block[-1].text
                if len(_CJK.findall(last)) + len(re.findall(r"[A-Za-z0-9]+", last)) <= 1:
                    found["single-character last line in Chinese"].append(f"p{number}: {last}")
        lines = page.lines
        if number < len(pages) and lines and lines[-1].words[-1].endswith(HYPHEN):
            found["hyphen across a page turn"].append(f"p{number}: {lines[-1].words[-1]}")
        if number < len(pages) and page.fill() < 0.85:
            found["page over 15 % empty before the next"].append(
                f"p{number}: {1 - page.fill():.0%} empty"
            )
    if target is not None and len(pages) > target:
        found["over the page target"].append(f"{len(pages)} pages for {target}")
    if len(pages) > 1 and pages[-1].fill() < 0.25:
        found["last page under a quarter full"].append(f"p{len(pages)}: {pages[-1].fill():.0%}")
    return found
