"""The front matter of a brief, declared once: every field, its type and its limits.

The YAML is checked against this schema in one pass, and every problem is reported at once with
its line, so an author fixes them all before the next build.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from briefkit.errors import BriefError, BriefkitError, raise_all
from briefkit.sources.yamlsource import Lines

Text = Annotated[str, StringConstraints(strip_whitespace=False, min_length=1, max_length=2000)]
TRANSLATABLE = ("title", "subtitle", "audience", "series")


class FrontMatter(BaseModel):
    """The fields a brief may set above its Markdown body."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    title: Text
    subtitle: str = ""
    audience: str = ""
    series: str = ""
    number: Annotated[int, Field(ge=1, le=9999)] | None = None
    date: dt.date
    publisher: Text
    data: Text
    key_messages: Annotated[list[Text], Field(min_length=1, max_length=20)]


# The fields in the order an author meets them in the README, the required ones first.
FIELDS = (
    "title",
    "date",
    "publisher",
    "data",
    "key_messages",
    "subtitle",
    "audience",
    "series",
    "number",
)
# What each field must be, and what to do when it is not, in an author's words.
_EXPECTED = {
    "date": ("`date` is not a date", "write it as YYYY-MM-DD"),
    "number": (
        "`number` must be a whole number from 1 to 9999",
        "write the brief's place in its series, e.g. `number: 3`",
    ),
    "key_messages": (
        "`key_messages` must be a list of sentences",
        "write each message on its own line starting with '- '",
    ),
}


def check_front_matter(meta: Any, lines: Lines, path: Path) -> FrontMatter:
    """Return the front matter as declared, or raise every problem at once with its line."""
    if not isinstance(meta, dict):
        raise BriefError(
            "front matter must be a YAML mapping", path=path, line=2, fix="write `key: value` lines"
        )
    try:
        return FrontMatter.model_validate(meta)
    except ValidationError as exc:
        raise_all(_problem(error, lines, path) for error in exc.errors())
    raise AssertionError("unreachable")  # pragma: no cover


def _problem(error: Any, lines: Lines, path: Path) -> BriefkitError:
    location = tuple(error["loc"])
    field = str(location[0]) if location else ""
    line = _line(lines, location)
    if error["type"] == "missing":
        return BriefError(
            f"front matter has no `{field}`", path=path, line=2, fix=f"add `{field}:`"
        )
    if error["type"] == "extra_forbidden":
        return BriefError(
            f"unknown front-matter field {field!r}",
            path=path,
            line=line,
            fix=f"use one of {', '.join(FIELDS)}",
        )
    what, fix = _EXPECTED.get(field, (f"`{field}` must be text", "quote the value"))
    return BriefError(what, path=path, line=line, fix=fix)


def _line(lines: Lines, location: tuple[Any, ...]) -> int:
    """Return the line of the value at location, or of the nearest enclosing one."""
    while location:
        if location in lines:
            return lines[location]
        location = location[:-1]
    return 2
