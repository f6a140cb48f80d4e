"""Reading a project text file: present, within its size limit, valid UTF-8, one kind of line ending."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from briefkit.errors import BriefkitError
from briefkit.safefs import read_regular


def read_utf8(
    path: Path,
    error: type[BriefkitError],
    *,
    what: str,
    missing_fix: str,
    limit: int,
    too_big_fix: str,
) -> str:
    """Return the file's text (BOM dropped, line endings as \\n), or raise `error` naming the line."""
    try:
        raw = read_regular(path, limit, error, too_big_fix, what)
    except FileNotFoundError:
        raise error(f"{what} not found", path=path, fix=missing_fix) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error("not valid UTF-8", path=path, line=line, fix="save the file as UTF-8") from None
    return re.sub(r"\r\n?", "\n", text.removeprefix("\ufeff"))


def invisible(char: str) -> bool:
    """Return True for a control or format character (a line break is neither here)."""
    return char != "\n" and unicodedata.category(char) in ("Cc", "Cf")


def shown(text: str) -> str:
    """Return text with each invisible or control character written as \\uXXXX, line breaks as
    \\n: safe to print in a terminal or a log, and visible to the person reading it."""
    return "".join(
        "\\n" if char == "\n" else f"\\u{ord(char):04x}" if invisible(char) else char
        for char in text
    )
