"""The 校验结果 sheet as our code reads it: its layout, and the explanations staff typed in it.

The marks (review/marks.py) write this sheet; the reader reads explanations back from it, so that a
re-validated annotated copy sees them at once. Both read a workbook through the small `CellSource`
protocol (an openpyxl file or the live xlwings book).
"""
from __future__ import annotations

from addin.format import layout as laymod
from addin.format.record import MutableRecord

RESULTS_SHEET = "校验结果"
ANNOTATED_MARK = ".校验"        # an annotated copy is 报表.校验.xlsx beside 报表.xlsx (validate --annotate)
RESULT_ROWS_MAX = 5000   # a 校验结果 sheet is one row a finding; a hostile one cannot make us read a million
TITLE_ROW, HINT_ROW, HEADER_ROW = 1, 2, 3
FIRST_ROW = HEADER_ROW + 1
EXPLAIN_HEADER = "说明（“需说明”项在此写理由）"
COLUMNS = ("级别", "规则", "表", "单元格", "问题", EXPLAIN_HEADER, "对象", "标记格")


TYPE_CHECKING = False       # as in io/document.py: typing stays off the validate path
if TYPE_CHECKING:
    from addin.io.cellsource import CellSource


class OpenpyxlSource:
    def __init__(self, wb):
        self.wb = wb

    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def grid(self, sheet: str, max_rows: int | None = None, max_cols: int | None = None) -> list[list]:
        ws = self.wb[sheet]
        rows = min(ws.max_row, max_rows or ws.max_row)
        cols = min(ws.max_column, max_cols or ws.max_column)
        return [list(r) for r in ws.iter_rows(min_row=1, max_row=rows, max_col=cols, values_only=True)]


def cell_at(grid: list[list], row: int, col: int):
    if 1 <= row <= len(grid) and 1 <= col <= len(grid[row - 1]):
        return grid[row - 1][col - 1]
    return None


def cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


# --- explanations typed in 校验结果 ---

def result_columns(grid: list[list]) -> dict[str, int] | None:
    """Column of each result header in the header row (staff may have moved or added columns)."""
    header = [cell_text(v) for v in (grid[HEADER_ROW - 1] if len(grid) >= HEADER_ROW else [])]
    cols = {name: header.index(name) + 1 for name in COLUMNS if name in header}
    return cols if {"规则", "对象", EXPLAIN_HEADER} <= set(cols) else None


def typed_explanations(source: CellSource) -> list[dict]:
    """{rule, target, text} of every row of 校验结果 whose explanation cell holds text."""
    if RESULTS_SHEET not in source.sheet_names():
        return []
    grid = source.grid(RESULTS_SHEET, max_rows=RESULT_ROWS_MAX, max_cols=len(COLUMNS) + 10)
    cols = result_columns(grid)
    if not cols:
        return []
    out = []
    for r in range(FIRST_ROW, len(grid) + 1):
        rule, target = cell_text(cell_at(grid, r, cols["规则"])), cell_text(cell_at(grid, r, cols["对象"]))
        text = cell_text(cell_at(grid, r, cols[EXPLAIN_HEADER]))
        if rule and text:
            out.append({"rule": rule, "target": target, "text": text})
    return out


class ExplainRow(MutableRecord):
    __slots__ = ("row", "rule", "target", "text")     # row: the row on the 说明 sheet

    def __init__(self, row: int, rule: str, target: str, text: str):
        self.row, self.rule, self.target, self.text = row, rule, target, text


def explain_rows(source: CellSource) -> tuple[list[ExplainRow], list[int]]:
    """The 说明 sheet's rows with content, and its free rows, in the template's range."""
    if laymod.EXPLAIN_SHEET not in source.sheet_names():
        return [], []
    r1, r2 = laymod.load().explain_rows
    grid = source.grid(laymod.EXPLAIN_SHEET, max_rows=r2, max_cols=3)
    used, free = [], []
    last = min(r2, len(grid))                       # rows past the grid are empty
    for r in range(r1, last + 1):
        rule, target, text = (cell_text(cell_at(grid, r, c)) for c in (1, 2, 3))
        if rule or target or text:
            used.append(ExplainRow(r, rule, target, text))
        else:
            free.append(r)
    free.extend(range(max(r1, last + 1), r2 + 1))
    return used, free


def explanations_from_results(wb) -> list[dict]:
    """For the reader: explanations typed in the 校验结果 sheet of an openpyxl workbook — but not the ones
    校验结果 merely echoes from 说明 (every annotate run shows the stored reason there): read twice, the
    second copy matched no 问题 and raised a false F8 on every re-validation."""
    source = OpenpyxlSource(wb)
    stored = {(e.rule, e.target, e.text) for e in explain_rows(source)[0]}
    return [t for t in typed_explanations(source) if (t["rule"], t["target"], t["text"]) not in stored]
