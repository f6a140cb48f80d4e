"""The Jinja2 environment shared by the PDF and DOCX templates, with the templates domain as `_`.

A translated template string is data, never markup: `_` escapes it for what it lands in (HTML
in the PDF's and the download page's templates, Markdown in the DOCX frame) and fills its
`%(name)s` fields itself. `%` has one meaning: `%(name)s` with a name the template passes is
the field, and every other `%` is a literal percent sign (no widths, no flags, no `%%`), so
"Téléchargements (100%)" prints as written and `%(number)20000000s` prints as text.
"""

from __future__ import annotations

import gettext as gettext_module
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from jinja2.bccache import Bucket
from jinja2.nodes import EvalContext
from jinja2.utils import pass_eval_context
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from briefkit.l10n.editions import Edition

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]
# (msgid, the translated string as HTML) -> the HTML to print; the download page marks a
# string still in English with lang="en".
Wrap = Callable[[str, Markup], Markup]
FIELD = re.compile(r"%\((\w+)\)s")
# Every ASCII punctuation character may be backslash-escaped in CommonMark (and pandoc's reader).
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def english_ngettext(gettext: Gettext) -> Ngettext:
    """Return ngettext by the source language's rule: one, or other."""
    return lambda singular, plural, n: gettext(singular) if n == 1 else gettext(plural)


class _Compiled(BytecodeCache):
    """Compiled templates kept for the life of the process, keyed by name and source checksum.

    Each artifact gets its own environment (its own `_`), which would otherwise compile every
    template again: about a twentieth of a build's time.
    """

    def __init__(self) -> None:
        self.codes: dict[tuple[str, str], Any] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        bucket.code = self.codes.get((bucket.key, bucket.checksum))

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.codes[(bucket.key, bucket.checksum)] = bucket.code


_COMPILED = _Compiled()


def template_environment(
    templates_dir: Path,
    gettext: Gettext,
    ngettext: Ngettext | None = None,
    wrap: Wrap | None = None,
) -> Environment:
    """Return the environment: templates from templates/, autoescaped HTML, strict variables,
    and `_` and `ngettext` giving each translated string as text (escaped for HTML or
    Markdown); `%(num)s` in a plural string is the count, as in Jinja's own ngettext."""
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_COMPILED,
    )
    translate = _translator(gettext, wrap)
    choose = ngettext or english_ngettext(gettext)

    def plural(eval_ctx: EvalContext, singular: str, plural: str, n: int, **fields: Any) -> str:
        text = choose(singular, plural, n)
        return translate(eval_ctx, singular, _text=text, **{"num": n, **fields})

    env.globals.update(gettext=translate, _=translate, ngettext=pass_eval_context(plural))
    env.filters["css_string"] = css_string
    return env


def _translator(gettext: Gettext, wrap: Wrap | None) -> Callable[..., str]:
    @pass_eval_context
    def translate(
        eval_ctx: EvalContext, msgid: str, _text: str | None = None, **fields: Any
    ) -> str:
        text = gettext(msgid) if _text is None else _text
        if not eval_ctx.autoescape:
            return fill(text, fields, markdown_text)
        html = Markup(fill(text, fields, escape))
        return wrap(msgid, html) if wrap is not None else html

    return translate


def fill(text: str, fields: dict[str, Any], quote: Callable[[Any], str]) -> str:
    """Return text quoted with `quote`, each `%(name)s` of a given name replaced by its quoted
    field; every other character, `%` included, is text."""
    out, at = [], 0
    for match in FIELD.finditer(text):
        if match[1] in fields:
            out += [quote(text[at : match.start()]), quote(fields[match[1]])]
            at = match.end()
    out.append(quote(text[at:]))
    return "".join(str(part) for part in out)


class MarkdownSafe(str):
    """Markdown a renderer built itself, its text already escaped (a span marking a passage in
    the source language): `_` passes it into a translated string as it is."""


def markdown_text(text: Any) -> str:
    """Return text that pandoc's Markdown reader prints as it is: every ASCII punctuation mark
    backslash-escaped and line breaks as spaces, so it can start no block, link or markup."""
    if isinstance(text, MarkdownSafe):
        return str(text)
    flat = " ".join(str(text).splitlines())
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", flat)


def css_string(text: Any) -> Markup:
    """Return text as a quoted CSS string safe inside <style>: quotes, backslashes, `<`, `>`,
    `&` and line breaks as CSS escapes, so it can neither end the string nor the element."""

    def code(match: re.Match[str]) -> str:
        return f"\\{ord(match[0]):x} "

    inner = re.sub(r'["\\<>&\x00-\x1f\x7f]', code, str(text))
    return Markup(f'"{inner}"')


def render_template(env: Environment, name: str, **context: Any) -> str:
    """Render one template to text."""
    return env.get_template(name).render(**context)


def edition_gettext(edition: Edition) -> Gettext:
    """Return `_` for an edition's templates: its template strings, the msgid where missing."""
    return lambda text: edition.ui.get(text, text)


def edition_ngettext(edition: Edition) -> Ngettext:
    """Return ngettext for an edition: the form its language's plural rule picks for n."""
    rule = plural_rule(edition.brief.locale.plural_forms)
    fallback = english_ngettext(edition_gettext(edition))

    def ngettext(singular: str, plural: str, n: int) -> str:
        forms = edition.ui_plurals.get(singular)
        if not forms or forms[:2] == (singular, plural):  # untranslated: the English forms
            return fallback(singular, plural, n)
        return forms[min(rule(n), len(forms) - 1)]

    return ngettext


def plural_rule(plural_forms: str) -> Callable[[int], int]:
    """Return the form index function of a Plural-Forms header value (`nplurals=…; plural=…;`)."""
    expression = plural_forms.partition("plural=")[2].strip().rstrip(";")
    return gettext_module.c2py(expression or "n != 1")


def edition_environment(templates_dir: Path, edition: Edition) -> Environment:
    """Return the environment an edition's templates render in."""
    return template_environment(templates_dir, edition_gettext(edition), edition_ngettext(edition))
