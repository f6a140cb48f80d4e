"""YAML loading that remembers the line of every value, so errors can point at it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from briefkit.errors import BriefError

Lines = dict[tuple[str | int, ...], int]
# The only YAML types a brief, a data file or the glossary holds; any other tag (`!foo`,
# `!!binary`, `!!python/...`) is refused rather than constructed.
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
)


def load_yaml(text: str, path: Path, first_line: int = 1) -> tuple[Any, Lines]:
    """Return the parsed YAML and a map from key path to 1-based file line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark is not None else first_line
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BriefError(
            f"invalid YAML: {problem}",
            path=path,
            line=line,
            fix="check indentation, and quote values that contain ':' or start with '{'",
        ) from None
    if node is None:
        return None, {}
    lines: Lines = {}
    return _value(node, (), lines, first_line, path, set()), lines


def _value(
    node: yaml.Node,
    key: tuple[str | int, ...],
    lines: Lines,
    first: int,
    path: Path,
    seen: set[int],
) -> Any:
    if id(node) in seen and not isinstance(node, yaml.ScalarNode):
        # An alias repeats a node; nested aliases grow exponentially (the "billion laughs").
        raise BriefError(
            "YAML aliases (*name) are not allowed",
            path=path,
            line=first + node.start_mark.line,
            fix="write the value out in full",
        )
    seen.add(id(node))
    line = first + node.start_mark.line
    lines[key] = line
    if node.tag not in _PLAIN_TAGS:
        raise BriefError(
            f"YAML tag {node.tag!r} is not allowed",
            path=path,
            line=line,
            fix="remove the tag; write plain text, numbers, dates, lists and mappings",
        )
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value)
            if name in result:
                raise BriefError(
                    f"duplicate key {name!r}",
                    path=path,
                    line=first + key_node.start_mark.line,
                    fix="keep one of the two",
                )
            result[name] = _value(value_node, (*key, name), lines, first, path, seen)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _value(item, (*key, i), lines, first, path, seen) for i, item in enumerate(node.value)
        ]
    try:
        return _CONSTRUCTOR.construct_object(node)
    except (ValueError, OverflowError, yaml.YAMLError):
        # YAML reads 2023-13-45 as a date, then the calendar refuses it.
        raise BriefError(
            f"{node.value!r} is not a valid value",
            path=path,
            line=line,
            fix="write dates as real YYYY-MM-DD dates, or quote the value to keep it as text",
        ) from None


_CONSTRUCTOR = yaml.SafeLoader("")  # only its scalar constructors are used
