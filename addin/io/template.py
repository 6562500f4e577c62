"""The standard workbook, generated from the format (fmt) and the layout — and, given a document, filled.

Nothing here states where a cell is or what a label says: positions, spans and check cells come from
layout.load(), labels and value types from fmt.load(). This module only decides how things look
(colours, fonts, widths, print setup) and writes them with openpyxl-supported features only — no shapes,
no VBA, no x14 extensions — so the workbook survives openpyxl, Excel, WPS and LibreOffice alike.
"""
from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.dimensions import RowDimension

from addin.format import fmt as fmtmod
from addin.format import layout as laymod
from addin.format import printarea, rulesheet
from addin.format.printarea import EXPLAIN_WIDTHS, TEXT_WIDTH, WRAP_FILL
from addin.format.printarea import wrapped_lines as _lines
from addin.format.severity import ERROR
from addin.format.styles import (
    BORDER,
    COLORS,
    FONT,
    FONT_BOLD,
    FONT_HINT,
    FONT_NAME,
    FONT_SMALL,
    FONT_TITLE,
    LINE_HEIGHT,
    LOCKED,
    SEVERITY_FILLS,
    UNLOCKED,
    WRAP_CENTER,
    WRAP_LEFT,
    WRAP_TOP,
)
from addin.format.styles import fill as _fill
from addin.io import atomic
from addin.messages import refuse
from addin.text import display_len, looks_like_formula

# --- the look is format/styles.py (the marks use it too) ---------------------------------------------
CHECK_OK = "✓"
CHECK_DIFF = "差 "
# Fixed document times: two builds of the same format are identical in content.
FIXED_TIME = _dt.datetime(2021, 1, 1, 0, 0, 0)
SUM_RUN = 6  # a contiguous run of more cells than this is written SUM(range) in check formulas

# Column widths (Excel character units) that fit A4 at 100 %: LibreOffice prints a cell wider than the page cut
# off at the margin even with fit-to-width set, so the text sheets (printarea.TEXT_WIDTH) never rely on scaling.
GUIDE_WIDTH = 72
# Characters a line of the group label columns of 表三 (as in the Word report): 5 in the first column
# ("三、本年度|办理结果"), 7 in the second ("（三）不予公开" on one line) — so no word is split.
GROUP_LABEL_CHARS = (5, 7)


# --- public API ---------------------------------------------------------------------------------------
def build(doc: dict | None = None, organ: str | None = None, year: int | None = None) -> Workbook:
    """The standard workbook; with `doc` filled with its values; `organ`/`year` pre-fill 基本信息."""
    f = fmtmod.load()
    lay = laymod.load()
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "nianbao"
    wb.properties.lastModifiedBy = "nianbao"
    wb.properties.title = f"{f.name}（{f.notice}）"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME

    _guide_sheet(wb, f)
    _organ_sheet(wb, f, lay)
    for name in laymod.content_sheets():
        if name in f.table_sheets():
            _table_sheet(wb, f, lay, name)
        else:
            _text_sheet(wb, f, lay, name)
    _explain_sheet(wb, lay)
    _rules_sheet(wb)
    _defined_names(wb, f, lay)
    if doc is not None:
        fill(wb, doc)
    if organ is not None or year is not None:
        values = {"name": organ, "year": year}
        for fld in f.organ_fields:
            if values.get(fld.id) is not None:
                _put(wb, lay.pos[fld.element], values[fld.id])
    wb.active = 0
    return wb


