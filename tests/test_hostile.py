"""Hostile and broken input: each case asserts the exact behaviour (an error naming file, line and fix,
or output checked for the absence of leaked content and embedded files)."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from docx import Document

from briefkit.catalogs.po import po_path, read_catalog, write_catalog
from briefkit.cli import main
from briefkit.errors import BriefkitError, RenderError
from briefkit.pipeline import Request, build, output_path
from briefkit.project import Project, load_project
from briefkit.render.pdf import render_pdf
from briefkit.sources.brief import load_brief
from briefkit.sources.data import load_dataset

SECRET = "briefkit-secret-canary"
BLOCKED_FIX = "only files under templates/ may be loaded"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


def assets(project: Project) -> Path:
    return project.templates_dir / "pdf"


def page(body: str, head: str = "") -> str:
    return f'<!DOCTYPE html><html lang="en"><head><title>t</title>{head}</head><body>{body}</body></html>'


# --- WeasyPrint may load only files under templates/ ----------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "url"),
    [
        (page('<img src="{secret}" alt="x">'), "{secret}"),
        (page("x", '<style>@import url("{secret}");</style>'), "{secret}"),
        (page('<a rel="attachment" href="{secret}">x</a>'), "{secret}"),
        (page("x", '<link rel="attachment" href="{secret}">'), "{secret}"),
        (page("x", '<link rel="stylesheet" href="{secret}">'), "{secret}"),
        (page('<object data="{secret}"></object>'), "{secret}"),
        (
            page(
                "x",
                "<style>@font-face{{font-family:X;src:url({secret})}} body{{font-family:X}}</style>",
            ),
            "{secret}",
        ),
        (page('<img src="http://127.0.0.1:9/x.png" alt="x">'), "http://127.0.0.1:9/x.png"),
    ],
    ids=[
        "img",
        "css-import",
        "a-attachment",
        "link-attachment",
        "stylesheet",
        "object",
        "font-face",
        "http",
    ],
)
def test_weasyprint_loads_nothing_outside_templates(
    sample: Project, secret: Path, html: str, url: str
) -> None:
    uri = secret.as_uri()
    with pytest.raises(RenderError) as caught:
        render_pdf(html.format(secret=uri), assets(sample), "hostile")
    assert (
        str(caught.value) == f"hostile: blocked a load of {url.format(secret=uri)} ({BLOCKED_FIX})"
    )


def test_a_relative_path_cannot_climb_out_of_templates(sample: Project) -> None:
    with pytest.raises(RenderError) as caught:
        render_pdf(page('<img src="../../pyproject.toml" alt="x">'), assets(sample), "hostile")
    assert str(caught.value) == (
        f"hostile: blocked a load of {(sample.root / 'pyproject.toml').as_uri()} ({BLOCKED_FIX})"
    )


PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
DATA_FILE = "data:text/plain;base64,YnJpZWZraXQtc2VjcmV0LWNhbmFyeQ=="


@pytest.mark.parametrize(
    "html",
    [
        page(f'<img src="{PIXEL}" alt="a pixel">'),
        page(f'<a rel="attachment" href="{DATA_FILE}">x</a>'),
        page("x", f'<link rel="attachment" href="{DATA_FILE}">'),
        page("x", '<link rel="stylesheet" href="data:text/css,body%7Bdisplay:none%7D">'),
    ],
    ids=["img", "a-attachment", "link-attachment", "stylesheet"],
)
def test_data_uris_load_nothing(sample: Project, html: str) -> None:
    # Changed in security round 2: data: URIs were served; they could attach a file or a style.
    url = html.split('="data:')[1].split('"')[0]
    with pytest.raises(RenderError) as caught:
        render_pdf(html, assets(sample), "hostile")
    assert str(caught.value) == f"hostile: blocked a load of data:{url} ({BLOCKED_FIX})"


def test_template_files_load(sample: Project) -> None:
    pdf = render_pdf(page("x", '<link rel="stylesheet" href="brief.css">'), assets(sample), "ok")
    assert pdf.startswith(b"%PDF")


def test_a_symlink_in_templates_is_not_followed(sample: Project, secret: Path) -> None:
    (assets(sample) / "linked.css").symlink_to(secret)
    with pytest.raises(RenderError) as caught:
        render_pdf(
            page("x", '<link rel="stylesheet" href="linked.css">'), assets(sample), "hostile"
        )
    assert str(caught.value) == (
        f"hostile: blocked a load of {(assets(sample) / 'linked.css').as_uri()} ({BLOCKED_FIX})"
    )


# --- Raw HTML in a brief or a translation is text, never markup -------------------------------------------------


def embedded_files(path: Path) -> list[str]:
    """Return every file a PDF carries: in its /EmbeddedFiles names, as /FileAttachment
    annotations, or as any other file specification."""
    with pikepdf.open(path) as pdf:
        names = pdf.Root.get("/Names", {})
        tree = names.get("/EmbeddedFiles") if names else None
        found = [] if tree is None else [str(n) for n in tree.get("/Names", [])[::2]]
        for page in pdf.pages:
            found += [
                f"annotation {annot.get('/Subtype')}"
                for annot in page.obj.get("/Annots", [])
                if annot.get("/Subtype") == "/FileAttachment" or "/FS" in annot
            ]
        found += [
            "file specification"
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary)
            and obj.get("/Type") in ("/Filespec", "/EmbeddedFile")
        ]
        return found


def pdf_bytes_text(path: Path) -> str:
    from pypdf import PdfReader

    return "".join(p.extract_text() for p in PdfReader(path).pages)


HOSTILE_HTML = [
    '<img src="{secret}" alt="x">',
    '<iframe src="{secret}"></iframe>',
    '<a rel="attachment" href="{secret}">attached</a>',
    '<object data="{secret}"></object>',
    '<link rel="stylesheet" href="{secret}">',
]


@pytest.mark.parametrize(
    "snippet", HOSTILE_HTML, ids=["img", "iframe", "attachment", "object", "link"]
)
def test_raw_html_in_a_brief_is_shown_as_text_and_loads_nothing(
    sample: Project, secret: Path, snippet: str
) -> None:
    html = snippet.format(secret=secret.as_uri())
    path = sample.briefs_dir / "sample.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{html}\n", encoding="utf-8")
    report = build(sample, Request(locales=("en",)))
    assert report.ok, [str(f.error) for f in report.failures]
    pdf = output_path(sample, "sample", "en", "pdf")
    assert embedded_files(pdf) == []
    assert SECRET not in pdf_bytes_text(pdf)
    assert html.split(" ")[0] in pdf_bytes_text(pdf)  # the tag is printed as text
    docx = output_path(sample, "sample", "en", "docx")
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert html.split(" ")[0] in text and SECRET not in text
    assert SECRET.encode() not in docx.read_bytes()


def sample_charts(project: Project) -> list[str]:
    brief = load_brief(project.briefs_dir / "sample.md")
    return [line for line in brief.body.splitlines() if "](chart:" in line]


def set_translation(project: Project, msgid: str, msgstr: str, locale: str = "fr") -> None:
    path = po_path(project.translations_dir, locale, "sample")
    catalog = read_catalog(path, locale)
    catalog[msgid].string = msgstr
    write_catalog(path, catalog)


def without_qa_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch off the QA gate, which refuses these translations first, to test the renderers'
    own defence behind it."""
    import briefkit.l10n.editions

    monkeypatch.setattr(briefkit.l10n.editions, "_check_quality", lambda *args: None)


