"""The look of our workbooks, defined once: fonts, fills, borders, line height (the template and the marks use it)."""
from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

from addin.format.severity import ERROR, EXPLAIN, INFO

FONT_NAME = "宋体"
FONT_SIZE = 11
COLORS = {
    "input": "FFFFFF",    # 填报格: white with a border (labels and headers are grey)
    "label": "F2F2F2",    # 行标签
    "header": "D9D9D9",   # 表头、标题
    "check": "E2EFDA",    # 自动核对格 (✓ or 差 N)
}
# Fill colours of findings marked in the workbook, by severity.
SEVERITY_FILLS = {
    ERROR: "FFC7CE",      # light red
    EXPLAIN: "FFEB9C",    # light orange
    INFO: "DDEBF7",       # light blue
}

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)


def font(bold=False, size=FONT_SIZE, color=None, italic=False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, color=color, italic=italic)


def fill(rgb: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)


FONT = font()
FONT_BOLD = font(bold=True)
FONT_TITLE = font(bold=True, size=14)
FONT_HINT = font(size=10, color="595959")
FONT_SMALL = font(size=10)
WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
WRAP_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
LINE_HEIGHT = 15  # points per wrapped line at 11pt
