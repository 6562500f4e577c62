"""A live workbook (any CellSource with defined names) → the reader's document, through the SAME reader.

The 校验 button reads the open book, unsaved edits included. Rather than a second reader, the book's
values and defined names are copied into an in-memory openpyxl workbook and handed to
reader.read_workbook — so the cell mapping (defined names from schema/, labels as fallback), the value
rules and the reader's own findings are exactly those of `nianbao validate` on a file.
Values are what the spreadsheet shows (formulas already computed by Excel), so nothing is recomputed here.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Protocol

from addin.io.cellsource import CellSource
from addin.text import looks_like_formula

MAX_ROWS = 5000    # a hostile used range (A1:XFD1048576) is cut, not copied
MAX_COLS = 200


class NamedSource(CellSource, Protocol):
    def defined_names(self) -> Iterable[tuple[str, str]]:
        """(name, refers_to) pairs, refers_to as '=表三!$D$7' (sheet-scoped names may read 'Sheet!name')."""


def to_openpyxl(source: NamedSource):
    from openpyxl import Workbook
    from openpyxl.workbook.defined_name import DefinedName

    wb = Workbook()
    wb.remove(wb.active)
    for name in source.sheet_names():
        ws = wb.create_sheet(name)
        for r, row in enumerate(source.grid(name, MAX_ROWS, MAX_COLS), start=1):
            for c, v in enumerate(row, start=1):
                if v is not None:
                    cell = ws.cell(r, c)
                    cell.value = _as_in_file(v)
                    if looks_like_formula(v):
                        cell.data_type = "s"   # a value that looks like a formula is text here
    for name, refers_to in source.defined_names():
        name = name.rpartition("!")[2]
        text = str(refers_to or "").lstrip("=")
        if name.startswith("nb_") and text and name not in wb.defined_names:
            wb.defined_names[name] = DefinedName(name, attr_text=text)
    return wb


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _as_in_file(v):
    """Excel hands over U+0001 for the '_x0001_' it stores; a cell cannot hold it (openpyxl refuses), and the
    file reader sees '_x0001_': write it back that way, so the live book reads as its saved file does."""
    if isinstance(v, str) and _CONTROL.search(v):
        return _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", v)
    return v


def read(source: NamedSource, path: str | Path):
    from addin.io import reader

    return reader.read_workbook(to_openpyxl(source), Path(path))
