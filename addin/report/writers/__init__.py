"""Three thin writers over the one report model (addin.report): Word (.docx), HTML and Markdown.

Each module has `write(report, path)` and knows only its file format; what the report says and how its
tables are laid out is decided in addin.report.
"""
from __future__ import annotations

import re

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


_BREAKS = re.compile("[\\t\\n\\r\\x85\\u2028\\u2029]+")


def one_line(text: str, limit: int | None = None) -> str:
    """A title or other single-line field as every writer must print it: line breaks and runs of spaces
    become one space (a newline in an organ name must not end a Markdown heading), characters no document
    can hold are dropped, and text over `limit` characters is cut with an ellipsis."""
    s = _BREAKS.sub(" ", storable(text)).strip()
    return s if limit is None or len(s) <= limit else s[:limit - 1] + "…"


def storable(text: str) -> str:
    """Body text without the characters no document (XML) can hold; line breaks stay."""
    from addin.io.document import illegal_rx

    return illegal_rx().sub("", str(text))
