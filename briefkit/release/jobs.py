"""Rendering artifacts in worker processes: each job renders one file, writes it into dist/ under a
temporary name and renames it into place, and reports its checksum, pages and cover thumbnail.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from briefkit.errors import BriefkitError, RenderError
from briefkit.release.pool import Crashed, Raised, run_tasks
from briefkit.render.formats import FORMATS
from briefkit.writing import write_atomic

if TYPE_CHECKING:
    from briefkit.l10n.editions import Edition
    from briefkit.project import Project

# A worker whose memory has grown by more than this since it started (after an artifact) is
# replaced, giving it back: it starts at about 140 MB (shared with the build), so it stays far
# below the 600 MB a worker may take, an artifact adding up to about 100 MB while it renders. A
# new worker warms Pango's font caches again, which replacing every 8 artifacts cost 1.5-2.5 s
# a release.
WORKER_MB = 250.0
COVER_WIDTH = 240  # pixels: shown at 120 CSS pixels, sharp on high-density screens
# Imported once, before the first worker is forked, so each new worker is ready at once.
PRELOAD = ("weasyprint", "pypandoc", "docx", "pypdfium2")


@dataclass(frozen=True)
class Job:
    """One artifact to render."""

    project: Project
    edition: Edition
    format: str
    path: str  # relative to dist/
    key: str

    @property
    def what(self) -> str:
        return f"{self.edition.brief.slug} {self.edition.brief.locale.code} {self.format}"


@dataclass(frozen=True)
class Rendered:
    """What a worker wrote for a job."""

    bytes: int
    sha256: str
    pages: int | None
    cover: str | None  # relative to dist/
    seconds: float


def run_jobs(
    jobs: list[Job],
    on_done: Callable[[Job, Rendered | BriefkitError], None],
    *,
    workers: int,
    timeout: float,
    seconds: dict[str, float],
) -> None:
    """Render every job in worker processes, the slowest (as last measured; new ones first) first."""
    ordered = sorted(jobs, key=lambda job: -seconds.get(job.path, float("inf")))

    def done(job: Job, outcome: Rendered | BriefkitError | Raised | Crashed) -> None:
        if isinstance(outcome, Raised):
            outcome = RenderError(
                f"{job.what}: the renderer crashed: {outcome.exception}",
                fix="report it with the brief and locale",
            )
        elif isinstance(outcome, Crashed):
            outcome = RenderError(
                f"{job.what}: {outcome.reason}",
                fix="rerun to retry it; report it with the brief and locale if it recurs",
            )
        on_done(job, outcome)

    run_tasks(
        render_job,
        ordered,
        done,
        workers=workers,
        timeout=timeout,
        worker_mb=WORKER_MB,
        preload=PRELOAD,
    )


def render_job(job: Job) -> Rendered | BriefkitError:
    """Render one artifact into dist/ (runs in a worker); return what was written, or the error."""
    start = time.perf_counter()
    try:
        data = render_bytes(job.project, job.edition, job.format)
    except BriefkitError as exc:
        return exc
    dist = job.project.dist_dir
    pages = cover = None
    try:
        if FORMATS[job.format].paged:
            png, pages = cover_png(data)
            cover = cover_path(job.path)
            write_atomic(dist / cover, png)
        write_atomic(dist / job.path, data)
    except BriefkitError as exc:  # a link in dist/ (safefs.py)
        return exc
    except OSError as exc:
        return RenderError(
            f"{job.what}: cannot write it: {exc.strerror}",
            path=dist / job.path,
            fix="make sure dist/ is writable and has room",
        )
    digest = hashlib.sha256(data).hexdigest()
    return Rendered(len(data), digest, pages, cover, time.perf_counter() - start)


def render_bytes(project: Project, edition: Edition, fmt: str) -> bytes:
    """Return the bytes of one artifact, rendered by its format's entry."""
    return FORMATS[fmt].render(project, edition)


def cover_png(pdf: bytes) -> tuple[bytes, int]:
    """Return a small PNG of page 1 and the number of pages."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=COVER_WIDTH / page.get_width()).to_pil().convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue(), len(document)
    finally:
        document.close()


def cover_path(artifact: str) -> str:
    """Return where the cover thumbnail of a PDF goes: beside it, as <name>_cover.png."""
    path = PurePosixPath(artifact)
    return str(path.with_name(f"{path.stem}_cover.png"))
