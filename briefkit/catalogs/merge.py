"""Merging a template into a translation catalog: keep the translator's work, flag what changed.

What `update` does with each entry of the new template, in this order:

1. the same msgid (and msgctxt) is in the catalog: its translation, flags and comments are kept;
   one found among the obsolete entries (`#~`) is brought back the same way;
2. a msgid that differs only in white space or typography (straight or curly quotes, hyphen or
   dash, three dots or an ellipsis, a no-break space) keeps its translation as it stands: such a
   typo fix cannot change what the translation says;
3. otherwise the most similar translated msgid, if similar enough, lends its translation, marked
   fuzzy with the msgid it was made for as `#| msgid`, so Poedit and Weblate show what changed.
   A comma or a "not" can change a meaning, so any other edit needs the translator's eye;
4. anything else is new and untranslated.

Translated entries that no template entry uses any more stay in the file as obsolete (`#~`), so a
paragraph deleted and later restored gets its translation back. Babel's own `Catalog.update`
drops the `#|` msgid of an entry that was already fuzzy and matches only character by
character with one threshold, which either misses long edited paragraphs or pairs unrelated
short strings; this merge compares normalised text and is stricter for short strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from babel.messages.catalog import Catalog, Message

from briefkit.catalogs.po import translation_forms

# Similarity (difflib ratio of normalised texts) needed to offer a translation as fuzzy. Short
# texts need more: "Sources" and "Courses" share most letters and nothing else.
SIMILAR = 0.6
SIMILAR_SHORT = 0.8
SHORT = 40  # characters

_TYPOGRAPHY = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "…": "...",
    }
)
_SPACE = re.compile(r"\s+")

Key = tuple[str, str | None]


@dataclass(frozen=True)
class Merge:
    """A merged catalog and what the merge did to it."""

    catalog: Catalog
    kept: int = 0  # entries found with the same msgid (or one differing in typography only)
    fuzzy: int = 0  # entries given the translation of a similar msgid, to review
    new: int = 0  # entries the catalog did not have
    obsolete: int = 0  # translated entries that left the template in this merge
    restored: int = 0  # obsolete entries brought back by the template


def merge_catalog(catalog: Catalog, template: Catalog) -> Merge:
    """Return the catalog updated to the template (the catalog itself is not changed)."""
    active = {_key(m): m for m in catalog if m.id}
    obsolete = {_key(m): m for m in catalog.obsolete.values()}
    donors = [m for m in (*active.values(), *obsolete.values()) if _translated(m)]
    typographic = {(loose(str(_first(m.id))), m.context): m for m in reversed(donors)}
    merged = _empty_like(catalog, template)
    used: set[int] = set()
    counts = dict.fromkeys(("kept", "fuzzy", "new", "restored"), 0)
    for entry in template:
        if not entry.id:
            continue
        key = _key(entry)
        old = active.get(key) or obsolete.get(key)
        if old is not None:
            message = _carry(entry, old, catalog.num_plurals, keep_previous=True)
            counts["restored" if key not in active else "kept"] += 1
        elif (twin := typographic.get((loose(str(_first(entry.id))), entry.context))) is not None:
            old = twin
            message = _carry(entry, old, catalog.num_plurals, keep_previous=True)
            counts["kept"] += 1
        elif (old := most_similar(str(_first(entry.id)), donors)) is not None:
            message = _carry(entry, old, catalog.num_plurals, keep_previous=False)
            counts["fuzzy"] += 1
        else:
            message = _untranslated(entry, catalog.num_plurals)
            counts["new"] += 1
        if old is not None:
            used.add(id(old))
        merged[message.id] = message
    left = _obsolete(active.values(), obsolete.values(), used)
    merged.obsolete = {_babel_key(m): m for m in left}
    gone = sum(1 for m in active.values() if id(m) not in used and _worth_keeping(m))
    return Merge(merged, obsolete=gone, **counts)


def most_similar(msgid: str, donors: Iterable[Message]) -> Message | None:
    """Return the translated message whose msgid is most like this one, if like enough."""
    target = _comparable(msgid)
    cutoff = SIMILAR_SHORT if len(target) < SHORT else SIMILAR
    matcher = SequenceMatcher(autojunk=False)
    matcher.set_seq2(target)
    best, best_ratio = None, cutoff
    for donor in donors:
        matcher.set_seq1(_comparable(str(_first(donor.id))))
        if (
            matcher.real_quick_ratio() >= best_ratio
            and matcher.quick_ratio() >= best_ratio
            and (ratio := matcher.ratio()) >= best_ratio
            and (best is None or ratio > best_ratio)
        ):
            best, best_ratio = donor, ratio
    return best


def loose(text: str) -> str:
    """Return text with typography and white space reduced to plain ASCII forms."""
    return _SPACE.sub(" ", text.translate(_TYPOGRAPHY).replace("\u00a0", " ")).strip()


@lru_cache(maxsize=8192)
def _comparable(text: str) -> str:
    return loose(text).casefold()


def _carry(entry: Message, old: Message, num_plurals: int, keep_previous: bool) -> Message:
    """Return the template entry with the old entry's translation, comments and state."""
    message = entry.clone()
    message.string, reshaped = _reshape(old.string, entry.id, num_plurals)
    message.user_comments = list(old.user_comments)
    message.flags = set(entry.flags) | {
        flag for flag in old.flags if flag != "fuzzy" and not flag.endswith("-format")
    }
    if keep_previous and old.fuzzy:
        message.flags.add("fuzzy")
        message.previous_id = list(old.previous_id)
    elif not keep_previous:
        message.flags.add("fuzzy")
        # A fuzzy donor was translated from its own previous msgid, not from its msgid.
        source = old.previous_id if old.fuzzy and old.previous_id else old.id
        message.previous_id = [source] if isinstance(source, str) else list(source)
    if reshaped:
        message.flags.add("fuzzy")
    return message


