"""The reader on real workbooks written by the template generator and edited with openpyxl."""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from addin.checks import validator
from addin.errors import UserError
from addin.format import layout
from addin.io import reader, template

from .helpers import balanced_doc


def rules(path):
    r = reader.read(path)
    return r, validator.validate(r.document, r.locate, extra=r.findings)


@pytest.fixture
def filled(tmp_path, example_doc) -> Path:
    path = tmp_path / "年报 2025（测试）.xlsx"        # spaces, Chinese and brackets in the path
    template.write(path, doc=balanced_doc(example_doc))
    return path


def edit(path: Path, fn) -> Path:
    wb = openpyxl.load_workbook(path)
    fn(wb)
    wb.save(path)
    return path


def at(element: str) -> tuple[str, str]:
    return layout.load().sheet_and_ref(element)


def test_reads_back_exactly_what_fill_wrote(filled, example_doc):
    assert reader.read(filled).document == balanced_doc(example_doc)


def test_input_file_is_never_modified(filled):
    before = hashlib.sha256(filled.read_bytes()).hexdigest()
    rules(filled)
    assert hashlib.sha256(filled.read_bytes()).hexdigest() == before


def test_blank_is_not_zero(filled):
    sheet, ref = at("t3.R02.C3")
    edit(filled, lambda wb: setattr(wb[sheet][ref], "value", None))
    r, out = rules(filled)
    assert r.document["cells"]["t3.R02.C3"] is None
    assert [f.addresses for f in out if f.rule == "F4"] == [[f"{sheet}!{ref}"]]


@pytest.mark.parametrize("typed, words", [("3件", "请只填数字 3"), ("—", "没有的请填 0"), ("/", "没有的请填 0"),
                                          (" 5 ", "请只填数字 5"), ("１２", "请只填数字 12"), (2.5, "小数"),
                                          (-2, "负数")])
def test_text_decimals_and_negatives_become_findings_at_the_cell(filled, typed, words):
    sheet, ref = at("t3.R05.C1")
    edit(filled, lambda wb: setattr(wb[sheet][ref], "value", typed))
    r, out = rules(filled)
    b4 = [f for f in out if f.rule == "B4"]
    assert len(b4) == 1 and b4[0].addresses == [f"{sheet}!{ref}"] and words in b4[0].message
    assert r.document["cells"]["t3.R05.C1"] == typed          # read as typed, not coerced


def test_formula_without_cached_result_is_not_trusted(filled):
    sheet, ref = at("t3.R24.C1")
    edit(filled, lambda wb: setattr(wb[sheet][ref], "value", "=SUM(D9:D29)"))
    r, out = rules(filled)
    assert any(f.rule == "B4" and "公式" in f.message and f.addresses == [f"{sheet}!{ref}"] for f in out)


def test_altered_label_is_F2_naming_cell_and_official_label(filled):
    lay = layout.load()
    span = next(s for s in lay.spans if s.text == "2.重复申请")
    edit(filled, lambda wb: setattr(wb[span.sheet].cell(span.row1, span.col1), "value", "2.重复的申请"))
    _, out = rules(filled)
    f2 = [f for f in out if f.rule == "F2"]
    assert len(f2) == 1 and f2[0].addresses == [f"{span.sheet}!{layout.ref(span.row1, span.col1)}"]
    assert "“2.重复的申请”" in f2[0].message and "“2.重复申请”" in f2[0].message and f2[0].severity == "需说明"


def test_label_line_breaks_are_not_alterations(filled):
    lay = layout.load()
    span = next(s for s in lay.spans if s.text == "商业企业")
    edit(filled, lambda wb: setattr(wb[span.sheet].cell(span.row1, span.col1), "value", "商业\n企业"))
    assert [f for f in rules(filled)[1] if f.rule in ("F1", "F2")] == []


def test_2019_label_is_F1(filled):
    lay = layout.load()
    span = next(s for s in lay.spans if s.text == "行政规范性文件")
    edit(filled, lambda wb: setattr(wb[span.sheet].cell(span.row1, span.col1), "value", "规范性文件"))
    _, out = rules(filled)
    f1 = [f for f in out if f.rule == "F1"]
    assert len(f1) == 1 and "2019 年试行格式" in f1[0].message and "行政规范性文件" in f1[0].message
    assert f1[0].severity == "错误"


def test_xlwings_conf_sheet_is_F6(filled):
    edit(filled, lambda wb: wb.create_sheet("xlwings.conf").append(["INTERPRETER_WIN", r"C:\evil.exe"]))
    _, out = rules(filled)
    assert [f.rule for f in out if f.rule == "F6"] == ["F6"]


def test_missing_names_fall_back_to_labels_F7(filled, example_doc):
    def drop_names(wb):
        for name in list(wb.defined_names):
            del wb.defined_names[name]
    edit(filled, drop_names)
    r, out = rules(filled)
    assert r.located_by == "labels"
    assert [f.rule for f in out if f.rule in ("F7", "F3")] == ["F7"]
    assert r.document["cells"] == balanced_doc(example_doc)["cells"]


