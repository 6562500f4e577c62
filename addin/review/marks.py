"""findings → the mark plan: which cells get which fill and note, and the rows of the 校验结果 sheet.

The plan is computed once, here, from the findings; two thin backends apply it — openpyxl (the file,
`nianbao validate --annotate`) and xlwings (the live book, the 校验 button). Both read the workbook
through the same small cell-access protocol (`CellSource`), so everything that decides *what* is marked,
how explanations are kept and what 清除标记 restores is shared and tested without Excel.

Explanations live in ONE place: the 说明 sheet (the reader reads them, the validator and the export gate
use them). The 校验结果 sheet has a column where staff may type the reason of a 需说明 finding; the reader
also collects those (`explanations_from_results`, so a re-validated annotated copy sees them at once), and
the next 校验 / --annotate run moves them into 说明 and rewrites 校验结果 from there.

清除标记 restores what the template had: the fill of a marked cell comes from the standard workbook
(template.build(), derived from schema/), looked up by the cell's element id — or its address when it has
none — never remembered from the marked workbook. Notes we wrote start with NOTE_TAG; others are left alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Protocol

from addin.checks.findings import EXPLAIN, SEVERITIES, Finding, summary, verdict
from addin.checks.validator import object_label
from addin.format import layout as laymod
from addin.format import printarea
from addin.format.styles import COLORS, LINE_HEIGHT, SEVERITY_FILLS
from addin.io.cellsource import CellSource
from addin.io.results import (
    COLUMNS,
    EXPLAIN_HEADER,
    FIRST_ROW,
    HEADER_ROW,
    RESULT_ROWS_MAX,
    RESULTS_SHEET,
    TITLE_ROW,
    ExplainRow,
    explain_rows,
    result_columns,
    typed_explanations,
)
from addin.io.results import cell_at as _cell
from addin.io.results import cell_text as _s
from addin.messages import refuse
from addin.text import display_len

MAX_SHEET_ROW, MAX_SHEET_COL = 1048576, 16384
MAX_MARKED_CELLS = 20000  # our own runs mark at most a few thousand cells; a 校验结果 cell may list 3,000

NOTE_TAG = "【年报校验】"
NOTE_MAX = 1500                      # characters of one note; longer lists end in “……”
WIDTHS = (8, 7, 10, 22, 70, 40, 18, 12)
COL = {name: i for i, name in enumerate(COLUMNS, start=1)}
MAX_MARKED_RANGE = 400               # cells filled for one range address (a text block has 60)

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")


# --- explanations: typed in 校验结果, kept in 说明 ----------------------------------------------------

def _keys(x: Finding) -> set[str]:
    return {x.target, object_label(x), *x.cells, *x.addresses, *(a.split("!")[-1] for a in x.addresses)}


def explanation_writes(typed: list[dict], existing: list[ExplainRow], free: list[int],
                       findings: list[Finding]) -> list[tuple[int, str, str, str]]:
    """(row, rule, target, text) to write on 说明 so every explanation typed in 校验结果 lives there.

    An existing 说明 row for the same rule and object (its target, one of its cells or addresses) gets the
    new text; otherwise the explanation takes the next free row. Nothing is deleted: an explanation is
    removed on the 说明 sheet itself.
    """
    # 对象 as typed in 校验结果: the label shown there, or (older copies) the internal id
    by_target = {(x.rule, k): x for x in findings for k in (x.target, " ".join(object_label(x).split()))}
    writes: dict[int, tuple[int, str, str, str]] = {}
    free = list(free)
    for t in typed:
        x = by_target.get((t["rule"], " ".join(t["target"].split())))
        keys = _keys(x) if x else {t["target"]}
        row = next((e for e in existing if e.rule == t["rule"] and e.target in keys), None)
        if row is not None:
            if row.text != t["text"]:
                writes[row.row] = (row.row, row.rule, row.target, t["text"])
                row.text = t["text"]
            continue
        if not free:
            raise refuse("input.explanations_full", explain_sheet=laymod.EXPLAIN_SHEET, results_sheet=RESULTS_SHEET)
        r = free.pop(0)
        writes[r] = (r, t["rule"], t["target"], t["text"])
        existing.append(ExplainRow(r, t["rule"], t["target"], t["text"]))
    return [writes[r] for r in sorted(writes)]


# --- what the template had: the fill to restore -------------------------------------------------------

@lru_cache(maxsize=1)
def template_fills() -> dict[tuple[str, int, int], str]:
    """(sheet, row, col) → RGB of every solid-filled cell of the standard workbook."""
    from addin.io import template

    wb = template.build()
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.fill is not None and c.fill.fill_type == "solid":
                    out[(ws.title, c.row, c.column)] = str(c.fill.start_color.rgb)[-6:].upper()
    return out


def restore_fill(sheet: str, row: int, col: int, element: str | None = None) -> str | None:
    """The fill the template gives this cell: by its element when known, else by its address."""
    lay = laymod.load()
    fills = template_fills()
    if element and element in lay.pos:
        return fills.get(lay.pos[element])
    return fills.get((sheet, row, col))


# --- the plan -----------------------------------------------------------------------------------------

@dataclass
class CellMark:
    sheet: str
    row: int
    col: int
    fill: str                 # RGB of the most severe finding at this cell
    note: str | None          # NOTE_TAG + messages (None: a range cell other than its first)
    element: str | None = None

    @property
    def address(self) -> str:
        return f"{self.sheet}!{laymod.ref(self.row, self.col)}"


@dataclass
class ResultRow:
    severity: str
    rule: str
    sheet: str
    cells: str                # '表三!D7, D8' as shown
    link: tuple[str, str] | None   # (sheet, 'D7') the 单元格 column jumps to
    message: str
    explanation: str
    target: str               # the object in staff's words (validator.object_label), not the internal id
    marked: str               # '表三!D7=t3.R01.C1 表三!D8' — what 清除标记 restores

    def values(self) -> list:
        return [self.severity, self.rule, self.sheet, self.cells, self.message, self.explanation,
                self.target, self.marked]


@dataclass
class Plan:
    marks: list[CellMark] = field(default_factory=list)
    rows: list[ResultRow] = field(default_factory=list)
    title: str = RESULTS_SHEET
    hint: str = ""
    explain_writes: list[tuple[int, str, str, str]] = field(default_factory=list)

    def header(self) -> list[str]:
        return list(COLUMNS)


def _cells_of(address: str, sheets: set[str]) -> tuple[str, list[tuple[int, int]]]:
    """'表三!D7' → ('表三', [(7, 4)]); a range → every cell (up to a limit); a bare sheet → []."""
    sheet, _, ref = address.rpartition("!")
    if not sheet or sheet not in sheets:
        return (sheet or address), []
    parts = ref.split(":")
    pts = [_REF.match(p.upper()) for p in parts]
    if not all(pts) or len(parts) > 2:
        return sheet, []
    (c1, r1), (c2, r2) = ((laymod.column_index(m.group(1)), int(m.group(2))) for m in (pts[0], pts[-1]))
    cells = [(r, c) for r in range(min(r1, r2), max(r1, r2) + 1) for c in range(min(c1, c2), max(c1, c2) + 1)]
    return sheet, cells[:MAX_MARKED_RANGE]


def _link(address: str, sheets: set[str]) -> tuple[str, str] | None:
    sheet, _, ref = address.rpartition("!")
    if not sheet:
        sheet, ref = address, "A1"
    if sheet not in sheets:
        return None
    first = ref.split(":")[0].replace("$", "").upper()
    return (sheet, first) if _REF.match(first) else (sheet, "A1")


SMALL_SIDE = 4   # a balance side with at most this many cells is marked; a longer one is the list of parts


def _marked_places(x: Finding, elements: list) -> list[tuple[str, str | None]]:
    """(address, element) pairs to mark: where the message points, not every cell it lists.

    A text rule marks the paragraph's cell its message names (总体情况!A9), not the block's first cell; a
    balance rule marks its short side(s) — the totals that disagree (B3: （七）总计, not the 22 rows above it).
    """
    pairs = list(zip(x.addresses, elements))
    paragraph = x.values.get("paragraph") if isinstance(x.values, dict) else None
    if paragraph and pairs and (x.cells or [""])[0].startswith("text."):
        address, element = pairs[0]
        cell = _paragraph_cell(address, int(paragraph))
        if cell:
            return [(cell, None)] + pairs[1:]
    sides = _balance_sides(x)
    if sides and all(e is not None for e in elements):
        keep = {e for side in sides if len(side) <= SMALL_SIDE for e in side} or set(x.cells)
        return [(a, e) for a, e in pairs if e in keep]
    return pairs


def _paragraph_cell(address: str, paragraph: int) -> str | None:
    """'总体情况!A6:A35', 4 → '总体情况!A9' (one paragraph a row; the last row holds the rest)."""
    sheet, _, ref = address.rpartition("!")
    m = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+):\$?\1\$?(\d+)", ref.upper())
    if not m:
        return None
    first, last = int(m.group(2)), int(m.group(3))
    return f"{sheet}!{m.group(1)}{min(first + paragraph - 1, last)}"


def _balance_sides(x: Finding) -> list[list[str]] | None:
    """The element ids of the two sides of a balance finding, from the rule in schema/ and its binding."""
    binding = x.values.get("binding") if isinstance(x.values, dict) else None
    if binding is None:
        return None
    from addin.format import fmt as fmtmod

    f = fmtmod.load()
    try:
        spec = f.rule(x.rule).spec
        return [[e for p in spec[side]["cells"] for e in fmtmod.expand_ids(p, binding)] for side in ("lhs", "rhs")]
    except (KeyError, TypeError):
        return None


def plan(findings: list[Finding], sheets: Iterable[str], typed: list[dict] | None = None,
         existing: list[ExplainRow] | None = None, free: list[int] | None = None) -> Plan:
    """The marks for these findings on a workbook with these sheets (results sheet excluded)."""
    sheets = {s for s in sheets if s != RESULTS_SHEET}
    rank = {s: i for i, s in enumerate(SEVERITIES)}

    marks: dict[tuple[str, int, int], CellMark] = {}
    notes: dict[tuple[str, int, int], list[str]] = {}
    severities: dict[tuple[str, int, int], str] = {}
    rows = []
    for x in findings:
        elements = x.cells if len(x.cells) == len(x.addresses) else [None] * len(x.addresses)
        marked = []
        for address, element in _marked_places(x, elements):
            sheet, cells = _cells_of(address, sheets)
            for i, (r, c) in enumerate(cells):
                key = (sheet, r, c)
                el = element if len(cells) == 1 else None
                if key not in marks:
                    marks[key] = CellMark(sheet, r, c, "", None, el)
                    marked.append(f"{sheet}!{laymod.ref(r, c)}" + (f"={el}" if el else ""))
                if key not in severities or rank.get(x.severity, 9) < rank.get(severities[key], 9):
                    severities[key] = x.severity
                line = f"[{x.severity}] {x.rule} {x.message}" + (f"\n说明：{x.explanation}" if x.explanation else "")
                if i == 0 and line not in notes.get(key, []):
                    notes.setdefault(key, []).append(line)
        link = next((lk for lk in (_link(a, sheets) for a in x.addresses) if lk), None)
        rows.append(ResultRow(x.severity, x.rule, x.sheet or "工作簿", laymod.address_list(x.addresses) if x.addresses else "",
                              link, x.message, x.explanation or "", object_label(x), " ".join(marked)))
    for key, m in marks.items():
        m.fill = SEVERITY_FILLS.get(severities[key], SEVERITY_FILLS[SEVERITIES[-1]])
        if key in notes:
            text = NOTE_TAG + "\n" + "\n".join(notes[key])
            m.note = text if len(text) <= NOTE_MAX else text[: NOTE_MAX - 2] + "……"
    s = summary(findings)
    hint = (f"{verdict(s)} 点“单元格”列的链接可跳到该格。“需说明”的问题确有理由的，在“{EXPLAIN_HEADER[:2]}”列写明，"
            f"再点“校验”（或再运行 nianbao validate --annotate），说明即保存到“{laymod.EXPLAIN_SHEET}”表。")
    if not findings:
        hint = "没有发现问题 —— 通过，可以导出报告。"
    if typed and laymod.EXPLAIN_SHEET not in sheets:     # no row is free because there is no sheet at all
        raise refuse("input.explain_sheet_missing", explain_sheet=laymod.EXPLAIN_SHEET, results_sheet=RESULTS_SHEET)
    writes = explanation_writes(typed or [], list(existing or []), list(free or []), findings)
    return Plan(list(marks.values()), rows, RESULTS_SHEET, hint, writes)


# --- applying: the backend protocol and the shared driver ---------------------------------------------

class Backend(CellSource, Protocol):
    """What a backend does to a workbook (and how it reads one); every decision is made above it."""

    def set_fill(self, sheet: str, row: int, col: int, rgb: str | None) -> None: ...
    def note(self, sheet: str, row: int, col: int) -> str | None: ...
    def set_note(self, sheet: str, row: int, col: int, text: str | None) -> None: ...
    def fill_range(self, sheet: str, r1: int, c1: int, r2: int, c2: int, rgb: str | None) -> None: ...
    def notes_in(self, sheet: str, cells: set[tuple[int, int]]) -> dict[tuple[int, int], str]: ...
    def set_text(self, sheet: str, row: int, col: int, value) -> None: ...
    def new_results_sheet(self, name: str) -> None: ...
    def delete_sheet(self, name: str) -> None: ...
    def write_rows(self, sheet: str, top: int, rows: list[list]) -> None: ...
    def set_link(self, sheet: str, row: int, col: int, target_sheet: str, target_ref: str, text: str) -> None: ...
    def style(self, sheet: str, widths: list[float], header_row: int, last_row: int, fills: dict[tuple[int, int], str],
              input_col: int, input_rows: list[int], hidden_col: int, heights: dict[int, float]) -> None: ...
    def fit_rows(self, sheet: str, heights: dict[int, float]) -> None: ...
    def row_height(self, sheet: str, row: int) -> float | None: ...
    def set_print_area(self, sheet: str, refs: list[str]) -> None: ...


def apply(p: Plan, backend: Backend) -> None:
    """Mark the workbook: clear old marks first, then fills, notes, 说明 rows and the 校验结果 sheet."""
    clear(backend)
    fill_cells(backend, [(m.sheet, m.row, m.col, m.fill) for m in p.marks])
    noted: dict[str, dict[tuple[int, int], str]] = {}
    for m in p.marks:
        if m.note is not None:
            noted.setdefault(m.sheet, {})[(m.row, m.col)] = m.note
    for sheet, wanted in noted.items():
        current = backend.notes_in(sheet, set(wanted))
        for (r, c), text in wanted.items():
            if current.get((r, c)) is None or current[(r, c)].startswith(NOTE_TAG):   # staff's own notes stay
                backend.set_note(sheet, r, c, text)
    for r, rule, target, text in p.explain_writes:
        for col, v in enumerate((rule, target, text), start=1):
            backend.set_text(laymod.EXPLAIN_SHEET, r, col, v)
    backend.new_results_sheet(p.title)
    top = [[p.title] + [None] * (len(COLUMNS) - 1), [p.hint] + [None] * (len(COLUMNS) - 1), list(COLUMNS)]
    backend.write_rows(p.title, TITLE_ROW, top + [r.values() for r in p.rows])
    fills = {}
    for c in range(1, len(COLUMNS) + 1):
        fills[(HEADER_ROW, c)] = COLORS["header"]
    inputs = []
    for i, r in enumerate(p.rows):
        row = FIRST_ROW + i
        fills[(row, COL["级别"])] = SEVERITY_FILLS.get(r.severity, COLORS["label"])
        if r.severity == EXPLAIN:
            fills[(row, COL[EXPLAIN_HEADER])] = COLORS["input"]
            inputs.append(row)
        else:
            fills[(row, COL[EXPLAIN_HEADER])] = COLORS["label"]
    backend.style(p.title, list(WIDTHS), HEADER_ROW, FIRST_ROW + len(p.rows) - 1, fills,
                  COL[EXPLAIN_HEADER], inputs, COL["标记格"], row_heights(p))
    for i, r in enumerate(p.rows):
        if r.link:
            backend.set_link(p.title, FIRST_ROW + i, COL["单元格"], r.link[0], r.link[1], r.cells or r.link[1])


def row_heights(p: Plan) -> dict[int, float]:
    """Heights of the result rows so wrapped messages show whole (not every program sizes rows itself)."""
    out = {}
    for i, r in enumerate(p.rows):
        lines = max(max(1, -(-display_len(str(v)) // max(1, int(w) - 2))) for v, w in zip(r.values(), WIDTHS[:-1]))
        out[FIRST_ROW + i] = lines * LINE_HEIGHT + 2
    return out


def marked_cells(source: CellSource) -> list[tuple[str, int, int, str | None]]:
    """(sheet, row, col, element) of every cell the last run marked, from 校验结果's 标记格 column."""
    if RESULTS_SHEET not in source.sheet_names():
        return []
    grid = source.grid(RESULTS_SHEET, max_rows=RESULT_ROWS_MAX, max_cols=len(COLUMNS) + 10)
    cols = result_columns(grid)
    if not cols or "标记格" not in cols:
        return []
    sheets = set(source.sheet_names())
    out, seen = [], set()
    for r in range(FIRST_ROW, len(grid) + 1):
        for item in _s(_cell(grid, r, cols["标记格"])).split():
            address, _, element = item.partition("=")
            sheet, _, ref = address.rpartition("!")
            m = _REF.match(ref)
            if not (sheet in sheets and m) or (sheet, ref) in seen:
                continue
            row, col = int(m.group(2)), laymod.column_index(m.group(1))
            if 1 <= row <= MAX_SHEET_ROW and 1 <= col <= MAX_SHEET_COL:   # 表二!A9999999 is no cell
                seen.add((sheet, ref))
                out.append((sheet, row, col, element or None))
            if len(out) >= MAX_MARKED_CELLS:   # more than any run of ours marks: a hand-made list, cut here
                return out
    return out


