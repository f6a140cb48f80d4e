"""The canonical .po form: `#|` previous msgids survive, headers hold no junk, and a Poedit
re-save followed by `update` leaves no diff noise."""

from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.pofile import read_po

from briefkit import translations
from briefkit.catalogs.po import dump_catalog, po_path, read_catalog
from briefkit.project import Project

EDITED = """# Translations of the 'sample' domain of this brief series.
#
msgid ""
msgstr ""
"Project-Id-Version: briefs-sample 1\\n"
"POT-Creation-Date: 2023-11-14 22:13+0000\\n"
"PO-Revision-Date: 2024-03-01 10:15+0100\\n"
"Last-Translator: Marie Dupont <marie@example.org>\\n"
"Language-Team: French\\n"
"Language: fr\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"

# Vérifier le terme avec l'équipe.
#. paragraph in “Context”
#: briefs/sample.md:17
#, fuzzy
#| msgid ""
#| "Reports rose to **{{ reports }}** in {{ reports.year }}, according to "
#| "the source."
msgid ""
"Reports rose to **{{ reports }}** in {{ reports.year }}, according to "
"[the source](https://example.org/report)."
msgstr ""
"Les signalements ont atteint **{{ reports }}** en {{ reports.year }}, "
"selon la source."

#, fuzzy
#~| msgid "Old heading"
#~ msgid "Older heading"
#~ msgstr "Ancien titre"
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def canonical(sample: Project) -> Project:
    """Bring the sample's templates and catalogs into the canonical form, as a translator finds them."""
    translations.extract(sample)
    translations.update(sample)
    return sample


def test_babel_alone_turns_previous_msgids_into_comments() -> None:
    """Why catalogs.read_catalog exists: Babel reads `#|` as a translator comment, and refuses `#~|`."""
    catalog = read_po(io.StringIO(EDITED.replace('#~| msgid "Old heading"\n', "")))
    message = catalog[
        "Reports rose to **{{ reports }}** in {{ reports.year }}, according to [the source](https://example.org/report)."
    ]
    assert message.previous_id == []
    assert message.user_comments[1] == '| msgid ""'


def test_previous_msgids_survive_a_read_write_cycle(tmp_path: Path) -> None:
    path = write(tmp_path / "fr.po", EDITED)
    catalog = read_catalog(path, "fr")
    message = catalog[
        "Reports rose to **{{ reports }}** in {{ reports.year }}, according to [the source](https://example.org/report)."
    ]
    assert message.previous_id == [
        "Reports rose to **{{ reports }}** in {{ reports.year }}, according to the source."
    ]
    assert message.user_comments == ["Vérifier le terme avec l'équipe."]
    [obsolete] = catalog.obsolete.values()
    assert obsolete.previous_id == ["Old heading"] and obsolete.fuzzy
    assert dump_catalog(catalog).decode("utf-8") == EDITED


def test_line_numbers_are_kept_when_previous_lines_are_read(tmp_path: Path) -> None:
    catalog = read_catalog(write(tmp_path / "fr.po", EDITED), "fr")
    lines = EDITED.split("\n")
    for message in catalog:
        if message.id:
            assert lines[message.lineno - 1].startswith("msgid ")


def test_a_new_catalog_has_a_complete_header_without_placeholders(sample: Project) -> None:
    translations.extract(sample)
    translations.init(sample, "ru")
    text = po_path(sample.translations_dir, "ru", "sample").read_text(encoding="utf-8")
    header = text.split("\n\n")[0]
    fields = re.findall(r'^"([\w-]+): ', header, re.M)
    assert fields == [
        "Project-Id-Version",
        "Report-Msgid-Bugs-To",
        "POT-Creation-Date",
        "PO-Revision-Date",
        "Language-Team",
        "Language",
        "MIME-Version",
        "Content-Type",
        "Content-Transfer-Encoding",
        "Plural-Forms",
    ]
    assert '"Language-Team: Russian\\n"' in header
    assert '"Content-Type: text/plain; charset=UTF-8\\n"' in header
    assert (
        '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "\n'
        '"n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"'
    ) in header
    for junk in ("FULL NAME", "EMAIL@ADDRESS", "LL@li.org", "Generated-By", "YEAR-MO-DA"):
        assert junk not in text


def test_a_template_header_has_no_translation_fields(sample: Project) -> None:
    translations.extract(sample)
    header = (sample.translations_dir / "sample.pot").read_text(encoding="utf-8").split("\n\n")[0]
    assert re.findall(r'^"([\w-]+): ', header, re.M) == [
        "Project-Id-Version",
        "Report-Msgid-Bugs-To",
        "POT-Creation-Date",
        "MIME-Version",
        "Content-Type",
        "Content-Transfer-Encoding",
    ]


# A re-save by another tool: its own wrapping, its own header order and stamps.

_FIELD = re.compile(r'^(#~ |#\| |#~\| )?(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$')