def write(path, doc: dict | None = None, organ: str | None = None, year: int | None = None,
          force: bool = False) -> Path:
    """Build and save atomically; refuses to overwrite an existing file unless `force`."""
    target = Path(path)
    atomic.check_suffix(target, ".xlsx")
    atomic.check_writable(target, force)
    wb = build(doc, organ, year)
    with atomic.atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def fill(wb: Workbook, doc: dict) -> None:
    """Put a report document's values into a workbook built by build()."""
    f = fmtmod.load()
    lay = laymod.load()
    organ = doc.get("organ") or {}
    cells = doc.get("cells") or {}
    texts = doc.get("texts") or {}
    explanations = doc.get("explanations") or []
    known_organ = {fld.id for fld in f.organ_fields}
    unknown = [f"organ.{k}" for k in organ if k not in known_organ]
    unknown += [k for k in cells if k not in lay.pos]
    unknown += [f"text.{k}" for k in texts if k not in lay.blocks]
    if unknown:
        raise refuse("json.unknown_element", elements="、".join(unknown[:10]) + ("等" if len(unknown) > 10 else ""),
                     version=f.version)
    r1, r2 = lay.explain_rows
    if len(explanations) > r2 - r1 + 1:
        raise refuse("json.too_many_explanations", count=len(explanations), explain_sheet=laymod.EXPLAIN_SHEET,
                     limit=r2 - r1 + 1)
    for key, value in organ.items():
        _put(wb, lay.pos[f"organ.{key}"], value)
    for cid, value in cells.items():
        _put(wb, lay.pos[cid], value)
    for tid, text in texts.items():
        block = lay.blocks[tid]
        rows = range(block.first_row, block.last_row + 1)
        for row, line in zip(rows, split_text(text, len(rows))):
            _put(wb, (block.sheet, row, block.col), line)
    ws = wb[laymod.EXPLAIN_SHEET]
    for i, e in enumerate(explanations):
        for col, key in enumerate(("rule", "target", "text"), start=1):
            _put(wb, (laymod.EXPLAIN_SHEET, r1 + i, col), e.get(key), ws)
    for name in printarea.writing_sheets():
        fit_writing_sheet(wb[name])


def fit_writing_sheet(ws) -> None:
    """A writing sheet's written rows as tall as their text (a paragraph prints whole, not as one clipped
    line) and its print area down to what is written (printarea.ranges). Called by fill and by the marks."""
    grid = [list(r) for r in ws.iter_rows(min_row=1, max_row=min(ws.max_row, printarea.ROWS_LOOKED_AT),
                                           max_col=len(printarea.widths(ws.title)), values_only=True)]
    for row, height in printarea.needed_heights(ws.title, grid).items():
        grow_row(ws, row, height)
    rngs = printarea.ranges(ws.title, grid, lambda r: ws.row_dimensions[r].height if r in ws.row_dimensions else None)
    ws.print_area = printarea.refs(rngs)


class _AutoHeightRow(RowDimension):
    """A row with a height but no customHeight flag: LibreOffice prints it at that height, while Excel and WPS
    still fit the row to what staff type (a row of custom height keeps a typed paragraph to one clipped line).
    openpyxl writes customHeight="1" for every row with a height (RowDimension.customHeight is read-only)."""

    @property
    def customHeight(self):
        return False


def grow_row(ws, row: int, height: float) -> None:
    """Make a writing row at least `height` points tall, keeping it free to grow with what is typed."""
    dim = ws.row_dimensions[row]
    dim.height = max(height, dim.height or 0)
    dim.__class__ = _AutoHeightRow       # the same row (style, hidden…), written without customHeight


def split_text(text: str | None, rows: int) -> list[str | None]:
    """One paragraph per row; lines beyond the block go into its last row, joined by newlines."""
    if text is None or text == "":
        return []
    lines = str(text).split("\n")
    if len(lines) > rows:
        lines = lines[: rows - 1] + ["\n".join(lines[rows - 1:])]
    return [line if line != "" else None for line in lines]


def check_formula(lay: laymod.Layout, check: laymod.Check) -> str:
    """=IF(lhs=rhs,"✓","差 "&((lhs)-(rhs))) over the cells' addresses."""
    lhs, rhs = _side(lay, check.lhs), _side(lay, check.rhs)
    return f'=IF({lhs}={rhs},"{CHECK_OK}","{CHECK_DIFF}"&(({lhs})-({rhs})))'


# --- sheets -------------------------------------------------------------------------------------------
def _new_sheet(wb: Workbook, name: str):
    ws = wb.create_sheet(name)
    ws.sheet_view.showGridLines = False
    ws.sheet_view.zoomScale = 100
    ws.protection.sheet = True
    ws.protection.formatColumns = False   # staff may widen columns and rows
    ws.protection.formatRows = False
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.size = 9
    return ws


def _write(ws, row, col, value, font=FONT, fill=None, align=None, border=None, protection=LOCKED):
    c = ws.cell(row=row, column=col)
    c.value = value
    c.font = font
    if fill:
        c.fill = _fill(fill)
    if align:
        c.alignment = align
    if border:
        c.border = border
    c.protection = protection
    return c


def _heading(ws, title: str, hint: str | None):
    _write(ws, laymod.TITLE_ROW, 1, title, font=FONT_TITLE, align=Alignment(vertical="center"))
    ws.row_dimensions[laymod.TITLE_ROW].height = 24
    if hint:
        _write(ws, laymod.HINT_ROW, 1, hint, font=FONT_HINT, align=Alignment(vertical="center"))


