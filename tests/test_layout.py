"""The page layout in every script, measured on WeasyPrint's laid-out boxes (not on pixels)."""

from __future__ import annotations

from pathlib import Path

import pytest
import weasyprint
from pdf_layout import faults
from weasyprint.formatting_structure import boxes

from briefkit.pipeline import Request, build
from briefkit.project import Project
from briefkit.render.html import render_html
from briefkit.render.templating import template_environment

ROOT = Path(__file__).resolve().parent.parent
CSS = ROOT / "templates" / "pdf"
# Closing punctuation never starts a Chinese line; opening punctuation never ends one.
NO_LINE_START = "，。、；：？！）】》」』”’"
NO_LINE_END = "（【《「『“‘"
HEADINGS = ("h1", "h2", "h3", "h4")


def page(html_body: str, lang: str, width: str = "60mm") -> weasyprint.Document:
    html = (
        f'<html lang="{lang}"><head><link rel="stylesheet" href="brief.css">'
        f"<style>@page {{ size: {width} 200mm; margin: 5mm }}</style></head>"
        f"<body>{html_body}</body></html>"
    )
    return weasyprint.HTML(string=html, base_url=str(CSS) + "/").render()


def lines(document: weasyprint.Document) -> list[str]:
    found = []
    for p in document.pages:
        for box in p._page_box.descendants():
            if isinstance(box, boxes.LineBox):
                found.append(
                    "".join(t.text for t in box.descendants() if isinstance(t, boxes.TextBox))
                )
    return [line.strip() for line in found if line.strip()]


_LAID_OUT: dict[tuple[str, str, str], weasyprint.Document] = {}


def series_document(project: Project, locale: str, slug: str) -> weasyprint.Document:
    """Return a series edition laid out, once per session (the series copy is never changed)."""
    key = (str(project.root), locale, slug)
    if key not in _LAID_OUT:
        _LAID_OUT[key] = edition_document(project, locale, slug)
    return _LAID_OUT[key]


def edition_document(project: Project, locale: str, slug: str) -> weasyprint.Document:
    edition = next(
        e
        for e in build(
            project, Request(briefs=(slug,), locales=(locale,), formats=(), allow_partial=True)
        ).editions
    )
    env = template_environment(project.templates_dir, lambda text: edition.ui.get(text, text))
    html = render_html(edition.brief, env, project.locale(project.source_locale))
    return weasyprint.HTML(string=html, base_url=str(project.templates_dir / "pdf") + "/").render()


def overflowing(document: weasyprint.Document) -> list[str]:
    """Return the text of every box that sticks out of its page's content area."""
    out = []
    for p in document.pages:
        page_box = p._page_box
        left = page_box.content_box_x()
        right = left + page_box.width
        for box in page_box.descendants():
            outside = box.position_x < left - 0.5 or box.position_x + box.width > right + 0.5
            if isinstance(box, boxes.TextBox) and box.width and outside:
                out.append(box.text)
    return out


def test_chinese_lines_never_start_with_closing_punctuation() -> None:
    sentence = "据报告，自2019年以来，举报数量增加了87%。儿童（7–10岁）受到影响；“自我生成”的图像、视频和直播增长最快！"
    found = lines(page(f"<p>{sentence * 12}</p>", "zh-Hans", width="52mm"))
    assert len(found) > 30
    assert [line for line in found if line[0] in NO_LINE_START] == []
    assert [line for line in found if line[-1] in NO_LINE_END] == []


HYPHENATED = {
    "fr": "Les gouvernements doivent harmoniser internationalement leurs législations extraterritoriales "
    "concernant l’exploitation sexuelle des enfants en ligne.",
    "es": "Los gobiernos deben armonizar internacionalmente sus legislaciones extraterritoriales "
    "relativas a la explotación sexual infantil en línea.",
    "ru": "Правительства должны гармонизировать экстерриториальное законодательство относительно "
    "сексуальной эксплуатации детей в интернете.",
}


