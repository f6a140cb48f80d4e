"""The terminology of the series: translations/glossary.yaml, one row per concept.

A row gives, per language, the preferred terms, the terms to avoid, the titles of laws and
treaties that may quote an avoided term, and the sources the row rests on (ids listed under
`sources:`). A part with no source is marked `unsourced`, and then only warns.

Terms match case-insensitively, on whole words in scripts that separate words with spaces and
anywhere in Chinese and Japanese. `*` at the start or end of a word stands for any letters
(`matériel*` for the plural, `*الإباحية` for an Arabic prefix, `детск*` for Russian cases);
straight and curly apostrophes, hyphens, е and ё, and any run of white space match each other.
A word in parentheses is optional, with alternatives (`exploitation et (les|des|d') abus`).

An avoided term is allowed inside a quoted title: a title listed for that concept and language,
written in the text in italics (`*…*`) or inside quotation marks or book-title marks
(“…”, «…», "…", 《…》). A term listed under `quoted` is allowed inside quotation marks, so
that a brief can quote a speaker verbatim ("Sextortion … is on the rise") while its own words
keep to the preferred term; like a title, such an exception needs a source.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from briefkit.errors import BriefkitError, ConfigError
from briefkit.locales import locale_info
from briefkit.qa.characters import skeleton
from briefkit.sources.segments import markdown_parser, token_text
from briefkit.sources.yamlsource import Lines, load_yaml

GLOSSARY_FILE = "glossary.yaml"
PARTS = ("preferred", "avoid", "titles")
_CELL_KEYS = (*PARTS, "quoted", "sources", "unsourced", "note")
_OPTIONAL = re.compile(r"^\(([^()]+)\)$")
_QUOTED = re.compile(r"《[^》]*》|«[^»]*»|“[^”]*”|„[^“”]*[“”]|\"[^\"]*\"")


@dataclass(frozen=True)
class Term:
    """A glossary term and the pattern that finds it."""

    text: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Cell:
    """What a concept's row says for one language."""

    language: str
    preferred: tuple[Term, ...]
    avoid: tuple[Term, ...]
    titles: tuple[Term, ...]
    sources: tuple[str, ...]
    unsourced: frozenset[str]  # the parts (preferred, avoid, titles) that rest on no source
    line: int
    quoted: tuple[Term, ...] = ()  # avoided terms allowed inside quotation marks

    def sourced(self, part: str) -> bool:
        """Return True when a part of the cell rests on a source."""
        return part not in self.unsourced


@dataclass(frozen=True)
class Concept:
    """One row of the glossary."""

    id: str
    cells: dict[str, Cell]
    line: int

    def cell(self, locale: str) -> Cell | None:
        """Return the cell of a locale (zh_Hans), or of its language (zh) when it has none."""
        return self.cells.get(locale) or self.cells.get(locale.split("_")[0])


