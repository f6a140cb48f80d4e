"""The translator's commands on the sample project: update after edits, init, and their output."""

from __future__ import annotations

import pytest

from briefkit import translations
from briefkit.catalogs.po import po_path, read_catalog
from briefkit.cli import main
from briefkit.errors import ConfigError
from briefkit.pipeline import Request, build
from briefkit.project import Project, load_project

EDITED_BEFORE = (
    "- Escalation can take {{ escalation }}.\n- Children aged {{ ages }} are affected.\n"
)
EDITED_AFTER = (
    "- Children aged {{ ages }} are affected.\n"  # moved up
    "- Escalation can take as little as {{ escalation }}.\n"  # edited
    "\nSurvivors are leading the response.\n"  # new
)


def edit_brief(project: Project) -> None:
    path = project.briefs_dir / "sample.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace(EDITED_BEFORE, EDITED_AFTER)
    text = text.replace("\n> “A short quote.” — A Person, An Organisation\n", "\n")  # removed
    path.write_text(text, encoding="utf-8")


def test_update_after_an_edited_a_moved_a_removed_and_a_new_paragraph(sample: Project) -> None:
    path = po_path(sample.translations_dir, "fr", "sample")
    fr = read_catalog(path, "fr")
    fr["“A short quote.” — A Person, An Organisation"].string = "« Une courte citation. »"
    from briefkit.catalogs.po import write_catalog

    write_catalog(path, fr)
    edit_brief(sample)
    translations.extract(sample)

    [change] = [c for c in translations.update(sample, ("fr",)) if c.path == path]

    assert change.merge is not None
    assert (change.merge.fuzzy, change.merge.new, change.merge.obsolete) == (1, 1, 1)
    catalog = read_catalog(path, "fr")
    moved = catalog["Children aged {{ ages }} are affected."]
    assert (moved.string, moved.fuzzy) == ("Les enfants de {{ ages }} ans sont touchés.", False)
    edited = catalog["Escalation can take as little as {{ escalation }}."]
    assert edited.string == "L’escalade peut prendre {{ escalation }}." and edited.fuzzy
    assert catalog["Survivors are leading the response."].string == ""
    assert [m.string for m in catalog.obsolete.values()] == ["« Une courte citation. »"]
    text = path.read_text(encoding="utf-8")
    assert (
        "#, fuzzy\n"
        '#| msgid "Escalation can take {{ escalation }}."\n'
        'msgid "Escalation can take as little as {{ escalation }}."\n'
        'msgstr "L’escalade peut prendre {{ escalation }}."\n'
    ) in text
    assert text.endswith(
        '#~ msgid "“A short quote.” — A Person, An Organisation"\n'
        '#~ msgstr "« Une courte citation. »"\n'
    )
    # The fuzzy entry is not printed; the edition shows that sentence in English meanwhile.
    edition = build(load_project(sample.root), Request(locales=("fr",), formats=())).editions[0]
    assert "- Escalation can take as little as 19\u00a0secondes." in edition.brief.body


def test_update_prints_what_changed(
    sample: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(sample.root)
    translations.extract(sample)
    translations.update(sample)
    edit_brief(sample)
    translations.extract(sample)
    assert main(["update", "--lang", "fr"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "updated translations/fr/LC_MESSAGES/sample.po: 1 new, 1 fuzzy",
        "1 written, 1 unchanged",
        "translation memory: 0 entries filled",
    ]


def test_init_starts_a_language_with_its_plural_rule(
    sample: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(sample.root)
    assert main(["init", "ar_EG"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "created translations/ar_EG/LC_MESSAGES/sample.po: 17 new",
        "created translations/ar_EG/LC_MESSAGES/templates.po: 34 new",
        "2 written, 0 unchanged",
        'next: add "ar_EG" to locales in pyproject.toml [tool.briefkit], and its release policy as '
        "[tool.briefkit.policy.ar_EG]",
    ]
    catalog = read_catalog(po_path(sample.translations_dir, "ar_EG", "templates"), "ar_EG")
    assert catalog.plural_forms == (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 ? 4 : 5);"
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "pt_XX",
            "unknown locale 'pt_XX' (CLDR has no such locale; did you mean pt, pt_TL, pt_ST, pt_PT?)",
        ),
        (
            "fr_FX",
            "unknown locale 'fr_FX' (CLDR has no such locale; did you mean fr, fr_WF, fr_PF, fr_MF?)",
        ),
        (
            "pt-BR",
            "malformed locale code 'pt-BR' (use a gettext code such as fr, pt_BR or zh_Hans; "
            "did you mean pt_BR, pt, kgp_BR, tt_RU?)",
        ),
        ("en", "en is the source locale (pick a target language)"),
        ("fr", "translations/fr already exists (run `update --lang fr` instead)"),
    ],
)
def test_init_refuses_an_unknown_locale_with_close_matches(
    sample: Project, code: str, message: str
) -> None:
    with pytest.raises(ConfigError) as error:
        translations.init(sample, code)
    assert str(error.value) == message
    assert (
        not (sample.translations_dir / code.replace("-", "_") / "LC_MESSAGES").exists()
        or code == "fr"
    )
