"""Quality checks of translations, each translated entry compared with its source.

`check` reports every problem of every catalog; every build runs the same checks on the catalogs
of each edition and fails the edition on an error. A check reads Markdown as tokens (the
parser the renderers use), never with regular expressions over the raw text, so that what it
compares is what the reader will see.

Checked entries are those a build would print: translated and, unless the locale's policy
allows fuzzy entries, not fuzzy. Errors fail; warnings (an extra number, an unsourced term, a
preferred term not used, a catalog `update` would rewrite) are reported by `check` only.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from markdown_it import MarkdownIt

from briefkit.catalogs.po import translation_forms
from briefkit.errors import CatalogError, located
from briefkit.locales import LocaleInfo
from briefkit.project import Policy, Project
from briefkit.qa import characters, typography
from briefkit.qa.glossary import (
    Glossary,
    Hit,
    Term,
    avoided,
    glossary_path,
    load_glossary,
    missed_preferred,
)
from briefkit.sources.placeholders import PLACEHOLDER, placeholders, stray_syntax
from briefkit.sources.segments import Segment, markdown_parser, permissive_parser
from briefkit.sources.urls import LINK_SCHEMES, link_allowed

GLOSSARY_NOTE = "translations/glossary.yaml"
_MARKUP = {
    "em_open": "emphasis (*…*)",
    "strong_open": "strong (**…**)",
    "code_inline": "code (`…`)",
    "link_open": "link ([…](…))",
    "image": "image (![…](…))",
}
_DELIMITERS = "*_`"
_DIGITS = re.compile(r"\d+")
FIELD = re.compile(r"%\(\w+\)s")
# What Python's % operator would read as a conversion and a translator may mean as one: any
# `%(…)` field, `%%`, and a conversion glued to its `%` (`%s`, `%-5d`). A `%` before a space is
# a percent sign ("87 % des").
_PERCENT_SPEC = re.compile(
    r"%\([^)\s]*\)?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[a-zA-Z]?"
    r"|%%|%[-#0+]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa](?!\w)"
)
_CALENDAR = re.compile(r"\d+(?=[月日])")  # 8月, 17日: Chinese and Japanese write months and days so


@dataclass(frozen=True)
class Problem:
    """One problem, where it is and what to do about it."""

    path: str  # relative to the project root
    line: int | None
    code: str  # placeholder, link, markup, number, whitespace, html, plural, term-avoided, ...
    message: str
    excerpt: str = ""
    fix: str = ""
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        return located(self.path, self.line, self.what, self.fix)

    def labelled(self) -> str:
        """Return the problem as `check` prints it: a warning says so after its place."""
        label = self.what if self.severity == "error" else f"{self.severity}: {self.what}"
        return located(self.path, self.line, label, self.fix)

    @property
    def what(self) -> str:
        """Return the message with its excerpt."""
        return f'{self.message}: "{self.excerpt}"' if self.excerpt else self.message

    def as_dict(self) -> dict[str, Any]:
        """Return the problem as plain data, for JSON."""
        return asdict(self)

    def error(self, root: Path) -> CatalogError:
        """Return the problem as the error a build reports."""
        return CatalogError(self.what, path=root / self.path, line=self.line, fix=self.fix)


@dataclass(frozen=True)
class Finding:
    """A problem of one text, before it is given a place."""

    code: str
    message: str
    fix: str
    excerpt: str
    severity: str = "error"


def edition_problems(
    project: Project, code: str, catalog: Catalog | None, path: Path, segments: list[Segment]
) -> list[Problem]:
    """Return the problems of what one edition prints: the catalog, or the source's terms."""
    glossary = load_glossary(glossary_path(project.translations_dir))
    if code == project.source_locale:
        return source_problems(glossary, [(s.msgid, s.path, s.line) for s in segments], code)
    if catalog is None:
        return []
    return check_catalog(
        catalog,
        path.relative_to(project.root).as_posix(),
        project.locale(code),
        project.policy(code),
        glossary,
        project.source_locale,
    )


