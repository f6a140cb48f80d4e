"""The package's shape: stages layered one way and no import cycle, as pyproject.toml declares.

`lint-imports` (import-linter) reads every import, those under TYPE_CHECKING and inside
functions included. The second test breaks a copy of the package on purpose, so a contract
that stopped checking anything would show.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )


def test_the_import_contracts_are_kept() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_an_import_against_the_layers_or_in_a_cycle_is_caught(tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT / "briefkit", copy / "briefkit", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", copy)
    brief = copy / "briefkit" / "sources" / "brief.py"
    brief.write_text(
        brief.read_text() + "\n\ndef _late() -> None:\n    from briefkit.cli import main\n"
    )
    state = copy / "briefkit" / "release" / "state.py"
    manifest = copy / "briefkit" / "release" / "manifest.py"
    manifest.write_text(
        manifest.read_text() + "\n\ndef _back() -> None:\n    from briefkit.release import state\n"
    )
    result = lint(copy)
    assert result.returncode == 1
    assert "briefkit.sources.brief -> briefkit.cli" in result.stdout
    assert "2 broken" in result.stdout
    assert state.exists()
