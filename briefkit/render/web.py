"""The HTML edition: a localised brief as one self-contained, responsive web page.

Made from the same LocalisedBrief and the same body renderer as the PDF, through
templates/html/brief.html, with its stylesheet inlined and its charts drawn as HTML tables: the
page loads nothing, so it reads the same from a web server, a file system or an e-mail.
"""

from __future__ import annotations

from babel.numbers import format_decimal
from jinja2 import Environment
from markupsafe import Markup

from briefkit.l10n.editions import Edition
from briefkit.l10n.localise import LocalisedBrief
from briefkit.locales import LocaleInfo
from briefkit.project import Project
from briefkit.render.html import body_html, in_language, inline_html, language_name
from briefkit.render.templating import (
    Wrap,
    edition_environment,
    edition_gettext,
    edition_ngettext,
    render_template,
    template_environment,
)

TEMPLATE = "html/brief.html"
CHART = "html/chart.html"


def render_edition(project: Project, edition: Edition) -> bytes:
    """Return the HTML edition's file: the page in UTF-8."""
    source = project.locale(project.source_locale)
    if edition.brief.locale.code == source.code:
        env = edition_environment(project.templates_dir, edition)
    else:
        env = template_environment(
            project.templates_dir,
            edition_gettext(edition),
            edition_ngettext(edition),
            wrap=mark_source_language(edition.ui, edition.english, source),
        )
    return render_web(edition.brief, env, source).encode("utf-8")


def mark_source_language(ui: dict[str, str], english: frozenset[str], source: LocaleInfo) -> Wrap:
    """Return the wrap that marks a template string still in the source language with that
    language, so a screen reader reads it with the right voice (a build with --allow-partial; a
    release has none)."""
    span = Markup(f'<span lang="{source.bcp47}" dir="{source.direction}">{{}}</span>')
    return lambda msgid, html: span.format(html) if msgid in english or msgid not in ui else html


def render_web(brief: LocalisedBrief, env: Environment, source: LocaleInfo) -> str:
    """Return the HTML edition of a localised brief, as a complete document."""
    return render_template(
        env,
        TEMPLATE,
        brief=brief,
        source=source,
        body=Markup(body_html(brief, env, chart_template=CHART)),
        inline=lambda text: Markup(inline_html(text)),
        format_number=lambda n: format_decimal(n, locale=brief.locale.babel),
        language_name=language_name,
        in_source=lambda text: Markup(in_language(text, source, brief.locale)),
    )
