"""The no-op fast path: taken only when nothing a build reads has changed, and then instant."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from briefkit.cli import main
from briefkit.project import Project
from briefkit.release import fastpath

ROOT = Path(__file__).resolve().parent.parent
REQUEST = fastpath.request_key(
    briefs=[], locales=[], formats=["docx", "html", "pdf"], allow_partial=False
)


@pytest.fixture
def recorded(built_sample: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A copy of the built sample after one command-line build, which records its inputs."""
    root = Path(shutil.copytree(built_sample.root, tmp_path / "recorded"))
    assert main(["--root", str(root)]) == 0
    assert (root / "dist" / fastpath.RECORD).is_file()
    capsys.readouterr()
    return root


def test_a_no_op_build_finishes_before_loading_babel_or_any_stage(recorded: Path) -> None:
    dist = recorded / "dist"
    before = {path: path.stat().st_mtime_ns for path in dist.rglob("*") if path.is_file()}
    script = (
        "import sys; from briefkit.cli import main; code = main(['--root', sys.argv[1]]);"
        "print(code, *(name in sys.modules for name in"
        " ('babel', 'weasyprint', 'pydantic', 'briefkit.pipeline', 'briefkit.project')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(recorded)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.stdout.split() == ["0", "False", "False", "False", "False", "False"]
    assert result.stderr.splitlines() == [
        "nothing to rebuild: 12 artifacts up to date",
        "dist/ lists 12 artifacts: manifest.json, SHA256SUMS, index.html",
    ]
    after = {path: path.stat().st_mtime_ns for path in dist.rglob("*") if path.is_file()}
    assert after == before


def test_the_json_report_of_a_no_op_lists_every_artifact_as_current(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    assert main(["--root", str(recorded), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["ok"], report["built"], report["failed"], report["published"]) == (
        True,
        [],
        [],
        12,
    )
    assert sorted(a["path"] for a in report["current"])[:3] == [
        "dist/sample/sample_ar.docx",
        "dist/sample/sample_ar.html",
        "dist/sample/sample_ar.pdf",
    ]


def edit(path: str, text: str = "\n") -> Callable[[Path], None]:
    def change(root: Path) -> None:
        target = root / path
        target.write_bytes(target.read_bytes() + text.encode())

    return change


def remove(path: str) -> Callable[[Path], None]:
    return lambda root: (root / path).unlink()


def touch(path: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        stat = (root / path).stat()
        os.utime(root / path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))

    return change


@pytest.mark.parametrize(
    "change",
    [
        edit("translations/fr/LC_MESSAGES/sample.po", "# a translator's note\n"),
        edit("translations/templates.pot", "\n"),
        edit("briefs/sample.md", "\nOne more sentence.\n"),
        edit("briefs/data/sample.yaml", "\n"),
        edit("templates/pdf/brief.css", "\n/* a design change */\n"),
        edit("templates/fonts.yaml", "\n"),
        edit("pyproject.toml", "\n"),
        touch("dist/sample/sample_fr.pdf"),
        remove("dist/sample/sample_fr.docx"),
        remove("dist/index.html"),
        edit("dist/SHA256SUMS", ""),
        lambda root: (root / "dist" / "stray.txt").write_text("x"),
        lambda root: (root / "translations" / "fr" / "LC_MESSAGES" / "other.po").write_text(""),
    ],
    ids=[
        "catalog",
        "template-catalog",
        "brief",
        "data",
        "css",
        "fonts.yaml",
        "pyproject",
        "artifact-touched",
        "artifact-removed",
        "page-removed",
        "sums-rewritten",
        "stray-file",
        "new-catalog",
    ],
)
def test_any_change_to_an_input_or_to_dist_takes_the_full_path(
    recorded: Path, change: Callable[[Path], None]
) -> None:
    assert fastpath.unchanged(recorded, REQUEST) is not None  # the record fits as it stands
    change(recorded)
    assert fastpath.unchanged(recorded, REQUEST) is None


def test_another_request_takes_the_full_path(recorded: Path) -> None:
    french = fastpath.request_key(briefs=[], locales=["fr"], formats=["pdf"], allow_partial=False)
    assert fastpath.unchanged(recorded, french) is None


def test_the_environment_the_renderers_read_is_part_of_the_inputs(
    recorded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000001")
    assert fastpath.unchanged(recorded, REQUEST) is None


def test_code_packages_and_fonts_are_part_of_the_inputs(
    recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = Path(shutil.copytree(fastpath.PACKAGE, tmp_path / "code" / "briefkit"))
    site = tmp_path / "site"
    (site / "weasyprint-70.0.dist-info").mkdir(parents=True)
    fonts = tmp_path / "fontconfig"
    fonts.mkdir()
    (fonts / "cache-1").write_bytes(b"1")
    monkeypatch.setattr(fastpath, "PACKAGE", code)
    monkeypatch.setattr(fastpath.sysconfig, "get_paths", lambda: {"purelib": str(site)})
    monkeypatch.setattr(fastpath, "FONT_STATE", (fonts,))
    outcome = fastpath.Outcome([], 8)

    def recorded_then(change: Callable[[], object]) -> fastpath.Outcome | None:
        fastpath.record(recorded, REQUEST, outcome)
        assert fastpath.unchanged(recorded, REQUEST) == outcome
        change()
        return fastpath.unchanged(recorded, REQUEST)

    assert recorded_then(lambda: (code / "render" / "pdf.py").write_text("# edited\n")) is None
    assert recorded_then(lambda: (site / "weasyprint-71.0.dist-info").mkdir()) is None
    assert recorded_then(lambda: (fonts / "cache-2").write_bytes(b"2")) is None


def test_a_failed_build_forgets_the_record_and_writes_none(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    brief = recorded / "briefs" / "sample.md"
    brief.write_text(brief.read_text(encoding="utf-8").replace("{{ rise }}", "{{ nowhere }}"))
    assert main(["--root", str(recorded)]) == 1
    assert not (recorded / "dist" / fastpath.RECORD).exists()
    assert "nothing to rebuild" not in capsys.readouterr().err


def test_force_never_takes_the_fast_path(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(recorded), "--force", "--format", "docx", "--lang", "fr"]) == 0
    assert "1 built" in capsys.readouterr().err
