"""The terminology gate: terms to avoid in translations and in the English source, quoted law
titles, preferred terms, scripts without spaces, and the glossary file's own errors."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from briefkit import translations
from briefkit.errors import ConfigError
from briefkit.pipeline import Request, build
from briefkit.project import Project, load_project
from briefkit.qa.checks import check_terms
from briefkit.qa.glossary import avoided, glossary_path, load_glossary

ROOT = Path(__file__).resolve().parent.parent
SERIES = load_glossary(ROOT / "translations" / "glossary.yaml")
OPSC = (
    "Optional Protocol to the Convention on the Rights of the Child on the sale of children, "
    "child prostitution and child pornography"
)
OPSC_ZH = "关于买卖儿童、儿童卖淫和儿童色情制品问题的任择议定书"


@pytest.fixture
def project(sample: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The sample with the series' glossary, its templates and catalogs in canonical form."""
    monkeypatch.chdir(sample.root)
    shutil.copy(ROOT / "translations" / "glossary.yaml", glossary_path(sample.translations_dir))
    translations.extract(sample)
    translations.update(sample)
    return sample


def set_source(project: Project, old: str, new: str) -> None:
    path = project.briefs_dir / "sample.md"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def failures(project: Project, locale: str) -> list[str]:
    report = build(load_project(project.root), Request(locales=(locale,), formats=()))
    return [str(f.error) for f in report.failures]


def hits(text: str, locale: str) -> list[str]:
    return [hit.found for hit in avoided(SERIES, text, locale)]


def test_the_series_glossary_rests_on_its_sources() -> None:
    assert [c.id for c in SERIES.concepts][:3] == [
        "child-sexual-abuse-material",
        "exploitation-in-prostitution",
        "exploitation-in-travel-and-tourism",
    ]
    assert SERIES.path is not None
    listed = set(yaml.safe_load(SERIES.path.read_text(encoding="utf-8"))["sources"])
    for concept in SERIES.concepts:
        for cell in concept.cells.values():
            assert set(cell.sources) <= listed
            parts = {p for p in ("preferred", "avoid", "titles") if getattr(cell, p)}
            assert cell.sources or parts <= cell.unsourced, (concept.id, cell.language)


def test_a_term_to_avoid_in_a_french_translation_fails_the_check_and_the_build(
    project: Project, translate: Callable[[str, str, str], int]
) -> None:
    line = translate("fr", "Reports of financial sexual extortion", "La pédopornographie en ligne")
    expected = (
        f"translations/fr/LC_MESSAGES/sample.po:{line}: term to avoid “pédopornographie”: "
        "\"La pédopornographie en ligne\" (use “matériel d'abus sexuels d'enfants” "
        "(translations/glossary.yaml: child-sexual-abuse-material, sources S4, S11, S12, S13, S18); "
        "a law or treaty title listed there may quote it in italics or quotation marks)"
    )
    assert [str(p) for p in translations.check(project, ("fr",))] == [expected]
    assert failures(project, "fr") == [expected]


def test_a_term_to_avoid_in_the_english_source_fails_the_check_and_the_build(
    project: Project,
) -> None:
    set_source(project, "## Context", "## Child pornography online")
    expected = (
        'briefs/sample.md:15: term to avoid “Child pornography”: "Child pornography online" (use '
        "“child sexual abuse material” (translations/glossary.yaml: child-sexual-abuse-material, "
        "sources S3, S6, S20, T1); a law or treaty title listed there may quote it in italics or "
        "quotation marks)"
    )
    assert str(translations.check(project, ("fr",))[0]) == expected
    assert failures(project, "en") == [expected]


def test_a_law_title_in_italics_may_quote_a_term_to_avoid(project: Project) -> None:
    set_source(
        project, "“A short quote.” — A Person, An Organisation", f"States ratified the *{OPSC}*."
    )
    assert [p for p in translations.check(project, ("fr",)) if p.code == "term-avoided"] == []
    assert failures(project, "en") == []
    assert hits(f"States ratified the {OPSC}.", "en") == ["child prostitution", "child pornography"]
    assert hits("Laws on *child pornography* differ.", "en") == ["child pornography"]


def test_chinese_terms_match_without_word_boundaries_and_titles_in_book_marks() -> None:
    assert hits("各国打击儿童色情制品的法律", "zh_Hans") == ["儿童色情制品"]
    assert hits(f"各国批准了《{OPSC_ZH}》。", "zh_Hans") == []
    assert hits(f"各国批准了{OPSC_ZH}。", "zh_Hans") == ["儿童卖淫", "儿童色情制品"]


