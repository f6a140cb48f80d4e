from __future__ import annotations

import pytest

from briefkit.locales import locale_info
from briefkit.sources.data import Figure, format_figure


def figure(value, unit: str, style: str = "plain") -> Figure:
    return Figure("f", "label", value, unit, style, 2022, "src", 1)


@pytest.mark.parametrize(
    ("locale", "percent", "compact", "plain", "seconds"),
    [
        ("en", "87%", "32 million", "10,000", "19 seconds"),
        ("fr", "87\u00a0%", "32 millions", "10\u202f000", "19\u00a0secondes"),
        ("es", "87\u00a0%", "32 millones", "10.000", "19 segundos"),
        ("ru", "87\u00a0%", "32 миллиона", "10\u00a0000", "19 секунд"),
        ("ar", "87%", "32 مليون", "10,000", "19 ثانية"),
        ("zh_Hans", "87%", "3200万", "10,000", "19秒钟"),
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
