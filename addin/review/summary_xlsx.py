"""校验汇总.xlsx: a reviewer's batch as a workbook — one row per unit, and every finding — to filter and sort.

Sheet “各单位”: file (a link that opens the unit's workbook), 机关, 年度, 结论, counts, the first blocking message.
Sheet “全部问题”: file, sheet, cell, rule, severity, message, the unit's explanation. Both with a filter on the
header, the header frozen, columns wide enough for Chinese text, and printed landscape on A4, fit to width. Text from the units stays text: a name such as
`=HYPERLINK(…)` is shown, never run. Written in openpyxl's write-only mode (rows streamed to the file), so a
province's 10,000 units and their findings do not sit in memory as cells; written atomically.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from addin.format.printarea import text_height
from addin.io.template import grow_row
from addin.review import batch
from addin.text import display_len

UNITS_SHEET, FINDINGS_SHEET = "各单位", "全部问题"
UNIT_COLUMNS = ("序号", "文件", "机关", "年度", "结论", "错误", "需说明", "其中未说明", "提示", "首个阻止导出的问题")
FINDING_COLUMNS = ("序号", "文件", "工作表", "单元格", "规则", "严重程度", "问题", "单位的说明")
MIN_WIDTH, MAX_WIDTH = 6, 60      # characters; a long message wraps in the cell rather than a 300-wide column
MAX_ADDRESSES = 20                # one finding over many cells lists the first ones and a count
CELL_LIMIT = 32767                # Excel's limit on the characters of one cell
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")   # not allowed in XML 1.0 (openpyxl refuses)


def is_summary(sheets: list[str] | None) -> bool:
    """A workbook this module wrote (found again in a unit folder, whatever its file name): both our sheets and
    none of the report's."""
    from addin.format import fmt

    f = fmt.load()
    report = set(f.table_sheets() + f.text_sheets())
    return sheets is not None and {UNITS_SHEET, FINDINGS_SHEET} <= set(sheets) and not report & set(sheets)


def text(value) -> str | int | None:
    """A value for a cell: numbers stay numbers, text made storable (control characters and lone surrogates
    from odd file names escaped) and cut to Excel's cell limit."""
    if value is None or isinstance(value, (int, float)):
        return value
    value = _ILLEGAL.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), str(value))
    return value if len(value) <= CELL_LIMIT else value[: CELL_LIMIT - 1] + "…"


def unit_rows(rows: list[dict]) -> list[list]:
    out = []
    for i, row in enumerate(rows, 1):
        err, exp, unexp, info = batch.counts(row)
        out.append([i, row["file"], row["organ"], row["year"], batch.verdict(row), err, exp, unexp, info,
                    batch.first_problem(row)])
    return out


def finding_rows(rows: list[dict]) -> list[list]:
    out = []
    for i, row in enumerate(rows, 1):
        if row["error"] and not row.get("summary"):       # unreadable: the reason is its one “finding”
            out.append([i, row["file"], "", "", row["error"]["code"], batch.verdict(row), row["error"]["message"], ""])
        for f in row["findings"]:
            addrs = f.get("addresses") or []
            sheet = addrs[0].split("!")[0] if addrs and "!" in addrs[0] else ""   # an audit's 第8行: no sheet
            cells = "、".join(a.split("!")[-1] for a in addrs[:MAX_ADDRESSES])
            if len(addrs) > MAX_ADDRESSES:
                cells += f" 等 {len(addrs)} 处"
            out.append([i, row["file"], sheet, cells, f["rule"], f["severity"], f["message"], f.get("explanation") or ""])
    return out


def _display_width(value) -> int:
    return max((display_len(part) for part in str(value).split("\n")), default=0)


def widths(header, rows) -> list[float]:
    """Column widths in Excel's units (about one Latin character; a Chinese character takes two)."""
    out = []
    for col, head in enumerate(header):
        widest = max([_display_width(head)] + [_display_width(r[col]) for r in rows if r[col] is not None])
        out.append(min(MAX_WIDTH, max(MIN_WIDTH, widest)) + 2)
    return out


def link_target(unit: str, summary: Path) -> str:
    """The unit's file relative to the summary workbook (the folder can be moved or shared as a whole)."""
    try:
        rel = os.path.relpath(Path(unit).resolve(), Path(summary).resolve().parent)
    except ValueError:            # another drive on Windows: only an absolute path reaches it
        return str(Path(unit).resolve())
    return rel.replace(os.sep, "/")


def _sheet(wb, title, header, rows, link_col: int | None, summary: Path):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for col, w in enumerate(widths(header, rows), 1):    # write-only: dimensions before the rows
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = "A2"
    _print_setup(ws)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    bold, link = Font(bold=True), Font(color="0563C1", underline="single")
    head = []
    for h in header:
        c = WriteOnlyCell(ws, h)
        c.font = bold
        head.append(c)
    ws.append(head)
    top = Alignment(vertical="top", wrap_text=True)
    col_widths = widths(header, rows)
    for row_idx, r in enumerate(rows, start=2):
        # wrapped messages print whole: LibreOffice sizes no row itself (the height leaves Excel free to refit)
        grow_row(ws, row_idx, max((text_height(v, w) for v, w in zip(r, col_widths) if v not in (None, "")), default=0))
        cells = []
        for col, v in enumerate(r, 1):
            c = WriteOnlyCell(ws, text(v))
            if isinstance(c.value, str):
                c.data_type = "s"      # `=…` from a unit is text, never a formula
            c.alignment = top
            if col == link_col and v:
                c.hyperlink = link_target(v, summary)
                c.value = text(v)        # the hyperlink setter leaves the value; keep it the file's name
                c.data_type = "s"
                c.font = link
            cells.append(c)
        ws.append(cells)
        del ws.row_dimensions[row_idx]     # written with its row: a province's rows do not pile up in memory
    return ws


def _print_setup(ws) -> None:
    """Printed for a meeting: A4 landscape, every column on the page's width (rows run on to further pages), the
    header row on every page, the sheet's name at the top and the page number at the foot."""
    ws.page_setup.orientation = "landscape"
    from openpyxl.worksheet.worksheet import Worksheet

    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4       # (a write-only sheet lacks the constant)
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"
    ws.oddHeader.center.text = "&A"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def build(rows: list[dict], summary: Path):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    _sheet(wb, UNITS_SHEET, UNIT_COLUMNS, unit_rows(rows), 2, summary)
    _sheet(wb, FINDINGS_SHEET, FINDING_COLUMNS, finding_rows(rows), 2, summary)
    return wb


def write(rows: list[dict], target: Path, force: bool = False) -> Path:
    from addin.io.atomic import atomic_path, check_writable

    target = Path(target)
    check_writable(target, force)
    wb = build(rows, target)
    try:
        with atomic_path(target) as tmp:
            wb.save(tmp)
    except OSError as e:
        raise batch.write_failed(target, e) from None
    return target
