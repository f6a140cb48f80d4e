"""The brief series itself: every figure quoted exists in the data file, carries a source, and is in the source text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefkit.l10n.editions import source_segments
from briefkit.locales import locale_info
from briefkit.project import load_project
from briefkit.sources.brief import Brief, load_brief
from briefkit.sources.data import format_figure
from briefkit.sources.placeholders import PLACEHOLDER

ROOT = Path(__file__).resolve().parent.parent
PROJECT = load_project(ROOT)
BRIEFS = [load_brief(path) for path in PROJECT.brief_paths()]
PRESS_RELEASE = ROOT.parent / "shared" / "source" / "gta-2023-press-release.txt"
YEAR = re.compile(r"^(19|20)\d\d$")


def used_figures(brief: Brief) -> set[str]:
    segments = source_segments(PROJECT, brief)
    used = {m.group(1) for s in segments for m in PLACEHOLDER.finditer(s.msgid)}
    for chart_id in re.findall(r"\]\(chart:([a-z0-9_]+)", brief.body):
        used |= {bar.figure for bar in brief.data.charts[chart_id].bars}
    return used


def test_the_series_has_at_least_four_briefs_each_with_a_chart() -> None:
    assert len(BRIEFS) >= 4
    for brief in BRIEFS:
        assert re.search(r"^!\[[^\]]+\]\(chart:", brief.body, re.M), brief.slug


@pytest.mark.parametrize("brief", BRIEFS, ids=lambda b: b.slug)
def test_every_figure_quoted_exists_and_carries_a_source(brief: Brief) -> None:
    for figure_id in used_figures(brief):
        figure = brief.data.figures[figure_id]
        source = brief.data.sources[figure.source]
        assert source.name and source.title, figure_id


@pytest.mark.parametrize("brief", BRIEFS, ids=lambda b: b.slug)
def test_no_number_is_typed_into_the_text(brief: Brief) -> None:
    """Numbers go through placeholders, so each is sourced and formatted per language; years may be written."""
    for segment in source_segments(PROJECT, brief):
        words = re.sub(
            r"\]\([^)]*\)", "]", PLACEHOLDER.sub("", segment.msgid)
        )  # link targets are not figures
        for number in re.findall(r"\d+(?:[,.]\d+)*", words):
            assert YEAR.match(number), (
                f"{segment.path}:{segment.line}: {number!r} is not a placeholder"
            )


def test_every_figure_value_appears_in_the_source_text() -> None:
    assert PRESS_RELEASE.exists(), (
        f"{PRESS_RELEASE} is missing: the source of the figures must sit beside the repo"
    )
    text = PRESS_RELEASE.read_text(encoding="utf-8").replace("‑", "-")
    english = locale_info("en")
    for brief in BRIEFS:
        for figure_id in used_figures(brief):
            written = format_figure(brief.data.figures[figure_id], english).replace("–", "-")
            assert re.search(rf"(?<![\d,.]){re.escape(written)}(?![\d,])", text), (
                f"{figure_id}: {written!r} is not in the source"
            )
