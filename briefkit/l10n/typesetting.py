"""Typesetting rules per language, applied to the text of each block as it becomes HTML.

CSS does most of the work (brief.css: `hyphens`, `hyphenate-limit-chars`, line-breaking rules);
what CSS cannot say is said here, in the markup:

- a word that already holds a hyphen (`self-generated`) is not hyphenated again: it may still
  break at its own hyphen;
- a paragraph's last word is not hyphenated, so no paragraph ends on a scrap (`ab-/use.`);
- the fitter can name words it found broken across a page turn; they are not hyphenated;
- short words are tied to the next one by a no-break space where the language's typography
  wants it (Russian one-letter prepositions and conjunctions, Spanish `y`, `o`, `a`…), and a
  number is tied to the word it counts (`32 millions`, `7–10 ans`);
- in Chinese, the last two characters of a paragraph (with the punctuation after them) are
  kept together, so no line holds a single character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from babel import Locale

from briefkit.locales import LocaleInfo

NBSP = "\u00a0"
MIN_HYPHENATED = 7  # the shortest word brief.css hyphenates (hyphenate-limit-chars: 7 3 3)
# Words a language keeps on the line of the word that follows them.
_TIED_WORDS: dict[str, str] = {
    # Prepositions and conjunctions of one letter: a line must not end on them.
    "ru": "вкосуиаяВКОСУИАЯ",
    # Conjunctions and prepositions of one letter (RAE: not at the end of a line).
    "es": "yoaeuYOAEU",
    # "à" and the one-letter "a"/"y" do not end a line in careful French setting.
    "fr": "àÀaAy",
}
# Languages set without hyphenation: the rules about hyphens do not apply to them.
_UNHYPHENATED = ("ar", "zh")
# A word: letters and digits, joined by hyphens or apostrophes inside it.
_WORD = re.compile(r"[^\W_](?:[\w’'-]*[^\W_])?")
_NUMBER_THEN_WORD = re.compile(
    r"(\d(?:[\d.,\u202f\u00a0]*\d)?(?:[–-]\d(?:[\d.,]*\d)?)?) (?=[^\W\d_])"
)
# The last two characters of a text, with the punctuation and closing marks after each.
# A number counts as one character: the mark never splits its digits.
_NUMBER = r"\d(?:[\d.,]*\d)?"  # 10,000 or 3.5: one unit with its separators
_CJK_TAIL = re.compile(
    rf"(?:(?<![\d.,]){_NUMBER}|[^\W\d])[^\w\s]*(?:{_NUMBER}|[^\W\d])[^\w\s]*\s*$"
)


# Full-width marks of Simplified Chinese: closing ones carry their blank after the glyph, opening
# ones before it.
_CLOSING = "，。、；：？！）】》」』”’"
_OPENING = "（【《「『“‘"


# The CLDR locale whose date style a language's editions use, where it is not the language's
# own: the briefs are written in British English, so their dates read "20 November 2023".
_DATE_LOCALES = {"en": "en_GB"}


def date_locale(locale: LocaleInfo) -> Locale:
    """Return the Babel locale in whose style an edition writes its dates."""
    code = _DATE_LOCALES.get(locale.code)
    return Locale.parse(code) if code else locale.babel


@dataclass(frozen=True)
class Setting:
    """How the text of one edition is set: its language and the words not to hyphenate."""

    language: str  # the language subtag: en, fr, ru, ar, zh…
    no_hyphen: frozenset[str] = frozenset()

    def with_no_hyphen(self, words: set[str]) -> Setting:
        return Setting(self.language, self.no_hyphen | frozenset(words))


def set_text(text: str, setting: Setting, last: bool) -> str:
    """Return a run of plain text as HTML with the language's rules applied.

    `last` says the run ends its block (a paragraph, a list item, a cell)."""
    text = _tie(text, setting.language)
    if setting.language == "zh":
        return _set_chinese(text, last)
    if setting.language in _UNHYPHENATED:
        return escape(text, quote=False)
    words = list(_WORD.finditer(text))
    out: list[str] = []
    at = 0
    for index, match in enumerate(words):
        word = match.group()
        final = last and index == len(words) - 1 and _hyphenable(word)
        if not ("-" in word or word in setting.no_hyphen or final):
            continue
        end = match.end()
        if final:
            end = len(text.rstrip())  # the closing punctuation stays with the last word
        out.append(escape(text[at : match.start()], quote=False))
        out.append(
            f'<span class="nohyphen">{escape(text[match.start() : end], quote=False)}</span>'
        )
        at = end
    out.append(escape(text[at:], quote=False))
    return "".join(out)


def _hyphenable(word: str) -> bool:
    """Return whether brief.css could hyphenate a word (hyphenate-limit-chars: 7 letters)."""
    return len(word) >= MIN_HYPHENATED and not any(char.isdigit() for char in word)


def _tie(text: str, language: str) -> str:
    text = _NUMBER_THEN_WORD.sub(lambda m: m.group(1) + NBSP, text)
    letters = _TIED_WORDS.get(language)
    if letters:
        text = re.sub(rf"(?<![\w’'-])([{letters}]) (?=\S)", lambda m: m.group(1) + NBSP, text)
    if language == "ru":
        text = text.replace(" —", NBSP + "—")  # a dash never starts a Russian line
    return text


def _set_chinese(text: str, last: bool) -> str:
    tail = _CJK_TAIL.search(text) if last else None
    if tail is None:
        return _compress_punctuation(text)
    return (
        _compress_punctuation(text[: tail.start()])
        + f'<span class="keep">{_compress_punctuation(tail.group())}</span>'
    )


def _compress_punctuation(text: str) -> str:
    """Return Chinese text as HTML, consecutive full-width punctuation set closer together.

    Each full-width mark fills an em: its glyph on one side, a blank on the other. Two marks in a
    row (`》（`, `。”`) would leave a blank of a whole em between them; as in Chinese setting
    (clreq 3.1.6), one of the two is set half-width, with the font's `halt` feature: the left one
    when it is a closing mark (its blank faces the right one), else the right one when it is an
    opening mark. The font has no `chws` (the contextual feature that would do this by itself)."""
    out: list[str] = []
    for index, char in enumerate(text):
        after = text[index + 1] if index + 1 < len(text) else ""
        before = text[index - 1] if index else ""
        half = (char in _CLOSING and after != "" and after in _CLOSING + _OPENING) or (
            char in _OPENING and before != "" and before in _OPENING
        )
        out.append(
            f'<span class="halt">{escape(char)}</span>' if half else escape(char, quote=False)
        )
    return "".join(out)
