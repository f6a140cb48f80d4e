"""Release what is ready, label what is not (issue #16): per-edition decisions, previews apart,
`check` agreeing with the build, and sign-off bound to content.

The scenario of the issue's "Done when", on a copy of the sample, through the command line:

1. an English typo fix: the release exits 0; English and the unaffected edition (fr) are
   published; ar (carry-forward) keeps its files, marked out of date with the date of the
   English they match; zh_Hans (hold-back) is held back; `--strict` and `check` fail;
2. the translator's update: everything is current again;
3. a Weblate-style re-save (its Plural-Forms spelling, 77-column wrap) builds nothing;
4. a signed-off locale whose string changes goes back to draft.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from briefkit import translations
from briefkit.catalogs.po import po_path, read_catalog, wrap_po, write_catalog
from briefkit.cli import main
from briefkit.pipeline import Request, build
from briefkit.project import Project, load_project

TYPO, FIXED = "Escalaton can take", "Escalation can take"
DAY_ONE, DAY_TWO = "1700000000", "1700086400"  # 2023-11-14 and 2023-11-15, UTC
POLICIES = """
[tool.briefkit.policy.fr]
min_completeness = 50

[tool.briefkit.policy.ar]
min_completeness = 100
when_behind = "carry-forward"

[tool.briefkit.policy.zh_Hans]
min_completeness = 92.5
when_behind = "hold-back"
"""


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    """Run the CLI; return its exit status and what it printed (stderr), line by line."""
    capsys.readouterr()
    code = main(list(args))
    return code, capsys.readouterr().err.splitlines()


def manifest(project: Project) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((project.dist_dir / "manifest.json").read_text())
    return data


def statuses(project: Project) -> dict[str, tuple[str, str | None, str]]:
    return {
        entry["locale"]: (entry["status"], entry["matches_source"], entry["review"])
        for entry in manifest(project)["artifacts"]
    }


@pytest.fixture
def release(sample_root: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The sample with the policies of the scenario, a typo in one English sentence that every
    catalog translates, catalogs in the canonical form."""
    monkeypatch.chdir(sample_root)
    config = sample_root / "pyproject.toml"
    text = re.sub(r"\[tool\.briefkit\.policy.*", "", config.read_text(), flags=re.S)
    config.write_text(text + POLICIES)
    for path in [sample_root / "briefs" / "sample.md", *sample_root.rglob("*.po*")]:
        path.write_text(path.read_text(encoding="utf-8").replace(FIXED, TYPO), encoding="utf-8")
    project = load_project(sample_root)
    translations.extract(project)
    translations.update(project)
    return project