@dataclass(frozen=True)
class Glossary:
    """The whole glossary."""

    path: Path | None
    concepts: tuple[Concept, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A term found in a text, at offsets of that text's plain form."""

    concept: Concept
    cell: Cell
    term: Term
    found: str  # the words as written
    plain: str  # the plain text searched
    start: int
    end: int


def glossary_path(translations_dir: Path) -> Path:
    """Return where the glossary lives."""
    return translations_dir / GLOSSARY_FILE


def load_glossary(path: Path) -> Glossary:
    """Read the glossary (an absent file is an empty glossary), or raise naming the line."""
    if not path.exists():
        return Glossary(None)
    return _load_cached(path, path.stat().st_mtime_ns)


@cache
def _load_cached(path: Path, mtime: int) -> Glossary:
    try:
        data, lines = load_yaml(path.read_text(encoding="utf-8"), path)
    except BriefkitError as exc:
        raise ConfigError(exc.message, path=path, line=exc.line, fix=exc.fix) from None
    reader = _Reader(path, lines)
    data = reader.mapping(data or {}, (), ("sources", "concepts"))
    sources = reader.mapping(data.get("sources") or {}, ("sources",), None)
    concepts = reader.sequence(data.get("concepts") or [], ("concepts",))
    return Glossary(
        path,
        tuple(reader.concept(raw, i, set(sources)) for i, raw in enumerate(concepts)),
    )


def avoided(glossary: Glossary, text: str, locale: str) -> list[Hit]:
    """Return the terms to avoid in a Markdown text, except those inside a quoted title."""
    plain, titles = plain_text(text)
    hits = []
    for concept in glossary.concepts:
        cell = concept.cell(locale)
        if cell is None:
            continue
        allowed = _title_ranges(plain, titles, cell) + _quoted_ranges(plain, cell)
        for term in cell.avoid:
            for match in term.pattern.finditer(plain):
                if not any(s <= match.start() and match.end() <= e for s, e in allowed):
                    hits.append(
                        Hit(concept, cell, term, match.group(), plain, match.start(), match.end())
                    )
    return sorted(hits, key=lambda hit: hit.start)


def missed_preferred(
    glossary: Glossary, source: str, translation: str, source_locale: str, locale: str
) -> list[tuple[Hit, Cell]]:
    """Return source terms with a preferred translation that the translation does not use."""
    source_plain, _ = plain_text(source)
    target_plain, _ = plain_text(translation)
    missed = []
    for concept in glossary.concepts:
        origin, cell = concept.cell(source_locale), concept.cell(locale)
        if origin is None or cell is None or not cell.preferred:
            continue
        if any(term.pattern.search(target_plain) for term in cell.preferred):
            continue
        for term in origin.preferred:
            if match := term.pattern.search(source_plain):
                hit = Hit(concept, origin, term, match.group(), source_plain, *match.span())
                missed.append((hit, cell))
                break
    return missed


@lru_cache(maxsize=8192)  # each source text is read once per locale, each translation twice
def plain_text(markdown: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Return the words of inline Markdown (no link targets, no markup) and its title spans,
    without invisible characters and each mixed-script word in one script (characters.py), so
    that a zero-width space or a Cyrillic о cannot hide a term."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    opened: list[int] = []
    size = 0
    for token in markdown_parser().parseInline(markdown):
        for child in token.children or []:
            if child.type == "em_open":
                opened.append(size)
            elif child.type == "em_close" and opened:
                spans.append((opened.pop(), size))
            text = skeleton(token_text(child))
            parts.append(text)
            size += len(text)
    plain = "".join(parts)
    spans += [match.span() for match in _QUOTED.finditer(plain)]
    return plain, tuple(spans)


def compile_term(text: str) -> re.Pattern[str]:
    """Return the pattern of a glossary term (see the module's documentation)."""
    body = ""
    for word in text.split():
        optional = _OPTIONAL.match(word)
        if optional:  # "(les|d')": one of these words, or none; an elided one needs no space
            choices = "|".join(_word_pattern(w) for w in optional.group(1).split("|"))
            body += rf"(?:(?:{choices})(?:\s+|(?<=['’ʼ])))?"
        else:
            body += _word_pattern(word) + r"\s+"
    body = body.removesuffix(r"\s+")
    core = text.strip("*")
    before = "" if text.startswith("*") or not _spaced(core[:1]) else r"(?<!\w)"
    after = "" if text.endswith("*") or not _spaced(core[-1:]) else r"(?!\w)"
    return re.compile(before + body + after, re.IGNORECASE)


def _title_ranges(
    plain: str, spans: Sequence[tuple[int, int]], cell: Cell
) -> list[tuple[int, int]]:
    """Return where a listed title stands inside italics or quotation marks."""
    ranges = []
    for title in cell.titles:
        for match in title.pattern.finditer(plain):
            if any(s <= match.start() and match.end() <= e for s, e in spans):
                ranges.append(match.span())
    return ranges


def _quoted_ranges(plain: str, cell: Cell) -> list[tuple[int, int]]:
    """Return where a term the cell allows in quotations stands inside quotation marks."""
    quotes = [match.span() for match in _QUOTED.finditer(plain)]
    return [
        match.span()
        for term in cell.quoted
        for match in term.pattern.finditer(plain)
        if any(s <= match.start() and match.end() <= e for s, e in quotes)
    ]


def _word_pattern(word: str) -> str:
    pieces = []
    for char in word:
        if char == "*":
            pieces.append(r"\w*")
        elif char in "'’ʼ":
            pieces.append("['’ʼ]")
        elif char in "-‐‑":
            pieces.append("[-‐‑]")
        elif char in "еёЕЁ":
            pieces.append("[её]")
        else:
            pieces.append(re.escape(char))
    return "".join(pieces)


def _spaced(char: str) -> bool:
    """Return True for a letter of a script that separates words with spaces."""
    if not char or not (char.isalnum() or char == "_"):
        return False
    name = unicodedata.name(char, "")
    return not name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "KHMER", "LAO"))