def _guide_sheet(wb: Workbook, f: fmtmod.Format):
    ws = _new_sheet(wb, laymod.GUIDE_SHEET)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = GUIDE_WIDTH
    tables = "“" + "”“".join(f.table_sheets()) + "”"
    texts = "“" + "”“".join(f.text_sheets()) + "”"
    other = next((t.sheet for t in f.texts if t.section == f.sections[-1]["id"]), f.text_sheets()[-1])
    steps = [
        f"在“{laymod.ORGAN_SHEET}”表填写机关名称、报告年度等基本信息（标“必填”的必须填写，带下拉箭头的从列表选择）。",
        f"在{tables}的白色格中填写数字。数据统计截至报告年度的12月31日；件数填 0 或正整数，收费金额以万元为单位。",
        "没有发生的填 0，不要留空，也不要填“/”“—”“无”或文字；不要插入、删除或合并行列。",
        f"在{texts}表的白色格中填写文字：每段写在一行（A 列），按顺序往下写，不要空行。"
        f"“{other}”中须报告收取信息处理费情况，未收取的也要写明。",
        "绿色格为自动核对格：显示“✓”表示平衡；显示“差 N”表示左边比右边多 N（负数为少），请核对相关各格。",
        "填完后点击“校验”按钮（Excel 加载项），或在命令行运行 nianbao validate 文件.xlsx；问题会在单元格上标色并列出。",
        f"“错误”必须改正。“需说明”的问题确有理由的，在“{laymod.EXPLAIN_SHEET}”表逐条写明：规则编号、对象（照抄校验结果“对象”列，"
        f"或写单元格地址如 表三!D7）和说明。各规则见“{laymod.RULES_SHEET}”表。",
        f"打印前先点击“校验”：{texts}和“{laymod.EXPLAIN_SHEET}”表的打印区域随填写内容更新，打印已写的各段和其下几行空格"
        "（命令行 nianbao validate 文件.xlsx --annotate 生成的标注副本同样已更新）。未校验时，写在原打印区域以下的段落"
        "不会打印；导出的 Word 报告总是包含全部内容。",
        "校验通过后点击“导出报告”，生成 Word 等格式的年度报告。",
    ]
    _write(ws, 1, 1, f"政府信息公开工作年度报告 填报说明（{f.notice}格式）", font=FONT_TITLE)
    ws.row_dimensions[1].height = 24
    row = 3
    _write(ws, row, 1, "一、填报步骤", font=FONT_BOLD)
    row += 1
    for i, s in enumerate(steps, start=1):
        _write(ws, row, 1, f"{i}.", align=Alignment(horizontal="right", vertical="top"))
        _write(ws, row, 2, s, align=WRAP_TOP)
        _fit_height(ws, row, s, GUIDE_WIDTH)
        row += 1
    row += 1
    _write(ws, row, 1, "二、颜色说明", font=FONT_BOLD)
    row += 1
    legend = [
        ("", COLORS["input"], "填报格（白色带边框）：填写数字或文字，其余格已锁定。"),
        ("标签", COLORS["label"], "行标签：官方格式文字，不要修改。"),
        ("表头", COLORS["header"], "表头、标题：官方格式文字，不要修改。"),
        (CHECK_OK, COLORS["check"], "自动核对格：显示 ✓ 或差额，由公式计算，不要填写。"),
    ]
    legend += [(sev, SEVERITY_FILLS[sev], f"校验标记“{sev}”：{desc}。") for sev, desc in f.severities.items()]
    for sample, rgb, text in legend:
        _write(ws, row, 1, sample, fill=rgb, align=WRAP_CENTER, border=BORDER)
        _write(ws, row, 2, text, align=WRAP_LEFT)
        _fit_height(ws, row, text, GUIDE_WIDTH)
        row += 1
    row += 1
    _write(ws, row, 1, "三、报送时限", font=FONT_BOLD)
    row += 1
    for d in f.deadlines:
        _write(ws, row, 1, d["date"], align=Alignment(horizontal="right", vertical="top"))
        _write(ws, row, 2, f"{d['who']}：{d['what']}。", align=WRAP_TOP)
        _fit_height(ws, row, f"{d['who']}：{d['what']}。", GUIDE_WIDTH)
        row += 1
    note = f.data_cutoff
    _write(ws, row, 2, note, align=WRAP_TOP)
    _fit_height(ws, row, note, GUIDE_WIDTH)
    ws.print_area = f"A1:B{row}"