@pytest.mark.parametrize("lang", list(HYPHENATED))
def test_latin_and_cyrillic_text_is_hyphenated_in_its_own_language(lang: str) -> None:
    hyphenated = [
        line
        for line in lines(page(f"<p>{HYPHENATED[lang]}</p>", lang, "45mm"))
        if line.endswith("‐")
    ]
    assert hyphenated, lang
    # Without the language there is no dictionary, hence no hyphen: the `lang` is what does it.
    assert not [
        line
        for line in lines(page(f"<p>{HYPHENATED[lang]}</p>", "xx", "45mm"))
        if line.endswith("‐")
    ]


def test_headings_are_never_hyphenated() -> None:
    words = "Internationalement extraterritoriales législations"
    assert [line for line in lines(page(f"<p>{words}</p>", "fr", "40mm")) if line.endswith("‐")]
    for tag in ("h1", "h2", "h3"):
        laid_out = lines(page(f"<{tag}>{words}</{tag}>", "fr", "40mm"))
        assert not [line for line in laid_out if line.endswith("‐")], tag


@pytest.mark.parametrize("locale", ["en", "fr", "es", "ru", "ar", "zh_Hans"])
def test_no_heading_is_left_alone_at_the_foot_of_a_page(built_series: Project, locale: str) -> None:
    for path in built_series.brief_paths():
        document = series_document(built_series, locale, path.stem)
        for number, p in enumerate(document.pages[:-1], start=1):
            blocks = [
                b
                for b in p._page_box.descendants()
                if isinstance(b, boxes.BlockBox)
                and b.element_tag in (*HEADINGS, "p", "li", "table", "figure")
            ]
            assert blocks[-1].element_tag not in HEADINGS, (path.stem, locale, number)


GROWN = {
    "Reports keep rising": "Les signalements d’abus sexuels sur enfants en ligne continuent "
    "d’augmenter chaque année dans presque toutes les régions du monde",
    "A test brief for the pipeline": "Un dossier d’essai rédigé pour vérifier la chaîne de "
    "publication, du texte source jusqu’aux éditions traduites",
    "Reports rose by {{ rise }} since 2019.": "Le nombre de signalements transmis aux autorités "
    "compétentes a augmenté de {{ rise }} depuis 2019, selon les données les plus récentes.",
}


def test_text_grown_by_a_third_stays_inside_the_cover_and_the_box(
    sample: Project,
) -> None:
    from babel.messages.pofile import read_po, write_po

    path = sample.translations_dir / "fr" / "LC_MESSAGES" / "sample.po"
    with path.open("rb") as stream:
        catalog = read_po(stream, locale="fr")
    for message in catalog:
        if message.id in GROWN:
            assert len(GROWN[message.id]) >= 1.3 * len(str(message.string or message.id))
            message.string = GROWN[message.id]
    with path.open("wb") as stream:
        write_po(stream, catalog)
    document = edition_document(sample, "fr", "sample")
    assert overflowing(document) == []
    first = document.pages[0]._page_box
    tags = {b.element_tag for b in first.descendants() if isinstance(b, boxes.BlockBox)}
    assert {"header", "section"} <= tags  # the cover band and the key-messages box stay on page 1
    box = next(b for b in first.descendants() if getattr(b, "element_tag", "") == "section")
    assert box.element.get("class") == "key-messages"
    items = {b.element for b in box.descendants() if getattr(b, "element_tag", "") == "li"}
    assert len(items) == 2


@pytest.mark.parametrize("locale", ["en", "fr", "es", "ru", "ar", "zh_Hans"])
def test_nothing_overflows_a_page_in_the_series(built_series: Project, locale: str) -> None:
    for path in built_series.brief_paths():
        assert overflowing(series_document(built_series, locale, path.stem)) == [], path.stem


@pytest.mark.parametrize("locale", ["en", "fr", "ru", "ar", "zh_Hans"])
def test_tables_and_charts_are_not_split_across_pages(built_series: Project, locale: str) -> None:
    for path in built_series.brief_paths():
        document = series_document(built_series, locale, path.stem)
        pages_of: dict[int, set[int]] = {}
        for number, p in enumerate(document.pages):
            for box in p._page_box.descendants():
                if getattr(box, "element_tag", None) in ("table", "figure"):
                    pages_of.setdefault(id(box.element), set()).add(number)
        assert pages_of, path.stem
        assert [pages for pages in pages_of.values() if len(pages) > 1] == [], path.stem


# --- Typesetting as a publisher would (issue 15): measured on the built PDFs themselves ---------


