"""Gettext catalogs: templates (.pot) from segments and Jinja2 templates, and .po files per locale.

Every catalog the project writes goes through `dump_catalog`, one canonical form, so that a
translator's save in Poedit or Weblate followed by `update` leaves only the real changes in a diff:
strings wrapped at 76 columns exactly as Babel wraps them, entries in source order, gettext's
header fields in gettext's order (no placeholder values, no tool stamps such as X-Generator),
previous msgids as gettext writes them (`#| msgid ""` then one quoted line each), obsolete entries
with their flags. Reading keeps the `#|` lines, which Babel alone would turn into comments.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import textwrap
from collections.abc import Iterable
from pathlib import Path

from babel.dates import format_datetime
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import PoFileError, escape, read_po, unescape

from briefkit.catalogs.syntax import check_po_syntax
from briefkit.errors import CatalogError, ConfigError
from briefkit.sources.segments import Segment
from briefkit.sources.textfile import read_utf8, shown
from briefkit.writing import write_atomic

TEMPLATES_DOMAIN = "templates"
MAX_CATALOG_BYTES = 10_000_000
WRAP_WIDTH = 76
_LAST_SECOND = 253_402_300_799  # 9999-12-31 23:59:59 UTC, the last time a .po header can write
TEMPLATE_GLOBS = (("**.html", "jinja2"), ("**.md.j2", "jinja2"))
_CREATION = re.compile(rb'^"POT-Creation-Date: .*\\n"\n', re.M)
# Babel's and gettext's placeholders for header fields nobody filled in.
_UNSET = re.compile(r"FULL NAME|EMAIL@ADDRESS|LL@li\.org|YEAR-MO-DA|^PROJECT VERSION$")
# Comments wrap as Babel (and xgettext) wrap them; translator comments are kept as written.
_COMMENTS = textwrap.TextWrapper(width=WRAP_WIDTH, break_long_words=False)


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
    """Read a .pot or .po file, `#|` previous msgids included, or raise CatalogError with the line."""
    text = read_utf8(
        path,
        CatalogError,
        what="catalog",
        missing_fix="run `python build.py extract` then `update`",
        limit=MAX_CATALOG_BYTES,
        too_big_fix="a catalog of this series is well under 1 MB; is it the right file?",
    )
    check_po_syntax(text, path)
    # Babel reads `#|` lines as translator comments and refuses `#~|`: take them out first,
    # leaving blank lines so that every message keeps its line number.
    lines, previous = _take_previous(text.split("\n"))
    try:
        catalog = read_po(io.StringIO("\n".join(lines)), locale=locale, abort_invalid=True)
    except PoFileError as exc:
        raise CatalogError(
            f"malformed catalog: {exc}",
            path=path,
            line=getattr(exc, "lineno", None),
            fix="repair the entry or re-save it in Poedit",
        ) from None
    for message in [*catalog, *catalog.obsolete.values()]:
        if message.lineno in previous:
            message.previous_id = previous[message.lineno]
    if locale is not None:
        _check_language(catalog, text, path, locale)
    return catalog


def _check_language(catalog: Catalog, text: str, path: Path, locale: str) -> None:
    """Raise when the header's Language disagrees with the locale folder the file is in (the
    build, `check` and `update` read every catalog through here, so all three say so)."""
    language = str(catalog.locale) if catalog.locale else None
    if language and language.replace("-", "_") != locale:
        found = re.search(r"^.*Language:", text, re.M)
        raise CatalogError(
            f"header says Language: {language}, but the file is in the {locale} folder",
            path=path,
            line=text.count("\n", 0, found.start()) + 1 if found else 1,
            fix=f'set "Language: {locale}\\n" in the header',
        )


def translation_forms(message: Message) -> list[str]:
    """Return the translation of an entry as a list: one string, or one per plural form."""
    string = message.string
    return [str(s or "") for s in string] if isinstance(string, list | tuple) else [string or ""]


def entry_state(message: Message | None) -> str:
    """Return "translated", "fuzzy" or "untranslated" for a catalog entry (None: absent).

    The one definition every stage uses: an entry counts as translated only when every plural
    form is filled; a partly filled plural is untranslated, whatever its flag.
    """
    if message is None or not all(translation_forms(message)):
        return "untranslated"
    return "fuzzy" if message.fuzzy else "translated"


def printable(message: Message | None, allow_fuzzy: bool) -> bool:
    """Return whether an entry's translation may be printed under a policy."""
    state = entry_state(message)
    return state == "translated" or (state == "fuzzy" and allow_fuzzy)


