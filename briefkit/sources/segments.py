"""Segments: the units translators see, found in a brief, and put back after translation.

Extraction walks markdown-it-py's tokens, which carry source line ranges. Each heading,
paragraph, list item, quote, table cell and standalone image (alt text and caption) becomes one
segment whose msgid is its inline Markdown, soft line breaks folded into spaces. Reassembly
splices translations back into the source lines, so everything that is not text (list markers,
indentation, table layout, link targets) stays as the author wrote it; a block whose translation
equals its source is copied unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefkit.sources.brief import Brief
from briefkit.sources.frontmatter import TRANSLATABLE
from briefkit.sources.placeholders import PLACEHOLDER

IMAGE = re.compile(
    r'^!\[(?P<alt>(?:[^\]\\]|\\.)*)\]\((?P<src>[^\s)]+)(?:\s+"(?P<title>(?:[^"\\]|\\.)*)")?\)$'
)


@dataclass(frozen=True)
class Segment:
    """One translatable unit of a brief."""

    msgid: str
    kind: str  # "title", "key message", "heading", "paragraph", "list item", "table cell", ...
    line: int  # line in the source file
    path: str  # source file, relative to the project root
    section: tuple[str, ...] = ()  # heading path, for context
    msgctxt: str | None = None


@dataclass(frozen=True)
class _Block:
    """A run of body lines holding one or more segments, and how to rebuild it."""

    first: int  # 0-based, in the body
    last: int  # exclusive
    style: str  # "inline", "row" or "image"
    texts: tuple[str, ...]
    kinds: tuple[str, ...]
    section: tuple[str, ...]
    lead: str = ""  # the first line of the inline content, as it stands in the source
    target: str = ""  # an image's URL


@cache
def markdown_parser() -> MarkdownIt:
    """Return the one Markdown parser: CommonMark plus tables, raw HTML treated as text."""
    return MarkdownIt("commonmark", {"html": False}).enable("table")


@cache
def permissive_parser() -> MarkdownIt:
    """Return the one parser keeping every link and picture whatever its scheme (read only).

    markdown-it's own rule prints a `javascript:`, `file:` or `data:` target as Markdown text
    where pandoc makes it a link: the checks and the PDF renderer parse with this one instead,
    so all three see the same links, and the allow-list of urls.py decides for all of them."""
    parser = markdown_parser()
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


def plain_text(markdown: str) -> str:
    """Return inline Markdown as the text a reader sees: words, code and image alt texts, line
    breaks as spaces; no markup signs and no link targets."""
    return "".join(
        token_text(child)
        for token in markdown_parser().parseInline(markdown)
        for child in token.children or []
    )


def token_text(child: Token) -> str:
    """Return what one inline token shows a reader (see `plain_text`)."""
    if child.type in ("text", "code_inline", "image"):
        return str(child.content)
    return " " if child.type in ("softbreak", "hardbreak") else ""


def extract_segments(brief: Brief, root_relative: str, data_relative: str) -> list[Segment]:
    """Return the brief's segments in reading order: front matter, body, then chart labels."""
    found = [
        Segment(getattr(brief, field), field, brief.line_of(field), root_relative)
        for field in TRANSLATABLE
        if getattr(brief, field)
    ]
    found += [
        Segment(message, "key message", brief.line_of("key_messages", i), root_relative)
        for i, message in enumerate(brief.key_messages)
    ]
    for block in _blocks(brief.body):
        for text, kind in zip(block.texts, block.kinds, strict=True):
            if needs_translation(text):
                found.append(
                    Segment(text, kind, brief.body_line + block.first, root_relative, block.section)
                )
    return assign_contexts(found + _chart_segments(brief, data_relative))


def needs_translation(text: str) -> bool:
    """Return True when a text has words to translate (not only figures, digits and signs)."""
    return any(unicodedata.category(char).startswith("L") for char in PLACEHOLDER.sub("", text))


def chart_refs(body: str) -> list[tuple[str, int]]:
    """Return (chart id, 0-based body line) for every standalone `chart:` image."""
    return [
        (block.target.removeprefix("chart:"), block.first)
        for block in _blocks(body)
        if block.style == "image" and block.target.startswith("chart:")
    ]


def _chart_segments(brief: Brief, data_relative: str) -> list[Segment]:
    found = []
    for chart_id in dict.fromkeys(cid for cid, _ in chart_refs(brief.body)):
        chart = brief.data.charts.get(chart_id)
        if chart is None:
            continue  # reported by the source check, with the brief's line
        found.append(Segment(chart.title, "chart title", chart.line, data_relative, (chart_id,)))
        for i, bar in enumerate(chart.bars):
            figure = brief.data.figures[bar.figure]
            if bar.label is None:
                found.append(
                    Segment(figure.label, "chart label", figure.line, data_relative, (chart_id,))
                )
            else:
                line = brief.data.line_of("charts", chart_id, "bars", i)
                found.append(Segment(bar.label, "chart label", line, data_relative, (chart_id,)))
    return [segment for segment in found if needs_translation(segment.msgid)]


