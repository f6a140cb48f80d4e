"""briefkit: Markdown policy briefs to localised, accessible PDF and DOCX via gettext catalogs."""

__version__ = "0.1.0"
