"""The Jinja2 environment shared by the PDF and DOCX templates, with the templates domain as `_`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

Gettext = Callable[[str], str]


def template_environment(templates_dir: Path, gettext: Gettext) -> Environment:
    """Return the environment: templates from templates/, autoescaped HTML, strict variables."""
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext,
        ngettext=lambda singular, plural, n: gettext(singular) if n == 1 else gettext(plural),
        newstyle=True,
    )
    return env


def render_template(env: Environment, name: str, **context: Any) -> str:
    """Render one template to text."""
    return env.get_template(name).render(**context)
