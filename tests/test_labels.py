"""addin.io.labels: data cells found by the official labels in workbooks without defined names.

Every workbook is built with openpyxl from the format's own label paths, saved and loaded again.
"""
from __future__ import annotations

import openpyxl
import pytest

from addin.format import fmt as fmtmod
from addin.io import labels

from .helpers import put_table, trial_workbook, value_of

F = fmtmod.load()
T = {t.id: t for t in F.tables}


def reload(wb, tmp_path, name="book.xlsx"):
    path = tmp_path / name
    wb.save(path)
    return openpyxl.load_workbook(path)


def assert_located(wb, res, expected):
    for cid, pos in expected.items():
        assert res.positions.get(cid) == pos, cid
        sheet, r, c = res.positions[cid]
        assert wb[sheet].cell(r, c).value == value_of(cid), cid


def half_width_broken(s: str) -> str:
    """A copied label: half-width parentheses and punctuation, a line break and a full-width space inside."""
    s = s.replace("（", "(").replace("）", ")").replace("，", ",").replace("“", '"').replace("”", '"')
    if len(s) >= 4:
        s = s[:2] + "\n" + s[2:3] + "\u3000" + s[3:]
    return " " + s + " "


# --- (1) the whole format on one sheet --------------------------------------------------------------

def test_all_tables_on_one_sheet(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "年报"
    expected, r = {}, 2
    for table in F.tables:
        pos, r = put_table(ws, table, r, 1)
        expected.update(pos)
        r += 1
    assert set(expected) == set(F.cells)
    wb = reload(wb, tmp_path)
    res = labels.locate(wb)
    assert set(res.positions) == set(F.cells)
    assert_located(wb, res, expected)
    assert res.trial_2019 == []            # the 2021 （六）其他处理 group with its three sub-rows is no marker


# --- (2) separate sheets, offsets, blank rows/columns, half-width parentheses, broken labels --------

def test_tables_on_different_sheets_with_offsets_and_copied_labels(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb["说明"]["A1"] = "本工作簿由年报复制而来（一）予以公开的数字见表三"   # narrative text is no label
    s2, s3, s4 = wb.create_sheet("主动公开"), wb.create_sheet("依申请"), wb.create_sheet("复议诉讼")
    expected = {}
    r = 5
    for table in [t for t in F.tables if t.sheet == "表二"]:
        pos, r = put_table(s2, table, r, 3, text=half_width_broken, gap_cols=1)
        expected.update(pos)
        r += 2                                                         # blank rows between tables
    pos, _ = put_table(s3, T["t3"], 9, 2, text=half_width_broken, gap_rows=1, gap_cols=2)
    expected.update(pos)
    pos, _ = put_table(s4, T["t4"], 3, 4, text=half_width_broken)
    expected.update(pos)
    # the brief's example of a break inside a header
    assert s3.cell(11, 2 + 3 + 2 + 1).value.strip().startswith("商业\n")
    wb = reload(wb, tmp_path)
    res = labels.locate(wb)
    assert set(res.positions) == set(F.cells)
    assert_located(wb, res, expected)


def test_unmerged_labels_and_headers(tmp_path):
    """Copied without merged cells: group labels cover up to the next label in their row / column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    expected, r = {}, 1
    for table in F.tables:
        pos, r = put_table(ws, table, r, 2, merge=False)
        expected.update(pos)
    wb = reload(wb, tmp_path)
    res = labels.locate(wb)
    assert_located(wb, res, expected)
    assert set(res.positions) == set(F.cells)


def test_normalisation_is_lenient_about_spaces_and_punctuation():
    assert labels.norm("(一) 予以公开") == labels.norm("（一）予以公开")
    assert labels.norm("商业\n企业") == labels.norm("商业企业")
    assert labels.norm("1．属于国家秘密") == labels.norm("1.属于国家秘密")
    assert labels.norm('3.危及"三安全一稳定"') == labels.norm("3.危及“三安全一稳定”")
    assert labels.norm("本年收费金额(单位:万元)") == labels.norm("本年收费金额（单位：万元）")
    assert labels.norm("规范性文件") != labels.norm("行政规范性文件")


# --- (3) 表四: repeated leaf headers told apart by their groups -------------------------------------

def _t4_reordered():
    """表四 with the groups in another order than the template, and the leaves of one group reversed."""
    cols = list(T["t4"].columns)
    after = [c for c in cols if c.id.startswith("suit_after.")][::-1]
    direct = [c for c in cols if c.id.startswith("suit_direct.")]
    review = [c for c in cols if c.id.startswith("review.")]
    return after + direct + review


@pytest.mark.parametrize("merge", [True, False])
def test_table4_groups_decide_between_repeated_leaves(tmp_path, merge):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "四、政府信息公开行政复议、行政诉讼情况"
    expected, _ = put_table(ws, T["t4"], 3, 2, merge=merge, columns=_t4_reordered())
    wb = reload(wb, tmp_path)
    res = labels.locate(wb)
    t4_ids = {e for e in F.cells if e.startswith("t4.")}
    assert t4_ids <= set(res.positions)
    assert_located(wb, res, expected)
    # the template's left-to-right order would have put review.upheld in the first column: it is not there
    assert res.positions["t4.review.upheld"][2] != 2


def test_table4_without_group_labels_falls_back_to_left_to_right(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    groups = {g for c in T["t4"].columns for g in c.path[:-1]}
    expected, _ = put_table(ws, T["t4"], 4, 1, drop=groups)
    wb = reload(wb, tmp_path)
    res = labels.locate(wb)
    assert_located(wb, res, expected)


def test_table4_data_row_is_below_the_lowest_header(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    expected, _ = put_table(ws, T["t4"], 6, 3)
    ws.cell(expected["t4.review.total"][1] + 1, 7, 99)      # a number in the row below must not be read
    wb = reload(wb, tmp_path)
    res = labels.locate(wb)
    assert {p[1] for e, p in res.positions.items() if e.startswith("t4.")} == {6 + 3}
    assert_located(wb, res, expected)


# --- (4) section 二: (五) and (六) share 本年处理决定数量 -------------------------------------------

def test_shared_header_of_sub_tables_5_and_6(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表二"
    expected = {}
    pos, r = put_table(ws, T["t2_5"], 1, 1)                 # header in column B
    expected.update(pos)
    pos, _ = put_table(ws, T["t2_6"], r + 1, 3)             # header in column D, further right
    expected.update(pos)
    wb = reload(wb, tmp_path)
    res = labels.locate(wb, {e for e in F.cells if e.startswith("t2.")})
    assert_located(wb, res, expected)
    assert res.positions["t2.licensing.decisions"][2] == 2
    assert res.positions["t2.penalty.decisions"][2] == 4


def test_missing_header_of_sub_table_6_is_not_borrowed_from_5(tmp_path):
    """Without its own header, (六) must not read the column of (五)'s header above its own title."""
    wb = openpyxl.Workbook()
    ws = wb.active
    pos5, r = put_table(ws, T["t2_5"], 1, 1)
    put_table(ws, T["t2_6"], r + 1, 1, headers=False)
    wb = reload(wb, tmp_path)
    res = labels.locate(wb)
    assert_located(wb, res, pos5)
    assert "t2.penalty.decisions" not in res.positions
    assert "t2.coercion.decisions" not in res.positions


# --- (5) the 2019 trial format ----------------------------------------------------------------------


def test_trial_2019_workbook(tmp_path):
    wb, expected, marks = trial_workbook()
    wb = reload(wb, tmp_path)
    res = labels.locate(wb)
    assert {(r, c): text for s, r, c, text in res.trial_2019} == marks
    assert all(s == "年报" for s, *_ in res.trial_2019)
    # what exists in 2021 form is still found, and read at the right place
    assert_located(wb, res, expected)
    t3_rows_found = {e.split(".")[1] for e in res.positions if e.startswith("t3.")}
    assert {"R21", "R22", "R23"}.isdisjoint(t3_rows_found)
    assert len(t3_rows_found) == len(T["t3"].rows) - 3
    # section 二 has only 2019 columns: none of its 2021 cells is there
    assert not [e for e in res.positions if e.startswith("t2.")]


def test_2019_row_label_still_locates_the_2021_row(tmp_path):
    """行政规范性文件 written in its 2019 wording: the row is found and the label is reported."""
    wb = openpyxl.Workbook()
    ws = wb.active
    old = next(iter(F.trial_2019["replaced_labels"]))
    expected, _ = put_table(ws, T["t2_1"], 2, 1)
    row = expected["t2.normative.issued"][1]
    ws.cell(row, 1, old)
    wb = reload(wb, tmp_path)
    res = labels.locate(wb)
    assert_located(wb, res, expected)
    assert res.trial_2019 == [(ws.title, row, 1, old)]


def test_single_row_group_without_numbers_is_no_marker(tmp_path):
    """A lone （六）其他处理 label with no numbers in its row (e.g. a heading in notes) is not flagged."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B2"] = F.trial_2019["single_row_groups"][0]
    ws["C3"] = 4
    wb = reload(wb, tmp_path)
    assert labels.locate(wb).trial_2019 == []


# --- (6) missing labels ----------------------------------------------------------------------------

def test_missing_labels_leave_elements_out(tmp_path):
    t3 = T["t3"]
    r07 = t3.row("R07").path[-1]
    c3 = t3.column("C3").path[-1]
    wb = openpyxl.Workbook()
    ws = wb.active
    expected, _ = put_table(ws, t3, 3, 1, drop={r07, c3})
    wb = reload(wb, tmp_path)
    res = labels.locate(wb)
    gone = {e for e in expected if e.startswith("t3.R07.") or e.endswith(".C3")}
    assert len(gone) == len(t3.columns) + len(t3.rows) - 1
    assert gone.isdisjoint(res.positions)
    assert_located(wb, res, {e: p for e, p in expected.items() if e not in gone})
    # tables not in the workbook at all
    assert not [e for e in res.positions if not e.startswith("t3.")]


# --- (7) wanted ------------------------------------------------------------------------------------

def test_wanted_restricts_the_search(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    expected, r = {}, 1
    for table in F.tables:
        pos, r = put_table(ws, table, r, 1)
        expected.update(pos)
    wb = reload(wb, tmp_path)
    wanted = {"t3.R01.C1", "t3.R24.CT", "t4.review.total", "t2.fees.amount", "organ.name", "nonsense"}
    res = labels.locate(wb, wanted)
    assert set(res.positions) == {"t3.R01.C1", "t3.R24.CT", "t4.review.total", "t2.fees.amount"}
    assert_located(wb, res, {e: expected[e] for e in res.positions})
    assert labels.locate(wb, set()).positions == {}


# --- ambiguity -------------------------------------------------------------------------------------

def test_same_table_on_two_sheets_is_ambiguous(tmp_path):
    wb = openpyxl.Workbook()
    put_table(wb.active, T["t3"], 1, 1)
    put_table(wb.create_sheet("副本"), T["t3"], 1, 1)
    put_table(wb.active, T["t4"], 40, 1)
    wb = reload(wb, tmp_path)
    res = labels.locate(wb)
    assert not [e for e in res.positions if e.startswith("t3.")]
    assert len([e for e in res.positions if e.startswith("t4.")]) == len(T["t4"].columns)


def test_same_table_twice_on_one_sheet_is_ambiguous(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    _, r = put_table(ws, T["t2_1"], 1, 1)
    put_table(ws, T["t2_1"], r + 2, 1)
    wb = reload(wb, tmp_path)
    res = labels.locate(wb)
    assert not res.positions


def test_table_on_the_sheet_with_its_other_labels_wins(tmp_path):
    """A row label also standing alone on another sheet: the sheet with the table's headers is chosen."""
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "备注"
    notes["A1"] = T["t2_8"].rows[0].path[-1]            # 行政事业性收费, alone, with a number beside it
    notes["B1"] = 3
    expected, _ = put_table(wb.create_sheet("数据"), T["t2_8"], 2, 2)
    wb = reload(wb, tmp_path)
    res = labels.locate(wb)
    assert_located(wb, res, expected)


# --- the standard template's own layout, names removed ------------------------------------------

def _layout_workbook():
    from addin.format import layout

    lay = layout.load()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in dict.fromkeys(sp.sheet for sp in lay.spans):
        wb.create_sheet(sheet)
    for sp in lay.spans:                       # titles, corners, headers, labels and check labels
        ws = wb[sp.sheet]
        ws.cell(sp.row1, sp.col1, sp.text)
        if sp.merged:
            ws.merge_cells(start_row=sp.row1, start_column=sp.col1, end_row=sp.row2, end_column=sp.col2)
    for ch in lay.checks:
        wb[ch.sheet].cell(ch.row, ch.col, "=0")
    for cid in F.cells:
        sheet, r, c = lay.pos[cid]
        wb[sheet].cell(r, c, value_of(cid))
    return wb, {cid: lay.pos[cid] for cid in F.cells}


def test_standard_template_layout_without_names(tmp_path):
    wb, expected = _layout_workbook()
    wb = reload(wb, tmp_path)
    res = labels.locate(wb)
    assert_located(wb, res, expected)
    assert set(res.positions) == set(F.cells)
    assert res.trial_2019 == []


def test_read_only_workbook_without_merged_ranges(tmp_path):
    wb, expected = _layout_workbook()
    wb.save(tmp_path / "ro.xlsx")
    ro = openpyxl.load_workbook(tmp_path / "ro.xlsx", read_only=True)
    try:
        res = labels.locate(ro)
        assert res.positions == expected
    finally:
        ro.close()


def test_table4_one_header_for_two_columns_is_ambiguous(tmp_path):
    """Sub-group labels gone and one of the two litigation 总计 headers gone: which group it is, is unknown."""
    t4 = T["t4"]
    subgroups = {c.path[1] for c in t4.columns if len(c.path) == 3}
    wb = openpyxl.Workbook()
    ws = wb.active
    expected, _ = put_table(ws, t4, 2, 1, drop=subgroups)
    _, r, c = expected["t4.suit_after.total"]
    ws.cell(r - 1, c).value = None
    wb = reload(wb, tmp_path)
    res = labels.locate(wb)
    ambiguous = {"t4.suit_after.total", "t4.suit_direct.total"}
    assert not ambiguous & set(res.positions)
    assert_located(wb, res, {e: p for e, p in expected.items() if e not in ambiguous})
    assert len(res.positions) == len(t4.columns) - 2


def test_cell_references_parse_without_openpyxl():
    """The read path names cells without importing openpyxl (layout.row_col is column_letter's inverse)."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    from addin.format import layout

    for col in (1, 2, 26, 27, 52, 702, 703, 16384):
        letters = layout.column_letter(col)
        assert layout.column_index(letters) == column_index_from_string(letters) == col
        ref = f"{letters}{col * 7}"
        col_s, row = coordinate_from_string(ref)
        assert layout.row_col(ref) == (row, column_index_from_string(col_s))
        assert layout.row_col(f"${letters}${col * 7}") == (row, col)
