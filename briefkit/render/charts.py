"""Charts as pictures, for the DOCX: the PDF's own HTML chart drawn by WeasyPrint and rasterised.

Drawing the chart with the page engine keeps Arabic shaped and right to left and Chinese in its
font, which SVG text in WeasyPrint and pandoc both get wrong.
"""

from __future__ import annotations

import io
from pathlib import Path

from jinja2 import Environment

from briefkit.l10n.localise import LocalisedBrief, LocalisedChart
from briefkit.render.pdf import render_pdf
from briefkit.render.templating import render_template

SCALE = 3.0  # 216 dpi: sharp in print, small in the file


def chart_png(
    brief: LocalisedBrief, chart: LocalisedChart, env: Environment, assets_dir: Path
) -> bytes:
    """Return the chart as a PNG cropped to its ink, drawn in the brief's language."""
    import pypdfium2
    from PIL import Image, ImageChops

    # The DOCX gives the caption and the alt text as text around the picture.
    html = render_template(
        env, "pdf/chart-page.html", chart=chart, caption="", alt="", locale=brief.locale
    )
    pdf = render_pdf(html, assets_dir, f"{brief.slug} {brief.locale.code} chart {chart.id}")
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=SCALE).to_pil().convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
    if box is not None:
        pad = int(4 * SCALE)
        image = image.crop((max(box[0] - pad, 0), max(box[1] - pad, 0), box[2] + pad, box[3] + pad))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(72 * SCALE, 72 * SCALE))
    return buffer.getvalue()
