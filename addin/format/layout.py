"""Where every element of the format sits in the standard workbook — derived, never drawn by hand.

The template writer puts cells here, the reader finds them here (through the defined names this
module names), and findings are mapped back to addresses through here. Positions follow from the
format's structure alone: label columns = depth of the row paths, header rows = depth of the column
paths, merged header and label cells = runs of equal path prefixes.
"""
from __future__ import annotations

import re
from functools import lru_cache

from addin.format import fmt as fmtmod
from addin.format.docschema import EXPLANATIONS_MAX
from addin.format.record import MutableRecord, Record

# Sheets that are not tables; their names are the workbook's vocabulary for staff.
GUIDE_SHEET = "填报说明"
ORGAN_SHEET = "基本信息"
EXPLAIN_SHEET = "说明"
RULES_SHEET = "规则说明"
EXPLAIN_ROWS = EXPLANATIONS_MAX     # one row of the 说明 sheet for each explanation the document may hold
VERSION_NAME = "nb_format_version"  # a defined name holding the format version, e.g. "2021"
EXPLAIN_COLUMNS = ("规则编号", "对象", "说明")
ORGAN_COLUMNS = ("项目", "填写内容", "填写提示")
WRITING_HINT = "白色格为填写格：每段写在一行，按顺序往下写，不要空行；一行可写很长，单元格会自动换行。"
EXPLAIN_NOTE = ("对校验结果中“需说明”的问题逐条写明理由，每条一行：“规则编号”填规则编号（如 N2），“对象”照抄校验结果的“对象”列"
                "（也可写单元格地址，如 表三!D7），“说明”填理由。")
TITLE_ROW = 1
HINT_ROW = 2
FIRST_BLOCK_ROW = 4
ORGAN_FIRST_ROW = 3


class Span(Record):
    """A label cell of a table: merged from (row1, col1) to (row2, col2)."""
    __slots__ = ("sheet", "row1", "col1", "row2", "col2", "text", "kind")

    def __init__(self, sheet: str, row1: int, col1: int, row2: int, col2: int, text: str, kind: str):
        self.sheet, self.row1, self.col1, self.row2, self.col2 = sheet, row1, col1, row2, col2
        self.text, self.kind = text, kind       # kind: title | corner | header | label | check-label

    @property
    def merged(self) -> bool:
        return (self.row1, self.col1) != (self.row2, self.col2)


class Check(Record):
    """A live check cell: a formula showing ✓ or the difference for one rule binding."""
    __slots__ = ("sheet", "row", "col", "rule", "lhs", "rhs")

    def __init__(self, sheet: str, row: int, col: int, rule: str, lhs: tuple[str, ...], rhs: tuple[str, ...]):
        self.sheet, self.row, self.col, self.rule, self.lhs, self.rhs = sheet, row, col, rule, lhs, rhs


class TableBox(MutableRecord):
    __slots__ = ("table", "sheet", "first_row", "header_row", "data_row", "last_row", "first_col", "data_col",
                 "last_col")

    def __init__(self, table: str, sheet: str, first_row: int, header_row: int, data_row: int, last_row: int,
                 first_col: int, data_col: int, last_col: int):
        self.table, self.sheet = table, sheet
        self.first_row = first_row      # first row of the table (title row when it has one)
        self.header_row = header_row    # first header row
        self.data_row = data_row        # first data row
        self.last_row = last_row        # last data row
        self.first_col, self.data_col = first_col, data_col
        self.last_col = last_col        # last data column


class TextBlock(MutableRecord):
    __slots__ = ("text", "sheet", "heading_row", "prompt_row", "first_row", "last_row", "col")

    def __init__(self, text: str, sheet: str, heading_row: int, prompt_row: int, first_row: int, last_row: int,
                 col: int = 1):
        self.text, self.sheet, self.heading_row, self.prompt_row = text, sheet, heading_row, prompt_row
        self.first_row, self.last_row, self.col = first_row, last_row, col


