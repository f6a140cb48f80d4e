"""Figure placeholders: the only dynamic part of a brief or a translation.

A placeholder is `{{ figure_id }}`, `{{ figure_id.year }}`, or one end of a range,
`{{ figure_id.low }}` and `{{ figure_id.high }}` (so a language can write "de 7 à 10 ans").
It is not template code: it is matched by a regular expression and replaced by data, so a
translation can never run code.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)(\.(?:year|low|high))?\s*\}\}")
# Anything that looks like Jinja2 syntax but is not a placeholder is refused.
TEMPLATE_SYNTAX = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")


def placeholders(text: str) -> list[str]:
    """Return the placeholders of a text in canonical form (`{{ id }}`, `{{ id.year }}`)."""
    return [canonical(m) for m in PLACEHOLDER.finditer(text)]


def figure_parts(text: str) -> list[tuple[str, str | None]]:
    """Return (figure id, part) for each placeholder: part is None, "year", "low" or "high"."""
    return [(m.group(1), _part(m)) for m in PLACEHOLDER.finditer(text)]


def joined_ranges(names: list[str]) -> list[str]:
    """Return placeholders with each pair `{{ id.low }}`, `{{ id.high }}` counted as `{{ id }}`.

    A range may be written whole (7–10) or by its ends (de 7 à 10): either way the text shows
    the same figure, so a translation may choose either form of its source's range.
    """
    joined = list(names)
    for name in dict.fromkeys(names):
        if not name.endswith(".low }}"):
            continue
        high = name.replace(".low }}", ".high }}")
        whole = name.replace(".low }}", " }}")
        while name in joined and high in joined:
            joined.remove(name)
            joined.remove(high)
            joined.append(whole)
    return joined


def canonical(match: re.Match[str]) -> str:
    """Return the canonical spelling of a placeholder match."""
    return "{{ " + match.group(1) + (match.group(2) or "") + " }}"


def stray_syntax(text: str) -> str | None:
    """Return the first template-like fragment that is not a valid placeholder, if any."""
    rest = PLACEHOLDER.sub("", text)
    found = TEMPLATE_SYNTAX.search(rest)
    if found is None:
        return None
    start = max(found.start() - 10, 0)
    return rest[start : found.end() + 20]


# Where a text opens a sentence, a line, a list item, a heading or a table cell (emphasis marks
# aside): a figure written there with a qualifier ("more than 10,000") starts with a capital.
_OPENING = re.compile(
    r"(?:(?:\A|\n)[ \t]*(?:(?:[-*+>]|#{1,6}|\d+[.)])[ \t]+)?|[.!?][ \t]+|\|[ \t]*)(?:\*\*|\*|_)?\Z"
)


def substitute(text: str, resolve: Callable[[str, str | None], str]) -> str:
    """Replace each placeholder with resolve(figure_id, part), capitalised where a sentence opens."""

    def replace(match: re.Match[str]) -> str:
        written = resolve(match.group(1), _part(match))
        if _OPENING.search(text, 0, match.start()):
            return written[:1].upper() + written[1:]
        return written

    return PLACEHOLDER.sub(replace, text)


def _part(match: re.Match[str]) -> str | None:
    return match.group(2)[1:] if match.group(2) else None
