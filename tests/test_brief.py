from __future__ import annotations

from pathlib import Path

import pytest

from briefkit.errors import BriefkitError
from briefkit.project import Project
from briefkit.sources.brief import load_brief


def write(project: Project, text: str, name: str = "sample.md") -> Path:
    path = project.briefs_dir / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(BriefkitError) as caught:
        load_brief(path)
    return str(caught.value)


def front(project: Project, replace: str, by: str) -> Path:
    text = (project.briefs_dir / "sample.md").read_text(encoding="utf-8")
    assert replace in text
    return write(project, text.replace(replace, by, 1))


def test_broken_yaml_names_the_line(sample: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample.root)
    path = front(sample, "audience: For testers", "audience: [unclosed")
    assert error_of(path) == (
        "briefs/sample.md:5: invalid YAML: expected ',' or ']', but got ':' "
        "(check indentation, and quote values that contain ':' or start with '{')"
    )


def test_unknown_field_is_named_with_the_allowed_ones(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    path = front(sample, "audience:", "audeince:")
    assert error_of(path) == (
        "briefs/sample.md:4: unknown front-matter field 'audeince' "
        "(use one of title, date, publisher, data, key_messages, subtitle, audience, series, number)"
    )


def test_missing_front_matter(sample: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample.root)
    path = write(sample, "# Just a title\n")
    assert error_of(path) == (
        "briefs/sample.md:1: no front matter "
        "(start the file with a line '---', the YAML fields, and another '---')"
    )


def test_bad_date(sample: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample.root)
    path = front(sample, "date: 2023-10-17", "date: 17 October 2023")
    assert error_of(path) == "briefs/sample.md:7: `date` is not a date (write it as YYYY-MM-DD)"


def test_data_file_must_stay_in_briefs_data(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    path = front(sample, "data: data/sample.yaml", "data: ../../etc/passwd")
    assert error_of(path) == (
        "briefs/sample.md:9: data file '../../etc/passwd' is outside briefs/data/ "
        "(put the data file in briefs/data/ and write `data: data/<name>.yaml`)"
    )


def test_empty_body(sample: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample.root)
    text = (sample.briefs_dir / "sample.md").read_text(encoding="utf-8")
    path = write(sample, text[: text.index("## Context")])
    assert (
        error_of(path)
        == "briefs/sample.md:14: the brief has no body (write the brief below the front matter)"
    )


def test_old_mac_and_windows_line_endings_are_normalised(sample: Project) -> None:
    text = (sample.briefs_dir / "sample.md").read_text(encoding="utf-8")
    path = write(sample, text.replace("\n", "\r"), "cr.md")
    assert load_brief(path).body == load_brief(sample.briefs_dir / "sample.md").body


def test_control_characters_are_refused_with_their_line(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    path = front(sample, "## Context", "## Con\x00text")
    assert error_of(path) == (
        "briefs/sample.md:15: control character U+0000 in the text "
        "(delete it; a brief holds only printable text, tabs and line breaks)"
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "audience: For testers",
            "audience: !foo For testers",
            "briefs/sample.md:4: YAML tag '!foo' is not allowed "
            "(remove the tag; write plain text, numbers, dates, lists and mappings)",
        ),
        (
            "audience: For testers",
            "audience: !!binary aGVsbG8=",
            "briefs/sample.md:4: YAML tag 'tag:yaml.org,2002:binary' is not allowed "
            "(remove the tag; write plain text, numbers, dates, lists and mappings)",
        ),
        (
            "date: 2023-10-17",
            "date: 2023-13-45",
            "briefs/sample.md:7: '2023-13-45' is not a valid value "
            "(write dates as real YYYY-MM-DD dates, or quote the value to keep it as text)",
        ),
    ],
)
def test_yaml_tags_and_impossible_dates_are_refused_with_their_line(
    sample: Project, monkeypatch: pytest.MonkeyPatch, old: str, new: str, message: str
) -> None:
    monkeypatch.chdir(sample.root)
    assert error_of(front(sample, old, new)) == message


def test_every_front_matter_problem_is_reported_at_once_with_its_line(
    sample: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    path = front(sample, "date: 2023-10-17", "date: '2023-10-17'\nnumbr: 2")
    text = path.read_text(encoding="utf-8").replace("number: 1", "number: true")
    text = text.replace("title:", "title: 12 #", 1)
    path.write_text(
        text.replace("key_messages:", "key_messages: []\nold_messages:", 1), encoding="utf-8"
    )
    assert error_of(path).splitlines() == [
        "briefs/sample.md:2: `title` must be text (quote the value)",
        "briefs/sample.md:6: `number` must be a whole number from 1 to 9999 "
        "(write the brief's place in its series, e.g. `number: 3`)",
        "briefs/sample.md:7: `date` is not a date (write it as YYYY-MM-DD)",
        "briefs/sample.md:11: `key_messages` must be a list of sentences "
        "(write each message on its own line starting with '- ')",
        "briefs/sample.md:8: unknown front-matter field 'numbr' "
        "(use one of title, date, publisher, data, key_messages, subtitle, audience, series, number)",
        "briefs/sample.md:13: unknown front-matter field 'old_messages' "
        "(use one of title, date, publisher, data, key_messages, subtitle, audience, series, number)",
    ]
