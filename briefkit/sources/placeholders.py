"""Figure placeholders: the only dynamic part of a brief or a translation.

A placeholder is `{{ figure_id }}` or `{{ figure_id.year }}`. It is not template code: it is
matched by a regular expression and replaced by data, so a translation can never run code.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)(\.year)?\s*\}\}")
# Anything that looks like Jinja2 syntax but is not a placeholder is refused.
TEMPLATE_SYNTAX = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")


def placeholders(text: str) -> list[str]:
    """Return the placeholders of a text in canonical form (`{{ id }}`, `{{ id.year }}`)."""
    return [canonical(m) for m in PLACEHOLDER.finditer(text)]


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


def substitute(text: str, resolve: Callable[[str, bool], str]) -> str:
    """Replace each placeholder with resolve(figure_id, wants_year)."""
    return PLACEHOLDER.sub(lambda m: resolve(m.group(1), m.group(2) is not None), text)
