from __future__ import annotations

from pathlib import Path

from briefkit.project import Project
from briefkit.sources.brief import load_brief
from briefkit.sources.segments import extract_segments, translate_body


def segments_of(project: Project):
    brief = load_brief(project.briefs_dir / "sample.md")
    return brief, extract_segments(brief, "briefs/sample.md", "briefs/data/sample.yaml")


def test_every_kind_of_block_becomes_a_segment_with_its_line(sample: Project) -> None:
    _, found = segments_of(sample)
    kinds = {(s.kind, s.line) for s in found}
    assert ("title", 2) in kinds
    assert ("key message", 11) in kinds
    assert ("heading", 15) in kinds
    assert ("paragraph", 17) in kinds
    assert ("list item", 20) in kinds
    assert ("image alt", 23) in kinds and ("caption", 23) in kinds
    assert ("table header", 25) in kinds
    assert ("quote", 29) in kinds
    assert ("chart title", 17) in kinds  # the chart's title line, in the data file


def test_soft_line_breaks_fold_and_inline_markup_stays(sample: Project) -> None:
    _, found = segments_of(sample)
    paragraph = next(s for s in found if s.kind == "paragraph")
    assert paragraph.msgid == (
        "Reports rose to **{{ reports }}** in {{ reports.year }}, "
        "according to [the source](https://example.org/report)."
    )
    assert paragraph.section == ("Context",)


def test_texts_without_words_are_not_offered_for_translation(sample: Project) -> None:
    _, found = segments_of(sample)
    assert "{{ members }}" not in {s.msgid for s in found}
    assert "2021" not in {s.msgid for s in found}


def test_identity_translation_gives_back_the_source(sample: Project) -> None:
    brief, _ = segments_of(sample)
    assert translate_body(brief.body, lambda text, kind: text) == brief.body


def test_translation_keeps_markers_indentation_and_link_targets() -> None:
    body = '## Heading ##\n\n1. First\n   item\n\n> quoted\n> text\n\n   ![alt](chart:x "cap")\n\n| a | b |\n|---|---|\n| c | d |\n'
    translated = translate_body(body, lambda text, kind: f"<{text}>")
    assert translated == (
        '## <Heading>\n\n1. <First item>\n\n> <quoted text>\n\n   ![<alt>](chart:x "<cap>")\n\n'
        "| <a> | <b> |\n|---|---|\n| <c> | <d> |\n"
    )


def test_same_text_in_two_roles_gets_a_context(tmp_path: Path, sample: Project) -> None:
    path = sample.briefs_dir / "sample.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n## Members\n", encoding="utf-8")
    _, found = segments_of(sample)
    contexts = {(s.msgid, s.msgctxt) for s in found if s.msgid == "Members"}
    assert contexts == {("Members", "heading"), ("Members", "table cell")}


def test_a_body_is_parsed_once_however_many_locales_splice_it(sample: Project) -> None:
    from briefkit.sources import segments

    brief, _ = segments_of(sample)
    body = brief.body + "\n<!-- a body no other test parses -->\n"
    before = segments._blocks.cache_info()
    upper = translate_body(body, lambda text, kind: text.upper())
    lower = translate_body(body, lambda text, kind: text.lower())
    same = translate_body(body, lambda text, kind: text)
    after = segments._blocks.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 2)
    assert same == body and upper != lower  # each splice still uses its own translations
    assert "REPORTS ROSE" in upper and "reports rose" in lower