class Layout(MutableRecord):
    __slots__ = ("pos", "spans", "checks", "boxes", "blocks", "sheet_width", "explain_rows")

    def __init__(self):
        self.pos: dict[str, tuple[str, int, int]] = {}     # cell/organ id → (sheet, row, col)
        self.spans: list[Span] = []
        self.checks: list[Check] = []
        self.boxes: dict[str, TableBox] = {}
        self.blocks: dict[str, TextBlock] = {}
        self.sheet_width: dict[str, int] = {}
        self.explain_rows: tuple[int, int] = (3, 3 + EXPLAIN_ROWS - 1)

    def address(self, element: str, absolute: bool = False) -> str:
        """'表三!D6' for a cell, '总体情况!A8:A67' for a text block."""
        sheet, a = self.sheet_and_ref(element, absolute)
        return f"{sheet}!{a}"

    def sheet_and_ref(self, element: str, absolute: bool = False) -> tuple[str, str]:
        if element in self.pos:
            sheet, r, c = self.pos[element]
            return sheet, ref(r, c, absolute)
        if element.startswith("text."):
            b = self.blocks[element[5:]]
            return b.sheet, f"{ref(b.first_row, b.col, absolute)}:{ref(b.last_row, b.col, absolute)}"
        if element == "explanations":
            r1, r2 = self.explain_rows
            return EXPLAIN_SHEET, f"{ref(r1, 1, absolute)}:{ref(r2, len(EXPLAIN_COLUMNS), absolute)}"
        raise KeyError(element)


def content_sheets() -> list[str]:
    """Table and text sheets in the order of the report's sections (总体情况, 表二, 表三, 表四, 问题与改进, 其他事项)."""
    f = fmtmod.load()
    order: list[str] = []
    for s in f.sections:
        for item in s["content"]:
            sheet = next((t.sheet for t in f.tables if t.id == item), None) or f.text(item).sheet
            if sheet not in order:
                order.append(sheet)
    for sheet in f.text_sheets() + f.table_sheets():  # sheets of items outside the sections (前言)
        if sheet not in order:
            order.append(sheet)
    return order


def sheet_order() -> list[str]:
    """Every sheet of the standard workbook, in order."""
    return [GUIDE_SHEET, ORGAN_SHEET] + content_sheets() + [EXPLAIN_SHEET, RULES_SHEET]


@lru_cache(maxsize=65536)     # the same few thousand cells in every workbook of a batch
def ref(row: int, col: int, absolute: bool = False) -> str:
    d = "$" if absolute else ""
    return f"{d}{column_letter(col)}{d}{row}"