@pytest.mark.parametrize("locale", ["en", "fr", "es", "ru", "ar", "zh_Hans"])
def test_every_built_pdf_is_set_without_layout_faults(built_series: Project, locale: str) -> None:
    """Paragraphs ending on a fragment, fragments of two letters, hyphens across a page turn,
    single characters on a Chinese last line, editions over their target or ending on a page
    under a quarter full, and holes over 15 % of a page: all must be 0."""
    from briefkit.sources.brief import load_brief

    checked = 0
    for path in built_series.brief_paths():
        target = load_brief(path).pages
        assert target == 4, path.stem  # the series declares its length
        pdf = built_series.dist_dir / path.stem / f"{path.stem}_{locale}.pdf"
        found = {kind: where for kind, where in faults(pdf, target).items() if where}
        assert found == {}, (pdf.name, found)
        checked += 1
    assert checked == 4


def _proof(html_body: str, lang: str, css: str, tmp_path: Path) -> Path:
    html = (
        f'<html lang="{lang}"><head><style>@page {{ size: A4; margin: 22mm 20mm 24mm }}'
        f"body {{ font: 10.5pt/1.5 'Noto Sans' }} {css}</style></head><body>{html_body}</body></html>"
    )
    out = tmp_path / "proof.pdf"
    weasyprint.HTML(string=html).write_pdf(out)
    return out


def test_the_fault_count_sees_what_the_issue_reported(tmp_path: Path) -> None:
    """The measure is not blind: loose hyphenation, a short last page and a hole are counted."""
    # Soft hyphens break where the issue saw it (`ex-/ploit`, `spend-/ing.`).
    body = (
        '<p style="width: 16mm">ex&shy;ploitation</p>'
        '<p style="width: 47mm">Governments must stop online child sexual spend&shy;ing.</p>'
    )
    loose = faults(_proof(body, "en", "p { margin: 0 0 5mm }", tmp_path), 4)
    assert loose["fragment of two letters or fewer"] == ["p1: ex‐ploitation"]
    assert loose["paragraph ends on a hyphenated fragment"] == [
        "p1: ex‐ploitation",
        "p1: spend‐ing.",
    ]
    holes = "<p>One line.</p><p style='break-before: page'>Another.</p><p>More.</p>" * 5
    spread = faults(_proof(holes, "en", "", tmp_path), 4)
    assert spread["page over 15 % empty before the next"]
    assert spread["over the page target"] == ["6 pages for 4"]
    assert spread["last page under a quarter full"]
    # Twenty characters fill a line of twenty ems: the twenty-first goes alone on the next.
    chinese = "<p style='width: 210pt; font-family: \"Noto Sans CJK SC\"'>" + "的" * 20 + "洞。</p>"
    zh = faults(_proof(chinese, "zh-Hans", "", tmp_path), None)
    assert zh["single-character last line in Chinese"] == ["p1: 洞。"]


def test_the_typesetting_rules_mark_what_css_cannot_say() -> None:
    from briefkit.l10n.typesetting import Setting, set_text

    en = Setting("en")
    assert set_text("self-generated imagery rose", en, last=False) == (
        '<span class="nohyphen">self-generated</span> imagery rose'
    )
    assert set_text("children at risk of exploitation.", en, last=True) == (
        'children at risk of <span class="nohyphen">exploitation.</span>'
    )
    # A word too short to be hyphenated (brief.css: 7 letters) needs no mark.
    assert set_text("children at risk of abuse.", en, last=True) == "children at risk of abuse."
    assert set_text("32 million reports", en, last=False) == "32\u00a0million reports"
    assert set_text("Отчёты о насилии в сети — рост", Setting("ru"), last=False) == (
        "Отчёты о\u00a0насилии в\u00a0сети\u00a0— рост"
    )
    assert set_text("niños y niñas o adultos", Setting("es"), last=False) == (
        "niños y\u00a0niñas o\u00a0adultos"
    )
    assert set_text("governments", en.with_no_hyphen({"governments"}), last=False) == (
        '<span class="nohyphen">governments</span>'
    )
    # Chinese: the paragraph's last two characters stay together; `》（` is set closer.
    assert set_text("《评估》（2023年）指出漏洞。", Setting("zh"), last=True) == (
        '《评估<span class="halt">》</span>（2023年）指出<span class="keep">漏洞。</span>'
    )
    # A number is never split by the mark: the text layer must keep 102 whole.
    assert (
        set_text("成员国有102。", Setting("zh"), last=True)
        == '成员国<span class="keep">有102。</span>'
    )
    assert (
        set_text("超过10,000份", Setting("zh"), last=True)
        == '超过<span class="keep">10,000份</span>'
    )