def check_catalog(
    catalog: Catalog,
    path: str,
    locale: LocaleInfo,
    policy: Policy,
    glossary: Glossary,
    source_locale: str,
) -> list[Problem]:
    """Return the problems of every entry of a catalog that a build would print."""
    problems = _header_problems(catalog, path, locale)
    for message in catalog:
        if not message.id or not _checked(message, policy):
            continue
        findings = _plural_findings(message, locale)
        for source, translation in _pairs(message):
            if translation:
                findings += check_translation(source, translation)
                findings += check_terms(glossary, source, translation, source_locale, locale.code)
                findings += typography_findings(translation, locale.language)
        problems += [_place(finding, path, message.lineno) for finding in findings]
    return problems


def check_translation(source: str, translation: str) -> list[Finding]:
    """Return what is wrong with one translation of one source text."""
    return [
        *placeholder_findings(source, translation),
        *percent_findings(translation),
        *character_findings(source, translation),
        *_whitespace_findings(source, translation),
        *_html_findings(source, translation),
        *_markup_findings(source, translation),
        *_link_findings(source, translation),
        *_number_findings(source, translation),
    ]


def typography_findings(translation: str, language: str) -> list[Finding]:
    """Return the language's typographic conventions the translation breaks (typography.py)."""
    return [
        Finding("typography", problem, fix, excerpt(translation))
        for problem, fix in typography.check_text(translation, language)
    ]


def placeholder_findings(source: str, translation: str) -> list[Finding]:
    """Return stray template syntax, and placeholders missing from or added to the translation."""
    found = []
    stray = stray_syntax(translation)
    if stray is not None:
        found.append(
            Finding(
                "template-syntax",
                "template syntax that is not a placeholder",
                "keep only the {{ name }} placeholders of the source text",
                excerpt(stray),
            )
        )
    # Both kinds everywhere: a %(field)s in a brief would be printed as is, a {{ figure }} in a
    # template string too.
    wanted = placeholders(source) + python_format_names(source)
    written = placeholders(translation) + python_format_names(translation)
    for missing in _minus(wanted, written):
        found.append(
            Finding(
                "placeholder",
                f"placeholder {missing} missing from the translation",
                f"copy {missing} from the msgid into the msgstr",
                excerpt(translation),
            )
        )
    for extra in _minus(written, wanted):
        found.append(
            Finding(
                "placeholder",
                f"placeholder {extra} is not in the source text",
                f"remove {extra}; a translation uses only the source's placeholders",
                excerpt(translation, extra),
            )
        )
    return found


def python_format_names(text: str) -> list[str]:
    """Return the %(name)s fields of a template string."""
    return [str(field) for field in FIELD.findall(text)]


def percent_findings(translation: str) -> list[Finding]:
    """Return `%` written as anything but a %(name)s field or a percent sign alone: templating.py
    prints everything else as text, so a width (`%(number)20000000s`), a flag, a conversion other
    than `s` or gettext's `%%` would show up on the page as typed."""
    found = []
    for match in _PERCENT_SPEC.finditer(translation):
        if FIELD.fullmatch(match.group()):
            continue
        found.append(
            Finding(
                "placeholder",
                f"format {match.group()} is neither a placeholder nor a percent sign",
                "write placeholders exactly as in the source (%(name)s), with no width or flag, "
                "and a percent sign as a single %",
                excerpt(translation, match.group()),
            )
        )
    return found


