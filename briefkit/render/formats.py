"""The output formats: one entry each says what a format is, what it reads and how it renders.

Jobs, artifact keys, the plan, the CLI and the download page read these entries; none of them
asks which format it holds. A new format is one renderer module with a `render_edition`
function and one entry in `FORMATS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefkit.l10n.editions import Edition
    from briefkit.project import Project

Renderer = Callable[["Project", "Edition"], bytes]


@dataclass(frozen=True)
class Format:
    """One output format."""

    name: str  # the file suffix and the `--format` choice
    label: str  # as the download page names it
    media_type: str
    templates: tuple[str, ...]  # the parts of templates/ its bytes depend on
    renderer: str  # "module:function", imported only in the process that renders
    paged: bool  # has pages, counted in the manifest, and a cover thumbnail

    def render(self, project: Project, edition: Edition) -> bytes:
        """Return the bytes of this format of an edition."""
        module, _, function = self.renderer.partition(":")
        render: Renderer = getattr(importlib.import_module(module), function)
        return render(project, edition)


FORMATS: dict[str, Format] = {
    entry.name: entry
    for entry in (
        Format(
            name="pdf",
            label="PDF",
            media_type="application/pdf",
            templates=("pdf", "shared", "fonts.yaml"),
            renderer="briefkit.render.pdf:render_edition",
            paged=True,
        ),
        Format(
            name="docx",
            label="DOCX",
            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            templates=("docx", "fonts.yaml"),  # its charts are chart parts, its fonts embedded
            renderer="briefkit.render.docx:render_edition",
            paged=False,
        ),
        Format(
            name="html",
            label="HTML",
            media_type="text/html",
            templates=("html", "shared"),  # one file: the stylesheet is inlined, charts are HTML
            renderer="briefkit.render.web:render_edition",
            paged=False,
        ),
    )
}
