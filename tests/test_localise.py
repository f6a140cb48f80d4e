from __future__ import annotations

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
