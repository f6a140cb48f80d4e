#!/usr/bin/env python3
"""Time release builds of a project copy: clean (1 worker and all cores), nothing changed, one
msgstr edited, and each shard of two. Prints the figures; asserts nothing.

    .venv/bin/python scripts/bench_release.py [--root PROJECT] [--allow-partial]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("briefs", "translations", "templates", "pyproject.toml")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(ROOT), help="project to copy (default: this one)")
    parser.add_argument("--allow-partial", action="store_true", help="build drafts as previews")
    args = parser.parse_args()
    extra = ["--allow-partial"] if args.allow_partial else []
    with tempfile.TemporaryDirectory(prefix="briefkit-bench-") as tmp:
        project = copy_project(Path(args.root), Path(tmp) / "project")
        cores = len(os.sched_getaffinity(0))
        rows = [
            timed("clean build, --jobs 1", project, "--jobs", "1", *extra, clean=True),
            timed(f"clean build, --jobs {cores}", project, *extra, clean=True),
            timed("nothing changed", project, *extra),
        ]
        edited = edit_one_msgstr(project)
        rows.append(timed(f"one msgstr edited ({edited})", project, *extra))
        rows += [
            timed(
                f"shard {k}/2 alone, --jobs {cores}",
                project,
                "--shard",
                f"{k}/2",
                *extra,
                clean=True,
            )
            for k in (1, 2)
        ]
    width = max(len(name) for name, *_ in rows)
    print(f"{'build'.ljust(width)}  seconds  rendered  up to date  failed")
    for name, seconds, counts in rows:
        print(f"{name.ljust(width)}  {seconds:7.2f}  {counts[0]:8}  {counts[1]:10}  {counts[2]:6}")
    return 0


def copy_project(source: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    for name in COPIED:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, target / name)
        elif path.exists():
            shutil.copy(path, target / name)
    return target


def timed(
    name: str, project: Path, *args: str, clean: bool = False
) -> tuple[str, float, tuple[int, int, int]]:
    if clean:
        shutil.rmtree(project / "dist", ignore_errors=True)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--root", str(project), *args],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    return name, seconds, counts(result.stderr)


def counts(output: str) -> tuple[int, int, int]:
    found = re.search(r"(\d+) built, (\d+) up to date, (\d+) failed", output)
    if found:
        return int(found[1]), int(found[2]), int(found[3])
    nothing = re.search(r"nothing to rebuild: (\d+) artifacts", output)
    return (0, int(nothing[1]), 0) if nothing else (0, 0, 0)


def edit_one_msgstr(project: Path) -> str:
    """Change the first translated msgstr of the first target catalog of a brief."""
    for path in sorted(project.glob("translations/*/LC_MESSAGES/*.po")):
        if path.stem == "templates":
            continue
        text = path.read_text(encoding="utf-8")
        match = re.search(r'^msgstr "(.+)"$', text, re.M)
        if match:
            path.write_text(
                text[: match.end(1)] + " (edited)" + text[match.end(1) :], encoding="utf-8"
            )
            return path.relative_to(project).as_posix()
    raise SystemExit("no translated msgstr to edit")


if __name__ == "__main__":
    sys.exit(main())
