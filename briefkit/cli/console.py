"""The one console every command prints to (standard error), and escaping for it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape as _rich_escape

from briefkit.sources.textfile import invisible, shown

if TYPE_CHECKING:
    from briefkit.project import Project

console = Console(stderr=True, highlight=False, soft_wrap=True)


def escape(text: str) -> str:
    """Return text as rich prints it literally: no markup read in what a user wrote (`[/i]` in a
    msgstr prints as written), and control and invisible characters as \\uXXXX (an escape
    sequence in a msgstr would otherwise drive the terminal)."""
    return _rich_escape(terminal_safe(text))


def terminal_safe(text: str) -> str:
    """Return text with every control or invisible character but the line break as \\uXXXX."""
    return "\n".join(shown(line) for line in text.split("\n"))


def to_json(data: object, indent: int = 2) -> str:
    """Return JSON whose strings hold no raw control or invisible character (json escapes only
    C0 controls; a bidi override or a C1 control would reach the terminal)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return "".join(f"\\u{ord(c):04x}" if invisible(c) else c for c in text)


def configured(project: Project, codes: Sequence[str]) -> bool:
    """Print an error and return False unless every code is a configured locale: the one check
    of --lang for every command, so a path-like code never reaches a file name."""
    for code in codes:
        if code not in project.locales:
            where = "pyproject.toml [tool.briefkit] locales"
            console.print(
                f"[red]error:[/] {escape(f'locale {code!r} is not configured in {where}')}"
            )
            return False
    return True
