"""The HTML handed to WeasyPrint: the localised brief through templates/pdf/brief.html."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape

from babel.numbers import format_decimal
from jinja2 import Environment
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

from briefkit.l10n.localise import LocalisedBrief
from briefkit.locales import LocaleInfo
from briefkit.render.templating import css_string, render_template
from briefkit.sources.segments import permissive_parser
from briefkit.sources.urls import link_allowed

TEMPLATE = "pdf/brief.html"


def render_html(brief: LocalisedBrief, env: Environment, source: LocaleInfo) -> str:
    """Return the complete HTML document of a localised brief."""
    return render_template(
        env,
        TEMPLATE,
        brief=brief,
        source=source,
        body=Markup(body_html(brief, env)),
        inline=lambda text: Markup(inline_html(text)),
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
    """Return the name of a language as written in another (English in French: anglais)."""
    return of.babel.get_language_name(in_.babel) or of.english_name


def body_html(
    brief: LocalisedBrief, env: Environment, chart_template: str = "pdf/chart.html"
) -> str:
    """Return the brief's body as HTML, charts drawn by the chart template (the PDF's by default)."""
    parser = permissive_parser()
    tokens = parser.parse(brief.body)
    renderer = _Renderer(parser)
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


def inline_html(text: str) -> str:
    """Return inline Markdown (a title, a key message) as HTML without a paragraph."""
    parser = permissive_parser()
    return str(_Renderer(parser).render(parser.parseInline(text), parser.options, {}))


# Ids templates/pdf/brief.html gives its own sections; a body heading never takes one.
TEMPLATE_IDS = ("key-messages", "sources")


class _Renderer(RendererHTML):
    """markdown-it's HTML renderer, with `chart:` images drawn as charts and headings given ids."""

    charts: frozenset[str] | set[str] = frozenset()  # none in a title or a key message
    draw: Callable[[str, str, str], str]  # (chart id, caption, alt text) -> HTML

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


def _standalone_chart(tokens: Sequence[Token], idx: int) -> str | None:
    if idx + 1 >= len(tokens) or tokens[idx].type != "paragraph_open":
        return None
    children = tokens[idx + 1].children or []
    if len(children) == 1 and children[0].type == "image":
        src = str(children[0].attrs.get("src", ""))
        return src[6:] if src.startswith("chart:") else None
    return None
