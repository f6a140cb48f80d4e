"""The one allow-list of what a brief or a translation may point to, for every renderer.

Links: `https`, `http` and `mailto` targets only. Pictures: the project's own charts
(`chart:<id>`). Anything else (`javascript:`, `file:`, `data:`, `smb:`, a relative path, a bare
`#anchor`) is refused by the checks with its line, and printed as plain text by both renderers
should it ever reach them: the PDF's Markdown renderer and the DOCX's pandoc filter
(templates/docx/raw-html-as-text.lua) apply the same rule.
"""

from __future__ import annotations

import re

LINK_SCHEMES = ("https", "http", "mailto")
CHART_PREFIX = "chart:"
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def scheme(url: str) -> str | None:
    """Return a URL's scheme in lower case, None for a relative reference."""
    found = _SCHEME.match(url)
    return found.group(1).lower() if found else None


def link_allowed(url: str) -> bool:
    """Return True for a link target a brief may print as a link."""
    return scheme(url) in LINK_SCHEMES


def chart_id(src: str) -> str | None:
    """Return the chart id of a picture source, None when it is not a chart."""
    return src[len(CHART_PREFIX) :] if src.startswith(CHART_PREFIX) else None
