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


def source_text() -> str:
    """Return the press release with dashes, quotation marks and spaces made plain."""
    assert PRESS_RELEASE.exists(), (
        f"{PRESS_RELEASE} is missing: the source of the briefs must sit beside the repo"
    )
    return plain(PRESS_RELEASE.read_text(encoding="utf-8"))


def plain(text: str) -> str:
    for fancy, simple in (("‑–—", "-"), ("‘’", "'"), ("“”", '"'), ("\u00a0\u202f", " ")):
        text = re.sub(f"[{fancy}]", simple, text)
    return re.sub(r"\s+", " ", text)


# How the press release words each qualifier of the data model.
SOURCE_QUALIFIERS = {
    "more-than": r"(?:over|more than) ",
    "less-than": r"(?:less than|under) ",
    "about": r"(?:about|around|approximately|nearly) ",
}
ANY_QUALIFIER = "|".join(SOURCE_QUALIFIERS.values())


def test_every_figure_appears_in_the_source_with_its_qualifier_and_year() -> None:
    """The value as English writes it, qualified as the source qualifies it, near its year."""
    text = source_text()
    english = locale_info("en")
    checked = set()
    for brief in BRIEFS:
        for figure_id in used_figures(brief) - checked:
            checked.add(figure_id)
            figure = brief.data.figures[figure_id]
            written = re.escape(format_figure(figure, english).replace("–", "-"))
            if figure.unit == "range":  # "7-10-year-olds", "aged between 15-17 years"
                written = written.replace(r"\-", "-")
            value = rf"(?<![\d,.]){written}(?![\d,])"
            if figure.qualifier is None:
                found = [
                    m
                    for m in re.finditer(value, text)
                    if not re.search(rf"(?:{ANY_QUALIFIER})$", text[: m.start()], re.I)
                ]
            else:
                qualified = SOURCE_QUALIFIERS[figure.qualifier] + value
                found = list(re.finditer(qualified, text, re.I))
            assert found, f"{figure_id}: {written!r} ({figure.qualifier}) is not in the source"
            if figure.year is not None:
                assert any(
                    str(figure.year) in text[max(m.start() - 80, 0) : m.end() + 80] for m in found
                ), f"{figure_id}: the source gives no year {figure.year} beside {written!r}"
            if figure.attribution is not None:
                credited = figure.attribution.split(",")[0].split(" (")[0]
                assert credited in text, f"{figure_id}: {credited!r} is not in the source"


def test_an_unqualified_figure_would_be_caught() -> None:
    """The check above fails on a qualifier the source does not give, or one it drops."""
    text = source_text()
    assert not re.search(SOURCE_QUALIFIERS["less-than"] + "10,000", text, re.I)
    assert re.search(rf"(?:{ANY_QUALIFIER})$", text[: text.index("10,000 reports")], re.I)


QUOTATION = re.compile(r"“([^”]+)”")


def quotations(brief: Brief) -> list[tuple[str, str]]:
    segments = source_segments(PROJECT, brief)
    return [
        (f"{segment.path}:{segment.line}", match.group(1))
        for segment in segments
        for match in QUOTATION.finditer(segment.msgid)
    ]


@pytest.mark.parametrize("brief", BRIEFS, ids=lambda b: b.slug)
def test_every_quotation_occurs_in_the_source(brief: Brief) -> None:
    text = source_text().lower()
    found = quotations(brief)
    assert found, f"{brief.slug} quotes nobody"
    for where, quoted in found:
        words = plain(quoted).lower().rstrip(".").replace("…", "")
        assert words in text, f"{where}: “{quoted}” is not in the source"


def test_a_misquotation_would_be_caught() -> None:
    text = source_text().lower()
    assert plain("Children’s safety must be non-negotiable").lower() in text
    assert plain("Children’s safety must be negotiable").lower() not in text


def test_the_sources_list_cites_the_press_release_and_nothing_as_cited_in() -> None:
    text = source_text()
    for brief in BRIEFS:
        for source in brief.data.sources.values():
            assert "as cited in" not in source.title.lower(), source.id
            assert plain(source.title) in text, f"{source.id}: {source.title!r} is no title"
            if source.year is not None:
                assert str(source.year) in text, source.id


@pytest.mark.parametrize("brief", BRIEFS, ids=lambda b: b.slug)
def test_english_apostrophes_are_curly(brief: Brief) -> None:
    for segment in source_segments(PROJECT, brief):
        assert "'" not in segment.msgid, f"{segment.path}:{segment.line}: {segment.msgid!r}"


@pytest.mark.parametrize("brief", BRIEFS, ids=lambda b: b.slug)
def test_the_prevention_call_keeps_those_who_have_experienced_abuse(brief: Brief) -> None:
    """The call covers "those who have or are at risk of perpetrating or experiencing abuse"."""
    body = brief.body + " ".join(brief.key_messages)
    if "public health approach" in body.lower():
        assert "perpetrated or experienced abuse" in body, brief.slug


@pytest.mark.parametrize("brief", BRIEFS, ids=lambda b: b.slug)
def test_where_suicide_is_mentioned_a_pointer_to_support_follows(brief: Brief) -> None:
    paragraphs = brief.body.split("\n\n")
    for i, paragraph in enumerate(paragraphs):
        if "taken their own lives" in paragraph:
            following = " ".join(paragraphs[i + 1 : i + 3])
            assert "child helpline or crisis support service" in following, brief.slug


FACT_CHECK = ROOT / "docs" / "fact-check.md"


def fact_check_passages() -> list[tuple[int, str]]:
    """Return (line, passage) for each passage quoted in the fact-check tables' second column."""
    found = []
    for number, line in enumerate(FACT_CHECK.read_text(encoding="utf-8").splitlines(), 1):
        cells = line.split(" | ")
        if line.startswith("| ") and len(cells) >= 3 and not cells[1].startswith("Passage"):
            found += [(number, passage) for passage in QUOTATION.findall(cells[1])]
    return found


def test_every_passage_of_the_fact_check_occurs_in_the_source() -> None:
    text = source_text().lower()
    passages = fact_check_passages()
    assert len(passages) > 50
    for number, passage in passages:
        assert plain(passage).lower() in text, f"docs/fact-check.md:{number}: “{passage}”"


def test_the_fact_check_covers_every_figure_the_briefs_show() -> None:
    document = FACT_CHECK.read_text(encoding="utf-8")
    english = locale_info("en")
    for brief in BRIEFS:
        for figure_id in used_figures(brief):
            figure = brief.data.figures[figure_id]
            written = format_figure(figure, english)
            assert written in document, f"{figure_id}: {written} has no row in docs/fact-check.md"


def test_translators_learn_that_a_range_may_be_written_by_its_ends() -> None:
    pot = (ROOT / "translations" / "overview.pot").read_text(encoding="utf-8")
    comments = pot.replace("\n#. ", " ")  # Babel wraps comments at 76 columns
    assert (
        "{{ self_generated_age_range }} shows 7–10 (a range: your language may write its ends as "
        "{{ self_generated_age_range.low }} and {{ self_generated_age_range.high }} instead); "
        "keep it exactly as it is"
    ) in comments


def test_the_source_note_is_translated_and_names_no_day() -> None:
    """The note says what the source is, in the edition's language; its name and title stay English."""
    from briefkit.l10n.editions import localise, source_segments

    brief = next(b for b in BRIEFS if b.slug == "overview")
    [source] = localise(PROJECT, brief, source_segments(PROJECT, brief), "fr", False).sources
    assert source.title.startswith("Alarming escalation")
    assert source.note is not None and source.note.startswith("Communiqué de presse d’octobre 2023")
