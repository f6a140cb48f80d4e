"""Translation statistics: how much of each catalog is translated, in entries and in words.

The numbers compare a locale's `.po` with the domain's `.pot` (the entries of the current
sources, once `extract` has run): an entry is translated when every form of its msgstr is
filled and it is not fuzzy, fuzzy when it has a translation marked fuzzy, untranslated otherwise.
Words are counted in the English msgid: placeholders, link targets and Markdown signs are not
words. `stats` prints these; the release manifest reuses `catalog_stats`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from babel.messages.catalog import Catalog, Message

from briefkit.catalogs.po import TEMPLATES_DOMAIN, entry_state, po_path, pot_path, read_catalog
from briefkit.project import Project
from briefkit.sources.placeholders import PLACEHOLDER
from briefkit.sources.segments import plain_text

_WORD = re.compile(r"\w+(?:['’]\w+)*")
_FORMAT = re.compile(r"%\(\w+\)[sd]")  # the fields of a template string
_STATES = ("translated", "fuzzy", "untranslated")


@dataclass(frozen=True)
class Stats:
    """How much of one domain (or of several, summed) is translated into one locale."""

    locale: str
    domain: str  # a brief's slug, "templates", or "all" for a sum
    entries: int = 0
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    words: int = 0
    words_translated: int = 0
    words_fuzzy: int = 0
    words_untranslated: int = 0

    @property
    def percent(self) -> float:
        """Return the share of entries translated (not fuzzy), in percent."""
        return 100.0 if not self.entries else 100.0 * self.translated / self.entries

    @property
    def words_percent(self) -> float:
        """Return the share of source words translated (not fuzzy), in percent."""
        return 100.0 if not self.words else 100.0 * self.words_translated / self.words

    def as_dict(self) -> dict[str, object]:
        """Return the numbers as plain data, for JSON."""
        return {
            "locale": self.locale,
            "domain": self.domain,
            "entries": {
                "total": self.entries,
                "translated": self.translated,
                "fuzzy": self.fuzzy,
                "untranslated": self.untranslated,
            },
            "words": {
                "total": self.words,
                "translated": self.words_translated,
                "fuzzy": self.words_fuzzy,
                "untranslated": self.words_untranslated,
            },
            "percent": round(self.percent, 1),
            "words_percent": round(self.words_percent, 1),
        }


def catalog_stats(project: Project, locale: str, domain: str) -> Stats:
    """Return the statistics of one domain in one locale (a missing .po counts as empty)."""
    template = read_catalog(pot_path(project.translations_dir, domain))
    path = po_path(project.translations_dir, locale, domain)
    catalog = read_catalog(path, locale) if path.exists() else None
    counts = dict.fromkeys(("entries", *_STATES), 0)
    words = dict.fromkeys(("words", *(f"words_{s}" for s in _STATES)), 0)
    for entry in template:
        if not entry.id:
            continue
        state = entry_state(_lookup(catalog, entry))
        size = count_words(entry.id if isinstance(entry.id, str) else entry.id[0])
        counts["entries"] += 1
        counts[state] += 1
        words["words"] += size
        words[f"words_{state}"] += size
    return Stats(locale, domain, **counts, **words)


def project_stats(project: Project, locales: Iterable[str] = ()) -> list[Stats]:
    """Return the statistics of every domain in every (or each given) target locale."""
    project.refuse_links()
    return [
        catalog_stats(project, code, domain)
        for code in (tuple(locales) or project.target_locales)
        for domain in domains(project)
    ]


def domains(project: Project) -> list[str]:
    """Return the domains that have a template: the briefs by name, then the templates."""
    found = sorted(p.stem for p in project.translations_dir.glob("*.pot"))
    return [d for d in found if d != TEMPLATES_DOMAIN] + [d for d in found if d == TEMPLATES_DOMAIN]


def total(stats: Iterable[Stats], locale: str, domain: str = "all") -> Stats:
    """Return the sum of several statistics, labelled with a locale and a domain."""
    items = list(stats)
    names = [name for name in Stats.__dataclass_fields__ if name not in ("locale", "domain")]
    return Stats(locale, domain, **{name: sum(getattr(s, name) for s in items) for name in names})


def count_words(text: str) -> int:
    """Return the number of words in a msgid: text of the Markdown, placeholders left out."""
    return len(_WORD.findall(plain_text(_FORMAT.sub(" ", PLACEHOLDER.sub(" ", text)))))


def _lookup(catalog: Catalog | None, entry: Message) -> Message | None:
    if catalog is None:
        return None
    return catalog.get(entry.id if isinstance(entry.id, str) else entry.id[0], entry.context)
