"""The one console every command prints to (standard error), and escaping for it."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape as _rich_escape

console = Console(stderr=True, highlight=False, soft_wrap=True)


def escape(text: str) -> str:
    """Return text as rich prints it literally: no markup read in what a user wrote."""
    return _rich_escape(text)