def assign_contexts(segments: list[Segment]) -> list[Segment]:
    """Give a msgctxt (the role) to texts that occur in more than one role."""
    roles: dict[str, set[str]] = {}
    for segment in segments:
        roles.setdefault(segment.msgid, set()).add(segment.kind)
    return [replace(s, msgctxt=s.kind) if len(roles[s.msgid]) > 1 else s for s in segments]


def translate_body(body: str, translate: Callable[[str, str], str]) -> str:
    """Return the body with each segment replaced by translate(msgid, kind)."""
    lines = body.split("\n")
    for block in reversed(_blocks(body)):
        new = tuple(
            translate(t, k) if t.strip() else t
            for t, k in zip(block.texts, block.kinds, strict=True)
        )
        if new != block.texts:
            lines[block.first : block.last] = [
                _rebuild(lines[block.first : block.last], block, new)
            ]
    return "\n".join(lines)


@lru_cache(maxsize=1024)
def _blocks(body: str) -> tuple[_Block, ...]:
    """Return the body's blocks. Cached: every locale of a brief splices the same source, and
    localising one edition asks three times (charts, sources, body)."""
    return tuple(_parse_blocks(body))


def _parse_blocks(body: str) -> Iterator[_Block]:
    tokens = markdown_parser().parse(body)
    lines = body.split("\n")
    section: list[tuple[int, str]] = []
    context: list[str] = []
    for index, token in enumerate(tokens):
        if token.type.endswith("_open") and token.type != "paragraph_open":
            context.append(token.type.removesuffix("_open"))
        elif token.type.endswith("_close") and token.type != "paragraph_close":
            context.pop()
        if token.type != "inline" or token.map is None:
            continue
        text = fold(token.content)
        if tokens[index - 1].type == "heading_open":
            level = int(tokens[index - 1].tag[1])
            section = [s for s in section if s[0] < level] + [(level, text)]
            yield _inline_block(token, text, "heading", (), lines)
            continue
        where = tuple(s[1] for s in section)
        if context and context[-1] in ("th", "td"):
            yield from _row_block(token, tokens, index, context[-1], where)
        else:
            yield _inline_block(token, text, _kind(context), where, lines)


def _kind(context: list[str]) -> str:
    if "blockquote" in context:
        return "quote"
    if "list_item" in context:
        return "list item"
    return "paragraph"


def _inline_block(
    token: Token, text: str, kind: str, section: tuple[str, ...], lines: list[str]
) -> _Block:
    assert token.map is not None
    first, last = token.map
    if kind == "heading":
        last = first + 1  # a setext underline stays in place
    lead = token.content.split("\n")[0].rstrip()
    image = IMAGE.match(text)
    if image and kind != "heading":
        texts = (fold(image["alt"]), fold(image["title"] or ""))
        return _Block(
            first, last, "image", texts, ("image alt", "caption"), section, lead, image["src"]
        )
    return _Block(first, last, "inline", (text,), (kind,), section, lead)


def _row_block(
    token: Token, tokens: list[Token], index: int, cell: str, section: tuple[str, ...]
) -> Iterator[_Block]:
    """Yield one block per table row, at the row's first cell."""
    if tokens[index - 2].type != "tr_open":
        return
    assert token.map is not None
    texts = []
    for later in tokens[index - 1 :]:
        if later.type == "tr_close":
            break
        if later.type == "inline":
            texts.append(fold(later.content))
    kind = "table header" if cell == "th" else "table cell"
    yield _Block(token.map[0], token.map[0] + 1, "row", tuple(texts), (kind,) * len(texts), section)


def fold(content: str) -> str:
    """Return inline content with its soft line breaks folded into single spaces."""
    return " ".join(part.strip() for part in content.split("\n")).strip()


def _rebuild(lines: list[str], block: _Block, new: tuple[str, ...]) -> str:
    flat = tuple(fold(text) for text in new)
    if block.style == "row":
        return "| " + " | ".join(text.replace("|", "\\|") for text in flat) + " |"
    prefix = _prefix(lines[0], block)
    if block.style == "image":
        alt, title = flat
        caption = f' "{_escape(title, chr(34))}"' if title else ""
        return f"{prefix}![{_escape(alt, ']')}]({block.target}{caption})"
    return prefix + flat[0]


def _prefix(first_line: str, block: _Block) -> str:
    """Return what precedes the text on the block's first line (markers, indentation)."""
    stripped = first_line.rstrip()
    if stripped.endswith(block.lead):
        return stripped[: len(stripped) - len(block.lead)]
    return first_line[
        : max(first_line.find(block.lead), 0)
    ]  # e.g. a heading's closing #s follow the text


def _escape(text: str, char: str) -> str:
    return re.sub(r"(?<!\\)" + re.escape(char), "\\" + char, text)