def test_weasyprint_does_not_justify_chinese_so_it_is_set_ragged() -> None:
    """Why Chinese is not justified: WeasyPrint 70 stretches only spaces (U+0020, U+00A0), and a
    Chinese line has none, so `text-align: justify` leaves its lines as ragged as before. If this
    test fails, WeasyPrint has learnt inter-character justification: justify Chinese then."""
    sentence = (
        "据报告，自2019年以来，举报数量增加了87%。儿童（7–10岁）受到影响；视频和直播增长最快！"
    )

    def ends(align: str) -> list[float]:
        document = page(f'<p style="text-align: {align}">{sentence * 6}</p>', "zh-Hans", "52mm")
        found = []
        for box in document.pages[0]._page_box.descendants():
            if isinstance(box, boxes.LineBox):
                texts = [t for t in box.descendants() if isinstance(t, boxes.TextBox)]
                found.append(round(max(t.position_x + t.width for t in texts), 1))
        return found[:-1]

    assert ends("justify") == ends("start")
    assert max(ends("start")) - min(ends("start")) > 5  # ragged: lines end at different places


def test_arabic_pdfs_ask_viewers_to_page_right_to_left(built_series: Project) -> None:
    import pikepdf

    for locale, direction in (("ar", "/R2L"), ("en", None)):
        pdf = built_series.dist_dir / "overview" / f"overview_{locale}.pdf"
        with pikepdf.open(pdf) as document:
            preferences = document.Root.get("/ViewerPreferences", {})
            assert preferences.get("/Direction") == direction, locale
            assert preferences.get("/DisplayDocTitle") is not None  # PDF/UA's own stays


def test_an_edition_that_cannot_fit_its_target_fails_with_how_much_is_over(
    sample: Project,
) -> None:
    """A brief grown to two pages but declared as one: the fitter tightens it as far as it may,
    then the artifact fails, naming the brief and how many pages it runs over."""
    import re

    from briefkit.pipeline import Request, build

    path = sample.briefs_dir / "sample.md"
    text = path.read_text(encoding="utf-8").replace("number: 1\n", "number: 1\npages: 1\n", 1)
    more = "\n".join(
        f"Paragraph {n} of a brief that has grown too long for one page." for n in range(60)
    )
    path.write_text(text + "\n" + more.replace("\n", "\n\n") + "\n", encoding="utf-8")
    report = build(sample, Request(locales=("en",), formats=("pdf",)))
    [failure] = report.failures
    message = str(failure.error)
    found = re.fullmatch(
        r".*briefs/sample\.md: sample en pdf: (\d\.\d\d) pages over the target of 1 after "
        r"fitting \(shorten the text, or raise `pages:` in the brief's front matter\)",
        message,
    )
    assert found, message
    assert float(found.group(1)) > 0


def _made_up_layout(
    monkeypatch: pytest.MonkeyPatch, fits_from: int, *, broken_at: int | None = None
) -> tuple[list[tuple[int, dict[int, int], frozenset[str]]], object]:
    """Return a log of the fitter's layouts and a lay_out whose edition runs onto a fifth page,
    0.6 of it, below step `fits_from`; float 0 leaves a hole until it is moved, and the layout
    at step `broken_at` hyphenates "word" across a page turn."""
    import briefkit.render.fit as fit_module
    from briefkit.render.fit import STEPS, Measure, step_css

    steps = {step_css(step, "en"): step for step in STEPS}
    calls: list[tuple[int, dict[int, int], frozenset[str]]] = []

    def lay_out(css: str, deferred: dict[int, int], no_hyphen: frozenset[str]) -> Measure:
        step = steps[css]
        calls.append((step, dict(deferred), no_hyphen))
        return Measure(
            pages=4 if step >= fits_from else 5,
            last_page_fill=0.6,
            holes=() if deferred else ((1, 0, 0.3),),
            broken_at_turn=("word",) if step == broken_at and "word" not in no_hyphen else (),
        )

    monkeypatch.setattr(fit_module, "measure_document", lambda document: document)
    return calls, lay_out


