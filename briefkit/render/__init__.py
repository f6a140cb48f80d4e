"""Localised briefs to files: HTML for WeasyPrint, PDF/UA, DOCX through pandoc, charts."""
