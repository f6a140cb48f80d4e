"""Typographic conventions of each language that a translation can break, found in its catalog.

One quotation style per language, decided here and documented in the README: Arabic «…»
(U+00AB/U+00BB, mirrored by the bidi algorithm, so they face the right way in right-to-left text in
both the PDF and Word, which English “…” do not); Simplified Chinese “…” with full-width
punctuation; French « … » with no-break spaces; Spanish «…» or “…”; Russian «…» („…“ inside).
The checks return problems; they do not change a translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefkit.sources.placeholders import PLACEHOLDER

_ARABIC_LETTER = "\u0621-\u064a"
_HAN = "\u3400-\u9fff"
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<https?://[^>]*>")


@dataclass(frozen=True)
class Rule:
    """A pattern a language does not use, what it is, and what to write instead."""

    pattern: re.Pattern[str]
    message: str
    fix: str


RULES: dict[str, tuple[Rule, ...]] = {
    "ar": (
        Rule(
            re.compile(r"[“”\"]"),
            "Arabic quotation marks are «…», not {found}",
            "write «…» (U+00AB, U+00BB)",
        ),
        Rule(
            re.compile(rf"(?<=[{_ARABIC_LETTER}])[,;?]"),
            "Latin punctuation {found} after Arabic text",
            "use the Arabic comma ، semicolon ؛ or question mark ؟",
        ),
    ),
    "zh": (
        Rule(
            re.compile(r"[「」『』\"«»]"),
            "Simplified Chinese quotation marks are “…”, not {found}",
            "write “…” (U+201C, U+201D)",
        ),
        Rule(
            re.compile(rf"(?<=[{_HAN}])[,;:?!()]|[,;:?!(](?=[{_HAN}])"),
            "half-width punctuation {found} next to Chinese text",
            "use the full-width form (，；：？！（）)",
        ),
    ),
    "fr": (
        Rule(
            re.compile(r"[“”\"]"),
            "French quotation marks are « … », not {found}",
            "write « … » with no-break spaces inside",
        ),
        Rule(
            re.compile(r" [;:!?»]|« "),
            "an ordinary space in {found!r}, which can break the line there",
            "use a no-break space (U+00A0) or a narrow no-break space (U+202F)",
        ),
    ),
    "es": (
        Rule(
            re.compile(r"\""),
            "straight quotation mark {found}",
            "write «…» (or “…” inside them)",
        ),
    ),
    "ru": (
        Rule(
            re.compile(r"[”\"]"),
            "Russian quotation marks are «…» („…“ inside), not {found}",
            "write «…» (U+00AB, U+00BB)",
        ),
    ),
}


def check_text(text: str, language: str) -> list[tuple[str, str]]:
    """Return (problem, fix) for each convention of the language the text breaks."""
    prose = PLACEHOLDER.sub(" ", _LINK_TARGET.sub("]", text))
    found = []
    for rule in RULES.get(language, ()):
        for match in rule.pattern.finditer(prose):
            found.append((rule.message.format(found=match.group()), rule.fix))
            break
    return found