def test_the_release_scenario(
    release: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_ONE)
    code, out = cli(capsys, "--format", "pdf", "--jobs", "1")
    assert code == 0, out
    assert out[-2:] == [
        "4 built, 0 up to date, 0 failed",
        "dist/ lists 4 artifacts: manifest.json, SHA256SUMS, index.html",
    ]

    # 1. An English typo fix, extracted and merged as the README says.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_TWO)
    brief = release.briefs_dir / "sample.md"
    brief.write_text(brief.read_text(encoding="utf-8").replace(TYPO, FIXED), encoding="utf-8")
    translations.extract(release)
    translations.update(release)
    code, out = cli(capsys, "--format", "pdf", "--jobs", "1")
    assert code == 0, out
    ar_reason = (
        "translations/ar/LC_MESSAGES/sample.po: ar is 97.4% translated, 37 of 38 entries "
        "(sample.po 16 of 17, templates.po 21 of 21; 0 untranslated, 1 fuzzy); the release policy "
        "needs 100% (translate the missing entries, or build a preview with --allow-partial, "
        "which shows them in English)"
    )
    assert out[-4:] == [
        "2 built, 0 up to date, 0 failed",
        f"carried forward sample ar, marked out of date: it matches the English of 2023-11-14: {ar_reason}",
        "held back sample zh_Hans: translations/zh_Hans/LC_MESSAGES/sample.po: zh_Hans is 92.1% "
        "translated, 35 of 38 entries (sample.po 14 of 17, templates.po 21 of 21; 2 untranslated, "
        "1 fuzzy); the release policy needs 92.5% (translate the missing entries, or build a "
        "preview with --allow-partial, which shows them in English)",
        "dist/ lists 3 artifacts (1 edition out of date, 1 held back): manifest.json, SHA256SUMS, index.html",
    ]
    assert statuses(release) == {
        "en": ("current", None, "reviewed"),
        "fr": ("current", None, "draft"),
        "ar": ("out-of-date", "2023-11-14", "draft"),
    }
    assert manifest(release)["held_back"] == [
        {"brief": "sample", "locale": "zh_Hans", "reason": out[-2].split(": ", 1)[1]}
    ]
    assert not (release.dist_dir / "sample" / "sample_zh_Hans.pdf").exists()
    assert "sample_zh_Hans" not in (release.dist_dir / "SHA256SUMS").read_text()
    page = (release.dist_dir / "index.html").read_text()
    arabic = page[page.index('id="ar"') : page.index('id="zh_Hans"')]
    # The fixture translates the label (غير محدَّث); the date is written as Arabic writes it.
    assert "غير محدَّث" in arabic and "14 نوفمبر 2023" in arabic
    chinese = page[page.index('id="zh_Hans"') :]
    assert "暂不以本语言发布" in chinese and "Reports keep rising" in chinese
    assert cli(capsys, "--format", "pdf", "--strict")[0] == 1
    capsys.readouterr()
    assert main(["check", "--lang", "ar"]) == 1
    printed = capsys.readouterr()
    assert printed.out.splitlines() == [
        "translations/ar/LC_MESSAGES/sample.po: " + ar_reason.split(": ", 1)[1],
        f"translations/ar/LC_MESSAGES/sample.po:{entry_line(release, 'ar')}: fuzzy entry: "
        '"Escalation can take {{ escalation }}." (check the translation against the new English '
        "and remove the fuzzy mark)",
    ]
    assert printed.err.splitlines() == ["2 errors, 0 warnings"]

    # 2. The translators' update: the fuzzy entries reviewed (the translation still holds).
    for locale in ("ar", "zh_Hans"):
        unfuzzy(release, locale)
    code, out = cli(capsys, "--format", "pdf", "--jobs", "1", "--strict")
    assert code == 0, out
    # The Arabic PDF prints exactly what it printed before: current again without a render.
    assert out[-2:] == [
        "1 built, 3 up to date, 0 failed",
        "dist/ lists 4 artifacts: manifest.json, SHA256SUMS, index.html",
    ]
    assert {s[0] for s in statuses(release).values()} == {"current"}
    assert manifest(release)["held_back"] == []
    assert cli(capsys, "check", "--lang", "ar")[0] == 0

    # 3. Weblate re-saves the Arabic catalog: its Plural-Forms spelling, 77 columns.
    weblate_resave(po_path(release.translations_dir, "ar", "sample"))
    code, out = cli(capsys, "--format", "pdf", "--strict")
    assert (code, out[0]) == (0, "nothing to rebuild: 4 artifacts up to date")
    assert cli(capsys, "check", "--lang", "ar")[0] == 0

    # 4. A reviewer signs Arabic off; then a string changes: back to draft by itself.
    code, out = cli(capsys, "review", "ar", "--reviewer", "Reem Haddad")
    assert (code, out) == (
        0,
        [
            "signed off sample ar: Reem Haddad, 2023-11-15",
            "recorded in translations/ar/reviews.toml: commit it; any change to these strings makes them drafts",
        ],
    )
    assert cli(capsys, "--format", "pdf")[0] == 0
    assert statuses(release)["ar"] == ("current", None, "reviewed")
    assert review_column(capsys) == ["reviewed by Reem Haddad on 2023-11-15"]
    retranslate(release, "ar", "قد يستغرق التصعيد أحيانًا {{ escalation }}.")
    assert cli(capsys, "--format", "pdf")[0] == 0
    assert statuses(release)["ar"] == ("current", None, "draft")
    assert review_column(capsys) == ["draft (changed since Reem Haddad signed off on 2023-11-15)"]