def test_the_fitter_guesses_the_step_then_backs_off_to_the_least_that_fits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """0.6 of a page over: the guess is step 4; steps 3 and 2 still fit, step 1 does not, so
    step 2 is kept. The hole the first layout shows moves float 0 below a block."""
    from briefkit.render.fit import fit, guess_step

    assert guess_step(0.6) == 4
    calls, lay_out = _made_up_layout(monkeypatch, fits_from=2)
    fitted = fit(lay_out, "en", 4)  # type: ignore[arg-type]
    assert [(step, deferred) for step, deferred, _ in calls] == [
        (0, {}),
        (4, {0: 1}),
        (3, {0: 1}),
        (2, {0: 1}),
        (1, {0: 1}),
    ]
    assert (fitted.step, fitted.deferred, fitted.layouts, fitted.problems) == (2, {0: 1}, 5, ())


def test_the_fitter_sets_tighter_a_step_at_a_time_when_the_guess_is_still_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nothing looser than a step that was over is tried again."""
    from briefkit.render.fit import fit

    calls, lay_out = _made_up_layout(monkeypatch, fits_from=5)
    fitted = fit(lay_out, "en", 4)  # type: ignore[arg-type]
    assert [step for step, _, _ in calls] == [0, 4, 5]
    assert (fitted.step, fitted.problems) == (5, ())


def test_the_fitter_keeps_only_the_remedies_of_a_layout_it_keeps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A word broken across a page turn in a looser layout that is over the target is not set
    unhyphenated in the layout kept; one broken in the layout kept is, and it is laid out again."""
    from briefkit.render.fit import fit

    calls, lay_out = _made_up_layout(monkeypatch, fits_from=4, broken_at=3)
    fitted = fit(lay_out, "en", 4)  # type: ignore[arg-type]
    assert [(step, sorted(no_hyphen)) for step, _, no_hyphen in calls] == [
        (0, []),
        (4, []),
        (3, []),
    ]
    assert (fitted.step, fitted.no_hyphen, fitted.problems) == (4, frozenset(), ())

    calls, lay_out = _made_up_layout(monkeypatch, fits_from=3, broken_at=3)
    fitted = fit(lay_out, "en", 4)  # type: ignore[arg-type]
    assert [(step, sorted(no_hyphen)) for step, _, no_hyphen in calls] == [
        (0, []),
        (4, []),
        (3, []),
        (2, ["word"]),  # over: back to step 3, with what its own layout called for
        (3, ["word"]),
    ]
    assert (fitted.step, fitted.no_hyphen, fitted.problems) == (3, frozenset({"word"}), ())


def test_the_fitter_lays_the_same_html_out_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A remedy that leaves the HTML as it was (here: every move of a float) costs no layout:
    the fitter decides again on the document it has."""
    from types import SimpleNamespace

    import briefkit.render.fit as fit_module
    import briefkit.render.html as html_module
    from briefkit.render.fit import Measure, fit_brief

    def render_html(*args: object, fit_css: str, **kwargs: object) -> str:
        return f"<style>{fit_css}</style>"  # the float's place does not show

    laid_out: list[str] = []

    def lay_out(html: str) -> Measure:
        laid_out.append(html)
        return Measure(pages=4, last_page_fill=0.6, holes=((1, 0, 0.3),), broken_at_turn=())

    monkeypatch.setattr(html_module, "render_html", render_html)
    monkeypatch.setattr(fit_module, "measure_document", lambda document: document)
    brief = SimpleNamespace(locale=SimpleNamespace(language="en"), pages=4)
    fitted = fit_brief(brief, None, None, lay_out)  # type: ignore[arg-type]
    # At step 0 the float is moved five times (below 1, 2, 3 blocks, above 1, 2), each time the
    # same HTML; then each tighter step is one new HTML, until MAX_LAYOUTS decisions are made.
    assert fitted.layouts == fit_module.MAX_LAYOUTS
    assert len(laid_out) == len(set(laid_out)) == fit_module.MAX_LAYOUTS - 5
