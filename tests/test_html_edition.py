"""The HTML edition in a real browser: headless Chromium through Playwright, axe-core through
axe-playwright-python, every edition of the sample and of the series, at 1280, 375 and 320 px.

Screenshots go to $SCREENSHOTS (default: the test's temporary folder); look at them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from briefkit.l10n.editions import load_sources, localise_editions
from briefkit.project import Project
from briefkit.render.formats import FORMATS
from briefkit.render.html import render_html
from briefkit.render.templating import edition_environment
from briefkit.render.web import render_edition

CHROMIUM = Path("/usr/bin/chromium")
ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
WIDTHS = (1280, 375)
SAMPLE_LOCALES = ("en", "fr", "ar", "zh_Hans")
UNOFFICIAL = (
    "Unofficial translation. It has not yet been reviewed by a professional translator; the "
    "English original is the authoritative edition."
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), (
        f"{CHROMIUM} is missing: run `scripts/setup.sh --test` (make test does)"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGUMENTS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def html_editions(project: Project) -> list[Path]:
    return sorted(project.dist_dir.glob("*/*.html"))


def open_page(browser: Browser, path: Path, width: int) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri())
    return page


def axe_report(page: Page) -> str:
    results = Axe().run(page)
    return "" if results.violations_count == 0 else results.generate_report()


def test_every_edition_is_published_beside_its_pdf_and_docx(built_sample: Project) -> None:
    dist = built_sample.dist_dir
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    html = [a for a in manifest["artifacts"] if a["format"] == "html"]
    assert [a["path"] for a in html] == [
        f"sample/sample_{code}.html" for code in sorted(SAMPLE_LOCALES)
    ]
    sums = (dist / "SHA256SUMS").read_text(encoding="utf-8")
    for artifact in html:
        data = (dist / artifact["path"]).read_bytes()
        assert artifact["sha256"] == hashlib.sha256(data).hexdigest()
        assert f"{artifact['sha256']}  {artifact['path']}\n" in sums
        assert (artifact["pages"], artifact["cover"]) == (None, None)
    assert FORMATS["html"].media_type == "text/html"


def test_the_download_page_links_each_edition_beside_the_pdf_and_docx(
    browser: Browser, built_sample: Project
) -> None:
    page = open_page(browser, built_sample.dist_dir / "index.html", 1280)
    for code in SAMPLE_LOCALES:
        links = page.eval_on_selector_all(
            f"section#{code} table.downloads a",
            "links => links.map(a => [a.getAttribute('href'), a.getAttribute('type'), a.firstChild.textContent])",
        )
        assert links == [
            [f"sample/sample_{code}.pdf", "application/pdf", "PDF"],
            [
                f"sample/sample_{code}.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "DOCX",
            ],
            [f"sample/sample_{code}.html", "text/html", "HTML"],
        ]
    page.locator("section#fr a[href='sample/sample_fr.html']").click()
    assert page.locator("h1").inner_text() == "Les signalements continuent d’augmenter"
    page.close()


def test_an_edition_loads_nothing_at_all(browser: Browser, built_sample: Project) -> None:
    for path in html_editions(built_sample):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<(link|script|img|iframe|object|embed)\b|@import|url\(", text), path
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda request, seen=requests: seen.append(request.url))
        page.goto(path.as_uri())
        page.wait_for_load_state("networkidle")
        assert requests == [path.as_uri()], path
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation_in_the_sample_editions_and_the_download_page(
    browser: Browser, built_sample: Project, screenshots: Path, width: int
) -> None:
    for path in [*html_editions(built_sample), built_sample.dist_dir / "index.html"]:
        page = open_page(browser, path, width)
        page.screenshot(path=str(screenshots / f"{path.stem}_{width}.png"), full_page=True)
        assert axe_report(page) == "", f"{path.name} at {width} px"
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation_in_the_series_in_every_language(
    browser: Browser, built_series: Project, screenshots: Path, width: int
) -> None:
    editions = html_editions(built_series)
    assert len(editions) == 4 * 6
    for path in [*editions, built_series.dist_dir / "index.html"]:
        page = open_page(browser, path, width)
        if path.stem.startswith("overview_"):
            page.screenshot(
                path=str(screenshots / f"series_{path.stem}_{width}.png"), full_page=True
            )
        assert axe_report(page) == "", f"{path.name} at {width} px"
        page.close()


def test_nothing_scrolls_sideways_at_320_px(
    browser: Browser, built_sample: Project, built_series: Project
) -> None:
    for path in [*html_editions(built_sample), *html_editions(built_series)]:
        page = open_page(browser, path, 320)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths == [320, 320], path.name
        page.close()


def test_each_edition_says_its_language_and_direction(
    browser: Browser, built_sample: Project
) -> None:
    expected = {"en": "ltr", "fr": "ltr", "ar": "rtl", "zh_Hans": "ltr"}
    for code, direction in expected.items():
        page = open_page(browser, built_sample.dist_dir / "sample" / f"sample_{code}.html", 1280)
        lang = code.replace("_", "-")
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
            lang,
            direction,
        ]
        assert page.evaluate("getComputedStyle(document.body).direction") == direction
        # Source names and titles stay in English, isolated and marked so.
        assert page.eval_on_selector_all(
            ".sources bdi", "nodes => nodes.map(n => [n.lang, n.dir])"
        ) == [["en", "ltr"]]
        page.close()


def test_the_arabic_edition_reads_right_to_left(browser: Browser, built_sample: Project) -> None:
    page = open_page(browser, built_sample.dist_dir / "sample" / "sample_ar.html", 1280)
    body = page.locator("main").bounding_box()
    title = page.evaluate(
        "(() => { const r = document.createRange(); r.selectNodeContents(document.querySelector('h1'));"
        " const b = r.getBoundingClientRect(); return [b.left, b.right]; })()"
    )
    assert body is not None
    assert abs(title[1] - (body["x"] + body["width"])) < 2  # the title starts at the right edge
    # Chart rows: the label on the right, the bar growing leftwards from it, the value last.
    label = page.locator("table.chart-bars tr").nth(1).locator("th").bounding_box()
    track = page.locator("table.chart-bars tr").nth(1).locator(".bar-track").bounding_box()
    bar = page.locator("table.chart-bars tr").nth(1).locator(".bar").bounding_box()
    value = page.locator("table.chart-bars tr").nth(1).locator(".value").bounding_box()
    assert label and track and bar and value
    assert label["x"] > track["x"] > value["x"]
    assert abs((bar["x"] + bar["width"]) - (track["x"] + track["width"])) < 1
    page.close()


def test_keyboard_focus_reaches_every_link_and_is_visible(
    browser: Browser, built_sample: Project
) -> None:
    page = open_page(browser, built_sample.dist_dir / "sample" / "sample_fr.html", 375)
    links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert links == ["https://example.org/report", "https://example.org/report"]
    reached = []
    for _ in links:
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return [e.getAttribute('href'), s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; })()"
        )
        reached.append(focused[0])
        assert focused[1] == "solid" and focused[2] >= 3, focused  # a 3 px ring, not the default
    assert reached == links
    page.close()


def test_a_chart_is_a_data_table_with_its_description_and_source(
    browser: Browser, built_sample: Project
) -> None:
    page = open_page(browser, built_sample.dist_dir / "sample" / "sample_fr.html", 1280)
    figure = page.locator("figure.chart")
    assert figure.locator("figcaption").inner_text() == "Signalements, 2021 et 2022"
    rows = figure.locator("tr").evaluate_all(
        "rows => rows.map(r => [r.querySelector('th').getAttribute('scope'), r.querySelector('th').innerText, r.querySelector('td').innerText])"
    )
    assert rows == [["row", "2021", "139"], ["row", "2022", "10\u202f000"]]
    description = page.locator("#chart-growth-description").inner_text()
    assert (
        description
        == "Diagramme en barres\u202f: les signalements sont passés de 139 à 10\u202f000"
    )
    assert figure.get_attribute("aria-describedby") == "chart-growth-description"
    assert figure.locator(".bar-track").first.get_attribute("aria-hidden") == "true"
    # The sample's French templates.po translates the source line (commit 4f8341c), with the
    # no-break space French puts before a colon.
    assert (
        figure.locator(".chart-source").inner_text() == "Source\u00a0: Example Organisation (2023)"
    )
    page.close()


def notices(html: str) -> list[str]:
    """Return the text of the cover's edition line and notices, tags removed."""
    found = re.findall(r'<p class="(?:notice|edition)"[^>]*>(.*?)</p>', html, re.DOTALL)
    return [re.sub(r"<[^>]+>", "", text).strip() for text in found]


