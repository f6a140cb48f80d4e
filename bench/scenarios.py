"""The benchmark's scenarios, each measured by running real commands: the pipeline's CLI
(build.py), the floor runner (bench/floor.py), Typst (bench/peer.py) and the profiler
(bench/profiling.py). Each returns data; only bench/run.py prints.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.measure import Run, run_command
from bench.synthetic import BENCH_FORMATS

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PROJECT_PARTS = ("briefs", "translations", "templates", "pyproject.toml")
DISTURBED = 0.5  # cores the rest of the machine used during a run that makes it worth redoing


@dataclass(frozen=True)
class Pipeline:
    """How to run the pipeline's CLI, and what this checkout's CLI can do."""

    python: str
    jobs_flag: bool  # --jobs N (the release build); without it the build is serial
    incremental: bool  # a rebuild skips what is up to date (the release build's --force exists)
    checkout: Path = REPO  # whose build.py (and so whose briefkit) runs
    json_report: bool = False  # build --json: the report the benchmark reads

    def build(
        self,
        root: Path,
        jobs: int,
        allow_partial: bool,
        *extra: str,
        formats: tuple[str, ...] | None = BENCH_FORMATS,
    ) -> Run:
        """Run one build of the project at root (with extra options); return the run.

        `formats` None builds every format the checkout has, as a release does."""
        command = [self.python, str(self.checkout / "build.py"), "--root", str(root), *extra]
        for fmt in formats or ():
            command += ["--format", fmt]
        if self.jobs_flag:
            command += ["--jobs", str(jobs)]
        if allow_partial:
            command.append("--allow-partial")
        if self.json_report:
            command.append("--json")
        return run_command(command, cwd=root)


@dataclass(frozen=True)
class Sample:
    """One timed run, as stored in the JSON."""

    seconds: float
    cpu_seconds: float
    others_cores: float
    main_peak_mb: float
    worker_peak_mb: float
    workers: int
    built: int | None = None  # artifacts the pipeline reports it rendered
    current: int | None = None  # artifacts it reports up to date
    pandoc_peak_mb: float | None = None

    @staticmethod
    def of(run: Run) -> Sample:
        built, current = counts(run.stderr, run.stdout)
        return Sample(
            round(run.seconds, 3),
            round(run.cpu_seconds, 3),
            round(run.others_cores, 2),
            round(run.main_peak_mb, 1),
            round(run.worker_peak_mb, 1),
            run.workers,
            built,
            current,
            None if run.peak_of("pandoc") is None else round(run.peak_of("pandoc") or 0, 1),
        )


@dataclass(frozen=True)
class Timing:
    """Repeated runs of one configuration; `best` is the least disturbed (the fastest)."""

    name: str
    samples: tuple[Sample, ...] = ()
    skipped: str | None = None  # why it could not be measured

    @property
    def best(self) -> Sample | None:
        return min(self.samples, key=lambda s: s.seconds) if self.samples else None

    @property
    def seconds(self) -> float | None:
        return self.best.seconds if self.best else None

    @property
    def median(self) -> float | None:
        return statistics.median(s.seconds for s in self.samples) if self.samples else None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "best_seconds": self.seconds,
            "median_seconds": self.median,
            "samples": [asdict(s) for s in self.samples],
            "skipped": self.skipped,
        }


class BenchError(Exception):
    """A run the benchmark depends on failed; the figure would be meaningless."""


def pipeline_of(python: str, checkout: Path = REPO) -> Pipeline:
    """Return how to run a checkout's CLI, reading its --help for the release options."""
    run = run_command([python, str(checkout / "build.py"), "--help"])
    if not run.ok:
        raise BenchError(f"build.py --help failed: {run.stderr.strip()[-300:]}")
    return Pipeline(
        python,
        "--jobs" in run.stdout,
        "--force" in run.stdout,
        checkout.resolve(),
        "--json" in run.stdout,
    )


