"""The pages of the live preview: one brief in one language as its HTML edition, with what is
still untranslated or fuzzy marked; or, when an input is broken, the errors with their places.

A preview shows every edition, however incomplete (as `--allow-partial` does) and shows fuzzy
drafts, so a translator sees a draft in context before confirming it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import quote

from briefkit.catalogs.po import TEMPLATES_DOMAIN, po_path, pot_path, read_catalog
from briefkit.errors import BriefkitError, ErrorList, located
from briefkit.l10n.editions import (
    _catalog_or_none,
    _check_glyphs,
    _check_quality,
    source_segments,
)
from briefkit.l10n.localise import LocalisedBrief, localise_brief
from briefkit.preview.marks import Mark, MarkingLookup, Marks
from briefkit.project import Project
from briefkit.render.html import render_html
from briefkit.render.pdf import render_pdf
from briefkit.render.templating import render_template, template_environment
from briefkit.render.web import render_web
from briefkit.sources.brief import Brief, load_brief
from briefkit.sources.segments import Segment

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """A rendered preview page: the HTML and how many texts are still owed."""

    html: str
    untranslated: int = 0
    fuzzy: int = 0
    errors: tuple[str, ...] = ()  # `file:line: what (fix)`, when the page shows errors instead


@dataclass(frozen=True)
class Edition:
    """One brief localised for the preview, with its template strings."""

    brief: LocalisedBrief
    ui: dict[str, str]
    marks: Marks


class Memo:
    """What a preview reuses between rebuilds, each result keyed on the files it was made from:
    a saved catalog then costs only its own checks, not the brief's YAML and the templates'."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[tuple[tuple[int, int] | None, ...], Any]] = {}

    def get(self, name: str, files: Iterable[Path], make: Callable[[], T]) -> T:
        """Return what make() returned for these files as they are now, calling it if they changed."""
        stamp = tuple(_stamp(path) for path in files)
        found = self.entries.get(name)
        if found is not None and found[0] == stamp:
            return cast(T, found[1])
        value = make()
        self.entries[name] = (stamp, value)
        return value


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def preview_page(project: Project, slug: str, code: str, memo: Memo | None = None) -> Page:
    """Return the preview of one brief in one language, or a page listing what is broken."""
    try:
        edition = localise_for_preview(project, slug, code, memo=memo or Memo())
    except BriefkitError as error:
        return error_page(project, slug, code, error)
    env = template_environment(project.templates_dir, lambda text: edition.ui.get(text, text))
    try:
        html = render_web(edition.brief, env, project.locale(project.source_locale))
    except BriefkitError as error:
        return error_page(project, slug, code, error)
    marks = edition.marks
    return Page(marks.apply(html), marks.count("untranslated"), marks.count("fuzzy"))


def preview_pdf(project: Project, slug: str, code: str, memo: Memo | None = None) -> bytes:
    """Return the PDF of the previewed edition (fuzzy drafts and English gaps as shown)."""
    edition = localise_for_preview(project, slug, code, marked=False, memo=memo or Memo())
    env = template_environment(project.templates_dir, lambda text: edition.ui.get(text, text))
    html = render_html(edition.brief, env, project.locale(project.source_locale))
    return render_pdf(html, project.templates_dir / "pdf", f"{slug} {code} pdf")


def localise_for_preview(
    project: Project, slug: str, code: str, *, marked: bool = True, memo: Memo
) -> Edition:
    """Return the brief in one language as the preview shows it; raise when an input is broken."""
    brief, segments = _source(project, slug, memo)
    is_source = code == project.source_locale
    marks = Marks() if marked and not is_source else None
    policy = dataclasses.replace(project.policy(code), allow_fuzzy=True)
    path = po_path(project.translations_dir, code, slug)
    catalog = None if is_source else _catalog_or_none(path, code)
    _check_quality(project, code, catalog, path, segments)
    lookup = MarkingLookup(catalog, path, policy, marks, project.root)
    localised = localise_brief(brief, segments, project.locale(code), lookup, policy.reviewed)
    _check_glyphs(project, lookup, code)
    served = _template_strings(project, code, memo)
    ui = {
        msgid: text if mark is None or marks is None else marks.wrap(text, mark)
        for msgid, (text, mark) in served.items()
    }
    return Edition(localised, ui, marks or Marks())


def _source(project: Project, slug: str, memo: Memo) -> tuple[Brief, list[Segment]]:
    """Return the brief and its segments, read again only when the brief or a data file changed."""
    path = project.briefs_dir / f"{slug}.md"
    files = [path, *sorted((project.briefs_dir / "data").glob("*"))]

    def load() -> tuple[Brief, list[Segment]]:
        brief = load_brief(path)
        return brief, source_segments(project, brief)

    return memo.get(f"brief {slug}", files, load)


def _template_strings(
    project: Project, code: str, memo: Memo
) -> dict[str, tuple[str, Mark | None]]:
    """Return each template string's text in the locale and its mark if still owed."""
    pot = pot_path(project.translations_dir, TEMPLATES_DOMAIN)
    path = po_path(project.translations_dir, code, TEMPLATES_DOMAIN)
    files = [
        pot,
        path,
        project.root / "pyproject.toml",
        project.templates_dir / "fonts.yaml",
        project.translations_dir / "glossary.yaml",
    ]

    def look_up() -> dict[str, tuple[str, Mark | None]]:
        template = read_catalog(pot)
        catalog = None if code == project.source_locale else _catalog_or_none(path, code)
        _check_quality(project, code, catalog, path, [])
        policy = dataclasses.replace(project.policy(code), allow_fuzzy=True)
        lookup = MarkingLookup(catalog, path, policy, None, project.root)
        where = _relative(project, pot)
        is_source = code == project.source_locale
        served = {}
        for message in template:
            if not (message.id and isinstance(message.id, str)):
                continue
            segment = Segment(
                message.id, "template", message.lineno or 0, where, msgctxt=message.context
            )
            text, mark = lookup.served(segment)
            served[message.id] = (text, None if is_source else mark)  # the source owes nothing
        _check_glyphs(project, lookup, code)
        return served

    return memo.get(f"templates {code}", files, look_up)


def error_page(project: Project, slug: str, code: str, error: BriefkitError) -> Page:
    """Return a page that lists the errors, each linked to its file and line."""
    errors = error.errors if isinstance(error, ErrorList) else (error,)
    lines = tuple(describe(project, e) for e in errors)
    env = template_environment(project.templates_dir, lambda text: text)
    listed = [
        {"text": text, "href": _href(project, e)} for e, text in zip(errors, lines, strict=True)
    ]
    html = render_template(env, "preview/errors.html", slug=slug, code=code, errors=listed)
    return Page(html, errors=lines)


def describe(project: Project, error: BriefkitError) -> str:
    """Return `file:line: what (fix)`, the file relative to the project root."""
    where = _relative_or_absolute(project, error.path) if error.path is not None else None
    return located(where, error.line, error.message, error.fix)


def _href(project: Project, error: BriefkitError) -> str | None:
    """Return the preview's link to the error's file and line; None outside the project."""
    try:
        where = _relative(project, error.path) if error.path is not None else None
    except ValueError:
        return None  # never served, so not linked
    if where is None:
        return None
    return "/_source/" + quote(where) + (f"#L{error.line}" if error.line else "")


def _relative_or_absolute(project: Project, path: Path) -> str:
    try:
        return _relative(project, path)
    except ValueError:
        return str(path)


def _relative(project: Project, path: Path) -> str:
    return path.resolve().relative_to(project.root).as_posix()
