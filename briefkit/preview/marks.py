"""Marking, in the preview, the text a translator still owes: untranslated entries (shown in the
source language) and fuzzy ones (shown as drafted), each linked to its entry's file and line.

A lookup wraps each such text in two markers before the text goes through Markdown and the
templates; once the page is rendered, the markers become a <mark> and a link. The markers are
punctuation characters (so Markdown reads `**` next to them as it reads it at a line's start or
end) around a number written in private-use characters, not digits: the typesetting rules
(l10n/typesetting.py) then see no word or number in a marker, and set the text as the edition
sets it. Markers are removed from inside tags, where no markup may go, and a closing marker the
typesetting took into a span (a paragraph's last word, kept whole) ends its mark after that span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote

from babel.messages.catalog import Catalog

from briefkit.catalogs.po import entry_state
from briefkit.l10n.localise import Lookup
from briefkit.project import Policy
from briefkit.sources.segments import Segment

OPEN, CLOSE = "\u2e2e", "\u2e18"  # ⸮ and ⸘: Unicode punctuation no brief uses
ZERO = 0xE000  # a marker's digits: U+E000 to U+E009, private use, neither word nor space
_NUMBER = "[\ue000-\ue009]+"
_MARKED = re.compile(f"{OPEN}({_NUMBER}){OPEN}(.*?){CLOSE}\\1{CLOSE}", re.DOTALL)
_ANY_MARKER = re.compile(f"[{OPEN}{CLOSE}]{_NUMBER}[{OPEN}{CLOSE}]")
# An opening marker the typesetting took into a span (a Chinese paragraph's last characters).
_OPEN_IN_SPAN = re.compile(f'(<span class="(?:nohyphen|keep|halt)">)({OPEN}{_NUMBER}{OPEN})')
_SPAN_CLOSE = "</span>"
_TAG = re.compile(r"<[^>]*>")
_RAW_TEXT = re.compile(r"(<(title|style)\b[^>]*>)(.*?)(</\2>)", re.DOTALL)


@dataclass(frozen=True)
class Mark:
    """One text still owed: its state and where to fix it."""

    state: str  # "untranslated" or "fuzzy"
    path: str  # relative to the project root, with forward slashes
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


class Marks:
    """The marks of one page, numbered in the order they were made."""

    def __init__(self) -> None:
        self.marks: list[Mark] = []
        self.shown: set[int] = set()  # the marks apply() found on the page

    def wrap(self, text: str, mark: Mark) -> str:
        """Return the text between the markers of a new mark."""
        self.marks.append(mark)
        number = _encode(len(self.marks) - 1)
        return f"{OPEN}{number}{OPEN}{text}{CLOSE}{number}{CLOSE}"

    def count(self, state: str) -> int:
        """Return how many marks of this state the page shows (a string it does not print, such
        as a label of the download page, is not counted)."""
        return sum(1 for number in self.shown if self.marks[number].state == state)

    def apply(self, html: str) -> str:
        """Return the page with each marked text highlighted and linked, and no stray marker."""
        html = _TAG.sub(lambda tag: strip_markers(tag.group()), html)
        html = _RAW_TEXT.sub(lambda m: m.group(1) + strip_markers(m.group(3)) + m.group(4), html)
        html = _OPEN_IN_SPAN.sub(lambda m: m.group(2) + m.group(1), html)
        out: list[str] = []
        at = 0
        while (found := _MARKED.search(html, at)) is not None:
            inner, end = found.group(2), found.end()
            # A span opened inside the mark closes inside it: the mark ends after the span.
            while inner.count("<span") > inner.count(_SPAN_CLOSE) and html.startswith(
                _SPAN_CLOSE, end
            ):
                inner, end = inner + _SPAN_CLOSE, end + len(_SPAN_CLOSE)
            out.append(html[at : found.start()])
            out.append(self._highlight(_decode(found.group(1)), inner))
            at = end
        out.append(html[at:])
        return "".join(out)

    def _highlight(self, number: int, inner: str) -> str:
        self.shown.add(number)
        mark = self.marks[number]
        label = "untranslated, shown in English" if mark.state == "untranslated" else "fuzzy draft"
        lang = ' lang="en" dir="ltr"' if mark.state == "untranslated" else ""
        href = "/_source/" + quote(mark.path) + f"#L{mark.line}"
        return (
            f'<mark class="bk-{mark.state}"{lang}>{inner}</mark>'
            f'<a class="bk-where" lang="en" dir="ltr" href="{escape(href)}"'
            f' title="{escape(label)}: {escape(mark.where)}">{escape(_short(mark))}</a>'
        )


def strip_markers(text: str) -> str:
    """Return text without any marker."""
    return _ANY_MARKER.sub("", text)


def _encode(number: int) -> str:
    return "".join(chr(ZERO + int(digit)) for digit in str(number))


def _decode(digits: str) -> int:
    return int("".join(str(ord(char) - ZERO) for char in digits))


def _short(mark: Mark) -> str:
    return f"{Path(mark.path).name}:{mark.line}"


class MarkingLookup(Lookup):
    """A Lookup that also marks what it serves untranslated or fuzzy, with the entry's place
    (without marks, a plain Lookup).

    An entry missing from the catalog (not merged yet) is marked at its place in the source."""

    def __init__(
        self,
        catalog: Catalog | None,
        path: Path,
        policy: Policy,
        marks: Marks | None,
        root: Path,
    ) -> None:
        super().__init__(catalog, path, policy)
        self.marks, self.root = marks, root

    def __call__(self, segment: Segment) -> str:
        text, mark = self.served(segment)
        return text if mark is None or self.marks is None else self.marks.wrap(text, mark)

    def served(self, segment: Segment) -> tuple[str, Mark | None]:
        """Return the text served for a segment, and its mark if it is still owed."""
        text = Lookup.__call__(self, segment)
        message = (
            self.catalog.get(segment.msgid, segment.msgctxt) if self.catalog is not None else None
        )
        if not self.printed[-1].translated:
            state = "untranslated"
        elif entry_state(message) == "fuzzy":
            state = "fuzzy"
        else:
            return text, None
        if message is not None and message.lineno and self.path is not None:
            return text, Mark(state, self._relative(self.path), int(message.lineno))
        return text, Mark(state, segment.path, segment.line)

    def _relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root.resolve()).as_posix()
