"""Merging a template into a translation catalog: keep the translator's work, flag what changed.

What `update` does with each entry of the new template, in this order:

1. the same msgid (and msgctxt) is in the catalog: its translation, flags and comments are kept;
   one found among the obsolete entries (`#~`) is brought back the same way;
2. a msgid that differs only in white space or typography (straight or curly quotes, hyphen or
   dash, three dots or an ellipsis, a no-break space) keeps its translation as it stands: such a
   typo fix cannot change what the translation says;
3. otherwise an identical msgid translated elsewhere in the same language (another brief's
   catalog, an obsolete entry there, or a compendium `.po`: the translation memory) lends its
   translation, marked fuzzy unless the locale's policy says `memory = "translated"`;
4. otherwise the most similar translated msgid, if similar enough, lends its translation, marked
   fuzzy with the msgid it was made for as `#| msgid`, so Poedit and Weblate show what changed.
   A comma or a "not" can change a meaning, so any other edit needs the translator's eye;
5. anything else is new and untranslated.

The header's Plural-Forms is rewritten in the project's canonical spelling (briefkit.plurals),
and a `#, fuzzy` mark on the header (left by an XLIFF round trip or a new file) is removed: gettext
tools skip a catalog whose header is fuzzy.

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

from briefkit import plurals
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
    memory: int = 0  # entries filled from an identical msgid translated elsewhere
    header_repaired: tuple[str, ...] = ()  # what was fixed in the header ("fuzzy", "Plural-Forms")


class Memory:
    """Translations of one language by msgid: a translation memory for `update`.

    Fed with catalogs (other briefs, a compendium); their obsolete entries count too. The first
    translation seen of a msgid wins, so feed the most trusted catalogs first."""

    def __init__(self, catalogs: Iterable[Catalog] = ()) -> None:
        self.entries: dict[str, Message] = {}
        for catalog in catalogs:
            self.add(catalog)

    def add(self, catalog: Catalog) -> None:
        for message in (*catalog, *catalog.obsolete.values()):
            if message.id and _translated(message) and not message.fuzzy:
                self.entries.setdefault(str(_first(message.id)), message)

    def get(self, entry: Message) -> Message | None:
        found = self.entries.get(str(_first(entry.id)))
        if found is None or isinstance(found.id, str) != isinstance(entry.id, str):
            return None
        return found


def merge_catalog(
    catalog: Catalog,
    template: Catalog,
    memory: Memory | None = None,
    trust_memory: bool = False,
) -> Merge:
    """Return the catalog updated to the template (the catalog itself is not changed).

    memory: translations of the same language to fill new entries whose msgid they hold; they
    are marked fuzzy unless trust_memory."""
    active = {_key(m): m for m in catalog if m.id}
    obsolete = {_key(m): m for m in catalog.obsolete.values()}
    donors = [m for m in (*active.values(), *obsolete.values()) if _translated(m)]
    typographic = {(loose(str(_first(m.id))), m.context): m for m in reversed(donors)}
    merged, repaired = _empty_like(catalog, template)
    plural_count = merged.num_plurals
    used: set[int] = set()
    counts = dict.fromkeys(("kept", "fuzzy", "new", "restored", "memory"), 0)
    for entry in template:
        if not entry.id:
            continue
        key = _key(entry)
        old = active.get(key) or obsolete.get(key)
        if old is not None:
            message = _carry(entry, old, plural_count, keep_previous=True)
            counts["restored" if key not in active else "kept"] += 1
        elif (twin := typographic.get((loose(str(_first(entry.id))), entry.context))) is not None:
            old = twin
            message = _carry(entry, old, plural_count, keep_previous=True)
            counts["kept"] += 1
        elif memory is not None and (recalled := memory.get(entry)) is not None:
            message = _recall(entry, recalled, plural_count, trust_memory)
            counts["memory"] += 1
        elif (old := most_similar(str(_first(entry.id)), donors)) is not None:
            message = _carry(entry, old, plural_count, keep_previous=False)
            counts["fuzzy"] += 1
        else:
            message = _untranslated(entry, plural_count)
            counts["new"] += 1
        if old is not None:
            used.add(id(old))
        merged[message.id] = message
    left = _obsolete(active.values(), obsolete.values(), used)
    merged.obsolete = {_babel_key(m): m for m in left}
    gone = sum(1 for m in active.values() if id(m) not in used and _worth_keeping(m))
    return Merge(merged, obsolete=gone, header_repaired=repaired, **counts)


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


def _recall(entry: Message, recalled: Message, num_plurals: int, trusted: bool) -> Message:
    """Return the template entry with a translation memory's translation of the same msgid."""
    message = entry.clone()
    message.string, reshaped = _reshape(recalled.string, entry.id, num_plurals)
    message.flags = set(entry.flags) - {"fuzzy"}
    message.previous_id = []
    if reshaped or not trusted:
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


def _empty_like(catalog: Catalog, template: Catalog) -> tuple[Catalog, tuple[str, ...]]:
    """Return an empty catalog with the header of `catalog` and the template's creation date,
    its Plural-Forms in the canonical spelling and no fuzzy mark; and what was repaired."""
    merged = Catalog(
        locale=catalog.locale_identifier,
        domain=catalog.domain,
        header_comment=catalog.header_comment,
        fuzzy=False,
    )
    repaired = ["fuzzy header"] if catalog.fuzzy and catalog.locale_identifier else []
    headers = list(catalog.mime_headers)
    if catalog.locale_identifier:
        wanted = plurals.canonical(str(catalog.locale_identifier))
        if catalog.plural_forms != wanted:
            repaired.append("Plural-Forms")
        headers = [(n, v) for n, v in headers if n.lower() != "plural-forms"]
        headers.append(("Plural-Forms", wanted))
    merged.mime_headers = headers
    merged.creation_date = template.creation_date
    return merged, tuple(repaired)


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
