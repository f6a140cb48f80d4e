"""Merging a template into a catalog: work kept, edits flagged with the previous msgid, nothing lost."""

from __future__ import annotations

from babel.messages.catalog import Catalog, Message

from briefkit.catalogs.merge import merge_catalog
from briefkit.catalogs.po import dump_catalog

LONG = (
    "Reports of child sexual abuse material have risen by {{ rise }} since 2019. Figures from the "
    "National Center for Missing & Exploited Children show more than {{ reports }} reports "
    "worldwide in {{ reports.year }}, and most of them concern images shared on platforms that "
    "offer no protection by design."
)
LONG_FR = "Les signalements de matériel d’abus sexuels d’enfants ont augmenté de {{ rise }}…"


def catalog(*entries: tuple[str, str], obsolete: tuple[tuple[str, str], ...] = ()) -> Catalog:
    result = Catalog(locale="fr", domain="sample")
    for line, (msgid, msgstr) in enumerate(entries, start=1):
        result.add(msgid, msgstr, locations=[("briefs/sample.md", line)])
    for msgid, msgstr in obsolete:
        result.obsolete[msgid] = Message(msgid, msgstr)
    return result


def template(*msgids: str) -> Catalog:
    result = Catalog(domain="sample")
    for line, msgid in enumerate(msgids, start=10):
        result.add(msgid, locations=[("briefs/sample.md", line)], auto_comments=["paragraph"])
    return result


def test_an_unchanged_or_moved_entry_keeps_its_translation_and_takes_the_new_place() -> None:
    old = catalog(("Context", "Contexte"), ("Findings", "Constats"))
    merged = merge_catalog(old, template("Findings", "Context"))
    message = merged.catalog["Context"]
    assert (message.string, message.fuzzy, message.previous_id) == ("Contexte", False, [])
    assert message.locations == [("briefs/sample.md", 11)]
    assert message.auto_comments == ["paragraph"]
    assert [m.id for m in merged.catalog if m.id] == ["Findings", "Context"]
    assert (merged.kept, merged.fuzzy, merged.new, merged.obsolete) == (2, 0, 0, 0)


def test_an_edited_paragraph_is_fuzzy_with_the_msgid_it_was_translated_from() -> None:
    old = catalog(
        ("Reports rose sharply in 2022.", "Les signalements ont fortement augmenté en 2022.")
    )
    merged = merge_catalog(old, template("Reports rose very sharply in 2022."))
    message = merged.catalog["Reports rose very sharply in 2022."]
    assert message.string == "Les signalements ont fortement augmenté en 2022."
    assert message.fuzzy
    assert message.previous_id == ["Reports rose sharply in 2022."]
    assert merged.fuzzy == 1 and not merged.catalog.obsolete
    assert (
        "#, fuzzy\n"
        '#| msgid "Reports rose sharply in 2022."\n'
        'msgid "Reports rose very sharply in 2022."\n'
    ) in dump_catalog(merged.catalog).decode("utf-8")


def test_a_long_paragraph_with_a_small_edit_keeps_its_translation_as_fuzzy() -> None:
    """babel#969: a long msgid with a small change lost its translation."""
    edited = "As the report explains, " + LONG[0].lower() + LONG[1:]
    merged = merge_catalog(catalog((LONG, LONG_FR)), template(edited))
    assert merged.catalog[edited].string == LONG_FR
    assert merged.catalog[edited].previous_id == [LONG]


def test_a_paragraph_with_a_sentence_added_keeps_its_translation_as_fuzzy() -> None:
    longer = LONG + " Reports of financial sexual extortion rose too."
    merged = merge_catalog(catalog((LONG, LONG_FR)), template(longer))
    assert merged.catalog[longer].fuzzy and merged.catalog[longer].string == LONG_FR


def test_a_removed_paragraph_is_kept_as_obsolete_and_an_empty_one_is_dropped() -> None:
    old = catalog(("Context", "Contexte"), ("Gone", "Parti"), ("Never translated", ""))
    merged = merge_catalog(old, template("Context"))
    assert list(merged.catalog.obsolete) == ["Gone"]
    assert merged.obsolete == 1
    assert '#~ msgid "Gone"\n#~ msgstr "Parti"\n' in dump_catalog(merged.catalog).decode("utf-8")


