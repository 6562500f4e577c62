"""Messages say what was read and where, in staff's words (issue 10): S1 prints the amount as typed, a blank block
is one F4, B2 says a blank is blank, T1 does not say "两种读法都不相符" for one number, F1 in the template says to
restore the one edited label."""
from __future__ import annotations

import openpyxl

from addin.checks import validator
from addin.format import layout
from addin.io import reader, template

from .helpers import balanced_doc


def found(doc, rule):
    return [f for f in validator.validate(doc) if f.rule == rule]


def test_S1_prints_the_amount_as_typed(example_doc):
    doc = balanced_doc(example_doc)
    doc["cells"]["t2.fees.amount"] = 1234.567891
    out = found(doc, "S1")
    assert len(out) == 1 and "1234.567891" in out[0].message and "1234.57" not in out[0].message
    doc["cells"]["t2.fees.amount"] = 1234.5678
    assert found(doc, "S1") == []


def test_F4_a_blank_block_is_one_finding(example_doc):
    doc = balanced_doc(example_doc)
    rows = [f"t3.R{i:02d}" for i in range(3, 25)]               # the 22 result rows of 表三 left blank
    for r in rows:
        for c in ("C1", "C2", "C3", "C4", "C5", "C6", "CT"):
            doc["cells"][f"{r}.{c}"] = None
    out = found(doc, "F4")
    assert len(out) == 1, [f.message for f in out]
    assert "154 格为空" in out[0].message and "22 行" in out[0].message and "表三!D9:J30" in out[0].message


def test_F4_two_separate_blanks_are_two_findings(example_doc):
    doc = balanced_doc(example_doc)
    doc["cells"]["t3.R01.C3"] = None
    doc["cells"]["t3.R05.C6"] = None
    out = found(doc, "F4")
    assert sorted(f.cells[0] for f in out) == ["t3.R01.C3", "t3.R05.C6"]


def test_B2_says_a_blank_total_is_blank(example_doc):
    doc = balanced_doc(example_doc)
    doc["cells"]["t3.R01.C1"] = 5
    doc["cells"]["t3.R01.CT"] = None
    out = [f for f in found(doc, "B2") if "t3.R01.CT" in f.cells]
    assert len(out) == 1 and "总计 为空（按 0 计）" in out[0].message and "总计 = 0" not in out[0].message


def test_B2_a_typed_zero_stays_zero(example_doc):
    doc = balanced_doc(example_doc)
    doc["cells"]["t3.R01.C1"] = 5
    doc["cells"]["t3.R01.CT"] = 0
    out = [f for f in found(doc, "B2") if "t3.R01.CT" in f.cells]
    assert len(out) == 1 and "总计 = 0" in out[0].message and "为空" not in out[0].message


def test_T1_one_number_for_both_readings_is_said_once(example_doc):
    doc = balanced_doc(example_doc)
    from addin.report import sentences
    for c in sentences.quantities()["carried_in"]["cells"]:
        doc["cells"][c] = 0                                    # new = received: both readings the same number
    new = sentences.value(doc, "new")
    doc["texts"]["overview"] = f"本年度收到政府信息公开申请{new + 1}件。"
    out = found(doc, "T1")
    assert len(out) == 1 and "两种读法都不相符" not in out[0].message
    assert f"计算也是 {new} 件" in out[0].message


def test_F1_one_edited_label_in_the_template_says_restore_it(tmp_path, example_doc):
    path = tmp_path / "年报.xlsx"
    template.write(path, doc=balanced_doc(example_doc))
    span = next(s for s in layout.load().spans if s.text == "行政规范性文件")
    wb = openpyxl.load_workbook(path)
    wb[span.sheet].cell(span.row1, span.col1).value = "规范性文件"
    wb.save(path)
    r = reader.read(path)
    f1 = [f for f in validator.validate(r.document, r.locate, extra=r.findings) if f.rule == "F1"]
    assert len(f1) == 1 and "恢复为“行政规范性文件”" in f1[0].message
    assert "改用 2021 年标准模板" not in f1[0].message
