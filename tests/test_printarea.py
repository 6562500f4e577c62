"""The writing sheets print what staff wrote (issue 12): one computation (format/printarea.py) for the template,
`validate --annotate` and the 校验 button; written rows grow with their text (no customHeight)."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.format import layout, printarea
from addin.io import template
from addin.review.backends import openpyxl_marks

from .helpers import EXAMPLE_XLSX, findings_of

LAY = layout.load()
BLOCKS = LAY.blocks
PARAGRAPH = "本段由工作人员在Excel中直接输入，用于检查打印时整段是否完整。" * 6


def grid_with(cells: dict[tuple[int, int], str], rows: int = 80) -> list[list]:
    grid = [[None] * 3 for _ in range(rows)]
    for (r, c), v in cells.items():
        grid[r - 1][c - 1] = v
    return grid


def default_height(_row):
    return None


def rows_of(rngs):
    return {r for r1, _, r2, _ in rngs for r in range(r1, r2 + 1)}


# --- the computation ----------------------------------------------------------------------------------------

def test_a_blank_text_sheet_prints_one_page_of_grid():
    for sheet in {b.sheet for b in BLOCKS.values()}:
        rngs = printarea.ranges(sheet, grid_with({}), default_height)
        assert len(rngs) == 1 and rngs[0][0] == 1
        last = max((b for b in BLOCKS.values() if b.sheet == sheet), key=lambda b: b.last_row)
        end = rngs[0][2]
        assert end * LINE <= printarea.PAGE_HEIGHT, sheet                       # one page…
        assert end == last.last_row or (end + 1) * LINE > printarea.PAGE_HEIGHT, sheet    # …and full
        assert end >= last.first_row + printarea.BLANK_AFTER - 1


LINE = 15    # every row of the grid at the default height


def test_written_rows_and_three_blank_ones_print_when_past_a_page():
    ov = BLOCKS["overview"]
    typed = {(r, 1): PARAGRAPH for r in range(ov.first_row, ov.first_row + 12)}
    rngs = printarea.ranges(ov.sheet, grid_with(typed), default_height)
    assert rngs == [(1, 1, ov.first_row + 11 + printarea.BLANK_AFTER, 1)]
    # one paragraph more, typed below: it prints too
    typed[(ov.first_row + 12, 1)] = "最后一段"
    assert printarea.ranges(ov.sheet, grid_with(typed), default_height)[0][2] == ov.first_row + 12 + 3


def test_text_below_the_last_block_prints():
    ov = BLOCKS["overview"]
    rngs = printarea.ranges(ov.sheet, grid_with({(ov.last_row + 2, 1): "块外的一段"}, rows=ov.last_row + 2),
                            default_height)
    assert max(rows_of(rngs)) == ov.last_row + 2


def test_a_short_first_block_does_not_print_its_empty_grid_when_the_sheet_runs_past_a_page():
    """问题与改进: two paragraphs of problems and a long list of improvements. Printing the problems block's 28
    empty rows would push 改进情况 away from its text; each block prints from a page's top instead."""
    pb, im = BLOCKS["problems"], BLOCKS["improvements"]
    typed = {(pb.first_row, 1): PARAGRAPH, (pb.first_row + 1, 1): PARAGRAPH}
    typed.update({(r, 1): PARAGRAPH for r in range(im.first_row, im.first_row + 6)})
    rngs = printarea.ranges(pb.sheet, grid_with(typed), default_height)
    assert rngs == [(1, 1, pb.first_row + 1 + 3, 1), (im.heading_row, 1, im.first_row + 5 + 3, 1)]
    assert printarea.refs(rngs) == [f"A1:A{pb.first_row + 4}", f"A{im.heading_row}:A{im.first_row + 8}"]


def test_blocks_stay_one_range_when_a_split_would_leave_out_written_rows():
    """Rows inserted by hand into 存在的主要问题 push its text past the layout's block: nothing written is left
    out of the print for the sake of a neater page."""
    pb, im = BLOCKS["problems"], BLOCKS["improvements"]
    typed = {(pb.first_row, 1): PARAGRAPH, (pb.last_row + 1, 1): "插入行里写的一段"}
    typed.update({(r, 1): PARAGRAPH for r in range(im.first_row, im.first_row + 6)})
    rngs = printarea.ranges(pb.sheet, grid_with(typed), default_height)
    assert len(rngs) == 1 and rows_of(rngs) >= {r for r, _ in typed}
    del typed[(pb.last_row + 1, 1)]
    assert len(printarea.ranges(pb.sheet, grid_with(typed), default_height)) == 2