def test_cell_found_nowhere_is_F3(filled):
    lay = layout.load()
    span = next(s for s in lay.spans if s.text == "行政许可")
    def break_it(wb):
        del wb.defined_names[layout.defined_name("t2.licensing.decisions")]
        wb[span.sheet].cell(span.row1, span.col1).value = "许可"
    edit(filled, break_it)
    _, out = rules(filled)
    f3 = [f for f in out if f.rule == "F3"]
    assert len(f3) == 1 and f3[0].cells == ["t2.licensing.decisions"] and f3[0].severity == "错误"


def test_explanations_are_read_from_the_sheet(filled):
    r = reader.read(filled)
    assert r.document["explanations"][0]["rule"] == "N2"


@pytest.mark.parametrize("content, words", [
    (b"", "空的"),
    ("机关,年度\n某局,2025\n".encode("gbk"), "不是 .xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
    (b"PK\x03\x04garbage", "已损坏"),
])
def test_not_a_workbook_is_a_clear_message(tmp_path, content, words):
    p = tmp_path / "input.xlsx"
    p.write_bytes(content)
    with pytest.raises(UserError) as e:
        reader.read(p)
    assert words in e.value.message and str(p) in e.value.message


def test_docx_renamed_and_zip_without_workbook(tmp_path):
    p = tmp_path / "report.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(UserError, match="Word 文档"):
        reader.read(p)


def test_other_xlsx_is_one_clear_message_not_findings(tmp_path):
    p = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "工资表"
    wb.save(p)
    with pytest.raises(UserError) as e:
        reader.read(p)
    assert e.value.code == "input.not_template" and str(p) in e.value.message and e.value.exit_code == 2


def test_cli_exit_codes(filled, tmp_path, capsys):
    from addin.cli import main

    assert main(["validate", str(filled)]) == 0
    assert "通过" in capsys.readouterr().out
    sheet, ref = at("t3.R01.C1")
    edit(filled, lambda wb: setattr(wb[sheet][ref], "value", 11))
    assert main(["validate", str(filled), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["passed"] is False and {"B1", "B2"} <= {f["rule"] for f in out["findings"]}
    bad = tmp_path / "x.xlsx"
    bad.write_text("a,b\n")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "不是 .xlsx" in err and "Traceback" not in err


def test_2019_trial_format_workbook_is_F1_and_exit_1(tmp_path, capsys):
    from addin.cli import main

    from .helpers import trial_workbook

    wb, _, marks = trial_workbook()
    path = tmp_path / "2019格式.xlsx"
    wb.save(path)
    r, out = rules(path)
    f1 = [f for f in out if f.rule == "F1"]
    assert {f.addresses[0] for f in f1} == {f"年报!{layout.ref(r_, c_)}" for r_, c_ in marks}
    assert any("行政规范性文件" in f.message for f in f1)
    assert {f.cells[0].split(".")[1] for f in out if f.rule == "F3" and f.cells[0].startswith("t3.")} == {"R21"}
    assert main(["validate", str(path)]) == 1
    text = capsys.readouterr().out
    assert "2019 年试行格式" in text and "Traceback" not in text


def test_live_book_with_a_control_character_reads_as_its_saved_file(tmp_path, example_doc):
    """Excel hands the add-in U+0001 for the '_x0001_' it stores; the live read must not raise
    IllegalCharacterError and must give the document the saved file gives."""
    import openpyxl

    from addin.io import live, template
    from addin.io.results import OpenpyxlSource

    example_doc["texts"]["overview"] = "第一段_x0001_结束"
    example_doc["organ"]["name"] = "某局_x0007_"
    path = tmp_path / "ctl.xlsx"
    template.write(path, doc=example_doc)
    wb = openpyxl.load_workbook(path)

    class ExcelLike(OpenpyxlSource):
        def grid(self, sheet, max_rows=None, max_cols=None):
            return [[v.replace("_x0001_", "\x01").replace("_x0007_", "\x07") if isinstance(v, str) else v
                     for v in row] for row in super().grid(sheet, max_rows, max_cols)]

        def defined_names(self):
            return [(n, d.attr_text) for n, d in self.wb.defined_names.items()]

    from_book = live.read(ExcelLike(wb), path)
    assert from_book.document == reader.read(path).document
    assert "第一段_x0001_结束" in from_book.document["texts"]["overview"]


# --- F11: text outside the input cells (QA: pasted past the white rows, dropped with "没有发现问题") ---------

def _f11(path, fast=True):
    r = reader.read(path, fast=fast)
    return [x for x in r.findings if x.rule == "F11"], r


@pytest.mark.parametrize("fast", [True, False])
def test_text_outside_the_writing_area_is_an_error_naming_the_cells(filled, fast):
    assert _f11(filled, fast)[0] == []                      # the template's own labels are no stray text
    edit(filled, lambda wb: [wb["总体情况"].__setitem__("A79", "第79行的段落。"),
                             wb["总体情况"].__setitem__("B22", "写在B列的补充。"),
                             wb["问题与改进"].__setitem__("A36", "两部分之间。"),
                             wb["基本信息"].__setitem__("B16", "备注")])
    found, r = _f11(filled, fast)
    # 基本信息!B16 (a note such as 填报人 beside the fields) is no report text: not an error (QA)
    assert [x.target for x in found] == ["总体情况!B22, A79", "问题与改进!A36"]
    assert [validator.object_label(x) for x in found] == [x.target for x in found]   # no "总体情况 总体情况"
    assert all(x.severity == "错误" for x in found)
    overview = found[0]
    assert overview.addresses == ["总体情况!B22", "总体情况!A79"] and "第79行的段落" not in r.document["texts"]["overview"]
    assert "总体情况!B22, A79" in overview.message and "A19:A78（总体情况）" in overview.message


def test_rows_inserted_in_a_block_and_edited_text_inside_it_are_no_stray_text(filled):
    def fn(wb):
        wb["总体情况"].insert_rows(30, 3)           # openpyxl does not move names: move the block's name as Excel does
        dn = wb.defined_names[layout.defined_name("text.overview")]
        dn.attr_text = dn.attr_text.replace("$78", "$81")
        wb["总体情况"]["A80"] = "插入行后写满的最后一段。"
    edit(filled, fn)
    found, r = _f11(filled)
    assert found == [] and r.document["texts"]["overview"].endswith("插入行后写满的最后一段。")


def test_the_template_places_of_words_hold_any_wording_a_cell_beside_them_does_not(filled):
    """A workbook from an older template words its headings and prompts differently: no F11 for them (an
    error there would block every such report); a word one column right of a prompt is stray."""
    edit(filled, lambda wb: [wb["其他事项"].__setitem__("A5", "旧模板的提示文字"),
                             wb["说明"].__setitem__("B2", "对象（旧）"),
                             wb["其他事项"].__setitem__("B5", "旁注")])
    found, _ = _f11(filled)
    assert [x.addresses for x in found] == [["其他事项!B5"]] and "旁注" in found[0].message


def test_text_below_the_explain_rows_says_it_explains_nothing(filled):
    edit(filled, lambda wb: wb["说明"].__setitem__("A204", "N2"))
    found, _ = _f11(filled)
    assert len(found) == 1 and "不能说明任何问题" in found[0].message and "A3:C202" in found[0].message


@pytest.mark.parametrize("sheet, said", [("其他事项", "“六、其他需要报告的事项”"), ("基本信息", "机关名称、报告年度")])
def test_a_deleted_sheet_of_words_is_said_missing_not_empty(filled, sheet, said):
    """QA: deleting 其他事项 gave N5 about 其他事项!A6:A35 (rows that are not there) instead of the sheet."""
    _, before = rules(filled)
    assert not [x for x in before if x.rule == "F3"]
    edit(filled, lambda wb: wb.remove(wb[sheet]))
    _, found = rules(filled)
    f3 = [x for x in found if x.rule == "F3"]
    assert len(f3) == 1 and f"没有“{sheet}”工作表" in f3[0].message and said in f3[0].message
    assert f3[0].severity == "错误" and f3[0].sheet == sheet
    gone = set(f3[0].cells)
    assert not [x for x in found if x.rule != "F3" and gone & set(x.cells)]     # no N5 / S2 on cells not there


def test_a_deleted_explain_sheet_is_no_error(filled):
    edit(filled, lambda wb: wb.remove(wb[layout.EXPLAIN_SHEET]))
    _, found = rules(filled)
    assert not [x for x in found if x.rule in ("F3", "F11")]


@pytest.mark.parametrize("fast", [True, False])
def test_a_date_in_a_count_cell_is_said_to_be_a_date(filled, fast):
    """QA: '填的是文本“日期 2025-01-02T00:00:00”' — it is a date (a number Excel turned into one), not text."""
    import datetime as dt

    sheet, ref = at("t3.R05.C1")
    edit(filled, lambda wb: wb[sheet].__setitem__(ref, dt.datetime(2025, 1, 2)))
    r = reader.read(filled, fast=fast)
    found = [x for x in validator.validate(r.document, r.locate, extra=r.findings) if "t3.R05.C1" in x.cells]
    assert len(found) == 1 and "填的是日期 2025-01-02（" in found[0].message
    assert "文本" not in found[0].message.split("，")[0] and "T00:00:00" not in found[0].message


def test_F9_lookalike_sheet_is_found_beside_a_redirected_name(filled):
    """F9 'lookalike' compares every sheet of the format, also when some name was redirected (it used to compare
    only the sheets of the redirected names, so the look-alike 表 二 went unsaid)."""
    def fn(wb):
        wb.create_sheet("表 二")
        wb.create_sheet("另一张")
        wb.defined_names["nb_organ_name"].attr_text = "'另一张'!$B$3"
    edit(filled, fn)
    for fast in (True, False):
        found = [f for f in reader.read(filled, fast=fast).findings if f.rule == "F9"]
        assert any(f.target == "F9:表 二" for f in found), found
        assert any(f.target == "F9:另一张" for f in found), found