def copy_project(source: Path, destination: Path) -> Path:
    """Copy a project's sources (not its dist/) to destination; return it."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    for part in PROJECT_PARTS:
        path = source / part
        if path.is_dir():
            shutil.copytree(path, destination / part)
        elif path.exists():
            shutil.copy2(path, destination / part)
    return destination


def counts(output: str, report: str = "") -> tuple[int | None, int | None]:
    """Return (rendered, up to date) from the build's JSON report, or else as an older CLI's
    summary line reports them (a baseline checkout may predate `--json`)."""
    if parsed := _report(report):
        return len(parsed["built"]), len(parsed["current"])
    if match := re.search(r"nothing to rebuild: (\d+) artifacts up to date", output):
        return 0, int(match[1])
    built = re.search(r"^(\d+) built", output, re.M)
    current = re.search(r"(\d+) up to date", output)
    return (int(built[1]) if built else None), (int(current[1]) if current else None)


def artifact_seconds(output: str, report: str = "") -> dict[str, float]:
    """Return the render seconds of each artifact, from the JSON report or an older CLI's lines."""
    if parsed := _report(report):
        return {a["path"]: float(a["seconds"]) for a in parsed["built"]}
    found = re.findall(r"^built (\S+) \([\d,]+ bytes, ([\d.]+) s\)", output, re.M)
    return {path: float(seconds) for path, seconds in found}


def _report(stdout: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(stdout)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) and "built" in parsed else None


def cold_build(
    pipeline: Pipeline,
    root: Path,
    jobs: int,
    allow_partial: bool,
    formats: tuple[str, ...] | None = BENCH_FORMATS,
) -> Run:
    """Build the project from nothing (dist/ removed); raise if it fails."""
    shutil.rmtree(root / "dist", ignore_errors=True)
    run = pipeline.build(root, jobs, allow_partial, formats=formats)
    _check(run, "build")
    return run


def floor_run(jobs_file: Path, processes: int, python: str) -> tuple[Run, dict[str, float]]:
    """Run the floor on prepared inputs; return the run and the seconds of each file."""
    run = run_command([python, str(BENCH / "floor.py"), str(jobs_file), "--jobs", str(processes)])
    _check(run, "floor")
    return run, json.loads(run.stdout)["seconds"]


def _check(run: Run, what: str) -> None:
    if not run.ok:
        tail = (run.stderr or run.stdout).strip()[-800:]
        raise BenchError(f"{what} failed (exit {run.returncode}): {' '.join(run.command)}\n{tail}")


@dataclass
class Series:
    """Interleaved repetitions of the full build and its floor, at 1 and N processes."""

    timings: dict[str, Timing] = field(default_factory=dict)
    floor_file_seconds: dict[str, float] = field(default_factory=dict)  # 1 process, best run
    artifact_seconds: dict[str, float] = field(default_factory=dict)  # as the CLI reports them

    def add(self, name: str, run: Run) -> None:
        timing = self.timings.get(name, Timing(name))
        self.timings[name] = Timing(name, (*timing.samples, Sample.of(run)))


def measure_full_and_floor(
    pipeline: Pipeline,
    root: Path,
    jobs_file: Path,
    processes: int,
    repeat: int,
    allow_partial: bool,
    on_step: Callable[[str], None],
    fitting_file: Path | None = None,
) -> Series:
    """Time the cold full build and the floor, 1 process then N, `repeat` times interleaved;
    and, given its jobs, the fitting floor (the floor plus every layout the fitter makes)."""
    from bench.floor import order_jobs

    series = Series()
    ordered = jobs_file
    fitting_ordered = fitting_file
    for round_ in range(1, repeat + 1):
        for width in dict.fromkeys((1, processes)):
            on_step(f"round {round_}/{repeat}: full build, {width} process(es)")
            if width == 1 or pipeline.jobs_flag:
                # A release: every format, the HTML edition too (its floor is nothing: no
                # renderer of its own, only Jinja2 and markdown-it).
                run = cold_build(pipeline, root, width, allow_partial, formats=None)
                series.add(f"pipeline-{width}", run)
                series.artifact_seconds = (
                    artifact_seconds(run.stderr, run.stdout) or series.artifact_seconds
                )
            on_step(f"round {round_}/{repeat}: floor, {width} process(es)")
            run, seconds = floor_run(ordered if width > 1 else jobs_file, width, pipeline.python)
            series.add(f"floor-{width}", run)
            if width == 1 and (
                not series.floor_file_seconds
                or run.seconds <= (series.timings["floor-1"].seconds or 0)
            ):
                series.floor_file_seconds = seconds
                ordered = order_jobs(jobs_file, seconds)
            if fitting_file is not None and fitting_ordered is not None:
                on_step(f"round {round_}/{repeat}: fitting floor, {width} process(es)")
                run, seconds = floor_run(fitting_ordered, width, pipeline.python)
                series.add(f"fitting-{width}", run)
                if width == 1:
                    fitting_ordered = order_jobs(fitting_file, seconds)
    if processes > 1 and not pipeline.jobs_flag:
        series.timings[f"pipeline-{processes}"] = Timing(
            f"pipeline-{processes}",
            skipped="this checkout's build.py has no --jobs (the release build, issue #5, is not merged)",
        )
    return series