def test_drafts_carry_the_pdfs_notices_and_the_original_does_not(sample: Project) -> None:
    localised = localise_editions(sample, load_sources(sample))
    for edition in localised.editions:
        web = render_edition(sample, edition).decode("utf-8")
        env = edition_environment(sample.templates_dir, edition)
        pdf = render_html(edition.brief, env, sample.locale("en"))
        assert notices(web) == notices(pdf), edition.what
        assert len(notices(web)) == (0 if edition.brief.locale.code == "en" else 2), edition.what
    french = render_edition(sample, next(e for e in localised.editions if e.what == "sample fr"))
    # The sample's French templates.po leaves both in English: marked as such.
    english = '<span lang="en" dir="ltr">'
    assert f'<p class="notice" role="note">{english}{UNOFFICIAL}</span></p>' in french.decode()
    assert (
        f'<p class="edition">{english}français edition · Original: anglais</span></p>'
        in french.decode()
    )


def test_print_shows_link_addresses_and_keeps_charts_whole(
    browser: Browser, built_sample: Project
) -> None:
    page = open_page(browser, built_sample.dist_dir / "sample" / "sample_en.html", 1280)
    page.emulate_media(media="print")
    after = page.evaluate("getComputedStyle(document.querySelector('.body a'), '::after').content")
    assert after == '" (https://example.org/report)"'
    assert (
        page.evaluate("getComputedStyle(document.querySelector('figure.chart')).breakInside")
        == "avoid"
    )
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.key-messages')).backgroundColor")
        == "rgba(0, 0, 0, 0)"
    )
    assert page.pdf(format="A4").startswith(b"%PDF-")
    page.close()


def test_the_edition_is_byte_reproducible(sample: Project) -> None:
    localised = localise_editions(sample, load_sources(sample), ("ar",))
    edition = localised.editions[0]
    assert render_edition(sample, edition) == render_edition(sample, edition)


def test_raw_html_in_a_brief_is_shown_as_text_and_runs_nothing(sample: Project) -> None:
    brief = sample.briefs_dir / "sample.md"
    brief.write_text(
        brief.read_text(encoding="utf-8")
        + '\n<script>alert(1)</script> <img src="https://example.org/x.png">\n',
        encoding="utf-8",
    )
    sources = load_sources(sample)
    assert not sources.failures, [str(f.error) for f in sources.failures]
    localised = localise_editions(sample, sources, ("en",))
    html = render_edition(sample, localised.editions[0]).decode("utf-8")
    # In element content a quotation mark needs no escaping; the angle brackets do.
    escaped = '&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src="https://example.org/x.png"&gt;'
    assert escaped in html
    assert "<script" not in html and "<img" not in html