def _organ_sheet(wb: Workbook, f: fmtmod.Format, lay: laymod.Layout):
    ws = _new_sheet(wb, laymod.ORGAN_SHEET)
    _heading(ws, laymod.ORGAN_SHEET, None)
    header_row = laymod.ORGAN_FIRST_ROW - 1
    for col, text in enumerate(laymod.ORGAN_COLUMNS, start=1):
        _write(ws, header_row, col, text, font=FONT_BOLD, fill=COLORS["header"], align=WRAP_CENTER, border=BORDER)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 44
    ws.column_dimensions["C"].width = 60
    for fld in f.organ_fields:
        _, row, col = lay.pos[fld.element]
        _write(ws, row, col - 1, fld.label, fill=COLORS["label"], align=WRAP_LEFT, border=BORDER)
        c = _write(ws, row, col, None, fill=COLORS["input"], align=WRAP_LEFT, border=BORDER, protection=UNLOCKED)
        prompt = laymod.organ_prompt(fld)
        _write(ws, row, col + 1, prompt, font=FONT_HINT, align=WRAP_LEFT, border=BORDER)
        _fit_height(ws, row, prompt, 60)
        dv = None
        if "enum" in fld.spec:
            dv = DataValidation(type="list", formula1='"' + ",".join(fld.spec["enum"]) + '"', allow_blank=True,
                                errorTitle="请从列表选择", error=f"{fld.label}请从下拉列表中选择。")
        elif fld.type == "integer":
            lo, hi = fld.spec["minimum"], fld.spec["maximum"]
            dv = DataValidation(type="whole", operator="between", formula1=str(lo), formula2=str(hi), allow_blank=True,
                                errorTitle="输入有误", error=f"{fld.label}应为 {lo}–{hi} 之间的四位年份。")
        else:
            c.number_format = "@"  # 邮政编码、电话 stay text
            if "max_length" in fld.spec:
                n = fld.spec["max_length"]
                dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(n), allow_blank=True,
                                    errorTitle="内容过长", error=f"{fld.label}不超过 {n} 个字。")
        if dv is not None:
            dv.promptTitle = fld.label[:32]
            dv.prompt = (fld.prompt or fld.label)[:255]
            dv.showInputMessage = dv.showErrorMessage = True
            dv.errorStyle = "stop"
            ws.add_data_validation(dv)
            dv.add(c.coordinate)
    last = max(lay.pos[fld.element][1] for fld in f.organ_fields)
    ws.print_area = f"A1:C{last}"


