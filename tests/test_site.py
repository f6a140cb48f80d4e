"""The download page (dist/index.html) in a real browser: headless Chromium through Playwright,
opened from the file system as a reader who downloaded dist/ would open it.

Screenshots go to $SCREENSHOTS (default: the test's temporary folder); look at them.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from briefkit.project import Project

CHROMIUM = Path("/usr/bin/chromium")
ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# WCAG 2.1 luminance contrast of a text's colour against the first opaque background behind it.
CONTRAST = """element => {
  const rgb = text => text.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  let back = element;
  while (back && (rgb(getComputedStyle(back).backgroundColor)[3] === 0)) back = back.parentElement;
  const bg = back ? rgb(getComputedStyle(back).backgroundColor) : [255, 255, 255];
  const [a, b] = [lum(rgb(getComputedStyle(element).color)), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), (
        f"{CHROMIUM} is missing: run `scripts/setup.sh --test` (make test does)"
    )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGUMENTS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, built_sample: Project) -> Iterator[Page]:
    opened = browser.new_page(viewport={"width": 1200, "height": 900})
    opened.goto((built_sample.dist_dir / "index.html").as_uri())
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def attribute_values(page: Page, selector: str, name: str) -> list[str]:
    values: list[str] = page.eval_on_selector_all(
        selector, f"nodes => nodes.map(n => n.getAttribute('{name}'))"
    )
    return values


def test_every_link_and_picture_leads_to_a_file_of_the_release(
    page: Page, built_sample: Project
) -> None:
    dist = built_sample.dist_dir
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    checksums = {entry["path"]: entry["sha256"] for entry in manifest["artifacts"]}
    links = attribute_values(page, "a[href]", "href")
    files = [link for link in links if not link.startswith("#")]
    assert all(":" not in link and not link.startswith("/") for link in files)  # relative only
    assert set(checksums) <= set(files)
    for link in files:
        data = (dist / link).read_bytes()
        if link in checksums:
            assert hashlib.sha256(data).hexdigest() == checksums[link], link
    for anchor in (link for link in links if link.startswith("#")):
        assert page.locator(anchor).count() == 1, anchor
    covers = page.eval_on_selector_all(
        "img", "images => images.map(i => [i.getAttribute('src'), i.complete && i.naturalWidth])"
    )
    assert len(covers) == 4
    assert all(width and width > 100 for _, width in covers), covers
    for link in ("SHA256SUMS", "manifest.json"):  # followed in the browser itself
        page.locator(f"a[href='{link}']").click()
        assert page.url == (dist / link).as_uri()
        assert "sample/sample_fr.pdf" in page.locator("body").inner_text()
        page.go_back()


def test_each_language_block_carries_its_language_and_direction(page: Page) -> None:
    blocks = page.eval_on_selector_all(
        "section.language",
        "nodes => nodes.map(n => [n.id, n.lang, n.dir, getComputedStyle(n).direction])",
    )
    assert blocks == [
        ["en", "en", "ltr", "ltr"],
        ["fr", "fr", "ltr", "ltr"],
        ["ar", "ar", "rtl", "rtl"],
        ["zh_Hans", "zh-Hans", "ltr", "ltr"],
    ]
    assert page.locator("#ar h3").inner_text() == "البلاغات مستمرة في الارتفاع"
    assert page.locator("#fr th[scope=col]").all_inner_texts() == ["Format", "Taille", "Pages"]


def test_the_arabic_block_is_laid_out_right_to_left(page: Page) -> None:
    section = page.locator("#ar").bounding_box()
    heading = page.eval_on_selector(
        "#ar h2",
        "h => { const r = document.createRange(); r.selectNodeContents(h);"
        " const b = r.getBoundingClientRect(); return {x: b.x, right: b.right}; }",
    )
    assert section is not None
    section_right = section["x"] + section["width"]
    assert abs(heading["right"] - section_right) < 2  # the text starts at the right edge
    assert heading["x"] > section["x"] + section["width"] / 2
    cover = page.locator("#ar img.cover").bounding_box()
    details = page.locator("#ar .details").bounding_box()
    assert cover is not None and details is not None
    assert cover["x"] > details["x"]  # the cover comes first, on the right


