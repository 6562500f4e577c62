"""The reader's plan (what a template's names alone decide, worked out once a batch) against the reader's own
step-by-step code: a workbook named throughout is read by the plan, and must give what read_workbook(planned=False)
gives — document, addresses, findings, or the same refusal — whatever its cells hold. The cells of a streamed book
are edited in memory (labels, data cells, words outside the input areas, formulas, a shared formula whose text
only openpyxl knows), so thousands of workbooks cost no file writes."""
from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.errors import UserError
from addin.format import fmt as fmtmod
from addin.format import layout
from addin.io import fastxlsx, reader

from .helpers import EXAMPLE_XLSX

F = fmtmod.load()
LAY = layout.load()
LABELS = sorted({s.text for s in LAY.spans})
SHEETS = ["表二", "表三", "表四", "基本信息", "总体情况", "问题与改进", "其他事项", "说明"]


def outcome(book, planned: bool):
    try:
        r = reader.read_workbook(book, EXAMPLE_XLSX, planned=planned)
    except UserError as e:
        return ("refused", e.code)
    except fastxlsx.Unsupported as e:
        return ("unsupported", str(e))
    return r.document, r.addresses, r.located_by, [x.to_dict() for x in r.findings]


def loaded_book():
    book = fastxlsx.Book(EXAMPLE_XLSX)
    for ws in book.worksheets:
        ws._cells
    return book


def _text(draw):
    if draw(st.booleans()):
        return draw(st.sampled_from(["", " ", "\r\n", "\u3000", "说明文字", "1", "0.5"]))
    base = draw(st.sampled_from(LABELS))
    return draw(st.sampled_from(["{}", "{}", " {}", "{} ", "{}\n", "{}\r\n正文", "{}（续）"])).format(base)


@st.composite
def cell(draw):
    kind = draw(st.sampled_from(["none", "int", "float", "bool", "text", "text", "text", "formula", "shared"]))
    if kind == "none":
        return None
    if kind == "int":
        return fastxlsx.Cell(draw(st.integers(-3, 10**6)), "n")
    if kind == "float":
        return fastxlsx.Cell(draw(st.sampled_from([1.0, 2.5, -0.0, math.nan, math.inf, 1e20])), "n")
    if kind == "bool":
        return fastxlsx.Cell(draw(st.booleans()), "b")
    if kind == "text":
        return fastxlsx.Cell(_text(draw), "s")
    if kind == "formula":
        return fastxlsx.Cell("=SUM(D7:D8)", "f", draw(st.sampled_from([None, 3, 2.0, "x"])))
    return fastxlsx._Shared(draw(st.sampled_from([None, 4])))


@st.composite
def edits(draw):
    """(sheet, (row, col), cell or None) edits: mostly on cells the sheet has (labels, data, words), some anywhere."""
    out = []
    for _ in range(draw(st.integers(1, 6))):
        sheet = draw(st.sampled_from(SHEETS))
        where = draw(st.sampled_from(["existing", "label", "data", "anywhere"]))
        if where == "anywhere":
            key = (draw(st.integers(1, 80)), draw(st.integers(1, 14)))
        else:
            key = (where, draw(st.integers(0, 10**6)))
        out.append((sheet, key, draw(cell())))
    return out


def _keys(book, sheet: str, where: str) -> list[tuple[int, int]]:
    """The sheet's cells, the label cells the plan checks, or the data cells the names place."""
    if where == "existing":
        return sorted(book[sheet]._cells)
    plan = reader._plan(book, F)
    if where == "label":
        return [k for s, keys, _, _ in plan.labels if s == sheet for k in keys]
    return [(r, c) for s, r, c in plan.positions.values() if s == sheet]


def apply(book, changes) -> None:
    for sheet, key, new in changes:
        cells = book[sheet]._cells
        if isinstance(key[0], str):
            keys = _keys(book, sheet, key[0])
            if not keys:
                continue
            key = keys[key[1] % len(keys)]
        if new is None:
            cells.pop(key, None)
        else:
            cells[key] = new


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=edits())
def test_the_plan_reads_what_the_step_by_step_code_reads(changes):
    book = loaded_book()
    apply(book, changes)
    assert outcome(book, planned=True) == outcome(book, planned=False)


def test_the_example_is_read_by_its_plan():
    """The property above means something only if the example takes the planned path."""
    book = loaded_book()
    assert reader._plan(book, F).planned
    assert outcome(book, planned=True) == outcome(book, planned=False)


@pytest.mark.parametrize("sheet, key, value, rule", [
    ("表三", None, "本年新收政府信息公开 申请数量", "F2"),          # a label reworded: F2 from the planned read too
    ("总体情况", (200, 3), "写在白格之外的一段话", "F11"),           # words outside the input areas
    ("说明", (400, 5), "另一处说明", "F11"),
])
def test_a_planned_read_still_finds(sheet, key, value, rule):
    book = loaded_book()
    cells = book[sheet]._cells
    if key is None:            # the first label cell of the sheet that the plan checks
        runs = [r for r in reader._plan(book, F).labels if r[0] == sheet]
        key = runs[0][1][0]
    cells[key] = fastxlsx.Cell(value, "s")
    planned = outcome(book, planned=True)
    assert planned == outcome(book, planned=False)
    assert rule in {x["rule"] for x in planned[3]}


# --- the text blocks: joined from the rows the sheet has, as the walk over every row joined them -----------------

class _Book:
    def __init__(self, cells):
        self.sheet = type("S", (), {"_cells": cells})()

    def __getitem__(self, title):
        return self.sheet


def _join_rows_walking(cells, r1, r2, col):
    """The text of rows r1..r2 of one column as the reader joined it before it looked up only the rows it has."""
    have = {(r, c): cell.value for (r, c), cell in cells.items() if r1 <= r <= r2 and c == col and cell.value is not None}
    last = max((r for (r, _), v in have.items() if reader._text(v).strip()), default=r1 - 1)
    lines = ["" if (r, col) not in have else reader._text(have[(r, col)]) for r in range(r1, last + 1)]
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


WORDS = st.one_of(st.sampled_from(["", " ", "\r", "\r\n", "\n", "\u3000", "一段话", "第二段\r\n续", "a\rb"]),
                  st.integers(-5, 5), st.sampled_from([2.0, 2.5, math.nan]), st.booleans(), st.none())


@settings(max_examples=300, deadline=None)
@given(rows=st.dictionaries(st.tuples(st.integers(1, 40), st.integers(1, 3)), WORDS, max_size=30),
       r1=st.integers(1, 20), span=st.integers(0, 25), with_keys=st.booleans())
def test_a_text_block_is_joined_as_the_walk_joined_it(rows, r1, span, with_keys):
    cells = {k: fastxlsx.Cell(v, "s") for k, v in rows.items()}
    keys = reader._area_keys(r1, 2, r1 + span, 2) if with_keys else None
    assert reader._join_rows(_Book(cells), "总体情况", r1, r1 + span, 2, keys=keys) == \
        _join_rows_walking(cells, r1, r1 + span, 2)
