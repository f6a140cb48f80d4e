from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from briefkit.catalogs.po import po_path, read_catalog, write_catalog
from briefkit.errors import BriefkitError, ErrorList
from briefkit.pipeline import Request, build
from briefkit.project import Project, load_project


def set_translation(project: Project, locale: str, msgid: str, msgstr: str) -> None:
    path = po_path(project.translations_dir, locale, "sample")
    catalog = read_catalog(path, locale)
    catalog[msgid].string = msgstr
    write_catalog(path, catalog)


def failure_messages(project: Project, **request: object) -> list[str]:
    report = build(load_project(project.root), Request(formats=(), **request))  # type: ignore[arg-type]
    return [str(f.error) for f in report.failures]


def test_undefined_figure_names_the_brief_line(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    path = sample.briefs_dir / "sample.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("{{ escalation }}", "{{ escalaton }}"),
        encoding="utf-8",
    )
    assert failure_messages(sample, locales=("en",)) == [
        "briefs/sample.md:20: undefined figure 'escalaton' (add it under `figures:` in sample.yaml or fix the name)"
    ]


def test_template_code_in_the_source_is_refused(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    path = sample.briefs_dir / "sample.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("## Context", "## Context {% if x %}"),
        encoding="utf-8",
    )
    assert failure_messages(sample, locales=("en",)) == [
        "briefs/sample.md:15: template syntax that is not a placeholder: 'Context {% if x %}' "
        "(write figures as {{ figure_id }} or {{ figure_id.year }}; other template code is not allowed)"
    ]


def test_a_translation_missing_a_placeholder_names_the_po_line(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    set_translation(sample, "fr", "Escalation can take {{ escalation }}.", "L’escalade est rapide.")
    line = read_catalog(po_path(sample.translations_dir, "fr", "sample"))[
        "Escalation can take {{ escalation }}."
    ].lineno
    assert failure_messages(sample, locales=("fr",)) == [
        f"translations/fr/LC_MESSAGES/sample.po:{line}: placeholder {{{{ escalation }}}} missing from the translation: "
        '"L’escalade est rapide." (copy {{ escalation }} from the msgid into the msgstr)'
    ]


def test_a_translation_cannot_run_template_code(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    set_translation(sample, "fr", "Context", "{{ ''.__class__ }}")
    [message] = failure_messages(sample, locales=("fr",))
    assert "template syntax that is not a placeholder: \"{{ ''.__class__ }}\"" in message


def test_untranslated_entries_fall_back_to_english(sample: Project) -> None:
    report = build(sample, Request(locales=("zh_Hans",), formats=()))
    brief = report.editions[0].brief
    assert brief.title == "举报数量持续上升"
    assert "Children aged 7–10 are affected." in brief.body
    assert brief.coverage.fallback > 0


def test_errors_are_reported_together(tmp_path: Path) -> None:
    error = ErrorList(
        (
            BriefkitError("one", path="a.md", line=1),
            BriefkitError("two", path="b.md", line=2, fix="fix it"),
        )
    )
    assert str(error) == "a.md:1: one\nb.md:2: two (fix it)"


def test_a_character_no_pinned_font_covers_names_locale_entry_and_code_point(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    set_translation(sample, "fr", "Context", "Contexte \U0001f600")
    line = read_catalog(po_path(sample.translations_dir, "fr", "sample"))["Context"].lineno
    assert failure_messages(sample, locales=("fr",)) == [
        f"translations/fr/LC_MESSAGES/sample.po:{line}: locale fr: no pinned font (Noto Sans, Noto Sans Arabic, "
        "Noto Sans CJK SC) covers U+1F600 GRINNING FACE in “Contexte \U0001f600” "
        "(replace the character, or add a font that covers it to templates/fonts.yaml)"
    ]


def test_the_source_text_is_checked_for_glyphs_too(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    path = sample.briefs_dir / "sample.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("## Context", "## Context \U0001f98a"),
        encoding="utf-8",
    )
    [message] = failure_messages(sample, locales=("en",))
    assert message.startswith("briefs/sample.md:15: locale en: no pinned font")
    assert "U+1F98A FOX FACE" in message


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (
            "![logo](file:///etc/passwd)",
            "image 'file:///etc/passwd' is not a chart (briefs show only charts drawn "
            'from the data file: write ![alt](chart:<id> "caption"))',
        ),
        (
            "![x](https://example.org/x.png)",
            "image 'https://example.org/x.png' is not a chart (briefs show only "
            'charts drawn from the data file: write ![alt](chart:<id> "caption"))',
        ),
        (
            "See ![alt](chart:growth) here.",
            "a chart must stand alone in its paragraph "
            "(put the chart image on its own line with blank lines around it)",
        ),
    ],
)
def test_only_standalone_charts_are_allowed_as_images(
    sample: Project, monkeypatch: pytest.MonkeyPatch, image: str, message: str
) -> None:
    monkeypatch.chdir(sample.root)
    path = sample.briefs_dir / "sample.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{image}\n", encoding="utf-8")
    assert failure_messages(sample, locales=("en",)) == [f"briefs/sample.md:31: {message}"]