def test_raw_html_in_a_translation_is_shown_as_text(
    sample: Project, secret: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_translation(sample, "Context", f'Contexte <iframe src="{secret.as_uri()}"></iframe>')
    [refused] = build(sample, Request(locales=("fr",))).failures
    assert "raw HTML <iframe" in str(refused.error)
    without_qa_gate(monkeypatch)
    report = build(sample, Request(locales=("fr",)))
    assert report.ok, [str(f.error) for f in report.failures]
    pdf = output_path(sample, "sample", "fr", "pdf")
    assert "<iframe" in pdf_bytes_text(pdf) and SECRET not in pdf_bytes_text(pdf)
    assert embedded_files(pdf) == []


def test_an_image_added_by_a_translation_embeds_nothing(
    sample: Project, secret: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_translation(sample, "Context", f"Contexte ![x]({secret})")
    [refused] = build(sample, Request(locales=("fr",))).failures
    assert f"image {secret} is not in the source text" in str(refused.error)
    without_qa_gate(monkeypatch)
    report = build(sample, Request(locales=("fr",)))
    pdf = output_path(sample, "sample", "fr", "pdf")
    assert SECRET not in pdf_bytes_text(pdf) and embedded_files(pdf) == []
    docx = output_path(sample, "sample", "fr", "docx")
    # Changed in security round 2: pandoc's sandbox used to refuse the file and fail the DOCX;
    # now the filter keeps only the charts briefkit embedded, so the picture is its alt text.
    assert report.ok, [str(f.error) for f in report.failures]
    assert SECRET.encode() not in docx.read_bytes()
    with zipfile.ZipFile(docx) as archive:
        names = archive.namelist()
    # No picture at all: the DOCX's charts are chart parts (word/charts/), not media.
    assert [n for n in names if n.startswith("word/media/")] == []
    assert len([n for n in names if n.startswith("word/charts/chart")]) == len(
        sample_charts(sample)
    )


@pytest.mark.parametrize(
    ("msgstr", "problem"),
    [
        ("{{ ''.__class__.__mro__ }}", "template syntax that is not a placeholder"),
        ("{% for x in range(10**9) %}x{% endfor %}", "template syntax that is not a placeholder"),
        ("{# comment #}", "template syntax that is not a placeholder"),
        ("{{ config }}", "placeholder {{ config }} is not in the source text"),
    ],
    ids=["dunder", "loop", "comment", "config"],
)
def test_a_translation_cannot_run_template_code(
    sample: Project, msgstr: str, problem: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    set_translation(sample, "Context", msgstr)
    report = build(sample, Request(locales=("fr",), formats=()))
    [failure] = report.failures
    line = read_catalog(po(sample), "fr")["Context"].lineno
    assert str(failure.error).startswith(f"translations/fr/LC_MESSAGES/sample.po:{line}: {problem}")


# --- Names cannot escape their folders -------------------------------------------------------------------------


def run(project: Project, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--root", str(project.root), *args])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "/etc/passwd", "Über", "a b", "..", "sample.md"]
)
def test_a_brief_name_cannot_escape_briefs(
    sample: Project, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(sample, "--brief", name, "--lang", "en", capsys=capsys)
    assert code == 1
    assert "is not a slug" in err or "brief not found" in err
    assert not any(sample.dist_dir.rglob("*.pdf")) if sample.dist_dir.exists() else True


def test_an_unconfigured_locale_is_refused(
    sample: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(sample, "--lang", "../../x", capsys=capsys)
    assert code == 2
    assert (
        "error: locale '../../x' is not configured in pyproject.toml [tool.briefkit] locales" in err
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "fr/../..",
            "pyproject.toml:3: malformed locale code 'fr/../..' (use a gettext code such as fr, pt_BR or zh_Hans)",
        ),
        ("xx", "pyproject.toml:3: unknown locale 'xx' (CLDR has no such locale)"),
        (
            "fr_XX",
            "pyproject.toml:3: unknown locale 'fr_XX' (CLDR has no such locale; did you mean fr, fr_YT, fr_WF, fr_VU?)",
        ),
        (
            "zh_hans",
            "pyproject.toml:3: malformed locale code 'zh_hans' (use a gettext code such as fr, pt_BR or zh_Hans; did you mean zh_Hans, zh, zh_Hant, zh_Hans_SG?)",
        ),
    ],
)
def test_malformed_or_unknown_locales_in_the_config_are_refused(
    sample_root: Path, code: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample_root)
    pyproject = sample_root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"zh_Hans"]', f'"zh_Hans", "{code}"]'))
    with pytest.raises(BriefkitError) as caught:
        load_project(sample_root)
    assert str(caught.value) == message


# --- Broken files give file:line: what (fix), no traceback, in bounded time -------------------------------------


def po(project: Project) -> Path:
    return po_path(project.translations_dir, "fr", "sample")


def broken_po(sample: Project, old: str, new: str) -> tuple[str, int]:
    """Apply a translator's mistake to the French catalog; return the error and the line of the change."""
    text = po(sample).read_text(encoding="utf-8")
    assert old in text
    po(sample).write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    with pytest.raises(BriefkitError) as caught:
        read_catalog(po(sample), "fr")
    return str(caught.value), line


QUOTE_FIX = (
    '(quote every string ("…", with \\" for a quotation mark inside) and start entries with msgid)'
)


def test_an_unterminated_string(sample: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample.root)
    error, line = broken_po(sample, 'msgstr "Contexte"', 'msgstr "Contexte')
    assert (
        error
        == f"translations/fr/LC_MESSAGES/sample.po:{line}: not .po syntax: 'msgstr \"Contexte' {QUOTE_FIX}"
    )


def test_an_unescaped_quotation_mark(sample: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample.root)
    error, line = broken_po(sample, 'msgstr "Contexte"', 'msgstr "Le "contexte""')
    assert (
        error
        == f'translations/fr/LC_MESSAGES/sample.po:{line}: not .po syntax: \'msgstr "Le "contexte""\' {QUOTE_FIX}'
    )


def test_a_duplicate_entry(sample: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample.root)
    text = po(sample).read_text(encoding="utf-8")
    first = text[: text.index('msgid "Context"')].count("\n") + 1
    error, _ = broken_po(
        sample, 'msgstr "Contexte"\n', 'msgstr "Contexte"\n\nmsgid "Context"\nmsgstr "Cadre"\n'
    )
    assert error == (
        f'translations/fr/LC_MESSAGES/sample.po:{first + 3}: duplicate entry for msgid "Context" '
        f"(first at line {first}) (keep one entry for each msgid (and msgctxt))"
    )


def test_a_wrong_header_charset(sample: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample.root)
    error, _ = broken_po(sample, "charset=UTF-8", "charset=ISO-8859-1")
    assert error == (
        "translations/fr/LC_MESSAGES/sample.po:3: the header declares charset=ISO-8859-1 "
        '(catalogs are UTF-8: set "Content-Type: text/plain; charset=UTF-8\\n" and save as UTF-8)'
    )


def test_a_wrong_plural_count(sample: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample.root)
    error, line = broken_po(
        sample,
        'msgid "Context"\nmsgstr "Contexte"',
        'msgid "Context"\nmsgid_plural "Contexts"\nmsgstr[0] "Contexte"',
    )
    assert error == (
        f"translations/fr/LC_MESSAGES/sample.po:{line}: plural entry has 1 forms; the header's Plural-Forms "
        "says nplurals=2 (give msgstr[0] to msgstr[1])"
    )


def test_po_with_invalid_utf8_names_the_line(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    data = po(sample).read_bytes().replace(b"Contexte", b"Contexte \xff")
    po(sample).write_bytes(data)
    line = data[: data.index(b"\xff")].count(b"\n") + 1
    with pytest.raises(BriefkitError) as caught:
        read_catalog(po(sample), "fr")
    assert (
        str(caught.value)
        == f"translations/fr/LC_MESSAGES/sample.po:{line}: not valid UTF-8 (save the file as UTF-8)"
    )


def test_missing_data_file(sample: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample.root)
    (sample.briefs_dir / "data" / "sample.yaml").unlink()
    with pytest.raises(BriefkitError) as caught:
        load_brief(sample.briefs_dir / "sample.md")
    assert (
        str(caught.value)
        == "briefs/data/sample.yaml: data file not found (create it or fix the brief's `data:`)"
    )


def test_a_yaml_alias_bomb_is_refused_at_once(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    path = sample.briefs_dir / "data" / "sample.yaml"
    path.write_text("\n".join(levels) + "\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(BriefkitError) as caught:
        load_dataset(path)
    assert time.monotonic() - started < 5  # a generous bound: the bomb would take hours
    assert (
        str(caught.value)
        == "briefs/data/sample.yaml:1: YAML aliases (*name) are not allowed (write the value out in full)"
    )


def test_a_50_megabyte_brief_is_refused_without_reading_it_as_text(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    path = sample.briefs_dir / "huge.md"
    path.write_bytes(b"---\ntitle: x\n---\n" + b"word " * 10_000_000)
    with pytest.raises(BriefkitError) as caught:
        load_brief(path)
    assert str(caught.value) == (
        "briefs/huge.md:1: brief is 50,000,017 bytes, over the 1,000,000-byte limit "
        "(a policy brief is a few pages; split it into several briefs)"
    )


@pytest.mark.parametrize("marker", ["> ", "- ", "1. "])
def test_deeply_nested_quotes_and_lists_build(sample: Project, marker: str) -> None:
    path = sample.briefs_dir / "sample.md"
    nested = "".join(marker * depth + "level\n" for depth in (1, 50, 500))
    path.write_text(path.read_text(encoding="utf-8") + "\n" + nested, encoding="utf-8")
    report = build(sample, Request(locales=("en",), formats=("pdf",)))
    assert report.ok, [str(f.error) for f in report.failures]


def test_invalid_utf8_brief(sample: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample.root)
    path = sample.briefs_dir / "sample.md"
    path.write_bytes(path.read_bytes().replace(b"## Context", b"## Cont\xc3ext"))
    with pytest.raises(BriefkitError) as caught:
        load_brief(path)
    assert str(caught.value) == "briefs/sample.md:15: not valid UTF-8 (save the file as UTF-8)"


# --- Renderer warnings and faults ------------------------------------------------------------------------------


def test_a_renderer_warning_fails_the_artifact(sample: Project) -> None:
    css = sample.templates_dir / "pdf" / "brief.css"
    css.write_text(css.read_text() + "\np { colour: red; }\n")
    report = build(sample, Request(locales=("en",), formats=("pdf",)))
    [failure] = report.failures
    assert str(failure.error).startswith(
        "sample en pdf: WeasyPrint warned: Ignored `colour: red` at "
    )
    assert not output_path(sample, "sample", "en", "pdf").exists()


def test_a_renderer_crash_fails_one_artifact_and_the_others_build(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefkit.render.pdf as module

    real = module.lay_out  # the PDF is laid out (then fitted and written)

    def crash_on_arabic(html: str, assets_dir: Path, where: str) -> Any:
        if where.startswith("sample ar"):
            raise MemoryError("simulated crash")
        return real(html, assets_dir, where)

    monkeypatch.setattr(module, "lay_out", crash_on_arabic)
    report = build(sample, Request(locales=("en", "ar"), formats=("pdf",)))
    assert [str(f.error) for f in report.failures] == [
        "sample ar pdf: the renderer crashed: MemoryError: simulated crash (report it with the brief and locale)"
    ]
    assert [a.locale for a in report.artifacts] == ["en"]


def test_an_existing_artifact_survives_a_failed_rebuild(sample: Project) -> None:
    build(sample, Request(locales=("en",), formats=("pdf",)))
    path = output_path(sample, "sample", "en", "pdf")
    before = path.read_bytes()
    css = sample.templates_dir / "pdf" / "brief.css"
    css.write_text(css.read_text() + "\np { colour: red; }\n")
    assert not build(sample, Request(locales=("en",), formats=("pdf",))).ok
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".part")] == []


def test_docx_charts_are_chart_parts_and_nothing_is_read_from_disk(sample: Project) -> None:
    """pandoc runs with --sandbox: the DOCX holds no picture or other file read from disk; its
    chart is a chart part written from the data, its only binary parts the embedded fonts."""
    build(sample, Request(locales=("en",), formats=("docx",)))
    document = Document(str(output_path(sample, "sample", "en", "docx")))
    names = [str(part.partname) for part in document.part.package.iter_parts()]
    assert [n for n in names if "/media/" in n] == []
    assert [n for n in names if "/charts/" in n] == ["/word/charts/chart1.xml"]
    binary = [n for n in names if not n.endswith((".xml", ".rels"))]
    assert binary and all(re.fullmatch(r"/word/fonts/font\d+\.odttf", n) for n in binary)


def test_an_oversized_catalog_is_refused_before_parsing(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    po(sample).write_bytes(po(sample).read_bytes() + b"#. padding\n" * 1_000_000)
    with pytest.raises(BriefkitError) as caught:
        read_catalog(po(sample), "fr")
    assert str(caught.value).startswith("translations/fr/LC_MESSAGES/sample.po:1: catalog is ")
    assert str(caught.value).endswith(
        "bytes, over the 10,000,000-byte limit (a catalog of this series is well under 1 MB; is it the right file?)"
    )


def test_the_attachment_probe_finds_attachments_in_every_form(
    sample: Project, tmp_path: Path
) -> None:
    # The probe the tests above rely on: a template file attached by the maintainers' own HTML
    # (the only attachment the fetcher lets through) is found, as a name and as an annotation.
    pdf = tmp_path / "attached.pdf"
    pdf.write_bytes(
        render_pdf(
            page(
                '<a rel="attachment" href="brief.css">x</a>',
                '<link rel="attachment" href="brief.css">',
            ),
            assets(sample),
            "probe",
        )
    )
    found = embedded_files(pdf)
    assert "annotation /FileAttachment" in found
    assert "file specification" in found