def test_a_string_not_yet_translated_is_marked_as_english(page: Page) -> None:
    # The Chinese sample translates the table's columns but not its caption or the cover's alt.
    assert page.locator("#zh_Hans caption span[lang=en]").first.inner_text() == "Downloads"
    assert attribute_values(page, "#zh_Hans img.cover", "lang") == ["en"]
    assert attribute_values(page, "#fr img.cover", "alt") == ["Page de couverture du PDF"]
    assert attribute_values(page, "#fr img.cover", "lang") == [None]


def test_the_switcher_names_each_language_in_itself_and_jumps_to_it(page: Page) -> None:
    names = page.eval_on_selector_all(
        "nav.switcher a",
        "links => links.map(a => [a.getAttribute('href'), a.querySelector('[lang]').lang, a.querySelector('[lang]').textContent])",
    )
    assert names == [
        ["#en", "en", "English"],
        ["#fr", "fr", "Français"],
        ["#ar", "ar", "العربية"],
        ["#zh_Hans", "zh-Hans", "中文 (简体)"],
    ]
    page.locator("nav.switcher a[href='#ar']").click()
    assert page.url.endswith("#ar")


def test_keyboard_reaches_every_link_with_a_visible_focus_ring(page: Page) -> None:
    links = page.locator("a[href]").count()
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.textContent")
    assert first == "Skip to the briefs"
    seen = 1
    for _ in range(links - 1):
        page.keyboard.press("Tab")
        focused: dict[str, Any] = page.evaluate(
            "(() => { const e = document.activeElement, s = getComputedStyle(e);"
            " return {tag: e.tagName, outline: s.outlineStyle, width: s.outlineWidth}; })()"
        )
        assert focused["tag"] == "A"
        assert focused["outline"] != "none" and focused["width"] != "0px"
        seen += 1
    assert seen == links


def test_headings_alt_texts_contrast_and_no_script(page: Page) -> None:
    levels = page.eval_on_selector_all("h1, h2, h3", "hs => hs.map(h => Number(h.tagName[1]))")
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels))
    assert all(alt for alt in attribute_values(page, "img", "alt"))
    for selector in (
        "body",
        ".lead",
        ".subtitle",
        ".notice",
        ".status",
        "a",
        "thead th",
        "caption",
    ):
        for ratio in page.eval_on_selector_all(selector, f"nodes => nodes.map({CONTRAST})"):
            assert ratio >= 4.5, (selector, ratio)
    assert page.locator("script").count() == 0  # works with scripts off, and from file://


def test_screenshots_for_a_person_to_look_at(
    browser: Browser, built_sample: Project, screenshots: Path
) -> None:
    for name, width in (("download-page", 1200), ("download-page-narrow", 390)):
        shot = browser.new_page(viewport={"width": width, "height": 900})
        shot.goto((built_sample.dist_dir / "index.html").as_uri())
        path = screenshots / f"{name}.png"
        shot.screenshot(path=str(path), full_page=True)
        shot.close()
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_title_not_yet_translated_is_marked_in_the_source_language(built_sample: Project) -> None:
    from dataclasses import replace

    from briefkit.release.manifest import read_manifest
    from briefkit.release.site import render_site

    manifest = read_manifest(built_sample.dist_dir / "manifest.json")
    english = next(e.title for e in manifest.artifacts if e.locale == "en")
    untranslated = replace(
        manifest,
        artifacts=tuple(
            replace(e, title=english) if e.locale == "ar" else e for e in manifest.artifacts
        ),
    )
    page = render_site(
        untranslated, built_sample.templates_dir, lambda code: ({}, set()), built_sample.dist_dir
    )
    assert f'<h3 id="ar-sample-title" lang="en" dir="auto">{english}</h3>' in page
    assert '<h3 id="fr-sample-title">Les signalements continuent d’augmenter</h3>' in page
