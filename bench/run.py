"""The benchmark: the pipeline against its floor and its peers, all ratios measured in one run.

    .venv/bin/python bench/run.py            # everything (about 20 minutes on 2 cores)
    .venv/bin/python bench/run.py --quick    # one round, sizes 24 and 240 only

Prints the tables and writes bench/out/<time>.json (every sample) and bench/out/latest.md (the
tables as Markdown, for docs/benchmarks.md). docs/benchmarks.md says what each row means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # this checkout's briefkit and bench, wherever it is run from

from rich.console import Console  # noqa: E402

from bench import goals, measure, report, scenarios  # noqa: E402
from bench.report import Results  # noqa: E402
from bench.scenarios import BenchError, Pipeline  # noqa: E402

console = Console(stderr=True, highlight=False, width=140)
SECTIONS = ("series", "incremental", "scale", "peer", "profile")
SIZES = (24, 240, 1200)
QUICK_SIZES = (24, 240)
SCALE_REPEATED = 240  # sizes up to this are built every round; larger ones once (1,200: ~2.5 min)
T = TypeVar("T")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0 when every section ran, 1 otherwise."""
    args = _parser().parse_args(argv)
    measure.QUIET.enabled = not args.no_wait
    with tempfile.TemporaryDirectory(prefix="briefkit-bench-") as tmp:
        results = run_all(args, Path(args.work or tmp))
    for table in report.tables(results):
        console.print(table)
    for section, error in results.errors.items():
        console.print(f"[red]error[/] in {section}: {error}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"{stamp}.json").write_text(json.dumps(report.as_json(results), indent=1), "utf-8")
    (out / "latest.md").write_text(report.as_markdown(results), encoding="utf-8")
    console.print(f"wrote {out / f'{stamp}.json'} and {out / 'latest.md'}")
    return 1 if results.errors else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description="Benchmark the pipeline against its floor and peers."
    )
    parser.add_argument(
        "--quick", action="store_true", help="one round; scale sizes 24 and 240 only (no 1,200)"
    )
    parser.add_argument("--repeat", type=int, help="rounds of each timed build (default 3)")
    parser.add_argument(
        "--sizes", type=_sizes, help="scale sizes in artifacts (default 24,240,1200)"
    )
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="N for --jobs N (default: cores)"
    )
    parser.add_argument(
        "--skip", action="append", choices=SECTIONS, default=[], help="leave a section out"
    )
    parser.add_argument(
        "--project", default=str(REPO), help="project of the full-build rows (default: this repo)"
    )
    parser.add_argument(
        "--baseline",
        help="another checkout (e.g. a worktree of main) whose cold full build is timed "
        "alternately with this one's, for before/after figures",
    )
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="do not wait for the rest of the machine to be quiet before each timed command",
    )
    parser.add_argument("--out", default=str(REPO / "bench" / "out"), help="where to write")
    parser.add_argument("--work", help="scratch folder (default: a temporary one, removed)")
    return parser


def _sizes(text: str) -> tuple[int, ...]:
    from bench.synthetic import briefs_for

    try:
        sizes = tuple(int(part) for part in text.split(","))
        for size in sizes:
            briefs_for(size)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return sizes


def run_all(args: argparse.Namespace, work: Path) -> Results:
    """Run every section not skipped, in order; return what they measured."""
    started = time.perf_counter()
    python = sys.executable
    pipeline = scenarios.pipeline_of(python)
    repeat = args.repeat or (1 if args.quick else 3)
    root = scenarios.copy_project(Path(args.project), work / "series")
    allow_partial, incomplete = _release_readiness(root)
    results = Results(
        machine=_machine(pipeline, args.jobs),
        processes=args.jobs,
        allow_partial=allow_partial,
        incomplete=incomplete,
    )
    _explain_missing(results, pipeline)
    if "series" not in args.skip:
        _series(results, pipeline, root, work, repeat)
    if args.baseline:
        baseline = scenarios.pipeline_of(python, Path(args.baseline))
        results.baseline = _guard(
            results,
            "baseline",
            lambda: scenarios.measure_baseline(
                pipeline, baseline, root, args.jobs, repeat, allow_partial, _step
            ),
        )
    if "incremental" not in args.skip and pipeline.incremental:
        locale = next(iter(_target_locales(root)), "fr")
        results.incremental = _guard(
            results,
            "incremental",
            lambda: scenarios.measure_incremental(
                pipeline, root, args.jobs, max(repeat, 2), allow_partial, locale, _step
            ),
        )
    if "scale" not in args.skip:
        _scale(results, pipeline, work, args, repeat)
    if "peer" not in args.skip:
        _step("peer: Typst on the same editions")
        results.peer = _guard(
            results, "peer", lambda: scenarios.measure_peer(python, root, work, allow_partial)
        )
    if "profile" not in args.skip:
        _step("profile: one full build in one process under pyinstrument")
        html = Path(args.out) / "profile.html"
        html.parent.mkdir(parents=True, exist_ok=True)
        results.profile = _guard(
            results, "profile", lambda: scenarios.measure_profile(python, root, html, allow_partial)
        )
    results.goals = goals.judge(
        results.series, results.incremental, results.scales, args.jobs, results.why_not
    )
    results.machine["benchmark_seconds"] = round(time.perf_counter() - started, 1)
    return results


