"""The mark plan applied to a workbook file with openpyxl: `nianbao validate FILE --annotate`.

Writes `<name>.校验.xlsx` beside the input (atomically; an existing copy only with --force); the input is
opened read-only and never written. Thin: every decision is in addin.review.marks.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.hyperlink import Hyperlink

from addin.format.styles import FONT_NAME
from addin.io.results import ANNOTATED_MARK, OpenpyxlSource
from addin.io.template import cell_text, grow_row, quote
from addin.messages import refuse
from addin.review import marks
from addin.text import looks_like_formula

LINK_FONT = Font(name=FONT_NAME, size=11, color="0563C1", underline="single")


def _fill(rgb: str | None) -> PatternFill:
    # the template's own construction (template._fill), so a restored cell is style-for-style the template's
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb) if rgb else PatternFill()


class OpenpyxlBackend(OpenpyxlSource):
    def _cell(self, sheet, row, col):
        """The cell, or — when staff merged it into another — the merged range's top-left cell, which holds
        the value, the fill and the note (openpyxl's inner merged cells are read-only). None when even that is
        inside another range (overlapping merges, which Excel itself would refuse): nothing can be marked."""
        ws = self.wb[sheet]
        cell = ws.cell(row, col)
        for _ in range(4):
            if not isinstance(cell, MergedCell):
                return cell
            rng = next((r for r in ws.merged_cells.ranges if cell.coordinate in r), None)
            if rng is None or (rng.min_row, rng.min_col) == (cell.row, cell.column):
                return None
            cell = ws.cell(rng.min_row, rng.min_col)
        return None

    def set_fill(self, sheet, row, col, rgb):
        cell = self._cell(sheet, row, col)
        if cell is not None:
            cell.fill = _fill(rgb)

    def fill_range(self, sheet, r1, c1, r2, c2, rgb):
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self.set_fill(sheet, r, c, rgb)

    def note(self, sheet, row, col):
        cell = self._cell(sheet, row, col)
        c = None if cell is None else cell.comment
        return None if c is None else c.text

    def notes_in(self, sheet, cells):
        found = {(r, c): self.note(sheet, r, c) for r, c in cells}
        return {k: v for k, v in found.items() if v is not None}

    def set_note(self, sheet, row, col, text):
        cell = self._cell(sheet, row, col)
        if cell is None:
            return
        if text is None:
            cell.comment = None
            return
        text = cell_text(text)        # a message may quote a file name holding ESC
        lines = sum(1 + len(line) // 24 for line in text.split("\n"))
        cell.comment = Comment(text, "nianbao", height=min(600, 20 + 18 * lines), width=320)

    def set_text(self, sheet, row, col, value):
        cell = self._cell(sheet, row, col)
        if cell is None:
            return
        cell.value = cell_text(value) if isinstance(value, str) else value
        if looks_like_formula(value):
            cell.data_type = "s"      # stays text, never a formula
            cell.quotePrefix = True

    def new_results_sheet(self, name):
        if name in self.wb.sheetnames:
            del self.wb[name]
        ws = self.wb.create_sheet(name, 0)
        self.wb.active = 0
        for other in self.wb.worksheets[1:]:
            other.sheet_view.tabSelected = False
        ws.sheet_view.tabSelected = True

    def delete_sheet(self, name):
        del self.wb[name]
        self.wb.active = 0
        for i, ws in enumerate(self.wb.worksheets):
            ws.sheet_view.tabSelected = i == 0

    def write_rows(self, sheet, top, rows):
        for i, values in enumerate(rows):
            for j, v in enumerate(values, start=1):
                if v is not None and v != "":
                    self.set_text(sheet, top + i, j, v)

    def set_link(self, sheet, row, col, target_sheet, target_ref, text):
        cell = self._cell(sheet, row, col)
        if cell is None:
            return
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quote(target_sheet)}!{target_ref}",
                                   display=text, tooltip=f"跳到 {target_sheet}!{target_ref}")
        cell.font = LINK_FONT

    def style(self, sheet, widths, header_row, last_row, fills, input_col, input_rows, hidden_col, heights):
        from openpyxl.utils import get_column_letter

        from addin.format.styles import BORDER, FONT, FONT_BOLD, FONT_HINT, FONT_TITLE

        ws = self.wb[sheet]
        for col, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = w
        ws.column_dimensions[get_column_letter(hidden_col)].hidden = True
        ws.cell(1, 1).font = FONT_TITLE
        ws.cell(2, 1).font = FONT_HINT
        ws.cell(2, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=hidden_col - 1)
        ws.row_dimensions[2].height = 48
        for r in range(header_row, last_row + 1):
            for c in range(1, len(widths) + 1):
                cell = ws.cell(r, c)
                cell.font = FONT_BOLD if r == header_row else FONT
                cell.border = BORDER
                cell.alignment = Alignment(wrap_text=True, vertical="top",
                                           horizontal="center" if r == header_row or c <= 3 else "left")
                if (r, c) in fills:
                    cell.fill = _fill(fills[(r, c)])
        for r, h in heights.items():
            ws.row_dimensions[r].height = h
        for r in input_rows:
            ws.cell(r, input_col).protection = Protection(locked=False)
        ws.freeze_panes = ws.cell(header_row + 1, 1)
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_area = f"A1:{get_column_letter(hidden_col - 1)}{max(last_row, header_row)}"

    def fit_rows(self, sheet, heights):
        ws = self.wb[sheet]
        for r, h in heights.items():
            grow_row(ws, r, h)

    def row_height(self, sheet, row):
        dims = self.wb[sheet].row_dimensions
        return dims[row].height if row in dims else None

    def set_print_area(self, sheet, refs):
        self.wb[sheet].print_area = refs


# The package of a plain .xlsx workbook: what --annotate writes. A macro-enabled (.xlsm), template or binary
# package under our suffix is someone's input: saving it as .xlsx would drop its VBA project and content type.
_XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def is_annotated_copy(path: Path) -> bool:
    """An annotated copy is ours only when it is a `<name>.校验.xlsx` holding the plain .xlsx package we write
    and our 校验结果 sheet; anything else is an input and is never written."""
    path = Path(path)
    if not path.name.endswith(ANNOTATED_MARK + ".xlsx") or not path.is_file():
        return False
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "xl/vbaProject.bin" in names or "xl/workbook.xml" not in names:
                return False
            types = z.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            book = z.read("xl/workbook.xml") if z.getinfo("xl/workbook.xml").file_size < 2**20 else b""
    except (OSError, zipfile.BadZipFile, KeyError, RuntimeError):
        return False
    return _XLSX_MAIN in types and f'name="{marks.RESULTS_SHEET}"'.encode() in book


def annotated_path(path: Path) -> Path:
    """'年报.xlsx' → '年报.校验.xlsx' beside it. An annotated copy is updated in place: staff who wrote reasons
    into its 校验结果 sheet and run --annotate on it again get them saved into its 说明 sheet, not a chain of
    '.校验.校验' copies."""
    return path if is_annotated_copy(path) else path.with_name(f"{path.stem}{ANNOTATED_MARK}.xlsx")


def annotate_file(path: Path, findings, force: bool = False, output: Path | None = None) -> Path:
    from addin.io import atomic, reader

    path = Path(path)
    out = Path(output) if output else annotated_path(path)
    if out.resolve() == path.resolve():
        if not is_annotated_copy(path):
            raise refuse("output.is_input", path=path)
        atomic.check_free(out)           # our own copy, named by the user: updated in place (atomically)
    else:
        atomic.check_writable(out, force)
    wb = reader.open_workbook(path)
    marks.mark(OpenpyxlBackend(wb), findings)
    with atomic.atomic_path(out) as tmp:
        wb.save(tmp)
    return out


def clear_file(path: Path, output: Path, force: bool = False) -> int:
    """清除标记 on a file (used by tests and by reviewers): writes a copy with the template's fills back."""
    from addin.io import atomic, reader

    atomic.check_writable(output, force)
    wb = reader.open_workbook(Path(path))
    n = marks.clear(OpenpyxlBackend(wb))
    with atomic.atomic_path(output) as tmp:
        wb.save(tmp)
    return n