def _untranslated(entry: Message, num_plurals: int) -> Message:
    message = entry.clone()
    message.string = "" if isinstance(entry.id, str) else ("",) * num_plurals
    message.flags = set(entry.flags) - {"fuzzy"}
    message.previous_id = []
    return message


def _reshape(
    string: str | tuple[str, ...] | list[str] | None, msgid: object, num_plurals: int
) -> tuple[str | tuple[str, ...], bool]:
    """Return the translation in the template entry's shape (singular or plural forms)."""
    if isinstance(msgid, str):
        if isinstance(string, list | tuple):
            return (string[0] if string else ""), True
        return string or "", False
    if isinstance(string, list | tuple):
        forms = (*string, *[""] * num_plurals)[:num_plurals]
        return tuple(forms), len(string) != num_plurals
    return (string or "", *[""] * (num_plurals - 1)), True


def _obsolete(
    active: Iterable[Message], obsolete: Iterable[Message], used: set[int]
) -> list[Message]:
    """Return the entries to keep as obsolete: the old ones first, then the newly retired."""
    kept = [m for m in obsolete if id(m) not in used]
    retired = [m for m in active if id(m) not in used and _worth_keeping(m)]
    result = []
    for message in (*kept, *retired):
        copy = message.clone()
        copy.locations, copy.auto_comments = [], []
        result.append(copy)
    return result


def _empty_like(catalog: Catalog, template: Catalog) -> Catalog:
    """Return an empty catalog with the header of `catalog` and the template's creation date."""
    merged = Catalog(
        locale=catalog.locale_identifier,
        domain=catalog.domain,
        header_comment=catalog.header_comment,
        fuzzy=catalog.fuzzy,
    )
    merged.mime_headers = catalog.mime_headers
    merged.creation_date = template.creation_date
    return merged


def _key(message: Message) -> Key:
    return (str(_first(message.id)), message.context)


def _babel_key(message: Message) -> str | tuple[str, str]:
    """Return the key Babel files a message under: its msgid, with its msgctxt if it has one."""
    msgid = str(_first(message.id))
    return msgid if message.context is None else (msgid, message.context)


def _first(msgid: object) -> object:
    return msgid[0] if isinstance(msgid, list | tuple) else msgid


def _translated(message: Message) -> bool:
    """Return True when any form holds a translation: work worth keeping, even half done."""
    return any(translation_forms(message))


def _worth_keeping(message: Message) -> bool:
    """Return True when an entry holds work: a translation or a translator's comment."""
    return _translated(message) or bool(message.user_comments)