def _table_sheet(wb: Workbook, f: fmtmod.Format, lay: laymod.Layout, name: str):
    ws = _new_sheet(wb, name)
    tables = f.tables_on(name)
    section = f.section(tables[0].section)
    units = "/".join(dict.fromkeys(t.unit for t in tables))
    spans = [s for s in lay.spans if s.sheet == name]
    checks = [c for c in lay.checks if c.sheet == name]
    hint = f"白色格为填报格，单位：{units}；没有的填 0"
    if checks:
        hint += "；绿色格自动核对：✓ 为平衡，否则显示差额"
    _heading(ws, section["heading"], hint)

    # label cells
    for s in spans:
        font, fill, align = FONT, COLORS["label"], WRAP_LEFT
        if s.kind in ("title", "header"):
            font, fill, align = (FONT_BOLD if s.kind == "title" else FONT), COLORS["header"], WRAP_CENTER
        elif s.kind == "corner":
            font, fill, align = FONT_SMALL, COLORS["header"], WRAP_CENTER
        elif s.kind == "check-label":
            font, fill, align = FONT_SMALL, COLORS["check"], WRAP_CENTER
        elif s.kind == "label" and s.row2 - s.row1 >= 2:  # tall group labels (三、本年度办理结果, （三）不予公开)
            align = WRAP_CENTER
        for r in range(s.row1, s.row2 + 1):
            for c in range(s.col1, s.col2 + 1):
                _write(ws, r, c, s.text if (r, c) == (s.row1, s.col1) else None,
                       font=font, fill=fill, align=align, border=BORDER)
        if s.merged:
            ws.merge_cells(start_row=s.row1, start_column=s.col1, end_row=s.row2, end_column=s.col2)

    # data cells with validation
    by_value: dict[str, set[tuple[int, int]]] = {}
    for t in tables:
        for cell in t.cells():
            _, r, c = lay.pos[cell.id]
            _write(ws, r, c, None, fill=COLORS["input"], align=Alignment(horizontal="right", vertical="center"),
                   border=BORDER, protection=UNLOCKED)
            by_value.setdefault(t.value, set()).add((r, c))
    for value, where in by_value.items():
        unit = next(t.unit for t in tables if t.value == value)
        dv = _value_validation(f.values[value], unit)
        ws.add_data_validation(dv)
        for rng in laymod.rectangles(where):
            dv.add(rng)

    # live check cells: green with ✓, the 错误 colour of the legend with "差 N"
    for chk in checks:
        _write(ws, chk.row, chk.col, check_formula(lay, chk), font=FONT_SMALL, fill=COLORS["check"],
               align=WRAP_CENTER, border=BORDER)
    _unbalanced_in_error_colour(ws, {(chk.row, chk.col) for chk in checks})

    # widths, heights, print setup
    boxes = [lay.boxes[t.id] for t in tables]
    last_col = lay.sheet_width[name]
    last_row = max([b.last_row for b in boxes] + [c.row for c in checks] + [s.row2 for s in spans])
    widths = _column_widths(spans, boxes, last_col)
    for col, w in widths.items():
        ws.column_dimensions[laymod.ref(1, col)[:-1]].width = w
    _row_heights(ws, spans, widths)
    total = sum(widths.values())
    if total > 100:
        ws.page_setup.orientation = "landscape"
    ws.print_area = f"A1:{laymod.ref(last_row, last_col)}"
    if len(tables) == 1:
        b = boxes[0]
        ws.print_title_rows = f"{b.header_row}:{b.data_row - 1}"
        ws.freeze_panes = laymod.ref(b.data_row, b.data_col)


def _unbalanced_in_error_colour(ws, where: set[tuple[int, int]]) -> None:
    """A conditional format (a plain "cell value ≠ ✓" rule, which Excel, WPS and LibreOffice all apply)
    colours a check cell that shows a difference like a 错误 mark."""
    from openpyxl.formatting.rule import CellIsRule

    rule = CellIsRule(operator="notEqual", formula=[f'"{CHECK_OK}"'], fill=_fill(SEVERITY_FILLS[ERROR]),
                      font=Font(name=FONT_NAME, size=FONT_SMALL.sz, bold=True, color="9C0006"))
    for rng in laymod.rectangles(where):
        ws.conditional_formatting.add(rng, rule)


def _value_validation(spec: dict, unit: str) -> DataValidation:
    lo, hi = spec["minimum"], spec["maximum"]
    if spec["type"] == "integer":
        dv = DataValidation(type="whole", operator="between", formula1=str(lo), formula2=str(hi), allow_blank=True)
        dv.promptTitle = f"填写{spec['label']}"
        dv.prompt = f"填 0 或正整数（单位：{unit}）。没有的填 0，不要留空或填“/”“—”。"
        dv.errorTitle = "输入有误"
        dv.error = f"{spec['label']}只能是 0 或正整数（不超过 {hi}），不能填文字、小数或负数。"
    else:
        dv = DataValidation(type="decimal", operator="between", formula1=str(lo), formula2=str(hi), allow_blank=True)
        dv.promptTitle = f"填写{spec['label']}"
        dv.prompt = f"填 0 或正数，单位：{unit}，最多 {spec['decimals']} 位小数。没有的填 0。注意不要把“元”当成“万元”。"
        dv.errorTitle = "输入有误"
        dv.error = f"{spec['label']}只能是 0 或正数（单位：{unit}），不能填文字或负数。"
    dv.showInputMessage = dv.showErrorMessage = True
    dv.errorStyle = "stop"
    return dv