def character_findings(source: str, translation: str) -> list[Finding]:
    """Return invisible or control characters, line breaks and mixed-script words that the
    translation adds to its source."""
    found = [
        Finding(
            "character",
            f"invisible character {characters.describe(char)}",
            "delete it: direction, spacing and hyphenation come from the language's rules, "
            "not from hidden characters",
            excerpt(translation, char),
        )
        for char in dict.fromkeys(
            _minus(characters.invisible_characters(translation), list(source))
        )
    ]
    # Inside the text: a line break at either end is the white-space check's.
    inner, within = translation.strip(), source.strip()
    if inner.count("\n") > within.count("\n") or _blocks(inner) != _blocks(within):
        found.append(
            Finding(
                "newline",
                "line breaks where the source has none",
                "write the translation on the lines the source uses; a line break here would "
                "start a new paragraph, heading or list",
                excerpt(translation, "\n"),
            )
        )
    known = {mixed.word for mixed in characters.mixed_words(source)}
    found += [
        Finding(
            "character",
            f"“{mixed.word}” mixes scripts: {characters.describe(mixed.char)} among "
            f"{mixed.script.capitalize()} letters",
            f"retype the word in {mixed.script.capitalize()} letters only",
            excerpt(translation, mixed.word),
        )
        for mixed in characters.mixed_words(translation)
        if mixed.word not in known
    ]
    return found


def _blocks(text: str) -> list[str]:
    """Return the block structure of a text (paragraph, heading, list...) as token types."""
    if "\n" not in text:
        return []
    tokens = markdown_parser().parse(PLACEHOLDER.sub("X", text))
    return [token.type for token in tokens if token.type != "inline"]


def check_terms(
    glossary: Glossary, source: str, translation: str, source_locale: str, locale: str
) -> list[Finding]:
    """Return the terms to avoid in a translation, and source terms not translated as preferred."""
    found = [_avoided_finding(hit) for hit in avoided(glossary, translation, locale)]
    for hit, cell in missed_preferred(glossary, source, translation, source_locale, locale):
        found.append(
            Finding(
                "term-preferred",
                f"“{hit.found}” is not translated with a preferred term",
                f"use “{_display(cell.preferred)}” ({GLOSSARY_NOTE}: {hit.concept.id}), "
                "or add the wording you used to its preferred terms if it is right too",
                excerpt(translation),
                "warning",
            )
        )
    return found


def source_problems(
    glossary: Glossary, texts: Iterable[tuple[str, str, int | None]], locale: str
) -> list[Problem]:
    """Return the terms to avoid in source texts, given as (text, path, line)."""
    return [
        _place(_avoided_finding(hit), path, line)
        for text, path, line in texts
        for hit in avoided(glossary, text, locale)
    ]


def excerpt(text: str, needle: str | None = None, width: int = 60) -> str:
    """Return a one-line extract of a text, around the needle when given and found."""
    flat = characters.shown(text)
    if len(flat) <= width:
        return flat
    at = flat.find(needle) if needle else -1
    left = max(0, min(at - 20, len(flat) - width)) if at >= 0 else 0
    right = left + width
    return ("…" if left else "") + flat[left:right] + ("…" if right < len(flat) else "")


def _place(finding: Finding, path: str, line: int | None) -> Problem:
    return Problem(
        path, line, finding.code, finding.message, finding.excerpt, finding.fix, finding.severity
    )


def _checked(message: Message, policy: Policy) -> bool:
    """Return whether an entry's translation is checked: any form filled (a half-filled plural
    is an error to report), and fuzzy ones only where the policy prints them."""
    return any(translation_forms(message)) and (policy.allow_fuzzy or not message.fuzzy)


def _pairs(message: Message) -> list[tuple[str, str]]:
    """Return (source, translation) pairs: one, or one per plural form."""
    if isinstance(message.id, str):
        return [(message.id, str(message.string or ""))]
    forms = list(message.string or ())
    return [
        (message.id[0] if i == 0 else message.id[1], form or "") for i, form in enumerate(forms)
    ]


def _plural_findings(message: Message, locale: LocaleInfo) -> list[Finding]:
    if isinstance(message.id, str):
        return []
    forms = list(message.string or ())
    return [
        Finding(
            "plural",
            f"plural form msgstr[{index}] is empty",
            f"fill every plural form: {locale.code} has {len(forms)} ({locale.plural_forms})",
            excerpt(str(forms[0] or "")),
        )
        for index, form in enumerate(forms)
        if not form
    ]


