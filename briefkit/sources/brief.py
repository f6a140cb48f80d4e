"""Loading a brief: YAML front matter, Markdown body, and the data file it names."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from briefkit.errors import BriefError
from briefkit.sources.data import Dataset, load_dataset
from briefkit.sources.frontmatter import check_front_matter
from briefkit.sources.textfile import read_utf8
from briefkit.sources.yamlsource import Lines, load_yaml

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_BRIEF_BYTES = 1_000_000


@dataclass(frozen=True)
class Brief:
    """One source brief, in the source language."""

    slug: str
    path: Path
    title: str
    subtitle: str
    audience: str
    series: str
    number: int | None
    date: dt.date
    publisher: str
    key_messages: tuple[str, ...]
    body: str  # the Markdown after the front matter
    body_line: int  # the file line on which the body starts
    lines: Lines  # file line of every front-matter value
    data: Dataset

    def line_of(self, *key: str | int) -> int:
        """Return the file line of a front-matter value."""
        return self.lines.get(key, 1)


def load_brief(path: Path) -> Brief:
    """Read a brief and its data file, or raise BriefError naming the line and the fix."""
    slug = path.stem
    if not SLUG.match(slug):
        raise BriefError(
            f"brief name {slug!r} is not a slug",
            path=path,
            fix="use lowercase letters, digits and hyphens, e.g. briefs/civil-society.md",
        )
    text = _read_text(path)
    front, body, body_line = _split_front_matter(text, path)
    meta, lines = load_yaml(front, path, first_line=2)
    front_matter = check_front_matter(meta, lines, path)
    if not body.strip():
        raise BriefError(
            "the brief has no body",
            path=path,
            line=body_line,
            fix="write the brief below the front matter",
        )
    data = load_dataset(_data_path(path, front_matter.data, lines))
    return Brief(
        slug=slug,
        path=path,
        title=front_matter.title,
        subtitle=front_matter.subtitle,
        audience=front_matter.audience,
        series=front_matter.series,
        number=front_matter.number,
        date=front_matter.date,
        publisher=front_matter.publisher,
        key_messages=tuple(front_matter.key_messages),
        body=body,
        body_line=body_line,
        lines=lines,
        data=data,
    )


def _read_text(path: Path) -> str:
    text = read_utf8(
        path,
        BriefError,
        what="brief",
        missing_fix="check the name given to --brief",
        limit=MAX_BRIEF_BYTES,
        too_big_fix="a policy brief is a few pages; split it into several briefs",
    )
    control = _CONTROL.search(text)
    if control:
        raise BriefError(
            f"control character U+{ord(control.group()):04X} in the text",
            path=path,
            line=text.count("\n", 0, control.start()) + 1,
            fix="delete it; a brief holds only printable text, tabs and line breaks",
        )
    return text


def _split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise BriefError(
            "no front matter",
            path=path,
            line=1,
            fix="start the file with a line '---', the YAML fields, and another '---'",
        )
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise BriefError(
        "front matter is not closed",
        path=path,
        line=1,
        fix="add a line '---' after the YAML fields",
    )


def _data_path(brief_path: Path, name: str, lines: Lines) -> Path:
    briefs_dir = brief_path.parent.resolve()
    candidate = (briefs_dir / name).resolve()
    if not candidate.is_relative_to(briefs_dir / "data") or candidate.suffix not in (
        ".yaml",
        ".yml",
    ):
        raise BriefError(
            f"data file {name!r} is outside briefs/data/",
            path=brief_path,
            line=lines.get(("data",), 2),
            fix="put the data file in briefs/data/ and write `data: data/<name>.yaml`",
        )
    return candidate
