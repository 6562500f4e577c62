"""Tests that kill marks.py's mutants (issue 14): staff's own notes kept, the most severe finding decides a
cell's colour, the no-findings branch, the 说明 sheet full, ranges and links."""
from __future__ import annotations

import openpyxl
import pytest
from openpyxl.comments import Comment

from addin.checks.findings import Finding
from addin.errors import UserError
from addin.format import layout
from addin.format.styles import SEVERITY_FILLS
from addin.io import results
from addin.io.results import OpenpyxlSource
from addin.review import marks
from addin.review.backends import openpyxl_marks

from .helpers import EXAMPLE_XLSX

SHEETS = ["表三", "总体情况", "说明"]


def fx(rule, severity, address, cells=None, explanation=None, target=None):
    return Finding(rule, severity, f"{rule} 的问题", cells=cells or [], addresses=[address],
                   target=target or address, explanation=explanation)


@pytest.mark.parametrize("order", [("提示", "需说明", "错误"), ("错误", "提示", "需说明"), ("需说明", "错误", "提示")])
def test_the_most_severe_finding_decides_a_cells_colour(order):
    p = marks.plan([fx(f"R{i}", s, "表三!D7") for i, s in enumerate(order)], SHEETS)
    assert len(p.marks) == 1 and p.marks[0].fill == SEVERITY_FILLS["错误"]
    assert p.marks[0].note.startswith(marks.NOTE_TAG) and p.marks[0].note.count("的问题") == 3
    p = marks.plan([fx("A", "提示", "表三!D7"), fx("B", "需说明", "表三!D7")], SHEETS)
    assert p.marks[0].fill == SEVERITY_FILLS["需说明"]
    assert marks.plan([fx("A", "提示", "表三!D7")], SHEETS).marks[0].fill == SEVERITY_FILLS["提示"]


def test_no_findings_plan_and_file(tmp_path):
    p = marks.plan([], SHEETS)
    assert p.marks == [] and p.rows == [] and p.hint == "没有发现问题 —— 通过，可以导出报告。"
    src = tmp_path / "ok.xlsx"
    src.write_bytes(EXAMPLE_XLSX.read_bytes())
    wb = openpyxl.load_workbook(openpyxl_marks.annotate_file(src, []))
    ws = wb[marks.RESULTS_SHEET]
    assert ws.cell(results.HINT_ROW, 1).value == p.hint
    assert [c.value for c in ws[marks.HEADER_ROW]][: len(marks.COLUMNS)] == list(marks.COLUMNS)
    assert all(ws.cell(r, 2).value is None for r in range(marks.FIRST_ROW, ws.max_row + 1))


def test_staff_notes_are_kept_and_ours_replaced(tmp_path):
    s, r, c = layout.load().pos["t3.R01.C1"]
    s2, r2, c2 = layout.load().pos["t3.R01.C2"]
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    wb[s].cell(r, c).comment = Comment("张三：此数据已与登记台账核对", "张三")
    wb[s2].cell(r2, c2).comment = Comment(marks.NOTE_TAG + "\n旧的校验批注", "年报校验")
    src = tmp_path / "年报.xlsx"
    wb.save(src)
    findings = [fx("B1", "错误", f"{s}!{layout.ref(r, c)}", ["t3.R01.C1"]),
                fx("B1", "错误", f"{s2}!{layout.ref(r2, c2)}", ["t3.R01.C2"], target="B1:C2")]
    out = openpyxl.load_workbook(openpyxl_marks.annotate_file(src, findings))
    assert out[s].cell(r, c).comment.text == "张三：此数据已与登记台账核对"
    assert out[s].cell(r, c).fill.start_color.rgb[-6:] == SEVERITY_FILLS["错误"]
    ours = out[s2].cell(r2, c2).comment.text
    assert ours.startswith(marks.NOTE_TAG) and "B1 的问题" in ours and "旧的校验批注" not in ours
    cleared = tmp_path / "清除.xlsx"
    openpyxl_marks.clear_file(tmp_path / "年报.校验.xlsx", cleared)
    back = openpyxl.load_workbook(cleared)
    assert back[s].cell(r, c).comment.text == "张三：此数据已与登记台账核对"
    assert back[s2].cell(r2, c2).comment is None


def test_the_explanation_sheet_full_is_refused_with_a_message():
    r1, r2 = layout.load().explain_rows
    existing = [marks.ExplainRow(r, "N2", f"t{r}", "旧") for r in range(r1, r2 + 1)]
    typed = [{"rule": "N2", "target": "text.overview", "text": "新的说明"}]
    with pytest.raises(UserError) as e:
        marks.explanation_writes(typed, existing, [], [])
    assert e.value.code == "input.explanations_full" and "“说明”表已写满" in e.value.message
    assert marks.explanation_writes(typed, existing[:-1], [r2], []) == [(r2, "N2", "text.overview", "新的说明")]