def _text_sheet(wb: Workbook, f: fmtmod.Format, lay: laymod.Layout, name: str):
    ws = _new_sheet(wb, name)
    blocks = [b for b in lay.blocks.values() if b.sheet == name]
    _heading(ws, name, laymod.WRITING_HINT)
    ws.column_dimensions["A"].width = TEXT_WIDTH
    for b in blocks:
        text = f.text(b.text)
        _write(ws, b.heading_row, b.col, laymod.text_heading(f, text), font=FONT_BOLD, fill=COLORS["header"],
               align=WRAP_LEFT, border=BORDER)
        ws.row_dimensions[b.heading_row].height = 20
        _write(ws, b.prompt_row, b.col, text.prompt, font=FONT_HINT, fill=COLORS["label"], align=WRAP_LEFT, border=BORDER)
        _fit_height(ws, b.prompt_row, text.prompt, TEXT_WIDTH)
        for r in range(b.first_row, b.last_row + 1):
            c = _write(ws, r, b.col, None, fill=COLORS["input"], align=WRAP_TOP, border=BORDER, protection=UNLOCKED)
            c.number_format = "@"
    fit_writing_sheet(ws)


def _explain_sheet(wb: Workbook, lay: laymod.Layout):
    ws = _new_sheet(wb, laymod.EXPLAIN_SHEET)
    r1, r2 = lay.explain_rows
    ncol = len(laymod.EXPLAIN_COLUMNS)
    note = laymod.EXPLAIN_NOTE
    _write(ws, 1, 1, note, font=FONT_HINT, align=WRAP_LEFT)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.row_dimensions[1].height = 3 * LINE_HEIGHT
    for col, text in enumerate(laymod.EXPLAIN_COLUMNS, start=1):
        _write(ws, r1 - 1, col, text, font=FONT_BOLD, fill=COLORS["header"], align=WRAP_CENTER, border=BORDER)
    for r in range(r1, r2 + 1):
        for col in range(1, ncol + 1):
            c = _write(ws, r, col, None, fill=COLORS["input"], align=WRAP_TOP, border=BORDER, protection=UNLOCKED)
            c.number_format = "@"
    for col, w in zip("ABC", EXPLAIN_WIDTHS):
        ws.column_dimensions[col].width = w
    ws.print_title_rows = f"{r1 - 1}:{r1 - 1}"
    fit_writing_sheet(ws)
    ws.oddHeader.center.text = "&A"          # the sheet's name on every printed page
    ws.freeze_panes = laymod.ref(r1, 1)


def _rules_sheet(wb: Workbook):
    ws = _new_sheet(wb, laymod.RULES_SHEET)
    ws.page_setup.orientation = "landscape"
    _heading(ws, "校验规则一览", "“错误”必须改正；“需说明”须在“说明”表写明理由；“提示”仅供参考。")
    keys = list(rulesheet.COLUMNS)
    widths = {"id": 8, "title": 16, "severity": 7, "expression": 30, "cells": 20, "explain": 40, "source": 22}
    header = laymod.HINT_ROW + 1
    for col, key in enumerate(keys, start=1):
        _write(ws, header, col, rulesheet.COLUMNS[key], font=FONT_BOLD, fill=COLORS["header"], align=WRAP_CENTER,
               border=BORDER)
        ws.column_dimensions[laymod.ref(1, col)[:-1]].width = widths[key]
    row = header
    for row, item in enumerate(rulesheet.rows(), start=header + 1):
        lines = 1
        for col, key in enumerate(keys, start=1):
            fill = SEVERITY_FILLS.get(item[key]) if key == "severity" else None
            _write(ws, row, col, item[key], font=FONT_SMALL, fill=fill, align=WRAP_TOP, border=BORDER)
            # FONT_SMALL (10 pt) fits 11/10 the characters a width (in 11 pt units) says: rows sized as for
            # 11 pt text printed a blank line in most rules (LibreOffice fits ~1.35×, Excel's 宋体 ~1.05×)
            lines = max(lines, _lines(str(item[key]), widths[key] * 11 / 10 / WRAP_FILL))
        ws.row_dimensions[row].height = lines * 13 + 3
    ws.print_title_rows = f"{header}:{header}"
    ws.print_area = f"A1:{laymod.ref(row, len(keys))}"
    ws.freeze_panes = laymod.ref(header + 1, 1)


def _defined_names(wb: Workbook, f: fmtmod.Format, lay: laymod.Layout):
    for element in f.elements():
        sheet, ref = lay.sheet_and_ref(element, absolute=True)
        name = laymod.defined_name(element)
        wb.defined_names[name] = DefinedName(name, attr_text=f"{quote(sheet)}!{ref}")
    # the format version, so that a reader of another version can refuse the workbook clearly
    wb.defined_names[laymod.VERSION_NAME] = DefinedName(laymod.VERSION_NAME, attr_text=f'"{f.version}"')


def quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


# --- helpers ------------------------------------------------------------------------------------------

