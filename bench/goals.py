"""The goals of issues #8 and #19, judged from one run's figures: met, not met, or not measured (and why)."""

from __future__ import annotations

from dataclasses import dataclass

from bench.scenarios import Incremental, Scale, Series

FLOOR_RATIO = 1.15
NOOP_SHARE = 0.02
SPEEDUP_SHARE = 0.95
SCALE_SPREAD = 0.15
WORKER_MB = 600.0


@dataclass(frozen=True)
class Goal:
    """One goal and how this run did against it."""

    goal: str
    measured: str
    met: bool | None  # None: not measured


def judge(
    series: Series | None,
    incremental: Incremental | None,
    scales: list[Scale],
    processes: int,
    why_not: dict[str, str],
) -> list[Goal]:
    """Return every goal with its verdict."""
    return [
        _floor_ratio(series, processes, why_not),
        _noop(series, incremental, processes, why_not),
        _edit(series, incremental, processes, why_not),
        _speedup(series, processes, why_not),
        _scale_spread(scales, why_not),
        _memory(series, scales, why_not),
    ]


def _seconds(series: Series | None, name: str) -> float | None:
    timing = series.timings.get(name) if series else None
    return timing.seconds if timing else None


def _floor_ratio(series: Series | None, processes: int, why_not: dict[str, str]) -> Goal:
    goal = f"full build ≤ {FLOOR_RATIO:g} × floor"
    parts, verdicts = [], []
    for width in dict.fromkeys((1, processes)):
        pipeline, floor = _seconds(series, f"pipeline-{width}"), _seconds(series, f"floor-{width}")
        if pipeline is None or floor is None:
            parts.append(f"{width} process(es): not measured")
            continue
        ratio = pipeline / floor
        parts.append(f"{width} process(es): {ratio:.2f} × ({pipeline:.1f} s / {floor:.1f} s)")
        verdicts.append(ratio <= FLOOR_RATIO)
    if not verdicts:
        return Goal(goal, why_not.get("series", "not measured"), None)
    return Goal(goal, "; ".join(parts), all(verdicts) and len(verdicts) == len(parts))


def _noop(
    series: Series | None, incremental: Incremental | None, processes: int, why: dict[str, str]
) -> Goal:
    goal = f"no-op rebuild ≤ {NOOP_SHARE:.0%} of the full build"
    full = _seconds(series, f"pipeline-{processes}") or (
        incremental.full.seconds if incremental else None
    )
    if incremental is None or incremental.noop.seconds is None or full is None:
        return Goal(goal, why.get("incremental", "not measured"), None)
    share = incremental.noop.seconds / full
    rendered = {s.built for s in incremental.noop.samples if s.built is not None}
    text = f"{incremental.noop.seconds:.2f} s = {share:.1%} of {full:.1f} s; rendered {sorted(rendered)}"
    return Goal(goal, text, share <= NOOP_SHARE and rendered == {0})


def _edit(
    series: Series | None, incremental: Incremental | None, processes: int, why: dict[str, str]
) -> Goal:
    goal = "one-entry edit rebuilds only what it affects, within their share + start-up"
    full = _seconds(series, f"pipeline-{processes}") or (
        incremental.full.seconds if incremental else None
    )
    if incremental is None or incremental.edit.seconds is None or full is None:
        return Goal(goal, why.get("incremental", "not measured"), None)
    noop = incremental.noop.seconds or 0.0
    budget = noop + full * incremental.expected / max(incremental.total, 1)
    rendered = sorted({s.built for s in incremental.edit.samples if s.built is not None})
    slowest = max(s.seconds for s in incremental.edit.samples)
    text = (
        f"rendered {rendered} of {incremental.total} (expected {incremental.expected}); "
        f"{slowest:.2f} s (slowest) vs budget {budget:.2f} s "
        f"(no-op {noop:.2f} s + {incremental.expected}/{incremental.total} of {full:.1f} s)"
    )
    return Goal(goal, text, rendered == [incremental.expected] and slowest <= budget)


