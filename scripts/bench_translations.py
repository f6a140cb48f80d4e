"""Time the translator's commands on a copy of this project, in the worst case for `update`.

Every sentence-ending paragraph of every brief is edited, so each one must be matched against all
translated entries by similarity. Prints figures; asserts nothing.

    .venv/bin/python scripts/bench_translations.py
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefkit import stats, translations  # noqa: E402
from briefkit.project import load_project  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name in ("briefs", "translations", "templates"):
            shutil.copytree(ROOT / name, root / name)
        shutil.copy(ROOT / "pyproject.toml", root)
        project = load_project(root)
        timed("extract", lambda: translations.extract(project))
        timed("update (canonical form)", lambda: translations.update(project))
        timed("update (nothing to do)", lambda: translations.update(project))
        edited = sum(edit(path) for path in project.brief_paths())
        translations.extract(project)
        changes = timed(
            f"update ({edited} paragraphs edited)", lambda: translations.update(project)
        )
        fuzzy = sum(c.merge.fuzzy for c in changes if c.merge)
        print(f"  {fuzzy} entries kept as fuzzy across {len(changes)} catalogs")
        timed("check", lambda: translations.check(project))
        timed("stats", lambda: stats.project_stats(project))


def edit(path: Path) -> int:
    head, marker, body = path.read_text(encoding="utf-8").partition("\n---\n")
    body, count = re.subn(r"(?m)^([A-Z][^\n|]*\.)$", r"\1 Indeed.", body)
    path.write_text(head + marker + body, encoding="utf-8")
    return count


def timed(label: str, run):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = run()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


if __name__ == "__main__":
    main()
