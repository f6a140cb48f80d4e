"""Release builds end to end: reproducible, incremental, failures isolated, safe when killed or run
twice at once, shards that merge into the full build."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, copy_sample

from briefkit.cli import main
from briefkit.pipeline import Request, build, merge_shards, output_path
from briefkit.project import Project, load_project
from briefkit.release.plan import Shard
from briefkit.release.state import load_state

BUILD = [sys.executable, str(ROOT / "build.py")]
ARTIFACTS = sorted(
    f"sample/sample_{locale}.{fmt}"
    for locale in ("en", "fr", "ar", "zh_Hans")
    for fmt in ("pdf", "docx", "html")
)


def published(dist: Path) -> dict[str, str]:
    """Return the SHA-256 of every file in dist/ except the build's own bookkeeping."""
    return {
        path.relative_to(dist).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(dist.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def run_build(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*BUILD, "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def cli(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str]:
    """Run the command line in this process; return its exit code and what it printed."""
    code = main(["--root", str(root), *args])
    return code, capsys.readouterr().err


def built(report_lines: str) -> list[str]:
    return sorted(
        line.split()[1] for line in report_lines.splitlines() if line.startswith("built ")
    )


def add_second_brief(root: Path) -> None:
    """Give the sample project a second brief, 'other', with the same text and translations."""
    (root / "briefs" / "other.md").write_text(
        (root / "briefs" / "sample.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    shutil.copy(root / "translations" / "sample.pot", root / "translations" / "other.pot")
    for locale in ("fr", "ar", "zh_Hans"):
        folder = root / "translations" / locale / "LC_MESSAGES"
        shutil.copy(folder / "sample.po", folder / "other.po")


def edit_msgstr(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert f'msgstr "{old}"' in text
    path.write_text(text.replace(f'msgstr "{old}"', f'msgstr "{new}"'), encoding="utf-8")


@pytest.fixture
def ready(built_sample: Project, tmp_path: Path) -> Path:
    """A copy of the built sample project, dist/ and all: keys hold no absolute path, so it is
    up to date where it lands."""
    return Path(shutil.copytree(built_sample.root, tmp_path / "ready"))


@pytest.fixture(scope="module")
def redesigned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The checksums of a clean build of the sample project after change_every_artifact."""
    root = copy_sample(tmp_path_factory.mktemp("redesigned") / "project")
    change_every_artifact(root)
    assert build(load_project(root), Request()).ok
    return published(root / "dist")


def test_two_clean_builds_are_byte_identical(tmp_path: Path) -> None:
    """In two places, with different build clocks and worker counts: the same bytes everywhere."""
    first, second = copy_sample(tmp_path / "one"), copy_sample(tmp_path / "two")
    assert run_build(first, "--jobs", "1", env={"SOURCE_DATE_EPOCH": "1700000000"}).returncode == 0
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    result = subprocess.run(
        [*BUILD, "--root", str(second), "--jobs", "2"],
        capture_output=True,
        text=True,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    ours, theirs = published(first / "dist"), published(second / "dist")
    assert sorted(set(ours) - {"SHA256SUMS", "index.html", "manifest.json"}) == sorted(
        [*ARTIFACTS, *(p.replace(".pdf", "_cover.png") for p in ARTIFACTS if p.endswith(".pdf"))]
    )
    assert ours == theirs


def test_a_build_with_nothing_changed_renders_nothing_and_never_loads_weasyprint(
    ready: Path,
) -> None:
    dist = ready / "dist"
    before = {path: path.stat().st_mtime_ns for path in dist.rglob("*") if path.is_file()}
    script = (
        "import sys; from briefkit.cli import main; code = main(['--root', sys.argv[1]]);"
        "print(code, 'weasyprint' in sys.modules, 'pypandoc' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(ready)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.stdout.split() == ["0", "False", "False"]
    assert result.stderr.splitlines() == [
        "nothing to rebuild: 12 artifacts up to date",
        "dist/ lists 12 artifacts: manifest.json, SHA256SUMS, index.html",
    ]
    after = {path: path.stat().st_mtime_ns for path in dist.rglob("*") if path.is_file()}
    # The lock, and the fast path's record of this good build (tests/test_fastpath.py), are
    # the only files a no-op writes.
    kept = (".lock", ".fastpath.json")
    assert {p: t for p, t in after.items() if p.name not in kept} == {
        p: t for p, t in before.items() if p.name not in kept
    }
    assert (dist / ".fastpath.json").is_file()


def test_one_edited_msgstr_rebuilds_only_that_locale_of_the_briefs_that_use_it(
    sample_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_second_brief(sample_root)
    assert cli(capsys, sample_root)[0] == 0
    edit_msgstr(sample_root / "translations/fr/LC_MESSAGES/sample.po", "Contexte", "Le contexte")
    printed = cli(capsys, sample_root)[1]
    assert built(printed) == [
        "dist/sample/sample_fr.docx",
        "dist/sample/sample_fr.html",
        "dist/sample/sample_fr.pdf",
    ]
    assert "3 built, 21 up to date, 0 failed" in printed.splitlines()


def test_a_page_furniture_string_rebuilds_that_locale_of_every_brief(
    sample_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_second_brief(sample_root)
    assert cli(capsys, sample_root)[0] == 0
    edit_msgstr(
        sample_root / "translations/ar/LC_MESSAGES/templates.po", "الرسائل الرئيسية", "أهم الرسائل"
    )
    assert built(cli(capsys, sample_root)[1]) == [
        "dist/other/other_ar.docx",
        "dist/other/other_ar.html",
        "dist/other/other_ar.pdf",
        "dist/sample/sample_ar.docx",
        "dist/sample/sample_ar.html",
        "dist/sample/sample_ar.pdf",
    ]


def test_a_download_page_label_rebuilds_no_artifact_but_the_page(
    ready: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_msgstr(ready / "translations/fr/LC_MESSAGES/templates.po", "Taille", "Poids")
    assert "nothing to rebuild: 12 artifacts up to date" in cli(capsys, ready)[1].splitlines()
    assert '<th scope="col">Poids</th>' in (ready / "dist" / "index.html").read_text()


def test_force_rebuilds_everything(ready: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert built(cli(capsys, ready, "--force")[1]) == [f"dist/{p}" for p in ARTIFACTS]


def test_a_changed_or_missing_file_in_dist_is_rebuilt(
    ready: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (ready / "dist/sample/sample_ar.pdf").write_bytes(b"tampered")
    (ready / "dist/sample/sample_en.docx").unlink()
    assert built(cli(capsys, ready)[1]) == [
        "dist/sample/sample_ar.pdf",
        "dist/sample/sample_en.docx",
    ]


def test_an_artifact_that_fails_is_reported_while_the_rest_build(sample: Project) -> None:
    blocker = output_path(sample, "sample", "fr", "pdf")
    blocker.mkdir(parents=True)  # a folder where the PDF should go: the write fails
    report = build(sample, Request(jobs=2))
    assert [failure.what for failure in report.failures] == ["sample fr pdf"]
    assert str(report.failures[0].error) == (
        f"{blocker}: sample fr pdf: cannot write it: Is a directory "
        "(make sure dist/ is writable and has room)"
    )
    assert len(report.artifacts) == 11
    assert report.manifest is not None
    assert [e.path for e in report.manifest.artifacts] == [
        p for p in ARTIFACTS if p != "sample/sample_fr.pdf"
    ]


def test_the_cli_ends_non_zero_with_a_summary_of_what_failed(
    sample_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output_path(load_project(sample_root), "sample", "ar", "docx").mkdir(parents=True)
    code, printed = cli(capsys, sample_root)
    assert code == 1
    lines = printed.splitlines()
    assert "failed sample ar docx" in lines  # as it happens
    assert lines[-2:] == [
        "11 built, 0 up to date, 1 failed",
        "dist/ lists 11 artifacts: manifest.json, SHA256SUMS, index.html",
    ]
    assert any(
        line.startswith("failed sample ar docx: ")
        and line.endswith(
            "sample ar docx: cannot write it: Is a directory (make sure dist/ is writable and has room)"
        )
        for line in lines
    )


def start_build(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*BUILD, "--root", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives a command
    )


def wait_for(condition: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def change_every_artifact(root: Path) -> None:
    """Change the design, so every PDF and DOCX comes out different."""
    css = root / "templates/pdf/brief.css"
    css.write_text(css.read_text().replace("--accent: #0b5c7a;", "--accent: #0b5c7b;"))


def assert_complete(dist: Path, allowed: dict[str, set[str]]) -> None:
    """Every artifact is whole: it opens, and it is either the old or the new version."""
    for name in ARTIFACTS:
        path = dist / name
        if name.endswith(".pdf"):
            with pikepdf.open(path) as pdf:
                # The fitter sets the English sample on one page (its second held a few lines).
                assert len(pdf.pages) == (1 if name.endswith("_en.pdf") else 2)
        elif name.endswith(".html"):
            assert path.read_text(encoding="utf-8").endswith("</html>\n")
        else:
            assert zipfile.ZipFile(path).testzip() is None
        assert hashlib.sha256(path.read_bytes()).hexdigest() in allowed[name], name


@pytest.mark.parametrize("how", ["SIGKILL", "Ctrl-C"])
def test_a_killed_build_leaves_every_artifact_whole_and_the_next_build_finishes_it(
    ready: Path, redesigned: dict[str, str], how: str
) -> None:
    root, new = ready, redesigned
    old = published(root / "dist")
    change_every_artifact(root)

    before = load_state(root / "dist")
    process = start_build(root, "--jobs", "1")
    wait_for(lambda: load_state(root / "dist") != before)  # one has landed (in the journal)
    if how == "SIGKILL":
        os.kill(process.pid, signal.SIGKILL)
    else:
        os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    if how == "Ctrl-C":
        assert process.returncode == 130
        assert (
            stderr.splitlines()[-1]
            == "interrupted; every file in dist/ is whole, old or new: build again to finish"
        )
        assert not list((root / "dist").rglob("*.part"))
    assert_complete(root / "dist", {name: {old[name], new[name]} for name in ARTIFACTS})
    wait_for(lambda: not list((root / "dist").rglob("*.part")), timeout=30)  # orphans clean up

    result = run_build(root)
    assert result.returncode == 0
    assert 0 < len(built(result.stderr)) < len(ARTIFACTS)  # what had landed is not redone
    assert published(root / "dist") == new


def test_two_builds_at_once_take_turns_on_dist(sample_root: Path) -> None:
    first = start_build(sample_root, "--jobs", "1")
    lock = sample_root / "dist" / ".lock"
    wait_for(lambda: lock.exists() and lock.read_text().startswith("build process"))
    second = start_build(sample_root, "--jobs", "1")
    _, first_err = first.communicate(timeout=300)
    _, second_err = second.communicate(timeout=300)
    assert (first.returncode, second.returncode) == (0, 0)
    assert len(built(first_err)) == 12
    assert second_err.splitlines()[:2] == [
        f"waiting: build process {first.pid} is writing dist/",
        "nothing to rebuild: 12 artifacts up to date",
    ]
    check = subprocess.run(
        ["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=sample_root / "dist"
    )
    assert check.returncode == 0


def test_shards_merged_give_the_full_builds_manifest_sums_and_page(
    tmp_path: Path, built_sample: Project
) -> None:
    shards = [load_project(copy_sample(tmp_path / f"shard{k}")) for k in (1, 2)]
    for k, project in enumerate(shards, start=1):
        report = build(project, Request(shard=Shard(k, 2)))
        assert report.ok and report.manifest is not None
        assert 0 < len(report.manifest.artifacts) < len(ARTIFACTS)  # each builds a share, not all
    gathered = shards[0].dist_dir
    for path in shards[1].dist_dir.rglob("*"):  # as a CI job downloads every shard's dist/
        if path.is_file() and not path.name.startswith("."):
            target = gathered / path.relative_to(shards[1].dist_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    manifest, failures = merge_shards(shards[0])
    assert not failures
    assert len(manifest.artifacts) == 12
    for name in ("manifest.json", "SHA256SUMS", "index.html"):
        assert (gathered / name).read_bytes() == (built_sample.dist_dir / name).read_bytes(), name


def test_the_manifest_describes_every_artifact(built_sample: Project) -> None:
    dist = built_sample.dist_dir
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    assert [e["path"] for e in manifest["artifacts"]] == ARTIFACTS
    assert [(x["code"], x["dir"], x["name"]) for x in manifest["languages"]] == [
        ("en", "ltr", "English"),
        ("fr", "ltr", "Français"),
        ("ar", "rtl", "العربية"),
        ("zh_Hans", "ltr", "中文 (简体)"),
    ]
    for entry in manifest["artifacts"]:
        data = (dist / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        if entry["format"] == "pdf":
            with pikepdf.open(dist / entry["path"]) as pdf:
                assert entry["pages"] == len(pdf.pages)
            assert (dist / entry["cover"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        else:
            assert entry["pages"] is None and entry["cover"] is None
    fr = next(e for e in manifest["artifacts"] if e["path"] == "sample/sample_fr.pdf")
    assert fr["title"] == "Les signalements continuent d’augmenter"
    assert fr["review"] == "draft"
    assert fr["completeness"] == {
        "percent": 94.1,
        "entries": 17,
        "translated": 16,
        "fuzzy": 0,
        "untranslated": 1,
    }
    en = next(e for e in manifest["artifacts"] if e["path"] == "sample/sample_en.pdf")
    assert en["review"] == "reviewed"


def test_sha256sums_checks_out(built_sample: Project) -> None:
    result = subprocess.run(
        ["sha256sum", "--check", "SHA256SUMS"],
        cwd=built_sample.dist_dir,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert result.stdout.splitlines() == [f"{name}: OK" for name in ARTIFACTS]


def test_artifacts_of_a_removed_locale_leave_dist(
    ready: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = ready / "pyproject.toml"
    config.write_text(config.read_text().replace('"ar", ', ""))
    printed = cli(capsys, ready)[1].splitlines()
    assert "removed dist/sample/sample_ar.pdf (no longer in the project)" in printed
    assert "nothing to rebuild: 9 artifacts up to date" in printed
    assert not (ready / "dist/sample/sample_ar.pdf").exists()
    assert not (ready / "dist/sample/sample_ar_cover.png").exists()
    assert "sample_ar" not in (ready / "dist/SHA256SUMS").read_text()