def localised_fr(project: Project):  # type: ignore[no-untyped-def]
    from briefkit.l10n.editions import localise, source_segments
    from briefkit.sources.brief import load_brief

    loaded = load_project(project.root)
    brief = load_brief(loaded.briefs_dir / "sample.md")
    segments = source_segments(loaded, brief)
    return localise(loaded, brief, segments, "fr", allow_partial=True)


def test_a_translation_may_write_a_range_by_its_ends(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    set_translation(
        sample,
        "fr",
        "Children aged {{ ages }} are affected.",
        "Les enfants de {{ ages.low }} à {{ ages.high }} ans sont touchés.",
    )
    assert failure_messages(sample, locales=("fr",), allow_partial=True) == []
    assert "Les enfants de 7 à 10 ans sont touchés." in localised_fr(sample).body


def test_only_a_range_has_ends(sample: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample.root)
    msgid = "Escalation can take {{ escalation }}."
    set_translation(sample, "fr", msgid, "Entre {{ escalation.low }} et {{ escalation.high }}.")
    line = read_catalog(po_path(sample.translations_dir, "fr", "sample"))[msgid].lineno
    assert failure_messages(sample, locales=("fr",), allow_partial=True) == [
        f"translations/fr/LC_MESSAGES/sample.po:{line}: {{{{ escalation.low }}}}: figure "
        "'escalation' is not a range (write {{ escalation }}; only a range has a .low and a .high end)"
    ]


def test_one_end_of_a_range_alone_is_a_missing_placeholder(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    msgid = "Children aged {{ ages }} are affected."
    set_translation(sample, "fr", msgid, "Les enfants dès {{ ages.low }} ans sont touchés.")
    [message] = failure_messages(sample, locales=("fr",), allow_partial=True)
    assert "placeholder {{ ages }} missing from the translation" in message


def test_a_year_the_data_does_not_give_cannot_be_shown(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    data = sample.briefs_dir / "data" / "sample.yaml"
    data.write_text(
        data.read_text(encoding="utf-8").replace(
            "unit: duration-second, year: 2023,", "unit: duration-second,"
        ),
        encoding="utf-8",
    )
    path = sample.briefs_dir / "sample.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "Escalation can take {{ escalation }}.",
            "Escalation can take {{ escalation }} ({{ escalation.year }}).",
        ),
        encoding="utf-8",
    )
    [message] = failure_messages(sample, locales=("en",))
    assert message.endswith(
        ": {{ escalation.year }}: figure 'escalation' has no year (write a year only where the "
        "source gives one; add `year:` to the figure if it does)"
    )
    assert message.startswith("briefs/sample.md:")


def test_a_qualified_figure_is_worded_by_the_catalog_in_text_and_charts(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefkit.catalogs.po import write_catalog as write
    from briefkit.translations import templates

    monkeypatch.chdir(sample.root)
    data = sample.briefs_dir / "data" / "sample.yaml"
    data.write_text(
        data.read_text(encoding="utf-8").replace(
            "value: 10000, unit: count,", "value: 10000, unit: count, qualifier: more-than,"
        ),
        encoding="utf-8",
    )
    loaded = load_project(sample.root)
    assert "more than %(figure)s" in templates(loaded)["sample"]
    path = po_path(sample.translations_dir, "fr", "sample")
    catalog = read_catalog(path, "fr")
    catalog.add("more than %(figure)s", "plus de %(figure)s")
    write(path, catalog)
    localised = localised_fr(sample)
    assert [bar.value for bar in localised.charts["growth"].bars] == ["139", "plus de 10\u202f000"]


@pytest.mark.parametrize(
    ("code", "written"),
    [
        ("ar", "20 تشرين الثاني/نوفمبر 2023"),
        ("en", "20 November 2023"),
        ("fr", "20 novembre 2023"),
        ("zh_Hans", "2023年11月20日"),
    ],
)
def test_dates_are_written_in_full_and_arabic_pairs_its_month_names(
    code: str, written: str
) -> None:
    import datetime as dt

    from briefkit.l10n.localise import write_date
    from briefkit.locales import locale_info

    assert write_date(dt.date(2023, 11, 20), locale_info(code)) == written


def test_figures_are_bidi_isolated_in_a_right_to_left_edition(
    sample: Project, translate: Callable[[str, str, str], int]
) -> None:
    translate(
        "ar", "Children aged {{ ages }} are affected.", "يتأثر أطفال Fixture {{ ages }} سنوات."
    )
    report = build(sample, Request(locales=("ar", "fr"), formats=()))
    ar, fr = (e.brief for e in report.editions)
    # A right-to-left isolate: the figure keeps its place after the Latin word, not joining it.
    assert "يتأثر أطفال Fixture \u20677–10\u2069 سنوات." in ar.body
    assert "\u2067" in ar.key_messages[0] and ar.key_messages[0].count("\u2069") == 1
    assert "\u2067" not in fr.body + "".join(fr.key_messages)
    assert "\u2069" not in fr.body + "".join(fr.key_messages)


def add_plural_entry(project: Project, forms: tuple[str, str]) -> None:
    """Give the templates domain a plural entry, translated in French with the given forms."""
    entry = 'msgid "%(num)s note"\nmsgid_plural "%(num)s notes"\n'
    pot = project.translations_dir / "templates.pot"
    pot.write_text(pot.read_text(encoding="utf-8") + f'\n{entry}msgstr[0] ""\nmsgstr[1] ""\n')
    po = po_path(project.translations_dir, "fr", "templates")
    translated = f'msgstr[0] "{forms[0]}"\nmsgstr[1] "{forms[1]}"\n'
    po.write_text(po.read_text(encoding="utf-8") + f"\n{entry}{translated}", encoding="utf-8")


def test_plural_template_strings_follow_the_languages_rule_and_count_as_translated(
    sample: Project,
) -> None:
    from briefkit.l10n.editions import template_strings
    from briefkit.render.templating import edition_ngettext

    before = template_strings(sample, "fr").printed
    add_plural_entry(sample, ("%(num)s note (un)", "%(num)s notes (plusieurs)"))
    strings = template_strings(sample, "fr")
    assert strings.plurals["%(num)s note"] == ("%(num)s note (un)", "%(num)s notes (plusieurs)")
    assert "%(num)s note" not in strings.english
    assert (strings.printed.total, strings.printed.translated) == (
        before.total + 1,
        before.translated + 1,
    )
    [edition] = build(sample, Request(locales=("fr",), formats=())).editions
    ngettext = edition_ngettext(edition)
    # French takes the singular for 0 and 1 (plural=(n > 1)); English would say "0 notes".
    assert ngettext("%(num)s note", "%(num)s notes", 0) == "%(num)s note (un)"
    assert ngettext("%(num)s note", "%(num)s notes", 1) == "%(num)s note (un)"
    assert ngettext("%(num)s note", "%(num)s notes", 2) == "%(num)s notes (plusieurs)"


def test_a_half_filled_plural_is_untranslated_everywhere(sample: Project) -> None:
    from briefkit.catalogs.po import entry_state
    from briefkit.l10n.editions import template_strings

    add_plural_entry(sample, ("%(num)s note (un)", ""))
    catalog = read_catalog(po_path(sample.translations_dir, "fr", "templates"), "fr")
    assert entry_state(catalog.get("%(num)s note")) == "untranslated"
    with pytest.raises(BriefkitError, match=r"plural form msgstr\[1\] is empty"):
        template_strings(sample, "fr")


def test_a_font_file_without_the_face_asked_for_is_an_error(tmp_path: Path) -> None:
    """HarfBuzz reads an empty face where there is none: that is refused, not read as a font
    that covers nothing."""
    from briefkit.errors import RenderError
    from briefkit.l10n.fonts import FontFile, face_coverage, resolve_face

    cjk = resolve_face("Noto Sans CJK SC", "Regular")
    assert len(face_coverage(cjk)) > 40_000
    with pytest.raises(RenderError, match="has no font at index 99"):
        face_coverage(FontFile(cjk.family, cjk.path, 99))
    text = tmp_path / "not-a-font.ttf"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(RenderError):
        face_coverage(FontFile("Nothing", text, 0))