def _speedup(series: Series | None, processes: int, why_not: dict[str, str]) -> Goal:
    goal = f"--jobs {processes} speedup ≥ {SPEEDUP_SHARE:.0%} of the renderers' own"
    p1, pn = _seconds(series, "pipeline-1"), _seconds(series, f"pipeline-{processes}")
    f1, fn = _seconds(series, "floor-1"), _seconds(series, f"floor-{processes}")
    if processes < 2:
        return Goal(goal, "one core: no parallel speedup to measure", None)
    if None in (p1, pn, f1, fn):
        return Goal(goal, why_not.get("jobs", "not measured"), None)
    assert p1 and pn and f1 and fn
    ours, theirs = p1 / pn, f1 / fn
    text = f"pipeline {ours:.2f}×, floor {theirs:.2f}×: {ours / theirs:.0%} of the floor's"
    return Goal(goal, text, ours >= SPEEDUP_SHARE * theirs)


def _scale_spread(scales: list[Scale], why_not: dict[str, str]) -> Goal:
    """Time per artifact beyond a fixed start-up, as the issue words it: the start-up is what
    the two smallest sizes leave when their extra artifacts are paid at the same rate; each
    size's time less it, per artifact, must stay within the spread. Only a third size can show
    that (two sizes fit any start-up and rate exactly)."""
    goal = (
        f"time per artifact within ±{SCALE_SPREAD:.0%} from the smallest to the largest size, "
        "beyond a fixed start-up"
    )
    if any(s.timing.seconds is None for s in scales) and "scale" in why_not:
        return Goal(goal, why_not["scale"], False)  # a size that failed is not linear
    measured = sorted(
        (s for s in scales if s.timing.seconds is not None and s.artifacts > 0),
        key=lambda s: s.artifacts,
    )
    if not measured:
        return Goal(goal, why_not.get("scale", "no size measured"), None)
    raw = "; ".join(f"{s.artifacts}: {s.per_artifact:.3f} s" for s in measured)
    if len({s.artifacts for s in measured}) < 3:
        sizes = ", ".join(str(s.artifacts) for s in measured)
        return Goal(goal, f"with start-up: {raw}; sizes {sizes} only: a third is needed", None)
    first, second = measured[0], measured[1]
    rate = (_t(second) - _t(first)) / (second.artifacts - first.artifacts)
    start_up = _t(first) - first.artifacts * rate
    if rate <= 0 or start_up < 0:  # no start-up and rate fit the two smallest sizes
        text = (
            f"the two smallest sizes give a rate of {rate:.3f} s and a start-up of {start_up:.1f} s"
        )
        return Goal(goal, f"{text}; with start-up: {raw}", False)
    # The two smallest sizes fit the start-up and rate exactly: only the larger ones are judged.
    net = [(s, (_t(s) - start_up) / s.artifacts) for s in measured[2:]]
    parts = ", ".join(f"{s.artifacts}: {each:.3f} s ({each / rate - 1:+.1%})" for s, each in net)
    met = all(abs(each / rate - 1) <= SCALE_SPREAD for _, each in net)
    note = "" if measured[-1].artifacts >= 1200 else " (below the issue's 1,200)"
    text = (
        f"start-up {start_up:.1f} s and {rate:.3f} s an artifact (from sizes {first.artifacts} "
        f"and {second.artifacts}); per artifact beyond the start-up at {parts}{note}; "
        f"with start-up: {raw}"
    )
    return Goal(goal, text, met)


def _t(scale: Scale) -> float:
    return scale.timing.seconds or 0.0


def _memory(series: Series | None, scales: list[Scale], why_not: dict[str, str]) -> Goal:
    goal = f"peak memory per worker < {WORKER_MB:g} MB"
    peaks = [
        (f"{s.artifacts} artifacts", s.timing.best.worker_peak_mb) for s in scales if s.timing.best
    ]
    if series:
        peaks += [
            (name, t.best.worker_peak_mb)
            for name, t in series.timings.items()
            if t.best and name.startswith("pipeline")
        ]
    if not peaks:
        return Goal(goal, why_not.get("scale", "not measured"), None)
    worst = max(peaks, key=lambda item: item[1])
    return Goal(goal, f"largest {worst[1]:.0f} MB ({worst[0]})", worst[1] < WORKER_MB)