def column_letter(col: int) -> str:
    """1 → A, 27 → AA (openpyxl's get_column_letter, without importing openpyxl on the read path)."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 1, AA → 27 (the inverse of column_letter)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def row_col(ref: str) -> tuple[int, int]:
    """'D7' → (7, 4); '$D$7' too."""
    m = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+)", ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), column_index(m.group(1))


def defined_name(element: str) -> str:
    """The workbook name of an element: 't3.R01.C1' → 'nb_t3_R01_C1'."""
    return "nb_" + element.replace(".", "_")


def element_of_name(name: str) -> str | None:
    """Inverse of defined_name for the elements the format knows (None for foreign names)."""
    if not name.startswith("nb_"):
        return None
    return _name_index().get(name)


@lru_cache(maxsize=None)
def _name_index() -> dict[str, str]:
    f = fmtmod.load()
    return {defined_name(e): e for e in f.elements()}


def path_spans(paths: list[tuple[str, ...]], depth: int) -> list[tuple[int, int, int, int, str]]:
    """Merged label cells of a header (or of the row labels, transposed).

    For items with label paths, returns (first_item, last_item, first_level, last_level, text):
    consecutive items sharing a prefix share one cell; a leaf extends to the last level.
    """
    out = []
    for level in range(depth):
        i = 0
        while i < len(paths):
            if len(paths[i]) <= level:
                i += 1
                continue
            j = i
            while j + 1 < len(paths) and len(paths[j + 1]) > level and paths[j + 1][: level + 1] == paths[i][: level + 1]:
                j += 1
            leaf = len(paths[i]) == level + 1
            out.append((i, j, level, depth - 1 if leaf else level, paths[i][level]))
            i = j + 1
    return out


def _place_table(lay: Layout, f: fmtmod.Format, table: fmtmod.Table, top: int) -> int:
    """Lay one table out from row `top`; returns the first free row below it."""
    sheet = table.sheet
    label_cols = max(len(r.path) for r in table.rows)
    depth = max(len(c.path) for c in table.columns)
    first_col = 1
    data_col = first_col + label_cols
    last_col = data_col + len(table.columns) - 1
    row = top
    if table.title:
        lay.spans.append(Span(sheet, row, first_col, row, last_col, table.title, "title"))
        row += 1
    header_row = row
    data_row = header_row + depth
    last_row = data_row + len(table.rows) - 1
    if table.corner and label_cols:
        lay.spans.append(Span(sheet, header_row, first_col, data_row - 1, data_col - 1, table.corner, "corner"))
    for i, j, l1, l2, text in path_spans([c.path for c in table.columns], depth):
        lay.spans.append(Span(sheet, header_row + l1, data_col + i, header_row + l2, data_col + j, text, "header"))
    for i, j, l1, l2, text in path_spans([r.path for r in table.rows], label_cols):
        lay.spans.append(Span(sheet, data_row + i, first_col + l1, data_row + j, first_col + l2, text, "label"))
    for ri, r in enumerate(table.rows):
        for ci, c in enumerate(table.columns):
            lay.pos[table.cell_id_of(r, c)] = (sheet, data_row + ri, data_col + ci)
    lay.boxes[table.id] = TableBox(table.id, sheet, top, header_row, data_row, last_row, first_col, data_col, last_col)
    return _place_checks(lay, f, table, header_row, data_row, last_row, first_col, data_col, last_col) + 1


def _place_checks(lay, f, table, header_row, data_row, last_row, first_col, data_col, last_col) -> int:
    """Check rows below and check columns right of a table, one per distinct live_check label."""
    below: list[str] = []
    right: list[str] = []
    for rule in f.rules:
        lc = rule.spec.get("live_check")
        if rule.kind != "balance" or rule.spec.get("table") != table.id or not lc:
            continue
        lines = below if lc["place"] == "below" else right
        if lc["label"] not in lines:
            lines.append(lc["label"])
        for b in fmtmod.bindings_of(rule.spec):
            anchor = fmtmod.expand_ids(lc["at"], b)[0]
            _, ar, ac = lay.pos[anchor]
            if lc["place"] == "below":
                r, c = last_row + 1 + lines.index(lc["label"]), ac
            else:
                r, c = ar, last_col + 1 + lines.index(lc["label"])
            lhs = tuple(e for p in rule.spec["lhs"]["cells"] for e in fmtmod.expand_ids(p, b))
            rhs = tuple(e for p in rule.spec["rhs"]["cells"] for e in fmtmod.expand_ids(p, b))
            lay.checks.append(Check(table.sheet, r, c, rule.id, lhs, rhs))
    for k, label in enumerate(below):
        r = last_row + 1 + k
        # the check label sits in the label columns, or in the first column when the table has none
        c2 = data_col - 1 if data_col > first_col else first_col
        lay.spans.append(Span(table.sheet, r, first_col, r, c2, label, "check-label"))
    for k, label in enumerate(right):
        c = last_col + 1 + k
        lay.spans.append(Span(table.sheet, header_row, c, data_row - 1, c, label, "check-label"))
    lay.sheet_width[table.sheet] = max(lay.sheet_width.get(table.sheet, 0), last_col + len(right))
    return last_row + len(below)


@lru_cache(maxsize=None)
def load() -> Layout:
    f = fmtmod.load()
    lay = Layout()
    for i, fld in enumerate(f.organ_fields):
        lay.pos[fld.element] = (ORGAN_SHEET, ORGAN_FIRST_ROW + i, 2)
    for sheet in f.table_sheets():
        row = FIRST_BLOCK_ROW
        for table in f.tables_on(sheet):
            row = _place_table(lay, f, table, row) + 1
    for sheet in f.text_sheets():
        row = FIRST_BLOCK_ROW
        for t in [t for t in f.texts if t.sheet == sheet]:
            lay.blocks[t.id] = TextBlock(t.id, sheet, row, row + 1, row + 2, row + 1 + t.rows)
            row += t.rows + 3
        lay.sheet_width[sheet] = 1
    return lay


def text_heading(f: fmtmod.Format, text: fmtmod.Text) -> str:
    """'一、总体情况'; '五、存在的主要问题及改进情况 —— 存在的主要问题'; '前言（可选）'."""
    if not text.section:
        return text.label
    heading = f.section(text.section)["heading"]
    return heading if text.label in heading and len(f.section(text.section)["content"]) == 1 else f"{heading} —— {text.label}"


def organ_prompt(fld: fmtmod.OrganField) -> str:
    return ("（必填）" if fld.required else "") + fld.prompt


def text_input_sheets() -> list[str]:
    """The sheets whose words outside the input cells are lost (F11): the text sheets, whose paragraphs make the
    report, and 说明. Not 基本信息: a note typed beside its fields (填报人, 联系电话) was never report text, and
    there is no field to move it to (QA: it blocked export)."""
    return fmtmod.load().text_sheets() + [EXPLAIN_SHEET]


@lru_cache(maxsize=None)
def own_texts() -> dict[str, frozenset[str]]:
    """sheet → the texts the template itself writes on a writing sheet (titles, hints, headings, prompts, column
    heads), without white space: a cell holding one of them is the template's, not staff's words."""
    f = fmtmod.load()
    out: dict[str, set[str]] = {EXPLAIN_SHEET: {EXPLAIN_NOTE, *EXPLAIN_COLUMNS}}
    for t in f.texts:
        out.setdefault(t.sheet, {t.sheet, WRITING_HINT}).update({text_heading(f, t), t.prompt})
    return {sheet: frozenset("".join(x.split()) for x in texts) for sheet, texts in out.items()}


def address_list(addresses: list[str], list_up_to: int = 6) -> str:
    """'表三!D7, D8, D30, D31' for a few cells (in reading order: row by row, left to right); rectangles
    ('表三!D9:J29') when there are many."""
    by_sheet: dict[str, list[str]] = {}
    plain = []                          # places that are no sheet address (a line of a published report)
    for a in addresses:
        sheet, bang, r = a.partition("!")
        if bang:
            by_sheet.setdefault(sheet, []).append(r)
        else:
            plain.append(a)
    parts = []
    for sheet, refs in by_sheet.items():
        refs = list(dict.fromkeys(refs))
        if all(re.fullmatch(r"[A-Z]{1,3}\d+", r) for r in refs):
            # staff read a sheet row by row, left to right: list the cells that way, not in rule order
            pos = {r: row_col(r) for r in refs}
            refs = (rectangles(set(pos.values())) if len(refs) > list_up_to
                    else sorted(refs, key=pos.__getitem__))
        parts.append(f"{sheet}!" + ", ".join(refs))
    return "; ".join(parts + list(dict.fromkeys(plain)))


def cover(cells: set[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """(row, col) cells → (r1, c1, r2, c2) rectangles covering exactly them, few and row-major (greedy: as wide
    as the row allows, then as deep as every column of that width allows)."""
    out = []
    left = set(cells)
    for r, c in sorted(cells):
        if (r, c) not in left:
            continue
        c2 = c
        while (r, c2 + 1) in left:
            c2 += 1
        r2 = r
        while all((r2 + 1, k) in left for k in range(c, c2 + 1)):
            r2 += 1
        left -= {(i, k) for i in range(r, r2 + 1) for k in range(c, c2 + 1)}
        out.append((r, c, r2, c2))
    return out


def rectangles(cells: set[tuple[int, int]]) -> list[str]:
    """Cover (row, col) cells with few rectangles, row-major: ['D7:I8', 'D30:I31']."""
    refs = []
    for r, c, r2, c2 in cover(cells):
        a, b = ref(r, c), ref(r2, c2)
        refs.append(a if a == b else f"{a}:{b}")
    return refs
