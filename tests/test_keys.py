"""Artifact keys: what an artifact depends on, and only that."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from briefkit.pipeline import Request, build
from briefkit.project import Project
from briefkit.release.keys import artifact_key, render_inputs, renderer_files, tool_versions


def test_each_format_depends_on_the_template_strings_its_templates_print(sample: Project) -> None:
    inputs = render_inputs(sample.templates_dir)
    assert "Key messages" in inputs.msgids["pdf"] and "Key messages" in inputs.msgids["docx"]
    assert "Page %(page)s of %(pages)s" in inputs.msgids["pdf"]
    assert "Downloads" not in inputs.msgids["pdf"] | inputs.msgids["docx"]  # the page's only


def test_a_key_changes_with_what_is_printed_and_not_with_the_rest(sample: Project) -> None:
    edition = build(sample, Request(locales=("fr",), formats=())).editions[0]
    inputs = render_inputs(sample.templates_dir)

    def key(changed: object, fmt: str = "pdf") -> str:
        return artifact_key(changed, fmt, "sample/sample_fr.pdf", "en", inputs)  # type: ignore[arg-type]

    same = key(edition)
    assert key(replace(edition, ui={**edition.ui, "Downloads": "Fichiers"})) == same
    assert key(replace(edition, ui={**edition.ui, "Key messages": "À retenir"})) != same
    assert key(replace(edition, brief=replace(edition.brief, title="Autre titre"))) != same
    assert key(edition, "docx") != same
    assert (
        artifact_key(edition, "pdf", "sample/sample_fr.pdf", "en", replace(inputs, fonts="x"))
        != same
    )


def test_tool_versions_name_the_layout_libraries_without_importing_the_renderers() -> None:
    versions = tool_versions()
    assert versions["weasyprint"] == "70.0"
    assert versions["libpango-1.0.so.0"] != "missing"
    assert versions["libharfbuzz.so.0"] != "missing"


def test_only_the_code_a_renderer_runs_keys_its_artifacts() -> None:
    package = Path(__file__).resolve().parent.parent / "briefkit"
    pdf = {p.relative_to(package).as_posix() for p in renderer_files("briefkit.render.pdf")}
    docx = {p.relative_to(package).as_posix() for p in renderer_files("briefkit.render.docx")}
    assert {"render/pdf.py", "render/html.py", "render/pdf_tags.py", "release/jobs.py"} <= pdf
    assert {"render/docx.py", "render/charts.py", "render/pdf.py"} <= docx
    assert "render/docx.py" not in pdf  # a DOCX fix rebuilds no PDF
    for elsewhere in ("cli/__init__.py", "pipeline.py", "translations.py", "qa/checks.py"):
        assert elsewhere not in pdf | docx  # their effect is in the edition's data, or none


def test_a_key_follows_the_renderer_code_of_its_format(sample: Project) -> None:
    edition = build(sample, Request(locales=("fr",), formats=())).editions[0]
    inputs = render_inputs(sample.templates_dir)
    docx_changed = replace(inputs, code={**inputs.code, "docx": "edited"})
    assert artifact_key(edition, "pdf", "p", "en", docx_changed) == artifact_key(
        edition, "pdf", "p", "en", inputs
    )
    assert artifact_key(edition, "docx", "d", "en", docx_changed) != artifact_key(
        edition, "docx", "d", "en", inputs
    )