def test_a_new_paragraph_is_untranslated() -> None:
    merged = merge_catalog(catalog(("Context", "Contexte")), template("Context", "Survivors lead."))
    message = merged.catalog["Survivors lead."]
    assert (message.string, message.fuzzy, message.previous_id) == ("", False, [])
    assert merged.new == 1


def test_white_space_and_typography_fixes_keep_the_translation_as_it_stands() -> None:
    old = catalog(
        ("The report's  findings...", "Les conclusions du rapport…"),
        ('A "safety by design" approach', "Une approche « sécurité dès la conception »"),
    )
    merged = merge_catalog(old, template("The report’s findings…", "A “safety by design” approach"))
    for msgid in ("The report’s findings…", "A “safety by design” approach"):
        assert not merged.catalog[msgid].fuzzy and not merged.catalog[msgid].previous_id
    assert merged.catalog["The report’s findings…"].string == "Les conclusions du rapport…"
    assert (merged.kept, merged.fuzzy, merged.obsolete) == (2, 0, 0)


def test_a_punctuation_fix_keeps_the_translation_but_asks_for_review() -> None:
    """A comma can change what a sentence says; Poedit shows the `#|` difference to confirm it."""
    old = catalog(("Lets eat grandma", "Mangeons grand-mère"))
    merged = merge_catalog(old, template("Lets eat, grandma"))
    message = merged.catalog["Lets eat, grandma"]
    assert message.fuzzy and message.string == "Mangeons grand-mère"
    assert message.previous_id == ["Lets eat grandma"]


def test_short_texts_need_to_be_very_similar_to_be_offered() -> None:
    merged = merge_catalog(
        catalog(("Sources", "Sources"), ("Context", "Contexte")), template("Courses", "Contexts")
    )
    assert merged.catalog["Courses"].string == ""
    assert merged.catalog["Contexts"].string == "Contexte" and merged.catalog["Contexts"].fuzzy


def test_a_paragraph_that_comes_back_gets_its_translation_back() -> None:
    old = catalog(
        ("Context", "Contexte"), obsolete=(("Survivors lead.", "Les survivants mènent."),)
    )
    merged = merge_catalog(old, template("Context", "Survivors lead."))
    message = merged.catalog["Survivors lead."]
    assert (message.string, message.fuzzy) == ("Les survivants mènent.", False)
    assert not merged.catalog.obsolete and merged.restored == 1


def test_a_fuzzy_entry_keeps_its_previous_msgid_through_later_merges() -> None:
    """Babel's update drops `#|` when the msgid is unchanged, and replaces it on a second edit."""
    old = catalog(
        ("Reports rose very sharply in 2022.", "Les signalements ont fortement augmenté.")
    )
    message = old["Reports rose very sharply in 2022."]
    message.flags.add("fuzzy")
    message.previous_id = ["Reports rose sharply in 2022."]
    same = merge_catalog(old, template("Reports rose very sharply in 2022."))
    assert same.catalog["Reports rose very sharply in 2022."].previous_id == [
        "Reports rose sharply in 2022."
    ]
    again = merge_catalog(old, template("Reports rose very sharply in 2022 and 2023."))
    assert again.catalog["Reports rose very sharply in 2022 and 2023."].previous_id == [
        "Reports rose sharply in 2022."
    ]


def test_translator_comments_and_own_flags_are_kept() -> None:
    old = catalog(("Context", "Contexte"))
    old["Context"].user_comments = ["Titre court, 20 caractères au plus."]
    old["Context"].flags.add("no-wrap")
    message = merge_catalog(old, template("Context")).catalog["Context"]
    assert message.user_comments == ["Titre court, 20 caractères au plus."]
    assert message.flags == {"no-wrap"}


def test_merging_twice_changes_nothing() -> None:
    old = catalog(("Reports rose sharply in 2022.", "Fortement."), ("Gone", "Parti"))
    pot = template("Reports rose very sharply in 2022.", "New text.")
    once = merge_catalog(old, pot).catalog
    twice = merge_catalog(once, pot)
    assert dump_catalog(twice.catalog) == dump_catalog(once)
    assert (twice.kept, twice.fuzzy, twice.new, twice.obsolete) == (2, 0, 0, 0)


def test_the_catalog_given_is_not_changed() -> None:
    old = catalog(("Context", "Contexte"))
    before = dump_catalog(old)
    merge_catalog(old, template("Contexts"))
    assert dump_catalog(old) == before