class _Reader:
    """Checks the glossary's structure, raising ConfigError at the line of what is wrong."""

    def __init__(self, path: Path, lines: Lines) -> None:
        self.path, self.lines = path, lines

    def fail(self, key: tuple[str | int, ...], message: str, fix: str) -> ConfigError:
        return ConfigError(message, path=self.path, line=self.lines.get(key), fix=fix)

    def mapping(
        self, value: Any, key: tuple[str | int, ...], allowed: tuple[str, ...] | None
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(
                key, f"{_where(key)} must be a mapping", fix="write `name: value` lines"
            )
        for name in value:
            if allowed is not None and name not in allowed:
                raise self.fail(
                    (*key, name),
                    f"{_where(key)}: unknown key {name!r}",
                    fix=f"use {', '.join(allowed)}",
                )
        return value

    def sequence(self, value: Any, key: tuple[str | int, ...]) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(key, f"{_where(key)} must be a list", fix="write `- item` lines")
        return value

    def terms(self, value: Any, key: tuple[str | int, ...]) -> tuple[Term, ...]:
        items = self.sequence(value, key)
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip(" *"):
                raise self.fail((*key, i), f"{_where(key)}: {item!r} is not a term", fix="quote it")
        return tuple(Term(item, compile_term(item)) for item in items)

    def concept(self, raw: Any, index: int, known: set[str]) -> Concept:
        key: tuple[str | int, ...] = ("concepts", index)
        raw = self.mapping(raw, key, None)
        concept_id = raw.get("id")
        if not isinstance(concept_id, str):
            raise self.fail(key, "a concept has no `id`", fix="name it, e.g. `id: csam`")
        unsourced = raw.get("unsourced", False) is True
        cells = {}
        for name, value in raw.items():
            if name in ("id", "note", "unsourced"):
                continue
            try:
                locale_info(name)
            except ConfigError as exc:
                raise self.fail(
                    (*key, name), f"concept {concept_id!r}: {exc.message}", exc.fix
                ) from None
            cells[name] = self.cell(value, (*key, name), concept_id, known, unsourced)
        return Concept(concept_id, cells, self.lines.get(key, 1))

    def cell(
        self, raw: Any, key: tuple[str | int, ...], concept: str, known: set[str], unsourced: bool
    ) -> Cell:
        raw = self.mapping(raw, key, _CELL_KEYS)
        language = str(key[-1])
        sources = tuple(str(s) for s in self.sequence(raw.get("sources", []), (*key, "sources")))
        for i, source in enumerate(sources):
            if source not in known:
                raise self.fail(
                    (*key, "sources", i),
                    f"source {source!r} is not listed under `sources:`",
                    fix="add it there with its address, or fix the id",
                )
        marked = raw.get("unsourced", unsourced)
        listed = PARTS if marked is True else self.sequence(marked or [], (*key, "unsourced"))
        if set(listed) - set(PARTS):
            raise self.fail(
                (*key, "unsourced"),
                f"unsourced must be true or a list of {', '.join(PARTS)}",
                fix="for example `unsourced: [avoid]`",
            )
        parts = frozenset(listed)
        present = {part for part in (*PARTS, "quoted") if raw.get(part)}
        if present - parts and not sources:
            raise self.fail(
                key,
                f"concept {concept!r} in {language} has no source",
                fix="list its sources (ids under `sources:`), or mark it `unsourced: true`",
            )
        terms = {part: self.terms(raw.get(part, []), (*key, part)) for part in PARTS}
        quoted = self.terms(raw.get("quoted", []), (*key, "quoted"))
        return Cell(
            language,
            **terms,
            sources=sources,
            unsourced=parts,
            line=self.lines.get(key, 1),
            quoted=quoted,
        )


def _where(key: tuple[str | int, ...]) -> str:
    return ".".join(str(k) for k in key) or "the glossary"
