"""[tool.briefkit] checked once against its schema: types, allowed values, unknown keys, every
error at once, each with its line in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefkit.cli import main
from briefkit.errors import ErrorList
from briefkit.project import load_project

CONFIG = """\
[project]
name = "x"

[tool.briefkit]
source_locale = "en"
locales = ["en", "fr", "ar", "pt_BR"]
colour = "blue"

[tool.briefkit.policy.fr]
min_completeness = true
allow_fuzzy = "false"

[tool.briefkit.policy.ar]
min_completeness = 101
status = "paused"
when_behind = "hold-back"
review = "reviewed"

[tool.briefkit.policy.pt_BR]
status = "in-progress"
memory = "translated"
"""


def write(root: Path, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    return root


def test_every_error_is_reported_at_once_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(write(tmp_path, CONFIG))
    with pytest.raises(ErrorList) as caught:
        load_project(tmp_path)
    assert [str(error) for error in caught.value.errors] == [
        "pyproject.toml:7: [tool.briefkit]: unknown key 'colour' (use source_locale, locales, policy)",
        "pyproject.toml:10: [tool.briefkit.policy.fr]: min_completeness must be a number from 0 to 100, not True (e.g. min_completeness = 100)",
        "pyproject.toml:11: [tool.briefkit.policy.fr]: allow_fuzzy must be true or false, unquoted, not 'false' (e.g. allow_fuzzy = false)",
        "pyproject.toml:14: [tool.briefkit.policy.ar]: min_completeness must be a number from 0 to 100, not 101 (e.g. min_completeness = 100)",
        'pyproject.toml:15: [tool.briefkit.policy.ar]: status must be "released" or "in-progress", not \'paused\' (e.g. status = "in-progress")',
        "pyproject.toml:17: [tool.briefkit.policy.ar]: unknown key 'review' (a reviewer's sign-off is recorded with `python build.py review LOCALE`, bound to the strings it covers; delete this key)",
    ]


def test_the_cli_prints_them_all_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(write(tmp_path, CONFIG))
    assert main(["stats"]) == 1
    err = capsys.readouterr().err
    assert err.count("error: pyproject.toml:") == 6
    assert "error: pyproject.toml:10: [tool.briefkit.policy.fr]: min_completeness" in err
    assert "Traceback" not in err


def test_a_valid_config_gives_each_locale_its_policy(tmp_path: Path) -> None:
    fixed = (
        CONFIG.replace('colour = "blue"\n', "")
        .replace("min_completeness = true", "min_completeness = 90")
        .replace('allow_fuzzy = "false"', "allow_fuzzy = true")
        .replace("min_completeness = 101", "min_completeness = 100")
        .replace('status = "paused"', 'status = "released"')
        .replace('review = "reviewed"\n', "")
    )
    project = load_project(write(tmp_path, fixed))
    assert (project.policy("fr").min_completeness, project.policy("fr").allow_fuzzy) == (90, True)
    assert project.policy("ar").when_behind == "hold-back"
    assert project.policy("pt_BR").in_progress and project.policy("pt_BR").memory == "translated"
    assert project.released_locales == ("en", "fr", "ar")
    assert project.target_locales == ("fr", "ar", "pt_BR")
