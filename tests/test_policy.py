"""The release policy of each locale (pyproject.toml), enforced by the build in both directions."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from briefkit.catalogs.po import po_path, read_catalog, write_catalog
from briefkit.catalogs.reviews import sign_off
from briefkit.pipeline import Report, Request, build
from briefkit.project import Project, load_project
from briefkit.render.html import render_html
from briefkit.render.templating import template_environment


def set_policy(project: Project, locale: str, policy: str) -> Project:
    """Replace the locale's policy table in the sample's pyproject.toml."""
    path = project.root / "pyproject.toml"
    text = re.sub(
        rf"\[tool\.briefkit\.policy\.{locale}\]\n[^\[]*", "", path.read_text(encoding="utf-8")
    )
    path.write_text(f"{text}\n[tool.briefkit.policy.{locale}]\n{policy}\n", encoding="utf-8")
    return load_project(project.root)


def run(project: Project, locale: str, allow_partial: bool = False) -> Report:
    return build(project, Request(locales=(locale,), formats=(), allow_partial=allow_partial))


def messages(report: Report) -> list[str]:
    return [str(failure.error) for failure in report.failures]


def held(report: Report) -> list[str]:
    """Return why each edition was held back: below its policy is not a failure of the build."""
    return [d.reason for d in report.decisions if d.action == "held back"]


def translate_templates(project: Project, locale: str) -> None:
    """Fill every empty template string with its source text (enough for the numbers)."""
    path = po_path(project.translations_dir, locale, "templates")
    catalog = read_catalog(path, locale)
    for message in catalog:
        if message.id and not message.string:
            message.string = message.id
    write_catalog(path, catalog)


def test_a_locale_below_its_threshold_fails_with_the_numbers(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    assert messages(run(sample, "zh_Hans")) == []  # its policy allows 0 %
    assert messages(run(set_policy(sample, "zh_Hans", "min_completeness = 92.5"), "zh_Hans")) == []
    strict = set_policy(sample, "zh_Hans", "min_completeness = 95")
    assert held(run(strict, "zh_Hans")) == [
        "translations/zh_Hans/LC_MESSAGES/sample.po: zh_Hans is 94.7% translated, 36 of 38 entries "
        "(sample.po 15 of 17, templates.po 21 of 21; 2 untranslated, 0 fuzzy); the release policy "
        "needs 95% (translate the missing entries, or build a preview with --allow-partial, which "
        "shows them in English)"
    ]


def test_a_preview_builds_below_the_threshold_with_english_in_the_gaps(sample: Project) -> None:
    strict = set_policy(sample, "zh_Hans", "min_completeness = 95")
    report = run(strict, "zh_Hans", allow_partial=True)
    assert messages(report) == []
    brief = report.editions[0].brief
    assert brief.title == "举报数量持续上升"
    assert "Children aged 7–10 are affected." in brief.body


def test_the_page_furniture_counts_towards_completeness(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    strict = set_policy(sample, "fr", "min_completeness = 90")  # the brief alone is at 94 %
    assert held(run(strict, "fr")) == [
        "translations/fr/LC_MESSAGES/sample.po: fr is 78.9% translated, 30 of 38 entries "
        "(sample.po 16 of 17, templates.po 14 of 21; 8 untranslated, 0 fuzzy); the release policy "
        "needs 90% (translate the missing entries, or build a preview with --allow-partial, which "
        "shows them in English)"
    ]
    translate_templates(strict, "fr")
    assert messages(run(strict, "fr")) == held(run(strict, "fr")) == []  # 37 of 38


def test_fuzzy_entries_count_only_when_the_policy_allows_them(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    translate_templates(sample, "ar")
    path = po_path(sample.translations_dir, "ar", "sample")
    catalog = read_catalog(path, "ar")
    catalog["Context"].flags.add("fuzzy")
    write_catalog(path, catalog)

    strict = set_policy(sample, "ar", "min_completeness = 100")
    assert held(run(strict, "ar")) == [
        "translations/ar/LC_MESSAGES/sample.po: ar is 97.4% translated, 37 of 38 entries "
        "(sample.po 16 of 17, templates.po 21 of 21; 0 untranslated, 1 fuzzy); the release policy "
        "needs 100% (translate the missing entries, or build a preview with --allow-partial, which "
        "shows them in English)"
    ]
    preview = run(strict, "ar", allow_partial=True).editions[0].brief.body
    assert "## Context" in preview  # the fuzzy entry is not printed
    lenient = set_policy(sample, "ar", "min_completeness = 100\nallow_fuzzy = true")
    report = run(lenient, "ar")
    assert messages(report) == []
    assert "## السياق" in report.editions[0].brief.body
    assert "## Context" not in report.editions[0].brief.body


def notice_shown(project: Project) -> tuple[bool, bool]:
    """Return whether the fr edition is reviewed, and whether its page carries the notice."""
    edition = run(project, "fr").editions[0]
    env = template_environment(project.templates_dir, lambda text: edition.ui.get(text, text))
    html = render_html(edition.brief, env, project.locale("en"))
    return edition.brief.reviewed, 'class="notice"' in html


def test_an_unreviewed_translation_carries_the_unofficial_notice_until_signed_off(
    sample: Project, translate: Callable[[str, str, str], int]
) -> None:
    """Sign-off is bound to the strings the edition prints: a change makes it a draft again.
    (It was a `review = "reviewed"` flag per locale in pyproject.toml, which a new brief or a
    changed string inherited.)"""
    assert notice_shown(sample) == (False, True)
    sign_off(sample, "fr", "Jeanne Martin")
    assert notice_shown(sample) == (True, False)
    translate("fr", "Context", "Contexte général")
    assert notice_shown(sample) == (False, True)
