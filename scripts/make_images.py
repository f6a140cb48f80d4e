#!/usr/bin/env python3
"""Regenerate docs/images/*.png: page 1 of the sample brief's PDF in English, Arabic and Chinese.

Run: make images   (or .venv/bin/python scripts/make_images.py)
The sample project (tests/fixtures/sample) is built in a temporary copy with the real templates,
so the pictures show exactly what the pipeline makes; nothing under dist/ is touched.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefkit.pipeline import Request, build, output_path  # noqa: E402
from briefkit.project import load_project  # noqa: E402

OUT = ROOT / "docs" / "images"
LOCALES = ("en", "ar", "zh_Hans")
SCALE = 1.0  # 72 dpi: an A4 page 595 pixels wide, sharp enough to judge the layout


def main() -> int:
    import pypdfium2

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "sample"
        shutil.copytree(ROOT / "tests" / "fixtures" / "sample", root)
        shutil.copytree(ROOT / "templates", root / "templates")
        project = load_project(root)
        report = build(project, Request(locales=LOCALES, formats=("pdf",)))
        if not report.ok:
            print("\n".join(str(f.error) for f in report.failures), file=sys.stderr)
            return 1
        OUT.mkdir(parents=True, exist_ok=True)
        for locale in LOCALES:
            page = pypdfium2.PdfDocument(output_path(project, "sample", locale, "pdf"))[0]
            target = OUT / f"sample_{locale}_page1.png"
            page.render(scale=SCALE).to_pil().convert("RGB").save(target, optimize=True)
            print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
