"""Text shown in English for want of a translation is tagged English (so it is hyphenated and
read as English) in the PDF and the DOCX; a preview also marks it, and fuzzy text, visibly."""

from __future__ import annotations

import io
import re
import zipfile

import pikepdf
import pytest

from briefkit.catalogs.po import po_path, read_catalog, write_catalog
from briefkit.pipeline import Request, build, output_path
from briefkit.project import Project

QUOTE = "“A short quote.” — A Person, An Organisation"  # untranslated in the sample's fr


def runs(docx: bytes) -> list[str]:
    """Return every run of the document's body as its XML."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        xml = archive.read("word/document.xml").decode()
    return [part for part in xml.split("<w:r>")[1:]]


def languages(pdf_bytes: bytes) -> list[tuple[str, str]]:
    """Return (structure type, /Lang) of every structure element that sets a language."""
    found: list[tuple[str, str]] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Dictionary):
            if "/Lang" in node:
                found.append((str(node.get("/S")), str(node.Lang)))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                walk(kid)

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        walk(pdf.Root.StructTreeRoot)
    return found


@pytest.fixture
def fuzzy_heading(sample: Project) -> Project:
    path = po_path(sample.translations_dir, "fr", "sample")
    catalog = read_catalog(path, "fr")
    catalog["Context"].flags.add("fuzzy")
    write_catalog(path, catalog)
    return sample


def test_a_release_tags_english_fallback_without_marking_it(sample: Project) -> None:
    report = build(sample, Request(locales=("fr",), jobs=1))
    assert report.ok and not report.preview
    pdf = output_path(sample, "sample", "fr", "pdf").read_bytes()
    assert ("/P", "en") in languages(pdf)
    quote = [
        r
        for r in runs(output_path(sample, "sample", "fr", "docx").read_bytes())
        if "A short quote" in r
    ]
    assert quote and all('<w:lang w:val="en"/>' in r for r in quote)
    assert not any("w:highlight" in r for r in quote)


def test_a_preview_marks_fallback_and_fuzzy_text(fuzzy_heading: Project) -> None:
    report = build(fuzzy_heading, Request(locales=("fr",), jobs=1, allow_fuzzy=True))
    assert report.ok and report.preview
    brief = report.editions[0].brief
    assert QUOTE in brief.fallback and "Contexte" in brief.fuzzy
    folder = fuzzy_heading.root / "previews" / "sample"
    docx_runs = runs((folder / "sample_fr.docx").read_bytes())
    quote = next(r for r in docx_runs if "A short quote" in r)
    heading = next(r for r in docx_runs if ">Contexte<" in r)
    assert "w:highlight" in quote and '<w:lang w:val="en"/>' in quote
    assert "w:highlight" in heading and '<w:lang w:val="en"/>' not in heading
    assert ("/P", "en") in languages((folder / "sample_fr.pdf").read_bytes())


def test_the_html_marks_blocks_by_language_and_state(fuzzy_heading: Project) -> None:
    from briefkit.render.html import render_html
    from briefkit.render.templating import template_environment

    edition = build(fuzzy_heading, Request(locales=("fr",), formats=(), allow_fuzzy=True)).editions[
        0
    ]
    env = template_environment(fuzzy_heading.templates_dir, lambda text: edition.ui.get(text, text))
    html = render_html(edition.brief, env, fuzzy_heading.locale("en"), preview=True)
    # Typesetting wraps words in spans (the last word, words not to hyphenate): the block's
    # marks and its text are what count here.
    [block] = re.findall(r'<p lang="en" class="fallback">(.*?)</p>', html)
    assert re.sub(r"<[^>]+>", "", block).replace("\xa0", " ") == QUOTE
    assert '<h2 class="fuzzy" id="contexte"><span class="nohyphen">Contexte</span></h2>' in html
    assert 'class="lang-fr preview"' in html


def test_an_edition_with_fallback_has_the_same_key_in_every_run(sample: Project) -> None:
    """The fallback texts are part of the key: in a set, their order (and the key) would change
    with Python's hash seed, and every build would render such an edition again."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    path = po_path(sample.translations_dir, "zh_Hans", "sample")
    catalog = read_catalog(path, "zh_Hans")
    for msgid in ("Context", "Escalation can take {{ escalation }}."):
        catalog[msgid].flags.add("fuzzy")  # with the untranslated entry, three texts in English
    write_catalog(path, catalog)

    def run(seed: str) -> list[str]:
        result = subprocess.run(
            [
                sys.executable,
                str(ROOT / "build.py"),
                "--root",
                str(sample.root),
                "--lang",
                "zh_Hans",
                "--format",
                "pdf",
                "--jobs",
                "1",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert result.returncode == 0, result.stderr
        return result.stderr.splitlines()

    assert run("1")[-2] == "1 built, 0 up to date, 0 failed"
    for seed in ("2", "3", "4", "5"):
        assert run(seed)[0] == "nothing to rebuild: 1 artifacts up to date", seed