def review_column(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Return the review state `stats --json` gives the Arabic brief."""
    capsys.readouterr()
    assert main(["stats", "--lang", "ar", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    return [row["review"] for row in rows if row["domain"] == "sample"]


def entry_line(project: Project, locale: str) -> int:
    catalog = read_catalog(po_path(project.translations_dir, locale, "sample"), locale)
    return int(catalog[FIXED + " {{ escalation }}."].lineno)


def unfuzzy(project: Project, locale: str) -> None:
    """Do what a translator does with the fuzzy entry: check it, and clear the mark."""
    path = po_path(project.translations_dir, locale, "sample")
    catalog = read_catalog(path, locale)
    message = catalog[FIXED + " {{ escalation }}."]
    assert message.fuzzy and message.previous_id == [TYPO + " {{ escalation }}."]
    message.flags.discard("fuzzy")
    message.previous_id = []
    write_catalog(path, catalog)


def retranslate(project: Project, locale: str, text: str) -> None:
    path = po_path(project.translations_dir, locale, "sample")
    catalog = read_catalog(path, locale)
    catalog[FIXED + " {{ escalation }}."].string = text
    write_catalog(path, catalog)


def weblate_resave(path: Path) -> None:
    """Write the catalog as Weblate does: `nplurals=6; plural=n==0 ? 0 : …;` without the
    parentheses, and strings wrapped at 77 columns."""
    text = path.read_text(encoding="utf-8")
    weblate = (
        "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 ? 4 : 5;"
    )
    text = re.sub(
        r'"Plural-Forms: .*?\\n"\n', lambda m: f'"Plural-Forms: {weblate}\\n"\n', text, flags=re.S
    )
    for message in read_catalog(path, "ar"):
        if message.id and isinstance(message.string, str) and message.string:
            text = text.replace(
                f"msgstr {wrap_po(message.string, 76)}\n",
                f"msgstr {wrap_po(message.string, 78)}\n",
            )
    path.write_text(text, encoding="utf-8")
    assert "Plural-Forms: nplurals=6; plural=n==0" in text


def in_progress(project: Project, locale: str) -> Project:
    config = project.root / "pyproject.toml"
    text = re.sub(rf"\[tool\.briefkit\.policy\.{locale}\]\n[^\[]*", "", config.read_text())
    config.write_text(f'{text}\n[tool.briefkit.policy.{locale}]\nstatus = "in-progress"\n')
    return load_project(project.root)


def test_a_language_in_progress_is_updated_and_previewed_but_never_released(
    sample: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(sample.root)
    project = in_progress(sample, "zh_Hans")
    code, out = cli(capsys, "--lang", "zh_Hans", "--format", "pdf")
    assert (code, out) == (
        2,
        [
            "error: zh_Hans is in progress: nothing of it is released (preview it with "
            "--allow-partial, into previews/)"
        ],
    )
    # update merges the in-progress locale too: a catalog it lacks is written again.
    (project.translations_dir / "zh_Hans" / "LC_MESSAGES" / "templates.po").unlink()
    code, out = cli(capsys, "update")
    assert code == 0 and any("translations/zh_Hans/" in line for line in out), out
    assert cli(capsys, "--format", "pdf", "--jobs", "1")[0] == 0
    assert [e["locale"] for e in manifest(project)["artifacts"]] == ["ar", "en", "fr"]
    assert 'id="zh_Hans"' not in (project.dist_dir / "index.html").read_text()
    code, out = cli(capsys, "--lang", "zh_Hans", "--format", "pdf", "--allow-partial")
    assert code == 0, out
    assert out[-1] == "previews/ lists 1 artifacts: manifest.json, SHA256SUMS, index.html"
    assert (project.root / "previews" / "sample" / "sample_zh_Hans.pdf").is_file()
    assert not (project.dist_dir / "sample" / "sample_zh_Hans.pdf").exists()
    # check: its gaps are warnings, not release blockers.
    capsys.readouterr()
    assert main(["check", "--lang", "zh_Hans"]) == 0
    warnings = capsys.readouterr().out.splitlines()
    assert any(
        line.startswith("translations/zh_Hans/LC_MESSAGES/sample.po: warning: zh_Hans is ")
        for line in warnings
    )
    assert any(": warning: untranslated entry: " in line for line in warnings)


def test_previews_never_touch_dist(
    sample: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(sample.root)
    before = sorted(p.name for p in sample.dist_dir.rglob("*")) if sample.dist_dir.exists() else []
    assert cli(capsys, "--allow-partial", "--format", "pdf", "--lang", "fr")[0] == 0
    assert cli(capsys, "--allow-fuzzy", "--format", "pdf", "--lang", "fr")[0] == 0
    after = sorted(p.name for p in sample.dist_dir.rglob("*")) if sample.dist_dir.exists() else []
    assert before == after == []
    assert (sample.root / "previews" / "sample" / "sample_fr.pdf").is_file()


def test_allow_fuzzy_on_the_command_line_prints_fuzzy_entries_in_a_preview(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    path = po_path(sample.translations_dir, "ar", "sample")
    catalog = read_catalog(path, "ar")
    catalog["Context"].flags.add("fuzzy")
    write_catalog(path, catalog)
    preview = build(sample, Request(locales=("ar",), formats=(), allow_fuzzy=True))
    assert "## السياق" in preview.editions[0].brief.body
    assert preview.preview and not sample.dist_dir.exists()
    release = build(sample, Request(locales=("ar",), formats=()))
    assert "## Context" in release.editions[0].brief.body  # ar's policy prints no fuzzy entry


def test_an_edition_names_its_language_with_its_region() -> None:
    from briefkit.locales import locale_info
    from briefkit.render.html import language_name

    brazil, french = locale_info("pt_BR"), locale_info("fr")
    assert language_name(brazil, brazil) == "português (Brasil)"
    assert language_name(brazil, french) == "portugais (Brésil)"
    assert language_name(locale_info("zh_Hans"), locale_info("zh_Hans")) == "中文"


def test_a_file_that_fails_to_render_and_is_gone_is_held_back_and_the_build_fails(
    sample: Project, monkeypatch: pytest.MonkeyPatch, translate: Any
) -> None:
    monkeypatch.chdir(sample.root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_ONE)
    first = build(sample, Request(locales=("ar",), formats=("pdf", "docx"), jobs=1))
    assert first.ok
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY_TWO)
    translate("ar", "Context", "السياق العام")  # both files must be rendered again
    docx = sample.dist_dir / "sample" / "sample_ar.docx"
    docx.unlink()
    docx.mkdir()  # a folder where the DOCX should go: its write fails, the PDF's does not
    report = build(sample, Request(locales=("ar",), formats=("pdf", "docx"), jobs=1))
    assert [f.what for f in report.failures] == ["sample ar docx"]
    # Its old file is no longer there to carry forward: the DOCX is held back, the PDF current.
    assert [(d.action, d.brief, d.locale) for d in report.decisions] == [
        ("held back", "sample", "ar")
    ]
    found = {e["format"]: e["status"] for e in manifest(sample)["artifacts"]}
    assert found == {"pdf": "current"}
    assert not report.complete
