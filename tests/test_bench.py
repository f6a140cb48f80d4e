"""The benchmark's own machinery (bench/): its CLI starts, its generated projects build, its
pseudo-translations keep what must not be translated, and its measurements see every process.

No figure is asserted here: speed is shown by running bench/run.py, never by a test.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from bench.synthetic import (
    BENCH_FORMATS,
    artifact_count,
    brief_text,
    briefs_for,
    generate_project,
    pseudo_translate,
)
from briefkit.pipeline import Request, build
from briefkit.project import load_project


def test_the_benchmark_cli_starts() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    for option in ("--quick", "--sizes", "--jobs", "--baseline"):
        assert option in result.stdout


def test_sizes_are_whole_numbers_of_briefs() -> None:
    assert [briefs_for(n) for n in (24, 240, 1200)] == [2, 20, 100]
    assert artifact_count(100) == 1200


def test_a_generated_project_builds_in_every_script(tmp_path: Path) -> None:
    locales = ("en", "ar", "zh_Hans", "ru")
    root = generate_project(tmp_path / "synthetic", 1, ROOT, locales)
    report = build(load_project(root), Request(formats=BENCH_FORMATS))
    assert report.ok, [str(f.error) for f in report.failures]
    assert len(report.artifacts) == artifact_count(1, locales)
    translated = [e.brief for e in report.editions if e.brief.locale.code != "en"]
    assert len(translated) == 3
    for brief in translated:  # fully translated: nothing falls back to English
        assert brief.coverage.percent == 100.0, brief.locale.code


def test_generated_briefs_have_the_real_briefs_shape() -> None:
    text = brief_text(7)
    assert text == brief_text(7)  # the same brief for the same number
    body = text.split("\n---\n", 1)[1]
    assert body.count("\n## ") == 3 and body.count("\n### ") == 6
    assert "](chart:growth" in body and "|---|---|" in body and "\n> " in body
    assert 900 <= len(re.findall(r"\w+", body)) <= 1400  # the real briefs: about 1,100 words


def test_pseudo_translation_keeps_placeholders_markup_and_link_targets() -> None:
    source = "Reports rose by **{{ rise }}** in {{ reports.year }}; see [the report](https://example.org/a) (%(page)s)."
    for code, script in (
        ("ar", r"[\u0600-\u06ff]"),
        ("zh_Hans", r"[\u4e00-\u9fff]"),
        ("ru", "[а-я]"),
    ):
        translated = pseudo_translate(source, code)
        for kept in (
            "**{{ rise }}**",
            "{{ reports.year }}",
            "](https://example.org/a)",
            "%(page)s",
        ):
            assert kept in translated, (code, translated)
        words = re.sub(r"\{\{[^}]*\}\}|\]\([^)]*\)|%\(\w+\)s", "", translated)
        assert not re.search("[A-Za-z]", words), (code, translated)
        assert re.search(script, translated), (code, translated)


def test_a_measured_command_reports_its_workers_memory_and_cpu(tmp_path: Path) -> None:
    # A parent that forks a worker holding 120 MB; measured from a separate process, since
    # measuring makes the measuring process a child subreaper.
    worker = (
        "import multiprocessing, time\n"
        "def work():\n"
        "    block = b'x' * (120 * 1024 * 1024)\n"
        "    time.sleep(0.5)\n"
        "if __name__ == '__main__':\n"
        "    p = multiprocessing.get_context('fork').Process(target=work); p.start(); p.join()\n"
    )
    script = tmp_path / "worker.py"
    script.write_text(worker, encoding="utf-8")
    probe = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from bench.measure import QUIET, run_command\n"
        "QUIET.enabled = False\n"
        f"run = run_command([sys.executable, {str(script)!r}])\n"
        "print(json.dumps({'ok': run.ok, 'workers': run.workers, 'worker': run.worker_peak_mb,"
        " 'main': run.main_peak_mb, 'cpu': run.cpu_seconds}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout)
    assert measured["ok"] and measured["workers"] == 1
    assert measured["worker"] >= 120 > measured["main"]
    assert measured["cpu"] > 0


def test_the_fitting_floor_holds_every_layout_the_fitter_makes(tmp_path: Path) -> None:
    """The floor writes each PDF from the fitted HTML the pipeline writes; the fitting floor
    adds, as layouts that are measured and not written, every other HTML the fitter tried."""
    from bench.floor import prepare_floor

    root = generate_project(tmp_path / "synthetic", 1, ROOT, ("en", "ar"))
    floor = prepare_floor(root, tmp_path / "floor", allow_partial=False)
    assert floor.failures == ()
    jobs = json.loads(floor.jobs_file.read_text(encoding="utf-8"))
    assert floor.fitting_file is not None
    fitting = json.loads(floor.fitting_file.read_text(encoding="utf-8"))
    assert sorted(job["kind"] for job in jobs) == ["docx", "docx", "pdf", "pdf"]
    assert fitting[: len(jobs)] == jobs
    assert {job["kind"] for job in fitting[len(jobs) :]} <= {"layout"}
    assert floor.layouts == len(fitting) - 2 >= 2
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "floor.py"), str(floor.fitting_file)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    written = json.loads(run.stdout)["seconds"]
    assert len(written) == len(fitting)
    assert all(Path(job["output"]).is_file() for job in jobs)
    assert not any(Path(job["output"]).exists() for job in fitting if job["kind"] == "layout")


def test_the_scale_goal_is_judged_beyond_the_start_up_and_only_with_three_sizes() -> None:
    """The judge reads the bench's figures, not the machine: made-up timings of 2 s start-up
    and 0.3 s an artifact are linear; 20 % more per artifact at the largest size is not; two
    sizes cannot tell a start-up from a rate."""
    from bench.goals import _scale_spread
    from bench.scenarios import Sample, Scale, Timing

    def scale(artifacts: int, seconds: float) -> Scale:
        sample = Sample(seconds, seconds, 0.0, 100.0, 200.0, 2)
        return Scale(artifacts, artifacts // 12, Timing(f"scale-{artifacts}", (sample,)), 0.0)

    linear = [scale(n, 2 + 0.3 * n) for n in (24, 240, 1200)]
    goal = _scale_spread(linear, {})
    assert goal.met is True, goal.measured
    assert goal.measured.startswith(
        "start-up 2.0 s and 0.300 s an artifact (from sizes 24 and 240); "
        "per artifact beyond the start-up at 1200: 0.300 s (+0.0%);"
    )
    slower = [*linear[:2], scale(1200, 2 + 0.36 * 1200)]
    assert _scale_spread(slower, {}).met is False
    assert _scale_spread(linear[:2], {}).met is None
    # Dearer per artifact at 240 than at 24: the start-up would be negative, so none is fitted.
    steep = _scale_spread([scale(24, 2.0), scale(240, 100.0), scale(1200, 545.0)], {})
    assert steep.met is False and "start-up of -8.9 s" in steep.measured
    failed = [*linear[:2], Scale(1200, 100, Timing("scale-1200"), 0.0)]
    assert _scale_spread(failed, {"scale": "the 1200-artifact build failed"}).met is False
