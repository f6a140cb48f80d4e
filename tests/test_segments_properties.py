"""Laws of extraction and splicing, checked on generated Markdown (Hypothesis).

300 examples per law by default; a longer fuzzing run:
`.venv/bin/python -m pytest tests/test_segments_properties.py --hypothesis-profile=fuzz` (5,000 each).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from briefkit.sources.segments import _blocks, fold, markdown_parser, translate_body

# What load_brief lets through: printable text, tabs and "\n" line breaks (it normalises \r, refuses controls).
PRINTABLE = st.characters(
    codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"), include_characters="\n\t"
)
WORD = st.text(
    alphabet=st.characters(
        codec="utf-8",
        categories=("L", "N", "P", "S", "Zs"),
        exclude_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    ),
    min_size=1,
    max_size=12,
)
INLINE = st.lists(
    st.one_of(
        WORD,
        WORD.map(lambda w: f"**{w.strip() or 'x'}**"),
        WORD.map(lambda w: f"[{w.strip() or 'x'}](https://example.org/{abs(hash(w)) % 97})"),
        st.sampled_from(["{{ figure }}", "{{ figure.year }}", "`code`", "2023"]),
    ),
    min_size=1,
    max_size=6,
).map(" ".join)
BLOCK = st.one_of(
    INLINE,
    INLINE.map(lambda t: f"## {t}"),
    st.lists(INLINE, min_size=1, max_size=3).map(lambda items: "\n".join(f"- {i}" for i in items)),
    st.lists(INLINE, min_size=1, max_size=3).map(
        lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1))
    ),
    INLINE.map(lambda t: f"> {t}\n> {t}"),
    st.tuples(INLINE, INLINE).map(lambda c: f"| {c[0]} | {c[1]} |\n|---|---|\n| {c[1]} | {c[0]} |"),
    INLINE.map(lambda t: f'![{t}](chart:growth "{t}")'),
    st.text(PRINTABLE, max_size=80),  # anything a brief may hold, including broken syntax
)
DOCUMENT = st.lists(BLOCK, min_size=1, max_size=8).map("\n\n".join)


@given(DOCUMENT)
def test_identity_translation_gives_back_the_source_exactly(body: str) -> None:
    assert translate_body(body, lambda text, kind: text) == body


@given(DOCUMENT)
def test_extraction_never_crashes_and_finds_folded_texts(body: str) -> None:
    for block in _blocks(body):
        assert all(text == fold(text) for text in block.texts)


@given(DOCUMENT)
def test_a_translation_keeps_the_block_structure(body: str) -> None:
    """Marking every text keeps the same sequence of block types (headings, lists, tables, quotes)."""

    def structure(markdown: str) -> list[str]:
        return [t.type for t in markdown_parser().parse(markdown) if t.type.endswith("_open")]

    translated = translate_body(body, lambda text, kind: f"T {text}" if text.strip() else text)
    assert structure(translated) == structure(body)
