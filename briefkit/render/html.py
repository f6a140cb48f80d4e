"""The HTML handed to WeasyPrint: the localised brief through templates/pdf/brief.html."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from html import escape

from babel import Locale
from babel.numbers import format_decimal
from jinja2 import Environment
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

from briefkit.l10n.localise import LocalisedBrief
from briefkit.l10n.typesetting import Setting, set_text
from briefkit.locales import LocaleInfo
from briefkit.render.templating import css_string, render_template
from briefkit.sources.segments import fold, permissive_parser
from briefkit.sources.urls import link_allowed

TEMPLATE = "pdf/brief.html"
SHORT_CELL = 24  # characters: a table cell this short is set on one line


def render_html(
    brief: LocalisedBrief,
    env: Environment,
    source: LocaleInfo,
    preview: bool = False,
    setting: Setting | None = None,
    fit_css: str = "",
    deferred: Mapping[int, int] | None = None,
) -> str:
    """Return the complete HTML document of a localised brief.

    A preview marks its fallback and fuzzy text; `setting` names words not to hyphenate;
    `fit_css` holds the fitter's adjustments, and `deferred` how many blocks each float (chart
    or table, counted from 0) moves down."""
    setting = setting or Setting(brief.locale.language)
    return render_template(
        env,
        TEMPLATE,
        brief=brief,
        preview=preview,
        source=source,
        body=Markup(body_html(brief, env, source, setting, deferred)),
        inline=lambda text: Markup(inline_html(text, setting)),
        fit_css=Markup(fit_css),
        # `_` gave the string escaped for HTML; inside <style> it becomes CSS strings instead.
        page_x_of_y=lambda text: Markup(page_counter_content(Markup(text).unescape())),
        format_number=lambda n: format_decimal(n, locale=brief.locale.babel),
        language_name=language_name,
        in_source=lambda text: Markup(in_language(text, source, brief.locale)),
    )


def page_counter_content(translated: str) -> str:
    """Return CSS `content` for a translated "Page %(page)s of %(pages)s"."""
    parts = re.split(r"(%\((?:page|pages)\)s)", translated)
    css = []
    for part in parts:
        if part == "%(page)s":
            css.append("counter(page)")
        elif part == "%(pages)s":
            css.append("counter(pages)")
        elif part:
            css.append(css_string(part))
    return " ".join(css) or '""'


def in_language(text: str, of: LocaleInfo, within: LocaleInfo) -> str:
    """Return text left in another language as an isolated run marked with that language."""
    if of.code == within.code:
        return escape(text)
    return f'<bdi lang="{of.bcp47}">{escape(text)}</bdi>'


def language_name(of: LocaleInfo, in_: LocaleInfo) -> str:
    """Return the name of a language as written in another (English in French: anglais), with
    its region where the locale has one (pt_BR in Portuguese: português (Brasil)); a script
    subtag alone (zh_Hans) is not named."""
    loc = of.babel
    if loc.territory:
        regional = Locale(loc.language, territory=loc.territory).get_display_name(in_.babel)
        if regional:
            return regional
    return loc.get_language_name(in_.babel) or of.english_name


def body_html(
    brief: LocalisedBrief,
    env: Environment,
    source: LocaleInfo | None = None,
    setting: Setting | None = None,
    deferred: Mapping[int, int] | None = None,
    chart_template: str = "pdf/chart.html",
) -> str:
    """Return the brief's body as HTML, charts drawn by the chart template (the PDF's by default); a block shown
    in the source language is tagged with it (lang, dir: hyphenated and read as English) and
    classed `fallback`, one printed from a fuzzy entry classed `fuzzy` (a preview shows both)."""
    parser = permissive_parser()
    tokens = defer_floats(parser.parse(brief.body), deferred or {})
    if source is not None:
        mark_blocks(tokens, brief, source)
    renderer = _Renderer(parser)
    renderer.setting = setting or Setting(brief.locale.language)
    renderer.draw = lambda chart_id, caption, alt: render_template(
        env,
        chart_template,
        chart=brief.charts[chart_id],
        caption=caption,
        alt=alt,
        locale=brief.locale,
    )
    renderer.charts = set(brief.charts)
    return renderer.render(tokens, parser.options, {})


def mark_blocks(tokens: Sequence[Token], brief: LocalisedBrief, source: LocaleInfo) -> None:
    """Set lang and a class on the block holding each fallback or fuzzy text."""
    for index, token in enumerate(tokens):
        if token.type != "inline" or index == 0:
            continue
        text = fold(token.content)
        fallback, fuzzy = text in brief.fallback, text in brief.fuzzy
        if not (fallback or fuzzy):
            continue
        block = tokens[index - 1]
        if block.hidden and index > 1:  # a tight list item's paragraph: mark the item
            block = tokens[index - 2]
        if fallback:
            block.attrSet("lang", source.bcp47)
            if source.direction != brief.locale.direction:
                block.attrSet("dir", source.direction)
        block.attrJoin("class", "fallback" if fallback else "fuzzy")


def inline_html(text: str, setting: Setting | None = None) -> str:
    """Return inline Markdown (a title, a key message) as HTML without a paragraph."""
    parser = permissive_parser()
    renderer = _Renderer(parser)
    renderer.setting = setting or Setting("en")
    return str(renderer.render(parser.parseInline(text), parser.options, {}))


# Ids templates/pdf/brief.html gives its own sections; a body heading never takes one.
TEMPLATE_IDS = ("key-messages", "sources")


class _Renderer(RendererHTML):
    """markdown-it's HTML renderer, with `chart:` images drawn as charts, headings given ids and
    text set by the language's typesetting rules."""

    charts: frozenset[str] | set[str] = frozenset()  # none in a title or a key message
    draw: Callable[[str, str, str], str]  # (chart id, caption, alt text) -> HTML
    setting: Setting

    def text(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        last = not any(t.type == "text" and t.content.strip() for t in tokens[idx + 1 :])
        return set_text(tokens[idx].content, self.setting, last)

    def paragraph_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        chart = _standalone_chart(tokens, idx)
        return "" if chart is not None else super().renderToken(tokens, idx, options, env)

    def paragraph_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        chart = _standalone_chart(tokens, idx - 2)
        return "" if chart is not None else super().renderToken(tokens, idx, options, env)

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        src = str(token.attrs.get("src", ""))
        alt = self.renderInlineAsText(token.children or [], options, env)
        if src.startswith("chart:") and src[6:] in self.charts:
            return self.draw(src[6:], str(token.attrs.get("title", "")), alt)
        # Only charts are drawn; any other image is refused earlier, so show its text.
        return escape(alt)

    def td_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._cell(tokens, idx, options, env)

    def th_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._cell(tokens, idx, options, env)

    def _cell(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        # A short cell (a figure with its unit: "More than 32 million", "7–10 ans") is kept on
        # one line; the table gives its column the room.
        if len(tokens[idx + 1].content) <= SHORT_CELL:
            tokens[idx].attrJoin("class", "short")
        return super().renderToken(tokens, idx, options, env)

    def link_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        # The allow-list of sources/urls.py, as the DOCX filter applies it: any other target
        # (markdown-it's own rule would let `smb:` or a relative path through) is left as text.
        if not link_allowed(str(tokens[idx].attrs.get("href", ""))):
            tokens[idx].meta["refused"] = True
            return ""
        return super().renderToken(tokens, idx, options, env)

    def link_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        depth = 0
        for opening in reversed(tokens[:idx]):
            if opening.type == "link_close":
                depth += 1
            elif opening.type == "link_open":
                if depth == 0:
                    return "" if opening.meta.get("refused") else "</a>"
                depth -= 1
        return ""

    def heading_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        text = tokens[idx + 1].content
        slug = re.sub(r"[^\w]+", "-", text.lower()).strip("-") or "section"
        used: set[str] = env.setdefault("ids", set(TEMPLATE_IDS))
        unique, count = slug, 1
        while unique in used:  # two headings with the same text, or the template's own ids
            count += 1
            unique = f"{slug}-{count}"
        used.add(unique)
        tokens[idx].attrSet("id", unique)
        return super().renderToken(tokens, idx, options, env)


def defer_floats(tokens: list[Token], deferred: Mapping[int, int]) -> list[Token]:
    """Return the body's tokens with float k (a chart or a table) moved down deferred[k] blocks
    (up, when negative).

    This is how a publisher fills the hole a float leaves when it does not fit at the foot of a
    page: the text after it comes first, or the float goes above the text before it. A float
    never moves past a heading or another float, so it stays in its section and in order."""
    if not deferred:
        return tokens
    blocks: list[list[Token]] = []
    for token in tokens:
        if token.level == 0 and (not blocks or _closed(blocks[-1])):
            blocks.append([])
        blocks[-1].append(token)
    floats = [i for i, block in enumerate(blocks) if _is_float(block)]
    for index in sorted(deferred, reverse=True):
        if index >= len(floats):
            continue
        at = floats[index]
        way = 1 if deferred[index] > 0 else -1
        for _ in range(abs(deferred[index])):
            to = at + way
            if not 0 <= to < len(blocks) or _is_float(blocks[to]):
                break
            if blocks[to][0].type == "heading_open":
                break
            blocks[at], blocks[to] = blocks[to], blocks[at]
            at = to
    return [token for block in blocks for token in block]


def _closed(block: list[Token]) -> bool:
    return sum(token.nesting for token in block if token.level == 0) == 0


def _is_float(block: list[Token]) -> bool:
    return block[0].type == "table_open" or _standalone_chart(block, 0) is not None


def _standalone_chart(tokens: Sequence[Token], idx: int) -> str | None:
    if idx + 1 >= len(tokens) or tokens[idx].type != "paragraph_open":
        return None
    children = tokens[idx + 1].children or []
    if len(children) == 1 and children[0].type == "image":
        src = str(children[0].attrs.get("src", ""))
        return src[6:] if src.startswith("chart:") else None
    return None
