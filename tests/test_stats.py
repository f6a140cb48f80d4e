"""Translation statistics per locale and catalog, in entries and in words, as data and on the CLI."""

from __future__ import annotations

import json

import pytest

from briefkit.catalogs.po import po_path, read_catalog, write_catalog
from briefkit.catalogs.stats import Stats, catalog_stats, count_words, project_stats, total
from briefkit.cli import main
from briefkit.project import Project


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "Reports rose to **{{ reports }}** in {{ reports.year }}, according to "
            "[the source](https://example.org/report).",
            8,
        ),
        ("Page %(page)s of %(pages)s", 2),
        ("The children's rights, since 2019.", 5),
        ("Use `safe_mode` here", 3),
    ],
)
def test_words_are_counted_in_the_text_not_the_markup(text: str, words: int) -> None:
    assert count_words(text) == words


def test_a_catalog_counts_translated_fuzzy_and_untranslated_entries(sample: Project) -> None:
    path = po_path(sample.translations_dir, "fr", "sample")
    catalog = read_catalog(path, "fr")
    catalog["Context"].flags.add("fuzzy")
    write_catalog(path, catalog)
    stats = catalog_stats(sample, "fr", "sample")
    assert stats == Stats(
        locale="fr",
        domain="sample",
        entries=17,
        translated=15,
        fuzzy=1,
        untranslated=1,
        words=64,
        words_translated=56,
        words_fuzzy=1,
        words_untranslated=7,
    )
    assert round(stats.percent, 1) == 88.2 and round(stats.words_percent, 1) == 87.5


def test_a_missing_catalog_is_all_untranslated(sample: Project) -> None:
    po_path(sample.translations_dir, "zh_Hans", "templates").unlink()
    stats = catalog_stats(sample, "zh_Hans", "templates")
    assert (stats.entries, stats.translated, stats.untranslated) == (34, 0, 34)
    assert stats.words == stats.words_untranslated == 168


def test_every_locale_and_domain_and_their_totals(sample: Project) -> None:
    found = project_stats(sample)
    assert [(s.locale, s.domain) for s in found] == [
        ("fr", "sample"),
        ("fr", "templates"),
        ("ar", "sample"),
        ("ar", "templates"),
        ("zh_Hans", "sample"),
        ("zh_Hans", "templates"),
    ]
    fr = total([s for s in found if s.locale == "fr"], "fr")
    assert (fr.domain, fr.entries, fr.translated, fr.untranslated) == ("all", 51, 43, 8)
    assert fr.as_dict() == {
        "locale": "fr",
        "domain": "all",
        "entries": {"total": 51, "translated": 43, "fuzzy": 0, "untranslated": 8},
        "words": {"total": 232, "translated": 144, "fuzzy": 0, "untranslated": 88},
        "percent": 84.3,
        "words_percent": 62.1,
    }


def test_stats_prints_a_table_and_json(
    sample: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(sample.root)
    assert main(["stats", "--json", "--lang", "ar"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {**catalog_stats(sample, "ar", "sample").as_dict(), "review": "draft"},
        catalog_stats(sample, "ar", "templates").as_dict(),
    ]
    assert main(["stats"]) == 0
    table = capsys.readouterr().out
    rows = [" ".join(line.strip("│┃ ").split()) for line in table.splitlines() if line[:1] in "│┃"]
    assert rows[:4] == [
        "Locale ┃ Catalog ┃ Translated ┃ Fuzzy ┃ Untranslated ┃ % ┃ Words translated ┃ fuzzy ┃ untranslated ┃ % ┃ Review",
        "fr │ sample │ 16 │ 0 │ 1 │ 94.1 │ 57 │ 0 │ 7 │ 89.1 │ draft",
        "fr │ templates │ 27 │ 0 │ 7 │ 79.4 │ 87 │ 0 │ 81 │ 51.8",
        "fr │ all │ 43 │ 0 │ 8 │ 84.3 │ 144 │ 0 │ 88 │ 62.1",
    ]
