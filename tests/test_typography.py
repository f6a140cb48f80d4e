"""Typographic conventions per language, checked in the catalogs translators write."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefkit.catalogs.po import read_catalog
from briefkit.locales import locale_info
from briefkit.project import Policy
from briefkit.qa.checks import Problem, check_catalog
from briefkit.qa.glossary import Glossary
from briefkit.qa.typography import check_text

FIXTURE = Path(__file__).parent / "fixtures" / "sample" / "translations"


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "ar",
            "“اقتباس قصير.” — شخص ما",
            [("Arabic quotation marks are «…», not “", "write «…» (U+00AB, U+00BB)")],
        ),
        (
            "ar",
            "البلاغات, 2021 و2022",
            [
                (
                    "Latin punctuation , after Arabic text",
                    "use the Arabic comma ، semicolon ؛ or question mark ؟",
                )
            ],
        ),
        (
            "zh",
            "举报增加了87%,自2019年以来。",
            [
                (
                    "half-width punctuation , next to Chinese text",
                    "use the full-width form (，；：？！（）)",
                )
            ],
        ),
        (
            "zh",
            "「简短的引语。」",
            [("Simplified Chinese quotation marks are “…”, not 「", "write “…” (U+201C, U+201D)")],
        ),
        (
            "fr",
            "Diagramme en barres : les signalements",
            [
                (
                    "an ordinary space in ' :', which can break the line there",
                    "use a no-break space (U+00A0) or a narrow no-break space (U+202F)",
                )
            ],
        ),
        (
            "ru",
            "“Короткая цитата.”",
            [
                (
                    "Russian quotation marks are «…» („…“ inside), not ”",
                    "write «…» (U+00AB, U+00BB)",
                )
            ],
        ),
    ],
)
def test_a_broken_convention_is_named_with_its_fix(
    language: str, text: str, expected: list[tuple[str, str]]
) -> None:
    assert check_text(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ar", "«اقتباس قصير.» — شخص ما، منظمة ما"),
        ("ar", "ارتفعت من {{ before }} إلى 10,000 وفقًا لـ[المصدر](https://example.org/a,b)"),
        ("zh", "据[来源](https://example.org/report)，举报增至**{{ reports }}**。"),
        ("fr", "«\u202fUne courte citation.\u202f» — Diagramme en barres\u202f: 87\u00a0%"),
        ("ru", "«Короткая „вложенная“ цитата.»"),
        ("en", "“A short quote.”"),
    ],
)
def test_text_that_follows_the_conventions_passes(language: str, text: str) -> None:
    assert check_text(text, language) == []


def typography_problems(path: Path, locale: str) -> list[Problem]:
    """Return the typography problems the translation checks find in a catalog."""
    found = check_catalog(
        read_catalog(path, locale), str(path), locale_info(locale), Policy(), Glossary(None), "en"
    )
    return [problem for problem in found if problem.code == "typography"]


@pytest.mark.parametrize("locale", ["fr", "ar", "zh_Hans"])
def test_the_sample_catalogs_follow_their_language(locale: str) -> None:
    for path in sorted((FIXTURE / locale / "LC_MESSAGES").glob("*.po")):
        assert typography_problems(path, locale) == []


def test_a_catalog_problem_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "ar.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Language: ar\\n"\n\nmsgid "A short quote."\nmsgstr "“اقتباس.”"\n',
        encoding="utf-8",
    )
    [problem] = typography_problems(path, "ar")
    assert (problem.line, problem.message) == (5, "Arabic quotation marks are «…», not “")