def test_blocks_stay_one_range_when_splitting_would_print_more_pages():
    """A blank 问题与改进 fits one page whole: splitting it would print two."""
    pb, im = BLOCKS["problems"], BLOCKS["improvements"]
    assert len(printarea.ranges(pb.sheet, grid_with({}), default_height)) == 1
    typed = {(pb.first_row, 1): "一段", (im.first_row, 1): "一段"}
    assert len(printarea.ranges(pb.sheet, grid_with(typed), default_height)) == 1


def test_the_explain_sheet_prints_its_written_rows_and_at_least_a_page():
    r1, r2 = LAY.explain_rows
    assert printarea.ranges(layout.EXPLAIN_SHEET, grid_with({}, rows=r2), default_height) == \
        [(1, 1, r1 + printarea.EXPLAIN_PRINTED - 1, 3)]
    typed = {(r, 3): "理由" for r in range(r1, r1 + 30)}
    typed[(r1 + 30, 2)] = "只写了对象"
    assert printarea.ranges(layout.EXPLAIN_SHEET, grid_with(typed, rows=r2), default_height) == \
        [(1, 1, r1 + 30 + 3, 3)]


def test_heights_of_written_rows_come_from_their_text():
    ov = BLOCKS["overview"]
    need = printarea.needed_heights(ov.sheet, grid_with({(ov.first_row, 1): PARAGRAPH, (ov.heading_row, 1): "标题"}))
    assert list(need) == [ov.first_row]                          # never a heading or prompt row
    assert need[ov.first_row] == printarea.text_height(PARAGRAPH, printarea.TEXT_WIDTH) > 3 * 15


# --- the template and the annotated copy ----------------------------------------------------------------------

def row_attrs(path, sheet: str) -> dict[int, str]:
    """The <row> elements' attributes of a sheet, as written in the file."""
    wb = openpyxl.load_workbook(path, read_only=True)
    index = wb.sheetnames.index(sheet) + 1
    wb.close()
    with zipfile.ZipFile(path) as z:
        xml = z.read(f"xl/worksheets/sheet{index}.xml").decode()
    return {int(m.group(1)): m.group(0) for m in re.finditer(r'<row r="(\d+)"[^>]*>', xml)}


def test_filled_rows_can_grow_when_staff_retype_them(tmp_path):
    """A row of custom height keeps a paragraph typed in Excel to one clipped line: filled rows carry their height
    without customHeight, so Excel and WPS still fit them to what is typed."""
    rows = row_attrs(EXAMPLE_XLSX, "总体情况")
    ov = BLOCKS["overview"]
    assert 'ht="' in rows[ov.first_row] and "customHeight" not in rows[ov.first_row]
    assert 'customHeight="1"' in rows[ov.heading_row]          # headings keep their fixed height
    for sheet in printarea.writing_sheets():                    # the blank template: no writing row is fixed
        fixed = {r for r, attrs in row_attrs(template.COMMITTED, sheet).items() if 'customHeight="1"' in attrs}
        writing = set(printarea.needed_heights(sheet, grid_with({(r, c): "字" for r in range(1, 210)
                                                                 for c in (1, 2, 3)}, rows=210)))
        assert writing and not fixed & writing, sheet


def test_annotate_prints_text_typed_below_the_old_print_area(tmp_path):
    src = tmp_path / "年报.xlsx"
    shutil.copy(EXAMPLE_XLSX, src)
    wb = openpyxl.load_workbook(src)
    ws = wb["总体情况"]
    old_end = int(ws.print_area.split("$")[-1])
    ws.cell(old_end + 2, 1).value = "补充：" + PARAGRAPH
    wb.save(src)
    out = openpyxl_marks.annotate_file(src, findings_of(src))
    ws = openpyxl.load_workbook(out)["总体情况"]
    assert int(ws.print_area.split("$")[-1]) == old_end + 2 + printarea.BLANK_AFTER
    assert ws.row_dimensions[old_end + 2].height == printarea.text_height("补充：" + PARAGRAPH, printarea.TEXT_WIDTH)
    assert "customHeight" not in row_attrs(out, "总体情况")[old_end + 2]
    assert openpyxl.load_workbook(src)["总体情况"].print_area.endswith(f"${old_end}")    # the input untouched


