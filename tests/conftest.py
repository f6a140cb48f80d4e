"""Shared fixtures: a copy of the sample project (tests/fixtures/sample) with the real templates."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout under test, even from another worktree

from briefkit.project import Project, load_project  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "sample"

settings.register_profile(
    "default", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("default")


# End-to-end tests render PDFs and DOCX (or drive a browser): marked `e2e`, so that
# `make test-fast` (`pytest -m "not e2e"`) is a quick loop while editing; `make test` runs all.
E2E_FIXTURES = {"built_sample", "built_series"}
E2E_MODULES = {
    "test_bench",
    "test_end_to_end",
    "test_hostile_outputs",
    "test_hostile_workers",
    "test_html_edition",
    "test_layout",
    "test_parity",
    "test_pdf_structure",
    "test_release",
    "test_render_docx",
    "test_render_pdf",
    "test_serve",
    "test_site",
    "test_workers",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: renders artifacts or drives a browser (slow)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & E2E_FIXTURES or item.module.__name__.rpartition(".")[2] in E2E_MODULES:  # type: ignore[attr-defined]
            item.add_marker(pytest.mark.e2e)


def copy_sample(destination: Path) -> Path:
    """Copy the sample project and the real templates into destination; return its root."""
    shutil.copytree(FIXTURE, destination, dirs_exist_ok=True)
    shutil.copytree(ROOT / "templates", destination / "templates", dirs_exist_ok=True)
    return destination


@pytest.fixture
def sample_root(tmp_path: Path) -> Path:
    """A fresh, writable copy of the sample project."""
    return copy_sample(tmp_path / "project")


@pytest.fixture
def sample(sample_root: Path) -> Project:
    """The sample project, loaded."""
    return load_project(sample_root)


@pytest.fixture
def translate(sample: Project) -> Callable[[str, str, str], int]:
    """A function that sets one translation in the sample's catalog and returns its entry's line."""
    from briefkit.catalogs.po import po_path, read_catalog, write_catalog

    def set_translation(locale: str, msgid: str, msgstr: str) -> int:
        path = po_path(sample.translations_dir, locale, "sample")
        catalog = read_catalog(path, locale)
        catalog[msgid].string = msgstr
        write_catalog(path, catalog)
        return int(read_catalog(path, locale)[msgid].lineno)

    return set_translation


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The sample project, built once for the session (every locale, both formats)."""
    from briefkit.pipeline import Request, build

    project = load_project(copy_sample(tmp_path_factory.mktemp("built") / "project"))
    report = build(project, Request())
    assert report.ok, [str(f.error) for f in report.failures]
    return project


@pytest.fixture(scope="session")
def built_series(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The project's own briefs, built once for the session in every locale, as a release."""
    from briefkit.pipeline import Request, build

    root = tmp_path_factory.mktemp("series") / "project"
    for name in ("briefs", "translations", "templates"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    project = load_project(root)
    report = build(project, Request())  # every edition meets its policy: a release, in dist/
    assert report.ok, [str(f.error) for f in report.failures]
    return project
