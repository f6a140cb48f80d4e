"""Hostile translations against what a release publishes: the quality gate's exact message for
each kind, then, with the gate switched off, the published files themselves (the download page's
DOM in Chromium, every PDF annotation and embedded file, every DOCX relationship and picture)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from conftest import copy_sample
from playwright.sync_api import Browser, Page, sync_playwright

from briefkit.catalogs.po import po_path, read_catalog, write_catalog
from briefkit.pipeline import Request, build, output_path
from briefkit.project import Project, load_project

CHROMIUM = Path("/usr/bin/chromium")
ALLOWED_LINK = re.compile(r"^(https?|mailto):", re.I)
PO = "translations/fr/LC_MESSAGES/{}.po"
HTML_FIX = "remove it: HTML is printed as text; use the Markdown of the source"
LINK_FIX = "link only to https, http, mailto addresses"
CHAR_FIX = (
    "delete it: direction, spacing and hyphenation come from the language's rules, "
    "not from hidden characters"
)
PERCENT_FIX = (
    "write placeholders exactly as in the source (%(name)s), with no width or flag, "
    "and a percent sign as a single %"
)
NEWLINE_FIX = (
    "write the translation on the lines the source uses; a line break here would "
    "start a new paragraph, heading or list"
)
PARAGRAPH = (
    "Reports rose to **{{ reports }}** in {{ reports.year }}, according to "
    "[the source](https://example.org/report)."
)


def set_strings(project: Project, domain: str, strings: dict[str, str]) -> dict[str, int]:
    """Set translations in a French catalog; return each msgid's line."""
    path = po_path(project.translations_dir, "fr", domain)
    catalog = read_catalog(path, "fr")
    for msgid, msgstr in strings.items():
        catalog[msgid].string = msgstr
    write_catalog(path, catalog)
    again = read_catalog(path, "fr")
    return {msgid: int(again[msgid].lineno) for msgid in strings}


def gate_messages(project: Project) -> list[str]:
    report = build(project, Request(locales=("fr",), formats=()))
    return [line for f in report.failures for line in str(f.error).splitlines()]


# --- The gate: each kind refused with file:line, several spellings each -------------------------