def _header_problems(catalog: Catalog, path: str, locale: LocaleInfo) -> list[Problem]:
    written = catalog.plural_forms
    if written.replace(" ", "") == locale.plural_forms.replace(" ", ""):
        return []
    return [
        Problem(
            path,
            None,
            "plural-forms",
            f"the header says Plural-Forms: {written} but {locale.code} has {locale.plural_forms}",
            fix=f'set "Plural-Forms: {locale.plural_forms}\\n" in the header',
        )
    ]


def _whitespace_findings(source: str, translation: str) -> list[Finding]:
    found = []
    if _lead(source) != _lead(translation):
        found.append(
            Finding(
                "whitespace",
                "leading white space differs from the source",
                "begin the translation as the source begins, with no added spaces or line breaks",
                excerpt(translation),
            )
        )
    if _lead(source[::-1]) != _lead(translation[::-1]):
        found.append(
            Finding(
                "whitespace",
                "trailing white space differs from the source",
                "end the translation as the source ends, with no added spaces or line breaks",
                excerpt(translation[-50:]),
            )
        )
    return found


def _html_findings(source: str, translation: str) -> list[Finding]:
    extra = _minus(_html_tags(translation), _html_tags(source))
    return [
        Finding(
            "html",
            f"raw HTML {tag} in the translation",
            "remove it: HTML is printed as text; use the Markdown of the source",
            excerpt(translation, tag),
        )
        for tag in extra[:1]
    ]


def _markup_findings(source: str, translation: str) -> list[Finding]:
    wanted, written = _markup_counts(source), _markup_counts(translation)
    found = [
        Finding(
            "markup",
            f"inline markup differs from the source: {kind} {wanted[kind]} in the source, "
            f"{written[kind]} in the translation",
            "mark the same words with the same Markdown as the source does",
            excerpt(translation),
        )
        for kind in _MARKUP.values()
        if wanted[kind] != written[kind]
    ]
    for char in _DELIMITERS:
        runs = _delimiter_runs(_plain(translation), char)
        if len(runs) > len(_delimiter_runs(_plain(source), char)):
            mark = runs[0]
            found.append(
                Finding(
                    "markup",
                    f'unbalanced markup: a stray "{mark}"',
                    "close it as the source does, or remove it",
                    excerpt(translation, mark),
                )
            )
    return found


def _link_findings(source: str, translation: str) -> list[Finding]:
    wanted, written = _targets(source), _targets(translation)
    found = [
        Finding(
            "link",
            f"link target {target} is not allowed",
            f"link only to {', '.join(LINK_SCHEMES)} addresses",
            excerpt(translation, target),
        )
        for kind, target in written
        if kind == "link target" and not link_allowed(target)
    ]
    found += [
        Finding(
            "link",
            f"{kind} {target} missing from the translation",
            f"keep the target ({target}) exactly; translate only the text in brackets",
            excerpt(translation),
        )
        for kind, target in _minus(wanted, written)
    ]
    found += [
        Finding(
            "link",
            f"{kind} {target} is not in the source text",
            "use the link targets of the source only"
            if kind == "link target"
            else "remove it; a translation shows no image its source does not",
            excerpt(translation, target),
        )
        for kind, target in _minus(written, wanted)
    ]
    return found


def _number_findings(source: str, translation: str) -> list[Finding]:
    wanted, written = _numbers(source), _numbers(translation)
    found = [
        Finding(
            "number",
            f"number {number} missing from the translation",
            f"write {number} as the source does (years and other numbers typed in the text are "
            "kept; figures are placeholders)",
            excerpt(translation),
        )
        for number in _minus(wanted, written)
    ]
    found += [
        Finding(
            "number",
            f"number {number} is not in the source text",
            "check it: the source has no such number",
            excerpt(translation),
            "warning",
        )
        for number in _minus(_numbers(translation, calendar=False), wanted)
    ]
    return found