def fill_cells(backend: Backend, cells: list[tuple[str, int, int, str | None]]) -> None:
    """Give each (sheet, row, col) its fill, one backend call per rectangle of equal fill: in Excel every
    call is a round trip, and a hand-made 校验结果 may list thousands of cells (capped by marked_cells)."""
    groups: dict[tuple[str, str | None], set[tuple[int, int]]] = {}
    for sheet, r, c, rgb in cells:
        groups.setdefault((sheet, rgb), set()).add((r, c))
    for (sheet, rgb), keys in groups.items():
        for r1, c1, r2, c2 in laymod.cover(keys):
            backend.fill_range(sheet, r1, c1, r2, c2, rgb)


def clear(backend: Backend) -> int:
    """清除标记: the template's fill back on every marked cell, our notes removed, 校验结果 deleted."""
    sheets = set(backend.sheet_names())
    cells = [c for c in marked_cells(backend) if c[0] in sheets]
    fill_cells(backend, [(sheet, r, c, restore_fill(sheet, r, c, element)) for sheet, r, c, element in cells])
    by_sheet: dict[str, set[tuple[int, int]]] = {}
    for sheet, r, c, _ in cells:
        by_sheet.setdefault(sheet, set()).add((r, c))
    for sheet, keys in by_sheet.items():
        for (r, c), text in sorted(backend.notes_in(sheet, keys).items()):
            if text.startswith(NOTE_TAG):
                backend.set_note(sheet, r, c, None)
    if RESULTS_SHEET in sheets:
        backend.delete_sheet(RESULTS_SHEET)
    return len(cells)


def mark(backend: Backend, findings: list[Finding]) -> Plan:
    """Plan from the findings and the workbook's own 校验结果/说明 rows, then apply it; then the writing
    sheets print what is written now."""
    existing, free = explain_rows(backend)
    p = plan(findings, backend.sheet_names(), typed_explanations(backend), existing, free)
    apply(p, backend)
    fit_writing_sheets(backend)
    return p


def fit_writing_sheets(backend: Backend) -> None:
    """Each writing sheet's written rows as tall as their text and its print area reset to what is written
    (printarea.ranges, as the template sets it): text typed in Excel below the old print area prints, and a
    typed paragraph prints whole, after 校验 or --annotate."""
    names = set(backend.sheet_names())
    for sheet in printarea.writing_sheets():
        if sheet not in names:
            continue
        grid = backend.grid(sheet, max_rows=printarea.ROWS_LOOKED_AT, max_cols=len(printarea.widths(sheet)))
        backend.fit_rows(sheet, printarea.needed_heights(sheet, grid))
        height = lru_cache(maxsize=None)(lambda r, s=sheet: backend.row_height(s, r))   # asked only as needed
        backend.set_print_area(sheet, printarea.refs(printarea.ranges(sheet, grid, height)))
