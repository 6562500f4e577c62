"""The mark plan applied to the live book in Excel through xlwings: the 校验 / 清除标记 buttons.

Thin on purpose: only xlwings calls, no decisions (those are in addin.review.marks). The test runs it against an
in-memory stand-in whose every method and property is checked to exist, with the same signature, on the
installed xlwings classes (tests/test_addin_xlwings.py).
"""
from __future__ import annotations

from addin.io.live import MAX_COLS, MAX_ROWS
from addin.review.marks import MAX_MARKED_CELLS
from addin.text import looks_like_formula

MAX_NOTES_READ = MAX_MARKED_CELLS   # a sheet with more notes than any run of ours writes: the rest stay


def _hex(rgb: str | None) -> str | None:
    return None if rgb is None else "#" + rgb


def _text(value):
    """What to put into a cell so text stays text: a leading apostrophe is Excel's own text marker."""
    if value == "":
        return None
    return "'" + value if looks_like_formula(value) else value


def _formula_text(s: str) -> str:
    return s.replace('"', '""')


class XlwingsBackend:
    def __init__(self, book):
        self.book = book

    # --- reading (CellSource + names) ---
    def sheet_names(self) -> list[str]:
        return [sh.name for sh in self.book.sheets]

    def grid(self, sheet, max_rows=None, max_cols=None):
        sh = self.book.sheets[sheet]
        last = sh.used_range.last_cell
        rows = min(last.row, max_rows or MAX_ROWS, MAX_ROWS)
        cols = min(last.column, max_cols or MAX_COLS, MAX_COLS)
        return sh.range((1, 1), (rows, cols)).options(ndim=2).value

    def defined_names(self):
        return [(n.name, n.refers_to) for n in self.book.names]

    def _cell(self, sheet, row, col):
        return self.book.sheets[sheet].range((row, col))

    # --- writing (Backend) ---
    def set_fill(self, sheet, row, col, rgb):
        self._cell(sheet, row, col).color = _hex(rgb)

    def fill_range(self, sheet, r1, c1, r2, c2, rgb):
        self.book.sheets[sheet].range((r1, c1), (r2, c2)).color = _hex(rgb)

    def notes_in(self, sheet, cells):
        """The notes at these cells, from the sheet's own list of notes (a few) rather than one call per
        cell (thousands when 校验结果 lists many); at most MAX_NOTES_READ notes are looked at."""
        out = {}
        for i, n in enumerate(self.book.sheets[sheet].notes):
            if i >= MAX_NOTES_READ:
                break
            where = n.location
            if (where.row, where.column) in cells:
                out[(where.row, where.column)] = n.text
        return out

    def note(self, sheet, row, col):
        n = self._cell(sheet, row, col).note
        return None if n is None else n.text

    def set_note(self, sheet, row, col, text):
        cell = self._cell(sheet, row, col)
        n = cell.note
        if text is None:
            if n is not None:
                n.delete()
        elif n is None:
            cell.add_note(text)
        else:
            n.text = text

    def set_text(self, sheet, row, col, value):
        self._cell(sheet, row, col).value = _text(value)

    def new_results_sheet(self, name):
        if name in self.sheet_names():
            self.book.sheets[name].delete()
        self.book.sheets.add(name, before=self.book.sheets[0]).activate()

    def delete_sheet(self, name):
        self.book.sheets[name].delete()

    def write_rows(self, sheet, top, rows):
        self.book.sheets[sheet].range((top, 1)).value = [[_text(v) for v in row] for row in rows]

    def set_link(self, sheet, row, col, target_sheet, target_ref, text):
        where = "'" + target_sheet.replace("'", "''") + "'!" + target_ref
        self._cell(sheet, row, col).formula = f'=HYPERLINK("#{_formula_text(where)}","{_formula_text(text)}")'

    def style(self, sheet, widths, header_row, last_row, fills, input_col, input_rows, hidden_col, heights):
        sh = self.book.sheets[sheet]
        for col, w in enumerate(widths, start=1):
            sh.range((1, col)).column_width = 0 if col == hidden_col else w
        sh.range((1, 1)).font.bold = True
        sh.range((1, 1)).font.size = 14
        sh.range((header_row, 1), (header_row, len(widths))).font.bold = True
        sh.range((header_row, 1), (max(header_row, last_row), len(widths))).wrap_text = True
        for (r, c), rgb in fills.items():
            sh.range((r, c)).color = _hex(rgb)
        for r, h in heights.items():
            sh.range((r, 1)).row_height = h

    def fit_rows(self, sheet, heights):
        """Excel measures the text itself: autofit (which also lifts a custom height) instead of our estimate."""
        sh = self.book.sheets[sheet]
        for r in heights:
            sh.range((r, 1)).rows.autofit()

    def row_height(self, sheet, row):
        return self._cell(sheet, row, 1).row_height

    def set_print_area(self, sheet, refs):
        self.book.sheets[sheet].page_setup.print_area = ",".join(refs)
