"""Plural-Forms headers, compared by what they mean rather than how they are spelled.

Translation tools write the same rule in many ways: GNU gettext's `nplurals=2; plural=(n > 1);`,
Weblate's `nplurals=2; plural=n > 1;`, Poedit's `nplurals=2; plural=(n > 1);` with other spaces.
Two headers agree when they have the same number of forms and their expressions pick the same form
for every count from 0 to 1000 (every rule of CLDR repeats within that range). The project writes
one canonical spelling per locale: gettext's customary formula, checked against CLDR's categories,
and CLDR's own where the customary one disagrees (Arabic: 11–99 is "many", form 4; 100–102 is
"other", form 5).
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from functools import cache

from babel import Locale
from babel.messages.plurals import get_plural

SAMPLE = range(1001)  # counts on which two expressions must agree
_HEADER = re.compile(r"^\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$", re.S)
# CLDR's categories in the order gettext numbers the forms.
CATEGORIES = ("zero", "one", "two", "few", "many", "other")
# Where the customary gettext formula (Babel's table) disagrees with CLDR, CLDR's rule in the
# spelling GNU gettext's manual and most tools use.
_CLDR_SPELLING = {
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 ? 4 : 5);",
    "pt": "nplurals=2; plural=(n > 1);",  # CLDR's pt is Brazil's: 0 is singular too
}


def parse(header: str) -> tuple[int, Callable[[int], int]] | None:
    """Return the number of forms and the expression as a function, or None if malformed."""
    match = _HEADER.match(header or "")
    if not match:
        return None
    try:
        expression = gettext.c2py(match.group(2))
    except (ValueError, SyntaxError, RecursionError):
        return None
    return int(match.group(1)), expression


def forms_of(header: str) -> tuple[int, tuple[int, ...]] | None:
    """Return the number of forms and the form chosen for each count of the sample."""
    parsed = parse(header)
    if parsed is None:
        return None
    count, expression = parsed
    try:
        return count, tuple(int(expression(n)) for n in SAMPLE)
    except (ArithmeticError, TypeError, ValueError):
        return None  # e.g. a division by n


def same_meaning(one: str, other: str) -> bool:
    """Return True when two Plural-Forms headers pick the same form for every count of 0–1000."""
    first = forms_of(one)
    return first is not None and first == forms_of(other)


@cache
def canonical(code: str) -> str:
    """Return the Plural-Forms header the project writes for a locale."""
    loc = Locale.parse(code)
    customary = str(get_plural(loc).plural_forms)
    found = forms_of(customary)
    if found is not None and found[1] == cldr_forms(code):
        return customary
    for key in (str(loc), loc.language):
        if key in _CLDR_SPELLING:
            return _CLDR_SPELLING[key]
    return customary


def cldr_forms(code: str) -> tuple[int, ...]:
    """Return, for each count of the sample, the form CLDR's categories give it: the categories
    that occur, numbered in CLDR's order (zero, one, two, few, many, other)."""
    rule = Locale.parse(code).plural_form
    names = [rule(n) for n in SAMPLE]
    used = [name for name in CATEGORIES if name in names]
    return tuple(used.index(name) for name in names)
