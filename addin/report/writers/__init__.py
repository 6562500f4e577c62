"""Three thin writers over the one report model (addin.report): Word (.docx), HTML and Markdown.

Each module has `write(report, path)` and knows only its file format; what the report says and how its
tables are laid out is decided in addin.report.
"""
from __future__ import annotations

FORMATS = ("docx", "html", "md")


def writer(kind: str):
    """The writer module of one output kind (imported lazily: python-docx only when .docx is asked for)."""
    if kind == "docx":
        from addin.report.writers import docx as mod
    elif kind == "html":
        from addin.report.writers import html as mod
    elif kind == "md":
        from addin.report.writers import markdown as mod
    else:
        raise ValueError(kind)
    return mod
