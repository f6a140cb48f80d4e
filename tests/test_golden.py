"""Golden files for what is text: the extracted .pot, the HTML for WeasyPrint, the Markdown for pandoc.

Regenerate after an intended change with `make golden`, then review `git diff tests/golden`.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from briefkit.catalogs.po import dump_catalog
from briefkit.pipeline import Request, build
from briefkit.project import Project
from briefkit.render.docx import docx_markdown
from briefkit.render.html import render_html
from briefkit.render.templating import template_environment
from briefkit.render.web import render_edition
from briefkit.translations import templates

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run `make golden`"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from its golden file: run `make golden` if intended"
    )


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.mark.parametrize("domain", ["sample", "templates"])
def test_extracted_templates(sample: Project, domain: str) -> None:
    check(f"{domain}.pot", dump_catalog(templates(sample)[domain]).decode("utf-8"))


@pytest.mark.parametrize("locale", ["en", "fr", "ar", "zh_Hans"])
def test_html_and_markdown_handed_to_the_renderers(sample: Project, locale: str) -> None:
    edition = build(sample, Request(locales=(locale,), formats=())).editions[0]
    env = template_environment(sample.templates_dir, lambda text: edition.ui.get(text, text))
    source = sample.locale(sample.source_locale)
    check(f"sample_{locale}.html", render_html(edition.brief, env, source))
    check(f"sample_{locale}.md", docx_markdown(edition.brief, env, sample))


@pytest.mark.parametrize("locale", ["en", "fr", "ar", "zh_Hans"])
def test_the_html_edition(sample: Project, locale: str) -> None:
    edition = build(sample, Request(locales=(locale,), formats=())).editions[0]
    check(f"sample_{locale}_edition.html", render_edition(sample, edition).decode("utf-8"))


def test_headings_get_unique_ids_apart_from_the_templates_own(sample: Project) -> None:
    from briefkit.render.html import body_html
    from briefkit.render.templating import template_environment

    [edition] = build(sample, Request(locales=("en",), formats=())).editions
    brief = replace(
        edition.brief, body="## Context\n\nA.\n\n## Context\n\nB.\n\n## Sources\n\nC.\n"
    )
    html = body_html(brief, template_environment(sample.templates_dir, lambda text: text))
    assert re.findall(r'<h2 id="([^"]+)"', html) == ["context", "context-2", "sources-2"]
