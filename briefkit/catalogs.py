"""Gettext catalogs: templates (.pot) from segments and Jinja2 templates, and .po files per locale.

Every catalog the project writes goes through `dump_catalog`, one canonical form (Babel's writer,
76-column wrap, source order, `#|` previous msgids), so re-running a command never rewrites a
file that did not change in substance.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import PoFileError, read_po, write_po

from .errors import CatalogError
from .po_syntax import check_po_syntax
from .segments import Segment
from .writing import write_atomic

TEMPLATES_DOMAIN = "templates"
WRAP_WIDTH = 76
TEMPLATE_GLOBS = (("**.html", "jinja2"), ("**.md.j2", "jinja2"))
_CREATION = re.compile(rb'^"POT-Creation-Date: .*\\n"\n', re.M)


def pot_path(translations_dir: Path, domain: str) -> Path:
    """Return the path of a domain's template."""
    return translations_dir / f"{domain}.pot"


def po_path(translations_dir: Path, locale: str, domain: str) -> Path:
    """Return the path of a domain's catalog for a locale."""
    return translations_dir / locale / "LC_MESSAGES" / f"{domain}.po"


def new_catalog(domain: str, locale: str | None = None) -> Catalog:
    """Return an empty catalog with the project's header."""
    return Catalog(
        locale=locale,
        domain=domain,
        header_comment=f"# Translations of the {domain!r} domain of this brief series.\n#",
        project=f"briefs-{domain}",
        version="1",
        msgid_bugs_address="https://github.com/briefkit/briefkit/issues",
        creation_date=build_time(),
        revision_date=build_time(),
        language_team=None,
        fuzzy=False,
    )


def segments_catalog(domain: str, segments: Iterable[Segment], notes: dict[str, str]) -> Catalog:
    """Return the template catalog of a brief: one message per distinct (msgctxt, msgid)."""
    catalog = new_catalog(domain)
    for segment in segments:
        key = (segment.msgid, segment.msgctxt)
        location = (segment.path, segment.line)
        existing = catalog.get(segment.msgid, segment.msgctxt)
        if existing is not None:
            existing.locations.append(location)
            continue
        catalog[key[0]] = Message(
            segment.msgid,
            locations=[location],
            auto_comments=[_describe(segment), *_placeholder_notes(segment.msgid, notes)],
            context=segment.msgctxt,
        )
    return catalog


def templates_catalog(templates_dir: Path, root: Path) -> Catalog:
    """Return the template catalog of the strings in the Jinja2 templates."""
    catalog = new_catalog(TEMPLATES_DOMAIN)
    for filename, line, message, comments, context in extract_from_dir(
        templates_dir,
        method_map=TEMPLATE_GLOBS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        location = ((templates_dir / filename).relative_to(root).as_posix(), line)
        msgid = message if isinstance(message, str) else message[0]
        existing = catalog.get(msgid, context)
        if existing is not None:
            existing.locations.append(location)
        else:
            catalog.add(msgid, locations=[location], auto_comments=comments, context=context)
    return catalog


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    """Read a .pot or .po file, or raise CatalogError with the line and a fix."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CatalogError(
            "catalog not found", path=path, fix="run `python build.py extract` then `update`"
        ) from None
    try:
        check_po_syntax(raw.decode("utf-8"), path)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogError(
            "not valid UTF-8", path=path, line=line, fix="save the file as UTF-8"
        ) from None
    try:
        return read_po(io.BytesIO(raw), locale=locale, abort_invalid=True, charset="utf-8")
    except PoFileError as exc:
        raise CatalogError(
            f"malformed catalog: {exc}",
            path=path,
            line=getattr(exc, "lineno", None),
            fix="repair the entry or re-save it in Poedit",
        ) from None


def dump_catalog(catalog: Catalog) -> bytes:
    """Return a catalog in the project's one canonical .po form."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WRAP_WIDTH, include_previous=True, sort_output=False)
    return buffer.getvalue()


def write_catalog(path: Path, catalog: Catalog) -> bool:
    """Write a catalog unless only its creation date would change; return True if written."""
    data = dump_catalog(catalog)
    if path.exists() and _CREATION.sub(b"", path.read_bytes()) == _CREATION.sub(b"", data):
        return False
    write_atomic(path, data)
    return True


def build_time() -> dt.datetime:
    """Return SOURCE_DATE_EPOCH as a time when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _describe(segment: Segment) -> str:
    where = f" in “{' › '.join(segment.section)}”" if segment.section else ""
    return f"{segment.kind}{where}"


def _placeholder_notes(msgid: str, notes: dict[str, str]) -> list[str]:
    from .placeholders import placeholders

    shown = dict.fromkeys(placeholders(msgid))
    return [
        f"{name} shows {notes[name]}; keep it exactly as it is" for name in shown if name in notes
    ]
