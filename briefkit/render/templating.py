"""The Jinja2 environment shared by the PDF and DOCX templates, with the templates domain as `_`."""

from __future__ import annotations

import gettext as gettext_module
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

if TYPE_CHECKING:
    from briefkit.l10n.editions import Edition

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]


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
    templates_dir: Path, gettext: Gettext, ngettext: Ngettext | None = None
) -> Environment:
    """Return the environment: templates from templates/, autoescaped HTML, strict variables."""
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
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext,
        ngettext=ngettext or english_ngettext(gettext),
        newstyle=True,
    )
    return env


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
