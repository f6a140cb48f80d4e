"""The benchmark's results, and how they are shown: rich tables, the same as Markdown, and JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from rich.table import Table

from bench.goals import Goal
from bench.scenarios import Incremental, Peer, Scale, Series, Timing


@dataclass
class Results:
    """Everything one run measured, section by section (None: not run or failed)."""

    machine: dict[str, Any]
    processes: int
    allow_partial: bool
    incomplete: list[str]
    floor_jobs: int | None = None
    floor_layouts: int | None = None  # WeasyPrint layouts the pipeline's fitter makes
    series: Series | None = None
    baseline: dict[str, Timing] | None = None
    incremental: Incremental | None = None
    scales: list[Scale] = field(default_factory=list)
    peer: Peer | None = None
    profile: dict[str, Any] | None = None
    goals: list[Goal] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # section: what failed
    why_not: dict[str, str] = field(default_factory=dict)  # section: why it cannot be measured


def tables(results: Results) -> list[Table]:
    """Return the tables of a run, in reading order."""
    found = [_machine_table(results)]
    if results.series:
        found.append(_series_table(results))
    if results.baseline:
        found.append(_baseline_table(results.baseline))
    if results.incremental:
        found.append(_incremental_table(results.incremental))
    if results.scales:
        found.append(_scale_table(results.scales, results.processes))
    if results.peer:
        found.append(_peer_table(results.peer, results.series))
    if results.profile:
        found.append(_profile_table(results.profile))
    found.append(_goals_table(results.goals))
    return found


def as_markdown(results: Results) -> str:
    """Return the tables as Markdown."""
    return "\n\n".join(_markdown(table) for table in tables(results)) + "\n"


def as_json(results: Results) -> dict[str, Any]:
    """Return every figure of the run, every sample included."""
    series, incremental = results.series, results.incremental
    return {
        "machine": results.machine,
        "series_project": {
            "allow_partial": results.allow_partial,
            "incomplete": results.incomplete,
        },
        "floor_jobs": results.floor_jobs,
        "floor_layouts": results.floor_layouts,
        "series": None
        if series is None
        else {
            "timings": {name: t.as_json() for name, t in series.timings.items()},
            "floor_file_seconds": series.floor_file_seconds,
            "artifact_seconds": series.artifact_seconds,
        },
        "baseline": None
        if results.baseline is None
        else {name: t.as_json() for name, t in results.baseline.items()},
        "incremental": None
        if incremental is None
        else {
            "edited": incremental.edited,
            "total": incremental.total,
            "expected": incremental.expected,
            **{t.name: t.as_json() for t in (incremental.full, incremental.noop, incremental.edit)},
            "shards": [t.as_json() for t in incremental.shards],
        },
        "scale": [
            {
                "artifacts": s.artifacts,
                "briefs": s.briefs,
                "generate_seconds": round(s.generate_seconds, 1),
                "per_artifact": s.per_artifact,
                **s.timing.as_json(),
            }
            for s in results.scales
        ],
        "peer": None
        if results.peer is None
        else {**asdict(results.peer), "mean": results.peer.mean},
        "profile": results.profile,
        "goals": [asdict(goal) for goal in results.goals],
        "errors": results.errors,
        "not_measured": results.why_not,
    }


def _machine_table(results: Results) -> Table:
    machine = results.machine
    table = Table("", "", title="Machine and checkout")
    load = " ".join(machine["load_before"])
    table.add_row("CPU", f"{machine['cpu']}, {machine['cores']} cores; load average before: {load}")
    table.add_row(
        "Versions",
        f"Python {machine['python']}, WeasyPrint {machine['weasyprint']}, pandoc {machine['pandoc']}",
    )
    table.add_row(
        "Checkout",
        f"{machine['checkout']}; build.py --jobs: {_yes(machine['cli_has_jobs'])}, "
        f"incremental rebuilds: {_yes(machine['cli_incremental'])}",
    )
    partial = ", ".join(results.incomplete) or "none"
    table.add_row(
        "Series project",
        "the repository's briefs × locales; editions below the release policy, so built with "
        f"--allow-partial: {partial}",
    )
    table.add_row("Benchmark took", f"{machine.get('benchmark_seconds', 0):.0f} s")
    return table


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _series_table(results: Results) -> Table:
    series, processes = results.series, results.processes
    assert series is not None
    table = Table(
        "Run",
        "Best s",
        "Median s",
        "Rounds",
        "s/artifact",
        "CPU s",
        "Other load",
        "Peak MB worker / main",
        title=(
            f"Full release build vs the floor: cold, {results.floor_jobs} PDF and DOCX files "
            "(the pipeline also writes the HTML editions, which have no renderer to be a floor)"
        ),
    )
    for width in dict.fromkeys((1, processes)):
        for name in (f"pipeline-{width}", f"floor-{width}", f"fitting-{width}"):
            timing = series.timings.get(name)
            if timing is not None:
                table.add_row(_label(name, results), *_timing_cells(timing, results.floor_jobs))
    for width in dict.fromkeys((1, processes)):
        ours = series.timings.get(f"pipeline-{width}")
        for kind, what in (("floor", "floor"), ("fitting", "fitting floor")):
            theirs = series.timings.get(f"{kind}-{width}")
            if ours and theirs and ours.seconds and theirs.seconds:
                ratio = f"{ours.seconds / theirs.seconds:.2f} ×"
                table.add_row(f"ratio pipeline / {what}, {width} process(es)", ratio, *[""] * 6)
    return table


def _label(name: str, results: Results | None = None) -> str:
    kind, width = name.rsplit("-", 1)
    if kind == "pipeline":
        return f"pipeline: build.py --jobs {width}"
    if kind == "fitting":
        layouts = getattr(results, "floor_layouts", None)
        return (
            f"fitting floor: the same plus the fitter's layouts ({layouts} in all), "
            f"{width} process(es)"
        )
    return f"floor: WeasyPrint + pandoc alone, {width} process(es)"


def _timing_cells(timing: Timing, artifacts: int | None) -> list[str]:
    best = timing.best
    if best is None or timing.median is None:
        return [f"{timing.skipped}", *[""] * 6]
    per = f"{best.seconds / artifacts:.3f}" if artifacts else ""
    others = max(s.others_cores for s in timing.samples)
    return [
        f"{best.seconds:.2f}",
        f"{timing.median:.2f}",
        str(len(timing.samples)),
        per,
        f"{best.cpu_seconds:.1f}",
        f"≤ {others:.2f} cores",
        f"{best.worker_peak_mb:.0f} / {best.main_peak_mb:.0f}",
    ]


def _baseline_table(baseline: dict[str, Timing]) -> Table:
    table = Table("Checkout", "Best s", "Median s", "CPU s", "Rounds", title="Before / after")
    for name, timing in baseline.items():
        best = timing.best
        if best is not None and timing.median is not None:
            table.add_row(
                name.replace("-", ", --jobs "),
                f"{best.seconds:.2f}",
                f"{timing.median:.2f}",
                f"{best.cpu_seconds:.1f}",
                str(len(timing.samples)),
            )
    return table


def _incremental_table(incremental: Incremental) -> Table:
    table = Table(
        "Run",
        "Best s",
        "Rendered",
        "Up to date",
        "Rounds",
        title=f"Rebuilds ({incremental.edited})",
    )
    for timing in (incremental.full, incremental.noop, incremental.edit, *incremental.shards):
        best = timing.best
        if best:
            table.add_row(
                timing.name,
                f"{best.seconds:.2f}",
                str(best.built),
                str(best.current),
                str(len(timing.samples)),
            )
    return table


def _scale_table(scales: list[Scale], processes: int) -> Table:
    table = Table(
        "Artifacts",
        "Briefs",
        "Build s",
        "s/artifact",
        "CPU s",
        "Workers",
        "Peak MB worker",
        "Peak MB main",
        "Other load",
        title=f"Scale: generated projects (6 locales × PDF + DOCX), cold, --jobs {processes}",
    )
    for scale in scales:
        best = scale.timing.best
        if best is not None and scale.per_artifact is not None:
            table.add_row(
                f"{scale.artifacts:,}",
                str(scale.briefs),
                f"{best.seconds:.1f}",
                f"{scale.per_artifact:.3f}",
                f"{best.cpu_seconds:.0f}",
                str(best.workers),
                f"{best.worker_peak_mb:.0f}",
                f"{best.main_peak_mb:.0f}",
                f"{best.others_cores:.2f} cores",
            )
    return table


def _peer_table(peer: Peer, series: Series | None) -> Table:
    table = Table(
        "Per PDF",
        "Mean s",
        "Documents",
        title=f"Peer, for context: Typst {peer.version} (PyPI) on equivalent documents",
    )
    table.add_row("Typst, one compiler, PDF/UA-1", f"{peer.mean:.3f}", str(peer.documents))
    if series:
        _mean_row(table, "WeasyPrint alone on the pipeline's HTML", series.floor_file_seconds)
        _mean_row(table, "briefkit, as its render workers report", series.artifact_seconds)
    return table


def _mean_row(table: Table, label: str, seconds: dict[str, float]) -> None:
    pdfs = [s for path, s in seconds.items() if path.endswith(".pdf")]
    if pdfs:
        table.add_row(label, f"{sum(pdfs) / len(pdfs):.3f}", str(len(pdfs)))


def _profile_table(profile: dict[str, Any]) -> Table:
    total = sum(profile["parts"].values()) or 1.0
    table = Table(
        "Part",
        "Seconds",
        "Share",
        title=f"Profile: one full build in one process, {profile['artifacts']} artifacts, "
        f"{profile['seconds']:.1f} s under pyinstrument",
    )
    for part, seconds in profile["parts"].items():
        if seconds / total >= 0.005:
            table.add_row(part, f"{seconds:.2f}", f"{seconds / total:.1%}")
    return table


def _goals_table(verdicts: list[Goal]) -> Table:
    table = Table("Goal", "Measured", "Met", title="Goals (issue #19)")
    for goal in verdicts:
        met = "not measured" if goal.met is None else ("yes" if goal.met else "NO")
        table.add_row(goal.goal, goal.measured, met)
    return table


def _markdown(table: Table) -> str:
    headers = [str(column.header) or " " for column in table.columns]
    rows = zip(*(list(column.cells) for column in table.columns), strict=True)
    lines = [f"**{table.title}**", "", "| " + " | ".join(headers) + " |"]
    lines.append("|" + "---|" * len(headers))
    lines += [
        "| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows
    ]
    return "\n".join(lines)
