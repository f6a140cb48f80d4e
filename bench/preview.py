"""Save-to-refresh time of the live preview (`build.py serve`), as a translator meets it.

Copies the project (briefs, translations, templates, pyproject.toml) to a temporary folder,
starts `build.py serve` on it for one brief in one language, opens the page in headless
Chromium, then, round after round, saves the catalog with one msgstr changed and times how long
until the browser shows the new text (the server notices the save, rebuilds the page, tells the
browser, and the browser reloads it). Goal: under 0.5 s.

    .venv/bin/python bench/preview.py [--brief overview] [--lang fr] [--rounds 20]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefkit.catalogs.po import po_path, read_catalog  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
GOAL = 0.5  # seconds from save to refreshed page


def main() -> int:
    args = _arguments()
    with tempfile.TemporaryDirectory(prefix="preview-bench-") as folder:
        project = _copy_project(Path(folder) / "project")
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "build.py"),
                "--root",
                str(project),
                "serve",
                "--port",
                str(port),
                "--lang",
                args.lang,
                "--brief",
                args.brief,
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            url = f"http://127.0.0.1:{port}/{args.brief}/{args.lang}/"
            _wait_until_up(url)
            times = _measure(project, url, args)
        finally:
            server.terminate()
            _, printed = server.communicate(timeout=10)
    _report(times, _rebuilds(printed), args)
    return 0 if statistics.median(times) < GOAL else 1


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--brief", default="overview")
    parser.add_argument("--lang", default="fr")
    parser.add_argument("--rounds", type=int, default=20)
    return parser.parse_args()


def _copy_project(destination: Path) -> Path:
    for name in ("briefs", "translations", "templates"):
        shutil.copytree(ROOT / name, destination / name)
    shutil.copy(ROOT / "pyproject.toml", destination / "pyproject.toml")
    return destination


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=30):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the preview did not answer at {url}")


def _measure(project: Path, url: str, args: argparse.Namespace) -> list[float]:
    """Return, per round, the seconds from the save to the new text in the browser."""
    from playwright.sync_api import sync_playwright

    path = po_path(project / "translations", args.lang, args.brief)
    heading = _first_heading(path, args.lang)
    original = path.read_text(encoding="utf-8")
    needle = f'msgstr "{heading}"'
    assert needle in original, f"{heading!r} is not a one-line msgstr in {path}"
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.goto(url)
        page.wait_for_timeout(500)  # the event stream is open
        for round_ in range(args.rounds):
            text = f"{heading} ({round_ + 1})"
            start = time.perf_counter()
            _save(path, original.replace(needle, f'msgstr "{text}"', 1))
            page.wait_for_function(
                "text => [...document.querySelectorAll('h2')].some(h => h.textContent === text)",
                arg=text,
                timeout=30_000,
                polling="raf",
            )
            times.append(time.perf_counter() - start)
            page.wait_for_timeout(200)
        browser.close()
    return times


def _first_heading(path: Path, lang: str) -> str:
    """Return the translation of the brief's first body heading (an h2 on the page)."""
    for message in read_catalog(path, lang):
        comments = " ".join(message.auto_comments)
        if message.id and comments.startswith("heading") and message.string and not message.fuzzy:
            return str(message.string)
    raise SystemExit(f"no translated heading in {path}")


def _save(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)  # as editors save: a new file renamed over the old


def _rebuilds(printed: str) -> list[float]:
    """Return the seconds of each rebuild the server reported (`rebuilt … in N ms`)."""
    found = re.findall(r"^rebuilt .* in (\d+) ms$", printed, re.MULTILINE)
    return [int(ms) / 1000 for ms in found]


def _report(times: list[float], rebuilds: list[float], args: argparse.Namespace) -> None:
    ordered = sorted(times)
    ninetieth = ordered[max(0, round(0.9 * len(ordered)) - 1)]
    print(f"preview save-to-refresh, {args.brief} {args.lang}, {len(times)} rounds")
    print(
        f"median {statistics.median(times) * 1000:.0f} ms, 90th percentile {ninetieth * 1000:.0f} ms,"
        f" fastest {ordered[0] * 1000:.0f} ms, slowest {ordered[-1] * 1000:.0f} ms"
    )
    if rebuilds:
        print(
            f"of which the server's rebuild: median {statistics.median(rebuilds) * 1000:.0f} ms"
            f" over {len(rebuilds)} rebuilds"
        )
    verdict = "met" if statistics.median(times) < GOAL else "not met"
    print(f"goal: median under {GOAL * 1000:.0f} ms: {verdict}")


if __name__ == "__main__":
    sys.exit(main())