def test_a_typed_explanation_updates_the_existing_row_for_its_object():
    x = fx("N2", "需说明", "总体情况!A19:A78", ["text.overview"], target="text.overview")
    existing = [marks.ExplainRow(5, "N2", "总体情况!A19:A78", "旧"), marks.ExplainRow(6, "B1", "", "x")]
    typed = [{"rule": "N2", "target": "text.overview", "text": "新"}]
    assert marks.explanation_writes(typed, existing, [7], [x]) == [(5, "N2", "总体情况!A19:A78", "新")]
    assert marks.explanation_writes([{"rule": "N2", "target": "text.overview", "text": "新"}],
                                    [marks.ExplainRow(5, "N2", "总体情况!A19:A78", "新")], [7], [x]) == []


def test_a_range_is_marked_cell_by_cell_with_one_note():
    p = marks.plan([fx("N2", "需说明", "总体情况!A19:B21", ["text.overview"])], SHEETS)
    assert sorted((m.row, m.col) for m in p.marks) == [(r, c) for r in (19, 20, 21) for c in (1, 2)]
    assert [m.note is not None for m in sorted(p.marks, key=lambda m: (m.row, m.col))] == [True] + [False] * 5
    assert p.rows[0].link == ("总体情况", "A19") and p.rows[0].marked.split()[0] == "总体情况!A19"


def test_cells_of_a_sheet_not_in_the_book_or_a_bare_sheet_are_not_marked():
    p = marks.plan([fx("F6", "错误", "别的表!A1"), fx("X", "错误", "表三")], SHEETS)
    assert p.marks == [] and p.rows[0].link is None and p.rows[1].link == ("表三", "A1")


def test_a_long_note_is_cut():
    many = [Finding(f"R{i}", "错误", "很长的问题" * 40, addresses=["表三!D7"], target=str(i)) for i in range(20)]
    note = marks.plan(many, SHEETS).marks[0].note
    assert len(note) == marks.NOTE_MAX and note.endswith("……")
    one = marks.plan(many[:1], SHEETS).marks[0].note
    assert len(one) < marks.NOTE_MAX and not one.endswith("……")


def test_result_rows_are_filled_by_severity_and_sized_to_their_text(tmp_path):
    from addin.format.styles import COLORS, LINE_HEIGHT
    from addin.text import display_len

    src = tmp_path / "年报.xlsx"
    src.write_bytes(EXAMPLE_XLSX.read_bytes())
    long = "a" * 137                                   # 137 wide units: 3 lines in the 问题 column (70 − 2 a line)
    findings = [Finding("B1", "错误", "短", addresses=["表三!D7"], target="1"),
                Finding("N2", "需说明", long, addresses=["总体情况!A19"], target="2")]
    p = marks.plan(findings, SHEETS)
    assert marks.row_heights(p) == {marks.FIRST_ROW: LINE_HEIGHT + 2, marks.FIRST_ROW + 1: 3 * LINE_HEIGHT + 2}
    assert display_len(long) == 137
    ws = openpyxl.load_workbook(openpyxl_marks.annotate_file(src, findings))[marks.RESULTS_SHEET]
    level = marks.COL["级别"]
    assert [ws.cell(marks.FIRST_ROW + i, level).fill.start_color.rgb[-6:] for i in range(2)] == [
        SEVERITY_FILLS["错误"], SEVERITY_FILLS["需说明"]]
    explain = marks.COL[marks.EXPLAIN_HEADER]
    assert ws.cell(marks.FIRST_ROW + 1, explain).fill.start_color.rgb[-6:] == COLORS["input"]
    link = ws.cell(marks.FIRST_ROW, marks.COL["单元格"]).hyperlink
    assert link is not None and "表三" in (link.location or "") and "D7" in link.location


def test_explain_rows_reads_to_the_last_row_of_the_sheet():
    r1, r2 = layout.load().explain_rows
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    ws = wb[layout.EXPLAIN_SHEET]
    for r in range(r1, r2 + 1):
        for c in (1, 2, 3):
            ws.cell(r, c).value = None
    ws.cell(r2, 1).value, ws.cell(r2, 3).value = "N2", "最后一行的说明"
    used, free = marks.explain_rows(OpenpyxlSource(wb))
    assert [(e.row, e.rule, e.text) for e in used] == [(r2, "N2", "最后一行的说明")]
    assert free == list(range(r1, r2))
