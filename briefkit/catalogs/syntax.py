"""A strict reading of .po syntax, before Babel's lenient parser.

Babel turns an unterminated string into an empty one, keeps the last of two duplicate entries and
drops a malformed msgid, all silently: a translator's work would vanish without a word. This pass
names the line instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from briefkit.errors import CatalogError

_STRING = r'"(?:[^"\\]|\\.)*"'
_KEYWORD = re.compile(
    rf"^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[(\d+)\])[ \t]+({_STRING})[ \t]*$"
)
_CONTINUATION = re.compile(rf"^[ \t]*({_STRING})[ \t]*$")
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")
# Plural forms, entries obsolete (`#~`) or not: CLDR's languages have at most 6; Babel makes a
# list of nplurals strings for every plural entry, so 2,000,000,000 would exhaust memory.
MAX_PLURAL_FORMS = 10
_FORM_INDEX = re.compile(r"^[ \t]*(?:#~[ \t]*)?msgstr\[(\d+)\]", re.M)
MAX_MESSAGE_CHARS = 50_000  # per msgid or msgstr: a brief's longest paragraph is under 2,000
_CHARSET = re.compile(r"charset=([A-Za-z0-9_.:-]+)")


@dataclass
class _Entry:
    line: int
    parts: dict[str, str] = field(default_factory=dict)
    plural_forms: list[int] = field(default_factory=list)


def check_po_syntax(text: str, path: Path) -> None:
    """Raise CatalogError at the first line that is not valid gettext .po syntax."""
    _check_plural_bounds(text, path)
    entries = _entries(text, path)
    _check_header(entries, path)
    seen: dict[tuple[str | None, str], int] = {}
    nplurals = _nplurals(entries)
    for entry in entries:
        msgid = entry.parts.get("msgid")
        if msgid is None:
            raise CatalogError(
                "entry without msgid",
                path=path,
                line=entry.line,
                fix="add the msgid line or delete the entry",
            )
        key = (entry.parts.get("msgctxt"), msgid)
        if key in seen:
            raise CatalogError(
                f"duplicate entry for msgid {_excerpt(msgid)} (first at line {seen[key]})",
                path=path,
                line=entry.line,
                fix="keep one entry for each msgid (and msgctxt)",
            )
        seen[key] = entry.line
        _check_forms(entry, nplurals, path)
        _check_length(entry, path)


def _check_plural_bounds(text: str, path: Path) -> None:
    """Raise for nplurals or a msgstr[n] beyond MAX_PLURAL_FORMS, obsolete entries included."""
    for found in [*_NPLURALS.finditer(text), *_FORM_INDEX.finditer(text)]:
        count = int(found.group(1)[:6]) + (0 if found.re is _NPLURALS else 1)
        if len(found.group(1)) > 5 or count > MAX_PLURAL_FORMS:
            raise CatalogError(
                f"{_excerpt(found.group().strip())} is over the limit of "
                f"{MAX_PLURAL_FORMS} plural forms",
                path=path,
                line=text.count("\n", 0, found.start()) + 1,
                fix="set Plural-Forms as `python build.py init` writes it for the language",
            )


def _check_length(entry: _Entry, path: Path) -> None:
    for keyword, text in entry.parts.items():
        if len(text) > MAX_MESSAGE_CHARS:
            raise CatalogError(
                f"{keyword} is {len(text):,} characters, over the {MAX_MESSAGE_CHARS:,} limit",
                path=path,
                line=entry.line,
                fix="a translation is about as long as its source; is this the right text?",
            )


def _entries(text: str, path: Path) -> list[_Entry]:
    entries: list[_Entry] = []
    current: _Entry | None = None
    part: str | None = None  # the keyword a continuation line adds to
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            part = None  # obsolete (#~) entries and comments are not read
            continue
        keyword = _KEYWORD.match(stripped)
        continuation = _CONTINUATION.match(stripped)
        if keyword:
            part = keyword.group(1)
            if part in ("msgctxt", "msgid") and _starts_entry(current, part):
                current = _Entry(number)
                entries.append(current)
            if current is None:
                raise CatalogError(
                    f"{part} before any msgid",
                    path=path,
                    line=number,
                    fix="start the entry with msgid",
                )
            if keyword.group(2) is not None:
                current.plural_forms.append(int(keyword.group(2)))
            current.parts[part] = keyword.group(3)[1:-1]
        elif continuation and part is not None and current is not None:
            current.parts[part] += continuation.group(1)[1:-1]
        else:
            raise CatalogError(
                f"not .po syntax: {stripped[:60]!r}",
                path=path,
                line=number,
                fix='quote every string ("…", with \\" for a quotation mark inside) and start entries with msgid',
            )
    return entries


def _starts_entry(current: _Entry | None, keyword: str) -> bool:
    """Return True when a msgctxt or msgid line begins a new entry rather than continuing one."""
    if current is None or keyword in current.parts:
        return True
    return any(name.startswith("msgstr") for name in current.parts)


def _check_header(entries: list[_Entry], path: Path) -> None:
    header = next(
        (e for e in entries if e.parts.get("msgid") == "" and "msgctxt" not in e.parts), None
    )
    if header is None:
        return
    charset = _CHARSET.search(header.parts.get("msgstr", ""))
    if charset and charset.group(1).lower().replace("-", "") != "utf8":
        raise CatalogError(
            f"the header declares charset={charset.group(1)}",
            path=path,
            line=header.line,
            fix='catalogs are UTF-8: set "Content-Type: text/plain; charset=UTF-8\\n" and save as UTF-8',
        )


def _nplurals(entries: list[_Entry]) -> int | None:
    header = next((e for e in entries if e.parts.get("msgid") == ""), None)
    found = _NPLURALS.search(header.parts.get("msgstr", "")) if header else None
    return int(found.group(1)) if found else None


def _check_forms(entry: _Entry, nplurals: int | None, path: Path) -> None:
    if "msgid_plural" not in entry.parts:
        if entry.plural_forms:
            raise CatalogError(
                "msgstr[n] without msgid_plural",
                path=path,
                line=entry.line,
                fix="use msgstr, or add msgid_plural",
            )
        return
    if nplurals is not None and sorted(entry.plural_forms) != list(range(nplurals)):
        raise CatalogError(
            f"plural entry has {len(entry.plural_forms)} forms; the header's Plural-Forms says nplurals={nplurals}",
            path=path,
            line=entry.line,
            fix=f"give msgstr[0] to msgstr[{nplurals - 1}]",
        )


def _excerpt(text: str) -> str:
    return '"' + (text[:40] + "…" if len(text) > 40 else text) + '"'
