"""Hostile catalogs and environment: bounded cost (Babel's quadratic wrap, nplurals, sizes), a
bad SOURCE_DATE_EPOCH, a Language header in the wrong folder, and terminal output that neither
runs escape sequences nor reads rich markup. Each case checks the exact `file:line: what (fix)`
through the command line, and that no traceback reaches the user."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from babel.messages.pofile import normalize
from hypothesis import given
from hypothesis import strategies as st

from briefkit.catalogs.po import po_path, read_catalog, wrap_po, write_catalog
from briefkit.cli import main
from briefkit.project import Project

PO = "translations/fr/LC_MESSAGES/sample.po"
PLURAL_FIX = "(set Plural-Forms as `python build.py init` writes it for the language)"
EPOCH_FIX = (
    "(set it to whole seconds since 1970 in ASCII digits, as `git log -1 --format=%ct` gives "
    "them, or unset it)"
)


def run(project: Project, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--root", str(project.root), *args])
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def fr_po(project: Project) -> Path:
    return po_path(project.translations_dir, "fr", "sample")


def set_context(project: Project, msgstr: str) -> int:
    catalog = read_catalog(fr_po(project), "fr")
    catalog["Context"].string = msgstr
    write_catalog(fr_po(project), catalog)
    return int(read_catalog(fr_po(project), "fr")["Context"].lineno)


# --- Wrapping: Babel's layout, in linear time -----------------------------------------------------

PIECES = st.sampled_from(
    ["a", "b", " ", "  ", "-", "--", ".", ",", "!", "?", "'", '"', "\t", "\n", "\\", "é", "ж",
     "中", "—", "well-known", "x-y", "&", "_"]
)  # fmt: skip


@given(st.lists(PIECES, max_size=120).map("".join), st.sampled_from([76, 73, 20, 8]))
def test_wrapping_is_babels_to_the_byte(text: str, width: int) -> None:
    assert wrap_po(text, width) == normalize(text, width=width)


@pytest.mark.parametrize("run_of", [".", "a", ".a", "-", "a-", "'"])
def test_a_long_run_wraps_whole(run_of: str) -> None:
    # Babel's own wrapping took 49 s on 40,000 full stops; ours is linear (its speed is the
    # benchmark's business: bench_translations, not a timed assertion here).
    text = run_of * (40_000 // len(run_of))
    wrapped = wrap_po(text, 76)
    assert wrapped.replace('"\n"', "").strip('"') == wrap_po(text, 0).strip('"')


@pytest.mark.parametrize("command", ["check", "update"])
def test_check_and_update_finish_on_40000_full_stops(
    sample: Project, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    set_context(sample, "." * 40_000)
    code, output = run(sample, command, "--lang", "fr", capsys=capsys)
    assert "Traceback" not in output and code in (0, 1)


# --- Plural forms and sizes, obsolete entries included --------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("nplurals=2;", "nplurals=2000000000;", '"nplurals=2000000000"'),
        ("nplurals=2;", "nplurals=11;", '"nplurals=11"'),
        (
            'msgid "Context"\nmsgstr "Contexte"',
            'msgid "Context"\nmsgstr "Contexte"\n\n#~ msgid "a"\n#~ msgid_plural "b"\n'
            '#~ msgstr[0] "x"\n#~ msgstr[999999999] "y"',
            '"#~ msgstr[999999999]"',
        ),
        (
            'msgid "Context"\nmsgstr "Contexte"',
            'msgid "Context"\nmsgstr "Contexte"\n\n#~ msgid "a"\n#~ msgid_plural "b"\n'
            '#~ msgstr[0] "x"\n#~ msgstr[10] "y"',
            '"#~ msgstr[10]"',
        ),
    ],
    ids=["nplurals-huge", "nplurals-11", "obsolete-index-huge", "obsolete-index-11"],
)
def test_plural_counts_are_capped_obsolete_entries_included(
    sample: Project,
    old: str,
    new: str,
    shown: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(sample.root)
    text = fr_po(sample).read_text(encoding="utf-8")
    assert old in text
    changed = text.replace(old, new, 1)
    fr_po(sample).write_text(changed, encoding="utf-8")
    needle = shown.strip('"')
    line = changed[: changed.index(needle)].count("\n") + 1
    code, output = run(sample, "check", "--lang", "fr", capsys=capsys)
    assert (code, output) == (
        1,
        f"error: {PO}:{line}: {shown} is over the limit of 10 plural forms {PLURAL_FIX}\n",
    )


def test_a_msgstr_over_the_limit_is_refused(
    sample: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    catalog = read_catalog(fr_po(sample), "fr")
    catalog["Context"].string = "x" * 50_001
    write_catalog(fr_po(sample), catalog)
    text = fr_po(sample).read_text(encoding="utf-8")
    line = text[: text.index('msgid "Context"')].count("\n") + 1
    code, output = run(sample, "check", "--lang", "fr", capsys=capsys)
    assert (code, output) == (
        1,
        f"error: {PO}:{line}: msgstr is 50,001 characters, over the 50,000 limit (a translation "
        "is about as long as its source; is this the right text?)\n",
    )


# --- The environment ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("99999999999999999", "99999999999999999"),
        ("²", "²"),
        ("garbage", "garbage"),
        ("-1", "-1"),
        ("1e9", "1e9"),
        ("12\x1b[2J", "12\\u001b[2J"),
    ],
)
def test_a_bad_source_date_epoch_is_a_message(
    sample: Project,
    value: str,
    shown: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    code, output = run(sample, "extract", capsys=capsys)
    assert (code, output) == (
        1,
        f"error: SOURCE_DATE_EPOCH={shown} is not a time {EPOCH_FIX}\n",
    )


def test_a_good_source_date_epoch_dates_the_templates(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (sample.translations_dir / "sample.pot").unlink()  # written anew, so dated anew
    assert main(["--root", str(sample.root), "extract"]) == 0
    pot = (sample.translations_dir / "sample.pot").read_text(encoding="utf-8")
    assert '"POT-Creation-Date: 2023-11-14 22:13+0000\\n"' in pot


@pytest.mark.parametrize("command", ["check", "build", "update"])
@pytest.mark.parametrize("written", ["ar", "fr_CA", "zh_Hans"])
def test_a_language_header_in_the_wrong_folder_is_caught_by_every_command(
    sample: Project,
    command: str,
    written: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(sample.root)
    text = fr_po(sample).read_text(encoding="utf-8")
    fr_po(sample).write_text(text.replace('"Language: fr\\n"', f'"Language: {written}\\n"'))
    line = text[: text.index('"Language: fr')].count("\n") + 1
    code, output = run(sample, command, "--lang", "fr", capsys=capsys)
    assert code == 1
    expected = (
        f"{PO}:{line}: header says Language: {written}, but the file is in the fr folder "
        '(set "Language: fr\\n" in the header)'
    )
    assert expected in output and "Traceback" not in output


# --- The terminal ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("msgstr", "printed"),
    [
        ("Contexte <b> [/i] [bold red]x[/]", "Contexte <b> [/i] [bold red]x[/]"),
        ("Contexte \x1b[2J\x1b]0;pwned\x07", "Contexte \\u001b[2J\\u001b]0;pwned\\u0007"),
        ("Contexte \u009b31m", "Contexte \\u009b31m"),
        ("Contexte \u202ex", "Contexte \\u202ex"),
    ],
    ids=["rich-markup", "escape-sequences", "c1-csi", "bidi"],
)
@pytest.mark.parametrize("json_output", [False, True], ids=["text", "json"])
def test_the_terminal_gets_msgstrs_as_visible_text(
    sample: Project,
    msgstr: str,
    printed: str,
    json_output: bool,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(sample.root)
    set_context(sample, msgstr)
    code, output = run(
        sample, "check", "--lang", "fr", *(["--json"] if json_output else []), capsys=capsys
    )
    assert code == 1
    assert all(ord(c) >= 0x20 or c == "\n" for c in output)
    assert not any(0x7F <= ord(c) < 0xA0 or c == "\u202e" for c in output)
    if json_output:
        excerpts = [p["excerpt"] for p in json.loads(output)["problems"]]
        assert printed in excerpts
    else:
        assert f'"{printed}"' in output


def test_a_build_error_prints_rich_markup_and_escapes_literally(
    sample: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    set_context(sample, "Contexte <b> [/i] [bold red]x[/] \x1b[2J")
    code, output = run(sample, "build", "--lang", "fr", "--format", "pdf", capsys=capsys)
    assert code == 1
    assert (
        'raw HTML <b> in the translation: "Contexte <b> [/i] [bold red]x[/] \\u001b[2J"' in output
    )
    assert "\x1b" not in output


# --- Template strings: every way a template asks for one is escaped ---------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("t.html", "&lt;b&gt;3&lt;/b&gt; fichiers (100%) %(n)20s"),
        ("t.md.j2", "\\<b\\>3\\<\\/b\\> fichiers \\(100\\%\\) \\%\\(n\\)20s"),
    ],
)
def test_plural_and_singular_template_strings_are_escaped(
    tmp_path: Path, name: str, expected: str
) -> None:
    from briefkit.render.templating import render_template, template_environment

    (tmp_path / name).write_text(
        '{{ ngettext("%(num)s file", "%(num)s files", 3) }}|{{ _("Note") }}', encoding="utf-8"
    )
    hostile = "<b>%(num)s</b> fichiers (100%) %(n)20s"
    env = template_environment(
        tmp_path,
        lambda text: {"Note": "<i>\n# Heading</i>"}.get(text, text),
        lambda singular, plural, n: hostile,
    )
    plural, single = render_template(env, name).split("|")
    assert plural == expected
    assert single == (
        "&lt;i&gt;\n# Heading&lt;/i&gt;"
        if name.endswith(".html")
        else "\\<i\\> \\# Heading\\<\\/i\\>"
    )
