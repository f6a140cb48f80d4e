"""Characters a reader cannot see or cannot tell apart, in translations and in the glossary gate.

- Invisible and control characters: Unicode's Cc (controls) and Cf (format: bidi overrides and
  isolates, zero-width spaces and joiners, soft hyphens, word joiners, the byte order mark). One
  turns "87 %" into "% 78" on the page or hides a word from the glossary gate.
- Mixed-script confusables: a word that mixes Latin, Cyrillic and Greek letters, such as
  "pоrnographie" with a Cyrillic о, reads as the Latin word and matches no glossary term.

`skeleton` is what the glossary gate matches on: the text without invisible characters, in
NFKC, each mixed-script word written in its main script (the Unicode confusables data of
confusable-homoglyphs tells which letter stands for which).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

from confusable_homoglyphs import categories, confusables

from briefkit.sources.textfile import invisible, shown

__all__ = ["invisible", "shown"]  # kept here too: the checks and the CLI use them from here

CONFUSABLE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})
_WORD = re.compile(r"\w+")


def invisible_characters(text: str) -> list[str]:
    """Return the invisible and control characters of a text, in order."""
    return [char for char in text if invisible(char)]


def describe(char: str) -> str:
    """Return U+202E RIGHT-TO-LEFT OVERRIDE."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'CONTROL')}"


@dataclass(frozen=True)
class Mixed:
    """A word that mixes confusable scripts, and its first letter out of the word's main script."""

    word: str
    char: str
    script: str  # the main script of the word


def mixed_words(text: str) -> list[Mixed]:
    """Return the words of a text that mix Latin, Cyrillic or Greek letters."""
    found = []
    for word in _WORD.findall(text):
        scripts = _scripts(word)
        if len(set(scripts) & CONFUSABLE_SCRIPTS) < 2:
            continue
        main = Counter(s for s in scripts if s in CONFUSABLE_SCRIPTS).most_common(1)[0][0]
        odd = next(
            c for c, s in zip(word, scripts, strict=True) if s in CONFUSABLE_SCRIPTS - {main}
        )
        found.append(Mixed(word, odd, main))
    return found


def skeleton(text: str) -> str:
    """Return the text as the glossary gate reads it (see the module's documentation)."""
    text = unicodedata.normalize("NFKC", "".join(c for c in text if not invisible(c)))
    return _WORD.sub(lambda match: _one_script(match.group()), text)


def _one_script(word: str) -> str:
    scripts = _scripts(word)
    if len(set(scripts) & CONFUSABLE_SCRIPTS) < 2:
        return word
    main = Counter(s for s in scripts if s in CONFUSABLE_SCRIPTS).most_common(1)[0][0]
    return "".join(
        _stand_in(char, main) if script in CONFUSABLE_SCRIPTS - {main} else char
        for char, script in zip(word, scripts, strict=True)
    )


def _scripts(word: str) -> list[str]:
    return [_script(char) for char in word]


@cache
def _script(char: str) -> str:
    return str(categories.alias(char))


@cache
def _stand_in(char: str, script: str) -> str:
    """Return the letter of `script` that char is confusable with, or char itself."""
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=[script.lower()])
    for entry in found or []:
        for glyph in entry["homoglyphs"]:
            if len(glyph["c"]) == 1 and _script(glyph["c"]) == script:
                return str(glyph["c"])
    return char
