"""Every built PDF, checked by a PDF/UA-1 validator nobody here wrote (page-validation).

page-validation implements veraPDF's PDF/UA-1 profile (104 of its 106 machine rules): /Lang,
/MarkInfo, the structure tree and its roles, alternative text, fonts embedded with /ToUnicode,
annotations, metadata. What no validator can judge (that the reading order is the one a person
means, that alt text says what the chart says) stays with the reviewers.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from page import validate_pdf

from briefkit.project import Project


def built_pdfs(project: Project) -> list[Path]:
    return sorted(project.dist_dir.glob("*/*.pdf"))


def failures(path: Path) -> list[str]:
    report = validate_pdf(str(path), profile="ua1")
    return [f"{f.rule_id}: {f.message}" for f in report.failures] if not report.is_compliant else []


def test_every_pdf_of_the_sample_passes_pdf_ua_1(built_sample: Project) -> None:
    pdfs = built_pdfs(built_sample)
    assert len(pdfs) == len(built_sample.locales)
    assert {str(p.name): failures(p) for p in pdfs} == {str(p.name): [] for p in pdfs}


def test_every_pdf_of_the_series_passes_pdf_ua_1(built_series: Project) -> None:
    pdfs = built_pdfs(built_series)
    assert len(pdfs) == 4 * len(built_series.locales)
    assert {str(p.name): failures(p) for p in pdfs} == {str(p.name): [] for p in pdfs}


@pytest.mark.parametrize(
    ("damage", "rule"),
    [
        (lambda pdf: pdf.Root.MarkInfo.__setattr__("Marked", False), "PDFUA1-TAGGED-DOCUMENT-001"),
        (lambda pdf: pdf.Root.__delitem__("/Lang"), "LANGUAGE-001: annotation"),
    ],
    ids=["not-marked", "no-lang"],
)
def test_the_validator_fails_a_damaged_pdf(
    built_sample: Project, tmp_path: Path, damage: object, rule: str
) -> None:
    """The check can fail: the sample's English PDF with a PDF/UA property removed is refused."""
    damaged = tmp_path / "damaged.pdf"
    with pikepdf.open(built_sample.dist_dir / "sample" / "sample_en.pdf") as pdf:
        damage(pdf)  # type: ignore[operator]
        pdf.save(damaged)
    found = failures(damaged)
    assert found and any(rule in f for f in found), found
