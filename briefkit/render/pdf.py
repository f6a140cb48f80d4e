"""HTML to PDF with WeasyPrint: tagged PDF/UA, loading nothing outside templates/, warnings fatal."""

from __future__ import annotations

import atexit
import logging
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from briefkit.errors import RenderError
from briefkit.render.html import render_html
from briefkit.render.pdf_tags import hook_weasyprint_tagging, repair_structure
from briefkit.render.templating import edition_environment

if TYPE_CHECKING:
    from briefkit.l10n.editions import Edition
    from briefkit.project import Project

PDF_VARIANT = "pdf/ua-1"
# Renderer messages judged harmless, each with the reason. Anything else fails the artifact.
HARMLESS_WARNINGS: tuple[tuple[str, str], ...] = ()


def render_edition(project: Project, edition: Edition) -> bytes:
    """Return the PDF of an edition: its HTML through WeasyPrint, assets from templates/pdf/."""
    env = edition_environment(project.templates_dir, edition)
    html = render_html(edition.brief, env, project.locale(project.source_locale))
    return render_pdf(html, project.templates_dir / "pdf", f"{edition.what} pdf")


def render_pdf(html: str, assets_dir: Path, where: str) -> bytes:
    """Return the PDF of an HTML document whose relative URLs resolve in assets_dir."""
    import weasyprint  # imported here: a build with nothing to render never loads it

    hook_weasyprint_tagging()
    fetcher = _fetcher_class(weasyprint)(assets_dir)
    with _captured_warnings() as warnings:
        try:
            document = weasyprint.HTML(
                string=html, base_url=str(assets_dir) + "/", url_fetcher=fetcher
            )
            pdf = document.write_pdf(
                pdf_variant=PDF_VARIANT, custom_metadata=True, font_config=font_configuration()
            )
        except _Blocked as exc:
            raise RenderError(f"{where}: blocked a load of {exc.url}", fix=exc.fix) from None
    _fail_on_warnings(warnings, where)
    assert isinstance(pdf, bytes)
    return repair_structure(pdf)


@cache
def font_configuration() -> Any:
    """Return this process's one WeasyPrint font configuration.

    WeasyPrint makes a new one per document by default, so every PDF and every chart picture
    loads its fonts into a cold Pango font map again; sharing one keeps those caches warm (about
    a third less time per PDF, byte-identical output). Only an @font-face rule adds to it, and
    only the templates could hold one (briefs and translations never reach the CSS), so every
    document of a build would add the same fonts anyway.
    """
    from weasyprint.text.fonts import FontConfiguration

    # Dropped before the interpreter winds down, so it can still delete what an @font-face
    # left in its temporary folder.
    atexit.register(font_configuration.cache_clear)
    return FontConfiguration()


class _Blocked(BaseException):
    def __init__(self, url: str, fix: str) -> None:
        super().__init__(url)
        self.url, self.fix = url, fix


def _fetcher_class(weasyprint: Any) -> type:
    """Return a URLFetcher that serves only regular files under the assets folder.

    Not `data:` URIs: one in an `<a rel="attachment">` or a stylesheet would carry a file or a
    style into the PDF without touching the disk. The templates load nothing that way."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class Blocked(_Blocked, FatalURLFetchingError):  # type: ignore[misc]
        pass

    class AssetsOnly(URLFetcher):  # type: ignore[misc]
        def __init__(self, assets: Path) -> None:
            super().__init__(allowed_protocols=("file",))
            self.assets = assets.resolve()

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "file" and not parts.netloc:
                target = Path(unquote(parts.path))
                if target.resolve().is_relative_to(self.assets) and _regular(target):
                    return super().fetch(url, headers)
            raise Blocked(url, "only files under templates/ may be loaded")

    return AssetsOnly


def _regular(path: Path) -> bool:
    """Return True for a regular file itself: no symbolic link, device or fifo."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


@contextmanager
def _captured_warnings() -> Iterator[list[str]]:
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


def _fail_on_warnings(messages: list[str], where: str) -> None:
    harmful = [m for m in messages if not any(pattern in m for pattern, _ in HARMLESS_WARNINGS)]
    if harmful:
        raise RenderError(
            f"{where}: WeasyPrint warned: {harmful[0]}"
            + (f" (and {len(harmful) - 1} more)" if len(harmful) > 1 else ""),
            fix="fix what it names; a warning fails the artifact unless listed in HARMLESS_WARNINGS",
        )
