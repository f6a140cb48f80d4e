"""The floor: the renderers alone, writing the same files from the same input as the pipeline.

`prepare_floor` (in the benchmark's process, untimed) localises every edition with the
pipeline's own stages and writes what the pipeline hands its renderers: the HTML it gives
WeasyPrint and the Markdown it pipes to pandoc, with pandoc's exact command line. The PDF's
HTML is the fitted one the pipeline writes; a second jobs file adds every other layout the
fitter (render/fit.py) asks WeasyPrint for, so the "fitting floor" is the renderers alone
doing all the work the pipeline's design asks of them. Running this file then renders them
and nothing else, in one process or in a pool of N:

    python bench/floor.py JOBS.json --jobs N     # prints per-file seconds as JSON

The runner imports only WeasyPrint and the standard library, never briefkit.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FloorInputs:
    """The prepared renderer inputs of a project, and what could not be prepared."""

    jobs_file: Path
    jobs: int  # files to write
    failures: tuple[str, ...]
    fitting_file: Path | None = None  # the same, plus every layout the fitter made
    layouts: int = 0  # WeasyPrint layouts the fitter made, the kept ones included


def prepare_floor(root: Path, work: Path, allow_partial: bool) -> FloorInputs:
    """Write every edition's HTML and pandoc Markdown under work; return the jobs file."""
    from briefkit.project import load_project
    from briefkit.render.docx import pandoc_command, pandoc_input
    from briefkit.render.templating import template_environment

    project = load_project(root)
    ready, failures = editions(project, allow_partial)
    inputs, outputs = work / "inputs", work / "out"
    inputs.mkdir(parents=True, exist_ok=True)
    outputs.mkdir(parents=True, exist_ok=True)
    jobs: list[dict[str, Any]] = []
    tried: list[dict[str, Any]] = []  # the fitter's other layouts
    for edition in ready:
        brief = edition.brief
        name = f"{brief.slug}_{brief.locale.code}"
        base_url = str(project.templates_dir / "pdf") + "/"
        htmls, kept = _fitted_htmls(project, edition)
        for number, text in enumerate(htmls):
            html = inputs / f"{name}.{number}.html"
            html.write_text(text, encoding="utf-8")
            job = {"input": str(html), "base_url": base_url}
            if number == kept:
                jobs.append({**job, "kind": "pdf", "output": str(outputs / f"{name}.pdf")})
            else:
                tried.append({**job, "kind": "layout", "output": str(html) + ".layout"})
        env = template_environment(project.templates_dir, _gettext(edition.ui))
        markdown = inputs / f"{name}.md"
        markdown.write_text(pandoc_input(brief, env, project)[0], encoding="utf-8")
        command = pandoc_command(brief, project.templates_dir / "docx", outputs / f"{name}.docx")
        jobs.append(
            {
                "kind": "docx",
                "input": str(markdown),
                "output": str(outputs / f"{name}.docx"),
                "command": command,
            }
        )
    jobs_file = work / "jobs.json"
    jobs_file.write_text(json.dumps(jobs, indent=1), encoding="utf-8")
    fitting_file = work / "jobs-fitting.json"
    fitting_file.write_text(json.dumps([*jobs, *tried], indent=1), encoding="utf-8")
    return FloorInputs(
        jobs_file,
        len(jobs),
        tuple(f"{f.what}: {f.error}" for f in failures),
        fitting_file,
        len(tried) + sum(job["kind"] == "pdf" for job in jobs),
    )


def _fitted_htmls(project: Any, edition: Any) -> tuple[list[str], int]:
    """Return every HTML the pipeline's fitter lays out for an edition, in order, and the index
    of the one it keeps and writes."""
    from briefkit.render import pdf
    from briefkit.render.fit import fit_brief
    from briefkit.render.templating import edition_environment

    seen: list[tuple[str, Any]] = []

    def lay_out(html: str) -> Any:
        document = pdf.lay_out(html, project.templates_dir / "pdf", edition.what)
        seen.append((html, document))
        return document

    env = edition_environment(project.templates_dir, edition)
    source = project.locale(project.source_locale)
    fitted = fit_brief(edition.brief, env, source, lay_out, project.is_preview)
    kept = next(i for i, (_, document) in enumerate(seen) if document is fitted.document)
    return [html for html, _ in seen], kept


def order_jobs(jobs_file: Path, seconds: dict[str, float]) -> Path:
    """Write a copy of the jobs, longest first as measured; return its path.

    Longest-first is the best a pool can do with known durations, so the N-process floor is as
    low as the renderers allow.
    """
    jobs = json.loads(jobs_file.read_text(encoding="utf-8"))
    jobs.sort(key=lambda job: -seconds.get(job["output"], 0.0))
    ordered = jobs_file.with_name(f"{jobs_file.stem}-longest-first.json")
    ordered.write_text(json.dumps(jobs, indent=1), encoding="utf-8")
    return ordered


def editions(project: Any, allow_partial: bool) -> tuple[list[Any], list[Any]]:
    """Return every edition of the project, localised by the pipeline's own stages."""
    from briefkit.l10n.editions import load_sources, localise_editions

    sources = load_sources(project)
    localised = localise_editions(project, sources, allow_partial=allow_partial)
    return list(localised.editions), [*sources.failures, *localised.failures]


def _gettext(ui: dict[str, str]) -> Any:
    def gettext(text: str) -> str:
        return ui.get(text, text)

    return gettext


# The runner: renderers only.


def render_job(job: dict[str, Any]) -> tuple[str, float]:
    """Write one file with its renderer alone; return its output path and seconds."""
    start = time.perf_counter()
    if job["kind"] in ("pdf", "layout"):
        import weasyprint

        html = Path(job["input"]).read_text(encoding="utf-8")
        document = weasyprint.HTML(string=html, base_url=job["base_url"]).render(
            pdf_variant="pdf/ua-1", custom_metadata=True, font_config=_fonts()
        )
        if job["kind"] == "pdf":  # a layout the fitter measured and let go is not written
            document.write_pdf(job["output"], pdf_variant="pdf/ua-1", custom_metadata=True)
    else:
        result = subprocess.run(
            job["command"], input=Path(job["input"]).read_bytes(), capture_output=True
        )
        if result.returncode != 0 or result.stderr.strip():
            raise RuntimeError(f"pandoc failed on {job['input']}: {result.stderr.decode()[:200]}")
    return job["output"], time.perf_counter() - start


@cache
def _fonts() -> Any:
    """Return this process's one font configuration: WeasyPrint at its fastest, as the
    pipeline calls it (a new one per document, WeasyPrint's default, is a third slower)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def run_floor(jobs: list[dict[str, Any]], processes: int) -> dict[str, float]:
    """Render every job in `processes` processes; return the seconds of each output."""
    import weasyprint  # noqa: F401  (imported before forking, as the pipeline preloads it)

    if processes == 1:
        return dict(map(render_job, jobs))
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return dict(pool.imap_unordered(render_job, jobs, chunksize=1))


def main(argv: list[str] | None = None) -> int:
    """Render a jobs file (see the module docstring); print per-file seconds as JSON."""
    parser = argparse.ArgumentParser(description="The renderers alone, on prepared input.")
    parser.add_argument("jobs", type=Path, help="jobs file written by prepare_floor")
    parser.add_argument("--jobs", dest="processes", type=int, default=1, help="processes")
    args = parser.parse_args(argv)
    jobs = json.loads(args.jobs.read_text(encoding="utf-8"))
    start = time.perf_counter()
    seconds = run_floor(jobs, args.processes)
    json.dump({"seconds": seconds, "render_seconds": time.perf_counter() - start}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
