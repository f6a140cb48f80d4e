"""A hostile file system: links and special files in the project, path-like locale codes, a state
file naming files outside dist/, leftovers of interrupted writes, a full disk. Each case expects
`file: what (fix)` through the command line, exit status and all, and no traceback."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from briefkit.catalogs.po import po_path
from briefkit.cli import main
from briefkit.pipeline import Request, build, output_path
from briefkit.project import Project

SECRET = "briefkit-secret-canary"
LINK_FIX = "(replace the link with the real file or folder: briefkit follows no links in a project)"
SPECIAL_FIX = "(a project holds only files and folders)"


def run(project: Project, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--root", str(project.root), *args])
    captured = capsys.readouterr()
    return code, captured.err + captured.out


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_text(f'msgid ""\nmsgstr "{SECRET}"\n', encoding="utf-8")
    return path


def fr_po(project: Project) -> Path:
    return po_path(project.translations_dir, "fr", "sample")


@pytest.mark.parametrize("target", ["secret", "/proc/self/environ", "/dev/zero"])
@pytest.mark.parametrize("command", ["check", "stats", "update", "build"])
def test_a_catalog_that_is_a_link_is_refused_unread(
    sample: Project,
    secret: Path,
    target: str,
    command: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(sample.root)
    fr_po(sample).unlink()
    fr_po(sample).symlink_to(secret if target == "secret" else Path(target))
    code, output = run(sample, command, capsys=capsys)
    assert code == 1
    assert output == (
        f"error: translations/fr/LC_MESSAGES/sample.po: is a symbolic link {LINK_FIX}\n"
    )
    assert SECRET not in output and "PATH=" not in output


@pytest.mark.parametrize(
    ("where", "shown"),
    [
        ("translations/fr/LC_MESSAGES", "translations/fr/LC_MESSAGES"),
        ("briefs/sample.md", "briefs/sample.md"),
        ("briefs/data", "briefs/data"),
        ("templates/pdf/brief.css", "templates/pdf/brief.css"),
        ("dist", "dist"),
    ],
)
def test_a_link_anywhere_in_the_project_stops_the_build_before_it_writes(
    sample: Project,
    tmp_path: Path,
    where: str,
    shown: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(sample.root)
    real = sample.root / where
    elsewhere = tmp_path / "elsewhere" / real.name
    elsewhere.parent.mkdir()
    if real.exists():
        real.rename(elsewhere)
    else:
        elsewhere.mkdir()
    (elsewhere / ".victim.part").touch() if elsewhere.is_dir() else None
    real.symlink_to(elsewhere)
    before = sorted(p.name for p in elsewhere.parent.rglob("*"))
    code, output = run(sample, "build", capsys=capsys)
    assert (code, output) == (1, f"error: {shown}: is a symbolic link {LINK_FIX}\n")
    code, output = run(sample, "update", capsys=capsys)
    assert (code, output) == (1, f"error: {shown}: is a symbolic link {LINK_FIX}\n")
    assert sorted(p.name for p in elsewhere.parent.rglob("*")) == before


def test_a_fifo_in_translations_is_refused_without_blocking(
    sample: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample.root)
    fr_po(sample).unlink()
    os.mkfifo(fr_po(sample))
    code, output = run(sample, "check", capsys=capsys)
    assert (code, output) == (
        1,
        f"error: translations/fr/LC_MESSAGES/sample.po: is not a regular file {SPECIAL_FIX}\n",
    )


@pytest.mark.parametrize("command", ["build", "check", "stats", "update"])
@pytest.mark.parametrize("code", ["../../etc", "fr/../ar", "fr/", "/tmp", "de"])
def test_path_like_locale_codes_are_refused_by_every_command(
    sample: Project, command: str, code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, output = run(sample, command, "--lang", code, capsys=capsys)
    assert (status, output) == (
        2,
        f"error: locale {code!r} is not configured in pyproject.toml [tool.briefkit] locales\n",
    )


@pytest.mark.parametrize(
    "name", ["../../../victim.txt", "/tmp/victim.txt", "sample/../../victim.txt"]
)
def test_a_state_record_outside_dist_is_not_believed(
    sample: Project, name: str, tmp_path: Path
) -> None:
    assert build(sample, Request(locales=("en",), formats=("pdf",))).ok
    victim = sample.dist_dir.parent.parent / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (tmp_path / "victim.txt").write_text("keep me", encoding="utf-8")
    Path("/tmp/victim.txt").write_text("keep me", encoding="utf-8") if name.startswith(
        "/"
    ) else None
    state_path = sample.dist_dir / ".state.json"
    state = json.loads(state_path.read_text(encoding="utf-8"))
    [record] = [r for k, r in state["artifacts"].items() if k.endswith(".pdf")]
    record["entry"]["path"] = name
    state["artifacts"] = {name: record}  # a record of a brief the project no longer has
    state_path.write_text(json.dumps(state), encoding="utf-8")
    report = build(sample, Request(locales=("en",), formats=("pdf",)))
    assert report.ok and report.removed == ()
    assert victim.read_text(encoding="utf-8") == "keep me"
    if name.startswith("/"):
        assert Path(name).read_text(encoding="utf-8") == "keep me"
    assert output_path(sample, "sample", "en", "pdf").is_file()
    assert name not in json.loads(state_path.read_text(encoding="utf-8"))["artifacts"]


def test_update_cleans_what_an_interrupted_update_left(sample: Project) -> None:
    leftover = fr_po(sample).parent / ".sample.po.abc123.part"
    leftover.write_text("half", encoding="utf-8")
    assert main(["--root", str(sample.root), "update"]) == 0
    assert not leftover.exists()
    root = Path(__file__).resolve().parent.parent
    assert "*.part" in (root / ".gitignore").read_text(encoding="utf-8").split()


def test_a_full_disk_while_saving_the_state_is_a_message(
    sample: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefkit.release.state

    monkeypatch.chdir(sample.root)

    def full(path: Path, data: bytes) -> bool:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(briefkit.release.state, "write_if_changed", full)
    code, output = run(sample, "build", "--lang", "en", "--format", "pdf", capsys=capsys)
    assert code == 1
    assert output.endswith(
        "error: dist/.state.json: cannot save the build's state: No space left on device (free "
        "space on the disk (or make dist/ writable) and build again; every file in dist/ is "
        "whole, old or new)\n"
    )
    assert "Traceback" not in output