def dump_catalog(catalog: Catalog) -> bytes:
    """Return a catalog in the project's one canonical .po form."""
    entries = [_header_lines(catalog)]
    entries += [_entry_lines(m, catalog.num_plurals) for m in catalog if m.id]
    entries += [_entry_lines(m, catalog.num_plurals, "#~ ") for m in catalog.obsolete.values()]
    return ("\n\n".join("\n".join(lines) for lines in entries) + "\n").encode("utf-8")


def write_catalog(path: Path, catalog: Catalog) -> bool:
    """Write a catalog unless only its creation date would change; return True if written."""
    data = dump_catalog(catalog)
    if holds(path, data):
        return False
    write_atomic(path, data)
    return True


def holds(path: Path, data: bytes) -> bool:
    """Return True when the file exists and holds data, apart from the creation date."""
    return path.exists() and _CREATION.sub(b"", path.read_bytes()) == _CREATION.sub(b"", data)


def header_fields(catalog: Catalog) -> list[tuple[str, str]]:
    """Return the header of a catalog: gettext's fields in gettext's order, without placeholders."""
    fields = [
        ("Project-Id-Version", f"{catalog.project} {catalog.version}"),
        ("Report-Msgid-Bugs-To", catalog.msgid_bugs_address),
        ("POT-Creation-Date", _date(catalog.creation_date)),
    ]
    if catalog.locale_identifier:
        fields += [
            ("PO-Revision-Date", _date(catalog.revision_date)),
            ("Last-Translator", catalog.last_translator),
            ("Language-Team", catalog.language_team.removesuffix(" <>")),
            ("Language", str(catalog.locale_identifier)),
        ]
    fields += [
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
    ]
    if catalog.locale_identifier:
        fields.append(("Plural-Forms", catalog.plural_forms))
    return [(name, value) for name, value in fields if value and not _UNSET.search(value)]


def build_time() -> dt.datetime:
    """Return SOURCE_DATE_EPOCH as a time when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or epoch == "":
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    seconds = int(epoch) if re.fullmatch(r"[0-9]{1,12}", epoch) else -1
    if not 0 <= seconds <= _LAST_SECOND:
        raise ConfigError(
            f"SOURCE_DATE_EPOCH={shown(epoch[:40])} is not a time",
            fix="set it to whole seconds since 1970 in ASCII digits, as `git log -1 --format=%ct` "
            "gives them, or unset it",
        )
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _take_previous(lines: list[str]) -> tuple[list[str], dict[int, list[str]]]:
    """Blank out `#|`/`#~|` lines; return the lines and the previous msgid by msgid line (1-based)."""
    kept, previous, block = list(lines), {}, []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(("#|", "#~|")):
            block.append(stripped.removeprefix("#~").removeprefix("#").removeprefix("|").strip())
            kept[index] = ""
        elif block and stripped.removeprefix("#~").lstrip().startswith("msgid "):
            previous[index + 1] = _previous_id(block)
            block = []
    return kept, previous


def _previous_id(block: list[str]) -> list[str]:
    fields: dict[str, str] = {}
    keyword = ""
    for line in block:
        if not line.startswith('"'):
            keyword, _, line = line.partition(" ")
            fields[keyword] = ""
        fields[keyword] = fields.get(keyword, "") + unescape(line.strip())
    return [fields[k] for k in ("msgid", "msgid_plural") if k in fields]


def _header_lines(catalog: Catalog) -> list[str]:
    lines = catalog.header_comment.splitlines()
    if catalog.fuzzy:
        lines.append("#, fuzzy")
    text = "".join(f"{name}: {value}\n" for name, value in header_fields(catalog))
    return [*lines, 'msgid ""', *_field("", "msgstr", text)]


def _entry_lines(message: Message, num_plurals: int, prefix: str = "") -> list[str]:
    """Return one entry as Babel writes it, plus `#|` lines in gettext's form and obsolete flags."""
    lines = [f"# {comment}".rstrip() for comment in message.user_comments]
    if not prefix:
        for comment in message.auto_comments:
            lines += [f"#. {line}" for line in _COMMENTS.wrap(comment)]
        lines += [f"#: {line}" for line in _COMMENTS.wrap(_locations(message))]
    if message.flags:
        lines.append("#, " + ", ".join(sorted(message.flags)))
    previous = prefix.replace(" ", "| ") if prefix else "#| "
    for keyword, text in zip(("msgid", "msgid_plural"), message.previous_id, strict=False):
        lines += _field(previous, keyword, text)
    if message.context is not None:
        lines += _field(prefix, "msgctxt", message.context)
    if isinstance(message.id, str):
        lines += _field(prefix, "msgid", message.id)
        return lines + _field(prefix, "msgstr", str(message.string or ""))
    lines += _field(prefix, "msgid", message.id[0]) + _field(prefix, "msgid_plural", message.id[1])
    forms = list(message.string or ()) + [""] * num_plurals
    for index in range(num_plurals):
        lines += _field(prefix, f"msgstr[{index}]", forms[index] or "")
    return lines