def _avoided_finding(hit: Hit) -> Finding:
    cell = hit.cell
    use = f"use “{_display(cell.preferred)}”" if cell.preferred else "rephrase"
    sources = f"sources {', '.join(cell.sources)}" if cell.sourced("avoid") else "unsourced"
    start = max(0, hit.start - 25)
    return Finding(
        "term-avoided",
        f"term to avoid “{hit.found}”",
        f"{use} ({GLOSSARY_NOTE}: {hit.concept.id}, {sources}); a law or treaty title listed "
        "there may quote it in italics or quotation marks",
        excerpt(hit.plain[start:], hit.found),
        "error" if cell.sourced("avoid") else "warning",
    )


def _display(terms: tuple[Term, ...]) -> str:
    """Return the first term written without wildcards (the dictionary form)."""
    plain = [term.text for term in terms if "*" not in term.text and "(" not in term.text]
    return plain[0] if plain else terms[0].text.replace("*", "")


@lru_cache(maxsize=4096)
def _children(text: str) -> tuple[Any, ...]:
    """Return the inline tokens of a text as the renderers will parse it (read only, cached).

    Figures are substituted before rendering, and a figure starts with a digit; a placeholder
    left in place would change what `**` means next to it (`升至**{{ x }}**。` is strong once
    the figure is in, not before). A letter stands in for it: it flanks as a digit does."""
    tokens = permissive_parser().parseInline(PLACEHOLDER.sub("X", text))
    return tuple(tokens[0].children or []) if tokens else ()


def _markup_counts(text: str) -> Counter[str]:
    return Counter(_MARKUP[c.type] for c in _children(text) if c.type in _MARKUP)


def _plain(text: str) -> str:
    """Return the text of the text tokens: what is left of the Markdown after parsing."""
    return "".join(str(c.content) for c in _children(text) if c.type == "text")


def _delimiter_runs(plain: str, char: str) -> list[str]:
    """Return the runs of a delimiter left as text; `_` inside a word (safe_mode) is no delimiter."""
    runs = []
    for run in re.finditer(re.escape(char) + "+", plain):
        before, after = plain[run.start() - 1 : run.start()], plain[run.end() : run.end() + 1]
        if char == "_" and before.isalnum() and after.isalnum():
            continue
        runs.append(run.group())
    return runs


def _targets(text: str) -> list[tuple[str, str]]:
    found = []
    for child in _children(text):
        if child.type == "link_open":
            found.append(("link target", str(child.attrs.get("href", ""))))
        elif child.type == "image":
            found.append(("image", str(child.attrs.get("src", ""))))
    return found


def _numbers(text: str, calendar: bool = True) -> list[str]:
    """Return the numbers of a text's words in ASCII digits (without 8月-style months and days)."""
    words = " ".join(str(c.content) for c in _children(text) if c.type in ("text", "image"))
    if not calendar:
        words = _CALENDAR.sub(" ", words)
    return ["".join(str(unicodedata.decimal(d)) for d in run) for run in _DIGITS.findall(words)]


def _html_tags(text: str) -> list[str]:
    """Return the raw HTML of a text: CommonMark's HTML tags, and any other `<` that a browser
    or a lenient parser would open a tag with (`<img/src=x`, `<style/x>`, `<!x`, `</x`)."""
    tokens = _html_parser().parseInline(text)
    children = tokens[0].children or [] if tokens else []
    tags = []
    for child in children:
        if child.type == "html_inline":
            tags.append(str(child.content))
        elif child.type == "text":
            tags += _TAG_LIKE.findall(str(child.content))
    return tags


_TAG_LIKE = re.compile(r"<[/!?]?[A-Za-z][^\s<>]*>?")


@cache
def _html_parser() -> MarkdownIt:
    """Return a parser that recognises raw HTML, to find it (the renderers print it as text)."""
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def _lead(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


def _minus(left: list[Any], right: list[Any]) -> list[Any]:
    """Return the items of left not matched one for one in right."""
    rest = Counter(right)
    missing = []
    for item in left:
        if rest[item]:
            rest[item] -= 1
        else:
            missing.append(item)
    return missing
