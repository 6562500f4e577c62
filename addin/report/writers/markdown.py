"""The report as Markdown, for sites that take Markdown.

Headings and paragraphs are Markdown; the tables are HTML tables (the same markup as the HTML writer),
because Markdown tables cannot merge cells and the official tables need rowspan/colspan. Text from the
workbook is escaped so that it cannot become markup.
"""
from __future__ import annotations

import re
from pathlib import Path

from addin.report.model import Report
from addin.report.writers import one_line, storable
from addin.report.writers.html import table

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~])")


def md_escape(text: str) -> str:
    """Backslash-escape Markdown specials and write &, <, > as entities (no text can open an HTML tag, in any
    Markdown processor); a leading '1.' or '-' cannot start a list."""
    s = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return re.sub(r"^(\d+)\.", r"\1\\.", re.sub(r"^([-+])", r"\\\1", s))


def page(report: Report) -> str:
    out = []
    if report.draft:
        out += [f"**{md_escape(one_line(report.draft_mark))}**", ""]
    out += ["# " + md_escape(" ".join(one_line(x) for x in report.title_lines())), ""]
    for p in report.preamble:
        out += [md_escape(storable(p)), ""]
    for s in report.sections:
        out += ["## " + md_escape(one_line(s.heading)), ""]
        for b in s.blocks:
            if b.kind in ("heading2", "heading3"):
                out += ["#" * (int(b.kind[-1]) + 1) + " " + md_escape(one_line(b.text)), ""]
            elif b.kind == "table":
                out += [table(b.table), ""]
            else:
                out += [md_escape(storable(b.text)), ""]
    return "\n".join(out)


def write(report: Report, path: Path) -> None:
    from addin.report.fingerprint import signed_text

    Path(path).write_text(signed_text(page(report)), encoding="utf-8")