def test_a_value_in_the_last_row_of_the_sheet_is_no_paragraph(tmp_path):
    """Something in 总体情况!A1048576: the sheet is read to ROWS_LOOKED_AT rows, not a million."""
    src = tmp_path / "年报.xlsx"
    shutil.copy(EXAMPLE_XLSX, src)
    wb = openpyxl.load_workbook(src)
    before = wb["总体情况"].print_area
    wb["总体情况"]["A1048576"] = "x"
    wb.save(src)
    out = openpyxl.load_workbook(openpyxl_marks.annotate_file(src, findings_of(src)))
    assert out["总体情况"].print_area == before


def test_annotate_and_template_agree_on_the_print_areas(tmp_path):
    """The annotated copy of an untouched filled workbook prints what the workbook printed."""
    out = openpyxl_marks.annotate_file(EXAMPLE_XLSX, findings_of(EXAMPLE_XLSX), output=tmp_path / "x.校验.xlsx")
    before, after = openpyxl.load_workbook(EXAMPLE_XLSX), openpyxl.load_workbook(out)
    for sheet in printarea.writing_sheets():
        assert after[sheet].print_area == before[sheet].print_area, sheet
    assert "," in after["问题与改进"].print_area          # the example: one line of problems, then improvements


# --- what LibreOffice prints ------------------------------------------------------------------------------------

@pytest.mark.libreoffice
def test_libreoffice_prints_typed_paragraphs_whole_after_annotate(tmp_path):
    """Paragraphs typed below the old print area of a filled workbook: left out of the print before 校验, printed
    whole (their last characters included) from the annotated copy."""
    from . import lo

    lo.debian_tool("pdftotext", "poppler-utils")
    src = tmp_path / "年报.xlsx"
    shutil.copy(EXAMPLE_XLSX, src)
    wb = openpyxl.load_workbook(src)
    ws = wb["总体情况"]
    old_end = int(ws.print_area.split("$")[-1])
    for i, row in enumerate(range(old_end - 1, old_end + 3)):
        if ws.cell(row, 1).value is None:
            ws.cell(row, 1).value = f"补充第{i}段：" + PARAGRAPH + f"第{i}段完"
    wb.save(src)
    out = openpyxl_marks.annotate_file(src, findings_of(src))
    before, after = lo.convert([src, out], "pdf", tmp_path / "pdf")

    def text(pdf):
        return "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                      check=True).stdout.split())

    typed_below = [i for i, row in enumerate(range(old_end - 1, old_end + 3)) if row > old_end]
    assert typed_below and all(f"第{i}段完" not in text(before) for i in typed_below)
    assert all(f"第{i}段完" in text(after) for i in range(4))


@settings(max_examples=200, deadline=None)
@given(sheet=st.sampled_from(sorted({b.sheet for b in BLOCKS.values()}) + [layout.EXPLAIN_SHEET]),
       written=st.dictionaries(st.tuples(st.integers(1, 230), st.integers(1, 3)),
                               st.sampled_from(["一段", PARAGRAPH, "  ", "甲\n乙", 0, 12.5]), max_size=12))
def test_every_written_row_prints(sheet, written):
    """Whatever is written where, in the writing columns of a writing sheet, lies inside its print area."""
    grid = grid_with(written, rows=max([r for r, _ in written] + [LAY.explain_rows[1]]))
    rngs = printarea.ranges(sheet, grid, default_height)
    cols = len(printarea.widths(sheet))
    for (r, c), v in written.items():
        if c <= cols and str(v).strip():
            assert any(r1 <= r <= r2 and c1 <= c <= c2 for r1, c1, r2, c2 in rngs), (r, c, rngs)