def resave(text: str, width: int, header: dict[str, str] | None = None) -> str:
    """Re-save a catalog as Poedit does: rewrapped at `width` (0: no wrapping), header reordered."""
    lines, out, index = text.split("\n"), [], 0
    while index < len(lines):
        match = _FIELD.match(lines[index])
        index += 1
        if not match:
            out.append(lines[index - 1])
            continue
        prefix, keyword, first = match.group(1) or "", match.group(2), match.group(3)
        parts = [first]
        while index < len(lines) and lines[index].startswith(prefix + '"'):
            parts.append(lines[index][len(prefix) :])
            index += 1
        value = "".join(part[1:-1] for part in parts)
        if keyword == "msgstr" and value.startswith("Project-Id-Version"):
            value = _poedit_header(value, header or {})
        out += _wrap(prefix, keyword, value, width)
    return "\n".join(out)


def _poedit_header(value: str, changes: dict[str, str]) -> str:
    fields = dict(re.findall(r"([\w-]+): (.*?)\\n", value))
    fields |= changes
    order = ["Language", "Plural-Forms", "Project-Id-Version", "POT-Creation-Date"]
    ordered = [k for k in order if k in fields] + [k for k in fields if k not in order]
    return "".join(f"{k}: {fields[k]}\\n" for k in ordered) + "X-Generator: Poedit 3.4.2\\n"


def _wrap(prefix: str, keyword: str, value: str, width: int) -> list[str]:
    if not width or (len(prefix + keyword) + len(value) + 3 <= width and "\\n" not in value[:-2]):
        return [f'{prefix}{keyword} "{value}"']
    lines, line = [], ""
    for piece in re.split(r"(?<=\\n)|(?<= )", value):
        if line and (len(prefix) + len(line) + len(piece) + 2 > width or line.endswith("\\n")):
            lines.append(line)
            line = ""
        line += piece
    lines.append(line)
    return [f'{prefix}{keyword} ""'] + [f'{prefix}"{line}"' for line in lines if line]


def test_a_poedit_resave_then_update_leaves_exactly_the_translators_change(
    sample: Project,
) -> None:
    canonical(sample)
    path = po_path(sample.translations_dir, "fr", "sample")
    before = path.read_text(encoding="utf-8")
    edited = before.replace(
        'msgstr "L’escalade peut prendre {{ escalation }}."',
        'msgstr "L’escalade peut ne prendre que {{ escalation }}."',
    )
    saved = resave(
        edited,
        79,
        {
            "PO-Revision-Date": "2024-03-01 10:15+0100",
            "Last-Translator": "Marie Dupont <marie@example.org>",
        },
    )
    assert max(len(line) for line in saved.split("\n")) > 76  # the re-save did rewrap
    assert saved.split("\n")[4] == '"Language: fr\\n"'  # and reorder the header
    path.write_text(saved, encoding="utf-8")

    translations.update(sample, ("fr",))

    after = path.read_text(encoding="utf-8")
    removed = sorted(set(before.split("\n")) - set(after.split("\n")))
    added = sorted(set(after.split("\n")) - set(before.split("\n")))
    old_date = re.search(r'^"PO-Revision-Date: .*$', before, re.M)
    assert old_date is not None
    assert removed == [
        old_date.group(),
        'msgstr "L’escalade peut prendre {{ escalation }}."',
    ]
    assert added == [
        '"Last-Translator: Marie Dupont <marie@example.org>\\n"',
        '"PO-Revision-Date: 2024-03-01 10:15+0100\\n"',
        'msgstr "L’escalade peut ne prendre que {{ escalation }}."',
    ]
    assert len(after.split("\n")) == len(before.split("\n")) + 1  # the one added header line


def test_a_resave_without_changes_then_update_gives_back_the_same_bytes(sample: Project) -> None:
    canonical(sample)
    for locale in ("fr", "ar", "zh_Hans"):
        for domain in ("sample", "templates"):
            path = po_path(sample.translations_dir, locale, domain)
            before = path.read_bytes()
            for width in (79, 0):
                path.write_text(resave(before.decode("utf-8"), width), encoding="utf-8")
                assert path.read_bytes() != before
                translations.update(sample, (locale,))
                assert path.read_bytes() == before, (locale, domain, width)


def test_update_leaves_the_revision_date_alone(sample: Project) -> None:
    canonical(sample)
    path = po_path(sample.translations_dir, "fr", "sample")
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(r"PO-Revision-Date: [^\\]*", "PO-Revision-Date: 2020-05-06 07:08+0200", text),
        encoding="utf-8",
    )
    brief = sample.briefs_dir / "sample.md"
    brief.write_text(brief.read_text(encoding="utf-8") + "\nA new closing paragraph.\n", "utf-8")
    translations.extract(sample)
    [change] = [c for c in translations.update(sample, ("fr",)) if c.path == path]
    assert change.action == "updated"
    assert '"PO-Revision-Date: 2020-05-06 07:08+0200\\n"' in path.read_text(encoding="utf-8")