@dataclass(frozen=True)
class Incremental:
    """Rebuilds after a full build: nothing changed, and one msgstr edited."""

    full: Timing
    noop: Timing
    edit: Timing
    edited: str  # which catalog entry was edited
    total: int  # artifacts in the full build
    expected: int  # artifacts the edit affects (PDF and DOCX of one brief in one locale)
    shards: tuple[Timing, ...] = ()  # a CI matrix of two: each shard from nothing, then merge


def measure_incremental(
    pipeline: Pipeline,
    root: Path,
    processes: int,
    repeat: int,
    allow_partial: bool,
    locale: str,
    on_step: Callable[[str], None],
) -> Incremental:
    """Time a full build, then a no-op rebuild and one-entry edits (edit, then revert), at N."""
    on_step("incremental: full build")
    full_run = cold_build(pipeline, root, processes, allow_partial)
    full = Timing("full", (Sample.of(full_run),))
    total = counts(full_run.stderr, full_run.stdout)[0] or 0
    noop, edit = Timing("noop"), Timing("edit")
    catalog, original, edited_text, what = _one_msgstr_edit(root, locale)
    for round_ in range(1, repeat + 1):
        on_step(f"incremental round {round_}/{repeat}: no-op rebuild")
        run = pipeline.build(root, processes, allow_partial)
        _check(run, "no-op rebuild")
        noop = Timing("noop", (*noop.samples, Sample.of(run)))
        for text in (edited_text, original):  # edit, then revert: two one-entry edits
            on_step(f"incremental round {round_}/{repeat}: rebuild after one msgstr changed")
            catalog.write_text(text, encoding="utf-8")
            run = pipeline.build(root, processes, allow_partial)
            _check(run, "rebuild after an edit")
            edit = Timing("edit", (*edit.samples, Sample.of(run)))
    shards = measure_shards(pipeline, root, processes, allow_partial, on_step)
    return Incremental(full, noop, edit, what, total, len(("pdf", "docx")), shards)


def measure_shards(
    pipeline: Pipeline,
    root: Path,
    processes: int,
    allow_partial: bool,
    on_step: Callable[[str], None],
) -> tuple[Timing, ...]:
    """Time a sharded release as the example CI workflow runs it: shard 1/2 and 2/2 into one
    dist/, then `merge`; each once."""
    shutil.rmtree(root / "dist", ignore_errors=True)
    timings = []
    for shard in ("1/2", "2/2"):
        on_step(f"shards: build --shard {shard}")
        run = pipeline.build(root, processes, allow_partial, "--shard", shard)
        _check(run, f"shard {shard}")
        timings.append(Timing(f"shard {shard}", (Sample.of(run),)))
    on_step("shards: merge")
    run = run_command(
        [pipeline.python, str(pipeline.checkout / "build.py"), "--root", str(root), "merge"],
        cwd=root,
    )
    _check(run, "merge")
    timings.append(Timing("merge", (Sample.of(run),)))
    return tuple(timings)


def _one_msgstr_edit(root: Path, locale: str) -> tuple[Path, str, str, str]:
    """Return a brief catalog of the locale, its text, its text with one msgstr changed, and
    where the change is."""
    folder = root / "translations" / locale / "LC_MESSAGES"
    for catalog in sorted(folder.glob("*.po")):
        if catalog.stem == "templates":
            continue
        text = catalog.read_text(encoding="utf-8")
        body_start = text.find("\n\n")  # past the header entry
        match = re.compile(r'^msgstr "([^"\n]+)"$', re.M).search(text, body_start)
        if match:
            changed = text[: match.end(1)] + " (rev.)" + text[match.end(1) :]
            line = text.count("\n", 0, match.start()) + 1
            return catalog, text, changed, f"{catalog.relative_to(root)}:{line}"
    raise BenchError(f"no translated one-line msgstr in {folder} to edit")


