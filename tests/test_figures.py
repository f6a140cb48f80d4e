from __future__ import annotations

from pathlib import Path

import pytest

from briefkit.errors import BriefkitError
from briefkit.locales import locale_info
from briefkit.sources.data import Figure, format_figure, load_dataset, write_figure


def figure(value, unit: str, style: str = "plain", qualifier: str | None = None) -> Figure:
    return Figure("f", "label", value, unit, style, 2022, "src", 1, qualifier)


@pytest.mark.parametrize(
    ("locale", "percent", "compact", "plain", "seconds"),
    [
        ("en", "87%", "32 million", "10,000", "19 seconds"),
        ("fr", "87\u00a0%", "32 millions", "10\u202f000", "19\u00a0secondes"),
        ("es", "87\u00a0%", "32 millones", "10.000", "19 segundos"),
        ("ru", "87\u00a0%", "32 миллиона", "10\u00a0000", "19 секунд"),
        ("ar", "87%", "32 مليون", "10,000", "19 ثانية"),
        ("zh_Hans", "87%", "3200万", "1万", "19秒钟"),
    ],
)
def test_figures_are_written_as_cldr_says(
    locale: str, percent: str, compact: str, plain: str, seconds: str
) -> None:
    info = locale_info(locale)
    assert format_figure(figure(87.0, "percent"), info) == percent
    assert format_figure(figure(32_000_000.0, "count", "compact"), info) == compact
    assert format_figure(figure(10_000.0, "count"), info) == plain
    assert format_figure(figure(19.0, "duration-second"), info) == seconds


@pytest.mark.parametrize(
    ("locale", "minutes"),
    [
        ("en", "45 minutes"),
        ("fr", "45 minutes"),
        ("ru", "45 минут"),
        ("ar", "45 دقيقة"),
        ("zh_Hans", "45分钟"),
    ],
)
def test_minutes_are_words_in_every_locale(locale: str, minutes: str) -> None:
    """CLDR has no long form of minutes in Chinese; Babel would print the unit's id, "45 duration-minute"."""
    assert format_figure(figure(45.0, "duration-minute"), locale_info(locale)) == minutes


def test_a_range_uses_an_en_dash() -> None:
    assert format_figure(figure((7, 10), "range"), locale_info("fr")) == "7–10"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (10_000.0, "1万"),
        (15_000.0, "1.5万"),
        (140_000_000.0, "1.4亿"),
        (10_500.0, "10,500"),
        (9_000.0, "9,000"),
        (139.0, "139"),
    ],
)
def test_chinese_round_figures_are_counted_in_myriads(value: float, written: str) -> None:
    """CLDR's short form where it is exact to one decimal; a figure it would round keeps its digits."""
    assert format_figure(figure(value, "count"), locale_info("zh_Hans")) == written


@pytest.mark.parametrize("locale", ["en", "fr", "es", "ru", "ar"])
def test_languages_that_abbreviate_thousands_keep_digits(locale: str) -> None:
    assert format_figure(figure(10_000.0, "count"), locale_info(locale)).startswith("10")


def test_a_qualifier_is_written_in_the_locales_words() -> None:
    over = figure(10_000.0, "count", qualifier="more-than")
    assert write_figure(over, locale_info("en")) == "more than 10,000"
    french = {"more than %(figure)s": "plus de %(figure)s"}
    assert write_figure(over, locale_info("fr"), None, french.__getitem__) == "plus de 10\u202f000"
    chinese = {"more than %(figure)s": "超过%(figure)s"}
    assert write_figure(over, locale_info("zh_Hans"), None, chinese.__getitem__) == "超过1万"
    under = figure(1.0, "percent", qualifier="less-than")
    assert write_figure(under, locale_info("en")) == "less than 1%"
    assert format_figure(under, locale_info("en")) == "1%"  # the bare value, for the source check


def test_range_ends_year_and_parts() -> None:
    ages = figure((7, 10), "range")
    assert write_figure(ages, locale_info("fr"), "low") == "7"
    assert write_figure(ages, locale_info("fr"), "high") == "10"
    assert write_figure(ages, locale_info("fr")) == "7–10"
    assert write_figure(ages, locale_info("fr"), "year") == "2022"