def test_terms_match_case_insensitively_on_whole_words_with_their_variants() -> None:
    assert hits("CHILD PORNOGRAPHY and Child Prostitutes", "en") == [
        "CHILD PORNOGRAPHY",
        "Child Prostitutes",
    ]
    assert hits("frequent viewing of pornography", "en") == []
    assert hits("grandchild pornography, child pornographers", "en") == []  # whole words only
    assert hits("des enfants prostitués et la pédopornographie", "fr") == [
        "enfants prostitués",
        "pédopornographie",
    ]
    assert hits("о детской  порнографии", "ru") == ["детской  порнографии"]
    assert hits("مكافحة وإباحية الأطفال", "ar") == ["وإباحية الأطفال"]


def test_a_word_in_parentheses_is_optional() -> None:
    source = "Online child sexual exploitation and abuse is growing."
    for translation in (
        "L’exploitation et les abus sexuels des enfants en ligne augmentent.",
        "Lutter contre l’exploitation et d’abus sexuels d’enfants.",
        "L’exploitation et abus sexuels des enfants.",
    ):
        assert check_terms(SERIES, source, translation, "en", "fr") == [], translation
    [finding] = check_terms(SERIES, source, "L’exploitation et les violences en ligne.", "en", "fr")
    assert finding.fix.startswith("use “exploitation et abus sexuels des enfants”")


def test_an_unsourced_term_only_warns(
    project: Project, translate: Callable[[str, str, str], int]
) -> None:
    line = translate("ar", "Context", "سياق مكافحة وإباحية الأطفال")
    assert failures(project, "ar") == []
    assert [str(p) for p in translations.check(project, ("ar",))] == [
        f'translations/ar/LC_MESSAGES/sample.po:{line}: term to avoid “وإباحية الأطفال”: "سياق مكافحة '
        'وإباحية الأطفال" (use “مواد الاعتداء الجنسي على الأطفال” (translations/glossary.yaml: '
        "child-sexual-abuse-material, unsourced); a law or treaty title listed there may quote it in "
        "italics or quotation marks)"
    ]
    [finding] = check_terms(SERIES, "Context", "о детской порнографии", "en", "ru")
    assert (finding.severity, finding.message, finding.fix) == (
        "warning",
        "term to avoid “детской порнографии”",
        "use “материалы, содержащие сцены сексуального насилия в отношении ребёнка” "
        "(translations/glossary.yaml: child-sexual-abuse-material, unsourced); a law or treaty title "
        "listed there may quote it in italics or quotation marks",
    )


def test_a_source_term_translated_otherwise_warns() -> None:
    source = "Reports of child sexual abuse material rose."
    assert (
        check_terms(
            SERIES, source, "Les signalements de matériels d’abus sexuels d’enfants.", "en", "fr"
        )
        == []
    )
    [finding] = check_terms(
        SERIES, source, "Les signalements de contenus pédocriminels.", "en", "fr"
    )
    assert (finding.severity, finding.message, finding.excerpt, finding.fix) == (
        "warning",
        "“child sexual abuse material” is not translated with a preferred term",
        "Les signalements de contenus pédocriminels.",
        "use “matériel d'abus sexuels d'enfants” (translations/glossary.yaml: "
        "child-sexual-abuse-material), or add the wording you used to its preferred terms if it is "
        "right too",
    )


GLOSSARY = """sources:
  S1: A source — https://example.org
concepts:
  - id: csam
    en:
      avoid: [child pornography]
      sources: [S1]
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "sources: [S1]",
            "sources: [S9]",
            "glossary.yaml:7: source 'S9' is not listed under `sources:` (add it there with its "
            "address, or fix the id)",
        ),
        (
            "      sources: [S1]\n",
            "",
            "glossary.yaml:6: concept 'csam' in en has no source (list its sources (ids under "
            "`sources:`), or mark it `unsourced: true`)",
        ),
        (
            "    en:",
            "    english:",
            "glossary.yaml:6: concept 'csam': malformed locale code 'english' (use a gettext code "
            "such as fr, pt_BR or zh_Hans; did you mean en_SH, en_LS, en_GS, en_GI?)",
        ),
        (
            "      sources: [S1]",
            "      unsourced: [avoids]",
            "glossary.yaml:7: unsourced must be true or a list of preferred, avoid, titles (for "
            "example `unsourced: [avoid]`)",
        ),
        (
            "      avoid: [child pornography]",
            "      avoid: child pornography",
            "glossary.yaml:6: concepts.0.en.avoid must be a list (write `- item` lines)",
        ),
        (
            "      avoid: [child pornography]",
            "      avoid: [child pornography]\n      forbid: [x]",
            "glossary.yaml:7: concepts.0.en: unknown key 'forbid' (use preferred, avoid, titles, "
            "sources, unsourced, note)",
        ),
    ],
)
def test_a_glossary_error_names_the_line_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "glossary.yaml"
    path.write_text(GLOSSARY.replace(old, new), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_glossary(path)
    assert str(error.value) == message


def test_an_unsourced_cell_is_accepted_and_only_warns(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(GLOSSARY.replace("sources: [S1]", "unsourced: true"), encoding="utf-8")
    [hit] = avoided(load_glossary(path), "child pornography", "en")
    assert not hit.cell.sourced("avoid")