@dataclass(frozen=True)
class Scale:
    """A cold full build of a generated project of a given size."""

    artifacts: int
    briefs: int
    timing: Timing
    generate_seconds: float

    @property
    def per_artifact(self) -> float | None:
        seconds = self.timing.seconds
        return seconds / self.artifacts if seconds is not None else None


def measure_scale(
    pipeline: Pipeline,
    work: Path,
    artifacts: int,
    processes: int,
    rounds: int,
    on_step: Callable[[str], None],
) -> Scale:
    """Generate a synthetic project of `artifacts` files and time its cold full build, `rounds`
    times, plus once more for each round the rest of the machine disturbed (at most twice)."""
    import time

    from bench.synthetic import briefs_for, generate_project

    briefs = briefs_for(artifacts)
    root = work / f"synthetic-{artifacts}"
    shutil.rmtree(root, ignore_errors=True)
    on_step(f"scale {artifacts}: generating {briefs} briefs and their catalogs")
    start = time.perf_counter()
    generate_project(root, briefs, REPO)
    generated = time.perf_counter() - start
    timing, extra = Timing(f"scale-{artifacts}"), 0
    while len(timing.samples) < rounds + extra:
        on_step(f"scale {artifacts}: full build ({len(timing.samples) + 1})")
        run = cold_build(pipeline, root, processes, allow_partial=False)
        built = counts(run.stderr, run.stdout)[0]
        if built != artifacts:
            raise BenchError(f"the {artifacts}-artifact project built {built} artifacts")
        timing = Timing(timing.name, (*timing.samples, Sample.of(run)))
        if run.others_cores > DISTURBED and extra < 2:
            extra += 1
    shutil.rmtree(root, ignore_errors=True)  # 1,200 PDFs and DOCX files: give the space back
    return Scale(artifacts, briefs, timing, generated)


@dataclass(frozen=True)
class Peer:
    """Typst compiling an equivalent document per edition."""

    documents: int
    seconds: dict[str, float]
    process: Sample
    version: str

    @property
    def mean(self) -> float:
        return statistics.mean(self.seconds.values()) if self.seconds else 0.0


def measure_peer(python: str, root: Path, work: Path, allow_partial: bool) -> Peer:
    """Write the Typst equivalents of the project's editions and time their compilation."""
    import typst

    from bench.peer import write_typst_sources

    folder = work / "typst"
    shutil.rmtree(folder, ignore_errors=True)
    paths = write_typst_sources(root, folder, allow_partial)
    run = run_command([python, str(BENCH / "peer.py"), str(folder)])
    _check(run, "typst")
    seconds = json.loads(run.stdout)["seconds"]
    return Peer(len(paths), seconds, Sample.of(run), getattr(typst, "__version__", "?"))


def measure_profile(python: str, root: Path, html: Path, allow_partial: bool) -> dict[str, Any]:
    """Profile one full build in one process; return the summary (parts in seconds)."""
    command = [python, str(BENCH / "profiling.py"), str(root), "--html", str(html)]
    if allow_partial:
        command.append("--allow-partial")
    run = run_command(command)
    _check(run, "profile")
    summary: dict[str, Any] = json.loads(run.stdout)
    return summary


def measure_baseline(
    current: Pipeline,
    baseline: Pipeline,
    root: Path,
    processes: int,
    repeat: int,
    allow_partial: bool,
    on_step: Callable[[str], None],
) -> dict[str, Timing]:
    """Time cold full builds by a baseline checkout and by this one, alternately, at 1 and N."""
    timings: dict[str, Timing] = {}
    for round_ in range(1, repeat + 1):
        for width in dict.fromkeys((1, processes)):
            for name, pipeline in (("baseline", baseline), ("this checkout", current)):
                if width > 1 and not pipeline.jobs_flag:
                    continue
                on_step(f"compare round {round_}/{repeat}: {name}, {width} process(es)")
                run = cold_build(pipeline, root, width, allow_partial)
                key = f"{name}-{width}"
                timing = timings.get(key, Timing(key))
                timings[key] = Timing(key, (*timing.samples, Sample.of(run)))
    return timings