def data_errors(tmp_path: Path, figures: str) -> list[str]:
    path = tmp_path / "data.yaml"
    path.write_text("sources:\n  s: {name: N, title: T}\nfigures:\n" + figures, encoding="utf-8")
    with pytest.raises(BriefkitError) as caught:
        load_dataset(path)
    return str(caught.value).replace(str(tmp_path) + "/", "").splitlines()


def test_values_no_figure_can_hold_are_refused_with_their_line(tmp_path: Path) -> None:
    huge = "9" * 400
    assert data_errors(
        tmp_path,
        f"  a: {{label: A, value: {huge}, unit: count, source: s}}\n"
        "  b: {label: B, value: .nan, unit: count, source: s}\n"
        "  c: {label: C, value: .inf, unit: percent, source: s}\n"
        "  d: {label: D, value: -.inf, unit: count, source: s}\n"
        "  e: {label: E, value: 1.0e+400, unit: count, source: s}\n",
    ) == [
        "data.yaml:4: 999999999999…(400 characters) is not a figure (write a finite number of at most 15 digits)",
        "data.yaml:5: nan is not a figure (write a finite number of at most 15 digits)",
        "data.yaml:6: inf is not a figure (write a finite number of at most 15 digits)",
        "data.yaml:7: -inf is not a figure (write a finite number of at most 15 digits)",
        "data.yaml:8: inf is not a figure (write a finite number of at most 15 digits)",
    ]


def test_wrong_types_and_bad_fields_are_refused_with_their_line(tmp_path: Path) -> None:
    assert data_errors(
        tmp_path,
        "  a: {label: A, value: '12', unit: count, source: s}\n"
        "  b: {label: B, value: true, unit: count, source: s}\n"
        "  c: {label: C, value: 3, unit: count, source: s, year: '2022'}\n"
        "  d: {label: D, value: 3, unit: count, source: s, year: 20222}\n"
        "  e: {label: E, value: 3, unit: count, source: s, qualifier: over}\n"
        "  f: {label: F, value: [7, 10], unit: range, source: s, qualifier: about}\n"
        "  g: {label: G, value: [10, 7], unit: range, source: s}\n"
        "  h: {label: H, value: [7, 1.0e+400], unit: range, source: s}\n"
        "  i: {label: I, value: 3, unit: count, source: s, attribution: [x]}\n",
    ) == [
        "data.yaml:4: figures.a.value has the wrong type (see the data file format in the README)",
        "data.yaml:5: figures.b.value has the wrong type (see the data file format in the README)",
        "data.yaml:6: figures.c.year must be a whole number (see the data file format in the README)",
        "data.yaml:7: figures.d.year 20222 is not a year between 1900 and 2100 (write the year the source gives, or leave `year:` out)",
        "data.yaml:8: unknown qualifier 'over' (use one of more-than, less-than, about, or leave `qualifier:` out for an exact figure)",
        "data.yaml:9: a range takes no qualifier (use one of more-than, less-than, about, or leave `qualifier:` out for an exact figure)",
        "data.yaml:10: the range 10–7 does not rise (write the smaller end first: value: [7, 10])",
        "data.yaml:11: a range is two whole numbers (write value: [7, 10], each end at most 15 digits)",
        "data.yaml:12: figures.i.attribution must be text (see the data file format in the README)",
    ]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("{{ a }} reports.", "More than 10,000 reports."),
        ("Rose to {{ a }}.", "Rose to more than 10,000."),
        ("Done. {{ a }} followed.", "Done. More than 10,000 followed."),
        ("| Reports | {{ a }} |", "| Reports | More than 10,000 |"),
        ("- **{{ a }}** in 2022", "- **More than 10,000** in 2022"),
        ("up to **{{ a }}** in 2022", "up to **more than 10,000** in 2022"),
        ("## {{ a }}", "## More than 10,000"),
    ],
)
def test_a_qualified_figure_opening_a_sentence_starts_with_a_capital(
    text: str, written: str
) -> None:
    from briefkit.sources.placeholders import substitute

    assert substitute(text, lambda figure_id, part: "more than 10,000") == written