def cell_text(text: str) -> str:
    """Text of ours that quotes foreign text (a file name in a message) made storable in a cell: characters
    no cell can hold (ESC, U+0001, a lone surrogate) are shown as visible escapes like \\x1b."""
    from addin.io.document import illegal_rx

    return illegal_rx().sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _put(wb: Workbook, where: tuple[str, int, int], value, ws=None) -> None:
    sheet, row, col = where
    c = (ws or wb[sheet]).cell(row=row, column=col)
    if value is None or isinstance(value, (bool, int, float)):
        c.value = value
        return
    if not isinstance(value, str):
        value = str(value)
    c.value = value
    if looks_like_formula(value):
        c.data_type = "s"     # text that looks like a formula stays text
        c.quotePrefix = True  # and Excel shows it with a leading apostrophe, as typed text


def _side(lay: laymod.Layout, elements: tuple[str, ...]) -> str:
    """Cells joined by +, a contiguous run of more than SUM_RUN cells as SUM(first:last)."""
    pos = [lay.pos[e][1:] for e in elements]
    parts: list[str] = []
    i = 0
    while i < len(pos):
        j = i
        while j + 1 < len(pos) and _next_to(pos[j], pos[j + 1], pos[i]):
            j += 1
        if j - i + 1 > SUM_RUN:
            parts.append(f"SUM({laymod.ref(*pos[i])}:{laymod.ref(*pos[j])})")
        else:
            parts.extend(laymod.ref(*p) for p in pos[i: j + 1])
        i = j + 1
    return "+".join(parts)


def _next_to(a, b, start) -> bool:
    """b follows a in the same column (a run down) or in the same row (a run across) as the run's start."""
    return (b[1] == a[1] == start[1] and b[0] == a[0] + 1) or (b[0] == a[0] == start[0] and b[1] == a[1] + 1)




def _fit_height(ws, row: int, text: str, width: float) -> None:
    """Every row its own height from its text, one line included, so printed rows are evenly spaced."""
    n = _lines(text, width)
    ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 0, n * LINE_HEIGHT + 3)


def _column_widths(spans, boxes, last_col: int) -> dict[int, float]:
    """Short single-column labels on one line, long ones on two, tall group labels (3+ rows) on three."""
    data_cols = {c for b in boxes for c in range(b.data_col, b.last_col + 1)}
    widths = {c: (11.0 if c in data_cols else 10.0) for c in range(1, last_col + 1)}
    for s in spans:
        if s.col1 != s.col2 or s.kind == "title":
            continue
        n = display_len(s.text)
        if s.row2 - s.row1 >= 2 and s.col1 <= len(GROUP_LABEL_CHARS):
            # a tall group label wraps between its words: "三、本年度|办理结果", "（三）不予公开" whole
            widths[s.col1] = max(widths[s.col1], GROUP_LABEL_CHARS[s.col1 - 1] * 2 + 2)
            continue
        lines = 3 if s.row2 - s.row1 >= 2 else (1 if n <= 28 else 2)
        need = math.ceil(display_len(s.text) * 1.05 / lines) + 2
        widths[s.col1] = max(widths[s.col1], min(need, 44 if s.col1 not in data_cols else 14))
    return widths


def _row_heights(ws, spans, widths: dict[int, float]) -> None:
    heights: dict[int, float] = {}
    for s in sorted(spans, key=lambda s: s.row2 - s.row1):
        width = sum(widths[c] for c in range(s.col1, s.col2 + 1))
        need = _lines(s.text, width) * LINE_HEIGHT
        rows = range(s.row1, s.row2 + 1)
        have = sum(heights.get(r, LINE_HEIGHT) for r in rows)
        if need > have:
            extra = (need - have) / len(rows)
            for r in rows:
                heights[r] = heights.get(r, LINE_HEIGHT) + extra
    for r, h in heights.items():
        if h > LINE_HEIGHT:
            ws.row_dimensions[r].height = round(h, 1)


COMMITTED = Path(__file__).resolve().parents[2] / "workbook_templates" / f"年报模板-{fmtmod.FORMAT_VERSION}版.xlsx"

if __name__ == "__main__":  # python -m addin.io.template → regenerate the committed standard workbook
    print(write(COMMITTED, force=True))


def default_file_name() -> str:
    """年报模板-2021版.xlsx: the blank template's name, with the format's version."""
    return f"年报模板-{fmtmod.FORMAT_VERSION}版.xlsx"
