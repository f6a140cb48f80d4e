"""Catalogs that survive the tools translators use: Plural-Forms by meaning, wrapping that keeps
placeholders whole at any incoming width, a repaired fuzzy header, and a translation memory."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog

from briefkit import plurals, translations
from briefkit.catalogs.merge import Memory, merge_catalog
from briefkit.catalogs.po import dump_catalog, po_path, read_catalog, wrap_po
from briefkit.cli import main
from briefkit.project import Project
from briefkit.qa.checks import check_catalog
from briefkit.qa.glossary import Glossary

# The spellings tools write (Weblate's is gettext's without parentheses; Poedit keeps
# gettext's; Babel's legacy table had Arabic wrong).
WEBLATE_FR = "nplurals=2; plural=n > 1;"
POEDIT_FR = "nplurals=2; plural=(n > 1);"
WEBLATE_AR = (
    "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 ? 4 : 5;"
)
BABEL_LEGACY_AR = (
    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=0 && n%100<=2 ? 4 : 5);"
)


@pytest.mark.parametrize("code", ["en", "fr", "es", "ru", "ar", "zh_Hans", "pt_BR", "pt_PT"])
def test_every_canonical_rule_picks_cldrs_category_for_every_count(code: str) -> None:
    count, forms = plurals.forms_of(plurals.canonical(code)) or (0, ())
    assert forms == plurals.cldr_forms(code)
    assert count == len(set(forms))


def test_arabic_follows_cldr_many_and_other() -> None:
    _, forms = plurals.forms_of(plurals.canonical("ar")) or (0, ())
    category = Locale.parse("ar").plural_form
    assert {category(n) for n in (11, 50, 99, 111)} == {"many"}
    assert {forms[n] for n in (11, 50, 99)} == {4}
    assert {category(n) for n in (100, 101, 102)} == {"other"}
    assert {forms[n] for n in (100, 101, 102)} == {5}
    assert not plurals.same_meaning(BABEL_LEGACY_AR, plurals.canonical("ar"))


@pytest.mark.parametrize(
    ("written", "code", "same"),
    [
        (WEBLATE_FR, "fr", True),
        (POEDIT_FR, "fr", True),
        ("nplurals=2;plural=(n>1)", "fr", True),
        ("nplurals=2; plural=(n != 1);", "fr", False),  # 0 is singular in French
        ("nplurals=3; plural=(n > 1);", "fr", False),
        (WEBLATE_AR, "ar", True),
        (BABEL_LEGACY_AR, "ar", False),
        ("nplurals=1; plural=0;", "zh_Hans", True),
        ("nplurals=2; plural=n/0;", "fr", False),  # not an expression of any count
        ("plural=(n > 1);", "fr", False),
    ],
)
def test_plural_forms_are_compared_by_meaning(written: str, code: str, same: bool) -> None:
    assert plurals.same_meaning(written, plurals.canonical(code)) is same


def header_problems(catalog: Catalog, code: str) -> list[str]:
    from briefkit.locales import locale_info
    from briefkit.project import Policy

    found = check_catalog(catalog, "x.po", locale_info(code), Policy(), Glossary(()), "en")
    return [p.message for p in found if p.code == "plural-forms"]


def test_check_accepts_any_spelling_of_the_rule_and_names_the_cldr_one() -> None:
    catalog = Catalog(locale="fr")
    catalog.mime_headers = [("Plural-Forms", WEBLATE_FR)]
    assert header_problems(catalog, "fr") == []
    arabic = Catalog(locale="ar")
    arabic.mime_headers = [("Plural-Forms", BABEL_LEGACY_AR)]
    assert header_problems(arabic, "ar") == [
        f"the header says Plural-Forms: {BABEL_LEGACY_AR} but ar has {plurals.canonical('ar')}"
    ]


PLACEHOLDER_LINE = (
    "Diagramme en barres : les signalements sont passés de {{ before }} à {{ after }} en "
    '[deux ans](https://example.org/a-very-long-path/with-hyphens-inside "Titre du lien") '
    "et `code inline span` puis %(percent)s traduit."
)


@pytest.mark.parametrize("width", [30, 45, 60, 76, 77, 80])
def test_wrapping_never_splits_a_placeholder_link_target_or_code_span(width: int) -> None:
    text = PLACEHOLDER_LINE * 2
    lines = [line.strip('"') for line in wrap_po(text, width).split("\n")]
    assert "".join(lines) == text.replace('"', '\\"')
    for token in re.findall(r"\{\{.*?\}\}|\]\([^)]*\)|`[^`]*`|%\(\w+\)s", text):
        assert any(token.replace('"', '\\"') in line for line in lines), token


def test_wrapping_is_babels_where_nothing_would_be_split() -> None:
    from babel.messages.pofile import normalize

    text = "Plain words only, " * 12
    assert wrap_po(text, 76) == normalize(text, width=76)


def weblate_resave(path: Path) -> None:
    """Rewrite a catalog as Weblate does: its Plural-Forms spelling, lines wrapped at 77."""
    text = path.read_text(encoding="utf-8")
    catalog = read_catalog(path, "fr")
    text = re.sub(r'"Plural-Forms: [^"]*"\n', f'"Plural-Forms: {WEBLATE_FR}\\\\n"\n', text)
    wide = []
    for message in catalog:
        if message.id and message.string:
            wide.append((message.string, wrap_po(str(message.string), 78)))
    for string, rewrapped in wide:
        old = wrap_po(str(string), 76)
        text = text.replace(f"msgstr {old}\n", f"msgstr {rewrapped}\n")
    path.write_text(text, encoding="utf-8")


def test_update_normalises_any_incoming_width_and_plural_spelling(sample: Project) -> None:
    translations.extract(sample)
    translations.update(sample)
    path = po_path(sample.translations_dir, "fr", "sample")
    canonical = path.read_bytes()
    weblate_resave(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert any(len(line) == 77 for line in lines)  # really 77 columns, not only the header
    changes = translations.update(sample, ("fr",))
    assert path.read_bytes() == canonical
    change = next(c for c in changes if c.path == path)
    assert change.merge is not None and change.merge.header_repaired == ("Plural-Forms",)


def test_update_removes_a_fuzzy_header_and_says_so(
    sample: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(sample.root)
    translations.extract(sample)
    translations.update(sample)
    path = po_path(sample.translations_dir, "fr", "sample")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgid ""\nmsgstr ""', '#, fuzzy\nmsgid ""\nmsgstr ""', 1))
    assert read_catalog(path, "fr").fuzzy
    assert main(["update", "--lang", "fr"]) == 0
    assert "updated translations/fr/LC_MESSAGES/sample.po: fuzzy header repaired" in (
        capsys.readouterr().err.splitlines()
    )
    assert not read_catalog(path, "fr").fuzzy
    assert path.read_text(encoding="utf-8") == text


def fr_catalog(*pairs: tuple[str, str], obsolete: tuple[tuple[str, str], ...] = ()) -> Catalog:
    from babel.messages.catalog import Message

    catalog = Catalog(locale="fr", domain="other")
    for msgid, msgstr in pairs:
        catalog.add(msgid, msgstr, locations=[("briefs/other.md", 1)])
    for msgid, msgstr in obsolete:
        catalog.obsolete[msgid] = Message(msgid, msgstr)
    return catalog


def test_memory_fills_identical_english_from_another_brief_or_an_obsolete_entry() -> None:
    memory = Memory([fr_catalog(("Context", "Contexte"), obsolete=(("Sources", "Sources"),))])
    template = Catalog(domain="sample")
    for msgid in ("Context", "Sources", "Findings"):
        template.add(msgid, locations=[("briefs/sample.md", 1)])
    merged = merge_catalog(Catalog(locale="fr", domain="sample"), template, memory)
    assert (merged.memory, merged.new) == (2, 1)
    assert [(m.id, m.string, m.fuzzy) for m in merged.catalog if m.id] == [
        ("Context", "Contexte", True),
        ("Sources", "Sources", True),
        ("Findings", "", False),
    ]
    trusted = merge_catalog(Catalog(locale="fr", domain="sample"), template, memory, True)
    assert [m.fuzzy for m in trusted.catalog if m.id] == [False, False, False]


def test_memory_never_lends_a_fuzzy_translation() -> None:
    donor = fr_catalog(("Context", "Contexte"))
    donor["Context"].flags.add("fuzzy")
    assert Memory([donor]).get(donor["Context"]) is None


def test_update_fills_from_a_sibling_brief_and_a_compendium_and_reports_it(
    sample: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(sample.root)
    translations.extract(sample)
    translations.update(sample)
    # A second brief repeats a heading of the first, and a sentence the compendium knows.
    brief = (sample.briefs_dir / "sample.md").read_text(encoding="utf-8")
    second = brief.replace("## Context", "## Context\n\nA sentence only the compendium knows.")
    (sample.briefs_dir / "second.md").write_text(second, encoding="utf-8")
    compendium = fr_catalog(("A sentence only the compendium knows.", "Une phrase connue."))
    compendium_path = sample.root / "compendium.fr.po"
    compendium_path.write_bytes(dump_catalog(compendium))
    translations.extract(sample)
    capsys.readouterr()
    assert main(["update", "--lang", "fr", "--compendium", "compendium.fr.po"]) == 0
    err = capsys.readouterr().err.splitlines()
    second_po = read_catalog(po_path(sample.translations_dir, "fr", "second"), "fr")
    sample_po = read_catalog(po_path(sample.translations_dir, "fr", "sample"), "fr")
    recalled = [m for m in second_po if m.id and m.string]
    translated_in_sample = [m for m in sample_po if m.id and m.string and not m.fuzzy]
    # Every entry the first brief had translated is offered, fuzzy; plus the compendium's.
    assert len(recalled) == len(translated_in_sample) + 1
    assert all(m.fuzzy for m in recalled)
    assert second_po["A sentence only the compendium knows."].string == "Une phrase connue."
    assert f"translation memory: {len(recalled)} entries filled" in err
    assert (
        f"created translations/fr/LC_MESSAGES/second.po: "
        f"{len([m for m in second_po if m.id and not m.string])} new, "
        f"{len(recalled)} from translation memory"
    ) in err