GATE_CASES = [
    # raw HTML, in the spellings CommonMark does not call HTML
    ("templates", "Downloads", "<img/src=x onerror=alert(document.domain)>",
     'raw HTML <img/src=x in the translation: "<img/src=x onerror=alert(document.domain)>"', HTML_FIX),
    ("templates", "Downloads", "<script>alert(1)</script>",
     'raw HTML <script> in the translation: "<script>alert(1)</script>"', HTML_FIX),
    ("templates", "Format", "<style/x>*{display:none}</style>",
     'raw HTML <style/x> in the translation: "<style/x>*{display:none}</style>"', HTML_FIX),
    ("sample", "Context", 'Contexte <a/href="file:///etc/passwd">f</a>',
     'raw HTML <a/href="file:///etc/passwd"> in the translation: "Contexte <a/href=\\"file:///etc/passwd\\">f</a>"'.replace('\\"', '"'), HTML_FIX),
    # links outside the allow-list, in every Markdown syntax
    ("templates", "Sources", "[Sources](javascript:alert(1))",
     'link target javascript:alert(1) is not allowed: "[Sources](javascript:alert(1))"', LINK_FIX),
    ("sample", "Context", "Contexte <file://host/share/x.docx>",
     'link target file://host/share/x.docx is not allowed: "Contexte <file://host/share/x.docx>"', LINK_FIX),
    ("sample", "Context", "[Contexte](smb://host/share)",
     'link target smb://host/share is not allowed: "[Contexte](smb://host/share)"', LINK_FIX),
    ("sample", "Context", "[Contexte](DATA:text/html,x)",
     'link target DATA:text/html,x is not allowed: "[Contexte](DATA:text/html,x)"', LINK_FIX),
    # invisible and control characters
    ("sample", "Context", "Contexte\u202e2019",
     'invisible character U+202E RIGHT-TO-LEFT OVERRIDE: "Contexte\\u202e2019"', CHAR_FIX),
    ("sample", "Context", "Con\u200btexte",
     'invisible character U+200B ZERO WIDTH SPACE: "Con\\u200btexte"', CHAR_FIX),
    ("sample", "Context", "Con\u00adtexte",
     'invisible character U+00AD SOFT HYPHEN: "Con\\u00adtexte"', CHAR_FIX),
    ("templates", "Key messages", "Messages \x1b[31mclés",
     'invisible character U+001B CONTROL: "Messages \\u001b[31mclés"', CHAR_FIX),
    # line breaks that open a block
    ("templates", "Key messages", "Messages\n\n# Heading 1",
     'line breaks where the source has none: "Messages\\n\\n# Heading 1"', NEWLINE_FIX),
    ("sample", "Context", "Contexte\n- liste",
     'line breaks where the source has none: "Contexte\\n- liste"', NEWLINE_FIX),
    # % with one meaning
    ("templates", "Brief %(number)s", "Note %(number)20000000s",
     'format %(number)20000000s is neither a placeholder nor a percent sign: "Note %(number)20000000s"', PERCENT_FIX),
    ("templates", "Brief %(number)s", "Note %(number)-5s",
     'format %(number)-5s is neither a placeholder nor a percent sign: "Note %(number)-5s"', PERCENT_FIX),
    ("templates", "Downloads", "Téléchargements (100%%)",
     'format %% is neither a placeholder nor a percent sign: "Téléchargements (100%%)"', PERCENT_FIX),
    # mixed-script words
    ("sample", "Context", "Cоntexte",
     "“Cоntexte” mixes scripts: U+043E CYRILLIC SMALL LETTER O among Latin letters: \"Cоntexte\"",
     "retype the word in Latin letters only"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("domain", "msgid", "msgstr", "message", "fix"),
    GATE_CASES,
    ids=[
        "img-slash", "script", "style-slash", "a-slash", "javascript", "file-autolink", "smb",
        "data-upper", "rlo", "zwsp", "soft-hyphen", "escape", "heading", "list", "width", "flag",
        "double-percent", "cyrillic-o",
    ],
)  # fmt: skip
def test_the_gate_refuses_each_kind_with_its_line(
    sample: Project,
    monkeypatch: pytest.MonkeyPatch,
    domain: str,
    msgid: str,
    msgstr: str,
    message: str,
    fix: str,
) -> None:
    monkeypatch.chdir(sample.root)
    line = set_strings(sample, domain, {msgid: msgstr})[msgid]
    assert f"{PO.format(domain)}:{line}: {message} ({fix})" in gate_messages(sample)


def test_a_literal_percent_sign_builds_and_prints_as_written(sample: Project) -> None:
    set_strings(sample, "templates", {"Downloads": "Téléchargements (100%)"})
    report = build(sample, Request(locales=("en", "fr"), formats=("pdf",)))
    assert report.ok, [str(f.error) for f in report.failures]
    page = (sample.dist_dir / "index.html").read_text(encoding="utf-8")
    assert "<caption>Téléchargements (100%)</caption>" in page


def test_the_glossary_gate_sees_through_invisible_and_confusable_characters(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    (sample.translations_dir / "glossary.yaml").write_text(
        "sources:\n  s1: A source\nconcepts:\n  - id: csam\n    fr:\n"
        "      avoid: [pornographie infantile]\n      sources: [s1]\n",
        encoding="utf-8",
    )
    for hidden in (
        "porno\u200bgraphie",
        "porno\u00adgraphie",
        "porno\u2060graphie",
        "pоrnographie",
    ):
        line = set_strings(sample, "sample", {"Context": f"Contexte : {hidden} infantile"})[
            "Context"
        ]
        assert any(
            m.startswith(f"{PO.format('sample')}:{line}: term to avoid “pornographie infantile”")
            for m in gate_messages(sample)
        ), hidden


def test_a_lang_en_build_draws_no_unchecked_string_of_another_language(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    assert build(sample, Request(locales=("en", "fr"), formats=("pdf",))).ok
    line = set_strings(sample, "templates", {"Downloads": "<script>alert(1)</script>"})["Downloads"]
    report = build(sample, Request(locales=("en",), formats=("pdf",)))
    [failure] = report.failures
    assert failure.what == "download page"
    assert str(failure.error) == (
        f"{PO.format('templates')}:{line}: raw HTML <script> in the translation: "
        f'"<script>alert(1)</script>" ({HTML_FIX})'
    )
    page = (sample.dist_dir / "index.html").read_text(encoding="utf-8")
    assert "alert(1)" not in page and "<script" not in page


# --- With the gate off: what the renderers themselves publish -----------------------------------

HOSTILE_TEMPLATES = {
    "Downloads": "<img/src=x onerror=alert(document.domain)>",
    "Key messages": "Messages </style><script>alert(1)</script>",
    "Sources": "Sources [clic](javascript:alert(1)) <file://host/share/x.docx>",
    "Format": "<style/x>*{display:none}</style>",
    "Page %(page)s of %(pages)s": 'Page %(page)s sur %(pages)s"} </style><style>*{display:none}',
    "Published by %(publisher)s on %(date)s.": "Publié (100%) par %(publisher)s le %(date)s.",
    "Brief %(number)s": "Note %(number)20000000s",
    "Source titles are given in their original language.": "Titres\n\n# Heading 1",
}
HOSTILE_BRIEF = {
    "Context": "Contexte [a](javascript:alert(1)) [b](file://host/share/x.docx) "
    "<smb://host/share> ![p](data:image/png;base64,iVBORw0KGgo=) <a/href=file:///etc/passwd>c</a>",
    PARAGRAPH: "Les signalements [d](vbscript:x) et [la source](https://example.org/report) "
    "**{{ reports }}** {{ reports.year }} [e](./relative.docx) [f](mailto:a@example.org).",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """The sample built in English and French from hostile strings, the QA gate switched off to
    test the renderers' own defence behind it."""
    import briefkit.l10n.editions

    project = load_project(copy_sample(tmp_path_factory.mktemp("hostile") / "project"))
    set_strings(project, "templates", HOSTILE_TEMPLATES)
    set_strings(project, "sample", HOSTILE_BRIEF)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(briefkit.l10n.editions, "_check_quality", lambda *args: None)
        report = build(project, Request(locales=("en", "fr")))
    assert report.ok, [str(f.error) for f in report.failures]
    yield project


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, hostile: Project) -> Iterator[tuple[Page, list[str]]]:
    opened = browser.new_page()
    messages: list[str] = []
    opened.on("console", lambda message: messages.append(message.text))
    opened.on("dialog", lambda dialog: messages.append(f"dialog {dialog.message}"))
    opened.goto((hostile.dist_dir / "index.html").as_uri())
    yield opened, messages
    opened.close()


def test_the_download_page_prints_template_strings_as_text(page: tuple[Page, list[str]]) -> None:
    dom, messages = page
    captions = dom.eval_on_selector_all("#fr caption", "cs => cs.map(c => c.textContent)")
    assert captions and set(captions) == {"<img/src=x onerror=alert(document.domain)>"}
    assert dom.locator("#fr caption *").count() == 0
    assert dom.locator("script").count() == 0
    assert dom.locator("[onerror]").count() == 0
    assert dom.locator("body style").count() == 0
    headers = dom.eval_on_selector_all("#fr thead th", "ts => ts.map(t => t.textContent)")
    assert "<style/x>*{display:none}</style>" in headers
    assert not [m for m in messages if m.startswith("dialog")]


def test_the_download_page_has_a_strict_policy_and_its_own_style_only(
    page: tuple[Page, list[str]],
) -> None:
    dom, messages = page
    policy = dom.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content") or ""
    assert policy.startswith("default-src 'none'; img-src 'self'; style-src 'sha256-")
    assert "script-src" not in policy and "unsafe" not in policy
    # The page's own style applies (its hash matches the policy), and its covers load.
    assert dom.eval_on_selector(".visually-hidden", "e => getComputedStyle(e).position") == (
        "absolute"
    )
    assert dom.eval_on_selector(".masthead", "e => getComputedStyle(e).borderBottomWidth") == "4px"
    widths = dom.eval_on_selector_all("img.cover", "is => is.map(i => i.naturalWidth)")
    assert widths and all(w > 0 for w in widths)
    assert not [m for m in messages if "Content Security Policy" in m]
    # A style injected later is refused by the policy.
    dom.evaluate(
        "() => { const s = document.createElement('style'); s.textContent = 'body{display:none}';"
        " document.head.appendChild(s); }"
    )
    assert dom.eval_on_selector("body", "b => getComputedStyle(b).display") != "none"


def annotations(path: Path) -> list[dict[str, str]]:
    found = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                action = annot.get("/A", {})
                found.append(
                    {
                        "subtype": str(annot.get("/Subtype")),
                        "action": str(action.get("/S", "")),
                        "uri": str(action.get("/URI", "")),
                    }
                )
    return found


def test_the_pdf_links_only_to_allowed_addresses_and_attaches_nothing(hostile: Project) -> None:
    path = output_path(hostile, "sample", "fr", "pdf")
    found = annotations(path)
    assert {a["subtype"] for a in found} <= {"/Link"}
    uris = [a["uri"] for a in found if a["action"] == "/URI"]
    assert "https://example.org/report" in uris
    assert "mailto:a@example.org" in uris
    assert all(ALLOWED_LINK.match(uri) for uri in uris), uris
    assert {a["action"] for a in found} <= {"/URI", "/GoTo", ""}
    with pikepdf.open(path) as pdf:
        names = pdf.Root.get("/Names", {})
        assert "/EmbeddedFiles" not in names
        assert "/AF" not in pdf.Root
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary):
                assert obj.get("/Type") not in ("/Filespec", "/EmbeddedFile")
                assert obj.get("/S") not in ("/JavaScript", "/Launch", "/GoToR")


def test_the_pdf_prints_the_hostile_strings_as_text(hostile: Project) -> None:
    from pypdf import PdfReader

    path = output_path(hostile, "sample", "fr", "pdf")
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    flat = " ".join(text.split())
    assert "Messages </style><script>alert(1)</script>" in flat
    assert "Note %(number)20000000s" in flat
    assert "Publié (100%) par" in flat
    # A link refused by the allow-list is its text, as in the DOCX; raw HTML is text.
    assert "Contexte a b smb://host/share p <a/href=file:///etc/passwd>c</a>" in flat
    # The page furniture: the translated "Page x of y" and the series in the margin boxes, its
    # quotation mark and </style> kept inside the CSS string.
    assert 'Page 1 sur 2"} </style><style>*{display:none}' in flat


def docx_parts(path: Path) -> tuple[list[tuple[str, str, str]], list[str], str]:
    """Return every relationship (type, target, mode), the media parts and document.xml."""
    rels = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".rels"):
                xml = archive.read(name).decode("utf-8")
                for rel in re.finditer(r"<Relationship [^>]*/>", xml):
                    attrs = dict(re.findall(r'(\w+)="([^"]*)"', rel.group()))
                    rels.append(
                        (
                            attrs["Type"].rsplit("/", 1)[-1],
                            attrs["Target"],
                            attrs.get("TargetMode", ""),
                        )
                    )
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        document = archive.read("word/document.xml").decode("utf-8")
    return rels, media, document


def test_the_docx_links_only_to_allowed_addresses_and_holds_only_the_charts(
    hostile: Project,
) -> None:
    rels, media, document = docx_parts(output_path(hostile, "sample", "fr", "docx"))
    external = [(kind, target) for kind, target, mode in rels if mode == "External"]
    assert ("hyperlink", "https://example.org/report") in external
    assert ("hyperlink", "mailto:a@example.org") in external
    assert all(kind == "hyperlink" and ALLOWED_LINK.match(t) for kind, t in external), external
    assert media == []  # no picture: the one chart is a chart part
    assert [r for r in rels if r[0] == "chart"] and all(
        mode != "External" for kind, _, mode in rels if kind == "chart"
    )
    assert not [r for r in rels if r[0] in ("oleObject", "package", "attachedTemplate", "frame")]
    for hostile_text in ("vbscript:x", "relative.docx", "data:image"):
        assert hostile_text not in document


def test_the_docx_frame_prints_template_strings_as_text(hostile: Project) -> None:
    from docx import Document

    document = Document(str(output_path(hostile, "sample", "fr", "docx")))
    texts = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    assert not [
        text for style, text in texts if style.startswith("Heading") and "Heading 1" in text
    ]
    assert ("Small Print", "Titres # Heading 1") in texts
    assert any("Note %(number)20000000s" in text for _, text in texts)
    assert any(text.startswith("Publié (100%) par") for _, text in texts)
    # A link refused by the allow-list is its text, as in the PDF; raw HTML is text.
    assert any(
        "Contexte a b smb://host/share p <a/href=file:///etc/passwd>c</a>" in text
        for _, text in texts
    )