def _series(results: Results, pipeline: Pipeline, root: Path, work: Path, repeat: int) -> None:
    """Time the full build against the floor (section `series`)."""
    from bench.floor import prepare_floor

    _step("series: preparing the floor's input (the pipeline's HTML and pandoc Markdown)")
    floor = prepare_floor(root, work / "floor", results.allow_partial)
    if floor.failures:
        results.errors["series"] = "floor input not prepared: " + "; ".join(floor.failures)
        return
    results.floor_jobs = floor.jobs
    results.floor_layouts = floor.layouts

    def measure() -> scenarios.Series:
        _step("series: warm-up build and floor (untimed)")
        scenarios.cold_build(pipeline, root, results.processes, results.allow_partial, formats=None)
        scenarios.floor_run(floor.jobs_file, 1, pipeline.python)
        return scenarios.measure_full_and_floor(
            pipeline,
            root,
            floor.jobs_file,
            results.processes,
            repeat,
            results.allow_partial,
            _step,
            floor.fitting_file,
        )

    results.series = _guard(results, "series", measure)


def _scale(
    results: Results, pipeline: Pipeline, work: Path, args: argparse.Namespace, repeat: int
) -> None:
    """Time cold builds of generated projects of each size (section `scale`)."""
    for size in args.sizes or (QUICK_SIZES if args.quick else SIZES):
        rounds = repeat if size <= SCALE_REPEATED else 1
        measure = functools.partial(
            scenarios.measure_scale, pipeline, work, size, args.jobs, rounds, _step
        )
        scale = _guard(results, f"scale-{size}", measure)
        if scale is not None:
            results.scales.append(scale)


def _explain_missing(results: Results, pipeline: Pipeline) -> None:
    """Record why the rows that need the release build (issue #5) cannot be measured."""
    if not pipeline.incremental:
        results.why_not["incremental"] = (
            "not measured: this checkout has no incremental build (the release build, issue #5, "
            "is not merged), so every rebuild renders everything"
        )
    if not pipeline.jobs_flag:
        results.why_not["jobs"] = results.why_not["series"] = (
            f"not measured at {results.processes} processes: build.py has no --jobs "
            "(the release build, issue #5, is not merged)"
        )


def _guard(results: Results, section: str, measure: Callable[[], T]) -> T | None:
    """Return what measure returns; record a failed run as the section's error."""
    try:
        return measure()
    except BenchError as exc:
        results.errors[section] = str(exc)
        return None


def _step(text: str) -> None:
    console.print(f"[dim]{time.strftime('%H:%M:%S')}[/] {text}")


def _release_readiness(root: Path) -> tuple[bool, list[str]]:
    """Return whether the project needs --allow-partial to build every edition, and why."""
    from bench.floor import editions
    from briefkit.project import load_project

    _, failures = editions(load_project(root), allow_partial=False)
    return bool(failures), [failure.what for failure in failures]


def _target_locales(root: Path) -> tuple[str, ...]:
    from briefkit.project import load_project

    return load_project(root).target_locales


def _machine(pipeline: Pipeline, processes: int) -> dict[str, Any]:
    import pypandoc
    import weasyprint

    cpu = [line for line in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in line]
    commit = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True
    )
    return {
        "cpu": cpu[0].split(":", 1)[1].strip() if cpu else platform.processor(),
        "cores": os.cpu_count(),
        "jobs": processes,
        "load_before": Path("/proc/loadavg").read_text().split()[:3],
        "python": platform.python_version(),
        "weasyprint": weasyprint.__version__,
        "pandoc": pypandoc.get_pandoc_version(),
        "checkout": commit.stdout.strip(),
        "cli_has_jobs": pipeline.jobs_flag,
        "cli_incremental": pipeline.incremental,
    }


if __name__ == "__main__":
    sys.exit(main())