def _field(prefix: str, keyword: str, text: str) -> list[str]:
    """Return `keyword "text"` wrapped as Babel wraps it, each line prefixed (`#~ `, `#| `)."""
    first, *rest = wrap_po(text, width=WRAP_WIDTH - len(prefix)).split("\n")
    return [f"{prefix}{keyword} {first}", *(f"{prefix}{line}" for line in rest)]


def wrap_po(text: str, width: int) -> str:
    """Return text as quoted .po lines, wrapped exactly as Babel's `normalize` wraps it.

    Babel splits lines with a regular expression that backtracks over every start inside a run
    of punctuation or letters: 40,000 full stops took `check` 49 s. This finds the same pieces
    (`_pieces`) in linear time; the packing into lines is Babel's rule: a piece joins the line
    while the quoted widths stay under `width`, a piece too wide for any line has one of its own,
    and a line ending in a line break always ends there."""
    lines: list[str] = []
    for line in text.splitlines(keepends=True):
        if len(escape(line)) <= width:
            lines.append(line)
            continue
        pieces, at = _pieces(line), 0
        while at < len(pieces):
            first, size = at, 2  # the quotation marks
            while at < len(pieces):
                grows = len(escape(pieces[at])) - 2
                if size + grows < width:
                    size += grows
                    at += 1
                    continue
                if at == first:  # too wide for any line: one of its own
                    at += 1
                break
            lines.append("".join(pieces[first:at]))
    if len(lines) <= 1:
        return escape(text)
    if not lines[-1]:  # as Babel does: an empty last line becomes a line break on the one before
        lines.pop()
        lines[-1] += "\n"
    return '""\n' + "\n".join(escape(line) for line in lines)


# Babel's WORD_SEP, as three parts: white space, a hyphenated word's first part (`well-`), and a
# run of two or more hyphens between words.
_SPACE_OR_DASHES = re.compile(r"\s+|(?<=[\w!\"'&.,?])-{2,}(?=\w)")
_ANY_SEPARATOR = re.compile(r"\s+|[^\s\w]*\w+[a-zA-Z]-(?=\w+[a-zA-Z])|(?<=[\w!\"'&.,?])-{2,}(?=\w)")


def _pieces(line: str) -> list[str]:
    """Return re.split(WORD_SEP, line), empty strings included, in linear time.

    The hyphenated-word part can only begin its leftmost match where the search starts, after
    white space, or where punctuation follows a letter: anywhere else, the match starting one
    character earlier is the same match, found first. Only there is it tried."""
    pieces: list[str] = []
    start = at = 0
    while at < len(line):
        before = line[at - 1] if at else " "
        tried = (
            _ANY_SEPARATOR
            if at == start or before.isspace() or (_word(before) and not _word(line[at]))
            else _SPACE_OR_DASHES
        )
        found = tried.match(line, at)
        if found is None:
            at += 1
            continue
        pieces += [line[start:at], found.group()]
        start = at = found.end()
    pieces.append(line[start:])
    return pieces


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _locations(message: Message) -> str:
    ordered = sorted(message.locations, key=lambda loc: (loc[0], loc[1] or -1))
    found = [f"{name}:{line}" if line else name for name, line in ordered]
    return " ".join(dict.fromkeys(location.replace(os.sep, "/") for location in found))


def _date(value: object) -> str:
    if isinstance(value, dt.datetime | dt.time | int | float):
        return format_datetime(value, "yyyy-MM-dd HH:mmZ", locale="en")
    return str(value or "")


def _describe(segment: Segment) -> str:
    where = f" in “{' › '.join(segment.section)}”" if segment.section else ""
    return f"{segment.kind}{where}"


def _placeholder_notes(msgid: str, notes: dict[str, str]) -> list[str]:
    from briefkit.sources.placeholders import placeholders

    shown = dict.fromkeys(placeholders(msgid))
    return [
        f"{name} shows {notes[name]}; keep it exactly as it is" for name in shown if name in notes
    ]
