"""templating: compiled templates are shared by every environment, each keeping its own `_`."""

from __future__ import annotations

from pathlib import Path

from briefkit.render import templating
from briefkit.render.templating import render_template, template_environment


def test_each_environment_translates_with_its_own_gettext(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text('<p>{{ _("Key messages") }}</p>\n', encoding="utf-8")
    french = template_environment(tmp_path, {"Key messages": "Messages clés"}.get)
    english = template_environment(tmp_path, lambda text: text)
    assert render_template(french, "page.html") == "<p>Messages clés</p>\n"
    assert render_template(english, "page.html") == "<p>Key messages</p>\n"
    assert render_template(french, "page.html") == "<p>Messages clés</p>\n"


def test_a_template_is_compiled_once_per_process(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<p>{{ title }}</p>\n", encoding="utf-8")
    before = len(templating._COMPILED.codes)
    for title in ("one", "two", "three"):
        env = template_environment(tmp_path, lambda text: text)
        assert render_template(env, "page.html", title=title) == f"<p>{title}</p>\n"
    assert len(templating._COMPILED.codes) == before + 1


def test_an_edited_template_is_compiled_again(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<p>first</p>\n", encoding="utf-8")
    assert render_template(template_environment(tmp_path, str), "page.html") == "<p>first</p>\n"
    page.write_text("<p>second</p>\n", encoding="utf-8")
    assert render_template(template_environment(tmp_path, str), "page.html") == "<p>second</p>\n"
