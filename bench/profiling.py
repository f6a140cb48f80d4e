"""Where a full build's time goes: every stage of every artifact run in one process under
pyinstrument, the samples then summed into named parts (WeasyPrint layout, pandoc, chart
pictures, python-docx, Babel...).

Render workers are separate processes, which a profiler of the command would not see; so this
runs the pipeline's stages in one process instead: load, localise, then render every artifact
as a worker does (the release build's `jobs.render_bytes` and cover thumbnail when present,
else `pipeline.render_bytes`), without writing into dist/.

    python bench/profiling.py PROJECT_ROOT [--allow-partial] [--html FILE]   # JSON on stdout
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

# (part, predicate on a frame's file path and function), tried on each frame from the outermost.
_RULES: tuple[tuple[str, Callable[[str, str], bool]], ...] = (
    ("imports", lambda path, fn: "importlib" in path and "_bootstrap" in path),
    ("chart pictures for the DOCX (WeasyPrint + pdfium)", lambda p, fn: fn == "chart_png"),
    ("DOCX fonts: subset (HarfBuzz) and embed", lambda path, fn: fn == "embed_fonts"),
    (
        "WeasyPrint layouts under the fitter (all, the kept one too)",
        lambda p, fn: fn == "fit_brief",
    ),
    ("HTML edition (Jinja2, markdown-it)", lambda path, fn: fn == "render_web"),
    ("PDF cover thumbnails (pdfium)", lambda path, fn: fn == "cover_png"),
    ("PDF/UA repair after WeasyPrint (pikepdf)", lambda path, fn: fn == "repair_structure"),
    ("pandoc (waiting for the subprocess)", lambda path, fn: fn == "_pandoc"),
    ("DOCX zip normalising", lambda path, fn: fn == "normalise_zip"),
    ("python-docx (open, fix, save)", lambda path, fn: "/docx/" in path),
    (
        "translation checks (QA, glossary, typography)",
        lambda path, fn: path.endswith(
            ("briefkit/qa/checks.py", "briefkit/qa/glossary.py", "briefkit/qa/typography.py")
        ),
    ),
    ("localising (splicing, figures)", lambda path, fn: fn == "localise_brief"),
    ("loading briefs and data files (YAML)", lambda path, fn: fn == "load_brief"),
    (
        "font coverage gate (fontTools, fc-match)",
        lambda path, fn: path.endswith("briefkit/l10n/fonts.py"),
    ),
    ("catalogs: syntax check", lambda path, fn: path.endswith("briefkit/catalogs/syntax.py")),
    ("catalogs: Babel parsing", lambda path, fn: "babel/messages" in path),
    ("HTML for WeasyPrint (Jinja2, markdown-it)", lambda path, fn: fn == "render_html"),
    ("WeasyPrint", lambda path, fn: "/weasyprint/" in path),
    ("Jinja2 templates", lambda path, fn: "/jinja2/" in path),
    ("Markdown (markdown-it)", lambda path, fn: "/markdown_it/" in path),
    ("Babel CLDR formatting", lambda path, fn: "/babel/" in path),
    ("writing files", lambda path, fn: fn == "write_atomic"),
)
_WEASYPRINT_PARTS = (
    ("/weasyprint/layout/", "WeasyPrint layout"),
    ("/weasyprint/text/", "WeasyPrint layout"),
    ("/weasyprint/pdf/", "WeasyPrint PDF writing (fonts subset)"),
    ("/weasyprint/css/", "WeasyPrint CSS and style"),
    ("/weasyprint/html", "WeasyPrint HTML parsing and boxes"),
    ("/weasyprint/formatting_structure/", "WeasyPrint HTML parsing and boxes"),
)


def profile_build(root: Path, allow_partial: bool) -> tuple[dict[str, Any], str]:
    """Return a summary of where the time of one full in-process build went, and the HTML report."""
    from pyinstrument import Profiler

    sys.path.insert(0, str(REPO))
    from briefkit.project import load_project

    project = load_project(root)
    profiler = Profiler(interval=0.001)
    start = time.perf_counter()
    with profiler:
        artifacts = _build_in_process(project, allow_partial)
    seconds = time.perf_counter() - start
    session = profiler.last_session
    assert session is not None
    parts = attribute(session.root_frame())
    summary = {"seconds": seconds, "artifacts": artifacts, "parts": parts}
    return summary, profiler.output_html()


def _build_in_process(project: Any, allow_partial: bool) -> int:
    """Run every stage of a full build in this process; return how many artifacts were made."""
    from bench.floor import editions
    from briefkit.render.formats import FORMATS

    render, cover = _renderer()
    made = 0
    for edition in editions(project, allow_partial)[0]:
        for fmt in FORMATS:
            data = render(project, edition, fmt)
            if fmt == "pdf" and cover is not None:
                cover(data)
            made += 1
    return made


def _renderer() -> tuple[Callable[..., bytes], Callable[[bytes], Any] | None]:
    """Return what renders one artifact, and the cover thumbnail maker when the build has one."""
    try:  # the release build renders in workers through briefkit.release.jobs
        module = importlib.import_module("briefkit.release.jobs")
    except ImportError:
        module = importlib.import_module("briefkit.pipeline")
    return module.render_bytes, getattr(module, "cover_png", None)


def attribute(root: Any) -> dict[str, float]:
    """Return seconds per part: each frame's own time goes to the outermost rule on its stack."""
    parts: dict[str, float] = {}

    def visit(frame: Any, label: str | None) -> None:
        if label is None:
            label = _label(frame)
        elif label == "WeasyPrint":
            label = _weasyprint_part(frame) or label
        children_time = sum(child.time for child in frame.children)
        own = max(0.0, frame.time - children_time)
        if own:
            key = label or "other (briefkit and the rest)"
            parts[key] = parts.get(key, 0.0) + own
        for child in frame.children:
            visit(child, label)

    visit(root, None)
    return dict(sorted(parts.items(), key=lambda item: -item[1]))


def _label(frame: Any) -> str | None:
    path, function = frame.file_path or "", frame.function or ""
    for part, matches in _RULES:
        if matches(path, function):
            return (_weasyprint_part(frame) or part) if part == "WeasyPrint" else part
    return None


def _weasyprint_part(frame: Any) -> str | None:
    path = frame.file_path or ""
    for fragment, part in _WEASYPRINT_PARTS:
        if fragment in path:
            return part
    return None


def main(argv: list[str] | None = None) -> int:
    """Profile one full build of a project; print the summary as JSON."""
    parser = argparse.ArgumentParser(description="Profile one full build, in one process.")
    parser.add_argument("root", type=Path, help="project folder")
    parser.add_argument("--allow-partial", action="store_true", help="build partial locales too")
    parser.add_argument("--html", type=Path, help="also write pyinstrument's HTML report here")
    args = parser.parse_args(argv)
    summary, html = profile_build(args.root, args.allow_partial)
    if args.html:
        args.html.write_text(html, encoding="utf-8")
    json.dump(summary, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
